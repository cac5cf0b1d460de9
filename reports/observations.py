"""'What to look at': up to three plain-language observations for a principal, chosen by rules.

The rules, in the order they are tried (the first three that apply are shown; README,
'What the principal's email says'):

1. Post-assessment overdue: cycles whose end date has passed with post scores missing.
2. Principal–coach meetings: none logged this year, or none in the last 2 weeks or more.
3. Coach time not spent coaching: the largest non-coaching activity (other duties, coach
   professional learning), when it is 10% or more of all hours logged this year.
4. A benchmark just missed or just met: a figure of the school's stage within 5 points below
   (or at most 5 points above) its benchmark, as the figures are shown.
5. Cycles ending in the coming week: time to plan their post-assessment.

None is about an individual teacher: cycles are counted, or named by grade and subject.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd

from config.model import Config
from core.display import fixed, half_up, hours, missing
from core.impact import BENCHMARK_FIGURES, YTD, Impact
from core.schema import NON_COACHING, CycleStatus, Stage
from core.validate import Validated
from reports.grouped import rows_where

MAX_OBSERVATIONS = 3
NEAR_BENCHMARK = 5  # points
NON_COACHING_SHARE = 10  # % of all hours logged
MEETING_GAP_WEEKS = 2


def observations(school: str, impact: Impact, data: Validated, config: Config) -> list[str]:
    cycles = rows_where(impact.cycles, "school", school)
    year = impact.schools[YTD].loc[school]
    rules: list[Callable[[], str]] = [
        lambda: overdue(cycles),
        lambda: meeting_gap(year["last_meeting"], impact.week.end),
        lambda: non_coaching(impact.school_activity[YTD], school, year["minutes"]),
        lambda: near_benchmark(year, config),
        lambda: ending_soon(cycles, impact.week.end),
    ]
    found = (rule() for rule in rules)
    return [text for text in found if text][:MAX_OBSERVATIONS]


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def overdue(cycles: pd.DataFrame) -> str:
    due = cycles[cycles["post_due"]]
    if due.empty:
        return ""
    return (f"{_count(len(due), 'cycle has', 'cycles have')} ended without post-assessment "
            f"scores, so {'its' if len(due) == 1 else 'their'} results cannot be counted yet. "
            f"Teachers enter them on the Assessments tab.")


def meeting_gap(last_meeting: pd.Timestamp, week_end: dt.date) -> str:
    """From the school's last meeting this year to date (core/impact.py `last_meeting`)."""
    if pd.isna(last_meeting):
        return "No principal–coach meeting has been logged this year."
    last = last_meeting.date()
    weeks = (week_end - last).days // 7
    if weeks < MEETING_GAP_WEEKS:
        return ""
    return (f"No principal–coach meeting has been logged for {weeks} weeks (the last on "
            f"{last:%b} {last.day}).")


def non_coaching(activity: pd.DataFrame, school: str, all_minutes: float) -> str:
    if school not in activity.index or missing(all_minutes) or not all_minutes:
        return ""
    row = activity.loc[school]
    biggest = max(sorted(NON_COACHING), key=lambda a: row[a.value])
    share = row[biggest.value] / all_minutes * 100
    if half_up(share) < NON_COACHING_SHARE:
        return ""
    return (f"{biggest.value.capitalize()} took {hours(row[biggest.value])} h of coach time "
            f"this year ({fixed(share)}% of all hours logged), time that is not coaching.")


def near_benchmark(year: pd.Series, config: Config) -> str:
    stage = year["stage"]
    if not isinstance(stage, Stage) or stage not in config.settings.benchmarks:
        return ""
    for key, threshold in config.settings.benchmarks[stage].model_dump().items():
        column, label = BENCHMARK_FIGURES[key]
        value = year[column]
        if threshold is None or missing(value):
            continue
        shown = half_up(value)
        if threshold - NEAR_BENCHMARK <= shown < threshold:
            return (f"{label}: {fixed(shown)}%, {fixed(threshold - shown)} points short of "
                    f"the {threshold:g}% benchmark for your stage.")
        if threshold <= shown <= threshold + NEAR_BENCHMARK:
            return (f"{label}: {fixed(shown)}%, just at or above the {threshold:g}% "
                    f"benchmark for your stage; a little less would miss it.")
    return ""


def ending_soon(cycles: pd.DataFrame, week_end: dt.date) -> str:
    start, end = week_end + dt.timedelta(days=1), week_end + dt.timedelta(days=7)
    soon = cycles[cycles["status"].eq(CycleStatus.ACTIVE.value)
                  & cycles["end_date"].between(pd.Timestamp(start), pd.Timestamp(end))]
    if soon.empty:
        return ""
    return (f"{_count(len(soon), 'cycle ends', 'cycles end')} this week ({span(start, end)}): "
            f"time to plan {'its' if len(soon) == 1 else 'their'} post-assessment.")


def span(start: dt.date, end: dt.date) -> str:
    """'Nov 23 – 29' or 'Nov 30 – Dec 6'."""
    tail = str(end.day) if end.month == start.month else f"{end:%b} {end.day}"
    return f"{start:%b} {start.day} – {tail}"
