"""Timing the job's steps from its own log, in the benchmark's child processes."""
from __future__ import annotations

import logging
import re
import time


class StepClock(logging.Handler):
    """Each step lasts until the next one starts."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.marks: list[tuple[str, float]] = []
        logging.getLogger("coaching_impact").addHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if not re.search(r": \d+ of \d+$", text):  # progress lines are not steps
            self.marks.append((text, time.perf_counter()))

    def durations(self) -> list[tuple[str, float]]:
        ends = [t for _, t in self.marks[1:]] + [time.perf_counter()]
        return [(text, end - start) for (text, start), end in zip(self.marks, ends, strict=True)]
