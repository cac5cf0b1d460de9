"""Validation, table-driven: one bad row added to the small district gives one clear issue."""
import datetime as dt

import pandas as pd
import pytest

from core.schema import TabKind as K
from core.sources import RawTab, SourceProblem
from core.validate import validate
from sync.common import sheet_values
from tests.small_district import TABS, context, raw_tabs

d = dt.date
TS = dt.datetime(2026, 11, 20, 9)


def with_row(title, row):
    """The small district with `row` appended to tab `title`; returns (issues of that row)."""
    tabs = []
    for raw in raw_tabs():
        if raw.tab == title:
            _, body = sheet_values([tuple(raw.header), tuple(row)])
            raw = RawTab(raw.source, raw.tab, raw.kind, raw.header, raw.rows + body)
        tabs.append(raw)
    result = validate(tabs, context())
    row_no = len(TABS[title][1]) + 1
    return result, result.issues[(result.issues["tab"] == title) & (result.issues["row"] == row_no)]


def log(**kw):
    base = {"ts": TS, "email": "ann@district.example", "date": d(2026, 11, 20),
            "school": "Alpha Elementary", "teacher": "T One", "cycle": None,
            "activity": "Planning", "minutes": 45, "notes": ""}
    base.update(kw)
    return list(base.values())


CASES = [
    # (tab, row, column, severity, words in the message)
    ("Log", log(email="nobody@x.example"), "Email Address", "error", "Not a coach"),
    ("Log", log(email=None), "Email Address", "error", "Coach is blank"),
    ("Log", log(date=d(2026, 12, 15)), "Date of session", "error", "in the future"),
    ("Log", log(date=d(2026, 8, 1)), "Date of session", "error", "outside the school year"),
    ("Log", log(date="someday"), "Date of session", "error", "Not a date"),
    ("Log", log(date=None), "Date of session", "warning", "Timestamp date was used"),
    ("Log", log(date=None, ts=None), "Date of session", "error", "Date is blank"),
    ("Log", log(minutes="lots"), "Duration (minutes)", "error", "Not a length of time"),
    ("Log", log(minutes=0), "Duration (minutes)", "error", "between 1 and 360"),
    ("Log", log(minutes="3 full days"), "Duration (minutes)", "error", "Not a length"),
    ("Log", log(minutes=None), "Duration (minutes)", "error", "Minutes is blank"),
    ("Log", log(activity="Bus stuff"), "Type of session", "error", "Not a known activity"),
    ("Log", log(activity=None), "Type of session", "error", "Activity is blank"),
    ("Log", log(school="Gamma High"), "School", "error", "Not a school on the Schools tab"),
    ("Log", log(school=None), "School", "error", "serves several schools"),
    ("Log", log(cycle="Z-9"), "Cycle ID", "warning", "time outside cycles"),
    ("Log", log(teacher="Ms Nobody"), "Teacher name", "warning", "Not on the Teachers tab"),
    ("Log", log(ts=dt.datetime(2026, 9, 10, 16, 0, 40), date=d(2026, 9, 10),
                teacher="T One", cycle="A-1", minutes=45, notes="CONFIDENTIAL-NOTE nervous"),
     "Date of session", "error", "first seen at row 2"),
    ("Cycles", ["A-1", "Ann Lee", "T One", "Alpha Elementary", 3, "ELA", "x", d(2026, 9, 7),
                d(2026, 10, 16), "Complete"], "Cycle ID", "error", "already has this ID"),
    ("Cycles", ["C-9", "Zed", "T One", "Alpha Elementary", 3, "ELA", "x", d(2026, 9, 7)],
     "Coach", "error", "not on the Coaches tab"),
    ("Cycles", ["C-9", "Ann Lee", "T One", "Alpha Elementary", 3, "ELA", "x", None],
     "Start date", "error", "Start date is blank"),
    ("Cycles", ["C-9", "Ann Lee", "T One", "Alpha Elementary", 3, "ELA", "x", d(2026, 10, 7),
                d(2026, 9, 7)], "End date", "error", "before the start date"),
    ("Cycles", ["C-9", "Ann Lee", "T One", "Alpha Elementary", 3, "ELA", "x", d(2026, 9, 7),
                d(2026, 10, 7), "sort of"], "Status", "warning", "Unknown status"),
    ("Cycles", ["C-9", "Ann Lee", "T One", "Alpha Elementary", 3, "ELA", "x", d(2026, 9, 7),
                d(2026, 10, 7), "", 80, 150], "Goal (% proficient)", "warning", "0 to 100"),
    ("Assessments", ["A-9", "S1", 50, 60], "Cycle ID", "error", "No cycle with this ID"),
    ("Assessments", ["A-1", "S100", 50, 60], "Student ID", "error", "already has scores"),
    ("Assessments", ["A-1", "S999", 50, 112], "Post score", "error", "outside the scale"),
    ("Assessments", ["A-1", "S999", "good", 60], "Pre score", "error", "not a score"),
    ("Assessments", ["A-1", "S999", None, 60], "Pre score", "error", "Pre score is blank"),
    ("Assessments", ["A-1", None, 50, 60], "Student ID", "error", "Student ID is blank"),
    ("Schools", ["Gamma High", "G", "not-an-email", 30, 50, "Launch"], "Principal email",
     "warning", "no weekly report can be sent"),
    ("Schools", ["Gamma High", "G", "josé.garcía@x.example", 30, 50, "Launch"], "Principal email",
     "warning", "no weekly report can be sent"),
    ("Schools", ["Gamma High", "G", "g@x.example", "thirty", 50, "Launch"],
     "Number of classroom teachers", "warning", "number of classroom teachers"),
    ("Schools", ["Gamma High", "G", "g@x.example", 30, 50, "Orbit"], "Implementation stage",
     "warning", "Unknown implementation stage"),
    ("Schools", ["alpha elementary", "G", "g@x.example", 30, 50, "Launch"], "School", "error",
     "listed twice"),
    ("Coaches", ["Cy Ng", "cy@x.example", "Gamma High", 1], "Schools", "warning",
     "Not on the Schools tab: Gamma High"),
    ("Coaches", ["ann lee", "a2@x.example", "Beta Middle", 1], "Name", "error", "listed twice"),
    ("Teachers", ["T Six", "Nowhere School", 3, "ELA"], "School", "warning",
     "Not a school on the Schools tab"),
]


@pytest.mark.parametrize("tab, row, column, severity, words", CASES,
                         ids=[f"{c[0]}-{c[4][:24]}" for c in CASES])
def test_one_bad_row_one_issue(tab, row, column, severity, words):
    _, issues = with_row(tab, row)
    assert len(issues) == 1, issues[["column", "message"]].to_string()
    issue = issues.iloc[0]
    assert (issue["column"], issue["severity"]) == (column, severity)
    assert words.lower() in issue["message"].lower()


def test_the_clean_district_has_only_its_three_planted_issues():
    result = validate(raw_tabs(), context())
    assert sorted(result.issues["row"].tolist()) == [10, 11, 12]
    assert result.counts[K.COACHING_LOG].read == 11
    assert result.counts[K.COACHING_LOG].valid == 8


def test_an_error_leaves_the_row_out_and_a_warning_keeps_it():
    result, _ = with_row("Log", log(minutes="lots"))
    assert len(result.logs) == 8
    result, _ = with_row("Log", log(cycle="Z-9"))
    assert len(result.logs) == 9
    assert result.logs["cycle_id"].isna().sum() == 5  # the unknown cycle counts as outside


def test_student_ids_and_notes_never_appear_in_issues_or_clean_data():
    result, issues = with_row("Assessments", ["A-1", "S100", 50, 60])
    assert issues.iloc[0]["value"] == "(hidden)"
    everything = result.issues.to_string() + result.assessments.to_string() + \
        result.logs.to_string()
    assert "S100" not in everything and "CONFIDENTIAL" not in everything


def test_issue_values_show_dates_as_dates():
    _, issues = with_row("Log", log(date=d(2026, 12, 15)))
    assert issues.iloc[0]["value"] == "2026-12-15"


def test_a_missing_required_column_makes_the_tab_unusable_with_one_issue():
    tabs = [t if t.tab != "Log" else RawTab(t.source, t.tab, t.kind,
                                             ["When", *t.header[2:]], t.rows)
            for t in raw_tabs()]
    result = validate(tabs, context())
    log_issues = result.issues[result.issues["tab"] == "Log"]
    assert len(log_issues) == 1
    assert "No column for Coach" in log_issues.iloc[0]["message"]
    assert result.logs.empty and len(result.cycles) == 4  # the rest goes on


def test_headers_match_case_spacing_punctuation_and_config_aliases():
    header = ["  DATE OF SESSION? ", "coach-name", "Campus", "Type of Session", "Time spent",
              "Which school?"]
    rows = [[46346, "Ann Lee", None, "planning", 30, "Alpha Elementary"]]
    tab = RawTab("Form", "Responses", K.COACHING_LOG, header, rows)
    result = validate([*raw_tabs(), tab], context(),
                      aliases={K.COACHING_LOG: {"school": ["Which school"]}})
    form = result.issues[result.issues["source"] == "Form"]
    assert set(form["severity"]) == {"warning"}  # optional columns it lacks, said once each
    assert sorted(form["column"]) == ["Cycle ID", "Teacher"]
    assert len(result.logs) == 9


def test_per_school_source_fills_the_school():
    rows = [[46346, "Ann Lee", "planning", 30]]
    tab = RawTab("Alpha log", "Log", K.COACHING_LOG, ["Date", "Coach", "Activity", "Minutes"],
                 rows, school="Alpha Elementary")
    result = validate([*raw_tabs(), tab], context())
    assert result.logs["school"].value_counts()["Alpha Elementary"] == 6


def test_source_problems_are_issues_and_do_not_stop_the_rest():
    problem = SourceProblem("Broken", "Tab", "No tab named 'Tab'")
    result = validate(raw_tabs(), context(), problems=[problem])
    assert "No tab named" in result.issues.iloc[-1]["message"] or \
        (result.issues["source"] == "Broken").any()
    assert len(result.logs) == 8


def test_issues_are_sorted_so_each_coach_finds_their_rows_together():
    result, _ = with_row("Log", log(minutes="lots"))
    coaches = result.issues["coach"].tolist()
    firsts = [coaches.index(c) for c in dict.fromkeys(coaches)]
    assert all(coaches[i:j] == [coaches[i]] * (j - i)
               for i, j in zip(firsts, [*firsts[1:], len(coaches)], strict=True))
    assert isinstance(result.issues, pd.DataFrame)
