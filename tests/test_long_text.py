"""Google's per-cell and per-request limits, enforced by the stand-in with Google's words, and
the job's long text written within them (cut, with a visible marker), never a refused write."""
from __future__ import annotations

from typing import Any

import pytest
from openpyxl import load_workbook

from core.summary import Link, Table
from standins.sheets import SheetsStandIn, Tab
from standins.sheets.rest import Rest
from sync.common import EXCEL_CELL_CHARACTERS, GOOGLE_CELL_CHARACTERS, fit_cell
from sync.google_write import GoogleTarget
from sync.workbook import WorkbookTarget
from tests.test_google import ENTRY, conn, output_sheet  # noqa: F401

TOO_LONG = "x" * 50_001
CELL_WORDS = "Your input contains more than the maximum of 50000 characters in a single cell."


@pytest.fixture
def rest(sheets_api: SheetsStandIn) -> Rest:
    return Rest(sheets_api.session())


@pytest.fixture
def sid(sheets_api: SheetsStandIn) -> str:
    return sheets_api.create_spreadsheet("Limits", {"Sheet1": Tab([["a"]], rows=5, cols=5)})


def error_of(answer: tuple[int, Any]) -> tuple[int, str, str]:
    status, body = answer
    return status, body["error"]["status"], body["error"]["message"]


def test_the_stand_in_refuses_a_cell_over_50000_characters_as_google_does(rest, sid):
    assert error_of(rest.write(sid, "Sheet1!A1", [["ok", TOO_LONG]])) == (
        400, "INVALID_ARGUMENT", CELL_WORDS)
    cell = {"userEnteredValue": {"stringValue": TOO_LONG}}
    request = {"updateCells": {"start": {"sheetId": 0, "rowIndex": 0, "columnIndex": 0},
                               "rows": [{"values": [cell]}], "fields": "userEnteredValue"}}
    status, kind, message = error_of(rest.batch(sid, request))
    assert (status, kind) == (400, "INVALID_ARGUMENT")
    assert message == f"Invalid requests[0].updateCells: {CELL_WORDS}"
    assert rest.write(sid, "Sheet1!A1", [["x" * 50_000]])[0] == 200  # the limit itself is fine


def test_the_stand_in_refuses_a_request_over_10_mb_whole(rest, sid):
    rows = [["y" * 40_000] for _ in range(270)]  # ≈ 10.8 MB of JSON
    assert error_of(rest.write(sid, "Sheet1!A1", rows)) == (
        400, "INVALID_ARGUMENT", "Request payload size exceeds the limit: 10485760 bytes.")


@pytest.mark.parametrize("limit", [GOOGLE_CELL_CHARACTERS, EXCEL_CELL_CHARACTERS])
def test_long_text_is_cut_to_the_limit_with_a_visible_marker(limit):
    cut = fit_cell("z" * (limit + 5_000), limit)
    assert len(cut) == limit and cut.endswith("more characters]") and " … [cut: " in cut
    assert fit_cell("short", limit) == "short"


def long_table() -> Table:
    return Table("Data Issues", ["Value", "Link"], [[TOO_LONG * 2, Link(TOO_LONG, "https://x")]])


def test_the_job_writes_long_text_to_google_within_the_limit(sheets_api, conn):
    sheet = output_sheet(sheets_api)
    GoogleTarget(conn, sheet).write([long_table()], ENTRY)
    value, link = sheets_api.values(sheet, "Data Issues")[1][:2]
    assert len(value) == len(link) == GOOGLE_CELL_CHARACTERS and "[cut: " in value


def test_the_job_writes_long_text_to_a_workbook_within_excels_limit(tmp_path):
    path = tmp_path / "summary.xlsx"
    WorkbookTarget(path).write([long_table()], ENTRY)
    value = load_workbook(path)["Data Issues"]["A2"].value
    assert len(value) == EXCEL_CELL_CHARACTERS and "[cut: " in value
