"""Developer metadata: create/delete/update requests, lookups and developerMetadata:search.

Only SPREADSHEET and SHEET locations are modelled - enough for marking the tabs a job owns.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from .app import App, Call, Reply
from .errors import RequestError, invalid
from .fieldmask import MaskError, apply_update, parse_mask
from .model import Ids, Spreadsheet, metadata_ids
from .ranges import require_sheet

VISIBILITIES = ("DOCUMENT", "PROJECT")


def entries(spreadsheet: Spreadsheet) -> Iterator[tuple[list[dict[str, Any]], dict[str, Any]]]:
    """Every metadata entry with the list that holds it (spreadsheet first, then each sheet)."""
    for item in spreadsheet.developer_metadata:
        yield spreadsheet.developer_metadata, item
    for sheet in spreadsheet.sheets:
        for item in sheet.developer_metadata:
            yield sheet.developer_metadata, item


def create(spreadsheet: Spreadsheet, payload: dict[str, Any], ids: Ids) -> dict[str, Any]:
    wanted = payload.get("developerMetadata") or {}
    key = wanted.get("metadataKey")
    if not key:
        raise RequestError("Developer metadata must have a metadataKey.")
    visibility = wanted.get("visibility") or "DOCUMENT"
    if visibility not in VISIBILITIES:
        raise RequestError(f"Invalid developer metadata visibility: {visibility}")
    holder, location = _location(spreadsheet, wanted.get("location") or {})
    metadata_id = _new_id(spreadsheet, wanted.get("metadataId"), ids)
    entry: dict[str, Any] = {"metadataId": metadata_id, "metadataKey": key}
    if wanted.get("metadataValue") is not None:
        entry["metadataValue"] = wanted["metadataValue"]
    entry.update(location=location, visibility=visibility)
    holder.append(entry)
    return {"createDeveloperMetadata": {"developerMetadata": copy.deepcopy(entry)}}


def _location(spreadsheet: Spreadsheet, location: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    if "sheetId" in location:
        sheet = require_sheet(spreadsheet, location["sheetId"])
        return sheet.developer_metadata, {"locationType": "SHEET", "sheetId": sheet.sheet_id}
    if location.get("spreadsheet"):
        return spreadsheet.developer_metadata, {"locationType": "SPREADSHEET", "spreadsheet": True}
    if "dimensionRange" in location:
        raise RequestError("Row and column developer metadata is not modelled by the local stand-in.")
    raise RequestError("Developer metadata location must be specified.")


def _new_id(spreadsheet: Spreadsheet, wanted: Any, ids: Ids) -> int:
    taken = metadata_ids(spreadsheet)
    if wanted is None:
        return ids.positive_int(taken)
    if int(wanted) < 0:
        raise RequestError("Developer metadata ID must be non-negative.")
    if int(wanted) in taken:
        raise RequestError(f"Developer metadata with ID {int(wanted)} already exists.")
    return int(wanted)


def matches(entry: dict[str, Any], lookup: dict[str, Any]) -> bool:
    """DeveloperMetadataLookup semantics: every field given must match."""
    location = entry.get("location", {})
    wanted_location = lookup.get("metadataLocation") or {}
    checks = [
        ("metadataId", entry.get("metadataId")),
        ("metadataKey", entry.get("metadataKey")),
        ("metadataValue", entry.get("metadataValue")),
        ("visibility", entry.get("visibility")),
        ("locationType", location.get("locationType")),
    ]
    if any(lookup.get(name) is not None and lookup[name] != actual for name, actual in checks):
        return False
    if "sheetId" in wanted_location and location.get("sheetId") != wanted_location["sheetId"]:
        return False
    if wanted_location.get("spreadsheet") and location.get("locationType") != "SPREADSHEET":
        return False
    wanted_type = wanted_location.get("locationType")
    return not wanted_type or wanted_type == location.get("locationType")


def _lookup(data_filter: dict[str, Any]) -> dict[str, Any]:
    lookup = data_filter.get("developerMetadataLookup")
    if not isinstance(lookup, dict):
        raise RequestError("Only developerMetadataLookup data filters are modelled by the local stand-in.")
    return lookup


def delete(spreadsheet: Spreadsheet, payload: dict[str, Any], ids: Ids) -> dict[str, Any]:
    lookup = _lookup(payload.get("dataFilter") or {})
    found = [(holder, entry) for holder, entry in entries(spreadsheet) if matches(entry, lookup)]
    for holder, entry in found:
        holder.remove(entry)
    if not found:
        return {"deleteDeveloperMetadata": {}}
    return {"deleteDeveloperMetadata": {"deletedDeveloperMetadata": [copy.deepcopy(e) for _, e in found]}}


def update(spreadsheet: Spreadsheet, payload: dict[str, Any], ids: Ids) -> dict[str, Any]:
    lookups = [_lookup(f) for f in payload.get("dataFilters") or []]
    try:
        paths = parse_mask(payload.get("fields") or "")
    except MaskError:
        raise RequestError("At least one field must be specified in 'fields'.") from None
    source = payload.get("developerMetadata") or {}
    changed = []
    for _holder, entry in list(entries(spreadsheet)):
        if any(matches(entry, lookup) for lookup in lookups):
            new = apply_update(entry, source, [p for p in paths if p[0] not in ("metadataId", "location")])
            entry.clear()
            entry.update(new)
            changed.append(copy.deepcopy(entry))
    return {"updateDeveloperMetadata": {"developerMetadata": changed}} if changed else {"updateDeveloperMetadata": {}}


def search(app: App, call: Call) -> Reply:
    """POST spreadsheets/{id}/developerMetadata:search with developerMetadataLookup filters."""
    spreadsheet = app.readable(call)
    matched = []
    for data_filter in call.json().get("dataFilters") or []:
        lookup = data_filter.get("developerMetadataLookup")
        if not isinstance(lookup, dict):
            raise invalid("Only developerMetadataLookup data filters are modelled by the local stand-in.")
        for _holder, entry in entries(spreadsheet):
            if matches(entry, lookup):
                matched.append({"developerMetadata": copy.deepcopy(entry), "dataFilters": [data_filter]})
    return 200, ({"matchedDeveloperMetadata": matched} if matched else {})


def find(spreadsheet: Spreadsheet, key: str | None = None, sheet_id: int | None = None) -> list[dict[str, Any]]:
    """Entries by key and/or sheet, for the seeding API."""
    lookup: dict[str, Any] = {"metadataKey": key}
    if sheet_id is not None:
        lookup["metadataLocation"] = {"sheetId": sheet_id}
    return [copy.deepcopy(e) for _, e in entries(spreadsheet) if matches(e, lookup)]
