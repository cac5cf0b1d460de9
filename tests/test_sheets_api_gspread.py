"""Unmodified gspread 6.x against the stand-in, routed only by the requests transport adapter."""

from typing import Any

import gspread
import pytest
import requests
from google.auth.transport.requests import AuthorizedSession
from google.oauth2.credentials import Credentials
from gspread.utils import ValueInputOption, ValueRenderOption

from standins.sheets import SerialDate, SheetsStandIn, Tab, mount_endpoint_override

LOG: list[list[Any]] = [
    ["Date", "Coach", "Minutes", "Activity"],
    [SerialDate(46329), "Ana", 45, "planning"],
    [SerialDate(46330), "Ben", 30.5, "co-teaching"],
]


@pytest.fixture
def client(sheets_api: SheetsStandIn) -> gspread.Client:
    """Built exactly as the brief says: Credentials + an AuthorizedSession with the adapter."""
    credentials = Credentials(token="test-token")  # type: ignore[no-untyped-call]
    session = AuthorizedSession(credentials)  # type: ignore[no-untyped-call]
    mount_endpoint_override(session, sheets_api.url)
    return gspread.Client(auth=credentials, session=session)


@pytest.fixture
def spreadsheet(sheets_api: SheetsStandIn, client: gspread.Client) -> gspread.Spreadsheet:
    sid = sheets_api.create_spreadsheet("Coaching log", {"Form Responses 1": Tab(LOG, frozen_rows=1), "Notes": [["n"]]})
    return client.open_by_key(sid)


def test_open_by_key_and_worksheets(spreadsheet: gspread.Spreadsheet) -> None:
    assert spreadsheet.title == "Coaching log" and spreadsheet.locale == "en_US"
    assert [w.title for w in spreadsheet.worksheets()] == ["Form Responses 1", "Notes"]
    sheet = spreadsheet.worksheet("Form Responses 1")
    assert (sheet.row_count, sheet.col_count, sheet.frozen_row_count) == (1000, 26, 1)


def test_get_all_values_and_records(spreadsheet: gspread.Spreadsheet) -> None:
    sheet = spreadsheet.sheet1
    assert sheet.get_all_values() == [
        ["Date", "Coach", "Minutes", "Activity"],
        ["11/3/2026", "Ana", "45", "planning"],
        ["11/4/2026", "Ben", "30.5", "co-teaching"],
    ]
    records = sheet.get_all_records(value_render_option=ValueRenderOption.unformatted)
    assert records[0] == {"Date": 46329, "Coach": "Ana", "Minutes": 45, "Activity": "planning"}
    assert sheet.get_all_records()[1]["Minutes"] == 30.5


def test_batch_get(spreadsheet: gspread.Spreadsheet) -> None:
    ranges = spreadsheet.sheet1.batch_get(["A1:B1", "C2:C3"])
    assert [r.range for r in ranges] == ["'Form Responses 1'!A1:B1", "'Form Responses 1'!C2:C3"]
    assert ranges[1] == [["45"], ["30.5"]]


def test_update_batch_update_and_append(sheets_api: SheetsStandIn, spreadsheet: gspread.Spreadsheet) -> None:
    sheet = spreadsheet.worksheet("Notes")
    result = sheet.update([["=2*21", "2026-11-05"]], "A2", value_input_option=ValueInputOption.user_entered)
    assert result["updatedRange"] == "Notes!A2:B2"
    sheet.batch_update([{"range": "C1:C2", "values": [["c1"], ["c2"]]}])
    sheet.append_rows([["appended", "", "row"]])
    assert sheets_api.values(spreadsheet.id, "Notes") == [["n", "", "c1"], ["42", "2026-11-05", "c2"], ["appended", "", "row"]]
    assert sheet.get("A2:B2", value_render_option=ValueRenderOption.unformatted) == [[42, 46331]]


def test_clear(sheets_api: SheetsStandIn, spreadsheet: gspread.Spreadsheet) -> None:
    spreadsheet.sheet1.clear()
    assert spreadsheet.sheet1.get_all_values() == [[]]
    assert sheets_api.values(spreadsheet.id, "Form Responses 1") == []


def test_add_and_delete_worksheet(sheets_api: SheetsStandIn, spreadsheet: gspread.Spreadsheet) -> None:
    added = spreadsheet.add_worksheet("School summary", rows=50, cols=8)
    assert (added.row_count, added.col_count, added.index) == (50, 8, 2)
    with pytest.raises(gspread.exceptions.APIError) as raised:
        spreadsheet.add_worksheet("School summary", rows=5, cols=5)
    assert raised.value.code == 400 and "already exists" in str(raised.value)
    spreadsheet.del_worksheet(added)
    assert sheets_api.tab_titles(spreadsheet.id) == ["Form Responses 1", "Notes"]


def test_resize_freeze_and_format(sheets_api: SheetsStandIn, spreadsheet: gspread.Spreadsheet) -> None:
    sheet = spreadsheet.worksheet("Notes")
    sheet.resize(rows=20, cols=5)
    sheet.freeze(rows=2, cols=1)
    sheet.format("A1:B1", {"textFormat": {"bold": True}, "backgroundColor": {"red": 1.0}})
    assert sheets_api.grid_size(spreadsheet.id, "Notes") == (20, 5)
    assert (sheets_api.frozen_rows(spreadsheet.id, "Notes"), sheets_api.frozen_columns(spreadsheet.id, "Notes")) == (2, 1)
    fresh = spreadsheet.worksheet("Notes")
    assert (fresh.row_count, fresh.frozen_row_count, fresh.frozen_col_count) == (20, 2, 1)
    assert sheets_api.cell(spreadsheet.id, "Notes", "B1")["userEnteredFormat"]["textFormat"] == {"bold": True}


def test_drive_create_open_and_delete(sheets_api: SheetsStandIn, client: gspread.Client) -> None:
    created = client.create("Impact 2026")
    assert client.open("Impact 2026").id == created.id
    assert [s.title for s in client.openall()] == ["Impact 2026"]
    client.del_spreadsheet(created.id)
    with pytest.raises(gspread.exceptions.SpreadsheetNotFound):
        client.open("Impact 2026")


def test_errors_map_to_gspread_exceptions(sheets_api: SheetsStandIn, client: gspread.Client) -> None:
    with pytest.raises(gspread.exceptions.SpreadsheetNotFound):
        client.open_by_key("does-not-exist")
    private = sheets_api.create_spreadsheet("Private", owner="someone-else")
    with pytest.raises(PermissionError):
        client.open_by_key(private)


def test_quota_and_faults_reach_gspread_as_api_errors(sheets_api: SheetsStandIn, spreadsheet: gspread.Spreadsheet) -> None:
    sheet = spreadsheet.sheet1
    sheets_api.quota.enable(read_per_minute=1)
    sheet.get_all_values()
    with pytest.raises(gspread.exceptions.APIError) as raised:
        sheet.get_all_values()
    assert raised.value.code == 429 and raised.value.error["status"] == "RESOURCE_EXHAUSTED"
    sheets_api.quota.disable()
    sheets_api.faults.add(endpoint="values.get", kind="503")
    with pytest.raises(gspread.exceptions.APIError) as raised:
        sheet.get_all_values()
    assert raised.value.code == 503


def test_client_timeout(sheets_api: SheetsStandIn, spreadsheet: gspread.Spreadsheet) -> None:
    client = sheets_api.gspread_client(timeout=0.2)
    sheets_api.faults.add(endpoint="values.get", kind="timeout", delay=1.5)
    with pytest.raises(requests.exceptions.ReadTimeout):
        client.open_by_key(spreadsheet.id).sheet1.get_all_values()


def test_call_counts_for_a_typical_read(sheets_api: SheetsStandIn, client: gspread.Client, spreadsheet: gspread.Spreadsheet) -> None:
    sheets_api.log.clear()
    opened = client.open_by_key(spreadsheet.id)
    for sheet in opened.worksheets():
        sheet.get_all_values()
    counts: dict[str, Any] = sheets_api.log.counts()
    assert counts == {"spreadsheets.get": 2, "values.get": 2}
