"""The summary tabs for district staff, as plain tables (header + rows of cell values).

Cells are str, int, float, dt.date, Link, Fig or None, typed: every figure is a number (percentages
as fractions under a percent format), text only where a figure is suppressed (`n<10`, never with
the hidden number). Each tab is one table from A1. Nothing here holds a student ID or a coach's
notes: those never leave validation.
"""
from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd

from core.display import Privacy, half_up, missing, number
from core.impact import WEEK, YTD, Impact
from core.schema import RUN_LOG_HEADER, STAGE_LABELS, Activity, CycleStatus, OutputTab, Stage
from core.tables import Fig, Fmt, Highlight, Link, Table, Tone

__all__ = ["Fig", "Fmt", "Link", "Table"]


def hrs(minutes: float) -> float | None:
    return number(minutes / 60 if not missing(minutes) else minutes, 1)


def share(points: float, digits: int = 1) -> float | None:
    """A percentage (in points) as the fraction a percent-formatted cell holds (half-up)."""
    return None if missing(points) else half_up(float(points) / 100, digits + 2)


def student_share(privacy: Privacy, points: float, n: float, hidden: Any = ""
                  ) -> float | str | None:
    """A % of students: `n<10` when too few (never the number behind it), `hidden` when it would
    let a small cycle be worked out (core.suppress), else a fraction."""
    return privacy.shown_as(n, hidden) if privacy.suppressed(n, hidden) else share(points, 0)


def student_figure(privacy: Privacy, value: float, n: float, digits: int = 0,
                   hidden: Any = "") -> float | str | None:
    return privacy.shown_as(n, hidden) if privacy.suppressed(n, hidden) \
        else number(value, digits)


def _date(value: Any) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def stage_label(stage: Any) -> str:
    return STAGE_LABELS.get(stage, "") if isinstance(stage, Stage) else ""


C, H, P, P1, D = Fmt.COUNT, Fmt.DECIMAL, Fmt.PCT, Fmt.PCT1, Fmt.DATE
T = Fmt.TEXT
BENCHMARK_TONES = (Highlight("Benchmark status", "equals", "met", Tone.GOOD),
                   Highlight("Benchmark status", "equals", "not yet", Tone.WARN))


def in_cycles_tones(column: str, target: float) -> tuple[Highlight, ...]:
    """Time in cycles against the program's target (a fraction, as the cells hold it)."""
    return (Highlight(column, "at_least", share(target), Tone.GOOD),
            Highlight(column, "below", share(target), Tone.WARN))


def schools_table(impact: Impact, privacy: Privacy, target: float = 60) -> Table:
    columns = [
        ("School", T), ("Principal", T), ("Implementation stage", T), ("Benchmark status", T),
        ("Short of benchmark", T), ("Classroom teachers", C), ("Teachers in cycles", C),
        ("Coverage", P1), ("Coaching hours (year)", H), ("Coaching hours per teacher", H),
        ("Time in cycles", P1), ("Time-in-cycles target", P1),
        ("Weeks with principal–coach meeting", C), ("Weeks so far", C),
        ("Cycles active", C), ("Cycles completed", C), ("Cycles abandoned", C),
        ("Completion rate", P1), ("Students in completed cycles", C),
        ("% proficient before", P), ("% proficient after", P),
        ("Goals met (cycles with results shown)", C),
        ("Coaching hours this week", H), ("Sessions this week", C),
        ("Teachers reached this week", C)]
    year, week = impact.schools[YTD], impact.schools[WEEK]
    rows = []
    for school, s in year.iterrows():
        w = week.loc[school]
        n = s["students"]
        rows.append([
            school, s["principal"], stage_label(s["stage"]), s["benchmark_status"],
            s["benchmark_gaps"], number(s["classroom_teachers"], 0),
            int(s["teachers_in_cycles"]), share(s["coverage_pct"]),
            hrs(s["coaching_minutes"]), hrs(s["minutes_per_teacher"]),
            share(s["time_in_cycles_pct"]), share(target), int(s["meeting_weeks"]),
            int(s["weeks_elapsed"]),
            int(s["cycles_active"]), int(s["cycles_completed"]), int(s["cycles_abandoned"]),
            share(s["completion_rate"]), privacy.student_n(n, s["hidden"]),
            student_share(privacy, s["pct_pre"], n, s["hidden"]),
            student_share(privacy, s["pct_post"], n, s["hidden"]),
            int(s["goals_met_shown"]), hrs(w["coaching_minutes"]), int(w["sessions"]),
            int(w["teachers_coached"])])
    return _table(OutputTab.SCHOOLS, columns, rows,
                  BENCHMARK_TONES + in_cycles_tones("Time in cycles", target),
                  wide={"Short of benchmark"})


def _table(name: str, columns: list[tuple[str, Fmt]], rows: list[list[Any]],
           highlights: tuple[Highlight, ...] = (), wide: set[str] | None = None) -> Table:
    return Table(name, [c for c, _ in columns], rows, tuple(f for _, f in columns),
                 highlights, frozenset(wide or ()))


def coaches_table(impact: Impact, privacy: Privacy, target: float) -> Table:
    activities = [a.value for a in Activity]
    columns = [
        ("Coach", T), ("Schools", T), ("FTE", Fmt.RATIO), ("Hours logged (year)", H),
        ("Coaching hours (year)", H), ("Time in cycles", P1), ("Time-in-cycles target", P1),
        ("Teachers coached", C), ("Cycles active", C), ("Cycles completed", C),
        ("Cycles abandoned", C), ("Completion rate", P1), ("Students in completed cycles", C),
        ("% proficient before", P), ("% proficient after", P),
        ("Goals met (cycles with results shown)", C),
        ("Hours this week", H), ("Sessions this week", C), ("Time in cycles this week", P1),
    ] + [(f"Hours: {a}", H) for a in activities]
    year, week = impact.coaches[YTD], impact.coaches[WEEK]
    by_activity = impact.coach_activity[YTD]
    rows = []
    for coach, c in year.iterrows():
        w = week.loc[coach]
        acts = by_activity.loc[coach] if coach in by_activity.index else None
        n = c["students"]
        rows.append([
            coach, c["schools"], number(c["fte"], 2), hrs(c["minutes"]),
            hrs(c["coaching_minutes"]), share(c["time_in_cycles_pct"]), share(target),
            int(c["teachers_coached"]), int(c["cycles_active"]), int(c["cycles_completed"]),
            int(c["cycles_abandoned"]), share(c["completion_rate"]),
            privacy.student_n(n, c["hidden"]), student_share(privacy, c["pct_pre"], n, c["hidden"]),
            student_share(privacy, c["pct_post"], n, c["hidden"]),
            int(c["goals_met"]), hrs(w["minutes"]), int(w["sessions"]),
            share(w["time_in_cycles_pct"]),
        ] + [hrs(acts[a]) if acts is not None else 0.0 for a in activities])
    return _table(OutputTab.COACHES, columns, rows, in_cycles_tones("Time in cycles", target))


CYCLE_COLUMNS = [
    ("Cycle ID", T), ("School", T), ("Coach", T), ("Teacher", T), ("Grade", T), ("Subject", T),
    ("Focus", T), ("Status", T), ("Start date", D), ("End date", D), ("Length (weeks)", H),
    ("Week now", C), ("Weeks planned", C), ("Sessions logged", C), ("Hours logged", H),
    ("Students with pre and post", C), ("% proficient before", P), ("% proficient after", P),
    ("Growth (points)", Fmt.POINTS), ("Moved to proficient", C), ("Goal (% proficient)", P),
    ("Goal met", T), ("Mean score gain", Fmt.GAIN)]


def cycles_table(impact: Impact, privacy: Privacy,
                 planned: pd.DataFrame | None = None) -> Table:
    """Every cycle started by the end of the report week, then those planned after it (marked
    planned, no figures: they count nowhere yet)."""
    rows = [_cycle_row(c, privacy) for _, c in impact.cycles.iterrows()]
    if planned is not None:
        rows += [_planned_row(c) for _, c in planned.sort_values(
            ["start_date", "school", "cycle_id"]).iterrows()]
    return _table(OutputTab.CYCLES, CYCLE_COLUMNS, rows, (
        Highlight("Status", "equals", CycleStatus.PLANNED.value, Tone.WARN),
        Highlight("Goal met", "equals", "yes", Tone.GOOD),
        Highlight("Goal met", "equals", "no", Tone.BAD)), wide={"Focus"})


def _cycle_row(c: pd.Series, privacy: Privacy) -> list[Any]:
    n, hidden = c["n"], c["hidden"]
    goal_met = "" if privacy.suppressed(n, hidden) or missing(c["goal_met"]) else (
        "yes" if c["goal_met"] else "no")
    return [
        *_cycle_names(c), number(c["length_weeks"]), number(c["week_n"], 0),
        number(c["weeks_planned"], 0), int(c["sessions"]), hrs(c["minutes"]),
        privacy.student_n(n, hidden), student_share(privacy, c["pct_pre"], n, hidden),
        student_share(privacy, c["pct_post"], n, hidden), _growth(c, privacy),
        student_figure(privacy, c["moved"], n, hidden=hidden), share(c["goal"], 0), goal_met,
        student_figure(privacy, c["mean_gain"], n, 1, hidden)]


def _growth(c: pd.Series, privacy: Privacy) -> float | str | None:
    """Points of growth as the difference of the two percentages as shown (half-up)."""
    shown = privacy.growth(c["pct_pre"], c["pct_post"], c["n"], c["hidden"], unit="")
    try:
        return float(shown)
    except ValueError:
        return shown or None


def _cycle_names(c: pd.Series) -> list[Any]:
    return [c["cycle_id"], c["school"], c["coach"], c["teacher"], c["grade"], c["subject"],
            c["focus"], c["status"], _date(c["start_date"]), _date(c["end_date"])]


def _planned_row(c: pd.Series) -> list[Any]:
    names = _cycle_names(c)
    names[7] = CycleStatus.PLANNED.value
    weeks = ((c["end_date"] - c["start_date"]).days + 1) / 7 if not missing(
        c["end_date"]) and not pd.isna(c["end_date"]) else None
    return [*names, number(weeks) if weeks is not None else None, None,
            number(math.ceil(weeks), 0) if weeks is not None else None,
            None, None, None, None, None, None, None, share(c["goal"], 0), "", None]


def district_table(impact: Impact, privacy: Privacy, district_name: str) -> Table:
    """District totals: one figure per row, this week beside the year to date."""
    w, y = impact.district[WEEK], impact.district[YTD]

    def both(label: str, fn: Any, fmt: Fmt) -> list[Any]:
        return [label, Fig(fn(w), fmt), Fig(fn(y), fmt)]

    def year(label: str, value: Any, fmt: Fmt) -> list[Any]:
        return [label, None, Fig(value, fmt) if not isinstance(value, str) else value]
    rows: list[list[Any]] = [
        both("Coaching hours", lambda d: hrs(d["coaching_minutes"]), H),
        both("All hours logged", lambda d: hrs(d["minutes"]), H),
        both("Coaching sessions", lambda d: int(d["sessions"]), C),
        both("Time in cycles", lambda d: share(d["time_in_cycles_pct"]), P1),
        both("Teachers coached", lambda d: int(d["teachers_coached"]), C),
        both("Cycles active", lambda d: int(d["cycles_active"]), C),
        both("Cycles completed", lambda d: int(d["cycles_completed"]), C),
        year("Cycles abandoned", int(y["cycles_abandoned"]), C),
        year("Completion rate", share(y["completion_rate"]), P1),
        year("Students in completed cycles", privacy.student_n(y["students"], y["hidden"]), C),
        year("% proficient before (completed cycles)",
             student_share(privacy, y["pct_pre"], y["students"], y["hidden"]), P),
        year("% proficient after (completed cycles)",
             student_share(privacy, y["pct_post"], y["students"], y["hidden"]), P),
        year("Coverage: teachers in cycles", share(y["coverage_pct"]), P1),
        year("Coaching hours per classroom teacher", hrs(y["minutes_per_teacher"]), H),
        year("Schools meeting their stage's benchmarks", int(y["schools_met_benchmark"]), C),
        year("Schools", int(y["schools"]), C),
    ]
    header = [f"{district_name}", f"Report week {impact.week.label} ({impact.week.title})",
              f"School year to date ({impact.ytd.start:%b %-d, %Y} – {impact.ytd.end:%b %-d})"]
    return Table(OutputTab.DISTRICT, header, rows, (T, H, H), wide=frozenset({header[0]}))


def equity_table(impact: Impact) -> Table:
    """Coaching time against need, school year to date: do high-need schools get their share?"""
    columns = [("School", T), ("Need indicator", H), ("Classroom teachers", C),
               ("Coaching hours", H), ("Coaching hours per teacher", H),
               ("Share of coaching hours", P1), ("Share of classroom teachers", P1),
               ("Hours per teacher vs district average", Fmt.RATIO)]
    rows = [[school, number(e["need"]), number(e["classroom_teachers"], 0),
             hrs(e["coaching_minutes"]), hrs(e["minutes_per_teacher"]),
             share(e["share_of_minutes_pct"]), share(e["share_of_teachers_pct"]),
             number(e["vs_district_average"], 2)] for school, e in impact.equity.iterrows()]
    return _table(OutputTab.EQUITY, columns, rows, (
        Highlight("Hours per teacher vs district average", "below", 0.8, Tone.WARN),))


DISTRICT_ROWS = "All schools"
"""The Trends tab's first block: the district's weeks, before each school's."""


def trends_table(impact: Impact) -> Table:
    """Per school (district first) and per ISO week of the school year to date."""
    columns = [("School", T), ("Week", T), ("Week of", D), ("Sessions", C),
               ("Coaching hours", H), ("Hours logged", H), ("Time in cycles", P1),
               ("Teachers reached", C), ("Principal–coach meeting", T)]
    trends = impact.trends
    rows = [[DISTRICT_ROWS, *_week_cells(d), None] for _, d in trends.district.iterrows()]
    rows += [[s["school"], *_week_cells(s), "yes" if s["principal_meeting"] else "no"]
             for _, s in trends.schools.iterrows()]
    return _table(OutputTab.TRENDS, columns, rows, (
        Highlight("Principal–coach meeting", "equals", "yes", Tone.GOOD),))


def hours_by_week_table(impact: Impact) -> Table:
    """Coaching hours per week: a row per week, a column for the district and each school (the
    weekly-hours chart's ranges)."""
    trends = impact.trends
    hours = trends.schools.pivot(index="week", columns="school", values="coaching_minutes")
    schools = list(dict.fromkeys(trends.schools["school"]))
    columns = [("Week", T), ("Week of", D), (DISTRICT_ROWS, H)] + [(s, H) for s in schools]
    rows = [[w["week"], _date(w["week_start"]), hrs(w["coaching_minutes"])]
            + [hrs(hours.at[w["week"], s]) for s in schools]
            for _, w in trends.district.iterrows()]
    return _table(OutputTab.HOURS_BY_WEEK, columns, rows)


def _week_cells(w: pd.Series) -> list[Any]:
    return [w["week"], _date(w["week_start"]), int(w["sessions"]), hrs(w["coaching_minutes"]),
            hrs(w["minutes"]), share(w["time_in_cycles_pct"]), int(w["teachers_coached"])]


def issues_table(issues: pd.DataFrame, links: Any = None) -> Table:
    """Every flagged row, with a link to its cell. `links(source, tab, row)` gives one where the
    source has none of its own (workbooks: a file: link to the row)."""
    columns = [("Coach", T), ("School", T), ("Source", T), ("Tab", T), ("Row", C),
               ("Column", T), ("Value", T), ("Severity", T), ("What to fix", T), ("Link", T)]
    cols = ["coach", "school", "source", "tab", "row", "column", "value", "severity",
            "message", "link"]
    rows = []
    for rec in issues[cols].itertuples(index=False):
        row = [_issue_cell(c, v) for c, v in zip(cols, rec, strict=True)]
        if row[-1] is None and links is not None and row[4] is not None:
            url = links(row[2], row[3], row[4])
            row[-1] = Link("open the row", url) if url else None
        rows.append(row)
    return _table(OutputTab.DATA_ISSUES, columns, rows, (
        Highlight("Severity", "equals", "error", Tone.BAD),
        Highlight("Severity", "equals", "warning", Tone.WARN)), wide={"What to fix", "Value"})


def _issue_cell(column: str, value: Any) -> Any:
    if value is pd.NA or missing(value) or value == "":
        return None
    if column == "row":
        return int(value)
    return Link("open the cell", value) if column == "link" else value


def run_log_table(previous: list[list[Any]], entry: list[Any]) -> Table:
    """The Run Log keeps every earlier run's row and adds this one."""
    return Table(OutputTab.RUN_LOG, list(RUN_LOG_HEADER), [*previous, entry],
                 RUN_LOG_FORMATS, wide=frozenset({"Tabs written"}))


RUN_LOG_FORMATS = (T, T, C, C, C, C, C, T, C, T)
