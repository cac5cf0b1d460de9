"""The Spreadsheet resource as spreadsheets.get returns it, and creating new spreadsheets."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from .formats import DEFAULT_FORMAT, DEFAULT_THEME, effective_format
from .model import (
    DEFAULT_COLUMNS,
    DEFAULT_ROWS,
    Ids,
    Sheet,
    Spreadsheet,
    Target,
    default_spreadsheet_properties,
    new_sheet_properties,
)
from .objects import OBJECT_FIELDS
from .render import Renderer, effective_value

URL = "https://docs.google.com/spreadsheets/d/{}/edit"
_ZERO_DEFAULTS = {"frozenRowCount": 0, "frozenColumnCount": 0, "hideGridlines": False}


def sheet_properties(sheet: Sheet) -> dict[str, Any]:
    """SheetProperties without the zero/false fields Google leaves out of its JSON."""
    props = copy.deepcopy(sheet.properties)
    grid = props.get("gridProperties", {})
    for key, default in _ZERO_DEFAULTS.items():
        if grid.get(key) == default:
            grid.pop(key)
    if props.get("hidden") is False:
        props.pop("hidden")
    return props


def spreadsheet_resource(
    spreadsheet: Spreadsheet, grid: bool = False, targets: list[Target] | None = None
) -> dict[str, Any]:
    """The full resource; with `targets`, only their sheets, and grid data for just those ranges."""
    properties = copy.deepcopy(spreadsheet.properties)
    properties.setdefault("defaultFormat", copy.deepcopy(DEFAULT_FORMAT))
    properties.setdefault("spreadsheetTheme", copy.deepcopy(DEFAULT_THEME))
    renderer = Renderer(spreadsheet)
    sheets = [
        _sheet_resource(sheet, renderer, grid, targets)
        for sheet in spreadsheet.sheets
        if targets is None or any(t.sheet is sheet for t in targets)
    ]
    resource: dict[str, Any] = {
        "spreadsheetId": spreadsheet.spreadsheet_id,
        "properties": properties,
        "sheets": sheets,
    }
    if spreadsheet.developer_metadata:
        resource["developerMetadata"] = copy.deepcopy(spreadsheet.developer_metadata)
    resource["spreadsheetUrl"] = URL.format(spreadsheet.spreadsheet_id)
    return resource


def _sheet_resource(sheet: Sheet, renderer: Renderer, grid: bool, targets: list[Target] | None) -> dict[str, Any]:
    out: dict[str, Any] = {"properties": sheet_properties(sheet)}
    if grid:
        boxes = [t for t in targets if t.sheet is sheet] if targets else [Target(sheet, 0, sheet.row_count, 0, sheet.column_count)]
        out["data"] = [grid_data(renderer, box) for box in boxes]
    for key in OBJECT_FIELDS:
        if sheet.objects.get(key):
            out[key] = copy.deepcopy(sheet.objects[key])
    if sheet.developer_metadata:
        out["developerMetadata"] = copy.deepcopy(sheet.developer_metadata)
    return out


def grid_data(renderer: Renderer, target: Target) -> dict[str, Any]:
    """GridData: rows up to the last one holding anything, plus default row/column sizes."""
    data: dict[str, Any] = {}
    if target.r0:
        data["startRow"] = target.r0
    if target.c0:
        data["startColumn"] = target.c0
    by_row: dict[int, int] = {}
    for (r, c), _cell in target.sheet.cells_in(target.r0, target.r1, target.c0, target.c1):
        by_row[r] = max(by_row.get(r, -1), c)
    if by_row:
        data["rowData"] = [_row_data(renderer, target, r, by_row.get(r)) for r in range(target.r0, max(by_row) + 1)]
    rows, columns = target.sheet.sizes.get("rowSizes", {}), target.sheet.sizes.get("columnSizes", {})
    data["rowMetadata"] = [{"pixelSize": rows.get(r, 21)} for r in range(target.r0, target.r1)]
    data["columnMetadata"] = [{"pixelSize": columns.get(c, 100)} for c in range(target.c0, target.c1)]
    return data


def _row_data(renderer: Renderer, target: Target, row: int, last_col: int | None) -> dict[str, Any]:
    if last_col is None:
        return {}
    return {"values": [_cell_data(renderer, target.sheet, row, c) for c in range(target.c0, last_col + 1)]}


def _cell_data(renderer: Renderer, sheet: Sheet, row: int, col: int) -> dict[str, Any]:
    cell = sheet.get(row, col)
    if not cell:
        return {}
    out: dict[str, Any] = {}
    if cell.get("userEnteredValue"):
        out["userEnteredValue"] = copy.deepcopy(cell["userEnteredValue"])
        effective = effective_value(renderer.effective(sheet, row, col))
        if effective:
            out["effectiveValue"] = effective
            out["formattedValue"] = renderer.formatted(sheet, row, col)
    if cell.get("userEnteredFormat"):
        out["userEnteredFormat"] = copy.deepcopy(cell["userEnteredFormat"])
    if out:
        out["effectiveFormat"] = effective_format(cell.get("userEnteredFormat") or {})
    for key in ("note", "hyperlink", "dataValidation"):
        if key in cell:
            out[key] = copy.deepcopy(cell[key])
    return out


def new_spreadsheet(
    ids: Ids,
    title: str,
    owner: str,
    now: float,
    sheets: Iterable[dict[str, Any]] = (),
    spreadsheet_id: str | None = None,
) -> Spreadsheet:
    """A new file; with no sheet properties given it gets Sheet1 (id 0, 1000x26) like Sheets."""
    spreadsheet = Spreadsheet(
        spreadsheet_id or ids.spreadsheet_id(),
        default_spreadsheet_properties(title),
        [],
        owner,
        created=now,
        modified=now,
    )
    for props in list(sheets) or [{}]:
        add_sheet_from(spreadsheet, ids, props)
    return spreadsheet


def add_sheet_from(spreadsheet: Spreadsheet, ids: Ids, props: dict[str, Any]) -> Sheet:
    """Append a sheet built from (possibly partial) SheetProperties."""
    taken = {s.sheet_id for s in spreadsheet.sheets}
    sheet_id = props.get("sheetId")
    if sheet_id is None:
        sheet_id = 0 if 0 not in taken else ids.positive_int(taken)
    title = props.get("title") or f"Sheet{len(spreadsheet.sheets) + 1}"
    grid = props.get("gridProperties") or {}
    sheet = Sheet(
        new_sheet_properties(
            int(sheet_id), title, len(spreadsheet.sheets),
            int(grid.get("rowCount", DEFAULT_ROWS)), int(grid.get("columnCount", DEFAULT_COLUMNS)),
        )
    )  # fmt: skip
    for key in ("frozenRowCount", "frozenColumnCount"):
        if grid.get(key):
            sheet.grid[key] = int(grid[key])
    spreadsheet.sheets.append(sheet)
    return sheet
