"""Blank source spreadsheets made straight in a Google Drive folder (`template --to <folder>`):
the same templates as the .xlsx ones (`core.template`, imported as `blank`), as Google
spreadsheets.

Calls, for the two templates: one Drive `files.list` (which templates the folder already
holds), then per spreadsheet one Drive `files.create` (a spreadsheet, in the folder) and one
`spreadsheets.batchUpdate` holding everything else - tabs, headers, formats, frozen rows,
dropdowns, protections, the hidden Lists tab and the Instructions - so each spreadsheet is
made whole or not at all. Five calls in all; with --force, one `files.update` more for each
earlier template moved to the trash.

Why `files.create` in Drive and not `spreadsheets.create` in Sheets: only Drive puts a file in
a folder, and a service account can own nothing in a My Drive; in a shared drive the files
belong to the drive. `supportsAllDrives` is sent on every call, or Drive answers a shared
drive's folder with 404.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from gspread.exceptions import APIError

from config.model import DRIVE_FOLDER_URL, SHEETS_URL
from core import template as blank
from core.errors import ConfigError, JobError
from core.schema import TabKind
from sync.google_api import (
    DRIVE_FILES_URL,
    GoogleConnection,
    OutcomeUnknown,
    Unreachable,
    quoted,
)
from sync.google_write import header_row

SHEETS_MIME = "application/vnd.google-apps.spreadsheet"
ALL_DRIVES: dict[str, Any] = {"supportsAllDrives": "true"}
PIXELS_PER_CHARACTER = 7
LISTS_SHEET_ID = 99
PROTECTION = "Headers the coaching-impact job reads: rename or move them and it cannot find them."


@dataclass(frozen=True)
class Made:
    """A template spreadsheet made in the folder, and the earlier one it replaced, if any."""

    title: str
    spreadsheet_id: str
    replaced: tuple[str, ...] = ()
    """Earlier same-named templates (addresses) moved to the trash (--force)."""
    kept: tuple[str, ...] = ()
    """Earlier ones that could not be trashed, each with why: for the user to remove."""

    @property
    def url(self) -> str:
        return f"{SHEETS_URL}{self.spreadsheet_id}/edit"


def write_google_templates(conn: GoogleConnection, folder: str, *, force: bool) -> list[Made]:
    """Both templates in Drive folder `folder`. A template already there (by name) is left as
    it is and nothing is made, unless `force`: then the new ones are made first and the earlier
    ones moved to the trash (restorable for 30 days), so a failure never leaves the folder
    without them. A failure midway trashes what this run made."""
    drive = Drive(conn, folder)
    existing = drive.existing()
    titles = [blank.title(t) for t in blank.TEMPLATES]
    clash = {t: existing[t] for t in titles if t in existing}
    if clash and not force:
        raise ConfigError(f"--to: {folder_url(folder)} already holds "
                          + ", ".join(f"{t} ({SHEETS_URL}{ids[0]}/edit)" for t, ids in
                                      clash.items())
                          + ", left as they are. Give another folder, or add --force to "
                          "make new ones and move those to the Drive trash.")
    made: list[str] = []
    try:
        for name, tabs in zip(titles, blank.TEMPLATES.values(), strict=True):
            made.append(drive.create(name))
            drive.call(lambda sid=made[-1], tabs=tabs: conn.writer.batch_update(
                sid, {"requests": template_requests(tabs)}), name)
    except (ConfigError, JobError):
        drive.trash_quietly(made)
        raise
    return [drive.replace(name, sid, clash.get(name, []))
            for name, sid in zip(titles, made, strict=True)]


def folder_url(folder: str) -> str:
    return f"{DRIVE_FOLDER_URL}{folder}"


class Drive:
    """The Drive calls, each turning Google's refusals into what to do about them."""

    def __init__(self, conn: GoogleConnection, folder: str) -> None:
        self.conn, self.folder = conn, folder
        self.who = conn.account or "the account the job runs as"

    def existing(self) -> dict[str, list[str]]:
        """Name -> ids of the spreadsheets in the folder (not in the trash), whoever made
        them."""
        query = f"'{self.folder}' in parents and trashed = false and mimeType = '{SHEETS_MIME}'"
        params: dict[str, Any] = {"q": query, "fields": "nextPageToken,files(id,name)",
                                  "pageSize": "1000",
                                  "corpora": "allDrives", "includeItemsFromAllDrives": "true",
                                  **ALL_DRIVES}
        found: dict[str, list[str]] = {}
        while True:  # one page in all but a folder of over 1,000 spreadsheets
            page = self.call(lambda: self.conn.reader.request(
                "get", DRIVE_FILES_URL, params=params).json(), None)
            for item in page.get("files", []):
                found.setdefault(str(item.get("name")), []).append(str(item.get("id")))
            if not page.get("nextPageToken"):
                return found
            params["pageToken"] = page["nextPageToken"]

    def create(self, name: str) -> str:
        body = {"name": name, "mimeType": SHEETS_MIME, "parents": [self.folder]}
        answer = self.call(lambda: self.conn.writer.request(
            "post", DRIVE_FILES_URL, params={"fields": "id", **ALL_DRIVES}, json=body).json(),
            name)
        return str(answer["id"])

    def trash(self, file_id: str, name: str) -> None:
        self.call(lambda: self.conn.writer.request(
            "patch", f"{DRIVE_FILES_URL}/{file_id}", params=ALL_DRIVES,
            json={"trashed": True}), name)

    def replace(self, name: str, made: str, earlier: list[str]) -> Made:
        """The earlier same-named templates to the trash, now that the new one exists."""
        trashed, kept = [], []
        for file_id in earlier:
            try:
                self.trash(file_id, name)
                trashed.append(f"{SHEETS_URL}{file_id}/edit")
            except (ConfigError, JobError) as exc:
                kept.append(f"{SHEETS_URL}{file_id}/edit ({exc})")
        return Made(name, made, tuple(trashed), tuple(kept))

    def trash_quietly(self, file_ids: list[str]) -> None:
        """Undo a run that failed midway; what cannot be undone is left for the message."""
        for file_id in file_ids:
            with contextlib.suppress(ConfigError, JobError):
                self.trash(file_id, "")

    def call(self, action: Any, name: str | None) -> Any:
        try:
            return action()
        except APIError as exc:
            raise self.refusal(exc) from None
        except Unreachable as exc:
            raise JobError(f"Google did not answer ({exc}) while making the templates in "
                           f"{folder_url(self.folder)}. Run the command again.") from None
        except OutcomeUnknown:
            raise JobError(f"the answer to a change to {name or 'a template'} in "
                           f"{folder_url(self.folder)} was lost, so it may or may not have "
                           "been made: look in the folder, move any half-made template to "
                           "the trash, and run the command again.") from None

    def refusal(self, exc: APIError) -> ConfigError:
        """Google's answer, said as what to do (exit 2), naming the folder."""
        where, why = folder_url(self.folder), reason(exc)
        if exc.code == 404:
            return ConfigError(
                f"--to: Google Drive has no folder {where} that {self.who} can see. Open the "
                f"folder in Google Drive, click Share and add {self.who} as Editor (in a "
                "shared drive: as Content manager), or check the address.")
        if why == "storageQuotaExceeded":
            return ConfigError(
                f"--to: {where} is in a My Drive, where a service account cannot create files "
                "(Google: 'Service Accounts do not have storage quota'). Use a folder in a "
                f"shared drive with {self.who} added to that shared drive as Content manager, "
                "or write the templates to a local folder (--to FOLDER) and upload them.")
        if why in ("insufficientPermissions", "ACCESS_TOKEN_SCOPE_INSUFFICIENT"):
            return ConfigError(
                f"--to: the credentials may not create files in Google Drive ({where}): "
                "Google answered 'Request had insufficient authentication scopes'. `template` "
                "needs the scopes https://www.googleapis.com/auth/drive and "
                "https://www.googleapis.com/auth/spreadsheets (with a service-account key it "
                "asks for them itself; a token given in SHEETS_API_TOKEN must carry them).")
        if why == "insufficientFilePermissions":
            return ConfigError(
                f"--to: {self.who} may not add files to {where}. Open the folder in Google "
                f"Drive, click Share and make {self.who} an Editor (in a shared drive: Content "
                "manager).")
        # Anything else (retryable answers were retried): in Google's words, e.g. the Drive
        # API not enabled in the service account's project, or an ID that is no folder.
        text = str(exc.error.get("message", "")).rstrip(". ") if isinstance(exc.error, dict) else ""
        return ConfigError(f"--to: Google refused to make the templates in {where}: Google "
                           f"answered {exc.code}: {text}.")


def reason(exc: APIError) -> str:
    """Drive's `errors[0].reason`, else the ErrorInfo reason, else the status."""
    error = exc.error if isinstance(exc.error, dict) else {}
    for item in error.get("errors") or []:
        if item.get("reason"):
            return str(item["reason"])
    for item in error.get("details") or []:
        if item.get("reason"):
            return str(item["reason"])
    return str(error.get("status", ""))


# ---------------------------------------------------------------- what each spreadsheet holds


def template_requests(tabs: dict[str, TabKind]) -> list[dict[str, Any]]:
    """One batchUpdate's requests: the new spreadsheet's Sheet1 (id 0) becomes the
    Instructions tab, first; each data tab and the hidden Lists tab follow."""
    requests: list[dict[str, Any]] = [{"updateSheetProperties": {
        "properties": {"sheetId": 0, "title": blank.INSTRUCTIONS_TAB}, "fields": "title"}}]
    for sheet_id, (tab, kind) in enumerate(tabs.items(), start=1):
        requests += tab_requests(sheet_id, tab, kind)
    return requests + lists_requests(len(tabs) + 1) + instructions_requests(tabs)


def tab_requests(sheet_id: int, tab: str, kind: TabKind) -> list[dict[str, Any]]:
    """Headers bold and filled, row 1 frozen and protected, a dropdown per labelled column."""
    fields = blank.columns(kind)
    requests: list[dict[str, Any]] = [
        {"addSheet": {"properties": {"sheetId": sheet_id, "title": tab, "index": sheet_id,
                                     "gridProperties": {"frozenRowCount": 1}}}},
        cells(sheet_id, [header_row([f.label for f in fields])]),
        protect_header(sheet_id, tab)]
    for c, f in enumerate(fields):
        requests.append(width(sheet_id, c, blank.column_width(f)))
        if f.name in blank.LISTS:
            requests.append(dropdown(sheet_id, c, f.name))
    return requests


def protect_header(sheet_id: int, tab: str) -> dict[str, Any]:
    """Warning-only, not locked to named editors. Google's ProtectedRange: with `warningOnly`
    "every user can edit data in the protected range, except editing will prompt a warning";
    with `editors`, only those users can. The spreadsheet is made by the job's service account,
    so editors = [the owner] would lock the district's own staff out of their header row, with
    only a robot able to lift it; a warning stops the slip that matters (renaming a header by
    accident), like the .xlsx template's sheet protection, which has no password."""
    return {"addProtectedRange": {"protectedRange": {
        "range": {"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": 1},
        "description": f"{tab}: {PROTECTION}", "warningOnly": True}}}


def dropdown(sheet_id: int, column: int, name: str) -> dict[str, Any]:
    """The column below the header takes one value of the Lists tab's list: ONE_OF_RANGE, so
    a district that adds a label to the Lists tab sees it offered at once."""
    letter = chr(ord("A") + blank.list_column(name))
    source = f"={quoted(blank.LISTS_TAB)}!${letter}$2:${letter}${len(blank.LISTS[name]) + 1}"
    return {"setDataValidation": {
        "range": {"sheetId": sheet_id, "startRowIndex": 1, "startColumnIndex": column,
                  "endColumnIndex": column + 1},
        "rule": {"condition": {"type": "ONE_OF_RANGE", "values": [{"userEnteredValue": source}]},
                 "inputMessage": blank.dropdown_hint(name),
                 "strict": True, "showCustomUi": True}}}


def lists_requests(index: int) -> list[dict[str, Any]]:
    """The dropdowns' values, last, hidden and (warning-only) protected."""
    rows = [{"values": [{"userEnteredValue": {"stringValue": v}} if v else {} for v in row]}
            for row in blank.list_rows()]
    return [{"addSheet": {"properties": {"sheetId": LISTS_SHEET_ID, "title": blank.LISTS_TAB,
                                         "index": index, "hidden": True}}},
            cells(LISTS_SHEET_ID, rows),
            {"addProtectedRange": {"protectedRange": {
                "range": {"sheetId": LISTS_SHEET_ID},
                "description": f"{blank.LISTS_TAB}: the values the dropdowns offer",
                "warningOnly": True}}}]


def instructions_requests(tabs: dict[str, TabKind]) -> list[dict[str, Any]]:
    lines = blank.instruction_lines(tabs, "spreadsheet")
    title_format = {"textFormat": {"bold": True, "fontSize": 14}}
    rows = [{"values": [{"userEnteredValue": {"stringValue": line}}
                        | ({"userEnteredFormat": title_format} if r == 0 else {})]}
            if line else {} for r, line in enumerate(lines)]
    return [cells(0, rows), width(0, 0, 110)]


def cells(sheet_id: int, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Typed cells: a string is a stringValue, never read as a formula."""
    return {"updateCells": {"start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0},
                            "rows": rows, "fields": "userEnteredValue,userEnteredFormat"}}


def width(sheet_id: int, column: int, characters: int) -> dict[str, Any]:
    return {"updateDimensionProperties": {
        "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": column,
                  "endIndex": column + 1},
        "properties": {"pixelSize": characters * PIXELS_PER_CHARACTER}, "fields": "pixelSize"}}
