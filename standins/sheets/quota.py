"""Opt-in emulation of the Sheets per-user, per-minute read and write quotas.

Windows are whole minutes of the injected clock, so a test exhausts a bucket with N quick calls
and refills it with `clock.advance(60)` - no sleeping.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from .clock import Clock
from .errors import ApiError

READ_ENDPOINTS = {"spreadsheets.get", "values.get", "values.batchGet", "developerMetadata.search"}
WRITE_ENDPOINTS = {
    "spreadsheets.create",
    "spreadsheets.batchUpdate",
    "values.update",
    "values.batchUpdate",
    "values.clear",
    "values.batchClear",
    "values.append",
}
DEFAULT_PROJECT = "123456789012"


def quota_kind(endpoint: str) -> str | None:
    """'read', 'write', or None for calls the Sheets quota does not count (Drive)."""
    if endpoint in READ_ENDPOINTS:
        return "read"
    if endpoint in WRITE_ENDPOINTS:
        return "write"
    return None


def quota_error(kind: str, limit: int, project: str = DEFAULT_PROJECT) -> ApiError:
    """Google's 429 for a per-minute-per-user Sheets quota, with its ErrorInfo detail."""
    metric = "Read requests" if kind == "read" else "Write requests"
    limit_name = f"{metric} per minute per user"
    return ApiError(
        429,
        "RESOURCE_EXHAUSTED",
        f"Quota exceeded for quota metric '{metric}' and limit '{limit_name}' of service "
        f"'sheets.googleapis.com' for consumer 'project_number:{project}'.",
        details=[_error_info(kind, limit, project), _help()],
    )


def _error_info(kind: str, limit: int, project: str) -> dict[str, Any]:
    title = "Read" if kind == "read" else "Write"
    return {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        "reason": "RATE_LIMIT_EXCEEDED",
        "domain": "googleapis.com",
        "metadata": {
            "quota_metric": f"sheets.googleapis.com/{kind}_requests",
            "quota_limit": f"{title}RequestsPerMinutePerUser",
            "quota_limit_value": str(limit),
            "consumer": f"projects/{project}",
            "service": "sheets.googleapis.com",
            "quota_location": "global",
        },
    }


def _help() -> dict[str, Any]:
    return {
        "@type": "type.googleapis.com/google.rpc.Help",
        "links": [
            {
                "description": "Request a higher quota limit.",
                "url": "https://cloud.google.com/docs/quotas/help/request_increase",
            }
        ],
    }


class Quota:
    """Per-token buckets for the current minute; disabled until enable() is called."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.enabled = False
        self.limits = {"read": 60, "write": 60}
        self.project = DEFAULT_PROJECT
        self._used: Counter[tuple[str, str, int]] = Counter()
        self._lock = threading.Lock()

    def enable(self, read_per_minute: int = 60, write_per_minute: int = 60, project: str = DEFAULT_PROJECT) -> None:
        self.enabled = True
        self.limits = {"read": read_per_minute, "write": write_per_minute}
        self.project = project

    def disable(self) -> None:
        self.enabled = False

    def reset(self) -> None:
        with self._lock:
            self._used.clear()

    def charge(self, token: str, endpoint: str) -> None:
        """Count the call against its bucket, raising the 429 once the bucket is spent."""
        kind = quota_kind(endpoint)
        if not self.enabled or kind is None:
            return
        window = int(self.clock.now() // 60)
        with self._lock:
            key = (token, kind, window)
            if self._used[key] >= self.limits[kind]:
                raise quota_error(kind, self.limits[kind], self.project)
            self._used[key] += 1

    def used(self, token: str, kind: str) -> int:
        with self._lock:
            return self._used[(token, kind, int(self.clock.now() // 60))]
