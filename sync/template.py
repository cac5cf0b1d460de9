"""Blank source workbooks for a district starting from nothing (`python main.py template`): the
headers the job reads, a dropdown for every labelled column, a frozen and protected header row,
and an Instructions tab."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from core.issues import KIND_LABELS
from core.schema import FIELDS, STAGE_LABELS, VOCABULARY_TERMS, Field, TabKind

TEMPLATES: dict[str, dict[str, TabKind]] = {
    "district.xlsx": {"Schools": TabKind.SCHOOLS, "Coaches": TabKind.COACHES,
                      "Teachers": TabKind.TEACHERS, "Cycles": TabKind.CYCLES,
                      "Assessments": TabKind.ASSESSMENTS},
    "coaching-log.xlsx": {"Log": TabKind.COACHING_LOG},
}
"""File -> tab -> kind: the roster and cycles in one workbook, the coaches' log in another."""
LEFT_OUT = {TabKind.COACHING_LOG: {"timestamp", "coach_email"}}
"""Fields a blank template does without (a Form's own columns)."""
ALSO_REQUIRED = {(TabKind.COACHING_LOG, "coach")}
"""Required in a template, though a Form's Email Address can stand in for it."""
LISTS_TAB = "Lists"
DROPDOWN_ROWS = 5000
LISTS: dict[str, tuple[str, ...]] = {
    "activity": VOCABULARY_TERMS["activity"], "status": VOCABULARY_TERMS["status"],
    "stage": tuple(STAGE_LABELS.values()), "approach": VOCABULARY_TERMS["approach"],
}
"""The labelled columns and the values their dropdowns offer."""
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
FIXED = dt.datetime(2026, 1, 1)


def columns(kind: TabKind) -> list[Field]:
    return [f for f in FIELDS[kind] if f.name not in LEFT_OUT.get(kind, set())]


def write_templates(folder: Path, *, force: bool) -> list[Path]:
    """Every template workbook in `folder`; an existing file is kept unless `force`."""
    paths = [folder / name for name in TEMPLATES]
    existing = [p for p in paths if p.exists()]
    if existing and not force:
        raise FileExistsError(", ".join(str(p) for p in existing))
    folder.mkdir(parents=True, exist_ok=True)
    for path in paths:
        book = Workbook()
        book.remove(book.active)
        for title, kind in TEMPLATES[path.name].items():
            add_tab(book.create_sheet(title), kind)
        add_lists(book.create_sheet(LISTS_TAB))
        add_instructions(book.create_sheet("Instructions", 0), TEMPLATES[path.name])
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
        sheet.column_dimensions[letter].width = max(len(f.label) + 4, 14)
        sheet.column_dimensions[letter].protection = Protection(locked=False)  # rows below
        if f.name in LISTS:
            add_dropdown(sheet, f.name, letter)
    sheet.freeze_panes = "A2"
    sheet.protection.sheet = True  # the header row is locked; rows below stay editable
    sheet.protection.insertRows = False
    sheet.protection.deleteRows = False
    sheet.protection.sort = False
    sheet.protection.autoFilter = False


def add_dropdown(sheet: Worksheet, name: str, letter: str) -> None:
    index = list(LISTS).index(name) + 1
    col = get_column_letter(index)
    source = f"{quote_sheetname(LISTS_TAB)}!${col}$2:${col}${len(LISTS[name]) + 1}"
    rule = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=True,
                          errorTitle="Not on the list",
                          error=f"Choose a {name} from the list (see the Instructions tab).")
    rule.add(f"{letter}2:{letter}{DROPDOWN_ROWS + 1}")
    sheet.add_data_validation(rule)


def add_lists(sheet: Worksheet) -> None:
    for c, (name, values) in enumerate(LISTS.items(), start=1):
        sheet.cell(row=1, column=c, value=name)
        for r, value in enumerate(values, start=2):
            sheet.cell(row=r, column=c, value=value)
    sheet.sheet_state = "hidden"
    sheet.protection.sheet = True


def add_instructions(sheet: Worksheet, tabs: dict[str, TabKind]) -> None:
    lines = ["How to fill in this workbook",
             "One row per record under the header row. The headers are locked: do not rename, "
             "move or delete them.",
             "Columns marked required must be filled for a row to count. Dropdown columns "
             "take one value from their list.", ""]
    for title, kind in tabs.items():
        lines.append(f"{title} tab ({KIND_LABELS[kind]})")
        for f in columns(kind):
            need = "required" if f.required or (kind, f.name) in ALSO_REQUIRED else "optional"
            values = f"; one of: {', '.join(LISTS[f.name])}" if f.name in LISTS else ""
            unit = "; minutes, or 45 min, 1 hr, 1:30, half day" if f.duration else ""
            secret = "; confidential: never copied into any report" if f.sensitive else ""
            lines.append(f"  {f.label}: {need}{values}{unit}{secret}")
        lines.append("")
    for r, text in enumerate(lines, start=1):
        sheet.cell(row=r, column=1, value=text)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 110
