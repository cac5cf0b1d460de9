"""The Python seeding API, the state file and the command line."""

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests

from standins.sheets import Formula, SerialDate, SheetsStandIn, Tab

REPO = Path(__file__).resolve().parents[1]


def test_seeded_types_read_back_like_sheets(sheets_api: SheetsStandIn) -> None:
    rows: list[list[Any]] = [["Date", "Minutes", "Done", "Share", "Total"],
            [SerialDate(46329), 45, True, 0.5, Formula("=SUM(B2:B3)")],
            [dt.date(2026, 11, 4), 30.5, False, None, ""]]  # fmt: skip
    sid = sheets_api.create_spreadsheet("Seeded", {"Log": Tab(rows, frozen_rows=1, metadata={"coaching-impact-owner": "job"})})
    assert sheets_api.values(sid, "Log") == [
        ["Date", "Minutes", "Done", "Share", "Total"],
        ["11/3/2026", "45", "TRUE", "0.5", "75.5"],
        ["11/4/2026", "30.5", "FALSE"],
    ]
    assert sheets_api.values(sid, "Log", render="UNFORMATTED_VALUE")[1] == [46329, 45, True, 0.5, 75.5]
    assert sheets_api.values(sid, "Log", render="FORMULA")[1][4] == "=SUM(B2:B3)"
    assert sheets_api.frozen_rows(sid, "Log") == 1 and sheets_api.grid_size(sid, "Log") == (1000, 26)
    [entry] = sheets_api.developer_metadata(sid, "Log")
    assert (entry["metadataKey"], entry["metadataValue"], entry["location"]) == (
        "coaching-impact-owner", "job", {"locationType": "SHEET", "sheetId": 0})  # fmt: skip


def test_seeding_rejects_what_sheets_cannot_hold(sheets_api: SheetsStandIn) -> None:
    with pytest.raises(TypeError, match="cannot seed a cell"):
        sheets_api.create_spreadsheet("Bad", {"Sheet1": [[object()]]})
    with pytest.raises(ValueError, match="smaller than"):
        sheets_api.create_spreadsheet("Bad", {"Sheet1": Tab([[1, 2, 3]], cols=2)})
    with pytest.raises(KeyError, match="tabs are"):
        sheets_api.values(sheets_api.create_spreadsheet("Ok"), "Missing")


def test_state_file_round_trip(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with SheetsStandIn(state_file=state) as first:
        sid = first.create_spreadsheet("Kept", {"Log": [["a", SerialDate(46329)]]})
        first.add_developer_metadata(sid, "Log", "owner", "me")
        first.save_state()
    with SheetsStandIn(state_file=state) as second:
        assert second.values(sid, "Log") == [["a", "11/3/2026"]]
        assert second.developer_metadata(sid, "Log")[0]["metadataValue"] == "me"
        assert second.create_spreadsheet("Another") != sid  # ids never collide with loaded ones
        response = second.session().put(
            f"https://sheets.googleapis.com/v4/spreadsheets/{sid}/values/Log!A2",
            json={"values": [["b"]]}, params={"valueInputOption": "RAW"}, timeout=5,
        )  # fmt: skip
        assert response.status_code == 200
    saved = json.loads(state.read_text())
    cells = {(r, c): cell for r, c, cell in saved["spreadsheets"][0]["sheets"][0]["cells"]}
    assert cells[(1, 0)] == {"userEnteredValue": {"stringValue": "b"}}


def test_command_line_serves_and_saves(tmp_path: Path) -> None:
    state = tmp_path / "cli-state.json"
    command = [sys.executable, "-m", "standins.sheets", "--port", "0", "--state", str(state)]
    with subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            url = process.stdout.readline().split()[-1]
            assert url.startswith("http://127.0.0.1:")
            with requests.Session() as plain:
                plain.trust_env = False
                plain.headers["Authorization"] = "Bearer cli-user"
                created = plain.post(f"{url}/v4/spreadsheets", json={"properties": {"title": "From CLI"}}, timeout=5).json()
        finally:
            process.terminate()
            process.wait(timeout=5)
    saved = json.loads(state.read_text())
    assert [s["properties"]["title"] for s in saved["spreadsheets"]] == ["From CLI"]
    assert saved["spreadsheets"][0]["owner"] == "cli-user" and created["spreadsheetId"]


def test_command_line_help() -> None:
    result = subprocess.run([sys.executable, "-m", "standins.sheets", "--help"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0 and "--state" in result.stdout and "--port" in result.stdout
