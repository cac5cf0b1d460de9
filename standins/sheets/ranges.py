"""Resolving A1 text and GridRange objects against a spreadsheet's real sheets and grid sizes."""

from __future__ import annotations

from typing import Any

from .a1 import Box, RangeParseError, cell_label, column_letters, parse_range
from .errors import ApiError, RequestError, invalid, unparsable_range
from .model import Sheet, Spreadsheet, Target


def resolve(spreadsheet: Spreadsheet, text: str) -> Target:
    """A1 text to a Target clipped to the grid; explicit bounds past the grid are an error."""
    try:
        parsed = parse_range(text)
    except RangeParseError:
        raise unparsable_range(text) from None
    sheet, box = _pick_sheet(spreadsheet, parsed.sheet, parsed.box, parsed.bare, text)
    if box is None:
        return Target(sheet, 0, sheet.row_count, 0, sheet.column_count)
    check_within_grid(sheet, box)
    return Target(
        sheet,
        box.start_row or 0,
        sheet.row_count if box.end_row is None else box.end_row,
        box.start_col or 0,
        sheet.column_count if box.end_col is None else box.end_col,
        single_cell=box.single_cell,
    )


def _pick_sheet(
    spreadsheet: Spreadsheet, name: str | None, box: Box | None, bare: bool, text: str
) -> tuple[Sheet, Box | None]:
    """A bare text is a sheet title when one matches, otherwise cells on the first sheet."""
    if bare:
        sheet = spreadsheet.sheet_by_title(text)
        if sheet is not None:
            return sheet, None
        if box is None or not spreadsheet.sheets:
            raise unparsable_range(text)
        return spreadsheet.sheets[0], box
    sheet = spreadsheet.sheet_by_title(name or "")
    if sheet is None:
        raise unparsable_range(text)
    return sheet, box


def check_within_grid(sheet: Sheet, box: Box) -> None:
    rows_past = max(box.start_row or 0, (box.end_row or 0) - 1) >= sheet.row_count
    cols_past = max(box.start_col or 0, (box.end_col or 0) - 1) >= sheet.column_count
    if rows_past or cols_past:
        raise grid_limit_error(sheet, box_text(box))


def grid_limit_error(sheet: Sheet, cells: str) -> ApiError:
    quoted = "'" + sheet.title.replace("'", "''") + "'"
    return invalid(
        f"Range ({quoted}!{cells}) exceeds grid limits. "
        f"Max rows: {sheet.row_count}, max columns: {sheet.column_count}"
    )


def box_text(box: Box) -> str:
    start = (column_letters(box.start_col) if box.start_col is not None else "") + (
        str(box.start_row + 1) if box.start_row is not None else ""
    )
    if box.single_cell:
        return start
    end = (column_letters(box.end_col - 1) if box.end_col is not None else "") + (
        str(box.end_row) if box.end_row is not None else ""
    )
    return f"{start}:{end}"


def written_label(sheet: Sheet, r0: int, r1: int, c0: int, c1: int) -> str:
    start = cell_label(r0, c0)
    return start if (r1 - r0, c1 - c0) == (1, 1) else f"{start}:{cell_label(r1 - 1, c1 - 1)}"


def grid_target(spreadsheet: Spreadsheet, grid_range: dict[str, Any]) -> Target:
    """A GridRange (missing sheetId means 0, missing bounds mean unbounded) to a Target."""
    sheet = require_sheet(spreadsheet, grid_range.get("sheetId", 0))
    r0 = int(grid_range.get("startRowIndex", 0))
    r1 = int(grid_range.get("endRowIndex", sheet.row_count))
    c0 = int(grid_range.get("startColumnIndex", 0))
    c1 = int(grid_range.get("endColumnIndex", sheet.column_count))
    if min(r0, r1, c0, c1) < 0 or r0 > r1 or c0 > c1:
        raise RequestError("Invalid grid range: start index must not be after end index.")
    if r1 > sheet.row_count or c1 > sheet.column_count:
        raise RequestError(
            f"Range ({_title_range(sheet, r0, r1, c0, c1)}) exceeds grid limits. "
            f"Max rows: {sheet.row_count}, max columns: {sheet.column_count}"
        )
    return Target(sheet, r0, r1, c0, c1)


def _title_range(sheet: Sheet, r0: int, r1: int, c0: int, c1: int) -> str:
    quoted = "'" + sheet.title.replace("'", "''") + "'"
    return f"{quoted}!{written_label(sheet, r0, max(r1, r0 + 1), c0, max(c1, c0 + 1))}"


def require_sheet(spreadsheet: Spreadsheet, sheet_id: Any) -> Sheet:
    sheet = spreadsheet.sheet_by_id(int(sheet_id or 0))
    if sheet is None:
        raise RequestError(f"No grid with id: {int(sheet_id or 0)}")
    return sheet
