"""Weekly trends (domain.md, 'Counting conventions'): the log figures for each ISO week of the
school year to date, per school and for the district.

Computed from the validated log rows every run, never from stored history, so a rerun for a past
week gives the same rows. One pass: each row's (school, week) is a single integer code, and the
sums are the same weighted bincounts `core.impact.log_figures` makes for the year to date, so a
school's week rows add up to its year-to-date figures.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.impact import group_codes, in_window, log_figures, pct_series
from core.schema import Activity
from core.weeks import Window

TREND_FIGURES = ("sessions", "minutes", "coaching_minutes", "cycle_minutes", "teachers_coached")
"""Summed per (school, week) as `log_figures` sums them per school."""


@dataclass(frozen=True)
class Trends:
    weeks: pd.DataFrame
    """One row per ISO week of the year to date: label ('2026-W47'), start, end (the first and last
    week clipped to the school year and the report week)."""
    schools: pd.DataFrame
    """One row per school and week (every school, every week; zeros where nothing was logged):
    school, week, week_start, sessions, minutes, coaching_minutes, cycle_minutes,
    time_in_cycles_pct, teachers_coached, principal_meeting (bool)."""
    district: pd.DataFrame
    """One row per week: the same log figures over every school, and schools_with_meeting."""

    def last(self, n: int) -> Trends:
        """The last `n` weeks (the report week and the n - 1 before it), as the emails show."""
        keep = set(self.weeks["week"].iloc[-n:]) if n > 0 else set()
        return Trends(self.weeks[self.weeks["week"].isin(keep)].reset_index(drop=True),
                      self.schools[self.schools["week"].isin(keep)].reset_index(drop=True),
                      self.district[self.district["week"].isin(keep)].reset_index(drop=True))


def school_year_weeks(ytd: Window) -> pd.DataFrame:
    """The Mon–Sun weeks from the one holding the first school day to the one holding ytd.end."""
    first_monday = ytd.start - dt.timedelta(days=ytd.start.weekday())
    count = max(0, (ytd.end - first_monday).days // 7 + 1)
    mondays = [first_monday + dt.timedelta(weeks=i) for i in range(count)]
    return pd.DataFrame({
        "week": [_label(m) for m in mondays],
        "start": pd.to_datetime([max(m, ytd.start) for m in mondays]),
        "end": pd.to_datetime([min(m + dt.timedelta(days=6), ytd.end) for m in mondays]),
    })


def _label(monday: dt.date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def weekly_trends(logs: pd.DataFrame, schools: pd.Index, ytd: Window) -> Trends:
    """Per school (in roster order) and per week of `ytd`, and for the district per week."""
    weeks = school_year_weeks(ytd)
    logs = in_window(logs, ytd)
    week_of = _week_numbers(logs["date"], ytd.start, len(weeks))
    school_of = _positions(logs["school"], schools)
    key = np.where((school_of >= 0) & (week_of >= 0), school_of * len(weeks) + week_of, -1)
    per_school = _figures(logs, key, len(schools) * len(weeks))
    per_school.insert(0, "school", np.repeat(schools.to_numpy(dtype=object), len(weeks)))
    per_school.insert(1, "week", np.tile(weeks["week"].to_numpy(), len(schools)))
    per_school.insert(2, "week_start", np.tile(weeks["start"].to_numpy(), len(schools)))
    district = _figures(logs, week_of, len(weeks))
    district.insert(0, "week", weeks["week"].to_numpy())
    district.insert(1, "week_start", weeks["start"].to_numpy())
    met = per_school["principal_meeting"].to_numpy().reshape(len(schools), len(weeks))
    district["schools_with_meeting"] = met.sum(axis=0) if len(schools) else 0
    return Trends(weeks, per_school, district.drop(columns="principal_meeting"))


def _week_numbers(dates: pd.Series, year_start: dt.date, weeks: int) -> np.ndarray:
    """Each row's week of the school year (0 = the week holding the first school day); -1 for a
    row outside the weeks (no date)."""
    first_monday = pd.Timestamp(year_start - dt.timedelta(days=year_start.weekday()))
    days = (dates - first_monday).dt.days.to_numpy(dtype=float)
    number = np.floor_divide(np.nan_to_num(days, nan=-1.0), 7).astype(np.int64)
    return np.where((number >= 0) & (number < weeks), number, -1)


def _positions(column: pd.Series, names: pd.Index) -> np.ndarray:
    """Each row's position in `names` (-1: not there), looked up once per distinct value."""
    codes, values = group_codes(column)
    where = np.append(names.get_indexer(values), -1)
    return where[codes]


def _figures(logs: pd.DataFrame, key: np.ndarray, groups: int) -> pd.DataFrame:
    """`log_figures` over integer groups 0..groups-1 (every group, zero where no rows), and
    whether a principal–coach meeting was logged in each."""
    coded = pd.Categorical.from_codes(key, categories=pd.RangeIndex(groups))
    figures = log_figures(logs.assign(_group=coded), "_group")
    out = figures[list(TREND_FIGURES)].reindex(pd.RangeIndex(groups), fill_value=0.0)
    out["time_in_cycles_pct"] = pct_series(out["cycle_minutes"], out["minutes"])
    meeting = logs["activity"].eq(Activity.PRINCIPAL_MEETING.value).to_numpy(dtype=bool)
    rows = meeting & (key >= 0)
    out["principal_meeting"] = np.bincount(key[rows], minlength=groups)[:groups] > 0
    return out.reset_index(drop=True)
