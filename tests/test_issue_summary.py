"""The issue counts in each principal's email: from one grouped pass, the same as filtering."""
import pandas as pd

from core.issues import ISSUE_COLUMNS
from reports.context import issue_summary


def issues(rows):
    frame = pd.DataFrame([dict(zip(["coach", "school", "source", "tab", "severity"], r, strict=True))
                          for r in rows])
    for column in ISSUE_COLUMNS:
        if column not in frame:
            frame[column] = ""
    return frame[ISSUE_COLUMNS]


ROWS = [
    ("Ann", "Lincoln", "Logs", "Form", "error"),
    ("Ann", "Lincoln", "Logs", "Form", "warning"),
    ("Bo", "Lincoln", "District", "Cycles", "error"),
    ("Ann", "", "District", "Cycles", "error"),     # Ann's row naming no school: Lincoln's
    ("Cy", "", "District", "Cycles", "error"),      # Cy serves Hillcrest
    ("Cy", "Hillcrest", "Logs", "Form", "warning"),
    ("", "", "District", "Schools", "error"),       # nobody's
]


def test_a_school_counts_its_rows_and_its_coaches_rows_that_name_no_school():
    table = issues(ROWS)
    assert issue_summary(table, "Lincoln", ["Ann", "Bo"]) == {
        "errors": 3, "warnings": 1,
        "where": [{"source": "District", "tab": "Cycles", "count": 2},
                  {"source": "Logs", "tab": "Form", "count": 2}]}
    assert issue_summary(table, "Hillcrest", ["Cy"]) == {
        "errors": 1, "warnings": 1,
        "where": [{"source": "District", "tab": "Cycles", "count": 1},
                  {"source": "Logs", "tab": "Form", "count": 1}]}
    assert issue_summary(table, "Oak", []) == {"errors": 0, "warnings": 0, "where": []}


def test_another_issues_table_is_counted_afresh():
    assert issue_summary(issues(ROWS), "Lincoln", ["Ann"])["errors"] == 3
    assert issue_summary(issues(ROWS[:1]), "Lincoln", ["Ann"])["errors"] == 1
