"""Reading a Google spreadsheet source: one metadata call and one values:batchGet for all its tabs.

Values come unformatted, dates as serial numbers: the same normal form the workbook backend
gives, so validation cannot tell the two apart.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gspread.exceptions import APIError

from config.model import SHEETS_URL, Source, spreadsheet_id
from core.schema import TabKind
from core.sources import FailureKind, RawTab, SourceProblem
from sync.common import find_sheet, missing_tab, sheet_values
from sync.google_api import GoogleConnection, Unreachable, api_message, quoted
from sync.sheets_cache import CachedSheet
from sync.source_versions import SourceVersions

VALUE_PARAMS = {"valueRenderOption": "UNFORMATTED_VALUE",
                "dateTimeRenderOption": "SERIAL_NUMBER", "majorDimension": "ROWS"}
SHEET_FIELDS = "sheets.properties(sheetId,title)"


def read_google(conn: GoogleConnection, source: Source, versions: SourceVersions | None = None
                ) -> tuple[list[RawTab], list[SourceProblem]]:
    """Every configured tab of one spreadsheet; a problem with it is one issue, never a crash.
    An unchanged spreadsheet with a local copy (see `sync.source_versions`) is not read again."""
    sid = spreadsheet_id(source.location) or source.location
    wanted_titles = list(source.tabs.values())
    copy = versions.cached(sid, wanted_titles) if versions else None
    if copy is not None:
        found = from_copy(source, sid, copy)
        if found is not None:
            return found
    try:
        sheets, wanted, problems, ranges = fetch(conn, source, sid)
    except APIError as exc:
        return [], [SourceProblem(source.name, "", unreadable(conn, source, sid, exc),
                                  failure_kind(exc))]
    except Unreachable as exc:
        return [], [SourceProblem(source.name, "", (
            f"Google Sheets did not answer for spreadsheet {sid} ({exc}). The other sources "
            "were still read; the next run will try again, or run it again yourself once "
            "Google answers."), FailureKind.UNREACHABLE)]
    except (ValueError, KeyError, TypeError) as exc:  # JSON cut short, or a field missing
        return [], [SourceProblem(source.name, "", (
            f"Google Sheets sent an answer for spreadsheet {sid} that could not be understood "
            f"({type(exc).__name__}: {exc}), so nothing of it was used. The other sources were "
            "still read; the next run will try again."), FailureKind.UNREADABLE)]
    values = {title: found.get("values") or []
              for title, found in zip(wanted.values(), ranges, strict=True)}
    if versions:
        versions.store(sid, wanted_titles, CachedSheet(sheets, values))
    return tabs_of(source, sid, sheets, wanted, values), problems


def tabs_of(source: Source, sid: str, sheets: dict[str, int], wanted: dict[TabKind, str],
            values: dict[str, list[list[Any]]]) -> list[RawTab]:
    return [raw_tab(source, kind, title, values[title], f"{SHEETS_URL}{sid}/edit#gid="
                    f"{sheets[title]}") for kind, title in wanted.items() if title in values]


def from_copy(source: Source, sid: str, copy: CachedSheet
              ) -> tuple[list[RawTab], list[SourceProblem]] | None:
    """The tabs from the local copy, as a fresh read would give them; None when the copy
    lacks a tab now wanted (the config changed), so the spreadsheet is read."""
    wanted, problems = locate_tabs(source, list(copy.sheets), sid)
    if any(title not in copy.values for title in wanted.values()):
        return None
    return tabs_of(source, sid, copy.sheets, wanted, copy.values), problems


def fetch(conn: GoogleConnection, source: Source, sid: str
          ) -> tuple[dict[str, int], dict[TabKind, str], list[SourceProblem], list[dict[str, Any]]]:
    """The two calls: the tabs there are, then the values of those configured."""
    sheets = sheet_ids(conn.reader.fetch_sheet_metadata(
        sid, params={"includeGridData": "false", "fields": SHEET_FIELDS}))
    wanted, problems = locate_tabs(source, list(sheets), sid)
    if not wanted:
        return sheets, wanted, problems, []
    answer = conn.reader.values_batch_get(sid, [quoted(t) for t in wanted.values()],
                                          params=dict(VALUE_PARAMS))
    return sheets, wanted, problems, value_ranges(answer, wanted)


def sheet_ids(metadata: Mapping[str, Any]) -> dict[str, int]:
    """Tab title → sheet id. An answer without its `sheets` is damaged, never 'no tabs'."""
    return {s["properties"]["title"]: s["properties"]["sheetId"] for s in metadata["sheets"]}


def value_ranges(answer: dict[str, Any], wanted: dict[TabKind, str]) -> list[dict[str, Any]]:
    """One range per tab asked for: fewer would make a tab look empty that was never read."""
    ranges = answer["valueRanges"]
    if len(ranges) != len(wanted) or not all(isinstance(r, dict) for r in ranges):
        raise ValueError(f"{len(ranges)} value ranges for {len(wanted)} tabs")
    return ranges


def locate_tabs(source: Source, titles: list[str], sid: str
                ) -> tuple[dict[TabKind, str], list[SourceProblem]]:
    wanted, problems = {}, []
    for kind, title in source.tabs.items():
        found = find_sheet(titles, title)
        if found is None:
            problems.append(missing_tab(source.name, title, kind, titles, f"spreadsheet {sid}"))
        else:
            wanted[kind] = found
    return wanted, problems


def raw_tab(source: Source, kind: TabKind, title: str, values: list[list[Any]],
            link: str) -> RawTab:
    header, rows = sheet_values(tuple(r) for r in values)
    return RawTab(source.name, title, kind, header, rows, source.school,
                  dict(source.aliases.get(kind, {})), link)


def failure_kind(exc: APIError) -> FailureKind:
    return {404: FailureKind.MISSING, 403: FailureKind.NOT_SHARED}.get(exc.code,
                                                                       FailureKind.UNREADABLE)


def unreadable(conn: GoogleConnection, source: Source, sid: str, exc: APIError) -> str:
    if exc.code == 404:
        return (f"Google spreadsheet {sid} was not found. Check this source's location: in the "
                "config (copy the spreadsheet's address from the browser).")
    if exc.code == 403:
        return (f"No permission to open Google spreadsheet {sid}: "
                f"{conn.share_hint('a Viewer')}.")
    return f"Spreadsheet {sid} could not be read: {api_message(exc)}."
