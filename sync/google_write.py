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
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import requests
from gspread.exceptions import APIError

from config.model import SHEETS_URL
from core.errors import OutputError, TabOwnershipError
from core.parse import date_to_serial
from core.schema import OWNER_MARK, RUN_LOG_HEADER, OutputTab, tab_sheet_id
from core.summary import Link, Table
from core.tables import Dashboard, Fig, Fmt, wraps
from sync.common import GOOGLE_CELL_CHARACTERS, fit_cell
from sync.google_api import GoogleConnection, OutcomeUnknown, Unreachable, api_message
from sync.google_style import (
    DASHBOARD_COLUMNS,
    EXTRAS_FIELDS,
    Extras,
    chart_ids,
    chart_requests,
    clear_extras,
    number_format,
    protect,
    read_extras,
    style_requests,
)

RUN_MARK = "coaching-impact-last-run"
METADATA_FIELDS = ("sheets(properties(sheetId,title,gridProperties(rowCount,columnCount)),"
                   "developerMetadata(metadataId,metadataKey,metadataValue),"
                   f"{EXTRAS_FIELDS}),"
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
    extras: Extras = field(default_factory=Extras)


@dataclass(frozen=True)
class Layout:
    sheets: dict[str, SheetInfo]
    run_marks: tuple[int, ...]
    """metadataIds of the spreadsheet-level marker: the id of the last run that wrote."""


def read_layout(metadata: dict[str, Any]) -> Layout:
    sheets = {}
    for s in metadata["sheets"]:  # every spreadsheet has one; absent means a damaged answer
        p, grid = s["properties"], s["properties"].get("gridProperties", {})
        owned = any(m.get("metadataKey") == OWNER_MARK for m in s.get("developerMetadata", []))
        sheets[p["title"]] = SheetInfo(p["sheetId"], p["title"], grid.get("rowCount", 0),
                                       grid.get("columnCount", 0), owned, read_extras(s))
    marks = tuple(m["metadataId"] for m in metadata.get("developerMetadata", [])
                  if m.get("metadataKey") == RUN_MARK)
    return Layout(sheets, marks)


# ---------------------------------------------------------------- cells


def table_cell(value: Any, fmt: Fmt | None = None, wrap: bool = False) -> dict[str, Any]:
    """A typed cell; a number carries its column's number format (or its own, for a Fig)."""
    if isinstance(value, Fig):
        value, fmt = value.value, value.fmt
    data = cell(value)
    if not data:
        return data
    style: dict[str, Any] = {"verticalAlignment": "TOP"}
    if wrap:
        style["wrapStrategy"] = "WRAP"
    numeric = "numberValue" in data["userEnteredValue"] and "userEnteredFormat" not in data
    if numeric and fmt is not None and fmt is not Fmt.TEXT:
        style["numberFormat"] = number_format(fmt)
    elif "stringValue" in data["userEnteredValue"] and fmt not in (None, Fmt.TEXT):
        style["horizontalAlignment"] = "RIGHT"  # n<10 in a figure column lines up
    data["userEnteredFormat"] = {**data.get("userEnteredFormat", {}), **style}
    return data


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
        return {"userEnteredValue": {"stringValue": fit_cell(value.text, GOOGLE_CELL_CHARACTERS)},
                "userEnteredFormat": {"textFormat": {"link": {"uri": value.url}}}}
    return {"userEnteredValue": {"stringValue": fit_cell(str(value), GOOGLE_CELL_CHARACTERS)}}


def header_row(header: Sequence[str]) -> dict[str, Any]:
    return {"values": [{"userEnteredValue": {"stringValue": h}, "userEnteredFormat": HEADER_FORMAT}
                       for h in header]}


def data_row(values: Sequence[Any], table: Table | None = None,
             wrapped: frozenset[int] = frozenset()) -> dict[str, Any]:
    """A row of typed cells; with its table, each formatted as its column (`wrapped`: the
    columns whose long text wraps)."""
    if table is None:
        return {"values": [cell(v) for v in values]}
    return {"values": [table_cell(v, table.fmt(c), c in wrapped)
                       for c, v in enumerate(values)]}


# ---------------------------------------------------------------- the plan


def plan_write(layout: Layout, tables: Sequence[Table], entry: Sequence[Any],
               run_mark: int, dashboard: Dashboard | None = None) -> list[dict[str, Any]]:
    """The requests of the one batchUpdate; pure, so it is tested without a server.

    The batch ends by replacing the run marker with one whose metadataId is this run's own.
    Creating an id that exists fails the whole batch, so this batch can be applied once only:
    a resend after a lost answer is refused by Google, whichever copy arrives first."""
    ids = NewIds(layout)
    requests: list[dict[str, Any]] = []
    if dashboard is not None:
        requests += replace_dashboard(layout.sheets.get(dashboard.name), dashboard, ids)
    for table in tables:
        requests += replace_tab(layout.sheets.get(table.name), table, ids)
    requests += append_run_log(layout.sheets.get(OutputTab.RUN_LOG), entry, ids)
    if dashboard is not None:
        sheet_ids = {t: ids.of(layout, t) for t in [dashboard.name, *(t.name for t in tables)]}
        requests += chart_requests(dashboard, sheet_ids[dashboard.name],
                                   {t.name: t for t in tables}, sheet_ids)
    return requests + mark_run(layout.run_marks, run_mark)


class NewIds:
    """sheetIds for new tabs: stable per title, never one already in use."""

    def __init__(self, layout: Layout) -> None:
        self.used = {s.sheet_id for s in layout.sheets.values()}
        self.given: dict[str, int] = {}

    def for_title(self, title: str) -> int:
        sheet_id = tab_sheet_id(title)
        while sheet_id in self.used:
            sheet_id += 1
        self.used.add(sheet_id)
        self.given[title] = sheet_id
        return sheet_id

    def of(self, layout: Layout, title: str) -> int:
        """The sheetId of a tab, whether it was there or is added by this batch."""
        existing = layout.sheets.get(title)
        return existing.sheet_id if existing else self.given[title]


def replace_tab(existing: SheetInfo | None, table: Table, ids: NewIds) -> list[dict[str, Any]]:
    """The tab's cells replaced whole, then styled (see sync.google_style)."""
    wrapped = frozenset(c for c in range(len(table.header)) if wraps(table, c))
    rows = [header_row(table.header)] + [data_row(r, table, wrapped) for r in table.rows]
    width = max([len(table.header)] + [len(r) for r in table.rows])
    height = max(len(rows), 2)  # Sheets cannot freeze every row of a tab
    sheet_id, requests = _tab(existing, table.name, height, width, ids,
                              frozen_columns=1 if width > 1 else 0)
    requests.append(_cells(sheet_id, rows, height, width))
    return requests + style_requests(sheet_id, table, height, width,
                                     existing.extras if existing else Extras())


def _cells(sheet_id: int, rows: list[dict[str, Any]], height: int,
           width: int) -> dict[str, Any]:
    return {"updateCells": {
        "range": {"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": height,
                  "startColumnIndex": 0, "endColumnIndex": width},
        "rows": rows, "fields": "userEnteredValue,userEnteredFormat"}}


def replace_dashboard(existing: SheetInfo | None, dashboard: Dashboard,
                      ids: NewIds) -> list[dict[str, Any]]:
    """The Dashboard's notes; its charts come last in the batch, once the tabs they read are
    in place. Its own old charts go first; a chart a person added keeps its place."""
    height = max(c.anchor[0] for c in dashboard.charts) + 22 if dashboard.charts else 10
    sheet_id, requests = _tab(existing, dashboard.name, height, DASHBOARD_COLUMNS, ids,
                              frozen_rows=0, charts=chart_ids(dashboard))
    if existing is None:  # the tab people open first
        requests[0]["addSheet"]["properties"]["index"] = 0
    notes = [{"values": [cell(v) for v in row]} for row in dashboard.notes]
    if notes:
        notes[0]["values"][0]["userEnteredFormat"] = {"textFormat": {"bold": True,
                                                                     "fontSize": 14}}
    requests.append(_cells(sheet_id, notes, height, DASHBOARD_COLUMNS))
    mine = existing is None or not existing.extras.protected_by_someone
    return requests + ([protect(sheet_id, dashboard.name)] if mine else [])


def _tab(existing: SheetInfo | None, title: str, height: int, width: int, ids: NewIds, *,
         frozen_rows: int = 1, frozen_columns: int = 0,
         charts: set[int] | None = None) -> tuple[int, list[dict[str, Any]]]:
    """Add the tab (marked as the job's) or clear and resize the job's own, with its frozen
    header (and first column)."""
    grid = {"rowCount": height, "columnCount": width, "frozenRowCount": frozen_rows,
            "frozenColumnCount": frozen_columns}
    if existing:
        return existing.sheet_id, [
            *clear_extras(existing.sheet_id, existing.extras, charts),
            {"updateSheetProperties": {
                "properties": {"sheetId": existing.sheet_id, "gridProperties": grid},
                "fields": "gridProperties(rowCount,columnCount,frozenRowCount,"
                          "frozenColumnCount)"}}]
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
                         "rows": [data_row(entry)], "fields": "userEnteredValue"}},
        {"setBasicFilter": {"filter": {"range": {  # the filter grows with the log
            "sheetId": existing.sheet_id, "startRowIndex": 0, "endRowIndex": existing.rows + 1,
            "startColumnIndex": 0, "endColumnIndex": width}}}}]


def mark_run(previous: Sequence[int], run_mark: int) -> list[dict[str, Any]]:
    drop = [{"deleteDeveloperMetadata": {"dataFilter": {
        "developerMetadataLookup": {"metadataId": old}}}} for old in previous]
    mark = {"metadataId": run_mark, "metadataKey": RUN_MARK, "metadataValue": str(run_mark),
            "visibility": "DOCUMENT", "location": {"spreadsheet": True}}
    return [*drop, {"createDeveloperMetadata": {"developerMetadata": mark}}]


def check_ownership(layout: Layout, names: Sequence[str], sid: str) -> None:
    wanted = {n.casefold() for n in names}  # tab names ignore case in Sheets
    clashes = [s.title for s in layout.sheets.values()
               if s.title.casefold() in wanted and not s.owned]
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

    def write(self, tables: Sequence[Table], run_log_entry: Sequence[Any],
              dashboard: Dashboard | None = None) -> None:
        run_mark = uuid.uuid4().int % 2_000_000_000 + 1
        names = [t.name for t in tables] + [OutputTab.RUN_LOG] + (
            [dashboard.name] if dashboard else [])
        uncertain = False
        for _ in range(WRITE_CHECKS):
            layout = self._layout()
            if run_mark in layout.run_marks:
                return  # an earlier answer was lost, but that write was applied
            check_ownership(layout, names, self.sid)
            try:
                self._send(plan_write(layout, tables, run_log_entry, run_mark, dashboard))
                return
            except (OutcomeUnknown, requests.JSONDecodeError):  # applied or not: check
                uncertain = True
            except APIError as exc:
                if not (uncertain and exc.code == 400):
                    raise OutputError(self._explain(exc)) from None
        raise OutputError(f"Could not confirm the write to {self.describe()}: the connection "
                          "kept dropping. The previous summary tabs are whole; run again.")

    def _layout(self) -> Layout:
        metadata = self._call(lambda: self.conn.writer.fetch_sheet_metadata(
            self.sid, params={"includeGridData": "false", "fields": METADATA_FIELDS}))
        try:
            return read_layout(metadata)
        except (KeyError, TypeError, AttributeError) as exc:
            raise self._garbled(exc) from None

    def _garbled(self, exc: Exception) -> OutputError:
        return OutputError(f"Google Sheets sent an answer about {self.describe()} that could "
                           f"not be understood ({type(exc).__name__}: {exc}); nothing was "
                           "written (or, if it was, the next run sees its own mark). Run again.")

    def _send(self, requests: list[dict[str, Any]]) -> None:
        try:
            self.conn.writer.batch_update(self.sid, {"requests": requests})
        except Unreachable as exc:
            raise OutputError(f"Google Sheets did not answer for {self.describe()} ({exc}); "
                              "the previous summary tabs are whole. Run again later.") from None

    def _call(self, action: Any) -> Any:
        try:
            return action()
        except requests.JSONDecodeError as exc:  # an answer cut short
            raise self._garbled(exc) from None
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
