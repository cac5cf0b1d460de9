"""The sent ledger in the state file: what a run may send, what it records."""
import datetime as dt
import sqlite3

import pytest

from delivery.ledger import Key, Ledger, Status, peek

KEY = Key.of("2026-W47", "Alpha Elementary", "Pat@Alpha.example")
NOW = dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)


@pytest.fixture
def ledger(tmp_path):
    with Ledger(tmp_path / "state.sqlite", clock=lambda: NOW) as ledger:
        yield ledger


def test_keys_ignore_the_case_of_the_address():
    assert KEY.recipient == "pat@alpha.example"


def test_planning_twice_keeps_what_happened(ledger):
    assert ledger.plan(KEY, "<id>", "Subject").status == Status.PLANNED
    assert ledger.claim(KEY)
    ledger.handed_over(KEY)
    ledger.sent(KEY, "250 OK")
    assert ledger.plan(KEY, "<id>", "Subject").status == Status.SENT
    assert [s for s, _ in ledger.events(KEY)] == ["planned", "sending", "unknown", "sent"]


@pytest.mark.parametrize("end, claimable", [
    (None, True),  # planned
    ("sending", True),  # a run died before handing it over: not delivered
    ("failed", True),  # the server refused it: not delivered
    ("unknown", False),  # maybe delivered: only a resend
    ("sent", False),
])
def test_what_a_run_may_send_again(ledger, end, claimable):
    ledger.plan(KEY, "<id>", "Subject")
    if end:
        assert ledger.claim(KEY)
        if end == "failed":
            ledger.failed(KEY, "550 No")
        elif end == "unknown":
            ledger.handed_over(KEY)
        elif end == "sent":
            ledger.sent(KEY, "250 OK")
    assert ledger.claim(KEY) is claimable
    assert ledger.claim(KEY, resend=True)  # a deliberate resend, from any state


def test_a_release_puts_it_back_and_sends_are_counted(ledger):
    ledger.plan(KEY, "<id>", "Subject")
    ledger.claim(KEY)
    ledger.release(KEY, "not sent: the server went away")
    assert ledger.get(KEY).status == Status.PLANNED
    for _ in range(2):
        ledger.claim(KEY, resend=True)
        ledger.sent(KEY, "250 OK", refused="bo@x.example: 550 No")
    entry = ledger.get(KEY)
    assert (entry.attempts, entry.sends, entry.refused) == (3, 2, "bo@x.example: 550 No")
    assert entry.updated_at == "2026-11-23T12:00:00+00:00"  # the injected clock


def test_the_state_file_is_shared_in_wal_mode(tmp_path):
    path = tmp_path / "state.sqlite"
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE runs (id INTEGER PRIMARY KEY, outcome TEXT)")
    other.commit()
    with Ledger(path) as ledger:
        ledger.plan(KEY, "<id>", "Subject")
        other.execute("INSERT INTO runs (outcome) VALUES ('ok')")  # a writer between ours
        other.commit()
        assert ledger.claim(KEY)
    assert other.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert other.execute("SELECT status FROM emails").fetchall() == [("sending",)]
    assert other.execute("SELECT outcome FROM runs").fetchall() == [("ok",)]


def test_peek_reads_without_creating_anything(tmp_path):
    path = tmp_path / "state.sqlite"
    assert peek(path, "2026-W47") == {} and not path.exists()
    with Ledger(path) as ledger:
        ledger.plan(KEY, "<id>", "Subject")
    assert peek(path, "2026-W47") == {KEY: Status.PLANNED}
    assert peek(path, "2026-W46") == {}
