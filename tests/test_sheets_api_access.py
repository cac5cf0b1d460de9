"""Who may do what (bearer-token sharing) and the Drive v3 files calls."""

import pytest

from standins.sheets import SheetsStandIn
from standins.sheets.rest import DRIVE, SHEETS, Rest

NOT_FOUND = {"error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}}
DENIED = {"error": {"code": 403, "message": "The caller does not have permission", "status": "PERMISSION_DENIED"}}
SHEETS_MIME = "application/vnd.google-apps.spreadsheet"


@pytest.fixture
def alice(sheets_api: SheetsStandIn) -> Rest:
    return Rest(sheets_api.session("alice"))


@pytest.fixture
def bob(sheets_api: SheetsStandIn) -> Rest:
    return Rest(sheets_api.session("bob"))


def test_unknown_spreadsheet_is_404(alice: Rest) -> None:
    assert alice.metadata("test") == (404, NOT_FOUND)


def test_unshared_spreadsheet_is_403_until_shared(sheets_api: SheetsStandIn, bob: Rest) -> None:
    sid = sheets_api.create_spreadsheet("Private", owner="alice")
    assert bob.metadata(sid) == (403, DENIED)
    assert bob.read(sid, "Sheet1")[0] == 403
    sheets_api.share(sid, "bob")
    assert bob.metadata(sid)[0] == 200 and bob.write(sid, "Sheet1!A1", [["hi"]])[0] == 200
    sheets_api.unshare(sid, "bob")
    assert bob.read(sid, "Sheet1") == (403, DENIED)


def test_readers_cannot_write(sheets_api: SheetsStandIn, bob: Rest) -> None:
    sid = sheets_api.create_spreadsheet("Shared", owner="alice", shared_with={"bob": "reader"})
    assert bob.read(sid, "Sheet1")[0] == 200
    assert bob.write(sid, "Sheet1!A1", [["no"]]) == (403, DENIED)
    assert bob.batch(sid, {"addSheet": {}}) == (403, DENIED)


def test_missing_token_is_401(sheets_api: SheetsStandIn) -> None:
    import requests

    sid = sheets_api.create_spreadsheet("X")
    with requests.Session() as plain:
        plain.trust_env = False  # no proxy may capture loopback traffic
        response = plain.get(f"{sheets_api.url}/v4/spreadsheets/{sid}", timeout=5)
    assert response.status_code == 401 and response.json()["error"]["status"] == "UNAUTHENTICATED"


def test_unknown_path_is_404(sheets_api: SheetsStandIn, alice: Rest) -> None:
    status, _body = alice.get(f"{SHEETS}/x/nothing/here")
    assert status == 404 and sheets_api.log.count("unknown") == 1


def test_drive_create_get_list_delete(sheets_api: SheetsStandIn, alice: Rest, bob: Rest) -> None:
    status, created = alice.post(DRIVE, {"name": "Coaching log", "mimeType": SHEETS_MIME}, supportsAllDrives="True")
    assert status == 200
    assert created == {"kind": "drive#file", "id": created["id"], "name": "Coaching log", "mimeType": SHEETS_MIME}
    fid = created["id"]
    _, meta = alice.metadata(fid)
    assert meta["sheets"][0]["properties"] == {"sheetId": 0, "title": "Sheet1", "index": 0, "sheetType": "GRID",
                                               "gridProperties": {"rowCount": 1000, "columnCount": 26}}  # fmt: skip
    status, info = alice.get(f"{DRIVE}/{fid}", fields="id,name,createdTime,modifiedTime")
    assert set(info) == {"id", "name", "createdTime", "modifiedTime"} and info["createdTime"].endswith("Z")
    query = f'mimeType="{SHEETS_MIME}" and name = "Coaching log"'
    fields = "kind,nextPageToken,files(id,name,createdTime,modifiedTime)"
    _, listed = alice.get(DRIVE, q=query, pageSize=1000, fields=fields)
    assert [f["id"] for f in listed["files"]] == [fid]
    assert bob.get(DRIVE, q=query, fields=fields)[1] == {"kind": "drive#fileList", "files": []}
    assert bob.delete(f"{DRIVE}/{fid}")[0] == 404
    assert alice.delete(f"{DRIVE}/{fid}") == (204, None)
    assert alice.metadata(fid) == (404, NOT_FOUND)


def test_drive_list_query_forms(sheets_api: SheetsStandIn, alice: Rest) -> None:
    sheets_api.create_spreadsheet("Roster 2025", owner="alice")
    sheets_api.create_spreadsheet("Don't panic", owner="alice")

    def names(q: str) -> list[str]:
        return sorted(f["name"] for f in alice.get(DRIVE, q=q)[1]["files"])

    assert names("name contains 'roster' and trashed = false") == ["Roster 2025"]
    assert names("name = 'Don\\'t panic'") == ["Don't panic"]
    assert names("name != 'Roster 2025'") == ["Don't panic"]
    status, body = alice.get(DRIVE, q="name ~ 'x'")
    assert status == 400 and body["error"]["errors"][0]["location"] == "q"


def test_drive_delete_needs_ownership(sheets_api: SheetsStandIn, bob: Rest) -> None:
    sid = sheets_api.create_spreadsheet("Shared", owner="alice", shared_with=["bob"])
    status, body = bob.delete(f"{DRIVE}/{sid}")
    assert status == 403 and body["error"]["errors"][0]["reason"] == "insufficientFilePermissions"
