"""Progress a person can follow on a long step, and plain log lines when nobody watches.

On a terminal (stderr is a TTY and the log shows INFO), a `rich` progress bar that redraws in
place and disappears when the step ends. Elsewhere (cron, systemd, a file), a few plain log
lines: about every tenth of the way and the end (for ten items or more), so logs are never flooded.
"""
from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

log = logging.getLogger("coaching_impact")
PLAIN_FROM = 10
"""Fewer items than this take no time worth reporting in the log."""


class Progress:
    """`advance()` once per item done."""

    def __init__(self, what: str, total: int, *, stream: TextIO | None = None,
                 interactive: bool | None = None) -> None:
        self.what, self.total, self.done = what, total, 0
        stream = stream or sys.stderr
        if interactive is None:
            interactive = stream.isatty() and log.isEnabledFor(logging.INFO)
        self.bar: Any = None
        self.every = max(1, total // 10)
        if interactive and total > 1:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, TimeElapsedColumn
            from rich.progress import Progress as Bar
            self.bar = Bar("[progress.description]{task.description}", BarColumn(),
                           MofNCompleteColumn(), TimeElapsedColumn(),
                           console=Console(file=stream, force_terminal=True),
                           transient=True)
            self.bar.start()
            self.task = self.bar.add_task(what, total=total)

    def advance(self) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.update(self.task, completed=self.done)
        elif self.total >= PLAIN_FROM and (self.done % self.every == 0
                                           or self.done == self.total):
            log.info("%s: %d of %d", self.what, self.done, self.total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


@contextmanager
def progress(what: str, total: int, **kw: Any) -> Iterator[Progress]:
    bar = Progress(what, total, **kw)
    try:
        yield bar
    finally:
        bar.close()
