"""Every call the server saw, by endpoint name, for call-count assertions and benchmarks."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class LogEntry:
    endpoint: str
    method: str
    path: str
    token: str
    status: int | None  # None when the connection was dropped on purpose
    fault: str | None
    at: float


class RequestLog:
    """Thread-safe list of LogEntry with counting helpers."""

    def __init__(self) -> None:
        self._entries: list[LogEntry] = []
        self._lock = threading.Lock()

    def record(self, entry: LogEntry) -> None:
        with self._lock:
            self._entries.append(entry)

    @property
    def entries(self) -> list[LogEntry]:
        with self._lock:
            return list(self._entries)

    def count(self, endpoint: str | None = None) -> int:
        """Calls to one endpoint (e.g. "values.batchGet"), or all calls."""
        return sum(1 for e in self.entries if endpoint is None or e.endpoint == endpoint)

    def counts(self) -> dict[str, int]:
        return dict(Counter(e.endpoint for e in self.entries))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
