"""A small district whose every figure is computed by hand in test_impact.py.

Week under report: 2026-W47 (Mon 2026-11-16 .. Sun 2026-11-22); school year from Mon 2026-08-17;
today 2026-11-23.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from config.model import SchoolYear, Settings
from core.schema import TabKind as K
from core.sources import RawTab
from core.validate import Context

TODAY = dt.date(2026, 11, 23)
YEAR = SchoolYear(start=dt.date(2026, 8, 17), end=dt.date(2027, 6, 4))
LEVELS = {"Not yet": 1, "Approaching": 2, "Meeting": 3, "Exceeding": 4}


def context(**settings: Any) -> Context:
    return Context(Settings(level_scores=LEVELS, **settings), YEAR, TODAY)


def d(y: int, m: int, day: int) -> dt.date:
    return dt.date(y, m, day)


SCHOOLS = [
    ["School", "Principal", "Principal email", "Number of classroom teachers",
     "% economically disadvantaged", "Implementation stage"],
    ["Alpha Elementary", "Pat Alpha", "pat@alpha.example", 10, 80, "Implement, monitor & adjust"],
    ["Beta Middle", "Kim Beta", "kim@beta.example", 20, "40%", "launch"],
]
COACHES = [
    ["Name", "Email", "Schools", "FTE"],
    ["Ann Lee", "ann@district.example", "Alpha Elementary; Beta Middle", 1],
    ["Bo Diaz", "bo@district.example", "Beta Middle", 1],
]
TEACHERS = [
    ["Teacher", "School", "Grade", "Subject"],
    ["T One", "Alpha Elementary", 3, "ELA"], ["T Two", "Alpha Elementary", 4, "Math"],
    ["T Three", "Alpha Elementary", 5, "ELA"], ["T Four", "Beta Middle", 7, "Science"],
    ["T Five", "Beta Middle", 8, "Math"],
]
CYCLES = [
    ["Cycle ID", "Coach", "Teacher", "School", "Grade", "Subject", "Focus", "Start date",
     "End date", "Status", "Proficiency cutoff", "Goal (% proficient)"],
    ["A-1", "Ann Lee", "T One", "Alpha Elementary", 3, "ELA", "Main idea", d(2026, 9, 7),
     d(2026, 10, 16), "Complete", 80, 70],
    ["A-2", "Ann Lee", "T Two", "Alpha Elementary", 4, "Math", "Fractions", d(2026, 11, 2),
     d(2026, 12, 11), "Active", None, None],
    ["B-1", "Bo Diaz", "T Four", "Beta Middle", 7, "Science", "CER writing", d(2026, 9, 14),
     d(2026, 10, 9), "complete", 3, 80],
    ["B-2", "Bo Diaz", "T Five", "Beta Middle", 8, "Math", "Ratios", d(2026, 10, 5),
     d(2026, 10, 30), "Abandoned", None, None],
]
# 12 students. Before: 3 at/above 80. After: 9 at/above 80, the 3 among them; 6 moved.
A1_PRE = [85, 90, 80, 50, 55, 60, 65, 70, 40, 45, 30, 75]
A1_POST = [90, 95, 85, 80, 85, 82, 90, 88, 60, 70, 50, 81]
ASSESSMENTS = [["Cycle ID", "Student ID", "Pre score", "Post score"]] + [
    ["A-1", f"S{100 + i}", pre, post] for i, (pre, post) in enumerate(zip(A1_PRE, A1_POST, strict=True))
] + [["A-2", f"S{200 + i}", 50 + i, None] for i in range(12)] + [
    ["B-1", f"S{300 + i}", pre, post] for i, (pre, post) in enumerate(
        [("Not yet", "Meeting"), ("approaching", "Meeting"), ("Meeting", "Exceeding"),
         (1, 2), (2, 2)])
] + [["B-2", "S400", 40, None]]
LOG = [
    ["Timestamp", "Email Address", "Date of session", "School", "Teacher name", "Cycle ID",
     "Type of session", "Duration (minutes)", "Notes"],
    [dt.datetime(2026, 9, 10, 16), "ann@district.example", d(2026, 9, 10), "Alpha Elementary",
     "T One", "A-1", "Planning", 45, "CONFIDENTIAL-NOTE nervous"],
    [dt.datetime(2026, 9, 11, 16), "ann@district.example", "9/11/2026", "alpha elementary",
     "T One", "A-1", "model lesson", "1:30", ""],
    [dt.datetime(2026, 9, 21, 16), "bo@district.example", d(2026, 9, 21), "Beta Middle",
     "T Four", "B-1", "Feedback", "30 min", ""],
    [dt.datetime(2026, 10, 5, 16), "ANN@district.example", d(2026, 10, 5), "Alpha Elementary",
     None, None, "Meeting with principal", 30, ""],
    [dt.datetime(2026, 11, 17, 16), "ann@district.example", d(2026, 11, 17), "Alpha Elementary",
     "T Two", "a-2", "co teach", "1 hr", ""],
    [dt.datetime(2026, 11, 18, 16), "ann@district.example", d(2026, 11, 18), "Alpha Elementary",
     None, None, "principal meeting", 30, ""],
    [dt.datetime(2026, 11, 18, 17), "ann@district.example", d(2026, 11, 18), "Beta Middle",
     "T Four", None, "Observation", "1 hr", ""],
    [dt.datetime(2026, 11, 19, 16), "bo@district.example", d(2026, 11, 19), None,
     "T Five", None, "Subbing", "half day", ""],
    # bad rows
    [dt.datetime(2026, 11, 19, 17), "who@district.example", d(2026, 11, 19), "Beta Middle",
     None, None, "PLC", 60, ""],
    [dt.datetime(2026, 11, 20, 17), "bo@district.example", d(2026, 11, 20), "Beta Middle",
     None, None, "PLC", "lots", ""],
    [dt.datetime(2026, 11, 20, 18), "bo@district.example", d(2026, 12, 15), "Beta Middle",
     None, None, "PLC", 60, ""],
]
TABS: dict[str, tuple[K, list[list[Any]]]] = {
    "Schools": (K.SCHOOLS, SCHOOLS), "Coaches": (K.COACHES, COACHES),
    "Teachers": (K.TEACHERS, TEACHERS), "Cycles": (K.CYCLES, CYCLES),
    "Assessments": (K.ASSESSMENTS, ASSESSMENTS), "Log": (K.COACHING_LOG, LOG),
}


def raw_tabs() -> list[RawTab]:
    """The district as the readers hand it over (dates as serial numbers)."""
    from sync.common import sheet_values
    tabs = []
    for title, (kind, rows) in TABS.items():
        header, body = sheet_values(tuple(r) for r in rows)
        tabs.append(RawTab("Small district", title, kind, header, body))
    return tabs


def write_workbook(path: Path, tabs: dict[str, list[list[Any]]] | None = None) -> Path:
    book = Workbook()
    book.remove(book.active)
    for title, rows in (tabs or {t: r for t, (_, r) in TABS.items()}).items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


CONFIG = """
district:
  name: Small District
  time_zone: America/Chicago
  school_year: {{start: 2026-08-17, end: 2027-06-04}}
  as_of: 2026-11-23
sources:
  - name: Small district
    location: {workbook}
    tabs: {{schools: Schools, coaches: Coaches, teachers: Teachers, cycles: Cycles,
           assessments: Assessments, coaching_log: Log}}
settings:
  level_scores: {{"Not yet": 1, "Approaching": 2, "Meeting": 3, "Exceeding": 4}}
output:
  location: {output}
delivery:
  outbox: {outbox}
"""


def write_config(folder: Path) -> Path:
    workbook = write_workbook(folder / "district.xlsx")
    path = folder / "district.yaml"
    path.write_text(CONFIG.format(workbook=workbook, output=folder / "summary.xlsx",
                                  outbox=folder / "outbox"))
    return path
