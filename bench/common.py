"""What every part of the benchmark shares: printing figures, timing, peak RSS, summaries."""
from __future__ import annotations

import contextlib
import resource
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def line(label: str, value: str) -> None:
    print(f"  {label:<58}{value}", flush=True)


def timed(action: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def spread(seconds: list[float]) -> str:
    """'min / median s (n runs)', the form every repeated figure is printed in."""
    if len(seconds) == 1:
        return f"{seconds[0]:.2f} s (1 run)"
    return (f"{min(seconds):.2f} / {statistics.median(seconds):.2f} s "
            f"(min / median of {len(seconds)})")


def reset_peak_rss() -> None:
    """Linux: start the peak-RSS counter (VmHWM) from the current RSS."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def peak_rss_mb() -> float:
    for row in Path("/proc/self/status").read_text().splitlines():
        if row.startswith("VmHWM:"):
            return int(row.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
