"""What a principal's weekly email says, as plain values: only that school's figures, already
formatted with the privacy rules for emails (small-n suppression, top/bottom coding)."""
from __future__ import annotations

import datetime as dt
import weakref
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from config.model import Config
from core.display import DASH, HIDDEN, Privacy, fixed, goals_met, half_up, hours, missing, percent
from core.impact import BENCHMARK_FIGURES, WEEK, YTD, Impact
from core.schema import NON_COACHING, STAGE_LABELS, Activity, CycleStatus, Severity, Stage
from core.validate import Validated
from reports.direction import direction
from reports.glossary import glossary_for, preheader
from reports.grouped import rows_where
from reports.links import school_links
from reports.observations import observations


@dataclass(frozen=True)
class Bar:
    label: str
    value: str
    width: int  # 0–100, share of the longest bar
    note: str = ""


@dataclass
class SchoolContext:
    district: str
    school: str
    principal: str
    principal_email: str | None
    coaches: list[str]
    coach_emails: list[str]
    week_label: str
    week_title: str
    ytd_title: str
    stage: str
    this_week: dict[str, str]
    active_cycles: list[dict[str, str]]
    completed_cycles: list[dict[str, str]]
    activity_bars: list[Bar]
    direction: dict[str, Any]
    in_cycles: dict[str, Any]
    proficiency: dict[str, Any]
    benchmark: dict[str, Any]
    coverage: dict[str, str]
    issues: dict[str, Any]
    min_n: int
    todo: list[str] = field(default_factory=list)
    observations: list[str] = field(default_factory=list)
    links: list[dict[str, str]] = field(default_factory=list)
    glossary: list[dict[str, str]] = field(default_factory=list)
    preheader: str = ""
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def school_contexts(impact: Impact, data: Validated, config: Config) -> list[SchoolContext]:
    privacy = Privacy(config.settings.min_n, coded=True)
    return [school_context(name, impact, data, config, privacy)
            for name in impact.schools[YTD].index]


def school_context(school: str, impact: Impact, data: Validated, config: Config,
                   privacy: Privacy) -> SchoolContext:
    year, week = impact.schools[YTD].loc[school], impact.schools[WEEK].loc[school]
    coaches = sorted(rows_where(data.coach_schools, "school", school)["coach"])
    emails = data.coaches.set_index("coach")["mail_to"].reindex(coaches).dropna().tolist()
    cycles = rows_where(impact.cycles, "school", school)
    names = config.privacy.teacher_names == "show"
    ctx = SchoolContext(
        district=config.district.name, school=school,
        principal=year["principal"] or "Principal", principal_email=year["principal_email"],
        coaches=coaches, coach_emails=emails, week_label=impact.week.label,
        week_title=impact.week.title, ytd_title=_ytd_title(impact),
        stage=STAGE_LABELS.get(year["stage"], "not set") if isinstance(year["stage"], Stage)
        else "not set",
        this_week=week_summary(week), direction=direction(impact, school),
        active_cycles=active_cycles(cycles, names),
        completed_cycles=completed_cycles(cycles, privacy, names),
        activity_bars=activity_bars(impact.school_activity[YTD], school),
        in_cycles=in_cycles(year, week, time_target(year, config)),
        proficiency=proficiency(year, privacy),
        benchmark=benchmark(year, config), coverage=coverage(year),
        issues=issue_summary(data.issues, school, coaches), min_n=config.settings.min_n,
        todo=post_scores_due(cycles),
        observations=observations(school, impact, data, config),
        links=school_links(config, impact, school))
    ctx.glossary = glossary_for(ctx)
    ctx.preheader = preheader(ctx)
    return ctx


def week_summary(week: pd.Series) -> dict[str, str]:
    return {"sessions": str(int(week["sessions"])), "hours": hours(week["coaching_minutes"]),
            "teachers": str(int(week["teachers_coached"])),
            "in_cycles": percent(week["time_in_cycles_pct"]),
            "principal_meeting": "yes" if week["meeting_weeks"] > 0 else "no"}


def class_name(c: pd.Series) -> str:
    """'Grade 4 · ELA': how a cycle is named to anyone who does not see teachers' names."""
    grade = f"Grade {c['grade']}" if c["grade"] and str(c["grade"])[0].isdigit() else (
        c["grade"] or "")
    return " · ".join(p for p in (grade, c["subject"] or "") if p) or "A cycle"


def _cycle_label(c: pd.Series, names: bool) -> dict[str, str]:
    """A cycle by grade, subject, focus and coach; the teacher only when the district shows
    names (privacy.teacher_names: show)."""
    return {"teacher": (c["teacher"] or "") if names else "", "coach": c["coach"] or "",
            "class": class_name(c), "focus": c["focus"] or ""}


def week_of(c: pd.Series) -> str:
    if missing(c["week_n"]):
        return ""
    if missing(c["weeks_planned"]):
        return f"week {int(c['week_n'])}"
    return f"week {int(c['week_n'])} of {int(c['weeks_planned'])}"


def active_cycles(cycles: pd.DataFrame, names: bool) -> list[dict[str, str]]:
    active = cycles[cycles["status"] == CycleStatus.ACTIVE.value].sort_values("start_date")
    return [{**_cycle_label(c, names), "week": week_of(c),
             "due": "post-assessment due" if c["post_due"] else ""}
            for _, c in active.iterrows()]


def completed_cycles(cycles: pd.DataFrame, privacy: Privacy,
                     names: bool) -> list[dict[str, str]]:
    done = cycles[cycles["status"] == CycleStatus.COMPLETE.value]
    return [{**_cycle_label(c, names), "ended": short_date(c["end_date"]),
             **cycle_results(c, privacy)}
            for _, c in done.sort_values("end_date", ascending=False).iterrows()]


def cycle_results(c: pd.Series, privacy: Privacy) -> dict[str, str]:
    """A cycle's results as read, or why there are none: 'state' is '' (results shown),
    'due' (post-assessment due), 'waiting' (not assessed yet), 'small' or 'hidden'."""
    n, hidden = c["n"], c["hidden"]
    if n == 0:
        state = "due" if c["post_due"] else "waiting"
    elif privacy.suppressed(n, hidden):
        state = "hidden" if privacy.shown_as(n, hidden) == HIDDEN else "small"
    else:
        state = ""
    shown = state == ""
    return {"state": state, "due": "post-assessment due" if c["post_due"] else "",
            "pre": privacy.student_pct(c["pct_pre"], n, hidden) if shown else "",
            "post": privacy.student_pct(c["pct_post"], n, hidden) if shown else "",
            "growth": privacy.growth(c["pct_pre"], c["pct_post"], n, hidden) if shown else "",
            "goal": f"{fixed(c['goal'])}%",
            "goal_met": "" if not shown or missing(c["goal_met"]) else (
                "met" if c["goal_met"] else "not met")}


def post_scores_due(cycles: pd.DataFrame) -> list[str]:
    """The 'to do' line: cycles whose end date has passed with post scores missing."""
    due = cycles[cycles["post_due"]].sort_values("end_date")
    return [f"{class_name(c)}, coach {c['coach']} (ended {c['end_date']:%b} "
            f"{c['end_date'].day})" for _, c in due.iterrows()]


def short_date(value: object) -> str:
    """`Oct 16`; a dash for a date left blank (a row issue says so)."""
    if missing(value) or not isinstance(value, dt.date):
        return DASH
    return f"{value:%b} {value.day}"


def activity_bars(table: pd.DataFrame, school: str) -> list[Bar]:
    """Coach time by activity this year, the longest bar full width; coaching first."""
    if school not in table.index:
        return []
    row = table.loc[school]
    top = row.max()
    order = [a for a in Activity if a not in NON_COACHING] + sorted(NON_COACHING)
    return [Bar(a.value, f"{hours(row[a.value])} h", round(row[a.value] / top * 100),
                "not coaching" if a in NON_COACHING else "")
            for a in order if top and row[a.value] > 0]


@dataclass(frozen=True)
class Target:
    value: float
    label: str  # "the Launch benchmark" or "the program target"


def time_target(year: pd.Series, config: Config) -> Target:
    """One target for time in cycles: the stage's benchmark where it sets one, else the
    program-wide target, labelled as such."""
    stage = year["stage"]
    if isinstance(stage, Stage) and stage in config.settings.benchmarks:
        threshold = config.settings.benchmarks[stage].time_in_cycles_pct
        if threshold is not None:
            return Target(threshold, f"{STAGE_LABELS[stage]} benchmark")
    return Target(config.settings.time_in_cycles_target, "program target")


def in_cycles(year: pd.Series, week: pd.Series, target: Target) -> dict[str, Any]:
    value = year["time_in_cycles_pct"]
    return {"year": percent(value), "week": percent(week["time_in_cycles_pct"]),
            "target": f"{target.value:g}%", "target_label": target.label,
            "width": 0 if missing(value) else int(half_up(value)),
            "target_width": int(half_up(target.value)),
            "on_track": not missing(value) and half_up(value) >= target.value}


def proficiency(year: pd.Series, privacy: Privacy) -> dict[str, Any]:
    """Completed cycles pooled; suppressed when small or hidden to protect a small cycle."""
    n, hidden = year["students"], year["hidden"]
    small = privacy.suppressed(n, hidden) or not n  # no student has finished a cycle yet
    pre, post = year["pct_pre"], year["pct_post"]
    return {"pre": privacy.student_pct(pre, n, hidden),
            "post": privacy.student_pct(post, n, hidden),
            "growth": privacy.growth(pre, post, n, hidden),
            "pre_width": 0 if small or missing(pre) else int(half_up(pre)),
            "post_width": 0 if small or missing(post) else int(half_up(post)),
            "students": privacy.student_n(n, hidden), "small": small,
            "why": privacy.shown_as(n, hidden) if small else "",
            "completed": int(year["cycles_completed"]),
            "results_shown": int(year["results_shown"]),
            "goals_met": goals_met(year["goals_met_shown"], year["results_shown"]),
            "abandoned": int(year["cycles_abandoned"]), "active": int(year["cycles_active"])}


def coverage(year: pd.Series) -> dict[str, str]:
    teachers = year["classroom_teachers"]
    return {"pct": percent(year["coverage_pct"]),
            "in_cycles": str(int(year["teachers_in_cycles"])),
            "teachers": DASH if missing(teachers) else str(int(teachers)),
            "per_teacher": hours(year["minutes_per_teacher"]),
            "meeting_weeks": f"{int(year['meeting_weeks'])} of {int(year['weeks_elapsed'])}"}


def benchmark(year: pd.Series, config: Config) -> dict[str, Any]:
    stage = year["stage"]
    rows = []
    if isinstance(stage, Stage) and stage in config.settings.benchmarks:
        for key, threshold in config.settings.benchmarks[stage].model_dump().items():
            if threshold is None:
                continue
            column, label = BENCHMARK_FIGURES[key]
            value = year[column]
            rows.append({"key": key, "label": label, "value": percent(value),
                         "target": f"{threshold:g}%",
                         "met": not missing(value) and half_up(value) >= threshold})
    status = "met" if rows and all(r["met"] for r in rows) else (
        "not yet" if rows else year["benchmark_status"])
    return {"status": status, "rows": rows}


def issue_summary(issues: pd.DataFrame, school: str, coaches: list[str]) -> dict[str, Any]:
    """Issues in this school's rows, or in rows of its coaches that name no school. Counted
    from one grouped pass over the issues shared by every school's call (filtering the whole
    table once per school took 6.6 s of 8 for 200 schools at 3 million rows)."""
    by_school, by_coach = _issue_groups(issues)
    mine: Counter[tuple[str, str, str]] = Counter(by_school.get(school, {}))
    for coach in coaches:
        mine.update(by_coach.get(coach, {}))
    where: Counter[tuple[str, str]] = Counter()
    for (source, tab, _), n in mine.items():
        where[(source, tab)] += n
    return {"errors": sum(n for (_, _, sev), n in mine.items() if sev == Severity.ERROR.value),
            "warnings": sum(n for (_, _, sev), n in mine.items()
                            if sev == Severity.WARNING.value),
            "where": [{"source": s, "tab": t, "count": n} for (s, t), n in sorted(where.items())
                      if n]}


_Groups = dict[str, dict[tuple[str, str, str], int]]
_GROUPED: dict[int, tuple[weakref.ref[pd.DataFrame], _Groups, _Groups]] = {}


def _issue_groups(issues: pd.DataFrame) -> tuple[_Groups, _Groups]:
    """(counts by school, counts by coach for rows naming no school), each keyed by (source,
    tab, severity); computed once per issues table and kept while the table lives."""
    cached = _GROUPED.get(id(issues))
    if cached and cached[0]() is issues:
        return cached[1], cached[2]
    counts = issues.groupby(["school", "coach", "source", "tab", "severity"], sort=False,
                            dropna=False, observed=True).size()
    by_school: _Groups = {}
    by_coach: _Groups = {}
    for (school, coach, source, tab, severity), n in counts.items():
        key = (source, tab, severity)
        if school == "":
            group = by_coach.setdefault(coach, {})
        else:
            group = by_school.setdefault(school, {})
        group[key] = group.get(key, 0) + int(n)
    _GROUPED.clear()
    _GROUPED[id(issues)] = (weakref.ref(issues), by_school, by_coach)
    return by_school, by_coach


# ---------------------------------------------------------------- the district summary email


@dataclass
class DistrictContext:
    """The district staff's email: totals, every school side by side, the equity view."""

    district: str
    week_label: str
    week_title: str
    ytd_title: str
    totals: list[dict[str, str]]
    proficiency: dict[str, Any]
    schools: list[dict[str, str]]
    equity: list[dict[str, Any]]
    benchmarks_met: str
    issues: dict[str, int]
    min_n: int
    compact: bool = False
    """Leave out the bar charts, to keep a large district's email under Gmail's 102 KB."""

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def district_context(impact: Impact, data: Validated, config: Config) -> DistrictContext:
    privacy = Privacy(config.settings.min_n, coded=True)
    week, year = impact.district[WEEK], impact.district[YTD]
    severity = data.issues["severity"]
    return DistrictContext(
        district=config.district.name, week_label=impact.week.label,
        week_title=impact.week.title, ytd_title=_ytd_title(impact),
        totals=district_totals(week, year), proficiency=proficiency(year, privacy),
        schools=schools_side_by_side(impact, privacy), equity=equity_rows(impact.equity),
        benchmarks_met=f"{int(year['schools_met_benchmark'])} of {int(year['schools'])}",
        issues={"errors": int((severity == Severity.ERROR.value).sum()),
                "warnings": int((severity == Severity.WARNING.value).sum())},
        min_n=config.settings.min_n)


def _ytd_title(impact: Impact) -> str:
    start, end = impact.ytd.start, impact.ytd.end
    return f"{start:%b} {start.day} – {end:%b} {end.day}, {end.year}"


def district_totals(week: pd.Series, year: pd.Series) -> list[dict[str, str]]:
    def row(label: str, fmt: Any, column: str) -> dict[str, str]:
        return {"label": label, "week": fmt(week[column]), "year": fmt(year[column])}

    def count(v: float) -> str:
        return str(int(v))
    return [row("Coaching hours", hours, "coaching_minutes"),
            row("Coaching sessions", count, "sessions"),
            row("Teachers coached", count, "teachers_coached"),
            row("Time in coaching cycles", percent, "time_in_cycles_pct"),
            row("Cycles active", count, "cycles_active"),
            row("Cycles completed", count, "cycles_completed"),
            {"label": "Teachers in a cycle this year", "week": "",
             "year": f"{int(year['teachers_in_cycles'])} of {int(year['classroom_teachers'])} "
                     f"({percent(year['coverage_pct'])})"},
            {"label": "Coaching hours per teacher", "week": "",
             "year": hours(year["minutes_per_teacher"])}]


def schools_side_by_side(impact: Impact, privacy: Privacy) -> list[dict[str, str]]:
    year, week = impact.schools[YTD], impact.schools[WEEK]
    rows = []
    for school, s in year.iterrows():
        stage = STAGE_LABELS.get(s["stage"], "not set") if isinstance(s["stage"], Stage) \
            else "not set"
        rows.append({"school": str(school), "stage": stage, "status": s["benchmark_status"],
                     "week_hours": hours(week.loc[school, "coaching_minutes"]),
                     "in_cycles": percent(s["time_in_cycles_pct"]),
                     "coverage": percent(s["coverage_pct"]),
                     "per_teacher": hours(s["minutes_per_teacher"]),
                     "completed": str(int(s["cycles_completed"])),
                     "pre": privacy.student_pct(s["pct_pre"], s["students"], s["hidden"]),
                     "post": privacy.student_pct(s["pct_post"], s["students"], s["hidden"])})
    return rows


def equity_rows(equity: pd.DataFrame) -> list[dict[str, Any]]:
    """Schools by need, highest first, with hours per teacher as a bar (longest full width)."""
    top = equity["minutes_per_teacher"].max()
    rows = []
    for school, e in equity.iterrows():
        per = e["minutes_per_teacher"]
        rows.append({"school": str(school),
                     "need": DASH if missing(e["need"]) else f"{e['need']:g}",
                     "per_teacher": hours(per),
                     "width": 0 if missing(per) or missing(top) or not top
                     else round(per / top * 100),
                     "share_hours": percent(e["share_of_minutes_pct"]),
                     "share_teachers": percent(e["share_of_teachers_pct"]),
                     "vs_average": DASH if missing(e["vs_district_average"])
                     else f"{e['vs_district_average']:.1f}×"})
    return rows
