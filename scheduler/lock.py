"""One run at a time: an exclusive flock on a file beside the state file, held for a whole run.

Whoever starts the run (the scheduler, cron's `run --once`, a person) takes the same lock; the
kernel drops it when the process ends, however it ends, so a crash never leaves a stale lock.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class Locked(Exception):
    """Another run holds the lock."""


def lock_path(state: Path) -> Path:
    """The lock belongs to the state file: two configs sharing a state file share the lock."""
    return state.with_suffix(".lock")


class RunLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self, now: dt.datetime) -> None:
        """Take the lock or raise Locked at once; never waits."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise Locked(self.holder()) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()}, started {now.isoformat(timespec='seconds')}\n"
                 .encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def holder(self) -> str:
        """Who holds it, as the holder wrote it (pid and start time)."""
        try:
            return self.path.read_text(encoding="utf-8").strip() or "unknown"
        except OSError:
            return "unknown"

    def is_held(self) -> bool:
        """Whether some process holds the lock right now (asked without taking it for long)."""
        if not self.path.exists():
            return False
        fd = os.open(self.path, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)
        return False

    @contextmanager
    def held(self, now: dt.datetime) -> Iterator[None]:
        """The lock for the duration of the block; raises Locked at once if another run has it."""
        self.acquire(now)
        try:
            yield
        finally:
            self.release()
