"""How runs happen unattended: one run under the lock with its record in the state database
(`Runner`), and the long-running loop that starts them when due (`Service`)."""
from __future__ import annotations

import datetime as dt
import logging
import os
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from core.errors import JobError
from core.weeks import ReportWeek
from scheduler.clock import Clock, Plan, SlotJob, Timetable
from scheduler.history import Finished, History, Outcome, RunKind, outcome_of
from scheduler.lock import Locked, RunLock, lock_path
from scheduler.stop import StopCheck, Stopped, never

log = logging.getLogger("coaching_impact.scheduler")

R = TypeVar("R", bound=Finished, covariant=True)
Job = Callable[[RunKind, ReportWeek, dt.datetime, StopCheck], R]
"""The pipeline: kind (a refresh sends no emails), report week, now, and the stop check."""
WeekOf = Callable[[dt.datetime], ReportWeek]
Sleep = Callable[[float], None]

MAX_NAP = 60.0
"""Never sleep longer than this: after the machine wakes up, missed slots run within a minute."""
RETRY_FIRST = 3600.0
RETRY_LONGEST = 8 * 3600.0
"""A failed run is retried at the first wake-up this long after it ended, doubling each time up
to the longest: at most five attempts in its first day, three a day after that."""
LOCK_POLL = 30.0
LOCK_PATIENCE = 3 * 3600.0
"""How long a scheduled run waits for another run (say a manual one) to release the lock."""


class Runner(Generic[R]):
    """The one way a run happens: under the lock, with a row in the `runs` table from start to
    outcome. `run --once` and the scheduler both go through it."""

    def __init__(self, state: Path, job: Job[R], should_stop: StopCheck = never) -> None:
        self.history = History(state)
        self.lock = RunLock(lock_path(state))
        self.job = job
        self.should_stop = should_stop

    def run(self, kind: RunKind, week: ReportWeek, now: dt.datetime,
            slot: dt.datetime | None = None) -> R:
        with self.lock.held(now):
            log.debug("Took the lock %s", self.lock.path)
            run_id = self.history.start(kind, week.label, now, slot)
            log.info("Run #%d (%s, %s) started", run_id, kind, week.label)
            began = time.monotonic()
            try:
                result = self.job(kind, week, now, self.should_stop)
            except BaseException as exc:
                ended = now + dt.timedelta(seconds=time.monotonic() - began)
                self.history.finish(run_id, ended_as(exc), ended, error=describe(exc),
                                    trace=trace_of(exc))
                raise
            ended = now + dt.timedelta(seconds=time.monotonic() - began)
            self.history.finish(run_id, outcome_of(result), ended, result)
        t = result.data.totals
        n = result.delivered
        log.info("Run #%d (%s, %s) finished: %s; %d rows read, %d valid, %d flagged; %d email%s "
                 "%s", run_id, kind, week.label, outcome_of(result), t.read, t.valid,
                 t.flagged, n, "" if n == 1 else "s",
                 getattr(result, "delivered_as", "delivered"))
        return result


def ended_as(exc: BaseException) -> Outcome:
    return Outcome.STOPPED if isinstance(exc, (Stopped, KeyboardInterrupt)) else Outcome.FAILED


def trace_of(exc: BaseException) -> str | None:
    """The traceback of an unexpected error (a bug), kept in the state file for whoever
    maintains the job; a user's mistake or a stop needs none."""
    if isinstance(exc, (JobError, Stopped, KeyboardInterrupt)):
        return None
    return "".join(traceback.format_exception(exc))


def describe(exc: BaseException) -> str:
    if isinstance(exc, (JobError, Stopped)):
        return str(exc)
    if isinstance(exc, KeyboardInterrupt):
        return str(exc) or "interrupted"
    return f"{type(exc).__name__}: {exc}"


class Service:
    """`python main.py schedule`: each slot runs when due; after the machine was off or asleep
    the latest missed slot of each kind runs once; a failed run is logged and the loop carries
    on; a stop ends it between steps."""

    def __init__(self, runner: Runner[Finished], plan: Plan, zone: ZoneInfo, week_of: WeekOf, *,
                 clock: Clock, sleep: Sleep, should_stop: StopCheck) -> None:
        self.runner = runner
        self.history = runner.history
        self.week_of = week_of
        self.clock = clock
        self.sleep = sleep
        self.should_stop = should_stop
        self.timetable = Timetable(clock, zone)
        self._add(getattr(self.timetable.every(), plan.send_day).at(plan.send_at),
                  RunKind.WEEKLY)
        for at in plan.refresh_at:
            self._add(self.timetable.every().day.at(at), RunKind.REFRESH)

    def _add(self, job: SlotJob, kind: RunKind) -> None:
        job.kind = kind
        job.do(self.run_slot, job)

    def serve(self) -> None:
        self.catch_up()
        self.log_next()
        while not self.should_stop():
            before = [j.next_at for j in self.timetable.slot_jobs()]
            self.timetable.run_pending()
            if self.should_stop():
                break
            self.retry_failed()
            if before != [j.next_at for j in self.timetable.slot_jobs()]:
                self.log_next()
            nap = self.nap()
            log.debug("Sleeping %.0f s", nap)
            self.sleep(nap)
        log.info("Scheduler stopped (%s)", getattr(self.should_stop, "reason", "") or "asked to")

    def nap(self) -> float:
        wait = self.timetable.seconds_to_next()
        return MAX_NAP if wait is None else max(0.0, min(wait, MAX_NAP))

    def catch_up(self) -> list[SlotJob]:
        """Make each job whose latest slot was missed due now (one run, whatever the number of
        slots missed); the state database says what was missed."""
        now = self.clock()
        first = self.history.scheduler_started(now, os.getpid())
        self.first_start = first or now
        if first is None:
            log.info("First start of the scheduler with %s: nothing to catch up",
                     self.history.path)
            return []
        missed = []
        for job in self.timetable.slot_jobs():
            slot = job.slot.last_at_or_before(now)
            done = self.settled_by(job.kind, slot)
            if slot < first or done is not None or self.failures(job.kind, slot)[0]:
                log.debug("The %s run due %s needs no catch-up (%s)", job.kind, self.local(slot),
                          "before the first start" if slot < first else
                          f"done by run #{done}" if done else "it failed: retried with backoff")
                continue
            log.info("Missed the %s run due %s: catching up once, now", job.kind,
                     self.local(slot))
            job.next_run = slot
            missed.append(job)
        return missed

    def settled_by(self, kind: RunKind, slot: dt.datetime) -> int | None:
        return self.history.settled_by(kind, slot, self.week_for(kind, slot).label)

    def failures(self, kind: RunKind, slot: dt.datetime) -> tuple[int, dt.datetime | None]:
        return self.history.failures(kind, slot, self.week_for(kind, slot).label)

    def retry_failed(self) -> None:
        """Run the weekly run again, once its backoff has passed, while every run for the
        latest weekly slot failed: until one succeeds or a newer week takes its place. (A
        failed refresh waits for the next day's.)"""
        now = self.clock()
        for job in self.timetable.slot_jobs():
            slot, kind = job.slot.last_at_or_before(now), job.kind
            if kind is not RunKind.WEEKLY or slot < self.first_start or \
                    self.settled_by(kind, slot) is not None:
                continue
            count, last = self.failures(kind, slot)
            if not count or last is None or now < last + dt.timedelta(seconds=retry_wait(count)):
                continue
            week = self.week_for(kind, slot)
            log.warning("Retrying the %s run for %s (it failed %d time(s); the last error is "
                        "in `python main.py status`)", kind, week.label, count)
            self.attempt(kind, week, slot)

    def week_for(self, kind: RunKind, slot: dt.datetime) -> ReportWeek:
        """A weekly run reports the week before its slot; a refresh shows the latest week."""
        return self.week_of(slot if kind is RunKind.WEEKLY else self.clock())

    def run_slot(self, job: SlotJob) -> None:
        """Run the job for the latest of its slots that has come (several may have passed while
        the machine slept: they make one run)."""
        slot, kind = job.slot.last_at_or_before(self.clock()), job.kind
        if self.should_stop():  # stopping: not started, so the next start catches it up
            return
        if kind is RunKind.REFRESH and self.weekly_due():
            log.info("Refresh due %s left to the weekly run due now, which writes the tabs "
                     "too", self.local(slot))
            return
        self.attempt(kind, self.week_for(kind, slot), slot)

    def attempt(self, kind: RunKind, week: ReportWeek, slot: dt.datetime) -> None:
        """One run for a slot, unless one already did its work; whatever happens, the
        scheduler carries on."""
        try:
            done = self.settled_by(kind, slot)
            if done is not None:
                log.info("The %s run due %s was already done by run #%d: skipped", kind,
                         self.local(slot), done)
                return
            self.run_when_free(kind, week, slot)
        except Exception as exc:
            log.error("The %s run for %s failed unexpectedly (%s). The traceback is in the "
                      "state file; it is retried later and the scheduler carries on.", kind,
                      week.label, describe(exc))

    def weekly_due(self) -> bool:
        return any(j.kind is RunKind.WEEKLY and j.should_run for j in self.timetable.slot_jobs())

    def run_when_free(self, kind: RunKind, week: ReportWeek, slot: dt.datetime) -> None:
        waited = 0.0
        while True:
            try:
                self.runner.run(kind, week, self.clock(), slot)
                return
            except Locked as exc:
                if self.should_stop():
                    return
                if waited >= LOCK_PATIENCE:
                    log.error("Gave up the %s run for %s: another run (%s) still holds the "
                              "lock", kind, week.label, exc)
                    return
                if not waited:
                    log.warning("Another run is in progress (%s); the %s run waits for it",
                                exc, kind)
                self.sleep(LOCK_POLL)
                waited += LOCK_POLL
            except Stopped:
                log.warning("The %s run for %s stopped between steps; it will be caught up at "
                            "the next start", kind, week.label)
                return
            except JobError as exc:
                log.error("The %s run for %s failed: %s It is retried later and the scheduler "
                          "carries on.", kind, week.label, exc)
                return

    def next_runs(self) -> list[tuple[dt.datetime, RunKind]]:
        return sorted((j.next_at, j.kind) for j in self.timetable.slot_jobs())

    def log_next(self) -> None:
        soonest: dict[RunKind, dt.datetime] = {}
        for when, kind in self.next_runs():
            soonest.setdefault(kind, when)
        log.info("Next runs: %s", "; ".join(f"{k} {self.local(w)}" for k, w in soonest.items()))

    def local(self, moment: dt.datetime) -> str:
        return local_time(moment, self.timetable.zone)


def retry_wait(failures: int) -> float:
    """Seconds from the end of the last failed attempt to the next retry."""
    return min(RETRY_FIRST * 2 ** max(failures - 1, 0), RETRY_LONGEST)


def local_time(moment: dt.datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%a %Y-%m-%d %H:%M %Z")
