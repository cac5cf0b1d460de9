"""The run history: one row per run in the `runs` table of the state database.

The state file is shared with the email ledger (the `emails` table, kept by delivery), so the
database is in WAL mode and every write is one short transaction: readers such as `status` never
wait for a run, and a run never waits for them.
"""
from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from core.errors import JobError
from core.validate import Validated


class StateError(JobError):
    """The state database could not be read or written."""


class RunKind(StrEnum):
    REFRESH = "refresh"  # scheduled: the summary tabs only, no emails
    WEEKLY = "weekly"  # scheduled: the tabs and the week's emails
    MANUAL = "manual"  # `run --once`, from a person or from cron


class Outcome(StrEnum):
    RUNNING = "running"  # started; no outcome yet (or the process died without one)
    OK = "ok"
    ISSUES = "ok, with data issues"
    FAILED = "failed"
    STOPPED = "stopped"  # SIGTERM or Ctrl-C between steps
    HELD = "emails held"  # it ran, but a source could not be used: emails held, exit code 5


SETTLED = (Outcome.OK, Outcome.ISSUES, Outcome.HELD)
"""Outcomes that settle a scheduled slot: it is not run again. A failed run does not (the
scheduler retries it, with backoff), nor a stopped one or one whose process died (caught up).
A run that held some emails did its work: they go with a later run once their source is fixed."""


class Finished(Protocol):
    """What a finished run hands back (main.RunResult)."""

    data: Validated
    tabs_written: list[str]
    delivered: int


@dataclass(frozen=True)
class Run:
    id: int
    kind: str
    week: str
    slot: dt.datetime | None
    started: dt.datetime
    finished: dt.datetime | None
    outcome: str
    rows_read: int | None
    rows_valid: int | None
    rows_flagged: int | None
    tabs_written: str | None
    emails: int | None
    error: str | None


SCHEMA = ("""
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,          -- refresh | weekly | manual
    week TEXT NOT NULL,          -- the report week, e.g. 2026-W47
    slot TEXT,                   -- the scheduled time it served (UTC), null for manual runs
    started TEXT NOT NULL,       -- UTC, ISO 8601
    finished TEXT,
    outcome TEXT NOT NULL,       -- running | ok | ok, with data issues | failed | stopped
    rows_read INTEGER,
    rows_valid INTEGER,
    rows_flagged INTEGER,
    tabs_written TEXT,
    emails INTEGER,              -- emails delivered by this run
    error TEXT,                  -- what went wrong, in one plain line
    trace TEXT                   -- the traceback of an unexpected error, for the maintainer
)""", """
CREATE TABLE IF NOT EXISTS scheduler_starts (
    id INTEGER PRIMARY KEY,
    started TEXT NOT NULL,       -- UTC: when `python main.py schedule` started
    pid INTEGER NOT NULL
)""")
COLUMNS = ("id, kind, week, slot, started, finished, outcome, rows_read, rows_valid, "
           "rows_flagged, tabs_written, emails, error")


def stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


def unstamp(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


@contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    """One short transaction on the state database, in WAL mode, committed on leaving."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=30)
    except (OSError, sqlite3.Error) as exc:
        raise StateError(f"The state file {path} could not be opened ({exc}). Check `state:` "
                         "in the config and that its folder is writable.") from None
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        with conn:
            yield conn
    except sqlite3.Error as exc:
        raise StateError(f"The state file {path} could not be read or written ({exc}). If "
                         "another program has it open, wait and retry; if it is damaged, move "
                         "it aside (the job starts a new one).") from None
    finally:
        conn.close()


def outcome_of(result: Finished) -> Outcome:
    if getattr(result, "failures", None):
        return Outcome.HELD
    return Outcome.ISSUES if len(result.data.issues) else Outcome.OK


class History:
    def __init__(self, path: Path) -> None:
        self.path = path

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        with connect(self.path) as conn:
            for statement in SCHEMA:
                conn.execute(statement)
            if "trace" not in {row[1] for row in conn.execute("PRAGMA table_info(runs)")}:
                conn.execute("ALTER TABLE runs ADD COLUMN trace TEXT")  # older state files
            yield conn

    def start(self, kind: RunKind, week: str, started: dt.datetime,
              slot: dt.datetime | None = None) -> int:
        with self._db() as db:
            cur = db.execute(
                "INSERT INTO runs (kind, week, slot, started, outcome) VALUES (?, ?, ?, ?, ?)",
                (kind.value, week, stamp(slot) if slot else None, stamp(started),
                 Outcome.RUNNING.value))
            return int(cur.lastrowid or 0)

    def finish(self, run_id: int, outcome: Outcome, finished: dt.datetime,
               result: Finished | None = None, error: str | None = None,
               trace: str | None = None) -> None:
        figures: tuple[object, ...] = (None,) * 5
        if result is not None:
            t = result.data.totals
            figures = (t.read, t.valid, t.flagged, ", ".join(result.tabs_written),
                       result.delivered)
            failures = getattr(result, "failures", None)
            if failures and error is None:  # what `status` shows under a held run
                error = "Sources that could not be used: " + "; ".join(
                    f"{p.source}{f' › {p.tab}' if p.tab else ''} ({p.kind.value})"
                    for p in failures.problems)
        with self._db() as db:
            db.execute("UPDATE runs SET outcome = ?, finished = ?, rows_read = ?, "
                       "rows_valid = ?, rows_flagged = ?, tabs_written = ?, emails = ?, "
                       "error = ?, trace = ? WHERE id = ?",
                       (outcome.value, stamp(finished), *figures, error, trace, run_id))

    def recent(self, limit: int = 10) -> list[Run]:
        """The newest runs first."""
        if not self.path.exists():
            return []
        with self._db() as db:
            rows = db.execute(f"SELECT {COLUMNS} FROM runs ORDER BY id DESC LIMIT ?",
                              (limit,)).fetchall()
        return [_run(r) for r in rows]

    def scheduler_started(self, moment: dt.datetime, pid: int) -> dt.datetime | None:
        """Record a start of the scheduler; return its first start ever (None if this is it).
        Slots before the first start were never the scheduler's to run, so never caught up."""
        with self._db() as db:
            first = db.execute("SELECT MIN(started) FROM scheduler_starts").fetchone()[0]
            db.execute("INSERT INTO scheduler_starts (started, pid) VALUES (?, ?)",
                       (stamp(moment), pid))
        return unstamp(first)

    def last_scheduler_start(self) -> tuple[dt.datetime, int] | None:
        if not self.path.exists():
            return None
        with self._db() as db:
            row = db.execute("SELECT started, pid FROM scheduler_starts ORDER BY id DESC LIMIT 1"
                             ).fetchone()
        return (dt.datetime.fromisoformat(row[0]), int(row[1])) if row else None

    def settled_by(self, kind: RunKind, slot: dt.datetime, week: str) -> int | None:
        """The run that already did what this slot asks, if any.

        A weekly slot is settled by a weekly or manual run for the same report week that
        finished (its emails went out, or were tried); a refresh slot by any run that finished
        and started at or after the slot (it wrote the tabs since)."""
        settled = tuple(o.value for o in SETTLED)
        where, args = self._slot_runs(kind, slot, week, (RunKind.WEEKLY, RunKind.MANUAL))
        marks = ", ".join("?" * len(settled))
        with self._db() as db:
            row = db.execute(f"SELECT id FROM runs WHERE outcome IN ({marks}) AND {where} "
                             "ORDER BY id LIMIT 1", (*settled, *args)).fetchone()
        return int(row[0]) if row else None

    def failures(self, kind: RunKind, slot: dt.datetime, week: str
                 ) -> tuple[int, dt.datetime | None]:
        """How often the scheduler's runs for this slot failed, and when the last one ended:
        what the retry's backoff is measured from."""
        where, args = self._slot_runs(kind, slot, week, (kind,))
        with self._db() as db:
            count, last = db.execute(f"SELECT COUNT(*), MAX(finished) FROM runs WHERE outcome "
                                     f"= ? AND kind = ? AND {where}",
                                     (Outcome.FAILED.value, kind.value, *args)).fetchone()
        return int(count), unstamp(last)

    @staticmethod
    def _slot_runs(kind: RunKind, slot: dt.datetime, week: str,
                   kinds: tuple[RunKind, ...]) -> tuple[str, tuple[object, ...]]:
        """The runs that serve a slot: a weekly slot's report week, or since a refresh slot."""
        if kind is RunKind.WEEKLY:
            marks = ", ".join("?" * len(kinds))
            return f"kind IN ({marks}) AND week = ?", (*(k.value for k in kinds), week)
        return "started >= ?", (stamp(slot),)


def _run(row: tuple) -> Run:
    values = list(row)
    for i in (3, 4, 5):
        values[i] = unstamp(values[i])
    return Run(*values)
