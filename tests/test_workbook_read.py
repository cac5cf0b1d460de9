"""Reading .xlsx sources with calamine: the same normal form as openpyxl's reading of the same
file, cell type by cell type; bounded work; a bad file is a problem of its source only."""
import datetime as dt
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from config.loader import load_config
from core.schema import TabKind as K
from sync.common import sheet_values
from sync.sources import read_sources
from sync.workbook_read import read_workbook
from tests.small_district import CONFIG, write_workbook

DEMO = Path(__file__).resolve().parent.parent / "demo" / "data"

EVERY_TYPE = [  # (label, value written, normal form expected)
    ("int", 45, 45),
    ("whole float", 45.0, 45),
    ("fraction", 1.5, 1.5),
    ("big whole", 2 ** 40, 2 ** 40),
    ("negative", -3, -3),
    ("tiny", 1e-300, 1e-300),
    ("true", True, True),
    ("false", False, False),
    ("date", dt.date(2026, 11, 3), 46329.0),
    ("datetime", dt.datetime(2026, 11, 3, 18, 0), 46329.75),
    ("time", dt.time(1, 30), 0.0625),
    ("duration", dt.timedelta(hours=1, minutes=30), 0.0625),
    ("text", "co teach", "co teach"),
    ("number as text", "45", "45"),
    ("empty", None, None),
    ("empty text", "", None),
    ("formula, no cached value", "=1+1", None),
]


def every_type_book(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "All"
    sheet.append(["kind", "value", None, "tail"])
    for label, value, _ in EVERY_TYPE:
        sheet.append([label, value])
    for label, error in (("error n/a", "#N/A"), ("error div", "#DIV/0!")):
        sheet.append([label])
        cell = sheet.cell(row=sheet.max_row, column=2)
        cell.value, cell.data_type = error, "e"
    sheet.cell(row=sheet.max_row + 5, column=9).font = Font(bold=True)  # styled, empty
    sheet.append([])
    book.save(path)
    return path


def openpyxl_reading(path: Path) -> dict[str, tuple[list, list]]:
    """What the openpyxl reader (before calamine) handed over for each tab."""
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        return {n: sheet_values(book[n].iter_rows(values_only=True)) for n in book.sheetnames}
    finally:
        book.close()


def calamine_reading(path: Path) -> dict[str, tuple[list, list]]:
    names = load_workbook(path, read_only=True).sheetnames
    kinds = list(K)
    tabs, problems = read_workbook(path, "src", {kinds[i]: n for i, n in enumerate(names)},
                                   None, {})
    assert problems == []
    return {t.tab: (t.header, t.rows) for t in tabs}


def test_every_cell_type_reads_as_openpyxl_reads_it(tmp_path):
    path = every_type_book(tmp_path / "all.xlsx")
    header, rows = calamine_reading(path)["All"]
    assert header == ["kind", "value", "", "tail"]
    assert (header, rows) == openpyxl_reading(path)["All"]
    for (label, _, expected), row in zip(EVERY_TYPE, rows, strict=False):  # then errors
        got = row[1] if len(row) > 1 else None
        assert (label, got, type(got)) == (label, expected, type(expected))
    assert rows[len(EVERY_TYPE):] == [["error n/a", "#N/A"], ["error div", "#DIV/0!"]]


def test_an_error_cell_past_calamines_grid_is_still_read(tmp_path):
    book = Workbook()
    book.active.append(["A", "B"])
    book.active.append([1, 2])
    cell = book.active.cell(row=4, column=3)
    cell.value, cell.data_type = "#REF!", "e"
    book.save(tmp_path / "e.xlsx")
    assert calamine_reading(tmp_path / "e.xlsx") == openpyxl_reading(tmp_path / "e.xlsx")
    assert calamine_reading(tmp_path / "e.xlsx")["Sheet"][1][-1] == [None, None, "#REF!"]


@pytest.mark.parametrize("name", sorted(p.name for p in DEMO.glob("*.xlsx")))
def test_demo_workbooks_read_as_openpyxl_reads_them(name):
    assert calamine_reading(DEMO / name) == openpyxl_reading(DEMO / name)


def log_with_stray_cell(path: Path, cell: str) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "Log"
    sheet.append(["Date", "Coach", "Minutes"])
    for i in range(50):
        sheet.append([dt.date(2026, 11, 2), f"Coach {i}", 45])
    sheet[cell] = "oops"
    book.save(path)
    return path


def test_a_value_at_the_last_cell_of_the_sheet_is_one_problem_not_a_hang(tmp_path):
    # Before: openpyxl padded every row to column XFD; still running after 300 s.
    path = log_with_stray_cell(tmp_path / "far.xlsx", "XFD1048576")
    tabs, problems = read_workbook(path, "src", {K.COACHING_LOG: "Log"}, None, {})
    assert tabs == []
    assert len(problems) == 1 and problems[0].tab == "Log"
    assert "reaches cell XFD1048576" in problems[0].message
    assert "past the limit of 1,048,576 rows and 500 columns" in problems[0].message


def test_a_stray_value_far_below_the_data_is_one_problem(tmp_path):
    path = log_with_stray_cell(tmp_path / "far.xlsx", "B900000")
    tabs, problems = read_workbook(path, "src", {K.COACHING_LOG: "Log"}, None, {})
    assert tabs == []
    assert "reaches cell B900000 but only 154 cells hold a value" in problems[0].message
    assert "Delete the stray value(s) near B900000" in problems[0].message


def test_a_tab_wider_than_the_limit_is_one_problem_and_the_limit_is_a_setting(tmp_path):
    book = write_workbook(tmp_path / "district.xlsx")
    wide = load_workbook(book)
    wide["Log"]["AD3"] = "x"  # column 30
    wide.save(book)
    config = tmp_path / "district.yaml"
    text = CONFIG.format(workbook=book, output=tmp_path / "s.xlsx", outbox=tmp_path / "o")
    config.write_text(text.replace("settings:\n", "settings:\n  max_tab_columns: 26\n"))
    tabs, problems = read_sources(load_config(config))
    assert [p.tab for p in problems] == ["Log"]
    assert "30 columns, past the limit of 1,048,576 rows and 26 columns" in problems[0].message
    assert "settings.max_tab_rows / max_tab_columns" in problems[0].message
    assert {t.tab for t in tabs} == {"Schools", "Coaches", "Teachers", "Cycles", "Assessments"}
    config.write_text(text)
    assert read_sources(load_config(config))[1] == []


def cut_sheet_xml(src: Path, dst: Path, member: str) -> Path:
    """A valid zip whose sheet XML stops half way."""
    with zipfile.ZipFile(src) as old, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item)
            new.writestr(item, data[: len(data) // 2] if item.filename == member else data)
    return dst


def two_sources(tmp_path: Path, broken: Path) -> Path:
    good = write_workbook(tmp_path / "good.xlsx")
    config = tmp_path / "two.yaml"
    text = CONFIG.format(workbook=good, output=tmp_path / "s.xlsx", outbox=tmp_path / "o")
    config.write_text(text.replace("settings:", f"""  - name: Broken
    location: {broken}
    tabs: {{coaching_log: Log}}
settings:"""))
    return config


def damaged_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    good = write_workbook(tmp_path / "source.xlsx")
    csv = tmp_path / "csv.xlsx"
    csv.write_text("Date,Coach,Minutes\n2026-11-02,Ann,45\n")
    encrypted = tmp_path / "encrypted.xlsx"  # Excel's encrypted files are OLE containers
    encrypted.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    names = zipfile.ZipFile(good).namelist()
    sheet = next(n for n in names if n.startswith("xl/worksheets/sheet6"))
    return {
        "cut sheet xml": (cut_sheet_xml(good, tmp_path / "cut.xlsx", sheet),
                          "tab 'Log' of {path} could not be opened as an .xlsx workbook: the "
                          "file is damaged or incomplete"),
        "csv renamed": (csv, "{path} could not be opened as an .xlsx workbook: it is not one "
                             "(a CSV or text file renamed .xlsx?)"),
        "encrypted": (encrypted, "{path} could not be opened as an .xlsx workbook: it is "
                                 "password-protected (encrypted)"),
        "truncated": (truncated, "{path} could not be opened as an .xlsx workbook: the file "
                                 "is damaged or incomplete"),
        "empty file": (_empty(tmp_path), "it is not one"),
    }


def _empty(tmp_path: Path) -> Path:
    (tmp_path / "empty.xlsx").write_bytes(b"")
    return tmp_path / "empty.xlsx"


@pytest.mark.parametrize("case", ["cut sheet xml", "csv renamed", "encrypted", "truncated",
                                  "empty file"])
def test_a_bad_file_is_one_problem_and_every_other_source_is_read(tmp_path, case):
    broken, message = damaged_files(tmp_path)[case]
    (tmp_path / "b").mkdir()
    moved = shutil.copy(broken, tmp_path / "b" / "broken.xlsx")
    tabs, problems = read_sources(load_config(two_sources(tmp_path, Path(moved))))
    assert [p.source for p in problems] == ["Broken"]
    assert message.format(path=moved) in problems[0].message
    assert "Save" in problems[0].message or "save" in problems[0].message
    assert {t.source for t in tabs} == {"Small district"} and len(tabs) == 6


def test_repeated_texts_are_one_object_each_as_read(tmp_path):
    """A new object per cell made a state's year of rows alone about 2 GB."""
    book = Workbook()
    for _ in range(3):
        book.active.append(["Ann", "Planning", "note"])
    book.save(tmp_path / "r.xlsx")
    tabs, _ = read_workbook(tmp_path / "r.xlsx", "src", {K.COACHING_LOG: "Sheet"}, None, {})
    sheets = sheet_values([("Coach", "Activity")] + [
        ("".join(["A", "nn"]), "".join(["Plan", "ning"])) for _ in range(2)])[1]
    for rows in (tabs[0].rows, sheets):
        assert rows[0][:2] == ["Ann", "Planning"]
        assert rows[0][1] is rows[1][1] and rows[0][0] is rows[1][0]
