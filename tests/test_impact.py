"""Every figure of the small district against hand computation (see tests/small_district.py).

Ann Lee (Alpha + Beta), Bo Diaz (Beta). Report week 2026-W47 = Nov 16–22.
Valid log rows (minutes): Ann Alpha A-1 planning 45, A-1 modeling 90, principal meeting 30 (Oct 5),
A-2 co-teaching 60 (W47), principal meeting 30 (W47); Ann Beta observation 60 (W47, no cycle);
Bo Beta B-1 debrief 30, subbing (other duties) 180 (W47).
"""
import math

import pandas as pd
import pytest

from config.model import Settings
from core.display import Privacy
from core.impact import WEEK, YTD, compute_impact
from core.summary import cycles_table, district_table, schools_table
from core.validate import validate
from core.weeks import parse_week
from tests.small_district import LEVELS, YEAR, context, raw_tabs


@pytest.fixture(scope="module")
def impact():
    data = validate(raw_tabs(), context())
    return compute_impact(data, Settings(level_scores=LEVELS), YEAR, parse_week("2026-W47"))


def approx(x):
    return pytest.approx(x, abs=0.05)


def test_cycle_a1(impact):
    a1 = impact.cycles.set_index("cycle_id").loc["A-1"]
    assert a1["n"] == 12
    assert a1["pct_pre"] == approx(25.0)      # 3 of 12 at or above 80 before
    assert a1["pct_post"] == approx(75.0)     # 9 of 12 after
    assert a1["growth"] == approx(50.0)
    assert a1["moved"] == 6
    assert bool(a1["goal_met"]) is True       # 75 >= goal 70
    assert a1["mean_gain"] == approx(211 / 12)
    assert (a1["sessions"], a1["minutes"]) == (2, 135)
    assert a1["length_weeks"] == approx(40 / 7)  # Sep 7 .. Oct 16 inclusive


def test_cycle_with_levels_uses_its_own_cutoff(impact):
    b1 = impact.cycles.set_index("cycle_id").loc["B-1"]
    assert b1["n"] == 5
    assert (b1["pre_prof"], b1["post_prof"], b1["moved"]) == (1, 3, 2)  # cutoff 3 = Meeting


def test_active_cycle_week_n_of_m(impact):
    a2 = impact.cycles.set_index("cycle_id").loc["A-2"]
    assert a2["n"] == 0  # no post scores yet
    assert (a2["week_n"], a2["weeks_planned"]) == (3, 6)


def test_coach_year_to_date(impact):
    ann = impact.coaches[YTD].loc["Ann Lee"]
    assert ann["minutes"] == 315
    assert ann["cycle_minutes"] == 195
    assert ann["time_in_cycles_pct"] == approx(195 / 315 * 100)
    assert ann["teachers_coached"] == 3
    assert ann["sessions"] == 6
    assert (ann["cycles_active"], ann["cycles_completed"], ann["cycles_abandoned"]) == (1, 1, 0)
    assert ann["completion_rate"] == approx(100)
    assert ann["students"] == 12 and ann["goals_met"] == 1
    bo = impact.coaches[YTD].loc["Bo Diaz"]
    assert (bo["minutes"], bo["coaching_minutes"], bo["sessions"]) == (210, 30, 1)
    assert bo["time_in_cycles_pct"] == approx(30 / 210 * 100)
    assert bo["completion_rate"] == approx(50)  # 1 complete, 1 abandoned
    assert bo["teachers_coached"] == 1  # subbing for T Five is not coaching


def test_coach_week(impact):
    ann = impact.coaches[WEEK].loc["Ann Lee"]
    assert (ann["minutes"], ann["cycle_minutes"], ann["sessions"]) == (150, 60, 3)
    assert ann["time_in_cycles_pct"] == approx(40)
    assert ann["teachers_coached"] == 2


def test_school_figures(impact):
    alpha = impact.schools[YTD].loc["Alpha Elementary"]
    assert alpha["minutes"] == 255 and alpha["cycle_minutes"] == 195
    assert alpha["time_in_cycles_pct"] == approx(195 / 255 * 100)
    assert alpha["coverage_pct"] == approx(20)          # T One, T Two of 10
    assert alpha["minutes_per_teacher"] == approx(25.5)
    assert alpha["meeting_weeks"] == 2 and alpha["weeks_elapsed"] == 14
    assert alpha["benchmark_status"] == "not yet"
    assert "Teachers in cycles 20%" in alpha["benchmark_gaps"]
    assert "Time in cycles" not in alpha["benchmark_gaps"]
    beta = impact.schools[YTD].loc["Beta Middle"]
    assert beta["minutes"] == 270 and beta["coaching_minutes"] == 90
    assert beta["coverage_pct"] == approx(10)           # T Four, T Five of 20
    assert beta["completion_rate"] == approx(50)
    assert beta["need"] == 40                           # typed as "40%"


def test_benchmark_met_when_every_threshold_is(impact):
    data = validate(raw_tabs(), context())
    easy = Settings(level_scores=LEVELS, benchmarks={"implement": {"time_in_cycles_pct": 50}})
    figures = compute_impact(data, easy, YEAR, parse_week("2026-W47"))
    assert figures.schools[YTD].loc["Alpha Elementary", "benchmark_status"] == "met"


def test_district_totals_and_equity(impact):
    dist = impact.district[YTD]
    assert dist["minutes"] == 525
    assert dist["students"] == 17
    assert dist["pct_pre"] == approx(4 / 17 * 100)
    assert dist["pct_post"] == approx(12 / 17 * 100)
    assert dist["coverage_pct"] == approx(4 / 30 * 100)
    eq = impact.equity
    assert list(eq.index) == ["Alpha Elementary", "Beta Middle"]  # by need, highest first
    assert eq.loc["Alpha Elementary", "share_of_minutes_pct"] == approx(255 / 345 * 100)
    assert eq.loc["Beta Middle", "share_of_teachers_pct"] == approx(20 / 30 * 100)


def test_small_n_is_suppressed_in_tabs(impact):
    rows = {r[0]: r for r in cycles_table(impact, Privacy(10, coded=False)).rows}
    assert rows["B-1"][15:20] == ["n<10"] * 5     # n, % before, after, growth, moved
    assert rows["A-1"][15:20] == [12, 0.25, 0.75, 50, 6]  # percentages as fractions
    school_rows = {r[0]: r for r in schools_table(impact, Privacy(10, coded=False)).rows}
    assert "5" not in [str(v) for v in school_rows["Beta Middle"][17:20]]
    # the district total minus A-1 would give B-1 away: the total is hidden instead
    district = {r[0]: r[2] for r in district_table(impact, Privacy(10, coded=False), "X").rows
                if r}
    assert district["Students in completed cycles"] == "hidden"


def test_no_data_gives_no_division_errors():
    from core.validate import Validated
    data = validate(raw_tabs(), context())
    empty = Validated(data.schools, data.coaches, data.coach_schools, data.teachers,
                      data.cycles.iloc[0:0], data.assessments.iloc[0:0], data.logs.iloc[0:0],
                      data.issues, data.counts)
    figures = compute_impact(empty, Settings(), YEAR, parse_week("2026-W47"))
    assert math.isnan(figures.schools[YTD].loc["Alpha Elementary", "time_in_cycles_pct"])
    assert figures.district[YTD]["minutes"] == 0


def test_the_last_principal_meeting_is_the_last_up_to_the_report_week():
    data = validate(raw_tabs(), context())
    for week, alpha in (("2026-W47", "2026-11-18"), ("2026-W46", "2026-10-05")):
        last = compute_impact(data, Settings(level_scores=LEVELS), YEAR,
                              parse_week(week)).schools[YTD]["last_meeting"]
        assert last["Alpha Elementary"] == pd.Timestamp(alpha), week  # not a later one
        assert pd.isna(last["Beta Middle"])
