"""spreadsheets:batchUpdate requests and spreadsheets.get, over real HTTP."""

from typing import Any

import pytest

from standins.sheets import SheetsStandIn, Tab
from standins.sheets.rest import SHEETS, Rest


@pytest.fixture
def rest(sheets_api: SheetsStandIn) -> Rest:
    return Rest(sheets_api.session())


@pytest.fixture
def sid(sheets_api: SheetsStandIn) -> str:
    return sheets_api.create_spreadsheet("Batch", {"Sheet1": [["a", "b"], ["c", "d"]], "Log": Tab([["x"]], sheet_id=77)})


def _error(body: dict[str, Any]) -> str:
    return str(body["error"]["message"])


def test_add_sheet_with_chosen_id_and_defaults(rest: Rest, sid: str) -> None:
    status, body = rest.batch(sid, {"addSheet": {"properties": {"sheetId": 4242, "title": "Impact", "index": 0}}}, {"addSheet": {}})
    assert status == 200
    added = body["replies"][0]["addSheet"]["properties"]
    assert added == {"sheetId": 4242, "title": "Impact", "index": 0, "sheetType": "GRID",
                     "gridProperties": {"rowCount": 1000, "columnCount": 26}}  # fmt: skip
    assert body["replies"][1]["addSheet"]["properties"]["title"] == "Sheet4"
    _, meta = rest.metadata(sid)
    assert [s["properties"]["title"] for s in meta["sheets"]] == ["Impact", "Sheet1", "Log", "Sheet4"]
    assert [s["properties"]["index"] for s in meta["sheets"]] == [0, 1, 2, 3]


@pytest.mark.parametrize(
    "request_, message",
    [
        ({"addSheet": {"properties": {"title": "Log"}}},
         'Invalid requests[0].addSheet: A sheet with the name "Log" already exists. Please enter another name.'),
        ({"addSheet": {"properties": {"title": "X", "sheetId": 77}}},
         "Invalid requests[0].addSheet: A sheet with the id 77 already exists."),
        ({"addSheet": {"properties": {"gridProperties": {"rowCount": 400_000, "columnCount": 26}}}},
         "Invalid requests[0].addSheet: This action would increase the number of cells in the workbook above the limit of 10000000 cells."),
        ({"deleteSheet": {"sheetId": 9}}, "Invalid requests[0].deleteSheet: No grid with id: 9"),
        ({"updateSheetProperties": {"properties": {"sheetId": 77, "gridProperties": {"rowCount": 2_000_000}}, "fields": "gridProperties.rowCount"}},
         "Invalid requests[0].updateSheetProperties: This action would increase the number of cells in the workbook above the limit of 10000000 cells."),
        ({"updateSheetProperties": {"properties": {"sheetId": 0, "title": "log"}, "fields": "title"}},
         'Invalid requests[0].updateSheetProperties: A sheet with the name "log" already exists. Please enter another name.'),
        ({"updateSheetProperties": {"properties": {"sheetId": 0, "gridProperties": {"frozenRowCount": 1000}}, "fields": "gridProperties/frozenRowCount"}},
         "Invalid requests[0].updateSheetProperties: You can't freeze all visible rows on the sheet."),
        ({"frobnicate": {}}, "Invalid JSON payload received. Unknown name \"frobnicate\" at 'requests[0]': Cannot find field."),
    ],
)  # fmt: skip
def test_invalid_requests(rest: Rest, sid: str, request_: dict[str, Any], message: str) -> None:
    status, body = rest.batch(sid, request_)
    assert (status, body["error"]["status"], _error(body)) == (400, "INVALID_ARGUMENT", message)


def test_a_bad_request_anywhere_applies_nothing(sheets_api: SheetsStandIn, rest: Rest, sid: str) -> None:
    status, body = rest.batch(
        sid,
        {"addSheet": {"properties": {"title": "New"}}},
        {"updateSheetProperties": {"properties": {"sheetId": 0, "title": "Renamed"}, "fields": "title"}},
        {"deleteSheet": {"sheetId": 12345}},
    )
    assert status == 400 and _error(body) == "Invalid requests[2].deleteSheet: No grid with id: 12345"
    assert sheets_api.tab_titles(sid) == ["Sheet1", "Log"]


def test_cannot_delete_the_last_sheet(sheets_api: SheetsStandIn, rest: Rest) -> None:
    only = sheets_api.create_spreadsheet("One")
    _status, body = rest.batch(only, {"deleteSheet": {"sheetId": 0}})
    assert _error(body) == "Invalid requests[0].deleteSheet: You can't remove all the sheets in a document."


def test_update_sheet_properties_masks(sheets_api: SheetsStandIn, rest: Rest, sid: str) -> None:
    props = {"sheetId": 0, "title": "Data", "gridProperties": {"rowCount": 5, "columnCount": 1, "frozenRowCount": 1}}
    status, _ = rest.batch(sid, {"updateSheetProperties": {"properties": props, "fields": "title,gridProperties(rowCount,columnCount,frozenRowCount)"}})
    assert status == 200
    assert sheets_api.tab_titles(sid) == ["Data", "Log"]
    assert sheets_api.grid_size(sid, "Data") == (5, 1) and sheets_api.frozen_rows(sid, "Data") == 1
    assert sheets_api.values(sid, "Data") == [["a"], ["c"]]  # column B fell off the grid
    rest.batch(sid, {"updateSheetProperties": {"properties": {"sheetId": 0}, "fields": "gridProperties.frozenRowCount"}})
    _, meta = rest.metadata(sid)
    assert meta["sheets"][0]["properties"]["gridProperties"] == {"rowCount": 5, "columnCount": 1}


def test_update_spreadsheet_properties(rest: Rest, sid: str) -> None:
    rest.batch(sid, {"updateSpreadsheetProperties": {"properties": {"title": "🎊 New", "timeZone": "Europe/Paris"}, "fields": "title,timeZone"}})
    _, meta = rest.metadata(sid, fields="properties(title,timeZone,locale)")
    assert meta == {"properties": {"title": "🎊 New", "timeZone": "Europe/Paris", "locale": "en_US"}}


def test_dimensions(sheets_api: SheetsStandIn, rest: Rest, sid: str) -> None:
    rest.batch(sid, {"appendDimension": {"sheetId": 0, "dimension": "ROWS", "length": 10}})
    assert sheets_api.grid_size(sid, "Sheet1") == (1010, 26)
    rest.batch(sid, {"insertDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 0, "endIndex": 1}}})
    assert sheets_api.values(sid, "Sheet1") == [[], ["a", "b"], ["c", "d"]]
    rest.batch(sid, {"deleteDimension": {"range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1}}})
    assert sheets_api.values(sid, "Sheet1") == [[], ["b"], ["d"]]
    assert sheets_api.grid_size(sid, "Sheet1") == (1011, 25)


def test_update_cells_with_range_clears_uncovered_cells(sheets_api: SheetsStandIn, rest: Rest, sid: str) -> None:
    rows = [{"values": [{"userEnteredValue": {"numberValue": 7}}, {"userEnteredValue": {"boolValue": True}}]},
            {"values": [{"userEnteredValue": {"formulaValue": "=A1*2"}}]}]  # fmt: skip
    grid = {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 2, "startColumnIndex": 0, "endColumnIndex": 2}
    status, _ = rest.batch(sid, {"updateCells": {"rows": rows, "range": grid, "fields": "userEnteredValue"}})
    assert status == 200
    assert sheets_api.values(sid, "Sheet1") == [["7", "TRUE"], ["14"]]  # D2 ("d") was cleared


def test_update_cells_from_start_leaves_the_rest(sheets_api: SheetsStandIn, rest: Rest, sid: str) -> None:
    rows = [{"values": [{"userEnteredValue": {"stringValue": "z"}, "userEnteredFormat": {"textFormat": {"bold": True}}}]}]
    rest.batch(sid, {"updateCells": {"rows": rows, "start": {"sheetId": 0, "rowIndex": 1, "columnIndex": 1}, "fields": "*"}})
    assert sheets_api.values(sid, "Sheet1") == [["a", "b"], ["c", "z"]]
    assert sheets_api.cell(sid, "Sheet1", "B2")["userEnteredFormat"] == {"textFormat": {"bold": True}}


def test_repeat_cell_formats_and_the_format_reads_back(rest: Rest, sid: str) -> None:
    fmt = {"backgroundColor": {"green": 1, "blue": 1}, "textFormat": {"bold": True}}
    grid = {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 2, "startColumnIndex": 0, "endColumnIndex": 2}
    rest.batch(sid, {"repeatCell": {"range": grid, "cell": {"userEnteredFormat": fmt}, "fields": "userEnteredFormat(backgroundColor,textFormat)"}})
    status, body = rest.metadata(sid, ranges="Sheet1!A2", fields="sheets.data.rowData.values.userEnteredFormat")
    assert status == 200
    assert body == {"sheets": [{"data": [{"rowData": [{"values": [{"userEnteredFormat": {
        "backgroundColor": {"green": 1, "blue": 1}, "textFormat": {"bold": True},
        "backgroundColorStyle": {"rgbColor": {"green": 1, "blue": 1}}}}]}]}]}]}  # fmt: skip


def test_developer_metadata_marks_owned_tabs(sheets_api: SheetsStandIn, rest: Rest, sid: str) -> None:
    create = {"createDeveloperMetadata": {"developerMetadata": {
        "metadataKey": "coaching-impact-owner", "metadataValue": "weekly-job",
        "location": {"sheetId": 77}, "visibility": "DOCUMENT"}}}  # fmt: skip
    _, body = rest.batch(sid, create)
    entry = body["replies"][0]["createDeveloperMetadata"]["developerMetadata"]
    assert entry["location"] == {"locationType": "SHEET", "sheetId": 77} and entry["metadataId"] > 0
    _, meta = rest.metadata(sid, fields="sheets(properties(sheetId,title),developerMetadata)")
    assert meta["sheets"][1]["developerMetadata"] == [entry] and "developerMetadata" not in meta["sheets"][0]
    lookup = {"dataFilter": {"developerMetadataLookup": {"metadataKey": "coaching-impact-owner"}}}
    _status, body = rest.batch(sid, {"deleteDeveloperMetadata": lookup})
    assert body["replies"][0]["deleteDeveloperMetadata"]["deletedDeveloperMetadata"] == [entry]
    assert sheets_api.developer_metadata(sid, "Log") == []


def test_developer_metadata_search_and_sheet_deletion(sheets_api: SheetsStandIn, rest: Rest, sid: str) -> None:
    entry = sheets_api.add_developer_metadata(sid, "Log", "coaching-impact-owner", "v1")
    filters = [{"developerMetadataLookup": {"metadataKey": "coaching-impact-owner", "metadataLocation": {"sheetId": 77}}}]
    _status, body = rest.post(f"{SHEETS}/{sid}/developerMetadata:search", {"dataFilters": filters})
    assert body["matchedDeveloperMetadata"][0]["developerMetadata"] == entry
    rest.batch(sid, {"deleteSheet": {"sheetId": 77}})
    assert sheets_api.developer_metadata(sid, key="coaching-impact-owner") == []


def test_spreadsheets_get_with_grid_data(sheets_api: SheetsStandIn, rest: Rest, sid: str) -> None:
    rest.write(sid, "'Log'!B1", [["=1/0", "12%"]], option="USER_ENTERED")
    _, body = rest.metadata(sid, includeGridData="true", ranges="Log!A1:C1")
    data = body["sheets"][0]["data"][0]
    cells = data["rowData"][0]["values"]
    assert [c.get("formattedValue") for c in cells] == ["x", "#DIV/0!", "12%"]
    assert cells[1]["effectiveValue"]["errorValue"]["type"] == "DIVIDE_BY_ZERO"
    assert cells[2]["effectiveValue"] == {"numberValue": 0.12}
    assert len(data["rowMetadata"]) == 1 and len(data["columnMetadata"]) == 3


def test_spreadsheets_get_fields_mask(rest: Rest, sid: str) -> None:
    _, body = rest.metadata(sid, fields="sheets.properties.title")
    assert body == {"sheets": [{"properties": {"title": "Sheet1"}}, {"properties": {"title": "Log"}}]}
    _, body = rest.metadata(sid, fields="spreadsheetId,properties/title")
    assert body == {"spreadsheetId": sid, "properties": {"title": "Batch"}}


def test_create_spreadsheet_directly(sheets_api: SheetsStandIn, rest: Rest) -> None:
    status, body = rest.post(SHEETS, {"properties": {"title": "Made"}, "sheets": [{"properties": {"title": "Only"}}]})
    assert status == 200 and body["sheets"][0]["properties"]["title"] == "Only"
    assert sheets_api.owner_of(body["spreadsheetId"]) == "test-token"


def test_update_developer_metadata_value(sheets_api: SheetsStandIn, rest: Rest, sid: str) -> None:
    sheets_api.add_developer_metadata(sid, "Log", "coaching-impact-owner", "v1")
    lookup = {"developerMetadataLookup": {"metadataKey": "coaching-impact-owner"}}
    update = {"dataFilters": [lookup], "developerMetadata": {"metadataValue": "v2"}, "fields": "metadataValue"}
    status, body = rest.batch(sid, {"updateDeveloperMetadata": update})
    assert status == 200
    assert body["replies"][0]["updateDeveloperMetadata"]["developerMetadata"][0]["metadataValue"] == "v2"
    assert sheets_api.developer_metadata(sid, "Log")[0]["metadataValue"] == "v2"


def test_move_and_hide_a_sheet(rest: Rest, sid: str) -> None:
    props = {"sheetId": 0, "index": 2, "hidden": True}
    rest.batch(sid, {"updateSheetProperties": {"properties": props, "fields": "index,hidden"}})
    _, meta = rest.metadata(sid, fields="sheets.properties(title,index,hidden)")
    assert meta["sheets"] == [{"properties": {"title": "Log", "index": 0}},
                              {"properties": {"title": "Sheet1", "index": 1, "hidden": True}}]  # fmt: skip


def test_spreadsheets_get_ranges_select_sheets(rest: Rest, sid: str) -> None:
    _, body = rest.metadata(sid, ranges="Log!A1")
    assert [s["properties"]["title"] for s in body["sheets"]] == ["Log"] and "data" not in body["sheets"][0]
