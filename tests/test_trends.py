"""Weekly trends: hand-computed weeks of the small district, and week rows that add up to the
year-to-date figures (small district and the demo district)."""
import datetime as dt

import pandas as pd
import pytest

from config.loader import load_config
from config.model import Settings
from core.impact import YTD, compute_impact
from core.trends import school_year_weeks
from core.validate import validate
from core.weeks import Window, parse_week
from sync.sources import read_sources
from tests.small_district import LEVELS, YEAR, context, raw_tabs

ADDS_UP = ("sessions", "minutes", "coaching_minutes", "cycle_minutes")


def small(week="2026-W47"):
    data = validate(raw_tabs(), context())
    return compute_impact(data, Settings(level_scores=LEVELS), YEAR, parse_week(week))


@pytest.fixture(scope="module")
def impact():
    return small()


@pytest.fixture(scope="module")
def demo():
    config = load_config("config/district.yaml")
    tabs, problems = read_sources(config)
    from main import validation_context
    now = dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)
    data = validate(tabs, validation_context(config, now), config.aliases, problems)
    return compute_impact(data, config.settings, config.district.school_year,
                          parse_week("2026-W47"))


def week_row(impact, school, week):
    rows = impact.trends.schools
    return rows[(rows["school"] == school) & (rows["week"] == week)].iloc[0]


def test_weeks_run_from_the_first_school_week_to_the_report_week(impact):
    weeks = impact.trends.weeks
    assert weeks["week"].iloc[0] == "2026-W34" and weeks["week"].iloc[-1] == "2026-W47"
    assert len(weeks) == impact.weeks_elapsed == 14
    assert weeks["start"].iloc[0] == pd.Timestamp("2026-08-17")


def test_a_year_starting_midweek_clips_its_first_week():
    weeks = school_year_weeks(Window(dt.date(2026, 8, 19), dt.date(2026, 8, 30)))
    assert list(weeks["week"]) == ["2026-W34", "2026-W35"]
    assert weeks["start"].iloc[0] == pd.Timestamp("2026-08-19")
    assert weeks["end"].iloc[0] == pd.Timestamp("2026-08-23")


def test_every_school_has_every_week(impact):
    rows = impact.trends.schools
    assert len(rows) == 2 * 14
    quiet = week_row(impact, "Beta Middle", "2026-W40")
    assert (quiet["sessions"], quiet["minutes"], bool(quiet["principal_meeting"])) == (0, 0, False)
    assert pd.isna(quiet["time_in_cycles_pct"])


def test_report_week_by_hand(impact):
    alpha = week_row(impact, "Alpha Elementary", "2026-W47")
    # A-2 co-teaching 60 and a principal meeting 30
    assert (alpha["sessions"], alpha["minutes"], alpha["cycle_minutes"]) == (2, 90, 60)
    assert alpha["time_in_cycles_pct"] == pytest.approx(60 / 90 * 100)
    assert alpha["teachers_coached"] == 1 and bool(alpha["principal_meeting"]) is True
    beta = week_row(impact, "Beta Middle", "2026-W47")
    # Ann's observation 60 (no cycle); Bo's half day of subbing (180, not coaching)
    assert (beta["sessions"], beta["minutes"], beta["coaching_minutes"]) == (1, 240, 60)
    assert beta["cycle_minutes"] == 0 and bool(beta["principal_meeting"]) is False
    early = week_row(impact, "Alpha Elementary", "2026-W37")  # Sep 10 planning, Sep 11 modeling
    assert (early["sessions"], early["minutes"], early["teachers_coached"]) == (2, 135, 1)


def test_district_weeks_and_schools_with_a_meeting(impact):
    district = impact.trends.district.set_index("week")
    assert district.loc["2026-W47", "minutes"] == 330
    assert district.loc["2026-W47", "teachers_coached"] == 2  # T Two, T Four
    assert district.loc["2026-W41", "schools_with_meeting"] == 1  # Alpha, Oct 5


def test_a_rerun_for_a_past_week_gives_the_same_rows(impact):
    past = small("2026-W41").trends
    now = impact.trends.schools
    assert list(past.weeks["week"]) == list(impact.trends.weeks["week"].iloc[:8])
    pd.testing.assert_frame_equal(past.schools, now[now["week"] <= "2026-W41"]
                                  .reset_index(drop=True))


def test_last_weeks_for_the_emails(impact):
    last = impact.trends.last(8)
    assert list(last.weeks["week"]) == [f"2026-W{w}" for w in range(40, 48)]
    assert set(last.schools["week"]) == set(last.weeks["week"]) and len(last.schools) == 16


def assert_weeks_add_up(impact):
    """Week rows sum to the school's and the district's year-to-date figures."""
    rows = impact.trends.schools
    summed = rows.groupby("school")[list(ADDS_UP)].sum()
    ytd = impact.schools[YTD]
    for figure in ADDS_UP:
        assert summed[figure].to_dict() == pytest.approx(ytd[figure].to_dict()), figure
    meetings = rows.groupby("school")["principal_meeting"].sum()
    assert meetings.to_dict() == ytd["meeting_weeks"].to_dict()
    reached = rows.groupby("school")["teachers_coached"].max()
    assert (reached <= ytd["teachers_coached"].reindex(reached.index)).all()
    district = impact.trends.district[list(ADDS_UP)].sum()
    for figure in ADDS_UP:
        assert district[figure] == pytest.approx(impact.district[YTD][figure]), figure
    assert impact.trends.district["week"].tolist() == impact.trends.weeks["week"].tolist()


def test_small_district_weeks_add_up_to_the_year(impact):
    assert_weeks_add_up(impact)


def test_demo_weeks_add_up_to_the_year(demo):
    assert demo.trends.schools["sessions"].sum() > 500  # a real semester, not empty weeks
    assert_weeks_add_up(demo)


def test_a_sunday_belongs_to_the_week_it_ends():
    """ISO weeks run Monday to Sunday: the last day of a week is not the first of the next."""
    from core.trends import weekly_trends
    logs = pd.DataFrame({
        "date": pd.to_datetime(["2026-08-23", "2026-08-24", "2026-11-22", "2026-11-23"]),
        "school": ["Alpha", "Alpha", "Alpha", "Alpha"],
        "teachers": [("T1",), ("T2",), ("T1", "T3"), ("T1",)],
        "cycle_id": [None, "A-1", "A-1", None],
        "activity": ["planning", "planning", "principal meeting", "planning"],
        "coaching": [True, True, True, True],
        "minutes": [10.0, 20.0, 30.0, 40.0],
    })
    trends = weekly_trends(logs, pd.Index(["Alpha"]),
                           Window(dt.date(2026, 8, 17), dt.date(2026, 11, 22)))
    weeks = trends.schools.set_index("week")
    assert weeks.loc["2026-W34", "minutes"] == 10 and weeks.loc["2026-W35", "minutes"] == 20
    assert weeks.loc["2026-W47", "minutes"] == 30  # Sunday Nov 22; Monday Nov 23 is outside
    assert weeks.loc["2026-W47", "teachers_coached"] == 2
    assert bool(weeks.loc["2026-W47", "principal_meeting"])
    assert weeks["minutes"].sum() == 60
