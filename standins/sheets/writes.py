"""Writing values into a sheet: update, clear and append (with Sheets' table detection)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .a1 import column_letters, quote_title
from .cellinput import BadValue, raw_value, user_entered_value
from .errors import CELL_CHARACTERS, CELL_CHARACTERS_MESSAGE, ApiError, invalid
from .model import CellData, Sheet, Target
from .ranges import grid_limit_error, written_label

RAW, USER_ENTERED = "RAW", "USER_ENTERED"
INPUT_OPTIONS = (RAW, USER_ENTERED)


@dataclass
class Written:
    """What one write touched: distinct rows/columns, cell count and the bounding box."""

    sheet: Sheet
    rows: set[int] = field(default_factory=set)
    cols: set[int] = field(default_factory=set)
    cells: int = 0

    def add(self, row: int, col: int) -> None:
        self.rows.add(row)
        self.cols.add(col)
        self.cells += 1

    def label(self) -> str | None:
        if not self.cells:
            return None
        extent = written_label(self.sheet, min(self.rows), max(self.rows) + 1, min(self.cols), max(self.cols) + 1)
        return f"{quote_title(self.sheet.title)}!{extent}"

    def response(self, spreadsheet_id: str, fallback: str) -> dict[str, Any]:
        reply: dict[str, Any] = {"spreadsheetId": spreadsheet_id, "updatedRange": self.label() or fallback}
        if self.cells:
            reply.update(updatedRows=len(self.rows), updatedColumns=len(self.cols), updatedCells=self.cells)
        return reply


def with_value(cell: CellData | None, value: dict[str, Any] | None, number_format: Any = None) -> CellData:
    """A new cell dict with its userEnteredValue replaced (None clears it), format kept."""
    new = dict(cell or {})
    if value is None:
        new.pop("userEnteredValue", None)
    else:
        new["userEnteredValue"] = value
    if number_format:
        fmt = dict(new.get("userEnteredFormat") or {})
        fmt["numberFormat"] = number_format
        new["userEnteredFormat"] = fmt
    return new


def oriented(values: Any, major: str | None) -> list[list[Any]]:
    """Validate `values` and turn COLUMNS-major input into rows."""
    if values is None:
        return []
    if not isinstance(values, list) or not all(isinstance(row, list) for row in values):
        raise invalid("Invalid values: expected a list of lists (ListValue of ListValue).")
    if major == "COLUMNS":
        height = max((len(col) for col in values), default=0)
        return [[col[i] if i < len(col) else None for col in values] for i in range(height)]
    return values


def write_matrix(target: Target, rows: list[list[Any]], option: str, requested: str) -> Written:
    """Write rows at the target's top-left; a multi-cell target also bounds the write."""
    check_bounds(target, rows, requested)
    sheet, written = target.sheet, Written(target.sheet)
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str) and len(value) > CELL_CHARACTERS:
                raise invalid(CELL_CHARACTERS_MESSAGE)
            r, c = target.r0 + i, target.c0 + j
            sheet.put(r, c, with_value(sheet.get(r, c), *parse_input(value, option, i, j)))
            written.add(r, c)
    return written


def parse_input(value: Any, option: str, i: int, j: int) -> tuple[dict[str, Any] | None, Any]:
    try:
        if option == USER_ENTERED:
            return user_entered_value(value)
        return raw_value(value), None
    except BadValue:
        raise invalid(f"Invalid values[{i}][{j}]: {_json_kind(value)}") from None


def _json_kind(value: Any) -> str:
    return "struct_value {}" if isinstance(value, dict) else "list_value {}"


def check_bounds(target: Target, rows: list[list[Any]], requested: str) -> None:
    height = len(rows)
    width = max((len(r) for r in rows), default=0)
    if not target.single_cell:
        if height > target.r1 - target.r0:
            raise invalid(f"Requested writing within range [{requested}], but tried writing to row [{target.r0 + height}]")
        if width > target.c1 - target.c0:
            raise invalid(
                f"Requested writing within range [{requested}], but tried writing to column "
                f"[{column_letters(target.c0 + width - 1)}]"
            )
    sheet = target.sheet
    if height and width and (target.r0 + height > sheet.row_count or target.c0 + width > sheet.column_count):
        extent = written_label(sheet, target.r0, target.r0 + height, target.c0, target.c0 + width)
        raise grid_limit_error(sheet, extent)


def clear_values(target: Target) -> None:
    """values.clear keeps formatting and notes; only the values go."""
    for (r, c), cell in list(target.sheet.cells_in(target.r0, target.r1, target.c0, target.c1)):
        target.sheet.put(r, c, with_value(cell, None))


# ---- append ---------------------------------------------------------------------------------


def find_table(target: Target) -> tuple[int, int, int, int] | None:
    """The 'logical table' values.append continues.

    Modelled on what the recordings and long-standing bug reports show: start from the last
    non-empty cell of the searched range (or from the range's single cell), and grow a box while
    any non-empty cell touches it (diagonals count), staying inside the searched range.
    """
    filled = {key for key, cell in target.sheet.cells_in(target.r0, target.r1, target.c0, target.c1) if _filled(cell)}
    if not filled:
        return None
    if target.single_cell:
        seed = (target.r0, target.c0)
        if seed not in filled:
            return None
        bounds = (target.r0, target.sheet.row_count, target.c0, target.sheet.column_count)
        filled = {k for k, c in target.sheet.cells.items() if _filled(c) and _inside(k, bounds)}
    else:
        seed = max(filled)
        bounds = (target.r0, target.r1, target.c0, target.c1)
    return _grow(seed, filled)


def _filled(cell: CellData) -> bool:
    value = cell.get("userEnteredValue")
    return bool(value) and value != {"stringValue": ""}


def _inside(key: tuple[int, int], bounds: tuple[int, int, int, int]) -> bool:
    return bounds[0] <= key[0] < bounds[1] and bounds[2] <= key[1] < bounds[3]


def _grow(seed: tuple[int, int], filled: set[tuple[int, int]]) -> tuple[int, int, int, int]:
    """Flood-fill from the seed, then keep absorbing anything touching the bounding box."""
    box = [seed[0], seed[0] + 1, seed[1], seed[1] + 1]
    seen: set[tuple[int, int]] = set()
    frontier = [seed]
    while frontier:
        _flood(frontier, filled, seen, box)
        frontier = [key for key in _ring(box) if key in filled and key not in seen]
    return box[0], box[1], box[2], box[3]


def _flood(start: list[tuple[int, int]], filled: set[tuple[int, int]], seen: set[tuple[int, int]], box: list[int]) -> None:
    stack = list(start)
    seen.update(stack)
    while stack:
        r, c = stack.pop()
        box[:] = [min(box[0], r), max(box[1], r + 1), min(box[2], c), max(box[3], c + 1)]
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                key = (r + dr, c + dc)
                if key in filled and key not in seen:
                    seen.add(key)
                    stack.append(key)


def _ring(box: list[int]) -> list[tuple[int, int]]:
    r0, r1, c0, c1 = box
    ring = [(r, c) for r in (r0 - 1, r1) for c in range(c0 - 1, c1 + 1)]
    return ring + [(r, c) for c in (c0 - 1, c1) for r in range(r0, r1)]


def grow_for_append(sheet: Sheet, first_row: int, first_col: int, rows: list[list[Any]], insert: bool) -> None:
    """Append adds the rows (and columns) the data needs; INSERT_ROWS pushes cells below down."""
    height = len(rows)
    width = max((len(r) for r in rows), default=0)
    if insert and height:
        sheet.shift("ROWS", first_row, height)
    if first_row + height > sheet.row_count:
        sheet.grid["rowCount"] = first_row + height
    if first_col + width > sheet.column_count:
        sheet.grid["columnCount"] = first_col + width


def ensure_option(option: str | None) -> str:
    """valueInputOption is required on writes and must name a known option."""
    if not option:
        raise invalid("'valueInputOption' is required but not specified")
    if option not in INPUT_OPTIONS:
        raise ApiError(
            400,
            "INVALID_ARGUMENT",
            f"Invalid value at 'value_input_option' (type.googleapis.com/google.apps.sheets.v4."
            f'ValueInputOption), "{option}"',
        )
    return option
