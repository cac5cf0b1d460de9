"""Saving and loading the stand-in's spreadsheets as one JSON file (for the CLI's --state)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from .model import Folder, Place, SharedDrive, Sheet, Spreadsheet

VERSION = 1


def dump(spreadsheets: dict[str, Spreadsheet], folders: dict[str, Folder] | None = None,
         drives: dict[str, SharedDrive] | None = None) -> dict[str, Any]:
    return {
        "version": VERSION,
        "spreadsheets": [_dump_spreadsheet(s) for s in spreadsheets.values()],
        "folders": [{"id": f.folder_id, "name": f.name, "owner": f.owner, "shared": f.shared,
                     "place": _dump_place(f.place), "created": f.created} for f in (folders or {}).values()],
        "drives": [{"id": d.drive_id, "name": d.name, "members": d.members} for d in (drives or {}).values()],
    }  # fmt: skip


def _dump_place(place: Place) -> dict[str, Any]:
    return {"parent": place.parent, "driveId": place.drive_id, "trashed": place.trashed}


def _load_place(item: dict[str, Any] | None) -> Place:
    item = item or {}
    return Place(item.get("parent", "root"), item.get("driveId"), bool(item.get("trashed", False)))


def load_drive(data: dict[str, Any]) -> tuple[dict[str, Folder], dict[str, SharedDrive]]:
    """The folders and shared drives of a state file (none in files written before them)."""
    folders = [Folder(f["id"], f["name"], f["owner"], dict(f.get("shared", {})), _load_place(f.get("place")),
                      float(f.get("created", 0))) for f in data.get("folders", [])]  # fmt: skip
    drives = [SharedDrive(d["id"], d["name"], dict(d.get("members", {}))) for d in data.get("drives", [])]
    return {f.folder_id: f for f in folders}, {d.drive_id: d for d in drives}


def _dump_spreadsheet(spreadsheet: Spreadsheet) -> dict[str, Any]:
    return {
        "spreadsheetId": spreadsheet.spreadsheet_id,
        "properties": spreadsheet.properties,
        "owner": spreadsheet.owner,
        "shared": spreadsheet.shared,
        "developerMetadata": spreadsheet.developer_metadata,
        "created": spreadsheet.created,
        "modified": spreadsheet.modified,
        "fileVersion": spreadsheet.version,
        "place": _dump_place(spreadsheet.place),
        "sheets": [
            {
                "properties": sheet.properties,
                "developerMetadata": sheet.developer_metadata,
                "objects": sheet.objects,
                "sizes": {k: sorted(v.items()) for k, v in sheet.sizes.items()},
                "cells": [[r, c, cell] for (r, c), cell in sorted(sheet.cells.items())],
            }
            for sheet in spreadsheet.sheets
        ],
    }


def load(data: dict[str, Any]) -> dict[str, Spreadsheet]:
    if data.get("version") != VERSION:
        raise ValueError(f"unsupported state file version {data.get('version')!r}; expected {VERSION}")
    loaded = [_load_spreadsheet(item) for item in data.get("spreadsheets", [])]
    return {s.spreadsheet_id: s for s in loaded}


def _load_spreadsheet(item: dict[str, Any]) -> Spreadsheet:
    sheets = [
        Sheet(s["properties"], {(r, c): cell for r, c, cell in s.get("cells", [])}, s.get("developerMetadata", []),
              s.get("objects", {}), {k: {int(i): int(px) for i, px in v} for k, v in s.get("sizes", {}).items()})
        for s in item["sheets"]
    ]
    return Spreadsheet(
        item["spreadsheetId"], item["properties"], sheets, item["owner"], dict(item.get("shared", {})),
        item.get("developerMetadata", []), float(item.get("created", 0)), float(item.get("modified", 0)),
        int(item.get("fileVersion", 1)), _load_place(item.get("place")),
    )  # fmt: skip


def save_file(path: Path, spreadsheets: dict[str, Spreadsheet], folders: dict[str, Folder] | None = None,
              drives: dict[str, SharedDrive] | None = None) -> None:
    """Write atomically, so a crash mid-write never leaves half a state file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(dump(spreadsheets, folders, drives), out, ensure_ascii=False)
    os.replace(tmp, path)


def load_file(path: Path) -> dict[str, Spreadsheet]:
    return load(json.loads(path.read_text(encoding="utf-8")))
