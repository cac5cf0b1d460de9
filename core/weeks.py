"""Report windows: the ISO week reported on, and the school year up to its end."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_ISO_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$")


class WeekFormatError(ValueError):
    """--week was not of the form 2026-W47."""


@dataclass(frozen=True)
class Window:
    start: dt.date
    end: dt.date  # inclusive

    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class ReportWeek(Window):
    @property
    def label(self) -> str:
        year, week, _ = self.start.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def title(self) -> str:
        """'Nov 16 – 22, 2026' as a person would write it."""
        s, e = self.start, self.end
        if s.month == e.month:
            return f"{s:%b} {s.day} – {e.day}, {e.year}"
        if s.year == e.year:
            return f"{s:%b} {s.day} – {e:%b} {e.day}, {e.year}"
        return f"{s:%b} {s.day}, {s.year} – {e:%b} {e.day}, {e.year}"


def parse_week(text: str) -> ReportWeek:
    m = _ISO_WEEK.match(text.strip())
    if not m:
        raise WeekFormatError(f"'{text}' is not an ISO week; write it like 2026-W47.")
    try:
        monday = dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
    except ValueError:
        raise WeekFormatError(f"{text}: year {m[1]} has no week {int(m[2])}.") from None
    return ReportWeek(monday, monday + dt.timedelta(days=6))


def last_full_week(today: dt.date) -> ReportWeek:
    """The Monday–Sunday week that ended most recently before `today`."""
    sunday = today - dt.timedelta(days=today.isoweekday())
    return ReportWeek(sunday - dt.timedelta(days=6), sunday)


def year_to_date(year_start: dt.date, year_end: dt.date, week: Window) -> Window:
    return Window(year_start, min(week.end, year_end))


def weeks_elapsed(year_start: dt.date, week: Window) -> int:
    """Mon–Sun weeks from the one holding the first school day to the report week, inclusive."""
    first_monday = year_start - dt.timedelta(days=year_start.weekday())
    return max(0, (week.end - first_monday).days // 7 + 1)
