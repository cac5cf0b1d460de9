"""Drive v3 `files` for spreadsheets: create, get, list (with the `q` gspread sends) and delete.

Each file has Drive's `version`, which goes up with every change to the file (every committed
write), and `modifiedTime`."""

from __future__ import annotations

import re
from typing import Any

from .app import App, Call, Reply
from .clock import rfc3339
from .errors import drive_error, drive_file_not_found
from .fieldmask import MaskError, mask_tree, parse_mask, project
from .model import OWNER, Spreadsheet
from .resources import new_spreadsheet

SHEETS_MIME = "application/vnd.google-apps.spreadsheet"
_Q_TOKEN_RE = re.compile(r"""\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|!=|=|[A-Za-z_]+)""")


def file_resource(spreadsheet: Spreadsheet) -> dict[str, Any]:
    return {
        "kind": "drive#file",
        "id": spreadsheet.spreadsheet_id,
        "name": spreadsheet.title,
        "mimeType": SHEETS_MIME,
        "createdTime": rfc3339(spreadsheet.created),
        "modifiedTime": rfc3339(spreadsheet.modified),
        "version": str(spreadsheet.version),  # int64, which Drive's JSON sends as a string
        "owners": [{"kind": "drive#user", "displayName": spreadsheet.owner}],
        "trashed": False,
    }


def _shape(resource: dict[str, Any], fields: str | None, default: tuple[str, ...]) -> dict[str, Any]:
    if not fields:
        return {k: resource[k] for k in default if k in resource}
    try:
        return dict(project(resource, mask_tree(parse_mask(fields))))
    except MaskError:
        raise drive_error(400, "invalid", f"Invalid field selection {fields}", "fields") from None


def files_create(app: App, call: Call) -> Reply:
    body = call.json()
    if body.get("mimeType") != SHEETS_MIME:
        raise drive_error(400, "badRequest", "Only Google Sheets files are modelled by the local stand-in.")
    spreadsheet = new_spreadsheet(app.ids, body.get("name") or "Untitled spreadsheet", call.token, app.clock.now())
    app.commit(spreadsheet)
    return 200, _shape(file_resource(spreadsheet), call.param("fields"), ("kind", "id", "name", "mimeType"))


def _visible(app: App, call: Call, file_id: str) -> Spreadsheet:
    spreadsheet = app.spreadsheets.get(file_id)
    if spreadsheet is None or spreadsheet.role(call.token, app.open_access) is None:
        raise drive_file_not_found(file_id)
    return spreadsheet


def files_get(app: App, call: Call) -> Reply:
    spreadsheet = _visible(app, call, call.file_id or "")
    return 200, _shape(file_resource(spreadsheet), call.param("fields"), ("kind", "id", "name", "mimeType"))


def files_delete(app: App, call: Call) -> Reply:
    spreadsheet = _visible(app, call, call.file_id or "")
    if spreadsheet.role(call.token, app.open_access) != OWNER:
        raise drive_error(403, "insufficientFilePermissions", "The user does not have sufficient permissions for this file.")
    app.remove(spreadsheet.spreadsheet_id)
    return 204, None


def files_list(app: App, call: Call) -> Reply:
    clauses = parse_q(call.param("q") or "")
    files = [
        file_resource(s)
        for s in app.spreadsheets.values()
        if s.role(call.token, app.open_access) is not None and all(_holds(s, c) for c in clauses)
    ]
    size = int(call.param("pageSize") or 100)
    start = int(call.param("pageToken") or 0)
    page: dict[str, Any] = {"kind": "drive#fileList", "incompleteSearch": False, "files": files[start : start + size]}
    if start + size < len(files):
        page["nextPageToken"] = str(start + size)
    default_file = ("kind", "mimeType", "id", "name")
    if not call.param("fields"):
        page["files"] = [{k: f[k] for k in default_file} for f in page["files"]]
        return 200, page
    return 200, _shape(page, call.param("fields"), ())


def parse_q(q: str) -> list[tuple[str, str, Any]]:
    """`name = 'x' and mimeType = "y" and trashed = false and name contains 'z'` -> clauses."""
    tokens = list(_Q_TOKEN_RE.findall(q))
    clauses, i = [], 0
    while i < len(tokens):
        if len(tokens) - i < 3:
            raise _bad_q(q)
        field, op, value = tokens[i : i + 3]
        if op == "in" and value == "parents":
            field, op, value = "parents", "in", field
        if op not in ("=", "!=", "contains", "in"):
            raise _bad_q(q)
        clauses.append((field, op, _literal(value)))
        i += 3
        if i < len(tokens):
            if tokens[i].lower() != "and":
                raise _bad_q(q)
            i += 1
    return clauses


def _literal(token: str) -> Any:
    if token[:1] in "'\"":
        return re.sub(r"\\(.)", r"\1", token[1:-1])
    if token.lower() in ("true", "false"):
        return token.lower() == "true"
    return token


def _bad_q(q: str) -> Exception:
    return drive_error(400, "invalid", "Invalid Value", "q")


def _holds(spreadsheet: Spreadsheet, clause: tuple[str, str, Any]) -> bool:
    field, op, value = clause
    actual: Any = {"name": spreadsheet.title, "mimeType": SHEETS_MIME, "trashed": False}.get(field)
    if field == "parents":
        return value == "root"  # every stand-in file lives in My Drive's root
    if op == "=":
        return actual == value
    if op == "!=":
        return actual != value
    return isinstance(actual, str) and str(value).lower() in actual.lower()


HANDLERS = {
    "drive.files.create": files_create,
    "drive.files.get": files_get,
    "drive.files.list": files_list,
    "drive.files.delete": files_delete,
}
