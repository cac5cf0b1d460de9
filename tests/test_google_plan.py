"""The batchUpdate the writer sends, checked as data (no server)."""
import datetime as dt

from core.schema import OWNER_MARK
from core.summary import Link, Table
from sync.google_write import Layout, SheetInfo, cell, plan_write, read_layout

TABLE = Table("Schools", ["School", "Hours"], [["=1+1", 1.5], ["Beta", None]])


def kinds(requests):
    return [next(iter(r)) for r in requests]


STYLED = ["updateDimensionProperties", "updateDimensionProperties", "setBasicFilter",
          "addBanding", "addProtectedRange"]


def test_a_new_tab_is_added_marked_sized_frozen_and_filled():
    plan = plan_write(Layout({}, ()), [TABLE], ["t", "W47"], run_mark=42)
    assert kinds(plan) == ["addSheet", "createDeveloperMetadata", "updateCells", *STYLED,
                           "addSheet", "createDeveloperMetadata", "updateCells", *STYLED[:0],
                           "updateDimensionProperties"] + ["updateDimensionProperties"] * 9 + [
                           "setBasicFilter", "addBanding", "addProtectedRange",
                           "createDeveloperMetadata"]
    props = plan[0]["addSheet"]["properties"]
    assert props["title"] == "Schools"
    assert props["gridProperties"] == {"rowCount": 3, "columnCount": 2, "frozenRowCount": 1,
                                       "frozenColumnCount": 1}
    assert plan[1]["createDeveloperMetadata"]["developerMetadata"]["metadataKey"] == OWNER_MARK
    rows = plan[2]["updateCells"]["rows"]
    assert rows[1]["values"][0]["userEnteredValue"] == {"stringValue": "=1+1"}
    assert plan[-1]["createDeveloperMetadata"]["developerMetadata"]["metadataId"] == 42


def test_an_owned_tab_is_resized_and_overwritten_and_the_run_log_appended():
    layout = Layout({"Schools": SheetInfo(7, "Schools", 50, 9, True),
                     "Run Log": SheetInfo(8, "Run Log", 4, 10, True)}, (5,))
    plan = plan_write(layout, [TABLE], ["t", "W47"], run_mark=43)
    assert kinds(plan) == ["updateSheetProperties", "updateCells", *STYLED,
                           "updateSheetProperties", "updateCells", "setBasicFilter",
                           "deleteDeveloperMetadata", "createDeveloperMetadata"]
    assert plan[0]["updateSheetProperties"]["properties"]["gridProperties"]["rowCount"] == 3
    assert plan[1]["updateCells"]["range"]["endRowIndex"] == 3
    appended = [r["updateCells"] for r in plan if "updateCells" in r][-1]
    assert appended["start"] == {"sheetId": 8, "rowIndex": 4, "columnIndex": 0}


def test_cells_are_typed_and_text_is_never_a_formula():
    assert cell(None) == {} and cell(float("nan")) == {}
    assert cell(True) == {"userEnteredValue": {"boolValue": True}}
    assert cell(3) == {"userEnteredValue": {"numberValue": 3}}
    assert cell("=SUM(A1)") == {"userEnteredValue": {"stringValue": "=SUM(A1)"}}
    assert cell(dt.date(2026, 11, 3))["userEnteredValue"] == {"numberValue": 46329.0}
    link = cell(Link("open", "https://x.example"))
    assert link["userEnteredFormat"]["textFormat"]["link"]["uri"] == "https://x.example"


def test_new_sheet_ids_avoid_the_ones_in_use():
    layout = Layout({"A": SheetInfo(0, "A", 1, 1, False)}, ())
    plan = plan_write(layout, [Table("A2", ["x"], []), Table("B", ["y"], [])], [], 1)
    ids = [r["addSheet"]["properties"]["sheetId"] for r in plan if "addSheet" in r]
    assert len(set(ids)) == len(ids) and 0 not in ids


def test_layout_reads_ownership_and_run_marks():
    layout = read_layout({
        "sheets": [{"properties": {"sheetId": 3, "title": "Schools",
                                   "gridProperties": {"rowCount": 5, "columnCount": 2}},
                    "developerMetadata": [{"metadataId": 9, "metadataKey": OWNER_MARK}]},
                   {"properties": {"sheetId": 4, "title": "Notes"}}],
        "developerMetadata": [{"metadataId": 11, "metadataKey": "coaching-impact-last-run"}]})
    assert layout.sheets["Schools"].owned and not layout.sheets["Notes"].owned
    assert layout.run_marks == (11,)
