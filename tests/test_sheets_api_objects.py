"""The stand-in's sheet objects (charts, banding, conditional formats, protections, filters,
merges, data validation, column sizes): stored, returned by spreadsheets.get under Google's
field names, and refused with Google's wording when wrong."""
import pytest

SHEETS = "https://sheets.googleapis.com/v4/spreadsheets/"
TOKEN = "test-token"


@pytest.fixture
def book(sheets_api):
    sid = sheets_api.create_spreadsheet("Book", {"Data": [["School", "Hours"], ["A", 1], ["B", 2]],
                                                 "Board": [["x"]]})
    session = sheets_api.session(TOKEN)
    ids = {t: sheets_api.sheet_id(sid, t) for t in ("Data", "Board")}

    def send(*requests):
        return session.post(f"{SHEETS}{sid}:batchUpdate", json={"requests": list(requests)})

    def get(fields):
        answer = session.get(f"{SHEETS}{sid}", params={"fields": fields})
        assert answer.status_code == 200, answer.text
        return answer.json()
    return send, get, ids


def column(sheet_id, c, rows=3):
    return {"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": rows,
            "startColumnIndex": c, "endColumnIndex": c + 1}


def chart(data, board, chart_id=None, source=None):
    spec = {"title": "Hours", "basicChart": {
        "chartType": "COLUMN", "headerCount": 1,
        "domains": [{"domain": {"sourceRange": {"sources": [column(data, 0)]}}}],
        "series": [{"series": {"sourceRange": {"sources": [source or column(data, 1)]}}}]}}
    body = {"spec": spec, "position": {"overlayPosition": {
        "anchorCell": {"sheetId": board, "rowIndex": 2, "columnIndex": 1}}}}
    if chart_id:
        body["chartId"] = chart_id
    return {"addChart": {"chart": body}}


def error(answer):
    assert answer.status_code == 400, answer.text
    return answer.json()["error"]["message"]


def test_everything_sent_comes_back_from_get(book):
    send, get, ids = book
    data = ids["Data"]
    whole = {"sheetId": data, "startRowIndex": 0, "endRowIndex": 3, "startColumnIndex": 0,
             "endColumnIndex": 2}
    answer = send(
        {"updateDimensionProperties": {"range": {"sheetId": data, "dimension": "COLUMNS",
                                                 "startIndex": 0, "endIndex": 1},
                                       "properties": {"pixelSize": 180}, "fields": "pixelSize"}},
        {"setBasicFilter": {"filter": {"range": whole}}},
        {"addBanding": {"bandedRange": {"bandedRangeId": 5, "range": whole, "rowProperties": {
            "firstBandColor": {"red": 1, "green": 1, "blue": 1}}}}},
        {"addConditionalFormatRule": {"index": 0, "rule": {
            "ranges": [column(data, 1)], "booleanRule": {
                "condition": {"type": "NUMBER_LESS", "values": [{"userEnteredValue": "2"}]},
                "format": {"backgroundColor": {"red": 1}}}}}},
        {"addProtectedRange": {"protectedRange": {"range": {"sheetId": data},
                                                  "warningOnly": True, "description": "job"}}},
        {"mergeCells": {"range": {"sheetId": ids["Board"], "startRowIndex": 0, "endRowIndex": 1,
                                  "startColumnIndex": 0, "endColumnIndex": 3},
                        "mergeType": "MERGE_ALL"}},
        {"setDataValidation": {"range": column(data, 1), "rule": {
            "condition": {"type": "NUMBER_GREATER", "values": [{"userEnteredValue": "0"}]}}}},
        chart(data, ids["Board"], chart_id=99))
    assert answer.status_code == 200, answer.text
    replies = answer.json()["replies"]
    assert replies[2]["addBanding"]["bandedRange"]["bandedRangeId"] == 5
    assert replies[-1]["addChart"]["chart"]["chartId"] == 99
    got = get("sheets(properties.title,charts,conditionalFormats,bandedRanges,protectedRanges,"
              "basicFilter,merges,data(columnMetadata,rowData.values.dataValidation))")
    sheet, board = got["sheets"]
    assert sheet["basicFilter"]["range"] == whole
    assert sheet["bandedRanges"][0]["range"] == whole
    assert sheet["conditionalFormats"][0]["booleanRule"]["condition"]["type"] == "NUMBER_LESS"
    (protected,) = sheet["protectedRanges"]
    assert protected["warningOnly"] and protected["range"] == {"sheetId": data}
    assert protected["protectedRangeId"] > 0
    assert sheet["data"][0]["columnMetadata"][:2] == [{"pixelSize": 180}, {"pixelSize": 100}]
    assert sheet["data"][0]["rowData"][1]["values"][1]["dataValidation"]["condition"]["type"] \
        == "NUMBER_GREATER"
    assert board["merges"][0]["endColumnIndex"] == 3
    assert board["charts"][0]["chartId"] == 99 and "charts" not in sheet


def test_deleting_what_was_added(book):
    send, get, ids = book
    data = ids["Data"]
    assert send(chart(data, ids["Board"], 7),
                {"addBanding": {"bandedRange": {"bandedRangeId": 3, "range": column(data, 0),
                                                "rowProperties": {}, "columnProperties": {
                                                    "firstBandColor": {"red": 1}}}}},
                {"addProtectedRange": {"protectedRange": {"protectedRangeId": 4,
                                                          "range": {"sheetId": data}}}},
                {"addConditionalFormatRule": {"rule": {"ranges": [column(data, 1)], "booleanRule": {
                    "condition": {"type": "NOT_BLANK"}, "format": {}}}}},
                {"setBasicFilter": {"filter": {"range": column(data, 0)}}}).status_code == 200
    answer = send({"deleteEmbeddedObject": {"objectId": 7}},
                  {"deleteBanding": {"bandedRangeId": 3}},
                  {"deleteProtectedRange": {"protectedRangeId": 4}},
                  {"deleteConditionalFormatRule": {"sheetId": data, "index": 0}},
                  {"clearBasicFilter": {"sheetId": data}})
    assert answer.status_code == 200, answer.text
    sheets = get("sheets(charts,bandedRanges,protectedRanges,conditionalFormats,basicFilter)")
    assert sheets["sheets"] == [{}, {}]


@pytest.mark.parametrize("request_, message", [
    (lambda ids: chart(ids["Data"], 12345),
     "Invalid requests[0].addChart: No grid with id: 12345"),
    (lambda ids: chart(ids["Data"], ids["Board"],
                       source={**column(ids["Data"], 1), "sheetId": 999}),
     "Invalid requests[0].addChart: No grid with id: 999"),
    (lambda ids: chart(ids["Data"], ids["Board"], source=column(ids["Data"], 1, rows=5000)),
     "Invalid requests[0].addChart: Range ('Data'!B1:B5000) exceeds grid limits. Max rows: 1000, "
     "max columns: 26"),
    (lambda ids: chart(ids["Data"], ids["Board"], source={
        "sheetId": ids["Data"], "startRowIndex": 0, "endRowIndex": 3, "startColumnIndex": 0,
        "endColumnIndex": 2}),
     "Invalid requests[0].addChart: ChartSourceRange ranges require all rows or all columns to "
     "have length of 1"),
    (lambda ids: {"deleteEmbeddedObject": {"objectId": 5}},
     "Invalid requests[0].deleteEmbeddedObject: No embedded object with id: 5"),
    (lambda ids: {"deleteProtectedRange": {"protectedRangeId": 2092627652}},
     "Invalid requests[0].deleteProtectedRange: No protected range with id: 2092627652"),
    (lambda ids: {"addProtectedRange": {"protectedRange": {
        "range": {"sheetId": ids["Data"]}, "warningOnly": True,
        "editors": {"users": ["a@example.com"]}}}},
     "Invalid requests[0].addProtectedRange: ProtectedRange is warningOnly. Editors cannot be set "
     "on it."),
    (lambda ids: {"updateSheetProperties": {"properties": {"sheetId": ids["Data"], "hidden": True},
                                            "fields": "hidden"}},
     None),
])
def test_google_wording_for_bad_requests(book, request_, message):
    send, _, ids = book
    answer = send(request_(ids))
    if message is None:
        assert answer.status_code == 200  # one of two sheets may be hidden
        return
    assert error(answer) == message


def test_a_second_sheet_protection_and_hiding_every_sheet_are_refused(book):
    send, get, ids = book
    protect = {"addProtectedRange": {"protectedRange": {"range": {"sheetId": ids["Data"]}}}}
    assert send(protect).status_code == 200
    assert error(send(protect)) == \
        'Invalid requests[0].addProtectedRange: Sheet "Data" already has sheet protection.'
    hide = [{"updateSheetProperties": {"properties": {"sheetId": i, "hidden": True},
                                       "fields": "hidden"}} for i in ids.values()]
    assert error(send(*hide)) == \
        "Invalid requests[1].updateSheetProperties: You can't hide all the sheets in a document."
    assert "hidden" not in get("sheets.properties(hidden)")["sheets"][0].get("properties", {})


def test_sheet_objects_survive_the_state_file(book, sheets_api, tmp_path):
    from standins.sheets import state
    send, _, ids = book
    assert send(chart(ids["Data"], ids["Board"], 11), {"updateDimensionProperties": {
        "range": {"sheetId": ids["Data"], "dimension": "COLUMNS", "startIndex": 1, "endIndex": 2},
        "properties": {"pixelSize": 150}, "fields": "pixelSize"}}).status_code == 200
    sheets_api.save_state(tmp_path / "state.json")
    (loaded,) = state.load_file(tmp_path / "state.json").values()
    data, board = loaded.sheets
    assert board.objects["charts"][0]["chartId"] == 11
    assert data.sizes == {"columnSizes": {1: 150}}
