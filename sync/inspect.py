"""Reading a district's sheets for `init`: every tab's header and rows, whatever they hold.

A workbook is opened once; a Google spreadsheet costs one metadata call and one values:batchGet.
Each tab's first INSPECT_ROWS rows are read, so a log of a million rows is still a small read.
"""
from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from gspread.exceptions import APIError
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from config.model import SHEETS_URL, Backend, Google, spreadsheet_id
from core.errors import ConfigError
from core.setup import INSPECT_ROWS, Sheet
from core.sis import BundleError, Calendar, oneroster_school_years
from sync.common import sheet_values
from sync.google_api import Unreachable, api_message, connect, quoted
from sync.google_read import VALUE_PARAMS
from sync.sis import bundle_files

SOURCE_FIELDS = "properties.title,sheets.properties(sheetId,title,gridProperties.rowCount)"


@dataclass(frozen=True)
class Inspected:
    """What one `--from` location holds, for `init`."""

    name: str
    sheets: list[Sheet]
    backend: Backend
    calendars: list[Calendar] = field(default_factory=list)
    """The school years a OneRoster bundle's academicSessions.csv states."""


def inspect_source(location: str, google: Google | None = None) -> Inspected:
    """A workbook path, a roster export from the SIS (a OneRoster bundle or Clever's files: its
    teachers need no tab placing, and a bundle may state the school year), or a spreadsheet URL
    or ID."""
    path = Path(location).expanduser()
    if not path.exists() and spreadsheet_id(location):
        name, sheets = inspect_google(spreadsheet_id(location) or location, google or Google())
        return Inspected(name, sheets, Backend.GOOGLE)
    if path.is_dir() or path.suffix.lower() == ".zip":
        return inspect_sis(path)
    return Inspected(*inspect_workbook(path), Backend.WORKBOOK)


def inspect_sis(path: Path) -> Inspected:
    try:
        files = bundle_files(path)
        if {"orgs.csv", "users.csv"} <= set(files):
            return Inspected(source_name(path.stem), [], Backend.ONEROSTER,
                             oneroster_school_years(files))
    except BundleError as exc:
        raise ConfigError(f"--from: {path}: {exc}") from None
    if {"schools.csv", "teachers.csv"} <= set(files):
        return Inspected(source_name(path.stem), [], Backend.CLEVER)
    raise ConfigError(f"--from: {path} holds neither a OneRoster bundle (orgs.csv, users.csv) "
                      "nor Clever's files (schools.csv, teachers.csv).")


def source_name(stem: str) -> str:
    """`hillcrest-coaching-log` -> `Hillcrest coaching log`."""
    words = stem.replace("_", " ").replace("-", " ").split()
    return " ".join(words)[:1].upper() + " ".join(words)[1:] if words else stem


def inspect_workbook(path: Path) -> tuple[str, list[Sheet]]:
    name = source_name(path.stem)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise ConfigError(f"--from: {path} does not exist. Give the path of an .xlsx "
                          "workbook, or a Google spreadsheet's URL.") from None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise ConfigError(f"--from: {path} could not be opened as an .xlsx workbook ({exc}). "
                          "Save it as Excel .xlsx.") from None
    try:
        sheets = []
        for ws in book.worksheets:
            header, rows = sheet_values(ws.iter_rows(values_only=True,
                                                     max_row=INSPECT_ROWS + 2))
            sheets.append(first_rows(Sheet(name, ws.title, header, rows)))
    finally:
        book.close()
    return name, sheets


def inspect_google(sid: str, google: Google) -> tuple[str, list[Sheet]]:
    conn = connect(google)
    try:
        meta = conn.reader.fetch_sheet_metadata(sid, params={"includeGridData": "false",
                                                             "fields": SOURCE_FIELDS})
        tabs = [s["properties"] for s in meta.get("sheets", [])]
        titles = [t["title"] for t in tabs]
        answer = conn.reader.values_batch_get(sid, [first_rows_range(t) for t in tabs],
                                              params=dict(VALUE_PARAMS))
    except APIError as exc:
        raise ConfigError(f"--from: spreadsheet {SHEETS_URL}{sid} could not be read: "
                          f"{api_message(exc)}. Share it with the service account (Viewer), "
                          "or check the URL.") from None
    except Unreachable as exc:
        raise ConfigError(f"--from: Google Sheets did not answer for spreadsheet {sid} "
                          f"({exc}). Try again.") from None
    name = meta.get("properties", {}).get("title") or sid
    sheets = []
    for title, found in zip(titles, answer.get("valueRanges", []), strict=False):
        header, rows = sheet_values(tuple(r) for r in found.get("values", []))
        sheets.append(first_rows(Sheet(name, title, header, rows)))
    return name, sheets


def first_rows_range(tab: dict) -> str:
    """The header and INSPECT_ROWS + 1 rows, within the grid (Sheets refuses a range past it)."""
    rows = min(INSPECT_ROWS + 2, tab.get("gridProperties", {}).get("rowCount", 1) or 1)
    return f"{quoted(tab['title'])}!1:{rows}"


def first_rows(sheet: Sheet) -> Sheet:
    """The first INSPECT_ROWS data rows, and whether the tab has more (one more row is read to
    know)."""
    if len(sheet.rows) <= INSPECT_ROWS:
        return sheet
    return Sheet(sheet.source, sheet.title, sheet.header, sheet.rows[:INSPECT_ROWS], more=True)
