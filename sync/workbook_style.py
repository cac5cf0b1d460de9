"""How a summary tab looks in the workbook backend: number formats, fitted widths, frozen header
and first column, a filter, banded rows, status colours and a page setup for printing.

Kept apart from `sync.workbook` (which owns replacing tabs safely); the writer calls
`style_table` once a tab's cells are in. The Google backend makes the same choices in
`sync.google_style`.
"""
from __future__ import annotations

import math
from copy import copy
from typing import Any

from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.tables import (
    TONE_FILLS,
    TONE_FONTS,
    Fmt,
    Highlight,
    Table,
    column_width,
    shown_text,
    wrapped_lines,
    wraps,
)

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
BAND_FILL = PatternFill("solid", fgColor="EEF3F8", bgColor="EEF3F8")
PRINT_WIDTH = 150
"""Characters of columns printed across one landscape page at full size."""
SHRINK_TO_FIT = 0.6
"""The smallest print scale a table is shrunk to so that it fits one page wide."""


def style_table(sheet: Worksheet, table: Table) -> None:
    style_header(sheet, len(table.header))
    apply_formats(sheet, table)
    fit_widths(sheet, table)
    fit_heights(sheet, table)
    last = f"{get_column_letter(max(len(table.header), 1))}{len(table.rows) + 1}"
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = f"A1:{last}"
    if table.rows:
        add_highlights(sheet, table, f"A2:{last}")
    page_setup(sheet, sum(column_width(table, c) for c in range(len(table.header))))


def style_header(sheet: Worksheet, width: int) -> None:
    for cell in sheet[1][:width]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")


UNSTYLED = StyleArray()


def apply_formats(sheet: Worksheet, table: Table) -> None:
    """Each column's number format on its numbers; long-text columns wrap. A cell's style is
    worked out once per distinct (style it had, number or not, text or not) and copied to the
    others alike: openpyxl registers every style it is given, which per cell was most of the
    writing time."""
    for c in range(len(table.header)):
        fmt, wrap = table.fmt(c), wraps(table, c)
        done: dict[tuple[tuple[int, ...], bool, bool], StyleArray] = {}
        for (cell,) in sheet.iter_rows(min_row=2, max_row=len(table.rows) + 1, min_col=c + 1,
                                       max_col=c + 1):
            number = bool(fmt and fmt is not Fmt.TEXT and isinstance(cell.value, (int, float)))
            right = isinstance(cell.value, str) and fmt is not None and fmt is not Fmt.TEXT
            key = (tuple(cell._style or UNSTYLED), number, right)  # None: never styled
            if key in done:
                cell._style = copy(done[key])
                continue
            if number and cell.number_format == "General":
                cell.number_format = fmt.value  # type: ignore[union-attr]
            cell.alignment = Alignment(wrap_text=wrap or None, vertical="top",
                                       horizontal="right" if right else None)
            done[key] = copy(cell._style)


def fit_widths(sheet: Worksheet, table: Table) -> None:
    for c in range(len(table.header)):
        sheet.column_dimensions[get_column_letter(c + 1)].width = column_width(table, c)


LINE_POINTS = 15.0


def fit_heights(sheet: Worksheet, table: Table) -> None:
    """Rows tall enough for their wrapped text (spreadsheet apps do not all measure it)."""
    widths = [column_width(table, c) - 2 for c in range(len(table.header))]
    sheet.row_dimensions[1].height = LINE_POINTS * max(
        [wrapped_lines(str(h), w) for h, w in zip(table.header, widths, strict=True)] or [1])
    wide = [c for c in range(len(table.header)) if wraps(table, c)]
    for r, row in enumerate(table.rows, start=2):
        lines = max([wrapped_lines(shown_text(row[c], None), widths[c])
                     for c in wide if c < len(row)] or [1])
        if lines > 1:
            sheet.row_dimensions[r].height = LINE_POINTS * lines


def add_highlights(sheet: Worksheet, table: Table, cells: str) -> None:
    """Status colours first (they win), then banded rows that survive sorting and filtering."""
    for h in table.highlights:
        if h.column not in table.header:
            continue
        letter = get_column_letter(table.column(h.column) + 1)
        sheet.conditional_formatting.add(
            f"{letter}2:{letter}{len(table.rows) + 1}", highlight_rule(h))
    sheet.conditional_formatting.add(cells, FormulaRule(formula=["MOD(ROW(),2)=0"],
                                                        fill=BAND_FILL))


def highlight_rule(h: Highlight) -> CellIsRule:
    fill = PatternFill("solid", fgColor=TONE_FILLS[h.tone], bgColor=TONE_FILLS[h.tone])
    font = Font(color=TONE_FONTS[h.tone])
    if h.op == "equals":
        return CellIsRule(operator="equal", formula=[excel_text(h.value)], fill=fill, font=font,
                          stopIfTrue=True)
    operator = {"below": "lessThan", "at_least": "greaterThanOrEqual"}[h.op]
    return CellIsRule(operator=operator, formula=[repr(float(h.value))], fill=fill, font=font,
                      stopIfTrue=True)


def excel_text(value: Any) -> str:
    return '"' + str(value).replace('"', '""') + '"'


def page_setup(sheet: Worksheet, width: float) -> None:
    """Landscape, header row repeated on every page. A table prints one page wide, shrunk down to
    SHRINK_TO_FIT at most: a row split over two sheets side by side is hard to read at a meeting,
    and its wrapped text makes every row tall on both. Only wider tables take more pages across."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_LETTER
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = max(1, math.ceil(width * SHRINK_TO_FIT / PRINT_WIDTH))
    sheet.page_setup.fitToHeight = 0
    sheet.print_title_rows = "1:1"
    sheet.print_title_cols = "A:A"
    sheet.print_options.gridLines = True
