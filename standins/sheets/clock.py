"""Clocks: the quota windows and Drive timestamps read time from here, so tests never sleep."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float: ...


class SystemClock:
    """Wall-clock time, for the command-line server."""

    def now(self) -> float:
        return time.time()


class ManualClock:
    """Time that only moves when a test says so."""

    def __init__(self, start: float = 1_756_728_000.0) -> None:  # 2025-09-01T12:00:00Z
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds

    def set(self, timestamp: float) -> None:
        with self._lock:
            self._now = timestamp


def rfc3339(timestamp: float) -> str:
    """Drive's timestamp format, e.g. 2023-08-17T10:52:36.993Z."""
    moment = datetime.fromtimestamp(timestamp, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
