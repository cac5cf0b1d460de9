"""Coded columns (core.parse.coded): the speed-up must never change a value.

Validation hashes each raw column once and then works on codes; these tests pin that every coded
step agrees with the plain, row-by-row meaning it replaces.
"""
import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from config.model import Settings
from core import parse
from core.headers import read_tabs
from core.impact import activity_minutes, compute_impact, log_figures
from core.issues import IssueLog
from core.rowstate import SCHOOL, SHEET_ROW, TAB, USABLE
from core.schema import TabKind
from core.sources import RawTab
from core.validate import validate
from core.weeks import parse_week
from tests.small_district import LEVELS, YEAR, context, raw_tabs


def coded_of(values: list) -> pd.Series:
    return parse.encode(np.array([*values, None], dtype=object)[:-1], pd.RangeIndex(len(values)))


def values_of(series: pd.Series) -> list:
    return [None if pd.isna(v) else v for v in parse.plain(series)]


def test_encode_keeps_every_value_and_reads_none_and_nan_as_missing():
    column = coded_of(["a", 1, None, "a", 2.5, float("nan"), dt.date(2026, 1, 2)])
    assert values_of(column) == ["a", 1, None, "a", 2.5, None, dt.date(2026, 1, 2)]
    assert column.isna().tolist() == [False, False, True, False, False, True, False]


def test_per_distinct_runs_once_per_value_and_stays_coded():
    calls = []
    column = coded_of(["x", "y", "x", None, "x"])
    out = parse.per_distinct(column, lambda v: calls.append(v) or (v or "").upper() or None)
    assert sorted(calls, key=str) == sorted(["x", "y", None], key=str)
    assert isinstance(out.dtype, pd.CategoricalDtype)
    assert values_of(out) == ["X", "Y", "X", None, "X"]


def test_coalesce_takes_the_first_value_present_across_different_value_sets():
    first = coded_of(["a", None, None, "b"])
    second = coded_of([None, "c", None, "z"])
    third = pd.Series(["q", "q", "r", "q"], dtype=object)  # plain columns are coded on the way
    out = parse.coalesce(first, second, third)
    assert isinstance(out.dtype, pd.CategoricalDtype)
    assert values_of(out) == ["a", "c", "r", "b"]


def test_sorted_text_orders_codes_alphabetically():
    column = parse.sorted_text(coded_of(["pear", "apple", None, "fig"]))
    assert list(column.cat.categories) == ["apple", "fig", "pear"]
    assert values_of(column.sort_values()) == ["apple", "fig", "pear", None]


cells = st.one_of(st.none(), st.sampled_from(["a", "b", " a", "A"]), st.integers(0, 3),
                  st.sampled_from([1.5, 2.0]))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(cells, cells, st.integers(0, 2), st.sampled_from([0, 1, 40, 400])),
                min_size=1, max_size=30))
def test_row_groups_match_exactly_the_rows_that_are_equal(rows):
    """Same group number if and only if the rows are equal in every column (None == None)."""
    a, b, t, day = zip(*rows, strict=True)
    dates = pd.Series(pd.to_datetime("2026-08-17") + pd.to_timedelta(list(day), "D"))
    dates[[i for i, d in enumerate(day) if d == 400]] = pd.NaT
    groups = parse.row_groups([coded_of(list(a)), pd.Series(list(b), dtype=object),
                               pd.Series(list(t)), dates])

    def key(i):  # Python equality: 2 == 2.0, as in every pandas hash table
        return (a[i], b[i], t[i], None if day[i] == 400 else day[i])
    for i in range(len(rows)):
        for j in range(len(rows)):
            assert (groups[i] == groups[j]) == (key(i) == key(j)), (rows[i], rows[j])


def log_tab(name: str, header: list[str], rows: list[list]) -> RawTab:
    return RawTab("Logs", name, TabKind.COACHING_LOG, header, rows, school="Alpha Elementary")


def test_tabs_of_one_kind_stack_over_different_values_and_missing_columns():
    first = log_tab("Form", ["Date", "Coach", "Activity", "Minutes", "Approach"],
                    [["2026-11-02", "Ann Lee", "Planning", 45, "Student-centered"],
                     ["2026-11-03", "Bo Diaz", "Modeling", "1 hr", None]])
    second = log_tab("Own log", ["Date", "Coach", "Minutes", "Activity"],
                     [["11/4/2026", "Cy Ng", 30, "Debrief"]])
    frames = read_tabs([first, second], {}, IssueLog([]))
    logs = frames[TabKind.COACHING_LOG]
    assert values_of(logs["coach"]) == ["Ann Lee", "Bo Diaz", "Cy Ng"]
    assert values_of(logs["minutes"]) == [45, "1 hr", 30]
    assert values_of(logs["approach"]) == ["Student-centered", None, None]
    assert values_of(logs[SCHOOL]) == ["Alpha Elementary"] * 3
    assert logs[TAB].tolist() == [0, 0, 1] and logs[SHEET_ROW].tolist() == [2, 3, 2]


def test_no_coded_column_leaves_validation_except_the_big_tabs_group_by_keys():
    data = validate(raw_tabs(), context())
    for name in ("schools", "coaches", "coach_schools", "teachers", "cycles", "issues"):
        frame = getattr(data, name)
        assert not any(isinstance(t, pd.CategoricalDtype) for t in frame.dtypes), name
    for col in ("coach", "school", "activity"):
        categories = list(data.logs[col].cat.categories)
        assert categories == sorted(categories), col


@pytest.fixture(scope="module")
def validated():
    return validate(raw_tabs(), context())


def test_log_figures_are_the_same_on_coded_and_plain_columns(validated):
    coded = validated.logs
    plain = coded.apply(parse.plain) if len(coded) else coded
    for by in ("coach", "school"):  # rows in whichever order: reports look them up by name
        pd.testing.assert_frame_equal(log_figures(coded, by).sort_index(),
                                      log_figures(plain, by).sort_index(),
                                      check_index_type=False)
        pd.testing.assert_frame_equal(activity_minutes(coded, by).sort_index(),
                                      activity_minutes(plain, by).sort_index(),
                                      check_index_type=False, check_names=False)


def test_teachers_reached_counts_each_teacher_once_however_the_cell_names_them(validated):
    logs = validated.logs
    ann = logs[parse.plain(logs["coach"]) == "Ann Lee"]
    expected = {t for cell, coaching in zip(parse.plain(ann["teachers"]), ann["coaching"], strict=True)
                if coaching for t in cell}
    figures = compute_impact(validated, Settings(level_scores=LEVELS), YEAR,
                             parse_week("2026-W47"))
    assert figures.coaches["ytd"].loc["Ann Lee", "teachers_coached"] == len(expected) > 0


def test_an_issue_shows_each_cell_as_typed_even_where_hashing_equates_them():
    """pandas hashes TRUE, 1 and 1.0 as one value; an issue row must still show its own cell."""
    tab = log_tab("Form", ["Date", "Coach", "Activity", "Minutes"],
                  [[True, "Ann Lee", "Planning", 45], [1, "Ann Lee", "Planning", 30]])
    issues = validate([*raw_tabs(), tab], context()).issues
    mine = issues[(issues["tab"] == "Form") & (issues["column"] == "Date")]
    assert dict(zip(mine["row"], mine["value"], strict=True)) == {2: "True", 3: "1899-12-31"}


def test_an_error_leaves_its_row_out_and_a_warning_keeps_it():
    """Row state changes in one named place: IssueLog.error marks rows unusable, warn never."""
    issues = IssueLog([])
    tab = log_tab("Form", ["Date", "Coach", "Activity", "Minutes"],
                  [["2026-11-02", "Ann Lee", "Planning", 45],
                   ["2026-11-03", "Bo Diaz", "Modeling", 30]])
    frames = read_tabs([tab], {}, issues)
    logs = frames[TabKind.COACHING_LOG]
    issues.warn(logs, pd.Series([True, False]), "minutes", "Minutes", "check this")
    assert logs[USABLE].tolist() == [True, True]
    issues.error(logs, pd.Series([False, True]), "minutes", "Minutes", "fix this")
    assert logs[USABLE].tolist() == [True, False]
    rows = issues.frame().dropna(subset=["row"])  # not the tab's missing optional columns
    assert rows[["row", "severity"]].values.tolist() == [[2, "warning"], [3, "error"]]


def test_counts_come_from_the_rows_each_check_returned():
    data = validate(raw_tabs(), context())
    assert data.counts[TabKind.COACHING_LOG].valid == len(data.logs)
    assert data.counts[TabKind.CYCLES].valid == len(data.cycles)
    assert data.counts[TabKind.SCHOOLS].valid == len(data.schools)
