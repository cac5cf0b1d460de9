"""Hypothesis strategies for whole districts as people really keep them: tabs missing or extra,
headers not in row 1, merged or duplicated or blank header cells, stray cells a little way off,
every cell type, names in any script, cycles in every state with any field left blank."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from core.schema import CycleStatus
from tests.small_district import COACHES, CYCLES, SCHOOLS, TABS, TEACHERS

NAMES = ["مدرسة النور", "בית ספר אלון", "北京第一小学", "Escuela Peña", "École Saint-Éloi",
         "School 🚀", "St. Mary's", "St Marys", "A & B Academy", "Smith and Jones Elementary",
         "Lee, Park Middle", "K-8/STEM Campus", "Alpha Elementary", "  ", "x" * 120]

text = st.one_of(st.text(max_size=15), st.sampled_from(NAMES),
                 st.text(alphabet=st.characters(codec="utf-8"), max_size=8))
cells = st.one_of(
    st.none(), text, st.integers(-10**6, 10**7), st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([1e-300, 1e308, -1.0, 0, 0.5, 101, 1.5, 10**15]),
    st.dates(dt.date(1900, 3, 1), dt.date(2100, 1, 1)),
    st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(2100, 1, 1)),
    st.times(),
    st.sampled_from(["45 min", "1:30", "half day", "Complete", "Completed", "Abandoned", "Active",
                     "Planned", "85%", "11/3/2026", "co teach", "", "=1+1", "#N/A", "Ann Lee",
                     "A-1", "Beta Middle", "Alpha Elementary; Beta Middle", "ann@district.example"]),
)


@dataclass
class Sheet:
    """One tab: its rows, and how a person laid it out."""

    rows: list[list[Any]]
    blank_rows_above: int = 0
    merge_header: tuple[int, int] | None = None  # merge header columns a..b (1-based)
    stray: tuple[int, int, Any] | None = None    # one value a modest way off the data


@dataclass
class District:
    sheets: dict[str, Sheet] = field(default_factory=dict)

    def save(self, path: Path) -> Path:
        book = Workbook()
        book.remove(book.active)
        for title, sheet in self.sheets.items():
            ws = book.create_sheet(title)
            for _ in range(sheet.blank_rows_above):
                ws.append([])
            for row in sheet.rows:
                ws.append([storable(v) for v in row])
            if sheet.merge_header and sheet.rows:
                a, b = sheet.merge_header
                r = sheet.blank_rows_above + 1
                ws.merge_cells(start_row=r, start_column=a, end_row=r, end_column=b)
            if sheet.stray:
                ws.cell(row=sheet.stray[0], column=sheet.stray[1]).value = storable(
                    sheet.stray[2])
        if not book.sheetnames:
            book.create_sheet("Sheet1")  # a workbook holds at least one tab
        book.save(path)
        return path


def storable(value: Any) -> Any:
    """What a person can type in Excel: no control characters."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


@st.composite
def cycle_rows(draw) -> list[list[Any]]:
    """The small district's cycles, each in any state, with any fields left blank."""
    header, *rows = [list(r) for r in CYCLES]
    statuses = [s.value for s in CycleStatus] + ["Completed", "done", None, "", "???"]
    for row in rows:
        row[9] = draw(st.sampled_from(statuses))
        for i in draw(st.sets(st.integers(0, len(row) - 1), max_size=4)):
            row[i] = draw(st.one_of(st.none(), cells))
    return [header, *rows]


@st.composite
def messed_rows(draw, rows: list[list[Any]]) -> list[list[Any]]:
    """Some cells replaced, rows dropped or added, headers duplicated or blanked."""
    header, *body = [list(r) for r in rows]
    for _ in range(draw(st.integers(0, 3))):
        if body:
            r = draw(st.integers(0, len(body) - 1))
            c = draw(st.integers(0, len(body[r])))
            body[r][c:c + 1] = [draw(cells)]
    body += draw(st.lists(st.lists(cells, max_size=len(header) + 2), max_size=3))
    edit = draw(st.sampled_from(["none", "duplicate", "blank", "rename", "non-latin"]))
    if header and edit != "none":
        i = draw(st.integers(0, len(header) - 1))
        header[i] = {"duplicate": header[0], "blank": None, "rename": draw(text),
                     "non-latin": draw(st.sampled_from(NAMES[:6]))}[edit]
    return [header, *body]


@st.composite
def sheets(draw, rows: list[list[Any]], mess: bool = True) -> Sheet:
    rows = draw(messed_rows(rows)) if mess and draw(st.booleans()) else rows
    width = max((len(r) for r in rows), default=1)
    above = draw(st.sampled_from([0, 0, 0, 1, 2]))
    merge = None
    if width >= 2 and draw(st.integers(0, 5)) == 0:
        a = draw(st.integers(1, width - 1))
        merge = (a, draw(st.integers(a + 1, width)))
    stray = None
    if draw(st.integers(0, 5)) == 0:
        stray = (draw(st.integers(len(rows) + 1, len(rows) + 200)), draw(st.integers(1, 40)),
                 draw(cells))
    return Sheet(rows, above, merge, stray)


@st.composite
def work_districts(draw) -> District:
    """The cycles, assessments and log of the small district, each laid out carelessly; tabs
    may be missing or extra."""
    base = {"Cycles": draw(cycle_rows())} | {t: [list(r) for r in TABS[t][1]]
                                             for t in ("Assessments", "Log")}
    chosen = {t: draw(sheets(r)) for t, r in base.items()
              if draw(st.integers(0, 9)) > 0}  # a tab is sometimes missing
    for _ in range(draw(st.integers(0, 2))):
        chosen[draw(st.sampled_from(["Sheet1", "Notes", "cycles (old)", "日志"]))] = Sheet(
            draw(st.lists(st.lists(cells, max_size=4), max_size=3)))
    return District(chosen)


@st.composite
def roster_districts(draw) -> District:
    """The rosters, messed up as much as the rest, names in any script."""
    schools = [list(r) for r in SCHOOLS]
    coaches = [list(r) for r in COACHES]
    for i in (1, 2):
        if draw(st.booleans()):
            new = draw(st.sampled_from(NAMES))
            old = schools[i][0]
            schools[i][0] = new
            coaches = [[c.replace(old, new) if isinstance(c, str) else c for c in r]
                       for r in coaches]
    return District({"Schools": draw(sheets(schools)), "Coaches": draw(sheets(coaches)),
                     "Teachers": draw(sheets([list(r) for r in TEACHERS]))})
