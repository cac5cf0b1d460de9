"""Drive v3 `files` for spreadsheets and folders: create, get, list (with the `q` clients send),
update (rename, trash) and delete.

As in Drive: a folder is a file of mimeType `application/vnd.google-apps.folder`; every item has
one parent (`root`, a My Drive's top, unless `parents` names a folder); items inherit their
folder's sharing; items in a shared drive carry its `driveId`, are reached only by callers that
send `supportsAllDrives=true` (others get 404, as real Drive answers them), and belong to the
drive, so a service account may create them; a service account creating an item in a My Drive
gets Drive's `storageQuotaExceeded`. Each file has Drive's `version`, which goes up with every
change to the file, and `modifiedTime`.
"""

from __future__ import annotations

import re
from typing import Any

from .app import App, Call, Reply
from .clock import rfc3339
from .errors import (
    drive_error,
    drive_file_not_found,
    insufficient_file_permissions,
    storage_quota_exceeded,
)
from .fieldmask import MaskError, mask_tree, parse_mask, project
from .model import OWNER, READER, Folder, Place, Spreadsheet
from .resources import new_spreadsheet
from .scopes import per_file

SHEETS_MIME = "application/vnd.google-apps.spreadsheet"
FOLDER_MIME = "application/vnd.google-apps.folder"
DEFAULT_FIELDS = ("kind", "id", "name", "mimeType")
_Q_TOKEN_RE = re.compile(r"""\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|!=|=|[A-Za-z_]+)""")
Item = Spreadsheet | Folder


def file_resource(item: Item) -> dict[str, Any]:
    sheet = isinstance(item, Spreadsheet)
    resource: dict[str, Any] = {
        "kind": "drive#file",
        "id": item.spreadsheet_id if isinstance(item, Spreadsheet) else item.folder_id,
        "name": item.title if isinstance(item, Spreadsheet) else item.name,
        "mimeType": SHEETS_MIME if sheet else FOLDER_MIME,
        "createdTime": rfc3339(item.created),
        "modifiedTime": rfc3339(item.modified if isinstance(item, Spreadsheet) else item.created),
        "trashed": item.place.trashed,
    }
    if isinstance(item, Spreadsheet):
        resource["version"] = str(item.version)  # int64, which Drive's JSON sends as a string
    if item.place.parent != "root":  # a My Drive's own root id is not modelled
        resource["parents"] = [item.place.parent]
    if item.place.drive_id:
        resource["driveId"] = item.place.drive_id  # shared-drive items have no owners
    else:
        resource["owners"] = [{"kind": "drive#user", "displayName": item.owner}]
    return resource


def _shape(resource: dict[str, Any], fields: str | None, default: tuple[str, ...]) -> dict[str, Any]:
    if not fields:
        return {k: resource[k] for k in default if k in resource}
    try:
        return dict(project(resource, mask_tree(parse_mask(fields))))
    except MaskError:
        raise drive_error(400, "invalid", f"Invalid field selection {fields}", "fields") from None


def files_create(app: App, call: Call) -> Reply:
    body = call.json()
    if body.get("mimeType") not in (SHEETS_MIME, FOLDER_MIME):
        raise drive_error(400, "badRequest", "Only Google Sheets files and folders are modelled by the local stand-in.")
    place = _new_place(app, call, body.get("parents") or ["root"])
    account = app.accounts.get(call.token)
    if place.drive_id is None and account is not None and account.service_account:
        raise storage_quota_exceeded()
    name, now = body.get("name"), app.clock.now()
    item: Item
    if body["mimeType"] == FOLDER_MIME:
        item = Folder(app.ids.folder_id(), name or "Untitled folder", call.token, place=place, created=now)
        app.folders[item.folder_id] = item
        app.changed()
    else:
        item = new_spreadsheet(app.ids, name or "Untitled spreadsheet", call.token, now)
        item.place = place
        app.commit(item)
    return 200, _shape(file_resource(item), call.param("fields"), DEFAULT_FIELDS)


def _new_place(app: App, call: Call, parents: list[str]) -> Place:
    """Where a new item goes: its parent must be a folder the caller can see and write to."""
    if len(parents) > 1:
        raise drive_error(403, "cannotAddParent", "Increasing the number of parents is not allowed.")
    if parents[0] == "root":
        return Place()
    folder = _visible(app, call, parents[0])
    if not isinstance(folder, Folder):
        raise drive_error(400, "invalid", "The specified parent is not a folder.", "parents")
    if app.role(folder, call.token) == READER:
        raise insufficient_file_permissions()
    return Place(folder.folder_id, folder.place.drive_id)


def _visible(app: App, call: Call, file_id: str) -> Item:
    """The item, if the caller can see it; a shared drive's only with supportsAllDrives."""
    item: Item | None = app.spreadsheets.get(file_id) or app.folders.get(file_id)
    if item is None or not _sees(app, call, item) or (item.place.drive_id and not call.flag("supportsAllDrives")):
        raise drive_file_not_found(file_id)
    return item


def _sees(app: App, call: Call, item: Item) -> bool:
    """Shared with the caller, and under `drive.file` also made by it."""
    if per_file(app.accounts.get(call.token)) and item.owner != call.token:
        return False
    return app.role(item, call.token) is not None


def files_get(app: App, call: Call) -> Reply:
    item = _visible(app, call, call.file_id or "")
    return 200, _shape(file_resource(item), call.param("fields"), DEFAULT_FIELDS)


def files_update(app: App, call: Call) -> Reply:
    """Rename or (un)trash. Trashing needs the owner in a My Drive, a writer (Content manager)
    in a shared drive."""
    item = _visible(app, call, call.file_id or "")
    body = call.json()
    unknown = set(body) - {"name", "trashed"}
    if unknown or call.param("addParents") or call.param("removeParents"):
        raise drive_error(400, "badRequest", "Only name and trashed updates are modelled by the local stand-in.")
    role = app.role(item, call.token)
    if role == READER or ("trashed" in body and role != OWNER and not item.place.drive_id):
        raise insufficient_file_permissions()
    if isinstance(item, Folder):
        item.name = body.get("name", item.name)
        item.place.trashed = bool(body.get("trashed", item.place.trashed))
        app.changed()
    else:
        item = item.clone()
        item.properties["title"] = body.get("name", item.title)
        item.place.trashed = bool(body.get("trashed", item.place.trashed))
        app.commit(item)
    return 200, _shape(file_resource(item), call.param("fields"), DEFAULT_FIELDS)


def files_delete(app: App, call: Call) -> Reply:
    item = _visible(app, call, call.file_id or "")
    if app.role(item, call.token) != OWNER:
        raise insufficient_file_permissions()
    if isinstance(item, Folder):
        app.folders.pop(item.folder_id, None)
        app.changed()
    else:
        app.remove(item.spreadsheet_id)
    return 204, None


def files_list(app: App, call: Call) -> Reply:
    clauses = parse_q(call.param("q") or "")
    for field, _op, value in clauses:
        if field == "parents" and value != "root":
            _visible(app, call, str(value))  # an unknown or unshared folder: 404, as Drive answers
    everywhere = call.flag("includeItemsFromAllDrives") and call.flag("supportsAllDrives")
    items: list[Item] = [*app.spreadsheets.values(), *app.folders.values()]
    files = [
        file_resource(i)
        for i in items
        if _sees(app, call, i) and (everywhere or not i.place.drive_id) and all(_holds(i, c) for c in clauses)
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
    """`name = 'x' and mimeType = "y" and trashed = false and 'id' in parents` -> clauses."""
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


def _holds(item: Item, clause: tuple[str, str, Any]) -> bool:
    field, op, value = clause
    if field == "parents":
        return item.place.parent == value
    resource = file_resource(item)
    actual: Any = {"name": resource["name"], "mimeType": resource["mimeType"], "trashed": item.place.trashed}.get(field)
    if op == "=":
        return actual == value
    if op == "!=":
        return actual != value
    return isinstance(actual, str) and str(value).lower() in actual.lower()


HANDLERS = {
    "drive.files.create": files_create,
    "drive.files.get": files_get,
    "drive.files.update": files_update,
    "drive.files.list": files_list,
    "drive.files.delete": files_delete,
}
