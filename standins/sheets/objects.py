"""batchUpdate requests for what sits on a sheet besides its cells: column sizes, the basic filter,
banded ranges, conditional format rules, protected ranges, merges, data validation and charts.

Each is stored on the Sheet as Google returns it from spreadsheets.get (`Sheet.objects`, keyed by
the Sheet resource's field names), and validated before anything is applied: a range on a missing
sheet or past the grid is Google's "No grid with id" / "exceeds grid limits"; a whole-sheet
protection on a sheet that has one is Google's "already has sheet protection". Wording copied
from Google's answers where they are on record (see README, "Known differences").
"""

from __future__ import annotations

import copy
from typing import Any

from .errors import RequestError
from .formats import normalize_format
from .model import Ids, Sheet, Spreadsheet
from .ranges import grid_target, require_sheet

Payload = dict[str, Any]

OBJECT_FIELDS = ("merges", "conditionalFormats", "filterViews", "protectedRanges", "basicFilter",
                 "charts", "bandedRanges")
"""The Sheet resource's fields after `data`, in Google's order."""
CHART_TYPES = {"BAR", "LINE", "AREA", "COLUMN", "SCATTER", "COMBO", "STEPPED_AREA"}


def _list(sheet: Sheet, key: str) -> list[dict[str, Any]]:
    return sheet.objects.setdefault(key, [])


def _all(spreadsheet: Spreadsheet, key: str) -> list[tuple[Sheet, dict[str, Any]]]:
    return [(s, item) for s in spreadsheet.sheets for item in s.objects.get(key, [])]


def _new_id(spreadsheet: Spreadsheet, ids: Ids, key: str, id_field: str, wanted: Any) -> int:
    taken = {int(item[id_field]) for _, item in _all(spreadsheet, key)}
    if wanted is None:
        return ids.positive_int(taken)
    if int(wanted) in taken:
        raise RequestError(f"An object with id {int(wanted)} already exists.")
    return int(wanted)


def _checked_range(spreadsheet: Spreadsheet, grid_range: Any) -> dict[str, Any]:
    """A GridRange as stored: validated against the grid, bounds only where given."""
    if not isinstance(grid_range, dict):
        raise RequestError("range must be set.")
    target = grid_target(spreadsheet, grid_range)
    stored = {"sheetId": target.sheet.sheet_id}
    for key in ("startRowIndex", "endRowIndex", "startColumnIndex", "endColumnIndex"):
        if key in grid_range:
            stored[key] = int(grid_range[key])
    return stored


# ---- column and row sizes -----------------------------------------------------------------


def update_dimension_properties(spreadsheet: Spreadsheet, payload: Payload, ids: Ids) -> None:
    rng = payload.get("range") or {}
    sheet = require_sheet(spreadsheet, rng.get("sheetId"))
    dimension = rng.get("dimension")
    if dimension not in ("ROWS", "COLUMNS"):
        raise RequestError("dimension must be ROWS or COLUMNS.")
    size = sheet.row_count if dimension == "ROWS" else sheet.column_count
    start, end = int(rng.get("startIndex", 0)), int(rng.get("endIndex", size))
    if not 0 <= start < end or end > size:
        raise RequestError(f"Invalid dimension range: {start} to {end} (the sheet has {size}).")
    if not payload.get("fields"):
        raise RequestError("At least one field must be specified in 'fields'.")
    pixels = (payload.get("properties") or {}).get("pixelSize")
    if pixels is None or int(pixels) < 0:
        raise RequestError("pixelSize must be set and not negative.")
    key = "rowSizes" if dimension == "ROWS" else "columnSizes"
    sizes = sheet.sizes.setdefault(key, {})
    for index in range(start, end):
        sizes[index] = int(pixels)


# ---- basic filter -------------------------------------------------------------------------


def set_basic_filter(spreadsheet: Spreadsheet, payload: Payload, ids: Ids) -> None:
    flt = payload.get("filter") or {}
    stored = _checked_range(spreadsheet, flt.get("range"))
    sheet = require_sheet(spreadsheet, stored["sheetId"])
    sheet.objects["basicFilter"] = {"range": stored, **{k: copy.deepcopy(v) for k, v in flt.items()
                                                        if k in ("sortSpecs", "filterSpecs")}}


def clear_basic_filter(spreadsheet: Spreadsheet, payload: Payload, ids: Ids) -> None:
    require_sheet(spreadsheet, payload.get("sheetId")).objects.pop("basicFilter", None)


# ---- banding ------------------------------------------------------------------------------


def add_banding(spreadsheet: Spreadsheet, payload: Payload, ids: Ids) -> dict[str, Any]:
    band = copy.deepcopy(payload.get("bandedRange") or {})
    stored = _checked_range(spreadsheet, band.get("range"))
    if not band.get("rowProperties") and not band.get("columnProperties"):
        raise RequestError("BandedRange must set rowProperties or columnProperties.")
    sheet = require_sheet(spreadsheet, stored["sheetId"])
    for other in sheet.objects.get("bandedRanges", []):
        if _overlap(other["range"], stored, sheet):
            raise RequestError("You cannot add alternating colors to a range that already has "
                               "alternating colors.")
    band["bandedRangeId"] = _new_id(spreadsheet, ids, "bandedRanges", "bandedRangeId",
                                    band.get("bandedRangeId"))
    band["range"] = stored
    band = normalize_format(band)
    _list(sheet, "bandedRanges").append(band)
    return {"addBanding": {"bandedRange": copy.deepcopy(band)}}


def _overlap(a: dict[str, Any], b: dict[str, Any], sheet: Sheet) -> bool:
    def span(r: dict[str, Any], lo: str, hi: str, size: int) -> tuple[int, int]:
        return int(r.get(lo, 0)), int(r.get(hi, size))
    ar = span(a, "startRowIndex", "endRowIndex", sheet.row_count)
    br = span(b, "startRowIndex", "endRowIndex", sheet.row_count)
    ac = span(a, "startColumnIndex", "endColumnIndex", sheet.column_count)
    bc = span(b, "startColumnIndex", "endColumnIndex", sheet.column_count)
    return ar[0] < br[1] and br[0] < ar[1] and ac[0] < bc[1] and bc[0] < ac[1]


def delete_banding(spreadsheet: Spreadsheet, payload: Payload, ids: Ids) -> None:
    wanted = int(payload.get("bandedRangeId", -1))
    for sheet, band in _all(spreadsheet, "bandedRanges"):
        if int(band["bandedRangeId"]) == wanted:
            sheet.objects["bandedRanges"].remove(band)
            return
    raise RequestError(f"No banded range with id: {wanted}")


# ---- conditional formatting ---------------------------------------------------------------


def add_conditional_format_rule(spreadsheet: Spreadsheet, payload: Payload, ids: Ids) -> None:
    rule = copy.deepcopy(payload.get("rule") or {})
    ranges = [_checked_range(spreadsheet, r) for r in rule.get("ranges") or []]
    if not ranges:
        raise RequestError("ConditionalFormatRule must have at least one range.")
    if len({r["sheetId"] for r in ranges}) != 1:
        raise RequestError("All ranges of a conditional format rule must be on the same sheet.")
    if ("booleanRule" in rule) == ("gradientRule" in rule):
        raise RequestError(
            "ConditionalFormatRule must set exactly one of booleanRule or gradientRule.")
    if "booleanRule" in rule and not (rule["booleanRule"].get("condition") or {}).get("type"):
        raise RequestError("BooleanCondition must set a type.")
    rule["ranges"] = ranges
    rules = _list(require_sheet(spreadsheet, ranges[0]["sheetId"]), "conditionalFormats")
    index = int(payload.get("index", 0))
    if not 0 <= index <= len(rules):
        raise RequestError(
            f"Invalid index {index}: the sheet has {len(rules)} conditional format rules.")
    rules.insert(index, normalize_format(rule))


def delete_conditional_format_rule(spreadsheet: Spreadsheet, payload: Payload, ids: Ids) -> None:
    sheet = require_sheet(spreadsheet, payload.get("sheetId"))
    rules = sheet.objects.get("conditionalFormats", [])
    index = int(payload.get("index", 0))
    if not 0 <= index < len(rules):
        raise RequestError(f"No conditional format on sheet: {sheet.sheet_id} at index: {index}")
    rules.pop(index)


# ---- protected ranges ---------------------------------------------------------------------


def add_protected_range(spreadsheet: Spreadsheet, payload: Payload, ids: Ids) -> dict[str, Any]:
    protected = copy.deepcopy(payload.get("protectedRange") or {})
    stored = _checked_range(spreadsheet, protected.get("range"))
    sheet = require_sheet(spreadsheet, stored["sheetId"])
    if protected.get("warningOnly") and protected.get("editors"):
        raise RequestError("ProtectedRange is warningOnly. Editors cannot be set on it.")
    whole = _whole_sheet(stored)
    if whole and any(_whole_sheet(p["range"]) for p in sheet.objects.get("protectedRanges", [])):
        raise RequestError(f'Sheet "{sheet.title}" already has sheet protection.')
    protected["protectedRangeId"] = _new_id(spreadsheet, ids, "protectedRanges", "protectedRangeId",
                                            protected.get("protectedRangeId"))
    protected["range"] = stored
    protected.setdefault("requestingUserCanEdit", True)
    _list(sheet, "protectedRanges").append(protected)
    return {"addProtectedRange": {"protectedRange": copy.deepcopy(protected)}}


def _whole_sheet(grid_range: dict[str, Any]) -> bool:
    return set(grid_range) == {"sheetId"}


def delete_protected_range(spreadsheet: Spreadsheet, payload: Payload, ids: Ids) -> None:
    wanted = int(payload.get("protectedRangeId", -1))
    for sheet, item in _all(spreadsheet, "protectedRanges"):
        if int(item["protectedRangeId"]) == wanted:
            sheet.objects["protectedRanges"].remove(item)
            return
    raise RequestError(f"No protected range with id: {wanted}")


# ---- merges -------------------------------------------------------------------------------


def merge_cells(spreadsheet: Spreadsheet, payload: Payload, ids: Ids) -> None:
    stored = _checked_range(spreadsheet, payload.get("range"))
    if payload.get("mergeType", "MERGE_ALL") != "MERGE_ALL":
        raise RequestError("Only MERGE_ALL merges are modelled by the local stand-in.")
    sheet = require_sheet(spreadsheet, stored["sheetId"])
    for other in sheet.objects.get("merges", []):
        if _overlap(other, stored, sheet):
            raise RequestError("You can't merge cells that overlap an existing merge.")
    _list(sheet, "merges").append(stored)


def unmerge_cells(spreadsheet: Spreadsheet, payload: Payload, ids: Ids) -> None:
    stored = _checked_range(spreadsheet, payload.get("range"))
    sheet = require_sheet(spreadsheet, stored["sheetId"])
    sheet.objects["merges"] = [m for m in sheet.objects.get("merges", [])
                               if not _overlap(m, stored, sheet)]


# ---- data validation ----------------------------------------------------------------------


def set_data_validation(spreadsheet: Spreadsheet, payload: Payload, ids: Ids) -> None:
    """Stored on each cell of the range (CellData.dataValidation), as Google returns it."""
    target = grid_target(spreadsheet, payload.get("range") or {})
    rule = payload.get("rule")
    for r in range(target.r0, target.r1):
        for c in range(target.c0, target.c1):
            cell = dict(target.sheet.get(r, c) or {})
            if rule:
                cell["dataValidation"] = copy.deepcopy(rule)
            else:
                cell.pop("dataValidation", None)
            target.sheet.put(r, c, cell)


# ---- charts -------------------------------------------------------------------------------


def add_chart(spreadsheet: Spreadsheet, payload: Payload, ids: Ids) -> dict[str, Any]:
    chart = copy.deepcopy(payload.get("chart") or {})
    spec = chart.get("spec") or {}
    basic = spec.get("basicChart")
    if basic is None:
        raise RequestError("Only basicChart specs are modelled by the local stand-in.")
    if basic.get("chartType") not in CHART_TYPES:
        raise RequestError(f"Invalid chart type: {basic.get('chartType')}")
    for source in _sources(basic):
        _check_source(spreadsheet, source)
    sheet = _chart_sheet(spreadsheet, chart.get("position") or {})
    chart["chartId"] = _new_id(spreadsheet, ids, "charts", "chartId", chart.get("chartId"))
    _list(sheet, "charts").append(chart)
    return {"addChart": {"chart": copy.deepcopy(chart)}}


def _sources(basic: dict[str, Any]) -> list[dict[str, Any]]:
    found = [d.get("domain", {}) for d in basic.get("domains", [])]
    found += [s.get("series", {}) for s in basic.get("series", [])]
    if not basic.get("series"):
        raise RequestError("A chart must have at least one series.")
    return [r for data in found for r in (data.get("sourceRange") or {}).get("sources", [])]


def _check_source(spreadsheet: Spreadsheet, source: dict[str, Any]) -> None:
    target = grid_target(spreadsheet, source)
    if target.r1 - target.r0 != 1 and target.c1 - target.c0 != 1:
        raise RequestError(
            "ChartSourceRange ranges require all rows or all columns to have length of 1")


def _chart_sheet(spreadsheet: Spreadsheet, position: dict[str, Any]) -> Sheet:
    overlay: dict[str, Any] | None = position.get("overlayPosition")
    if overlay is None:
        raise RequestError(
            "Only charts with an overlayPosition are modelled by the local stand-in.")
    anchor = overlay.get("anchorCell") or {}
    sheet = require_sheet(spreadsheet, anchor.get("sheetId"))
    row, col = int(anchor.get("rowIndex", 0)), int(anchor.get("columnIndex", 0))
    grid_target(spreadsheet, {"sheetId": sheet.sheet_id, "startRowIndex": row,
                              "endRowIndex": row + 1, "startColumnIndex": col,
                              "endColumnIndex": col + 1})
    return sheet


def delete_embedded_object(spreadsheet: Spreadsheet, payload: Payload, ids: Ids) -> None:
    wanted = int(payload.get("objectId", -1))
    for sheet, chart in _all(spreadsheet, "charts"):
        if int(chart["chartId"]) == wanted:
            sheet.objects["charts"].remove(chart)
            return
    raise RequestError(f"No embedded object with id: {wanted}")


REQUESTS = {
    "updateDimensionProperties": update_dimension_properties,
    "setBasicFilter": set_basic_filter,
    "clearBasicFilter": clear_basic_filter,
    "addBanding": add_banding,
    "deleteBanding": delete_banding,
    "addConditionalFormatRule": add_conditional_format_rule,
    "deleteConditionalFormatRule": delete_conditional_format_rule,
    "addProtectedRange": add_protected_range,
    "deleteProtectedRange": delete_protected_range,
    "mergeCells": merge_cells,
    "unmergeCells": unmerge_cells,
    "setDataValidation": set_data_validation,
    "addChart": add_chart,
    "deleteEmbeddedObject": delete_embedded_object,
}
