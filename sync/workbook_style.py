"""How a summary tab looks in the workbook backend: number formats, fitted widths, frozen header
and first column, a filter, banded rows, status colours and a page setup for printing.

Kept apart from `sync.workbook` (which owns replacing tabs safely); the writer calls
`style_table` once a tab's cells are in. The Google backend makes the same choices in
`sync.google_style`.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.tables import PERCENT_FORMATS, Fig, Fmt, Highlight, Link, Table, Tone

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
BAND_FILL = PatternFill("solid", fgColor="EEF3F8", bgColor="EEF3F8")
TONE_FILLS = {Tone.GOOD: "D9EAD3", Tone.WARN: "FCE8B2", Tone.BAD: "F4C7C3"}
TONE_FONTS = {Tone.GOOD: "1E5631", Tone.WARN: "7F4F00", Tone.BAD: "8B1A1A"}
MIN_WIDTH, MAX_WIDTH, WIDE_WIDTH = 6, 28, 48
"""Column widths in characters: a figure column as wide as its longest cell or header word;
text capped (long text wraps)."""
PRINT_WIDTH = 150
"""Characters of columns printed across one landscape page before the tab spans two."""


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


def apply_formats(sheet: Worksheet, table: Table) -> None:
    """Each column's number format on its numbers; long-text columns wrap."""
    for c in range(len(table.header)):
        fmt, wrap = table.fmt(c), table.header[c] in table.wide
        for (cell,) in sheet.iter_rows(min_row=2, max_row=len(table.rows) + 1, min_col=c + 1,
                                       max_col=c + 1):
            if fmt and fmt is not Fmt.TEXT and isinstance(cell.value, (int, float)) \
                    and cell.number_format == "General":
                cell.number_format = fmt.value
            right = isinstance(cell.value, str) and fmt is not None and fmt is not Fmt.TEXT
            cell.alignment = Alignment(wrap_text=wrap or None, vertical="top",
                                       horizontal="right" if right else None)


def fit_widths(sheet: Worksheet, table: Table) -> None:
    for c in range(len(table.header)):
        sheet.column_dimensions[get_column_letter(c + 1)].width = column_width(table, c)


LINE_POINTS = 15.0


def fit_heights(sheet: Worksheet, table: Table) -> None:
    """Rows tall enough for their wrapped text (spreadsheet apps do not all measure it)."""
    widths = [column_width(table, c) - 2 for c in range(len(table.header))]
    sheet.row_dimensions[1].height = LINE_POINTS * max(
        [wrapped_lines(str(h), w) for h, w in zip(table.header, widths)] or [1])
    wide = [c for c, h in enumerate(table.header) if h in table.wide]
    for r, row in enumerate(table.rows, start=2):
        lines = max([wrapped_lines(shown_text(row[c], None), widths[c])
                     for c in wide if c < len(row)] or [1])
        if lines > 1:
            sheet.row_dimensions[r].height = LINE_POINTS * lines


def wrapped_lines(text: str, width: float) -> int:
    """Lines `text` takes when wrapped at word boundaries within `width` characters."""
    lines, used = 1, 0
    for word in text.split():
        if used and used + 1 + len(word) > width:
            lines, used = lines + 1, len(word)
        else:
            used += len(word) + (1 if used else 0)
    return lines


def column_width(table: Table, c: int) -> float:
    """Wide enough for every cell as shown and the header's longest word; capped."""
    longest_word = max((len(w) for w in str(table.header[c]).split()), default=0)
    shown = max((len(shown_text(r[c], table.fmt(c))) for r in table.rows if c < len(r)),
                default=0)
    cap = WIDE_WIDTH if table.header[c] in table.wide else MAX_WIDTH
    header_fit = min(len(str(table.header[c])), 14)  # headers wrap onto two or three lines
    return float(min(max(shown, longest_word, header_fit, MIN_WIDTH), cap) + 2)


def shown_text(value: Any, fmt: Fmt | None) -> str:
    """Roughly what the cell shows, to size its column."""
    if isinstance(value, Fig):
        value, fmt = value.value, value.fmt
    if value is None:
        return ""
    if isinstance(value, Link):
        return value.text
    if isinstance(value, (dt.date, dt.datetime)):
        return "2026-11-23"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if fmt in PERCENT_FORMATS:
            return f"{value * 100:.1f}%"
        return f"{value:,.2f}" if isinstance(value, float) else str(value)
    return str(value)


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
    """Landscape, header row repeated on every page, as many pages across as the width needs."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_LETTER
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = max(1, round(width / PRINT_WIDTH + 0.3))
    sheet.page_setup.fitToHeight = 0
    sheet.print_title_rows = "1:1"
    sheet.print_title_cols = "A:A"
    sheet.print_options.gridLines = True
