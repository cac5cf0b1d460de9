"""The run history in the state database, and the lock that keeps runs apart (in one process;
tests/test_unattended.py has real processes)."""
import datetime as dt
import signal
import sqlite3
import time
from types import SimpleNamespace

import pandas as pd
import pytest

from core.errors import JobError
from core.weeks import parse_week
from scheduler.history import History, Outcome, RunKind, StateError
from scheduler.lock import Locked, RunLock, lock_path
from scheduler.runner import Runner
from scheduler.stop import StopFlag, Stopped, between_steps

T0 = dt.datetime(2026, 11, 23, 13, 0, tzinfo=dt.UTC)
W47 = parse_week("2026-W47")


def finished(issues: int = 0, delivered: int = 2):
    totals = SimpleNamespace(read=54, valid=51, flagged=3)
    data = SimpleNamespace(totals=totals, issues=pd.DataFrame({"severity": ["error"] * issues}))
    return SimpleNamespace(data=data, tabs_written=["Schools", "Run Log"], delivered=delivered)


@pytest.fixture
def state(tmp_path):
    return tmp_path / "out" / "state.sqlite"


def test_a_run_is_recorded_from_start_to_outcome(state):
    history = History(state)
    run_id = history.start(RunKind.WEEKLY, "2026-W47", T0, slot=T0)
    assert history.recent()[0].outcome == Outcome.RUNNING
    history.finish(run_id, Outcome.ISSUES, T0 + dt.timedelta(seconds=3), finished(issues=3))
    run = history.recent()[0]
    assert (run.kind, run.week, run.slot, run.started, run.outcome) == (
        "weekly", "2026-W47", T0, T0, "ok, with data issues")
    assert (run.rows_read, run.rows_valid, run.rows_flagged, run.emails) == (54, 51, 3, 2)
    assert run.tabs_written == "Schools, Run Log" and run.error is None
    assert (run.finished - run.started).total_seconds() == 3


def test_the_state_file_is_in_wal_mode_so_readers_never_wait(state):
    History(state).start(RunKind.MANUAL, "2026-W47", T0)
    with sqlite3.connect(state) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reading_a_missing_state_file_creates_nothing(state):
    assert History(state).recent() == [] and History(state).last_scheduler_start() is None
    assert not state.exists()


def test_an_unusable_state_file_is_a_named_error(tmp_path):
    (tmp_path / "state.sqlite").write_text("this is not a database " * 100)
    with pytest.raises(StateError, match="state.sqlite could not be read or written"):
        History(tmp_path / "state.sqlite").start(RunKind.MANUAL, "2026-W47", T0)


@pytest.mark.parametrize("kind, week, outcome, settles", [
    (RunKind.WEEKLY, "2026-W47", Outcome.OK, True),
    (RunKind.MANUAL, "2026-W47", Outcome.OK, True),
    (RunKind.WEEKLY, "2026-W47", Outcome.FAILED, False),  # failed: retried, with backoff
    (RunKind.WEEKLY, "2026-W46", Outcome.OK, False),  # another week
    (RunKind.REFRESH, "2026-W47", Outcome.OK, False),  # a refresh sends no emails
    (RunKind.WEEKLY, "2026-W47", Outcome.STOPPED, False),
    (RunKind.WEEKLY, "2026-W47", Outcome.RUNNING, False),  # its process died
])
def test_what_settles_a_weekly_slot(state, kind, week, outcome, settles):
    history = History(state)
    run_id = history.start(kind, week, T0 - dt.timedelta(days=1))
    if outcome is not Outcome.RUNNING:
        history.finish(run_id, outcome, T0)
    assert (history.settled_by(RunKind.WEEKLY, T0, "2026-W47") == run_id) is settles


@pytest.mark.parametrize("started, kind, settles", [
    (T0, RunKind.MANUAL, True),
    (T0 + dt.timedelta(hours=1), RunKind.WEEKLY, True),
    (T0 - dt.timedelta(seconds=1), RunKind.REFRESH, False),  # before the slot
])
def test_what_settles_a_refresh_slot(state, started, kind, settles):
    history = History(state)
    history.finish(history.start(kind, "2026-W47", started), Outcome.OK, started)
    assert (history.settled_by(RunKind.REFRESH, T0, "2026-W47") is not None) is settles


def test_scheduler_starts_are_kept_and_the_first_one_returned(state):
    history = History(state)
    assert history.scheduler_started(T0, 101) is None
    assert history.scheduler_started(T0 + dt.timedelta(days=2), 102) == T0
    assert history.last_scheduler_start() == (T0 + dt.timedelta(days=2), 102)


def test_the_runner_records_outcomes_and_passes_the_stop_check(state):
    seen = []

    def job(kind, week, now, should_stop):
        seen.append((kind, week.label, now, should_stop()))
        return finished()

    result = Runner(state, job).run(RunKind.MANUAL, W47, T0)
    assert result.delivered == 2 and seen == [(RunKind.MANUAL, "2026-W47", T0, False)]
    assert History(state).recent()[0].outcome == "ok"


@pytest.mark.parametrize("error, outcome, message", [
    (JobError("No usable rows."), "failed", "No usable rows."),
    (RuntimeError("bug"), "failed", "RuntimeError: bug"),
    (Stopped("stopped between steps"), "stopped", "stopped between steps"),
    (KeyboardInterrupt(), "stopped", "interrupted"),
])
def test_the_runner_records_why_a_run_ended(state, error, outcome, message):
    def job(kind, week, now, should_stop):
        raise error

    with pytest.raises(type(error)):
        Runner(state, job).run(RunKind.MANUAL, W47, T0)
    run = History(state).recent()[0]
    assert (run.outcome, run.error) == (outcome, message)
    assert not RunLock(lock_path(state)).is_held()  # released whatever happened


def test_a_second_run_is_refused_at_once_while_the_lock_is_held(state):
    def job(kind, week, now, should_stop):
        with pytest.raises(Locked, match=r"pid \d+, started 2026-11-23T13:00:00\+00:00"):
            Runner(state, job).run(RunKind.MANUAL, W47, T0)
        assert RunLock(lock_path(state)).is_held()
        return finished()

    Runner(state, job).run(RunKind.WEEKLY, W47, T0)
    assert [r.kind for r in History(state).recent()] == ["weekly"]  # the refused one: no record


def test_the_lock_sits_beside_the_state_file(state):
    assert lock_path(state) == state.parent / "state.lock"


def test_a_stop_flag_ends_the_run_at_the_next_step():
    flag = StopFlag()
    between_steps(flag)
    flag.set("SIGTERM")
    with pytest.raises(Stopped):
        between_steps(flag)
    flag.wait(3600)  # a sleep that a stop cuts short: returns at once once set


def test_a_signal_cuts_the_stop_flags_sleep_short():
    flag = StopFlag()
    with flag.on_signals((signal.SIGALRM,)):
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        began = time.monotonic()
        flag.wait(30)
        assert flag() and flag.reason == "SIGALRM"
        assert time.monotonic() - began < 10
    assert signal.getsignal(signal.SIGALRM) is signal.SIG_DFL  # the old handler is back
