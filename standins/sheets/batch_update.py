"""spreadsheets:batchUpdate - the structural and formatting requests, applied all or nothing."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from . import metadata, objects
from .a1 import MAX_COLUMNS
from .app import App, Call, Reply
from .errors import (
    CELL_CHARACTERS,
    CELL_CHARACTERS_MESSAGE,
    CELL_LIMIT_MESSAGE,
    ApiError,
    RequestError,
    invalid,
)
from .fieldmask import MaskError, Path, apply_update, parse_mask
from .formats import mirrored_paths, normalize_format
from .model import Ids, Sheet, Spreadsheet, next_sheet_title
from .ranges import grid_target, require_sheet
from .resources import add_sheet_from, sheet_properties, spreadsheet_resource

RequestHandler = Callable[[Spreadsheet, dict[str, Any], Ids], dict[str, Any] | None]
VALUE_KEYS = {"stringValue", "numberValue", "boolValue", "formulaValue", "errorValue"}
READ_ONLY_CELL_FIELDS = {"effectiveValue", "formattedValue", "effectiveFormat", "textFormatRuns"}
# Real request kinds this stand-in does not model: named so the error says so plainly.
UNMODELLED = {
    "addFilterView", "addNamedRange", "addSlicer", "autoFill", "autoResizeDimensions", "copyPaste",
    "cutPaste", "deleteDuplicates", "deleteFilterView", "deleteNamedRange", "deleteRange",
    "duplicateSheet", "findReplace", "insertRange", "moveDimension", "pasteData", "sortRange",
    "textToColumns", "trimWhitespace", "updateBanding", "updateBorders", "updateChartSpec",
    "updateNamedRange", "updateProtectedRange", "addDimensionGroup", "deleteDimensionGroup",
    "updateDimensionGroup", "randomizeRange", "duplicateFilterView", "updateFilterView",
    "updateConditionalFormatRule", "updateEmbeddedObjectPosition", "appendCells",
}  # fmt: skip


def batch_update(app: App, call: Call) -> Reply:
    spreadsheet = app.writable(call)
    body = call.json()
    requests = body.get("requests")
    if not requests:
        raise invalid("Must specify at least one request.")
    replies = [_apply(spreadsheet, i, request, app.ids) for i, request in enumerate(requests)]
    app.commit(spreadsheet)
    reply: dict[str, Any] = {"spreadsheetId": spreadsheet.spreadsheet_id, "replies": replies}
    if body.get("includeSpreadsheetInResponse"):
        reply["updatedSpreadsheet"] = spreadsheet_resource(spreadsheet)
    return 200, reply


def _apply(spreadsheet: Spreadsheet, index: int, request: Any, ids: Ids) -> dict[str, Any]:
    if not isinstance(request, dict) or len(request) != 1:
        raise invalid(f"Invalid requests[{index}]: No request set.")
    kind, payload = next(iter(request.items()))
    handler = REQUESTS.get(kind)
    if handler is None and kind in UNMODELLED:
        raise invalid(f"Invalid requests[{index}].{kind}: this request is not modelled by the local Sheets stand-in.")
    if handler is None:
        raise ApiError(
            400, "INVALID_ARGUMENT",
            f"Invalid JSON payload received. Unknown name \"{kind}\" at 'requests[{index}]': Cannot find field.",
        )  # fmt: skip
    try:
        return handler(spreadsheet, payload or {}, ids) or {}
    except RequestError as error:
        raise invalid(f"Invalid requests[{index}].{kind}: {error}") from None
    except (TypeError, ValueError, KeyError) as error:
        raise invalid(f"Invalid requests[{index}].{kind}: {error}") from None


def _mask(payload: dict[str, Any]) -> list[Path]:
    text = payload.get("fields")
    if not text:
        raise RequestError("At least one field must be specified in 'fields'.")
    try:
        return parse_mask(str(text))
    except MaskError:
        raise RequestError(f"Invalid field mask: {text}") from None


def _check_cell_limit(spreadsheet: Spreadsheet) -> None:
    if not spreadsheet.within_cell_limit():
        raise RequestError(CELL_LIMIT_MESSAGE)


# ---- sheets -------------------------------------------------------------------------------


def add_sheet(spreadsheet: Spreadsheet, payload: dict[str, Any], ids: Ids) -> dict[str, Any]:
    props = copy.deepcopy(payload.get("properties") or {})
    props["title"] = props.get("title") or next_sheet_title(spreadsheet)
    if spreadsheet.sheet_by_title(props["title"]):
        raise RequestError(f'A sheet with the name "{props["title"]}" already exists. Please enter another name.')
    if props.get("sheetType", "GRID") != "GRID":
        raise RequestError("Only GRID sheets are modelled by the local stand-in.")
    if props.get("sheetId") is not None:
        _check_new_sheet_id(spreadsheet, props["sheetId"])
    _check_dimensions(props.get("gridProperties") or {})
    sheet = add_sheet_from(spreadsheet, ids, props)
    _copy_optional(sheet, props)
    _move(spreadsheet, sheet, props.get("index"))
    _check_cell_limit(spreadsheet)
    return {"addSheet": {"properties": sheet_properties(sheet)}}


def _check_new_sheet_id(spreadsheet: Spreadsheet, sheet_id: Any) -> None:
    if int(sheet_id) < 0:
        raise RequestError(f"Sheet id must be non-negative, got {sheet_id}.")
    if spreadsheet.sheet_by_id(int(sheet_id)):
        raise RequestError(f"A sheet with the id {int(sheet_id)} already exists.")


def _check_dimensions(grid: dict[str, Any]) -> None:
    rows, cols = grid.get("rowCount"), grid.get("columnCount")
    if rows is not None and int(rows) < 1:
        raise RequestError("The number of rows must be greater than 0.")
    if cols is not None and not 1 <= int(cols) <= MAX_COLUMNS:
        raise RequestError(f"The number of columns must be between 1 and {MAX_COLUMNS}.")


def _copy_optional(sheet: Sheet, props: dict[str, Any]) -> None:
    for key in ("hidden", "rightToLeft", "tabColor", "tabColorStyle"):
        if key in props:
            sheet.properties[key] = copy.deepcopy(props[key])
    sheet.properties.update(normalize_format({k: v for k, v in sheet.properties.items() if k.startswith("tabColor")}))


def _move(spreadsheet: Spreadsheet, sheet: Sheet, index: Any, before_move: bool = False) -> None:
    """Place a sheet; updates count indexes "before the move", as the API documents."""
    current = spreadsheet.sheets.index(sheet)
    spreadsheet.sheets.remove(sheet)
    position = len(spreadsheet.sheets) if index is None else int(index)
    if before_move and position > current:
        position -= 1
    spreadsheet.sheets.insert(max(0, min(position, len(spreadsheet.sheets))), sheet)
    spreadsheet.reindex()


def delete_sheet(spreadsheet: Spreadsheet, payload: dict[str, Any], ids: Ids) -> None:
    sheet = require_sheet(spreadsheet, payload.get("sheetId"))
    if len(spreadsheet.sheets) == 1:
        raise RequestError("You can't remove all the sheets in a document.")
    spreadsheet.sheets.remove(sheet)
    spreadsheet.reindex()


def update_sheet_properties(spreadsheet: Spreadsheet, payload: dict[str, Any], ids: Ids) -> None:
    source = payload.get("properties") or {}
    sheet = require_sheet(spreadsheet, source.get("sheetId"))
    mask = _mask(payload)
    paths = [p for p in mask if p[0] not in ("sheetId", "index")]
    updated = apply_update(sheet.properties, source, mirrored_paths(paths))
    updated["sheetId"], updated["index"] = sheet.sheet_id, sheet.properties["index"]
    _check_title(spreadsheet, sheet, updated.get("title"))
    if updated.get("hidden") and all(s is sheet or s.properties.get("hidden") for s in spreadsheet.sheets):
        raise RequestError("You can't hide all the sheets in a document.")
    _check_grid(updated.setdefault("gridProperties", {}))
    sheet.properties = normalize_format(updated)
    sheet.resize(int(updated["gridProperties"]["rowCount"]), int(updated["gridProperties"]["columnCount"]))
    if "index" in source and any(p[0] in ("index", "*") for p in mask):
        _move(spreadsheet, sheet, source["index"], before_move=True)
    _check_cell_limit(spreadsheet)


def _check_title(spreadsheet: Spreadsheet, sheet: Sheet, title: Any) -> None:
    if not title:
        raise RequestError("A sheet title must not be empty.")
    other = spreadsheet.sheet_by_title(str(title))
    if other is not None and other is not sheet:
        raise RequestError(f'A sheet with the name "{title}" already exists. Please enter another name.')


def _check_grid(grid: dict[str, Any]) -> None:
    _check_dimensions({"rowCount": grid.get("rowCount", 0), "columnCount": grid.get("columnCount", 0)})
    if int(grid.get("frozenRowCount", 0)) >= int(grid["rowCount"]):
        raise RequestError("You can't freeze all visible rows on the sheet.")
    if int(grid.get("frozenColumnCount", 0)) >= int(grid["columnCount"]):
        raise RequestError("You can't freeze all visible columns on the sheet.")


def update_spreadsheet_properties(spreadsheet: Spreadsheet, payload: dict[str, Any], ids: Ids) -> None:
    updated = apply_update(spreadsheet.properties, payload.get("properties") or {}, _mask(payload))
    if not updated.get("title"):
        raise RequestError("A spreadsheet title must not be empty.")
    spreadsheet.properties = updated


# ---- dimensions ---------------------------------------------------------------------------


def append_dimension(spreadsheet: Spreadsheet, payload: dict[str, Any], ids: Ids) -> None:
    sheet = require_sheet(spreadsheet, payload.get("sheetId"))
    length = int(payload.get("length", 0))
    if length < 1:
        raise RequestError("length must be greater than 0.")
    key = "rowCount" if _dimension(payload) == "ROWS" else "columnCount"
    sheet.grid[key] += length
    _check_dimensions(sheet.grid)
    _check_cell_limit(spreadsheet)


def _dimension(payload: dict[str, Any]) -> str:
    dimension = payload.get("dimension")
    if dimension not in ("ROWS", "COLUMNS"):
        raise RequestError("dimension must be ROWS or COLUMNS.")
    return str(dimension)


def insert_dimension(spreadsheet: Spreadsheet, payload: dict[str, Any], ids: Ids) -> None:
    sheet, dimension, start, end = _dimension_range(spreadsheet, payload.get("range") or {})
    size = sheet.row_count if dimension == "ROWS" else sheet.column_count
    if start > size:
        raise RequestError(f"The start index {start} is past the end of the sheet ({size}).")
    sheet.shift(dimension, start, end - start)
    _check_dimensions(sheet.grid)
    _check_cell_limit(spreadsheet)


def delete_dimension(spreadsheet: Spreadsheet, payload: dict[str, Any], ids: Ids) -> None:
    sheet, dimension, start, end = _dimension_range(spreadsheet, payload.get("range") or {})
    size = sheet.row_count if dimension == "ROWS" else sheet.column_count
    if end > size:
        raise RequestError(f"The end index {end} is past the end of the sheet ({size}).")
    if start == 0 and end == size:
        noun = "rows" if dimension == "ROWS" else "columns"
        raise RequestError(f"You can't delete all the {noun} on the sheet.")
    sheet.shift(dimension, start, start - end)


def _dimension_range(spreadsheet: Spreadsheet, dim_range: dict[str, Any]) -> tuple[Sheet, str, int, int]:
    sheet = require_sheet(spreadsheet, dim_range.get("sheetId"))
    start, end = int(dim_range.get("startIndex", 0)), int(dim_range.get("endIndex", 0))
    if not 0 <= start < end:
        raise RequestError("startIndex must be less than endIndex.")
    return sheet, _dimension(dim_range), start, end


# ---- cells --------------------------------------------------------------------------------


def _cell_paths(payload: dict[str, Any]) -> list[Path]:
    paths = [p for p in _mask(payload) if p[0] not in READ_ONLY_CELL_FIELDS]
    return mirrored_paths(paths)


def _clean_cell(cell: Any) -> dict[str, Any]:
    if not isinstance(cell, dict):
        raise RequestError("CellData must be an object.")
    value = cell.get("userEnteredValue")
    if value is not None and (not isinstance(value, dict) or len(value) != 1 or not set(value) <= VALUE_KEYS):
        raise RequestError("userEnteredValue must set exactly one of stringValue, numberValue, boolValue, formulaValue.")
    text = (value or {}).get("stringValue") or (value or {}).get("formulaValue")
    if isinstance(text, str) and len(text) > CELL_CHARACTERS:
        raise RequestError(CELL_CHARACTERS_MESSAGE)
    return normalize_format({k: v for k, v in cell.items() if k not in READ_ONLY_CELL_FIELDS})


def _put(sheet: Sheet, row: int, col: int, source: dict[str, Any], paths: list[Path]) -> None:
    old = sheet.get(row, col)
    if old is None and not source:
        return
    new = apply_update(old or {}, source, paths)
    if new.get("userEnteredValue") == {"stringValue": ""}:
        new.pop("userEnteredValue")
    sheet.put(row, col, new)


def update_cells(spreadsheet: Spreadsheet, payload: dict[str, Any], ids: Ids) -> None:
    paths = _cell_paths(payload)
    rows = payload.get("rows") or []
    if "range" in payload:
        target = grid_target(spreadsheet, payload["range"])
        sheet, r0, c0, r_end, c_end = target.sheet, target.r0, target.c0, target.r1, target.c1
    elif "start" in payload:
        start = payload["start"]
        sheet = require_sheet(spreadsheet, start.get("sheetId"))
        r0, c0 = int(start.get("rowIndex", 0)), int(start.get("columnIndex", 0))
        r_end, c_end = sheet.row_count, sheet.column_count
    else:
        raise RequestError("Either 'start' or 'range' must be set.")
    covered = _write_rows(sheet, rows, r0, c0, r_end, c_end, paths)
    if "range" in payload:
        for (r, c), _cell in list(sheet.cells_in(r0, r_end, c0, c_end)):
            if (r, c) not in covered:
                _put(sheet, r, c, {}, paths)


def _write_rows(
    sheet: Sheet, rows: list[Any], r0: int, c0: int, r_end: int, c_end: int, paths: list[Path]
) -> set[tuple[int, int]]:
    covered: set[tuple[int, int]] = set()
    for i, row in enumerate(rows):
        for j, cell in enumerate((row or {}).get("values") or []):
            r, c = r0 + i, c0 + j
            if r >= r_end:
                raise RequestError(f"Attempting to write row: {r}, beyond the last requested row of: {r_end - 1}")
            if c >= c_end:
                raise RequestError(f"Attempting to write column: {c}, beyond the last requested column of: {c_end - 1}")
            _put(sheet, r, c, _clean_cell(cell), paths)
            covered.add((r, c))
    return covered


def repeat_cell(spreadsheet: Spreadsheet, payload: dict[str, Any], ids: Ids) -> None:
    paths = _cell_paths(payload)
    target = grid_target(spreadsheet, payload.get("range") or {})
    source = _clean_cell(payload.get("cell") or {})
    for r in range(target.r0, target.r1):
        for c in range(target.c0, target.c1):
            _put(target.sheet, r, c, source, paths)


REQUESTS: dict[str, RequestHandler] = {
    "addSheet": add_sheet,
    "deleteSheet": delete_sheet,
    "updateSheetProperties": update_sheet_properties,
    "updateSpreadsheetProperties": update_spreadsheet_properties,
    "appendDimension": append_dimension,
    "insertDimension": insert_dimension,
    "deleteDimension": delete_dimension,
    "updateCells": update_cells,
    "repeatCell": repeat_cell,
    "createDeveloperMetadata": metadata.create,
    "deleteDeveloperMetadata": metadata.delete,
    "updateDeveloperMetadata": metadata.update,
    **objects.REQUESTS,
}

HANDLERS = {"spreadsheets.batchUpdate": batch_update}
