"""Reading cells back: effective values, the three value render options and trimmed matrices."""

from __future__ import annotations

from typing import Any

from . import formula
from .formula import FormulaError, Scalar, Unsupported
from .model import CellData, Sheet, Spreadsheet, Target
from .numfmt import format_number, is_date_format, json_number

FORMATTED, UNFORMATTED, FORMULA = "FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA"
SERIAL, FORMATTED_STRING = "SERIAL_NUMBER", "FORMATTED_STRING"
RENDER_OPTIONS = (FORMATTED, UNFORMATTED, FORMULA)
DATE_OPTIONS = (SERIAL, FORMATTED_STRING)
_MAX_DEPTH = 200


class Renderer:
    """Evaluates formulas (memoised, cycle-safe) and renders cells of one spreadsheet."""

    def __init__(self, spreadsheet: Spreadsheet) -> None:
        self.spreadsheet = spreadsheet
        self.memo: dict[tuple[int, int, int], Scalar] = {}
        self.active: set[tuple[int, int, int]] = set()

    def effective(self, sheet: Sheet, row: int, col: int) -> Scalar:
        """The cell's computed value: float, str, bool, FormulaError or None for empty."""
        cell = sheet.get(row, col)
        value = (cell or {}).get("userEnteredValue")
        if not value:
            return None
        if "formulaValue" not in value:
            return _plain(value)
        return self._formula(sheet, row, col, value["formulaValue"])

    def _formula(self, sheet: Sheet, row: int, col: int, text: str) -> Scalar:
        key = (sheet.sheet_id, row, col)
        if key in self.memo:
            return self.memo[key]
        if key in self.active or len(self.active) > _MAX_DEPTH:
            return FormulaError("#REF!", "REF", "Circular dependency detected.")
        self.active.add(key)
        try:
            result: Scalar = formula.evaluate(text, lambda *a: self._grid(sheet, *a))
        except Unsupported:
            result = text  # shown as its own text: see README "Formulas"
        finally:
            self.active.discard(key)
        self.memo[key] = result
        return result

    def _grid(
        self, home: Sheet, title: str | None, r0: int, r1: int | None, c0: int, c1: int | None
    ) -> list[list[Scalar]]:
        sheet = home if title is None else self.spreadsheet.sheet_by_title(title)
        if sheet is None:
            raise Unsupported(title)
        r_end = min(sheet.row_count, r1 if r1 is not None else sheet.row_count)
        c_end = min(sheet.column_count, c1 if c1 is not None else sheet.column_count)
        return [[self.effective(sheet, r, c) for c in range(c0, c_end)] for r in range(r0, r_end)]

    def render(self, sheet: Sheet, row: int, col: int, option: str, date_option: str) -> Any:
        """One cell as values.get shows it; None when empty."""
        cell = sheet.get(row, col) or {}
        entered = cell.get("userEnteredValue")
        if not entered:
            return None
        number_format = (cell.get("userEnteredFormat") or {}).get("numberFormat")
        if option == FORMULA and "formulaValue" in entered:
            return entered["formulaValue"]
        value = self.effective(sheet, row, col)
        return present(value, number_format, option, date_option)

    def formatted(self, sheet: Sheet, row: int, col: int) -> str | None:
        value = self.render(sheet, row, col, FORMATTED, SERIAL)
        return None if value is None else str(value)

    def matrix(self, target: Target, option: str, date_option: str, major: str = "ROWS") -> list[list[Any]]:
        """The values of a range with trailing empty cells/rows trimmed; middle gaps kept."""
        found: dict[tuple[int, int], Any] = {}
        for (r, c), _cell in target.sheet.cells_in(target.r0, target.r1, target.c0, target.c1):
            value = self.render(target.sheet, r, c, option, date_option)
            if value is not None and value != "":
                found[(r - target.r0, c - target.c0)] = value
        if major == "COLUMNS":
            found = {(c, r): v for (r, c), v in found.items()}
        return _trimmed(found)


def _plain(value: dict[str, Any]) -> Scalar:
    if "numberValue" in value:
        return float(value["numberValue"])
    if "boolValue" in value:
        return bool(value["boolValue"])
    if "errorValue" in value:
        error = value["errorValue"]
        return FormulaError("#ERROR!", error.get("type", "ERROR"), error.get("message", ""))
    return str(value.get("stringValue", ""))


def present(value: Scalar, number_format: dict[str, Any] | None, option: str, date_option: str) -> Any:
    """Turn an effective value into the JSON value a read returns under `option`."""
    if value is None:
        return None
    if isinstance(value, FormulaError):
        return value.code
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE") if option == FORMATTED else value
    if isinstance(value, str):
        return value
    if option == FORMATTED:
        return format_number(value, number_format)
    if date_option == FORMATTED_STRING and is_date_format(number_format):
        return format_number(value, number_format)
    return json_number(value)


def _trimmed(found: dict[tuple[int, int], Any]) -> list[list[Any]]:
    if not found:
        return []
    rows: list[list[Any]] = [[] for _ in range(max(r for r, _ in found) + 1)]
    widths: dict[int, int] = {}
    for r, c in found:
        widths[r] = max(widths.get(r, 0), c + 1)
    for r, width in widths.items():
        rows[r] = [""] * width
    for (r, c), value in found.items():
        rows[r][c] = value
    return rows


def effective_value(value: Scalar) -> dict[str, Any] | None:
    """An ExtendedValue for grid data's effectiveValue."""
    if value is None:
        return None
    if isinstance(value, FormulaError):
        return {"errorValue": {"type": value.type, "message": value.message}}
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, float):
        return {"numberValue": json_number(value)}
    return {"stringValue": value}


def cell_is_blank(cell: CellData | None) -> bool:
    return not cell or not cell.get("userEnteredValue")
