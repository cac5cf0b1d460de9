"""Stopping cleanly: SIGTERM or Ctrl-C asks the run to stop at the next step boundary.

The pipeline asks `should_stop()` between its steps; every step either finishes or has not
started, and the writers replace files atomically, so a stop never leaves anything half-written.
A second signal stops at once (KeyboardInterrupt), for when a step hangs.
"""
from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

log = logging.getLogger("coaching_impact.scheduler")

StopCheck = Callable[[], bool]


class Stopped(Exception):
    """A stop was asked for (SIGTERM or Ctrl-C); the run ended between two steps."""


def never() -> bool:
    return False


class StopFlag:
    """Set by a signal; read between steps; its `wait` is a sleep that a stop cuts short."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.reason = ""

    def __call__(self) -> bool:
        return self._event.is_set()

    def set(self, reason: str) -> None:
        self.reason = reason
        self._event.set()

    def wait(self, seconds: float) -> None:
        self._event.wait(max(0.0, seconds))

    @contextmanager
    def on_signals(self, signums: tuple[int, ...] = (signal.SIGTERM, signal.SIGINT)
                   ) -> Iterator["StopFlag"]:
        """Route the signals to this flag while the block runs; restore the old handlers after."""
        previous = {s: signal.signal(s, self._handle) for s in signums}
        try:
            yield self
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        if self():
            raise KeyboardInterrupt(f"{name} received twice: stopping at once")
        self.set(name)
        log.warning("%s received: stopping after the current step (send it again to stop at "
                    "once)", name)


def between_steps(should_stop: StopCheck) -> None:
    """Between two steps: end the run here if a stop was asked for."""
    if should_stop():
        raise Stopped("stopped between steps as asked; nothing was half-written")
