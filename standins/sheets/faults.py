"""Scripted faults: make the next N calls to an endpoint fail the ways Google's API fails.

    server.faults.add(endpoint="values.batchGet", kind="500", times=2)
    server.faults.add(endpoint="*", kind="timeout", delay=1.0)   # answer after the client gave up
    server.faults.add(endpoint="values.update", kind="drop")     # close the socket, no response

A faulted call is logged but never reaches the handlers, so it changes nothing - except
`timeout`, which answers normally after the delay (a slow Google may still apply a write).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from .errors import ApiError
from .quota import quota_error, quota_kind

KINDS = ("429", "500", "503", "timeout", "drop", "truncated", "incomplete")
"""`truncated`: the call is handled, but its 200 answer's JSON is cut off halfway (a proxy or a
dropped stream); `incomplete`: a 200 whose JSON lacks its main field."""
DAMAGED = ("truncated", "incomplete")


@dataclass
class Fault:
    """One scripted fault; `after` lets that many matching calls through before it fires."""

    endpoint: str
    kind: str
    times: int = 1
    delay: float = 1.0
    after: int = 0
    fired: int = 0
    passed: int = 0

    def matches(self, endpoint: str) -> bool:
        return self.endpoint in ("*", endpoint) and self.fired < self.times


class Faults:
    """The fault script, consumed in the order faults were added."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, endpoint: str = "*", kind: str = "500", times: int = 1, delay: float = 1.0, after: int = 0) -> Fault:
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; choose one of {', '.join(KINDS)}")
        if times < 1:
            raise ValueError("times must be at least 1")
        fault = Fault(endpoint, kind, times, delay, after)
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, endpoint: str) -> Fault | None:
        """The fault this call should suffer, if any (and count it as fired)."""
        with self._lock:
            for fault in self._faults:
                if not fault.matches(endpoint):
                    continue
                if fault.passed < fault.after:
                    fault.passed += 1
                    continue
                fault.fired += 1
                return fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    @property
    def pending(self) -> list[Fault]:
        with self._lock:
            return [f for f in self._faults if f.fired < f.times]


def fault_error(kind: str, endpoint: str) -> ApiError:
    """The error body Google sends for a rate limit, an internal error or an outage."""
    if kind == "429":
        return quota_error(quota_kind(endpoint) or "read", 60)
    if kind == "503":
        return ApiError(503, "UNAVAILABLE", "The service is currently unavailable.")
    return ApiError(500, "INTERNAL", "Internal error encountered.")
