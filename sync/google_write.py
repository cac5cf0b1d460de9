"""Writing the summary tabs to a Google spreadsheet in one atomic `spreadsheets:batchUpdate`.

One metadata read, then one write that adds missing tabs (with chosen sheetIds), resizes, writes
typed cells with updateCells (a string is always a stringValue, never parsed as a formula),
clears what lies beyond, freezes the header and appends this run's Run Log row. Google applies a
batch whole or not at all, so a failed write leaves the previous summary intact.

Ownership: every tab the job creates carries developer metadata `coaching-impact-owner`; a
same-named tab without it stops the write before anything is sent. A spreadsheet-level marker
holds the id of the last run that wrote, so a write whose answer was lost can be checked rather
than applied twice.
"""
from __future__ import annotations

import datetime as dt
import math
import uuid
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gspread.exceptions import APIError

from core.errors import OutputError, TabOwnershipError
from core.parse import date_to_serial
from core.schema import OWNER_MARK, RUN_LOG_HEADER, OutputTab
from core.summary import Link, Table
from sync.google_api import SHEETS_URL, GoogleConnection, OutcomeUnknown, Unreachable, api_message

RUN_MARK = "coaching-impact-last-run"
METADATA_FIELDS = ("sheets(properties(sheetId,title,gridProperties(rowCount,columnCount)),"
                   "developerMetadata(metadataId,metadataKey,metadataValue)),"
                   "developerMetadata(metadataId,metadataKey,metadataValue)")
HEADER_FORMAT = {"textFormat": {"bold": True, "foregroundColor": {"red": 1, "green": 1, "blue": 1}},
                 "backgroundColor": {"red": 0.12, "green": 0.31, "blue": 0.47},
                 "wrapStrategy": "WRAP", "verticalAlignment": "TOP"}
DATE_FORMAT = {"numberFormat": {"type": "DATE", "pattern": "yyyy-mm-dd"}}
WRITE_CHECKS = 3


@dataclass(frozen=True)
class SheetInfo:
    sheet_id: int
    title: str
    rows: int
    columns: int
    owned: bool


@dataclass(frozen=True)
class Layout:
    sheets: dict[str, SheetInfo]
    run_marks: tuple[int, ...]
    """metadataIds of the spreadsheet-level marker: the id of the last run that wrote."""


def read_layout(metadata: dict[str, Any]) -> Layout:
    sheets = {}
    for s in metadata.get("sheets", []):
        p, grid = s["properties"], s["properties"].get("gridProperties", {})
        owned = any(m.get("metadataKey") == OWNER_MARK for m in s.get("developerMetadata", []))
        sheets[p["title"]] = SheetInfo(p["sheetId"], p["title"], grid.get("rowCount", 0),
                                       grid.get("columnCount", 0), owned)
    marks = tuple(m["metadataId"] for m in metadata.get("developerMetadata", [])
                  if m.get("metadataKey") == RUN_MARK)
    return Layout(sheets, marks)


# ---------------------------------------------------------------- cells


def cell(value: Any) -> dict[str, Any]:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return {}
    if isinstance(value, bool):
        return {"userEnteredValue": {"boolValue": value}}
    if isinstance(value, (int, float)):
        return {"userEnteredValue": {"numberValue": value}}
    if isinstance(value, (dt.date, dt.datetime)):
        return {"userEnteredValue": {"numberValue": date_to_serial(value)},
                "userEnteredFormat": DATE_FORMAT}
    if isinstance(value, Link):
        return {"userEnteredValue": {"stringValue": value.text},
                "userEnteredFormat": {"textFormat": {"link": {"uri": value.url}}}}
    return {"userEnteredValue": {"stringValue": str(value)}}


def header_row(header: Sequence[str]) -> dict[str, Any]:
    return {"values": [{"userEnteredValue": {"stringValue": h}, "userEnteredFormat": HEADER_FORMAT}
                       for h in header]}


def data_row(values: Sequence[Any]) -> dict[str, Any]:
    return {"values": [cell(v) for v in values]}


# ---------------------------------------------------------------- the plan


def plan_write(layout: Layout, tables: Sequence[Table], entry: Sequence[Any],
               run_mark: int) -> list[dict[str, Any]]:
    """The requests of the one batchUpdate; pure, so it is tested without a server.

    The batch ends by replacing the run marker with one whose metadataId is this run's own.
    Creating an id that exists fails the whole batch, so this batch can be applied once only:
    a resend after a lost answer is refused by Google, whichever copy arrives first."""
    ids = NewIds(layout)
    requests: list[dict[str, Any]] = []
    for table in tables:
        requests += replace_tab(layout.sheets.get(table.name), table, ids)
    requests += append_run_log(layout.sheets.get(OutputTab.RUN_LOG), entry, ids)
    return requests + mark_run(layout.run_marks, run_mark)


class NewIds:
    """sheetIds for new tabs: stable per title, never one already in use."""

    def __init__(self, layout: Layout) -> None:
        self.used = {s.sheet_id for s in layout.sheets.values()}

    def for_title(self, title: str) -> int:
        sheet_id = zlib.crc32(title.encode()) % 1_000_000_000 + 1
        while sheet_id in self.used:
            sheet_id += 1
        self.used.add(sheet_id)
        return sheet_id


def replace_tab(existing: SheetInfo | None, table: Table, ids: NewIds) -> list[dict[str, Any]]:
    rows = [header_row(table.header)] + [data_row(r) for r in table.rows]
    width = max([len(table.header)] + [len(r) for r in table.rows])
    height = max(len(rows), 2)  # Sheets cannot freeze every row of a tab
    sheet_id, requests = _tab(existing, table.name, height, width, ids)
    requests.append({"updateCells": {
        "range": {"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": height,
                  "startColumnIndex": 0, "endColumnIndex": width},
        "rows": rows, "fields": "userEnteredValue,userEnteredFormat"}})
    return requests


def _tab(existing: SheetInfo | None, title: str, height: int, width: int,
         ids: NewIds) -> tuple[int, list[dict[str, Any]]]:
    """Add the tab (marked as the job's) or resize the job's own, header frozen either way."""
    grid = {"rowCount": height, "columnCount": width, "frozenRowCount": 1}
    if existing:
        return existing.sheet_id, [{"updateSheetProperties": {
            "properties": {"sheetId": existing.sheet_id, "gridProperties": grid},
            "fields": "gridProperties(rowCount,columnCount,frozenRowCount)"}}]
    sheet_id = ids.for_title(title)
    return sheet_id, [
        {"addSheet": {"properties": {"sheetId": sheet_id, "title": title,
                                     "gridProperties": grid}}},
        {"createDeveloperMetadata": {"developerMetadata": {
            "metadataKey": OWNER_MARK, "metadataValue": "true", "visibility": "DOCUMENT",
            "location": {"sheetId": sheet_id}}}}]


def append_run_log(existing: SheetInfo | None, entry: Sequence[Any],
                   ids: NewIds) -> list[dict[str, Any]]:
    """The Run Log keeps every run: one row added after the last, nothing else touched."""
    if existing is None:
        return replace_tab(None, Table(OutputTab.RUN_LOG, list(RUN_LOG_HEADER), [list(entry)]),
                           ids)
    width = max(existing.columns, len(RUN_LOG_HEADER))
    return [
        {"updateSheetProperties": {
            "properties": {"sheetId": existing.sheet_id, "gridProperties": {
                "rowCount": existing.rows + 1, "columnCount": width, "frozenRowCount": 1}},
            "fields": "gridProperties(rowCount,columnCount,frozenRowCount)"}},
        {"updateCells": {"start": {"sheetId": existing.sheet_id, "rowIndex": existing.rows,
                                   "columnIndex": 0},
                         "rows": [data_row(entry)], "fields": "userEnteredValue"}}]


def mark_run(previous: Sequence[int], run_mark: int) -> list[dict[str, Any]]:
    drop = [{"deleteDeveloperMetadata": {"dataFilter": {
        "developerMetadataLookup": {"metadataId": old}}}} for old in previous]
    return drop + [{"createDeveloperMetadata": {"developerMetadata": {
        "metadataId": run_mark, "metadataKey": RUN_MARK, "metadataValue": str(run_mark),
        "visibility": "DOCUMENT", "location": {"spreadsheet": True}}}}]


def check_ownership(layout: Layout, names: Sequence[str], sid: str) -> None:
    clashes = [n for n in names if n in layout.sheets and not layout.sheets[n].owned]
    if clashes:
        listed = ", ".join(f"'{c}'" for c in clashes)
        raise TabOwnershipError(
            f"Google spreadsheet {sid} already has tab(s) {listed} that this job did not "
            "create, so nothing was written. Rename those tabs, or set output: location: to "
            "another spreadsheet.")


# ---------------------------------------------------------------- the target


class GoogleTarget:
    """The output spreadsheet: one metadata read and one batchUpdate per run."""

    def __init__(self, conn: GoogleConnection, spreadsheet_id: str) -> None:
        self.conn, self.sid = conn, spreadsheet_id

    def describe(self) -> str:
        return f"{SHEETS_URL}{self.sid}"

    def write(self, tables: Sequence[Table], run_log_entry: Sequence[Any]) -> None:
        run_mark = uuid.uuid4().int % 2_000_000_000 + 1
        names = [t.name for t in tables] + [OutputTab.RUN_LOG]
        uncertain = False
        for _ in range(WRITE_CHECKS):
            layout = self._layout()
            if run_mark in layout.run_marks:
                return  # an earlier answer was lost, but that write was applied
            check_ownership(layout, names, self.sid)
            try:
                self._send(plan_write(layout, tables, run_log_entry, run_mark))
                return
            except OutcomeUnknown:
                uncertain = True
            except APIError as exc:
                if not (uncertain and exc.code == 400):
                    raise OutputError(self._explain(exc)) from None
        raise OutputError(f"Could not confirm the write to {self.describe()}: the connection "
                          "kept dropping. The previous summary tabs are whole; run again.")

    def _layout(self) -> Layout:
        return read_layout(self._call(lambda: self.conn.writer.fetch_sheet_metadata(
            self.sid, params={"includeGridData": "false", "fields": METADATA_FIELDS})))

    def _send(self, requests: list[dict[str, Any]]) -> None:
        try:
            self.conn.writer.batch_update(self.sid, {"requests": requests})
        except Unreachable as exc:
            raise OutputError(f"Google Sheets did not answer for {self.describe()} ({exc}); "
                              "the previous summary tabs are whole. Run again later.") from None

    def _call(self, action: Any) -> Any:
        try:
            return action()
        except APIError as exc:
            raise OutputError(self._explain(exc)) from None
        except Unreachable as exc:
            raise OutputError(f"Google Sheets did not answer for {self.describe()} ({exc}); "
                              "the previous summary tabs are whole. Run again later.") from None

    def _explain(self, exc: APIError) -> str:
        if exc.code == 404:
            return (f"The output spreadsheet {self.sid} was not found. Check output: location: "
                    "in the config.")
        if exc.code == 403:
            return (f"No permission to write the output spreadsheet {self.sid}: "
                    f"{self.conn.share_hint('an Editor')}.")
        return (f"Writing the summary to {self.describe()} failed, nothing was changed: "
                f"{api_message(exc)}.")
