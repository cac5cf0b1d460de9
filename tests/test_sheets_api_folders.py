"""Drive folders, shared drives, service accounts and scopes in the stand-in, over raw REST, with
the status codes and bodies Drive and Sheets answer."""

import pytest

from standins.sheets import SheetsStandIn
from standins.sheets.rest import DRIVE, Rest

SHEETS_MIME = "application/vnd.google-apps.spreadsheet"
FOLDER_MIME = "application/vnd.google-apps.folder"
AUTH = "https://www.googleapis.com/auth/"
ALL = {"supportsAllDrives": "true"}


@pytest.fixture
def people(sheets_api: SheetsStandIn) -> tuple[Rest, Rest]:
    """Alice and Bob: people, each with a My Drive."""
    return Rest(sheets_api.session("alice")), Rest(sheets_api.session("bob"))


@pytest.fixture
def robot(sheets_api: SheetsStandIn) -> Rest:
    """A service account."""
    sheets_api.add_account("robot", "job@project.iam.gserviceaccount.com", service_account=True)
    return Rest(sheets_api.session("robot"))


def new(rest: Rest, name: str, mime: str = SHEETS_MIME, parent: str | None = None, **params: str):
    body = {"name": name, "mimeType": mime, **({"parents": [parent]} if parent else {})}
    return rest.post(DRIVE, body, fields="id,name,mimeType,parents,driveId", **params)


def test_a_folder_is_a_file_and_holds_what_is_created_in_it(people: tuple[Rest, Rest]) -> None:
    alice, _ = people
    status, folder = new(alice, "Coaching", FOLDER_MIME)
    assert status == 200 and folder["mimeType"] == FOLDER_MIME and "parents" not in folder
    _, sub = new(alice, "2026-27", FOLDER_MIME, folder["id"])
    _, sheet = new(alice, "Log", SHEETS_MIME, folder["id"])
    assert sheet["parents"] == [folder["id"]] and sub["parents"] == [folder["id"]]
    assert alice.get(f"{DRIVE}/{sheet['id']}", fields="id,parents")[1] == {"id": sheet["id"], "parents": [folder["id"]]}
    _, listed = alice.get(DRIVE, q=f"'{folder['id']}' in parents and trashed = false", fields="files(id,name,mimeType)")
    assert {(f["name"], f["mimeType"]) for f in listed["files"]} == {("2026-27", FOLDER_MIME), ("Log", SHEETS_MIME)}
    _, only = alice.get(DRIVE, q=f"'{folder['id']}' in parents and mimeType = '{FOLDER_MIME}'")
    assert [f["name"] for f in only["files"]] == ["2026-27"]


def test_an_unknown_or_unshared_folder_is_drives_404(sheets_api: SheetsStandIn, people: tuple[Rest, Rest]) -> None:
    alice, bob = people
    folder = sheets_api.create_folder("Private", owner="alice")
    expected = {"error": {"errors": [{"message": f"File not found: {folder}.", "domain": "global", "reason": "notFound",
                                      "location": "fileId", "locationType": "parameter"}],
                          "code": 404, "message": f"File not found: {folder}."}}  # fmt: skip
    assert new(bob, "Log", parent=folder) == (404, expected)
    assert bob.get(DRIVE, q=f"'{folder}' in parents") == (404, expected)
    assert bob.get(f"{DRIVE}/{folder}") == (404, expected)
    assert new(alice, "Log", parent="1nothing-here")[1]["error"]["errors"][0]["reason"] == "notFound"


def test_files_inherit_their_folders_sharing(sheets_api: SheetsStandIn, people: tuple[Rest, Rest]) -> None:
    alice, bob = people
    folder = sheets_api.create_folder("Coaching", owner="alice", shared_with={"bob": "reader"})
    _, sheet = new(alice, "Log", parent=folder)
    assert bob.metadata(sheet["id"])[0] == 200
    assert bob.write(sheet["id"], "Sheet1!A1", [["no"]])[0] == 403
    status, body = new(bob, "Mine", parent=folder)
    assert status == 403 and body["error"]["errors"][0]["reason"] == "insufficientFilePermissions"
    sheets_api.share(folder, "bob", "writer")
    assert bob.write(sheet["id"], "Sheet1!A1", [["yes"]])[0] == 200 and new(bob, "Mine", parent=folder)[0] == 200


def test_a_service_account_cannot_own_files_in_a_my_drive(sheets_api: SheetsStandIn, robot: Rest) -> None:
    folder = sheets_api.create_folder("Coaching", owner="alice", shared_with={"robot": "writer"})
    message = ("Service Accounts do not have storage quota. Leverage shared drives "
               "(https://developers.google.com/workspace/drive/api/guides/about-shareddrives), or use OAuth "
               "delegation (http://support.google.com/a/answer/7281227) instead.")  # fmt: skip
    expected = {"error": {"errors": [{"message": message, "domain": "usageLimits", "reason": "storageQuotaExceeded"}],
                          "code": 403, "message": message}}  # fmt: skip
    assert new(robot, "Log", parent=folder) == (403, expected)
    assert new(robot, "Log") == (403, expected)  # its own My Drive too
    assert sheets_api.in_folder(folder) == {}


def test_shared_drive_items_need_supports_all_drives_and_belong_to_the_drive(sheets_api: SheetsStandIn, robot: Rest, people: tuple[Rest, Rest]) -> None:
    _, bob = people
    drive_id, top = sheets_api.create_shared_drive("Coaching", {"robot": "writer", "bob": "reader"})
    assert new(robot, "Log", parent=top)[0] == 404  # without supportsAllDrives, as Drive answers
    status, made = new(robot, "Log", parent=top, **ALL)
    assert status == 200 and made["driveId"] == drive_id and made["parents"] == [top]
    _, info = robot.get(f"{DRIVE}/{made['id']}", fields="driveId,owners", **ALL)
    assert info == {"driveId": drive_id}  # no owners: the drive owns it
    q = f"'{top}' in parents"
    assert robot.get(DRIVE, q=q, **ALL)[1]["files"] == []
    _, listed = robot.get(DRIVE, q=q, includeItemsFromAllDrives="true", **ALL)
    assert [f["name"] for f in listed["files"]] == ["Log"]
    assert bob.metadata(made["id"])[0] == 200 and bob.write(made["id"], "Sheet1!A1", [["x"]])[0] == 403


def test_trash_hides_a_file_from_untrashed_listings(sheets_api: SheetsStandIn, people: tuple[Rest, Rest]) -> None:
    alice, bob = people
    folder = sheets_api.create_folder("Coaching", owner="alice", shared_with={"bob": "writer"})
    _, sheet = new(alice, "Log", parent=folder)
    status, body = bob.call("PATCH", f"{DRIVE}/{sheet['id']}", json={"trashed": True})
    assert status == 403 and body["error"]["errors"][0]["reason"] == "insufficientFilePermissions"
    status, body = alice.call("PATCH", f"{DRIVE}/{sheet['id']}", json={"trashed": True}, params={"fields": "trashed"})
    assert (status, body) == (200, {"trashed": True})
    q = f"'{folder}' in parents and trashed = false"
    assert alice.get(DRIVE, q=q)[1]["files"] == []
    assert sheets_api.in_folder(folder, trashed=True) == {"Log": sheet["id"]}
    _, sub = new(alice, "Sub", FOLDER_MIME, folder)
    status, body = alice.call("PATCH", f"{DRIVE}/{sub['id']}", json={"name": "Renamed"})
    assert body["name"] == "Renamed"


def test_a_token_may_only_make_the_calls_its_scopes_cover(sheets_api: SheetsStandIn) -> None:
    sheets_api.add_account("reader", "job@project.iam.gserviceaccount.com",
                           scopes=[AUTH + "spreadsheets.readonly", AUTH + "drive.metadata.readonly"])
    sid = sheets_api.create_spreadsheet("Log", owner="reader")
    rest = Rest(sheets_api.session("reader"))
    assert rest.metadata(sid)[0] == 200 and rest.get(DRIVE)[0] == 200
    status, drive = new(rest, "New")
    assert status == 403 and drive["error"] == {
        "errors": [{"message": "Insufficient Permission", "domain": "global", "reason": "insufficientPermissions"}],
        "code": 403, "message": "Request had insufficient authentication scopes.", "status": "PERMISSION_DENIED",
        "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
                     "domain": "googleapis.com", "metadata": {"service": "drive.googleapis.com",
                                                              "method": "com.google.apps.drive.v3.DriveFiles.Create"}}]}  # fmt: skip
    status, sheets = rest.batch(sid, {"addSheet": {}})
    assert status == 403 and sheets["error"]["status"] == "PERMISSION_DENIED" and "errors" not in sheets["error"]
    assert sheets["error"]["details"][0]["metadata"]["service"] == "sheets.googleapis.com"
    assert sheets_api.log.entries[-1].endpoint == "spreadsheets.batchUpdate"


def test_folders_survive_a_restart_through_the_state_file(tmp_path) -> None:
    state = tmp_path / "state.json"
    with SheetsStandIn(state_file=state) as first:
        drive_id, top = first.create_shared_drive("Coaching", {"robot": "writer"})
        _, made = new(Rest(first.session("robot")), "Log", parent=top, **ALL)
    with SheetsStandIn(state_file=state) as second:
        assert second.place(made["id"]).drive_id == drive_id and second.in_folder(top) == {"Log": made["id"]}
        assert new(Rest(second.session("robot")), "More", parent=top, **ALL)[0] == 200


def test_under_drive_file_a_token_sees_only_what_it_made(sheets_api: SheetsStandIn) -> None:
    sheets_api.add_account("app", "job@project.iam.gserviceaccount.com", scopes=[AUTH + "drive.file"])
    app = Rest(sheets_api.session("app"))
    shared = sheets_api.create_folder("Coaching", owner="alice", shared_with={"app": "writer"})
    assert app.get(f"{DRIVE}/{shared}")[0] == 404
    assert new(app, "Log", parent=shared)[0] == 404
    _, own = new(app, "Mine", FOLDER_MIME)
    assert new(app, "Log", parent=own["id"])[0] == 200
    _, listed = app.get(DRIVE, q="trashed = false")
    assert {f["name"] for f in listed["files"]} == {"Mine", "Log"}
