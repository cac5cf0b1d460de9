"""The embedded backend: the normal form on read; on write, only the job's own tabs change."""
import datetime as dt
import os

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill

from core.errors import OutputError, TabOwnershipError
from core.schema import TabKind as K
from core.summary import Table
from sync.workbook import WorkbookTarget
from sync.workbook_read import read_workbook


def make_book(path, sheets):
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for r in rows:
            ws.append(r)
    book.save(path)
    return path


def test_read_gives_the_normal_form(tmp_path):
    path = make_book(tmp_path / "a.xlsx", {"Log": [
        ["Date", "Coach", "Minutes", None],
        [dt.date(2026, 11, 3), "Ann", 45],
        [None, None, None],
        [dt.datetime(2026, 11, 3, 18), "Bo", "1 hr", None],
        [None], [None, None],
    ]})
    tabs, problems = read_workbook(path, "src", {K.COACHING_LOG: "Log"}, None, {})
    assert problems == []
    tab = tabs[0]
    assert tab.header == ["Date", "Coach", "Minutes"]
    assert tab.rows == [[46329.0, "Ann", 45], [], [46329.75, "Bo", "1 hr"]]


def test_missing_file_and_tab_are_problems_naming_them(tmp_path):
    _, problems = read_workbook(tmp_path / "nope.xlsx", "src", {K.CYCLES: "Cycles"}, None, {})
    assert "nope.xlsx does not exist" in problems[0].message
    path = make_book(tmp_path / "b.xlsx", {"Cycles 2026": [["Cycle ID"]], "Log": [["Date"]]})
    tabs, problems = read_workbook(path, "src", {K.CYCLES: "Cycles", K.COACHING_LOG: "log"},
                                   None, {})
    assert [t.tab for t in tabs] == ["Log"]  # case-insensitive match still reads
    assert "No tab named 'Cycles'" in problems[0].message
    assert "Cycles 2026" in problems[0].message and "tabs: cycles:" in problems[0].message


def test_not_a_workbook(tmp_path):
    path = tmp_path / "c.xlsx"
    path.write_text("name,date\n")
    _, problems = read_workbook(path, "src", {K.CYCLES: "Cycles"}, None, {})
    assert "could not be opened as an .xlsx" in problems[0].message


ENTRY = ["2026-11-23 07:00 CST", "2026-W47", 10, 9, 1, 1, 0, "Schools, Run Log", 2, "ok"]
TABLE = Table("Schools", ["School", "Hours", "Since"],
              [["Alpha", 1.5, dt.date(2026, 8, 17)], ["=IMPORTDATA(\"http://x\")", 2, None],
               ["+1", -2, None], ["@x", None, None]])


def foreign_book(path):
    book = Workbook()
    ws = book.active
    ws.title = "Coordinator notes"
    ws["A1"] = "Keep me"
    ws["A1"].font = Font(bold=True, color="FF0000")
    ws["B2"] = "=1+1"
    ws["C3"].fill = PatternFill("solid", fgColor="FFFF00")
    ws.column_dimensions["A"].width = 33
    book.save(path)


def test_write_leaves_foreign_tabs_exactly_as_they_were(tmp_path):
    path = tmp_path / "out.xlsx"
    foreign_book(path)
    target = WorkbookTarget(path)
    target.write([TABLE], ENTRY)
    target.write([TABLE], ENTRY)  # a rerun replaces its own tab
    book = load_workbook(path)
    assert book.sheetnames == ["Coordinator notes", "Schools", "Run Log"]
    ws = book["Coordinator notes"]
    assert ws["A1"].value == "Keep me" and ws["A1"].font.bold and ws["A1"].font.color.rgb == \
        "00FF0000"
    assert ws["B2"].value == "=1+1" and ws["B2"].data_type == "f"
    assert ws["C3"].fill.fgColor.rgb == "00FFFF00"
    assert ws.column_dimensions["A"].width == 33


def test_text_is_written_as_text_never_a_formula(tmp_path):
    path = tmp_path / "out.xlsx"
    WorkbookTarget(path).write([TABLE], ENTRY)
    ws = load_workbook(path)["Schools"]
    cells = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=1).data_type
             for r in range(2, 6)}
    assert cells['=IMPORTDATA("http://x")'] == "s"
    assert cells["+1"] == "s" and cells["@x"] == "s"
    assert ws["C2"].value == dt.datetime(2026, 8, 17)
    assert ws.freeze_panes == "B2"  # header row and first column


def test_a_same_named_tab_it_did_not_create_stops_the_write(tmp_path):
    path = make_book(tmp_path / "out.xlsx", {"Schools": [["mine"]], "Other": [["x"]]})
    before = path.read_bytes()
    with pytest.raises(TabOwnershipError, match="'Schools'.*did not create.*nothing was written"):
        WorkbookTarget(path).write([Table("Coaches", ["a"], []), TABLE], ENTRY)
    assert path.read_bytes() == before


def test_the_run_log_keeps_every_run_and_adds_one_row(tmp_path):
    target = WorkbookTarget(tmp_path / "out.xlsx")
    target.write([TABLE], ENTRY)
    target.write([TABLE], ["second", "2026-W48"])
    rows = list(load_workbook(tmp_path / "out.xlsx")["Run Log"].iter_rows(values_only=True))
    assert rows[0][:2] == ("Run at", "Report week")
    assert [r[0] for r in rows[1:]] == ["2026-11-23 07:00 CST", "second"]


def test_a_link_is_text_with_a_hyperlink(tmp_path):
    from core.summary import Link
    WorkbookTarget(tmp_path / "o.xlsx").write(
        [Table("Data Issues", ["Link"], [[Link("open the cell", "https://x.example/#gid=1")]])],
        ENTRY)
    ws = load_workbook(tmp_path / "o.xlsx")["Data Issues"]
    assert ws["A2"].value == "open the cell" and ws["A2"].hyperlink.target == \
        "https://x.example/#gid=1"


def test_a_failed_save_leaves_the_previous_file_whole(tmp_path, monkeypatch):
    path = tmp_path / "out.xlsx"
    target = WorkbookTarget(path)
    target.write([TABLE], ENTRY)
    before = path.read_bytes()

    def disk_full(src, dst):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(OutputError, match="Could not save .*No space left"):
        target.write([Table("Schools", ["School"], [["changed"]])], ENTRY)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


def test_an_interrupted_save_leaves_no_temp_file_and_the_old_workbook(tmp_path, monkeypatch):
    path = tmp_path / "out.xlsx"
    target = WorkbookTarget(path)
    target.write([TABLE], ENTRY)
    before = path.read_bytes()

    def boom(self, filename):
        with open(filename, "wb") as fh:
            fh.write(b"partial")
        raise KeyboardInterrupt
    monkeypatch.setattr(Workbook, "save", boom)
    with pytest.raises(KeyboardInterrupt):
        target.write([Table("Schools", ["School"], [["changed"]])], ENTRY)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]
