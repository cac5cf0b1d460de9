"""Stopping cleanly: SIGTERM or Ctrl-C asks the run to stop at the next step boundary.

The pipeline asks `should_stop()` between its steps; every step either finishes or has not
started, and the writers replace files atomically, so a stop never leaves anything half-written.
A second signal stops at once (KeyboardInterrupt), for when a step hangs.
"""
from __future__ import annotations

import os
import select
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from types import FrameType

from core.errors import Stopped

__all__ = ["StopCheck", "StopFlag", "Stopped", "between_steps", "never", "pause_for"]

StopCheck = Callable[[], bool]


def never() -> bool:
    return False


def pause_for(should_stop: StopCheck) -> Callable[[float], None]:
    """The sleep for waits inside a step (a retry's backoff, the quota's turn): a stop asked
    for during it ends the run at once (Stopped), as it would between steps. With a StopFlag
    routed to the signals, the wait itself is cut short; otherwise it is checked after."""
    if isinstance(should_stop, StopFlag):
        return should_stop.pause

    def sleep(seconds: float) -> None:
        time.sleep(max(0.0, seconds))
        between_steps(should_stop)
    return sleep


class StopFlag:
    """Set by a signal; read between steps; its `wait` is a sleep that a stop cuts short.

    The signal handler only sets a plain attribute: it runs between two bytecodes of whatever
    the main thread was doing, so it must take no lock (a threading.Event there deadlocked
    against the very wait it meant to end). The wait is woken instead by the byte that Python's
    C-level handler writes to the wakeup pipe (`signal.set_wakeup_fd`)."""

    def __init__(self) -> None:
        self._set = False
        self._pipe: tuple[int, int] | None = None
        self.reason = ""

    def __call__(self) -> bool:
        return self._set

    def set(self, reason: str) -> None:
        self.reason = reason
        self._set = True
        if self._pipe:
            with suppress(BlockingIOError):
                os.write(self._pipe[1], b"\0")

    def wait(self, seconds: float) -> None:
        if self._set:
            return
        if self._pipe is None:
            time.sleep(max(0.0, seconds))
            return
        ready, _, _ = select.select([self._pipe[0]], [], [], max(0.0, seconds))
        if ready:
            with suppress(BlockingIOError):
                os.read(self._pipe[0], 512)

    def pause(self, seconds: float) -> None:
        """Wait, unless or until a stop is asked for; then end the run (Stopped)."""
        deadline = time.monotonic() + seconds
        while not self() and (left := deadline - time.monotonic()) > 0:
            self.wait(left)
        if self():
            raise Stopped(f"stopped while waiting ({self.reason}); nothing was half-written")

    @contextmanager
    def on_signals(self, signums: tuple[int, ...] = (signal.SIGTERM, signal.SIGINT)
                   ) -> Iterator[StopFlag]:
        """Route the signals to this flag while the block runs; restore the old handlers after."""
        read, write = os.pipe()
        os.set_blocking(read, False)
        os.set_blocking(write, False)
        self._pipe = (read, write)
        wakeup = signal.set_wakeup_fd(write, warn_on_full_buffer=False)
        previous = {s: signal.signal(s, self._handle) for s in signums}
        try:
            yield self
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)
            signal.set_wakeup_fd(wakeup)
            self._pipe = None
            os.close(read)
            os.close(write)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        if self():
            raise KeyboardInterrupt(f"{name} received twice: stopping at once")
        self.reason, self._set = name, True
        announce(f"{name} received: stopping after the current step (send it again to stop at "
                 "once)")


def announce(text: str) -> None:
    """A WARNING line in the log's format, written straight to stderr's file descriptor: from a
    signal handler, `logging` and sys.stderr could be caught holding their own locks."""
    line = f"{time.strftime('%Y-%m-%d %H:%M:%S')} WARNING {text}\n"
    with suppress(OSError):
        os.write(2, line.encode())


def between_steps(should_stop: StopCheck) -> None:
    """Between two steps: end the run here if a stop was asked for."""
    if should_stop():
        raise Stopped("stopped between steps as asked; nothing was half-written")
