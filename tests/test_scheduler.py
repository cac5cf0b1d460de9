"""The scheduler driven through simulated weeks by an injected clock: no real sleeping.

Runs are the real pipeline on the small district, with `as_of` removed so the report week follows
the simulated clock (the district's Mondays at 07:00 report the week just ended); where only the
timing is under test, a quick stand-in job goes through the same lock and run history.
"""
import datetime as dt
import logging
import sqlite3
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

import main
from config.loader import load_config
from scheduler.history import RunKind
from scheduler.lock import RunLock, lock_path
from scheduler.runner import LOCK_POLL, Runner, Service
from scheduler.status import status_report
from scheduler.stop import StopFlag, between_steps
from tests.small_district import write_config
from tests.test_run_history import finished

CHICAGO = ZoneInfo("America/Chicago")


def local(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=CHICAGO)


class SimulatedTime:
    """The clock and the sleep of a simulated machine; `until` ends the loop."""

    def __init__(self, start: str) -> None:
        self.now = local(start)
        self.until = self.now
        self.naps: list[float] = []

    def __call__(self) -> dt.datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.naps.append(seconds)
        self.now += dt.timedelta(seconds=seconds)

    def done(self) -> bool:
        return self.now >= self.until

    def run(self, config, until: str, stop=None) -> Service:
        self.until = local(until)
        service = main.service(config, stop or self.done, clock=self, sleep=self.sleep)
        service.serve()
        return service


def quick_service(config, time: SimulatedTime, sleep=None) -> Service:
    """The config's schedule with a stand-in job that takes no time."""
    def job(kind, week, now, should_stop):
        return finished(delivered=0 if kind is RunKind.REFRESH else 2)

    runner = Runner(config.path(config.state), job)
    return Service(runner, config.schedule, CHICAGO, lambda t: main.report_week(config, None, t),
                   clock=time, sleep=sleep or time.sleep, should_stop=time.done)


@pytest.fixture
def config(tmp_path):
    path = write_config(tmp_path)
    path.write_text(path.read_text().replace("  as_of: 2026-11-23\n", ""))
    return load_config(path)


def runs(config) -> list[tuple]:
    if not config.path(config.state).exists():
        return []
    with sqlite3.connect(config.path(config.state)) as db:
        rows = db.execute("SELECT kind, week, started, outcome, emails FROM runs ORDER BY id")
        return [(k, w, dt.datetime.fromisoformat(s).astimezone(CHICAGO)
                 .strftime("%a %m-%d %H:%M"), o, e) for k, w, s, o, e in rows]


def test_a_simulated_week_makes_seven_refreshes_and_one_weekly_email_batch(config):
    time = SimulatedTime("2026-11-23 00:00")  # a Monday
    time.run(config, until="2026-11-30 00:00")
    issues = "ok, with data issues"
    assert runs(config) == [
        ("refresh", "2026-W47", "Mon 11-23 06:00", issues, 0),
        ("weekly", "2026-W47", "Mon 11-23 07:00", issues, 2),
        ("refresh", "2026-W47", "Tue 11-24 06:00", issues, 0),
        ("refresh", "2026-W47", "Wed 11-25 06:00", issues, 0),
        ("refresh", "2026-W47", "Thu 11-26 06:00", issues, 0),
        ("refresh", "2026-W47", "Fri 11-27 06:00", issues, 0),
        ("refresh", "2026-W47", "Sat 11-28 06:00", issues, 0),
        ("refresh", "2026-W47", "Sun 11-29 06:00", issues, 0),
    ]
    outbox = config.path(config.delivery.outbox)
    assert sorted(p.relative_to(outbox).as_posix() for p in outbox.glob("*/*.eml")) == [
        "2026-W47/alpha-elementary.eml", "2026-W47/beta-middle.eml"]
    log = list(load_workbook(config.path(config.output.location))["Run Log"]
               .iter_rows(min_row=2, values_only=True))
    assert [row[8] for row in log] == [0, 2, 0, 0, 0, 0, 0, 0]  # emails: the weekly run's only
    assert max(time.naps) == 60  # it never sleeps past a minute, so a wake-up is seen at once


def test_after_the_machine_was_off_the_latest_missed_run_happens_once(config):
    time = SimulatedTime("2026-11-23 00:00")
    time.run(config, until="2026-11-24 12:00")
    assert len(runs(config)) == 3
    # off for two weeks: 13 refreshes and 2 weekly slots missed
    time.now = local("2026-12-07 10:00")
    time.run(config, until="2026-12-07 10:05")
    assert runs(config)[3:] == [
        ("weekly", "2026-W49", "Mon 12-07 10:00", "ok, with data issues", 2)]
    # started again the same day: nothing left to catch up
    time.run(config, until="2026-12-07 10:10")
    assert len(runs(config)) == 4


def test_a_missed_refresh_alone_is_caught_up_once(config):
    time = SimulatedTime("2026-11-23 00:00")
    time.until = local("2026-11-24 12:00")
    quick_service(config, time).serve()
    time.now = local("2026-11-27 09:00")  # Wednesday, Thursday and Friday 06:00 missed
    time.until = local("2026-11-27 09:01")
    quick_service(config, time).serve()
    assert [r[:3] for r in runs(config)[3:]] == [("refresh", "2026-W47", "Fri 11-27 09:00")]


def test_a_machine_asleep_across_slots_runs_once_when_it_wakes(config):
    time = SimulatedTime("2026-11-23 00:00")
    asleep = [True]

    def sleep(seconds):
        if asleep[0] and time.now >= local("2026-11-24 12:00"):
            asleep[0] = False
            seconds = 3 * 86400  # wakes up on Friday at noon
        time.sleep(seconds)

    time.until = local("2026-11-29 00:00")
    quick_service(config, time, sleep).serve()
    assert [r[2] for r in runs(config)] == [
        "Mon 11-23 06:00", "Mon 11-23 07:00", "Tue 11-24 06:00",
        "Fri 11-27 12:00",  # Wednesday, Thursday, Friday 06:00: one run
        "Sat 11-28 06:00"]


def test_the_first_start_catches_nothing_up(config):
    time = SimulatedTime("2026-11-25 12:00")
    time.until = local("2026-11-25 12:01")
    quick_service(config, time).serve()
    assert runs(config) == []


def test_a_manual_run_for_the_week_settles_the_weekly_slot(config):
    time = SimulatedTime("2026-11-23 00:00")
    time.run(config, until="2026-11-23 01:00")
    main.runner(config, lambda: False).run(RunKind.MANUAL, main.report_week(config, None, time()),
                                           local("2026-11-23 01:00"))
    time.run(config, until="2026-11-23 08:00")
    assert [r[0] for r in runs(config)] == ["manual", "refresh"]


def test_a_failing_run_is_logged_retried_with_backoff_and_the_scheduler_carries_on(
        config, caplog):
    time = SimulatedTime("2026-11-23 00:00")
    time.run(config, until="2026-11-23 06:30")
    (config.base_dir / "district.xlsx").unlink()  # rosters gone: every run now fails
    with caplog.at_level(logging.INFO, logger="coaching_impact"):
        time.run(config, until="2026-11-25 00:00")
    assert [r[:4] for r in runs(config)[1:]] == [
        ("weekly", "2026-W47", t, "failed") for t in (
            "Mon 11-23 07:00", "Mon 11-23 08:00", "Mon 11-23 10:00", "Mon 11-23 14:00",
            "Mon 11-23 22:00")] + [
        ("refresh", "2026-W47", "Tue 11-24 06:00", "failed"),
        ("weekly", "2026-W47", "Tue 11-24 06:00", "failed"),
        ("weekly", "2026-W47", "Tue 11-24 14:00", "failed"),
        ("weekly", "2026-W47", "Tue 11-24 22:00", "failed")]
    failures = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR
                and not r.getMessage().startswith("Source ")]  # each run's source failure
    assert len(failures) == 9
    assert failures[0].startswith("The weekly run for 2026-W47 failed: No usable rows")
    assert "It is retried later and the scheduler carries on." in failures[0]
    with sqlite3.connect(config.path(config.state)) as db:
        assert "No usable rows" in db.execute("SELECT error FROM runs WHERE id = 2").fetchone()[0]


def test_a_failed_weekly_run_is_retried_until_it_succeeds(config):
    time = SimulatedTime("2026-11-23 00:00")
    time.run(config, until="2026-11-23 06:30")
    workbook = config.base_dir / "district.xlsx"
    saved = workbook.rename(workbook.with_suffix(".bak"))
    time.run(config, until="2026-11-23 09:00")  # fails at 07:00 and 08:00
    saved.rename(workbook)  # fixed
    time.run(config, until="2026-11-24 00:00")
    assert [r[2:5] for r in runs(config)[1:]] == [
        ("Mon 11-23 07:00", "failed", None), ("Mon 11-23 08:00", "failed", None),
        ("Mon 11-23 10:00", "ok, with data issues", 2)]


def test_a_newer_week_replaces_a_failing_one_and_status_shows_the_retry(config):
    time = SimulatedTime("2026-11-23 00:00")
    time.run(config, until="2026-11-23 06:30")
    (config.base_dir / "district.xlsx").unlink()
    time.run(config, until="2026-11-23 12:00")
    shown = status_report(config, time(), lambda t: main.report_week(config, None, t))
    assert ("  retry    Mon 2026-11-23 14:00 CST  (the weekly run for 2026-W47 failed 3 "
            "time(s); retried until it succeeds or the next week's run replaces it)" in shown)
    time.run(config, until="2026-12-01 00:00")
    weekly = [r[1:3] for r in runs(config) if r[0] == "weekly"]
    first = weekly.index(("2026-W48", "Mon 11-30 07:00"))
    assert {week for week, _ in weekly[first:]} == {"2026-W48"}  # W47 no longer retried
    assert sum(1 for r in runs(config) if r[0] == "weekly" and
               r[2].startswith(("Sat", "Sun"))) == 6  # three a day, once backed off


def test_an_unexpected_error_is_recorded_and_the_scheduler_carries_on(config, caplog):
    def broken(kind, week, now, should_stop):
        raise RuntimeError("disk on fire")

    time = SimulatedTime("2026-11-23 00:00")
    time.until = local("2026-11-24 12:00")
    runner = Runner(config.path(config.state), broken)
    Service(runner, config.schedule, CHICAGO, lambda t: main.report_week(config, None, t),
            clock=time, sleep=time.sleep, should_stop=time.done).serve()
    assert [r[:3] for r in runs(config)] == [
        ("refresh", "2026-W47", "Mon 11-23 06:00"), ("weekly", "2026-W47", "Mon 11-23 07:00"),
        *[("weekly", "2026-W47", f"Mon 11-23 {h}:00") for h in ("08", "10", "14", "22")],
        ("refresh", "2026-W47", "Tue 11-24 06:00"), ("weekly", "2026-W47", "Tue 11-24 06:00")]
    assert {r[3] for r in runs(config)} == {"failed"}
    assert ("The weekly run for 2026-W47 failed unexpectedly (RuntimeError: disk on fire). "
            "The traceback is in the state file" in caplog.text)
    assert "Traceback" not in caplog.text  # one plain line in the log ...
    with sqlite3.connect(config.path(config.state)) as db:
        error, trace = db.execute("SELECT error, trace FROM runs WHERE id = 2").fetchone()
    assert error == "RuntimeError: disk on fire"  # ... and the trace in the state file
    assert trace.startswith("Traceback") and 'raise RuntimeError("disk on fire")' in trace


def test_a_stop_ends_the_run_between_steps_and_the_next_start_catches_it_up(config):
    time = SimulatedTime("2026-11-23 06:30")
    time.run(config, until="2026-11-23 06:31")  # first start: an hour before the weekly run
    stop = StopFlag()

    def stopping(kind, week, now, should_stop):
        stop.set("SIGTERM")
        between_steps(should_stop)

    time.until = local("2026-11-23 12:00")
    runner = Runner(config.path(config.state), stopping, stop)
    Service(runner, config.schedule, CHICAGO, lambda t: main.report_week(config, None, t),
            clock=time, sleep=time.sleep, should_stop=stop).serve()
    assert time() == local("2026-11-23 07:00")  # the loop ended with the stopped run
    assert [r[::3] for r in runs(config)] == [("weekly", "stopped")]
    time.run(config, until="2026-11-23 07:30")  # started again: the weekly run is caught up
    assert runs(config)[-1][:2] == ("weekly", "2026-W47") and runs(config)[-1][4] == 2


def test_a_scheduled_run_waits_for_a_run_that_holds_the_lock(config, caplog):
    other = RunLock(lock_path(config.path(config.state)))
    other.acquire(local("2026-11-23 06:59"))
    time = SimulatedTime("2026-11-23 06:30")
    waits = []

    def sleep(seconds):
        if seconds == LOCK_POLL:
            waits.append(seconds)
            if len(waits) == 2:
                other.release()
        time.sleep(seconds)

    time.until = local("2026-11-23 08:00")
    with caplog.at_level(logging.INFO, logger="coaching_impact"):
        main.service(config, time.done, clock=time, sleep=sleep).serve()
    assert [r[:3] for r in runs(config)] == [("weekly", "2026-W47", "Mon 11-23 07:01")]
    assert "Another run is in progress (pid" in caplog.text
