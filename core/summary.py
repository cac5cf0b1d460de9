"""The summary tabs for district staff, as plain tables (header + rows of cell values).

Cells are str, int, float, dt.date or None. Student figures are suppressed under min_n. Nothing
here holds a student ID or a coach's notes: those never leave validation.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from core.display import Privacy, missing, number
from core.impact import WEEK, YTD, Impact
from core.schema import RUN_LOG_HEADER, STAGE_LABELS, Activity, OutputTab, Stage


@dataclass(frozen=True)
class Link:
    """A cell that opens `url`: written as text carrying a link, never as a formula."""

    text: str
    url: str


@dataclass(frozen=True)
class Table:
    name: str
    header: list[str]
    rows: list[list[Any]]


def hrs(minutes: float) -> float | None:
    return number(minutes / 60 if not missing(minutes) else minutes, 1)


def _date(value: Any) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def stage_label(stage: Any) -> str:
    return STAGE_LABELS.get(stage, "") if isinstance(stage, Stage) else ""


def schools_table(impact: Impact, privacy: Privacy) -> Table:
    header = ["School", "Principal", "Implementation stage", "Benchmark status",
              "Short of benchmark", "Classroom teachers", "Teachers in cycles", "Coverage (%)",
              "Coaching hours (year)", "Coaching hours per teacher", "Time in cycles (%)",
              "Weeks with principal–coach meeting", "Weeks so far", "Cycles active",
              "Cycles completed", "Cycles abandoned", "Completion rate (%)",
              "Students in completed cycles", "% proficient before", "% proficient after",
              "Goals met", "Coaching hours this week", "Sessions this week",
              "Teachers reached this week"]
    year, week = impact.schools[YTD], impact.schools[WEEK]
    rows = []
    for school, s in year.iterrows():
        w = week.loc[school]
        rows.append([
            school, s["principal"], stage_label(s["stage"]), s["benchmark_status"],
            s["benchmark_gaps"], number(s["classroom_teachers"], 0),
            int(s["teachers_in_cycles"]), number(s["coverage_pct"]),
            hrs(s["coaching_minutes"]), hrs(s["minutes_per_teacher"]),
            number(s["time_in_cycles_pct"]), int(s["meeting_weeks"]), int(s["weeks_elapsed"]),
            int(s["cycles_active"]), int(s["cycles_completed"]), int(s["cycles_abandoned"]),
            number(s["completion_rate"]), privacy.student_n(s["students"]),
            privacy.student_pct(s["pct_pre"], s["students"]),
            privacy.student_pct(s["pct_post"], s["students"]),
            f"{int(s['goals_met'])} of {int(s['cycles_completed'])}",
            hrs(w["coaching_minutes"]), int(w["sessions"]), int(w["teachers_coached"])])
    return Table(OutputTab.SCHOOLS, header, rows)


def coaches_table(impact: Impact, privacy: Privacy, target: float) -> Table:
    activities = [a.value for a in Activity]
    header = ["Coach", "Schools", "FTE", "Hours logged (year)", "Coaching hours (year)",
              "Time in cycles (%)", "Time-in-cycles target (%)", "Teachers coached",
              "Cycles active", "Cycles completed", "Cycles abandoned", "Completion rate (%)",
              "Students in completed cycles", "% proficient before", "% proficient after",
              "Goals met", "Hours this week", "Sessions this week",
              "Time in cycles this week (%)"] + [f"Hours: {a}" for a in activities]
    year, week = impact.coaches[YTD], impact.coaches[WEEK]
    by_activity = impact.coach_activity[YTD]
    rows = []
    for coach, c in year.iterrows():
        w = week.loc[coach]
        acts = by_activity.loc[coach] if coach in by_activity.index else None
        rows.append([
            coach, c["schools"], number(c["fte"], 2), hrs(c["minutes"]),
            hrs(c["coaching_minutes"]), number(c["time_in_cycles_pct"]), target,
            int(c["teachers_coached"]), int(c["cycles_active"]), int(c["cycles_completed"]),
            int(c["cycles_abandoned"]), number(c["completion_rate"]),
            privacy.student_n(c["students"]), privacy.student_pct(c["pct_pre"], c["students"]),
            privacy.student_pct(c["pct_post"], c["students"]),
            f"{int(c['goals_met'])} of {int(c['cycles_completed'])}", hrs(w["minutes"]),
            int(w["sessions"]), number(w["time_in_cycles_pct"]),
        ] + [hrs(acts[a]) if acts is not None else 0.0 for a in activities])
    return Table(OutputTab.COACHES, header, rows)


def cycles_table(impact: Impact, privacy: Privacy) -> Table:
    header = ["Cycle ID", "School", "Coach", "Teacher", "Grade", "Subject", "Focus", "Status",
              "Start date", "End date", "Length (weeks)", "Week now", "Sessions logged",
              "Hours logged", "Students with pre and post", "% proficient before",
              "% proficient after", "Growth (points)", "Moved to proficient",
              "Goal (% proficient)", "Goal met", "Mean score gain"]
    rows = []
    for _, c in impact.cycles.iterrows():
        n = c["n"]
        week_now = (f"{int(c['week_n'])} of {int(c['weeks_planned'])}"
                    if not missing(c["week_n"]) and not missing(c["weeks_planned"])
                    else (f"{int(c['week_n'])}" if not missing(c["week_n"]) else ""))
        goal_met = "" if privacy.suppressed(n) or missing(c["goal_met"]) else (
            "yes" if c["goal_met"] else "no")
        rows.append([
            c["cycle_id"], c["school"], c["coach"], c["teacher"], c["grade"], c["subject"],
            c["focus"], c["status"], _date(c["start_date"]), _date(c["end_date"]),
            number(c["length_weeks"]), week_now, int(c["sessions"]), hrs(c["minutes"]),
            privacy.student_n(n), privacy.student_pct(c["pct_pre"], n),
            privacy.student_pct(c["pct_post"], n), privacy.student_value(c["growth"], n),
            privacy.student_value(c["moved"], n, "{:.0f}"), number(c["goal"], 0), goal_met,
            privacy.student_value(c["mean_gain"], n, "{:+.1f}")])
    return Table(OutputTab.CYCLES, header, rows)


def district_table(impact: Impact, privacy: Privacy, district_name: str) -> Table:
    w, y = impact.district[WEEK], impact.district[YTD]

    def both(label: str, fn: Any) -> list[Any]:
        return [label, fn(w), fn(y)]
    rows: list[list[Any]] = [
        [f"{district_name}: report week {impact.week.label} ({impact.week.title}); school "
         f"year to date {impact.ytd.start} to {impact.ytd.end}", "", ""],
        both("Coaching hours", lambda d: hrs(d["coaching_minutes"])),
        both("All hours logged", lambda d: hrs(d["minutes"])),
        both("Coaching sessions", lambda d: int(d["sessions"])),
        both("Time in cycles (%)", lambda d: number(d["time_in_cycles_pct"])),
        both("Teachers coached", lambda d: int(d["teachers_coached"])),
        both("Cycles active", lambda d: int(d["cycles_active"])),
        both("Cycles completed", lambda d: int(d["cycles_completed"])),
        ["Cycles abandoned", "", int(y["cycles_abandoned"])],
        ["Completion rate (%)", "", number(y["completion_rate"])],
        ["Students in completed cycles", "", privacy.student_n(y["students"])],
        ["% proficient before (completed cycles)", "",
         privacy.student_pct(y["pct_pre"], y["students"])],
        ["% proficient after (completed cycles)", "",
         privacy.student_pct(y["pct_post"], y["students"])],
        ["Coverage: teachers in cycles (%)", "", number(y["coverage_pct"])],
        ["Coaching hours per classroom teacher", "", hrs(y["minutes_per_teacher"])],
        ["Schools meeting their stage's benchmarks", "",
         f"{int(y['schools_met_benchmark'])} of {int(y['schools'])}"],
        [], ["Equity view: coaching time against need (school year to date)", "", ""],
        ["School", "Need indicator", "Classroom teachers", "Coaching hours",
         "Coaching hours per teacher", "Share of coaching hours (%)",
         "Share of classroom teachers (%)", "Hours per teacher vs district average"],
    ]
    for school, e in impact.equity.iterrows():
        rows.append([school, number(e["need"]), number(e["classroom_teachers"], 0),
                     hrs(e["coaching_minutes"]), hrs(e["minutes_per_teacher"]),
                     number(e["share_of_minutes_pct"]), number(e["share_of_teachers_pct"]),
                     number(e["vs_district_average"], 2)])
    return Table(OutputTab.DISTRICT, ["Figure", "This week", "School year to date"], rows)


def issues_table(issues: pd.DataFrame) -> Table:
    header = ["Coach", "School", "Source", "Tab", "Row", "Column", "Value", "Severity",
              "What to fix", "Link"]
    cols = ["coach", "school", "source", "tab", "row", "column", "value", "severity",
            "message", "link"]
    rows = [[_issue_cell(c, v) for c, v in zip(cols, rec)]
            for rec in issues[cols].itertuples(index=False)]
    return Table(OutputTab.DATA_ISSUES, header, rows)


def _issue_cell(column: str, value: Any) -> Any:
    if value is pd.NA or missing(value) or value == "":
        return None
    if column == "row":
        return int(value)
    return Link("open the cell", value) if column == "link" else value


def run_log_table(previous: list[list[Any]], entry: list[Any]) -> Table:
    """The Run Log keeps every earlier run's row and adds this one."""
    return Table(OutputTab.RUN_LOG, list(RUN_LOG_HEADER), [*previous, entry])
