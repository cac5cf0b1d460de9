"""When runs are due: the `schedule` library's jobs, timed in the district's zone by an injected
clock.

`schedule` reads `datetime.now()` in the machine's zone and its `at(…, tz)` needs pytz; a district
job must run at 07:00 in the district's zone whatever the server's zone is, and tests must drive a
week in a second. So a `Timetable` is schedule's Scheduler whose jobs (`SlotJob`) take "now" from
the injected clock and compute their times here, with zoneinfo. Registration keeps schedule's own
words and checks: `timetable.every().monday.at("07:00")`.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol
from zoneinfo import ZoneInfo

import schedule

from scheduler.history import RunKind

Clock = Callable[[], dt.datetime]
"""Returns the current moment as an aware datetime."""

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class Plan(Protocol):
    """The config's `schedule:` section (config.model.Schedule)."""

    @property
    def refresh_at(self) -> list[str]: ...
    @property
    def send_day(self) -> str: ...
    @property
    def send_at(self) -> str: ...


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Slot:
    """A time of day in a zone, every day or on one weekday (0 = Monday)."""

    at: dt.time
    zone: ZoneInfo
    weekday: int | None = None

    def on(self, day: dt.date) -> dt.datetime | None:
        """This slot's moment on `day` (UTC), or None if it does not fall on that day.

        A time skipped by a DST change (02:30 when clocks jump to 03:00) falls an hour later;
        a repeated one is taken the first time."""
        if self.weekday is not None and day.weekday() != self.weekday:
            return None
        return dt.datetime.combine(day, self.at, tzinfo=self.zone).astimezone(dt.UTC)

    def next_after(self, moment: dt.datetime) -> dt.datetime:
        day = moment.astimezone(self.zone).date()
        for offset in range(0, 9):
            when = self.on(day + dt.timedelta(days=offset))
            if when is not None and when > moment:
                return when
        raise AssertionError("a weekly slot recurs within 8 days")

    def last_at_or_before(self, moment: dt.datetime) -> dt.datetime:
        day = moment.astimezone(self.zone).date()
        for offset in range(0, 9):
            when = self.on(day - dt.timedelta(days=offset))
            if when is not None and when <= moment:
                return when
        raise AssertionError("a weekly slot recurs within 8 days")


class Timetable(schedule.Scheduler):
    """schedule's Scheduler, timed by `clock` in `zone`."""

    def __init__(self, clock: Clock, zone: ZoneInfo) -> None:
        super().__init__()
        self.clock = clock
        self.zone = zone

    def every(self, interval: int = 1) -> SlotJob:
        return SlotJob(interval, self)

    def slot_jobs(self) -> list[SlotJob]:
        return [j for j in self.jobs if isinstance(j, SlotJob)]

    def seconds_to_next(self) -> float | None:
        jobs = self.slot_jobs()
        if not jobs:
            return None
        return (min(j.next_at for j in jobs) - self.clock()).total_seconds()


class SlotJob(schedule.Job):
    """A schedule Job whose 'now' is the timetable's clock and whose times are zone-aware (UTC)."""

    def __init__(self, interval: int, timetable: Timetable) -> None:
        super().__init__(interval, timetable)
        self.timetable = timetable
        self.kind = RunKind.REFRESH

    @property
    def slot(self) -> Slot:
        weekday = WEEKDAYS.index(self.start_day) if self.start_day else None
        return Slot(self.at_time or dt.time(0, 0), self.timetable.zone, weekday)

    @property
    def next_at(self) -> dt.datetime:
        assert self.next_run is not None, "do() schedules the first run"
        return self.next_run

    @property
    def should_run(self) -> bool:
        return self.timetable.clock() >= self.next_at

    def run(self) -> object:
        """schedule's run(), minus its reads of the machine's clock."""
        result = self.job_func()  # type: ignore[misc]
        self.last_run = self.timetable.clock()
        self._schedule_next_run()
        return result

    def _schedule_next_run(self) -> None:
        self.next_run = self.slot.next_after(self.timetable.clock())
