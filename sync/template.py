"""Blank source workbooks for a district starting from nothing (`python main.py template`): the
headers the job reads, a dropdown for every labelled column, a frozen and protected header row,
and an Instructions tab. What they hold is `core.template`'s; this writes it as .xlsx."""
from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from core.schema import TabKind
from core.template import (
    INSTRUCTIONS_TAB,
    LISTS,
    LISTS_TAB,
    TEMPLATES,
    column_width,
    columns,
    dropdown_hint,
    instruction_lines,
    list_column,
    list_rows,
)
from sync.workbook_style import page_setup

DROPDOWN_ROWS = 5000
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
FIXED = dt.datetime(2026, 1, 1)
INSTRUCTIONS_WIDTH = 80
"""Characters: a portrait Letter page at 100%."""
LINE_HEIGHT = 15
"""Points: one line of 11-point text."""


def write_templates(folder: Path, *, force: bool) -> list[Path]:
    """Every template workbook in `folder`; an existing file is kept unless `force`."""
    paths = [folder / f"{name}.xlsx" for name in TEMPLATES]
    existing = [p for p in paths if p.exists()]
    if existing and not force:
        raise FileExistsError(", ".join(str(p) for p in existing))
    folder.mkdir(parents=True, exist_ok=True)
    for path in paths:
        tabs = TEMPLATES[path.stem]
        book = Workbook()
        book.remove(book.active)
        for title, kind in tabs.items():
            add_tab(book.create_sheet(title), kind)
        add_lists(book.create_sheet(LISTS_TAB))
        add_instructions(book.create_sheet(INSTRUCTIONS_TAB, 0), tabs)
        book.properties.created = book.properties.modified = FIXED
        book.save(path)
    return paths


def add_tab(sheet: Worksheet, kind: TabKind) -> None:
    """Headers (bold, frozen, locked), every other cell left editable, dropdowns where the job
    expects one of its terms."""
    for c, f in enumerate(columns(kind), start=1):
        cell = sheet.cell(row=1, column=c, value=f.label)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        letter = get_column_letter(c)
        sheet.column_dimensions[letter].width = column_width(f)
        sheet.column_dimensions[letter].protection = Protection(locked=False)  # rows below
        if f.name in LISTS:
            add_dropdown(sheet, f.name, letter)
    sheet.freeze_panes = "A2"
    sheet.protection.sheet = True  # the header row is locked; rows below stay editable
    sheet.protection.insertRows = False
    sheet.protection.deleteRows = False
    sheet.protection.sort = False
    sheet.protection.autoFilter = False
    page_setup(sheet, sum(column_width(f) for f in columns(kind)))  # printed as a paper log


def add_dropdown(sheet: Worksheet, name: str, letter: str) -> None:
    col = get_column_letter(list_column(name) + 1)
    source = f"{quote_sheetname(LISTS_TAB)}!${col}$2:${col}${len(LISTS[name]) + 1}"
    rule = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=True,
                          errorTitle="Not on the list",
                          error=dropdown_hint(name))
    rule.add(f"{letter}2:{letter}{DROPDOWN_ROWS + 1}")
    sheet.add_data_validation(rule)


def add_lists(sheet: Worksheet) -> None:
    for row in list_rows():
        sheet.append([value or None for value in row])
    sheet.sheet_state = "hidden"
    sheet.protection.sheet = True


def add_instructions(sheet: Worksheet, tabs: dict[str, TabKind]) -> None:
    """One line a cell, wrapped at a width that prints on a portrait page."""
    for r, text in enumerate(instruction_lines(tabs), start=1):
        sheet.cell(row=r, column=1, value=text).alignment = Alignment(wrap_text=True,
                                                                      vertical="top")
        if len(text) > INSTRUCTIONS_WIDTH:  # spreadsheets do not grow a row for wrapped text
            sheet.row_dimensions[r].height = LINE_HEIGHT * math.ceil(len(text) /
                                                                     INSTRUCTIONS_WIDTH)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = INSTRUCTIONS_WIDTH
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_LETTER
