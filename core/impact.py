"""Impact figures (domain.md, 'What it computes'): per cycle, coach, school and district.

Pure: validated frames in, frames of raw numbers out. Nothing here is suppressed or rounded for
display; `core.display` does that for each audience. Percentages are in points (0–100).
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from core.display import half_up
from core.schema import Activity, CycleStatus, Stage
from core.settings import Benchmark, SchoolYear, Settings
from core.suppress import apply_suppression
from core.validate import Validated
from core.weeks import ReportWeek, Window, weeks_elapsed, year_to_date

if TYPE_CHECKING:
    from core.trends import Trends

WEEK, YTD = "week", "ytd"


@dataclass
class Impact:
    week: ReportWeek
    ytd: Window
    weeks_elapsed: int
    cycles: pd.DataFrame
    """One row per cycle (started by the end of the report week), with its student results."""
    coaches: dict[str, pd.DataFrame]
    schools: dict[str, pd.DataFrame]
    district: dict[str, pd.Series]
    coach_activity: dict[str, pd.DataFrame]
    """Minutes per coach (rows) and activity (columns), per window."""
    school_activity: dict[str, pd.DataFrame]
    equity: pd.DataFrame
    trends: Trends
    """Per school and per ISO week of the year to date (core.trends)."""


def compute_impact(data: Validated, settings: Settings, year: SchoolYear,
                   week: ReportWeek) -> Impact:
    from core.trends import weekly_trends  # builds on this module's log_figures
    ytd = year_to_date(year.start, year.end, week)
    elapsed = weeks_elapsed(year.start, week)
    logs = {WEEK: in_window(data.logs, week), YTD: in_window(data.logs, ytd)}
    cycles = cycle_table(data, logs[YTD], week, ytd)
    coaches = {w: coach_figures(data, logs[w], cycles, w, week) for w in (WEEK, YTD)}
    schools = {w: school_figures(data, logs[w], cycles, w, week, elapsed, settings)
               for w in (WEEK, YTD)}
    district = {w: district_figures(data, logs[w], cycles, schools[w], w, week)
                for w in (WEEK, YTD)}
    district[YTD] = apply_suppression(cycles, {"school": schools[YTD], "coach": coaches[YTD]},
                                      district[YTD], settings.min_n)
    return Impact(
        week=week, ytd=ytd, weeks_elapsed=elapsed, cycles=cycles, coaches=coaches,
        schools=schools, district=district,
        coach_activity={w: activity_minutes(logs[w], "coach") for w in (WEEK, YTD)},
        school_activity={w: activity_minutes(logs[w], "school") for w in (WEEK, YTD)},
        equity=equity_view(schools[YTD]),
        trends=weekly_trends(data.logs, pd.Index(data.schools["school"]), ytd))


def in_window(frame: pd.DataFrame, window: Window, column: str = "date") -> pd.DataFrame:
    dates = frame[column]
    return frame[(dates >= pd.Timestamp(window.start)) & (dates <= pd.Timestamp(window.end))]


def pct(part: float, whole: float) -> float:
    """part / whole in points; NaN when there is nothing to divide by."""
    return float(part) / float(whole) * 100 if whole and not math.isnan(whole) else math.nan


def pct_series(part: pd.Series, whole: pd.Series) -> pd.Series:
    return (part / whole.where(whole > 0)) * 100


# ---------------------------------------------------------------- cycles


def student_results(data: Validated) -> pd.DataFrame:
    """One row per student per cycle with both scores, with proficiency by the cycle's cutoff."""
    scored = data.assessments.dropna(subset=["pre", "post"])
    cutoffs = dict(zip(data.cycles["cycle_id"], data.cycles["cutoff"], strict=True))
    scored = scored.assign(cutoff=per_value(scored["cycle_id"], cutoffs)).dropna(
        subset=["cutoff"])
    return scored.assign(
        pre_prof=scored["pre"] >= scored["cutoff"],
        post_prof=scored["post"] >= scored["cutoff"],
        moved=(scored["pre"] < scored["cutoff"]) & (scored["post"] >= scored["cutoff"]),
        gain=scored["post"] - scored["pre"])


def per_value(column: pd.Series, table: dict) -> np.ndarray:
    """`table[value]` for each row (NaN where absent), looked up once per distinct value."""
    codes, values = group_codes(column)
    answers = np.array([table.get(v, np.nan) for v in values] + [np.nan], dtype=float)
    return answers[codes]


def cycle_table(data: Validated, logs_ytd: pd.DataFrame, week: ReportWeek,
                ytd: Window) -> pd.DataFrame:
    """Per cycle: n, % proficient pre/post, growth, moved, goal met, mean gain, sessions, minutes,
    length and week n of m."""
    cycles = data.cycles[data.cycles["start_date"] <= pd.Timestamp(ytd.end)].copy()
    res = student_results(data).groupby("cycle_id").agg(
        n=("student", "size"), pre_prof=("pre_prof", "sum"), post_prof=("post_prof", "sum"),
        moved=("moved", "sum"), mean_gain=("gain", "mean"))
    cycles = cycles.join(res, on="cycle_id")
    cycles["n"] = cycles["n"].fillna(0).astype(int)
    for col in ("pre_prof", "post_prof", "moved"):
        cycles[col] = cycles[col].fillna(0).astype(int)
    cycles["pct_pre"] = pct_series(cycles["pre_prof"], cycles["n"])
    cycles["pct_post"] = pct_series(cycles["post_prof"], cycles["n"])
    cycles["growth"] = cycles["pct_post"] - cycles["pct_pre"]
    cycles["goal_met"] = (cycles["pct_post"] >= cycles["goal"]).where(cycles["n"] > 0)
    _post_assessment(cycles, data.assessments, week)
    logged = logs_ytd.dropna(subset=["cycle_id"]).groupby("cycle_id").agg(
        sessions=("minutes", "size"), minutes=("minutes", "sum"))
    cycles = cycles.join(logged, on="cycle_id")
    cycles[["sessions", "minutes"]] = cycles[["sessions", "minutes"]].fillna(0)
    _cycle_weeks(cycles, week)
    return cycles.sort_values(["school", "start_date", "cycle_id"]).reset_index(drop=True)


def _post_assessment(cycles: pd.DataFrame, assessments: pd.DataFrame, week: ReportWeek) -> None:
    """`posts_missing`: students with a pre score and no post yet. `post_due`: the cycle ended by
    the report week and its post scores are missing (some, or all: no results at all)."""
    waiting = assessments[assessments["post"].isna()].groupby("cycle_id").size()
    cycles["posts_missing"] = cycles["cycle_id"].map(waiting).fillna(0).astype(int)
    ended = cycles["end_date"].le(pd.Timestamp(week.end)) & cycles["status"].isin(
        [CycleStatus.ACTIVE.value, CycleStatus.COMPLETE.value])
    cycles["post_due"] = ended & ((cycles["posts_missing"] > 0) | (cycles["n"] == 0))


def _cycle_weeks(cycles: pd.DataFrame, week: ReportWeek) -> None:
    """Length in weeks (to the end date, or to the report week for an open cycle); week n of m."""
    week_end = pd.Timestamp(week.end)
    end = cycles["end_date"].fillna(week_end)
    cycles["length_weeks"] = ((end - cycles["start_date"]).dt.days + 1) / 7
    planned_weeks = np.ceil(((cycles["end_date"] - cycles["start_date"]).dt.days + 1) / 7)
    cycles["weeks_planned"] = planned_weeks
    current = (week_end - cycles["start_date"]).dt.days // 7 + 1
    cycles["week_n"] = current.clip(lower=1).where(
        cycles["status"].eq(CycleStatus.ACTIVE.value))
    cycles["week_n"] = cycles["week_n"].clip(upper=planned_weeks.fillna(np.inf))


def cycle_figures(cycles: pd.DataFrame, by: str) -> pd.DataFrame:
    """Cycle counts, completion rate and pooled student results per group."""
    status = cycles["status"]
    done = cycles[status.eq(CycleStatus.COMPLETE.value)]
    counts = pd.DataFrame({
        "cycles_active": status.eq(CycleStatus.ACTIVE.value).groupby(cycles[by]).sum(),
        "cycles_completed": status.eq(CycleStatus.COMPLETE.value).groupby(cycles[by]).sum(),
        "cycles_abandoned": status.eq(CycleStatus.ABANDONED.value).groupby(cycles[by]).sum(),
    })
    done = done.assign(goals_met=done["goal_met"].eq(True))
    pooled = done.groupby(by).agg(students=("n", "sum"), pre_prof=("pre_prof", "sum"),
                                  post_prof=("post_prof", "sum"), goals_met=("goals_met", "sum"))
    out = counts.join(pooled).fillna(0)
    out["completion_rate"] = pct_series(
        out["cycles_completed"], out["cycles_completed"] + out["cycles_abandoned"])
    out["pct_pre"] = pct_series(out["pre_prof"], out["students"])
    out["pct_post"] = pct_series(out["post_prof"], out["students"])
    out["goals_met_pct"] = pct_series(out["goals_met"], out["cycles_completed"])
    return out


# ---------------------------------------------------------------- logs


def log_figures(logs: pd.DataFrame, by: str) -> pd.DataFrame:
    """Sessions, minutes (all, coaching, in cycles), time in cycles and teachers reached.
    Summed over each group's integer codes (a million rows, no copies of the frame)."""
    codes, names = group_codes(logs[by])
    groups = np.where(codes >= 0, codes, len(names))  # rows in no group: one extra, dropped
    minutes = np.nan_to_num(logs["minutes"].to_numpy(dtype=float))  # as sum() skips NaN
    coaching = logs["coaching"].to_numpy(dtype=bool)
    in_cycle = logs["cycle_id"].notna().to_numpy()

    def total(weights: np.ndarray) -> np.ndarray:
        return np.bincount(groups, weights, minlength=len(names) + 1)[:-1]
    out = pd.DataFrame({
        "sessions": total(coaching.astype(float)),
        "minutes": total(minutes),
        "coaching_minutes": total(np.where(coaching, minutes, 0.0)),
        "cycle_minutes": total(np.where(in_cycle, minutes, 0.0)),
        "teachers_coached": _teachers_reached(codes, logs["teachers"], coaching & (codes >= 0),
                                              len(names)),
    }, index=names)
    out = out[np.bincount(groups, minlength=len(names) + 1)[:-1] > 0]
    out["time_in_cycles_pct"] = pct_series(out["cycle_minutes"], out["minutes"])
    return out


def group_codes(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Each row's group number (-1: none) and the groups, from a coded column at no cost."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy(), pd.Index(column.cat.categories, name=column.name)
    codes, uniques = pd.factorize(column.to_numpy(dtype=object), use_na_sentinel=True)
    return codes, pd.Index(uniques, dtype=object, name=column.name)


def _teachers_reached(codes: np.ndarray, teachers: pd.Series, rows: np.ndarray,
                      groups: int) -> np.ndarray:
    """Distinct teachers per group. Cells repeat (the same teacher, or the same pair, logged
    week after week), so each distinct (group, teacher cell) pair is unpacked once."""
    cells, names = group_codes(teachers)
    pairs = pd.DataFrame({"group": codes[rows], "cell": cells[rows]}).drop_duplicates()
    pairs = pairs[pairs["cell"].to_numpy() >= 0]
    reached: list[set[str]] = [set() for _ in range(groups)]
    listed = names.tolist()  # indexing a pandas Index once per pair costs ~10 µs
    for group, cell in zip(pairs["group"].tolist(), pairs["cell"].tolist(), strict=True):
        named: str | tuple[str, ...] = listed[cell]  # one name, or the tuple a cell listed
        reached[group].update((named,) if isinstance(named, str) else named)
    return np.array([len(r) for r in reached], dtype=float)


def activity_minutes(logs: pd.DataFrame, by: str) -> pd.DataFrame:
    """Minutes per group (rows: groups with any rows) and activity (columns)."""
    codes, names = group_codes(logs[by])
    acts, kinds = group_codes(logs["activity"])
    minutes = np.nan_to_num(logs["minutes"].to_numpy(dtype=float))
    rows = (codes >= 0) & (acts >= 0)
    cell = codes[rows].astype(np.int64) * len(kinds) + acts[rows]
    table = np.bincount(cell, minutes[rows], minlength=len(names) * len(kinds))
    counts = np.bincount(codes[rows], minlength=len(names))
    frame = pd.DataFrame(table.reshape(len(names), len(kinds)), index=names,
                         columns=list(kinds))[counts > 0]
    return frame.reindex(columns=[a.value for a in Activity], fill_value=0.0)


def _combine(index: pd.Index, *parts: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(index=index)
    for part in parts:
        out = out.join(part)
    counts = [c for c in out.columns if not c.endswith(("_pct", "_rate")) and
              c not in ("pct_pre", "pct_post")]
    out[counts] = out[counts].fillna(0)
    return out


def coach_figures(data: Validated, logs: pd.DataFrame, cycles: pd.DataFrame, window: str,
                  week: ReportWeek) -> pd.DataFrame:
    index = pd.Index(data.coaches["coach"], name="coach")
    schools = data.coach_schools.groupby("coach")["school"].agg("; ".join)
    out = _combine(index, log_figures(logs, "coach"), _cycles_for(cycles, window, week, "coach"))
    out.insert(0, "schools", schools.reindex(index).fillna(""))
    out.insert(1, "fte", data.coaches.set_index("coach")["fte"].reindex(index))
    return out


def _cycles_for(cycles: pd.DataFrame, window: str, week: ReportWeek, by: str) -> pd.DataFrame:
    """Year to date: every cycle so far. Week: cycles active in it, and completed in it."""
    if window == YTD:
        return cycle_figures(cycles, by)
    ended = cycles["end_date"].between(pd.Timestamp(week.start), pd.Timestamp(week.end))
    figures = cycle_figures(cycles[ended], by)
    figures["cycles_active"] = cycles["status"].eq(CycleStatus.ACTIVE.value) \
        .groupby(cycles[by]).sum()
    return figures


# ---------------------------------------------------------------- schools and district


def school_figures(data: Validated, logs: pd.DataFrame, cycles: pd.DataFrame, window: str,
                   week: ReportWeek, elapsed: int, settings: Settings) -> pd.DataFrame:
    schools = data.schools.set_index("school")
    out = _combine(schools.index, log_figures(logs, "school"),
                   _cycles_for(cycles, window, week, "school"))
    for col in ("principal", "principal_email", "classroom_teachers", "need", "stage"):
        out[col] = schools[col]
    in_cycles = cycles[~cycles["status"].eq(CycleStatus.PLANNED.value)]
    out["teachers_in_cycles"] = in_cycles.groupby("school")["teacher"].nunique() \
        .reindex(out.index).fillna(0)
    out["coverage_pct"] = pct_series(out["teachers_in_cycles"], out["classroom_teachers"])
    out["minutes_per_teacher"] = out["coaching_minutes"] / out["classroom_teachers"]
    meetings = logs[logs["activity"].eq(Activity.PRINCIPAL_MEETING.value)]
    weeks_met = meetings["date"].dt.to_period("W-SUN").groupby(meetings["school"]).nunique()
    out["meeting_weeks"] = weeks_met.reindex(out.index).fillna(0)
    out["last_meeting"] = meetings.groupby("school", observed=True)["date"].max() \
        .reindex(out.index)
    out["weeks_elapsed"] = elapsed if window == YTD else 1
    out["meeting_weeks_pct"] = pct_series(out["meeting_weeks"], out["weeks_elapsed"])
    status = [benchmark_status(row, settings.benchmarks) for _, row in out.iterrows()]
    out["benchmark_status"] = [s for s, _ in status]
    out["benchmark_gaps"] = [g for _, g in status]
    return out


BENCHMARK_FIGURES: dict[str, tuple[str, str]] = {
    "time_in_cycles_pct": ("time_in_cycles_pct", "Time in cycles"),
    "coverage_pct": ("coverage_pct", "Teachers in cycles"),
    "principal_meeting_weeks_pct": ("meeting_weeks_pct", "Weeks with a principal–coach meeting"),
    "cycle_completion_pct": ("completion_rate", "Cycle completion rate"),
}


def benchmark_status(school: pd.Series, benchmarks: Mapping[Stage, Benchmark]) -> tuple[str, str]:
    """('met' | 'not yet' | 'stage not set', what is short of which threshold)."""
    stage = school["stage"]
    if not isinstance(stage, Stage) or stage not in benchmarks:
        return "stage not set", ""
    gaps = []
    for key, (column, label) in BENCHMARK_FIGURES.items():
        threshold = getattr(benchmarks[stage], key)
        if threshold is None:
            continue
        value = school[column]
        if value is None or pd.isna(value):
            gaps.append(f"{label}: no data yet (benchmark {threshold:g}%)")
        elif half_up(value) < threshold:  # as read: 59.6% shows 60% and meets 60%
            gaps.append(f"{label} {half_up(value):.0f}% (benchmark {threshold:g}%)")
    return ("met" if not gaps else "not yet"), "; ".join(gaps)


def district_figures(data: Validated, logs: pd.DataFrame, cycles: pd.DataFrame,
                     schools: pd.DataFrame, window: str, week: ReportWeek) -> pd.Series:
    everyone = "district"
    logs = logs.assign(district=_constant(everyone, len(logs)))
    cycles = cycles.assign(district=everyone)
    figures = _combine(pd.Index([everyone], name="district"), log_figures(logs, "district"),
                       _cycles_for(cycles, window, week, "district")).iloc[0]
    figures["classroom_teachers"] = schools["classroom_teachers"].sum()
    figures["teachers_in_cycles"] = schools["teachers_in_cycles"].sum()
    figures["coverage_pct"] = pct(figures["teachers_in_cycles"], figures["classroom_teachers"])
    figures["minutes_per_teacher"] = figures["coaching_minutes"] / figures["classroom_teachers"] \
        if figures["classroom_teachers"] else math.nan
    figures["schools"] = len(schools)
    figures["coaches"] = len(data.coaches)
    figures["schools_met_benchmark"] = int(schools["benchmark_status"].eq("met").sum())
    return figures


def _constant(value: str, rows: int) -> pd.Categorical:
    """One value in every row, as a column that groups without hashing a million strings."""
    return pd.Categorical.from_codes(np.zeros(rows, dtype=np.int8), categories=[value])


def equity_view(schools: pd.DataFrame) -> pd.DataFrame:
    """Coaching minutes per teacher against need: does each school get its share of coaching?"""
    view = schools[["need", "classroom_teachers", "coaching_minutes", "minutes_per_teacher"]]
    view = view.copy()
    view["share_of_minutes_pct"] = pct_series(view["coaching_minutes"],
                                              pd.Series(view["coaching_minutes"].sum(),
                                                        index=view.index))
    view["share_of_teachers_pct"] = pct_series(view["classroom_teachers"],
                                               pd.Series(view["classroom_teachers"].sum(),
                                                         index=view.index))
    mean = view["coaching_minutes"].sum() / view["classroom_teachers"].sum() \
        if view["classroom_teachers"].sum() else math.nan
    view["vs_district_average"] = view["minutes_per_teacher"] / mean if mean else math.nan
    return view.sort_values("need", ascending=False, na_position="last")
