"""spreadsheets.values.* over real HTTP: ranges, trimming, render options, writes and append."""

from typing import Any

import pytest

from standins.sheets import Formula, SerialDate, SheetsStandIn, Tab
from standins.sheets.rest import SHEETS, Rest

GRID = [["A1", "B1", "", "D1"], ["", "b2", "", ""], ["", "", "", ""], ["A4", "B4", "", "D4"]]


@pytest.fixture
def rest(sheets_api: SheetsStandIn) -> Rest:
    return Rest(sheets_api.session())


@pytest.fixture
def sheet_id(sheets_api: SheetsStandIn) -> str:
    return sheets_api.create_spreadsheet("Values", {"Sheet1": Tab(GRID, rows=4, cols=4)})


@pytest.mark.parametrize(
    "a1, range_, values",
    [
        ("Sheet1", "Sheet1!A1:D4", [["A1", "B1", "", "D1"], ["", "b2"], [], ["A4", "B4", "", "D4"]]),
        ("'Sheet1'!A1:B1", "Sheet1!A1:B1", [["A1", "B1"]]),
        ("'Sheet1'!A2:2", "Sheet1!A2:D2", [["", "b2"]]),
        ("'Sheet1'!D1:D", "Sheet1!D1:D4", [["D1"], [], [], ["D4"]]),
        ("'Sheet1'!C1:C4", "Sheet1!C1:C4", None),
        ("A4", "Sheet1!A4", [["A4"]]),
        ("sheet1!b2", "Sheet1!B2", [["b2"]]),
    ],
)
def test_values_get_clips_and_trims(rest: Rest, sheet_id: str, a1: str, range_: str, values: Any) -> None:
    status, body = rest.read(sheet_id, a1)
    assert status == 200
    assert body["range"] == range_ and body["majorDimension"] == "ROWS"
    assert body.get("values") == values


def test_columns_major_dimension(rest: Rest, sheet_id: str) -> None:
    _, body = rest.read(sheet_id, "Sheet1", majorDimension="COLUMNS")
    assert body["values"] == [["A1", "", "", "A4"], ["B1", "b2", "", "B4"], [], ["D1", "", "", "D4"]]


@pytest.mark.parametrize(
    "a1, message",
    [
        ("Nope!A1", "Unable to parse range: Nope!A1"),
        ("'Sheet1'!A1:B2:C3", "Unable to parse range: 'Sheet1'!A1:B2:C3"),
        ("'Sheet1'!A1:E4", "Range ('Sheet1'!A1:E4) exceeds grid limits. Max rows: 4, max columns: 4"),
        ("'Sheet1'!A5", "Range ('Sheet1'!A5) exceeds grid limits. Max rows: 4, max columns: 4"),
    ],
)
def test_bad_ranges(rest: Rest, sheet_id: str, a1: str, message: str) -> None:
    status, body = rest.read(sheet_id, a1)
    assert status == 400
    assert body == {"error": {"code": 400, "message": message, "status": "INVALID_ARGUMENT"}}


def test_render_options(sheets_api: SheetsStandIn, rest: Rest) -> None:
    row = [Formula("=4/2"), SerialDate(43831, "yyyy-mm-dd"), "string", 53, 0.12, True, Formula("=VLOOKUP(1,A1:B2,2)")]
    sid = sheets_api.create_spreadsheet("Render", {"Sheet1": [row]})

    def read(**params: str) -> list[Any]:
        return list(rest.read(sid, "Sheet1", **params)[1]["values"][0])

    assert read() == ["2", "2020-01-01", "string", "53", "0.12", "TRUE", "=VLOOKUP(1,A1:B2,2)"]
    assert read(valueRenderOption="UNFORMATTED_VALUE") == [2, 43831, "string", 53, 0.12, True, "=VLOOKUP(1,A1:B2,2)"]
    assert read(valueRenderOption="FORMULA") == ["=4/2", 43831, "string", 53, 0.12, True, "=VLOOKUP(1,A1:B2,2)"]
    formatted_dates = read(valueRenderOption="UNFORMATTED_VALUE", dateTimeRenderOption="FORMATTED_STRING")
    assert formatted_dates[1] == "2020-01-01"


def test_bad_render_option(rest: Rest, sheet_id: str) -> None:
    status, body = rest.read(sheet_id, "Sheet1", valueRenderOption="PRETTY")
    assert status == 400 and "value_render_option" in body["error"]["message"]


def test_batch_get(rest: Rest, sheet_id: str) -> None:
    status, body = rest.get(f"{SHEETS}/{sheet_id}/values:batchGet", ranges=["'Sheet1'!A1:B1", "'Sheet1'!B4:D4"])
    assert status == 200
    assert body["valueRanges"] == [
        {"range": "Sheet1!A1:B1", "majorDimension": "ROWS", "values": [["A1", "B1"]]},
        {"range": "Sheet1!B4:D4", "majorDimension": "ROWS", "values": [["B4", "", "D4"]]},
    ]


def test_update_reports_what_was_written(rest: Rest, sheet_id: str) -> None:
    status, body = rest.write(sheet_id, "'Sheet1'!A1", [["x", "y", "z"], [1, 2]])
    assert status == 200
    assert body == {"spreadsheetId": sheet_id, "updatedRange": "Sheet1!A1:C2", "updatedRows": 2,
                    "updatedColumns": 3, "updatedCells": 5}  # fmt: skip


def test_update_nulls_skip_and_empty_strings_clear(sheets_api: SheetsStandIn, rest: Rest, sheet_id: str) -> None:
    rest.write(sheet_id, "'Sheet1'!A1", [[None, ""]])
    assert sheets_api.values(sheet_id, "Sheet1")[0] == ["A1", "", "", "D1"]


def test_update_user_entered_sets_formats(sheets_api: SheetsStandIn, rest: Rest, sheet_id: str) -> None:
    rest.write(sheet_id, "'Sheet1'!A1", [["=2+3", "2020-01-01", "12%", "TRUE"]], option="USER_ENTERED")
    assert sheets_api.values(sheet_id, "Sheet1")[0] == ["5", "2020-01-01", "12%", "TRUE"]
    assert sheets_api.values(sheet_id, "Sheet1", render="UNFORMATTED_VALUE")[0] == [5, 43831, 0.12, True]
    assert sheets_api.cell(sheet_id, "Sheet1", "C1")["userEnteredFormat"]["numberFormat"] == {"type": "PERCENT", "pattern": "0%"}


@pytest.mark.parametrize(
    "a1, values, message",
    [
        ("'Sheet1'!A1:B2", [[1, 2, 3]], "Requested writing within range ['Sheet1'!A1:B2], but tried writing to column [C]"),
        ("'Sheet1'!A1:B2", [[1], [2], [3]], "Requested writing within range ['Sheet1'!A1:B2], but tried writing to row [3]"),
        ("'Sheet1'!C4", [[1, 2, 3]], "Range ('Sheet1'!C4:E4) exceeds grid limits. Max rows: 4, max columns: 4"),
    ],
)
def test_update_errors_change_nothing(sheets_api: SheetsStandIn, rest: Rest, sheet_id: str, a1: str, values: Any, message: str) -> None:
    status, body = rest.write(sheet_id, a1, values)
    assert (status, body["error"]["message"]) == (400, message)
    assert sheets_api.values(sheet_id, "Sheet1")[0] == ["A1", "B1", "", "D1"]


def test_update_needs_value_input_option(rest: Rest, sheet_id: str) -> None:
    status, body = rest.put(rest.values(sheet_id, "Sheet1!A1"), {"values": [[1]]})
    assert status == 400 and body["error"]["message"] == "'valueInputOption' is required but not specified"


def test_batch_update_totals_and_atomicity(sheets_api: SheetsStandIn, rest: Rest, sheet_id: str) -> None:
    url = f"{SHEETS}/{sheet_id}/values:batchUpdate"
    data = [{"range": "'Sheet1'!A1:D1", "values": [["a", "b", "c", "d"]]}, {"range": "'Sheet1'!A4:D4", "values": [["e", "f", "g", "h"]]}]
    status, body = rest.post(url, {"valueInputOption": "RAW", "data": data})
    assert status == 200
    assert (body["totalUpdatedRows"], body["totalUpdatedColumns"], body["totalUpdatedCells"], body["totalUpdatedSheets"]) == (2, 4, 8, 1)
    bad = [{"range": "'Sheet1'!A1", "values": [["changed"]]}, {"range": "Nope!A1", "values": [["x"]]}]
    status, body = rest.post(url, {"valueInputOption": "RAW", "data": bad})
    assert status == 400 and body["error"]["message"] == "Invalid data[1]: Unable to parse range: Nope!A1"
    assert sheets_api.values(sheet_id, "Sheet1")[0] == ["a", "b", "c", "d"]


def test_clear_keeps_formats(sheets_api: SheetsStandIn, rest: Rest, sheet_id: str) -> None:
    rest.write(sheet_id, "'Sheet1'!A1", [["50%"]], option="USER_ENTERED")
    status, body = rest.post(rest.values(sheet_id, "'Sheet1'", ":clear"))
    assert (status, body["clearedRange"]) == (200, "Sheet1!A1:D4")
    assert sheets_api.values(sheet_id, "Sheet1") == []
    assert sheets_api.cell(sheet_id, "Sheet1", "A1") == {"userEnteredFormat": {"numberFormat": {"type": "PERCENT", "pattern": "0%"}}}


def test_batch_clear(sheets_api: SheetsStandIn, rest: Rest, sheet_id: str) -> None:
    status, body = rest.post(f"{SHEETS}/{sheet_id}/values:batchClear", {"ranges": ["'Sheet1'!A1:B1", "'Sheet1'!4:4"]})
    assert (status, body["clearedRanges"]) == (200, ["Sheet1!A1:B1", "Sheet1!A4:D4"])
    assert sheets_api.values(sheet_id, "Sheet1") == [["", "", "", "D1"], ["", "b2"]]


def _append(rest: Rest, sid: str, a1: str, values: list[list[Any]], **params: Any) -> dict[str, Any]:
    status, body = rest.post(rest.values(sid, a1, ":append"), {"values": values}, valueInputOption="RAW", **params)
    assert status == 200, body
    return body


def test_append_to_empty_sheet_then_after_table(sheets_api: SheetsStandIn, rest: Rest) -> None:
    sid = sheets_api.create_spreadsheet("Append")
    first = _append(rest, sid, "'Sheet1'", [["h1", "h2"]])
    assert "tableRange" not in first and first["updates"]["updatedRange"] == "Sheet1!A1:B1"
    second = _append(rest, sid, "'Sheet1'", [["v1", "v2"], ["w1", "w2"]])
    assert second["tableRange"] == "Sheet1!A1:B1"
    assert second["updates"]["updatedRange"] == "Sheet1!A2:B3"


def test_append_follows_the_last_table_like_google(sheets_api: SheetsStandIn, rest: Rest) -> None:
    """Recorded: a row with a blank middle cell makes the next append start at its last column."""
    sid = sheets_api.create_spreadsheet("Append")
    _append(rest, sid, "'Sheet1'", [["x", "", "y"]])
    body = _append(rest, sid, "'Sheet1'", [["x", "", "y"]])
    assert (body["tableRange"], body["updates"]["updatedRange"]) == ("Sheet1!C1", "Sheet1!C2:E2")
    anchored = _append(rest, sid, "'Sheet1'!A1", [["z"]])
    assert anchored["updates"]["updatedRange"] == "Sheet1!A2"


def test_append_grows_the_grid_and_insert_rows_shifts(sheets_api: SheetsStandIn, rest: Rest) -> None:
    sid = sheets_api.create_spreadsheet("Append", {"Log": Tab([["h1", "h2"], ["a", "b"]], rows=2, cols=2)})
    body = _append(rest, sid, "'Log'", [["r3"], ["r4"]])
    assert (body["tableRange"], body["updates"]["updatedRange"]) == ("Log!A1:B2", "Log!A3:A4")
    assert sheets_api.grid_size(sid, "Log") == (4, 2)
    _append(rest, sid, "'Log'!A1:B1", [["new", "row"]], insertDataOption="INSERT_ROWS")
    assert sheets_api.values(sid, "Log") == [["h1", "h2"], ["new", "row"], ["a", "b"], ["r3"], ["r4"]]
    assert sheets_api.grid_size(sid, "Log") == (5, 2)


def test_append_respects_the_cell_limit(sheets_api: SheetsStandIn, rest: Rest) -> None:
    sid = sheets_api.create_spreadsheet("Big", {"Sheet1": Tab([["x"]], rows=1_000_000, cols=10)})
    rest.write(sid, "'Sheet1'!A1000000", [["last row"]])
    status, body = rest.post(rest.values(sid, "'Sheet1'", ":append"), {"values": [["y"]]}, valueInputOption="RAW")
    assert status == 400
    assert body["error"]["message"] == (
        "This action would increase the number of cells in the workbook above the limit of 10000000 cells."
    )
    assert sheets_api.grid_size(sid, "Sheet1") == (1_000_000, 10)


def test_values_in_response(rest: Rest, sheet_id: str) -> None:
    _status, body = rest.put(rest.values(sheet_id, "'Sheet1'!A1"), {"values": [["=1+1"]]},
                            valueInputOption="USER_ENTERED", includeValuesInResponse="true")  # fmt: skip
    assert body["updatedData"] == {"range": "Sheet1!A1", "majorDimension": "ROWS", "values": [["2"]]}
