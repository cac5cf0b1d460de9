"""spreadsheets.get (includeGridData, ranges, fields) and spreadsheets.create."""

from __future__ import annotations

from typing import Any

from . import metadata
from .app import App, Call, Reply
from .errors import CELL_LIMIT_MESSAGE, invalid
from .fieldmask import MaskError, mask_tree, mentions, parse_mask, project
from .ranges import resolve
from .resources import add_sheet_from, new_spreadsheet, spreadsheet_resource


def spreadsheets_get(app: App, call: Call) -> Reply:
    spreadsheet = app.readable(call)
    tree = None
    if call.param("fields"):
        try:
            tree = mask_tree(parse_mask(call.param("fields") or ""))
        except MaskError:
            raise invalid("Request contains an invalid argument.") from None
    targets = [resolve(spreadsheet, text) for text in call.params("ranges")] or None
    grid = call.flag("includeGridData") or (tree is not None and mentions(tree, "sheets", "data"))
    resource = spreadsheet_resource(spreadsheet, grid=grid, targets=targets)
    return 200, project(resource, tree) if tree is not None else resource


def spreadsheets_create(app: App, call: Call) -> Reply:
    """POST /v4/spreadsheets: a Spreadsheet body with optional properties and sheets."""
    body = call.json()
    props = body.get("properties") or {}
    sheet_props = [s.get("properties") or {} for s in body.get("sheets") or []]
    titles = [str(p["title"]) for p in sheet_props if p.get("title")]
    if len(titles) != len({t.lower() for t in titles}):
        raise invalid("Invalid spreadsheet: duplicate sheet titles.")
    spreadsheet = new_spreadsheet(app.ids, props.get("title") or "Untitled spreadsheet", call.token, app.clock.now())
    if sheet_props:
        spreadsheet.sheets.clear()
        for index, sheet in enumerate(sheet_props):
            add_sheet_from(spreadsheet, app.ids, {**sheet, "sheetId": sheet.get("sheetId", 0 if index == 0 else None)})
    for key in ("locale", "timeZone", "autoRecalc"):
        if key in props:
            spreadsheet.properties[key] = props[key]
    if not spreadsheet.within_cell_limit():
        raise invalid(CELL_LIMIT_MESSAGE)
    app.commit(spreadsheet)
    return 200, spreadsheet_resource(spreadsheet)


HANDLERS: dict[str, Any] = {
    "spreadsheets.get": spreadsheets_get,
    "spreadsheets.create": spreadsheets_create,
    "developerMetadata.search": metadata.search,
}
