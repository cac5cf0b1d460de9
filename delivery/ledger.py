"""The sent ledger: which weekly email went to whom, kept in the job's SQLite state file.

One row per (week, school, recipient) in table `emails`, moving

    planned → sending → unknown → sent
                      ↘        ↘ failed
    held ↗ (and back to held while its source still cannot be used)

- `sending`: claimed by a run; the message has not been handed over yet (the final "." of
  DATA not written), so it cannot have been delivered and may be sent again.
- `unknown`: the whole message is with the server and its reply has not come back. If the run
  dies or the connection drops here, nobody knows whether it was delivered; it is never sent
  again automatically (only by `send --resend`).
- `held`: not sent on purpose, because a source its figures depend on could not be used (the
  reason is in `detail`). Once the source is usable again, a run sends it like a planned one.
  A held email that was already sent earlier stays sent.
- `sent`: the server accepted it (or, in outbox mode, it was written to the outbox).
- `failed`: the server refused it, or gave up on it; it was not delivered, so a later run tries
  again.

Every change is one short transaction, committed before the next step on the wire, so the file
is right even if the process is killed at any point. Table `email_events` keeps every change.
The file is shared with other tables (the run history); WAL mode lets readers and the one writer
get along.
"""
from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from config.model import Config


class Status(StrEnum):
    PLANNED = "planned"
    SENDING = "sending"
    UNKNOWN = "unknown"
    SENT = "sent"
    FAILED = "failed"
    HELD = "held"


Clock = Callable[[], dt.datetime]

RETRYABLE = (Status.PLANNED, Status.SENDING, Status.FAILED, Status.HELD)
"""States that prove the message was not delivered: a run may (re)send them."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS emails (
    week       TEXT NOT NULL,
    school     TEXT NOT NULL,
    recipient  TEXT NOT NULL,
    message_id TEXT NOT NULL,
    subject    TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN
                   ('planned', 'sending', 'unknown', 'sent', 'failed', 'held')),
    detail     TEXT NOT NULL DEFAULT '',
    refused    TEXT NOT NULL DEFAULT '',
    attempts   INTEGER NOT NULL DEFAULT 0,
    sends      INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (week, school, recipient)
);
CREATE TABLE IF NOT EXISTS email_events (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    week      TEXT NOT NULL,
    school    TEXT NOT NULL,
    recipient TEXT NOT NULL,
    status    TEXT NOT NULL,
    detail    TEXT NOT NULL DEFAULT ''
);
"""


@dataclass(frozen=True)
class Key:
    week: str
    school: str
    recipient: str  # the To address, lower case

    @classmethod
    def of(cls, week: str, school: str, recipient: str) -> Key:
        return cls(week, school, recipient.lower())


@dataclass(frozen=True)
class Entry:
    key: Key
    status: Status
    detail: str
    refused: str
    attempts: int
    sends: int
    updated_at: str


class Ledger:
    """The `emails` table of one state file. Use as a context manager."""

    def __init__(self, path: Path, clock: Clock | None = None) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.clock = clock or _utc_now
        self.db = sqlite3.connect(path, timeout=15, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")  # a committed 'unknown' survives power loss
        self.db.executescript(f"BEGIN IMMEDIATE; {SCHEMA} COMMIT;")
        self._allow_held()

    def _allow_held(self) -> None:
        """A state file from before `held` existed has a CHECK that refuses it: the table is
        copied into one that allows it, in one transaction."""
        sql = self.db.execute("SELECT sql FROM sqlite_master WHERE name = 'emails'").fetchone()
        if sql and "'held'" in sql[0]:
            return
        create = SCHEMA.split(";")[0].replace("IF NOT EXISTS ", "")
        self.db.executescript(f"BEGIN IMMEDIATE; ALTER TABLE emails RENAME TO emails_before_held;"
                              f" {create}; INSERT INTO emails SELECT * FROM emails_before_held;"
                              " DROP TABLE emails_before_held; COMMIT;")

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def plan(self, key: Key, message_id: str, subject: str) -> Entry:
        """The row for this email, created as planned if the ledger has none yet."""
        with self._transaction() as db:
            inserted = db.execute(
                "INSERT OR IGNORE INTO emails (week, school, recipient, message_id, subject, "
                "status, updated_at) VALUES (?, ?, ?, ?, ?, 'planned', ?)",
                (key.week, key.school, key.recipient, message_id, subject, self._now()))
            if inserted.rowcount:
                self._event(key, Status.PLANNED, "")
        entry = self.get(key)
        assert entry is not None
        return entry

    def claim(self, key: Key, *, resend: bool = False) -> bool:
        """planned/sending/failed → sending; with `resend`, from any state. False when another
        run got there first or the email is already sent or unknown."""
        allowed = list(Status) if resend else list(RETRYABLE)
        with self._transaction() as db:
            done = db.execute(
                f"UPDATE emails SET status = 'sending', attempts = attempts + 1, updated_at = ? "
                f"WHERE week = ? AND school = ? AND recipient = ? AND status IN "
                f"({', '.join('?' * len(allowed))})",
                (self._now(), key.week, key.school, key.recipient, *allowed)).rowcount
            if done:
                self._event(key, Status.SENDING, "resend" if resend else "")
        return bool(done)

    def hold(self, key: Key, message_id: str, subject: str, reason: str) -> Entry:
        """Held because a source it depends on could not be used; an email already sent (or
        whose outcome is unknown) is left as it is."""
        entry = self.plan(key, message_id, subject)
        if entry.status in RETRYABLE and (entry.status, entry.detail) != (Status.HELD, reason):
            self._move(key, Status.HELD, reason)
            entry = self.get(key) or entry
        return entry

    def held(self) -> list[Entry]:
        """Every held email, oldest week first."""
        rows = self.db.execute(
            "SELECT week, school, recipient, status, detail, refused, attempts, sends, "
            "updated_at FROM emails WHERE status = 'held' ORDER BY week, school, recipient")
        return [_entry(r) for r in rows]

    def written(self, key: Key, detail: str) -> None:
        """Outbox mode: the email was written to the outbox (which is its delivery)."""
        self._move(key, Status.SENT, detail, sends=1)

    def handed_over(self, key: Key) -> None:
        """Called just before the end of DATA is written: from here on, the outcome is unknown
        until the server replies."""
        self._move(key, Status.UNKNOWN, "the message was handed to the server; no reply yet")

    def sent(self, key: Key, reply: str, refused: str = "") -> None:
        self._move(key, Status.SENT, reply, refused=refused, sends=1)

    def failed(self, key: Key, reply: str, refused: str = "") -> None:
        self._move(key, Status.FAILED, reply, refused=refused)

    def unknown(self, key: Key, detail: str) -> None:
        self._move(key, Status.UNKNOWN, detail)

    def release(self, key: Key, detail: str) -> None:
        """Back to planned: the run stopped before it could hand this message over."""
        self._move(key, Status.PLANNED, detail)

    def _move(self, key: Key, status: Status, detail: str, *, refused: str = "",
              sends: int = 0) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE emails SET status = ?, detail = ?, refused = ?, sends = sends + ?, "
                "updated_at = ? WHERE week = ? AND school = ? AND recipient = ?",
                (status.value, detail, refused, sends, self._now(), key.week, key.school,
                 key.recipient))
            self._event(key, status, detail)

    def get(self, key: Key) -> Entry | None:
        row = self.db.execute(
            "SELECT week, school, recipient, status, detail, refused, attempts, sends, "
            "updated_at FROM emails WHERE week = ? AND school = ? AND recipient = ?",
            (key.week, key.school, key.recipient)).fetchone()
        return _entry(row) if row else None

    def week(self, week: str) -> list[Entry]:
        rows = self.db.execute(
            "SELECT week, school, recipient, status, detail, refused, attempts, sends, "
            "updated_at FROM emails WHERE week = ? ORDER BY school, recipient", (week,))
        return [_entry(r) for r in rows]

    def events(self, key: Key) -> list[tuple[str, str]]:
        """(status, detail) of every change to this email, oldest first."""
        return self.db.execute(
            "SELECT status, detail FROM email_events WHERE week = ? AND school = ? AND "
            "recipient = ? ORDER BY id", (key.week, key.school, key.recipient)).fetchall()

    def _event(self, key: Key, status: Status, detail: str) -> None:
        self.db.execute(
            "INSERT INTO email_events (at, week, school, recipient, status, detail) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (self._now(), key.week, key.school, key.recipient, status.value, detail))

    def _now(self) -> str:
        return self.clock().isoformat(timespec="seconds")


def ledger_view(config: Config, week: str) -> dict[tuple[str, str], str]:
    """(school, recipient) → status for the week, read only (for --dry-run). The outbox keeps
    no ledger: empty for it."""
    if config.delivery.method not in ("smtp", "gmail"):
        return {}
    return {(k.school, k.recipient): status.value
            for k, status in peek(config.path(config.state), week).items()}


def peek(path: Path, week: str) -> dict[Key, Status]:
    """The ledger's view of a week without creating or changing anything (for --dry-run)."""
    if not path.exists():
        return {}
    db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=15)
    try:
        rows = db.execute("SELECT school, recipient, status FROM emails WHERE week = ?",
                          (week,)).fetchall()
    except sqlite3.OperationalError:  # no emails table yet
        rows = []
    finally:
        db.close()
    return {Key(week, school, rcpt): Status(status) for school, rcpt, status in rows}


def held_keys(path: Path) -> list[Key]:
    """Every held email, oldest week first, read only (nothing created when there is none)."""
    if not path.exists():
        return []
    db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=15)
    try:
        rows = db.execute("SELECT week, school, recipient FROM emails WHERE status = 'held' "
                          "ORDER BY week, school, recipient").fetchall()
    except sqlite3.OperationalError:  # no emails table yet
        rows = []
    finally:
        db.close()
    return [Key(*row) for row in rows]


def loose_ends(path: Path, besides: str) -> list[Entry]:
    """Emails of weeks other than `besides` still failed or unknown, read only: each needs a
    person (or a `send`) until it is resolved, so every run lists them."""
    if not path.exists():
        return []
    db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=15)
    try:
        rows = db.execute(
            "SELECT week, school, recipient, status, detail, refused, attempts, sends, "
            "updated_at FROM emails WHERE status IN ('failed', 'unknown') AND week != ? "
            "ORDER BY week, school, recipient", (besides,)).fetchall()
    except sqlite3.OperationalError:  # no emails table yet
        rows = []
    finally:
        db.close()
    return [_entry(r) for r in rows]


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _entry(row: tuple) -> Entry:
    week, school, recipient, status, detail, refused, attempts, sends, updated = row
    return Entry(Key(week, school, recipient), Status(status), detail, refused, attempts, sends,
                 updated)
