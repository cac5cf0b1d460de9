"""OAuth scopes: which calls a token's scopes allow, as Google checks them before anything else.

A token registered with `SheetsStandIn.add_account(..., scopes=...)` may make only the calls its
scopes cover; an unregistered token has every scope (the stand-in's long-standing behaviour).
A token whose only Drive scope is `drive.file` sees in Drive only the items it created (Google:
"files and folders that you have opened or created with this app"; a pick in the Google Picker,
the other way in, is not modelled): anything else is Drive's 404, a folder shared with it too.
"""

from __future__ import annotations

from .errors import insufficient_scopes
from .model import Account

AUTH = "https://www.googleapis.com/auth/"
SHEETS_READ = {"spreadsheets.readonly", "spreadsheets", "drive.readonly", "drive", "drive.file"}
SHEETS_WRITE = {"spreadsheets", "drive", "drive.file"}
DRIVE_READ = {"drive", "drive.file", "drive.readonly", "drive.metadata", "drive.metadata.readonly"}
DRIVE_WRITE = {"drive", "drive.file"}
NEEDED = {
    "drive.files.create": DRIVE_WRITE, "drive.files.update": DRIVE_WRITE, "drive.files.delete": DRIVE_WRITE,
    "drive.files.get": DRIVE_READ, "drive.files.list": DRIVE_READ,
    "spreadsheets.get": SHEETS_READ, "values.get": SHEETS_READ, "values.batchGet": SHEETS_READ,
    "developerMetadata.search": SHEETS_READ,
}  # fmt: skip
METHODS = {
    "drive.files.create": "com.google.apps.drive.v3.DriveFiles.Create",
    "drive.files.update": "com.google.apps.drive.v3.DriveFiles.Update",
    "drive.files.delete": "com.google.apps.drive.v3.DriveFiles.Delete",
    "drive.files.get": "com.google.apps.drive.v3.DriveFiles.Get",
    "drive.files.list": "com.google.apps.drive.v3.DriveFiles.List",
}


BROAD_DRIVE = {"drive", "drive.readonly", "drive.metadata", "drive.metadata.readonly"}


def per_file(account: Account | None) -> bool:
    """Drive shows this token only what it created (its one Drive scope is `drive.file`)."""
    if account is None or account.scopes is None:
        return False
    return AUTH + "drive.file" in account.scopes and not any(AUTH + s in account.scopes for s in BROAD_DRIVE)


def require(account: Account | None, endpoint: str) -> None:
    """Raise Google's 403 when the token's scopes cover none of those the call accepts."""
    if account is None or account.scopes is None:
        return
    needed = NEEDED.get(endpoint, SHEETS_WRITE)
    if any(AUTH + scope in account.scopes for scope in needed):
        return
    if endpoint.startswith("drive."):
        raise insufficient_scopes("drive.googleapis.com", METHODS[endpoint])
    method = "google.apps.sheets.v4.SpreadsheetsService." + endpoint.split(".")[-1][:1].upper() + endpoint.split(".")[-1][1:]
    raise insufficient_scopes("sheets.googleapis.com", method)
