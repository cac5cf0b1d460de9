"""Staying polite under Google's quota: a client-side rate limiter and a retry policy.

Google allows 60 read and 60 write requests a minute per user. The limiter keeps a sliding
window of the last minute's requests per kind, so no 60-second span (and so no quota minute)
ever holds more than the limit: a run over many spreadsheets waits instead of collecting 429s.
Clock, sleep and randomness are injected so tests never wait.
"""
from __future__ import annotations

import datetime as dt
import logging
import random
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

READ, WRITE = "read", "write"
RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
WINDOW = 60.0
SLACK = 1e-6  # float clocks: treat "a hair under a minute ago" as a minute ago, never spin
QUOTA_NOTE = 5.0
"""Waits this long or longer are logged, with when they end, so a person knows why it is idle."""
log = logging.getLogger("coaching_impact")


@dataclass
class Pacer:
    """Sliding-window rate limiter per request kind, plus the figures a run reports."""

    per_minute: Mapping[str, int]
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep  # main passes one a stop cuts short
    waited: float = 0.0
    requests: dict[str, int] = field(default_factory=lambda: {READ: 0, WRITE: 0})
    throttled: int = 0  # 429s received despite pacing (target: 0)
    _sent: dict[str, deque[float]] = field(default_factory=dict)

    def wait_turn(self, kind: str) -> None:
        """Block until one more `kind` request fits in the last minute, then count it."""
        sent = self._sent.setdefault(kind, deque())
        limit = self.per_minute[kind]
        while True:
            now = self.clock()
            while sent and now - sent[0] >= WINDOW - SLACK:
                sent.popleft()
            if len(sent) < limit:
                break
            self.pause(max(WINDOW - (now - sent[0]), SLACK))
        sent.append(self.clock())
        self.requests[kind] = self.requests.get(kind, 0) + 1

    def pause(self, seconds: float) -> None:
        if seconds >= QUOTA_NOTE:
            until = dt.datetime.now() + dt.timedelta(seconds=seconds)
            log.info("Waiting %.0f s for Google's per-minute quota (until %s)", seconds,
                     f"{until:%H:%M:%S}")
        if seconds > 0:
            self.waited += seconds
            self.sleep(seconds)


@dataclass(frozen=True)
class RetryPolicy:
    """Truncated exponential backoff with full jitter; Retry-After wins when the server sends it."""

    max_attempts: int = 6
    base: float = 1.0
    cap: float = 32.0
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int, retry_after: str | None = None) -> float:
        """Seconds to wait before attempt `attempt + 1` (attempts count from 1)."""
        told = parse_retry_after(retry_after)
        if told is not None:
            return min(told, self.cap * 4)
        ceiling = min(self.cap, self.base * 2 ** (attempt - 1))
        return ceiling / 2 + self.rng.uniform(0, ceiling / 2)


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds: either a number of seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())
