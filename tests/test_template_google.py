"""`template --to <Google Drive folder>`: the templates made as Google spreadsheets in a Drive
folder, against the Sheets + Drive stand-in over real HTTP (gspread and google-auth unchanged)."""
import datetime as dt
import re

import pytest

import main
from config.model import Google
from sync.google_api import TEMPLATE_SCOPES, connect
from tests.test_google import service_account_key

NOW = dt.datetime(2026, 11, 23, 13, 0, tzinfo=dt.UTC)
JOB = "job-token"
EMAIL = "coaching-job@district-project.iam.gserviceaccount.com"
USUAL_SCOPES = ("https://www.googleapis.com/auth/spreadsheets.readonly",
                "https://www.googleapis.com/auth/drive.metadata.readonly")
FIVE_CALLS = {"drive.files.list": 1, "drive.files.create": 2, "spreadsheets.batchUpdate": 2}


@pytest.fixture
def job(sheets_api, monkeypatch):
    """The job's token: a service account with the scopes `template` asks for."""
    monkeypatch.setenv("SHEETS_API_ENDPOINT", sheets_api.url)
    monkeypatch.setenv("SHEETS_API_TOKEN", JOB)
    sheets_api.add_account(JOB, EMAIL, service_account=True, scopes=TEMPLATE_SCOPES)
    sheets_api.add_account("coordinator", "lead@district.example")
    return sheets_api


@pytest.fixture
def folder(job):
    """A folder at the top of a shared drive the job's account is a Content manager of."""
    _, top = job.create_shared_drive("Coaching program", {JOB: "writer", "coordinator": "writer"})
    return top


def url(folder_id):
    return f"https://drive.google.com/drive/folders/{folder_id}"


def template(to, *more):
    return main.main(["template", "--to", to, *more], now=NOW)


@pytest.mark.parametrize("form", ["https://drive.google.com/drive/folders/{}",
                                  "https://drive.google.com/drive/u/0/folders/{}?usp=sharing",
                                  "gdrive:{}"])
def test_both_spreadsheets_are_made_in_the_folder_in_five_calls(job, folder, form, capsys):
    assert template(form.format(folder)) == 0
    made = job.in_folder(folder)
    assert set(made) == {"District", "Coaching log"}
    assert job.log.counts() == FIVE_CALLS
    out = capsys.readouterr().out
    for name, sid in made.items():
        assert f"Created {name} in {url(folder)}: https://docs.google.com/spreadsheets/d/{sid}/edit" \
            in out
        assert job.place(sid).drive_id  # in the shared drive, which owns it


def sheet_data(job, sid):
    """spreadsheets.get as a client sees it: properties, protections, row 1 and row 2 cells."""
    client = job.gspread_client(JOB)
    return {s["properties"]["title"]: s for s in client.http_client.fetch_sheet_metadata(
        sid, params={"includeGridData": "true", "ranges": [
            f"'{t}'!A1:P2" for t in job.tab_titles(sid)]})["sheets"]}


def test_each_spreadsheet_has_headers_frozen_protected_dropdowns_and_instructions_first(
        job, folder):
    assert template(url(folder)) == 0
    log_id = job.in_folder(folder)["Coaching log"]
    assert job.tab_titles(log_id) == ["Instructions", "Log", "Lists"]
    tabs = sheet_data(job, log_id)
    log = tabs["Log"]
    header = log["data"][0]["rowData"][0]["values"]
    assert [c["formattedValue"] for c in header] == ["Date", "Coach", "School", "Teacher",
                                                     "Cycle ID", "Activity", "Minutes",
                                                     "Approach", "Notes"]
    assert header[0]["userEnteredFormat"]["textFormat"]["bold"] is True
    assert header[0]["userEnteredFormat"]["backgroundColor"]
    assert log["properties"]["gridProperties"]["frozenRowCount"] == 1
    (protected,) = log["protectedRanges"]
    assert protected["range"] == {"sheetId": log["properties"]["sheetId"], "startRowIndex": 0,
                                  "endRowIndex": 1}
    assert protected["warningOnly"] is True and "editors" not in protected
    below = log["data"][0]["rowData"][1]["values"]
    rules = {i: c["dataValidation"] for i, c in enumerate(below) if c.get("dataValidation")}
    assert set(rules) == {5, 7}  # Activity, Approach
    assert all(r["strict"] and r["showCustomUi"] and r["condition"]["type"] == "ONE_OF_RANGE"
               for r in rules.values())
    assert offered(job, log_id, rules[5]) == ["planning", "modeling", "co-teaching",
                                              "observation", "debrief", "student-work analysis",
                                              "PLC / team facilitation", "principal meeting",
                                              "coach professional learning", "other duties"]
    assert offered(job, log_id, rules[7]) == ["student-centered", "teacher-centered",
                                              "relationship-driven"]
    assert tabs["Lists"]["properties"]["hidden"] is True
    assert "hidden" not in tabs["Instructions"]["properties"]
    lines = [v[0] for v in job.values(log_id, "Instructions") if v]
    assert lines[0] == "How to fill in this spreadsheet"
    assert "  Activity: required; one of: planning, modeling, co-teaching, observation, " \
           "debrief, student-work analysis, PLC / team facilitation, principal meeting, coach " \
           "professional learning, other duties" in lines


def offered(job, sid, rule):
    """The values a ONE_OF_RANGE dropdown offers: its range, read back from the Lists tab."""
    source = rule["condition"]["values"][0]["userEnteredValue"]
    tab, cells = re.fullmatch(r"='(\w+)'!(\S+)", source).groups()
    return [row[0] for row in job.gspread_client(JOB).open_by_key(sid).worksheet(tab).get(
        cells.replace("$", ""))]


def test_the_district_spreadsheet_has_its_five_tabs_and_their_dropdowns(job, folder):
    assert template(url(folder)) == 0
    sid = job.in_folder(folder)["District"]
    assert job.tab_titles(sid) == ["Instructions", "Schools", "Coaches", "Teachers", "Cycles",
                                   "Assessments", "Lists"]
    tabs = sheet_data(job, sid)
    stage = tabs["Schools"]["data"][0]["rowData"][1]["values"][5]["dataValidation"]
    assert offered(job, sid, stage) == ["Prelaunch", "Launch", "Implement, monitor & adjust"]
    cycles = tabs["Cycles"]["data"][0]["rowData"][1]["values"]
    assert offered(job, sid, cycles[10]["dataValidation"]) == ["planned", "active", "complete",
                                                               "abandoned"]
    for title in ("Schools", "Coaches", "Teachers", "Cycles", "Assessments"):
        assert tabs[title]["properties"]["gridProperties"]["frozenRowCount"] == 1
        assert tabs[title]["protectedRanges"][0]["range"]["endRowIndex"] == 1


def test_init_and_check_read_the_google_templates_as_written(job, folder, tmp_path,
                                                             monkeypatch, capsys, caplog):
    monkeypatch.chdir(tmp_path)
    assert template(url(folder)) == 0
    made = job.in_folder(folder)
    links = [f"https://docs.google.com/spreadsheets/d/{made[n]}/edit"
             for n in ("District", "Coaching log")]
    config = tmp_path / "c.yaml"
    capsys.readouterr()
    # init's own check reads every blank tab, every column found; an empty roster is never
    # taken for zero, so it fails (exit 1) until rows are there.
    assert main.main(["init", "--from", *links, "--config", str(config)], now=NOW) == 1
    out = capsys.readouterr().out
    assert "by meaning" not in out and out.count("as written") == 42
    assert "backend: google" in config.read_text()
    assert re.search(r"all\s+0\s+0\s+0", out)
    assert "Sources that could not be used (3)" in out
    assert set(re.findall(r"tab '(\w+)' \(no rows\)", out)) == {"Schools", "Coaches", "Log"}
    fill(job, made)
    assert main.main(["check", "--config", str(config)], now=NOW) == 0
    out = capsys.readouterr().out
    assert "No data issues" in out and re.search(r"all\s+6\s+6\s+0", out)


def fill(job, made):
    """One row in every tab, typed as a coordinator would."""
    rows = {
        ("District", "Schools"): ["Alpha", "Pat", "pat@alpha.example", 10, 50, "Launch"],
        ("District", "Coaches"): ["Ann Lee", "ann@district.example", "Alpha", 1],
        ("District", "Teachers"): ["T One", "Alpha", 3, "ELA", "t.one@alpha.example"],
        ("District", "Cycles"): ["A-1", "Ann Lee", "T One", "Alpha", 3, "ELA", "Main idea",
                                 "I can", "2026-09-07", "2026-10-16", "complete",
                                 "student-centered", 80, 80],
        ("District", "Assessments"): ["A-1", "S1", 50, 90],
        ("Coaching log", "Log"): ["2026-11-02", "Ann Lee", "Alpha", "T One", "A-1", "planning",
                                  45, "student-centered", ""],
    }
    client = job.gspread_client("coordinator")
    for (name, tab), row in rows.items():
        client.open_by_key(made[name]).worksheet(tab).append_row(
            row, value_input_option="USER_ENTERED", table_range="A1")


# ---------------------------------------------------------------- never overwrite


def test_templates_already_in_the_folder_are_left_as_they_are_without_force(job, folder,
                                                                             caplog):
    assert template(url(folder)) == 0
    first = job.in_folder(folder)
    job.log.clear()
    assert template(url(folder)) == 2
    assert job.in_folder(folder) == first
    assert job.log.counts() == {"drive.files.list": 1}
    assert f"--to: {url(folder)} already holds District (https://docs.google.com/" \
           f"spreadsheets/d/{first['District']}/edit), Coaching log" in caplog.text
    assert "add --force to make new ones and move those to the Drive trash" in caplog.text


def test_a_template_past_the_first_thousand_files_is_found_too(job, folder, caplog):
    for n in range(1000):
        job.create_spreadsheet(f"Old log {n}", owner="coordinator", parent=folder)
    kept = job.create_spreadsheet("District", owner="coordinator", parent=folder)
    assert template(url(folder)) == 2
    assert job.log.counts() == {"drive.files.list": 2}
    assert f"already holds District (https://docs.google.com/spreadsheets/d/{kept}/edit)" in \
        caplog.text


def test_force_makes_new_ones_and_moves_the_earlier_ones_to_the_trash(job, folder, capsys):
    assert template(url(folder)) == 0
    first = job.in_folder(folder)
    job.log.clear()
    assert template(url(folder), "--force") == 0
    now = job.in_folder(folder)
    assert set(now) == set(first) and not set(now.values()) & set(first.values())
    assert job.in_folder(folder, trashed=True) == first
    assert job.log.counts() == {**FIVE_CALLS, "drive.files.update": 2}
    assert f"the earlier District (https://docs.google.com/spreadsheets/d/{first['District']}" \
           "/edit) is in the Drive trash" in capsys.readouterr().out


def test_an_earlier_template_that_cannot_be_trashed_is_named_and_the_new_ones_kept(
        job, folder, caplog):
    assert template(url(folder)) == 0
    first = job.in_folder(folder)
    job.faults.add(endpoint="drive.files.update", kind="drop", times=1)
    assert template(url(folder), "--force") == 0
    assert len(job.in_folder(folder, trashed=True)) == 1
    assert f"The earlier District could not be moved to the trash and is still in the folder: " \
           f"https://docs.google.com/spreadsheets/d/{first['District']}/edit (the answer to a " \
           "change to District" in caplog.text


def test_a_run_that_fails_midway_leaves_nothing_half_made(job, folder, caplog):
    job.faults.add(endpoint="spreadsheets.batchUpdate", kind="drop")
    assert template(url(folder)) == 1
    assert job.in_folder(folder) == {}
    assert set(job.in_folder(folder, trashed=True)) == {"District"}
    assert "may or may not have been made" in caplog.text


# ---------------------------------------------------------------- what Google refuses, said


def first_error(caplog):
    return next(r.getMessage() for r in caplog.records if r.levelname == "ERROR")


def test_an_unknown_folder_names_it_and_says_to_share_it(job, caplog):
    assert template(url("1NoSuchFolder0000000000000000000")) == 2
    assert first_error(caplog) == (
        "Configuration problem: --to: Google Drive has no folder "
        "https://drive.google.com/drive/folders/1NoSuchFolder0000000000000000000 that the "
        "account the job runs as can see. Open the folder in Google Drive, click Share and add "
        "the account the job runs as as Editor (in a shared drive: as Content manager), or "
        "check the address.")


def test_a_folder_not_shared_with_the_job_is_not_found_either(job, caplog):
    private = job.create_folder("Coaching", owner="coordinator")
    assert template(url(private)) == 2
    assert f"Google Drive has no folder {url(private)} that" in first_error(caplog)
    assert job.log.counts() == {"drive.files.list": 1}


def test_a_my_drive_folder_says_service_accounts_need_a_shared_drive(job, caplog):
    mine = job.create_folder("Coaching", owner="coordinator", shared_with={JOB: "writer"})
    assert template(url(mine)) == 2
    assert first_error(caplog) == (
        f"Configuration problem: --to: {url(mine)} is in a My Drive, where a service account "
        "cannot create files (Google: 'Service Accounts do not have storage quota'). Use a "
        "folder in a shared drive with the account the job runs as added to that shared drive "
        "as Content manager, or write the templates to a local folder (--to FOLDER) and upload "
        "them.")
    assert job.in_folder(mine) == {}


def test_credentials_without_drive_write_scope_are_named(job, folder, caplog):
    job.add_account(JOB, EMAIL, service_account=True, scopes=USUAL_SCOPES)
    assert template(url(folder)) == 2
    assert first_error(caplog).startswith(
        "Configuration problem: --to: the credentials may not create files in Google Drive "
        f"({url(folder)}): Google answered 'Request had insufficient authentication scopes'. "
        "`template` needs the scopes https://www.googleapis.com/auth/drive and ")
    assert job.in_folder(folder) == {}


def test_a_viewer_of_the_folder_is_told_to_become_an_editor(job, caplog):
    _, top = job.create_shared_drive("Coaching program", {JOB: "reader"})
    assert template(url(top)) == 2
    assert first_error(caplog) == (
        f"Configuration problem: --to: the account the job runs as may not add files to "
        f"{url(top)}. Open the folder in Google Drive, click Share and make the account the "
        "job runs as an Editor (in a shared drive: Content manager).")


def test_an_address_that_is_no_folder_is_a_usage_error_not_a_local_folder(job, tmp_path,
                                                                         monkeypatch, caplog):
    monkeypatch.chdir(tmp_path)
    sheet = "https://docs.google.com/spreadsheets/d/1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"
    assert template(sheet) == 2
    assert first_error(caplog).startswith(f"Configuration problem: --to: '{sheet}' is not a "
                                          "Google Drive folder's address.")
    assert list(tmp_path.iterdir()) == [] and job.log.counts() == {}


def test_an_id_that_is_no_folder_is_said_in_googles_words(job, folder, caplog):
    sheet = job.create_spreadsheet("Roster", owner=JOB, parent=folder)
    assert template(f"gdrive:{sheet}") == 2
    assert first_error(caplog) == (
        f"Configuration problem: --to: Google refused to make the templates in {url(sheet)}: "
        "Google answered 400: The specified parent is not a folder.")
    assert job.in_folder(folder) == {"Roster": sheet}


def test_only_template_asks_for_drive_write_access(monkeypatch, tmp_path):
    monkeypatch.delenv("SHEETS_API_ENDPOINT", raising=False)
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS",
                       str(service_account_key(tmp_path / "key.json")))
    creator = connect(Google(), creator=True)
    assert creator.writer.session.credentials.scopes == [
        "https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/drive"]
    assert creator.account == "coaching-job@district.iam.gserviceaccount.com"
    usual = connect(Google())
    assert "https://www.googleapis.com/auth/drive" not in {
        s for c in (usual.reader, usual.writer) for s in c.session.credentials.scopes}


def test_drive_file_scope_would_not_reach_a_folder_a_person_shared(job, folder, caplog):
    """Why `template` asks for `drive`: under `drive.file` a shared folder is invisible."""
    job.add_account(JOB, EMAIL, service_account=True, scopes=(
        "https://www.googleapis.com/auth/spreadsheets",
        "https://www.googleapis.com/auth/drive.file"))
    assert template(url(folder)) == 2
    assert f"Google Drive has no folder {url(folder)} that" in first_error(caplog)


def test_google_not_answering_is_said_and_nothing_is_left_behind(job, folder):
    """Retries on the stand-in's clock (no waiting), then a plain message; exit 1 at the CLI."""
    import random

    from core.errors import JobError
    from sync.pacing import READ, WRITE, Pacer, RetryPolicy
    from sync.template_google import write_google_templates
    clock = job.clock
    conn = connect(Google(endpoint=job.url), creator=True,
                   pacer=Pacer({READ: 60, WRITE: 60}, clock=clock.now, sleep=clock.advance),
                   policy=RetryPolicy(max_attempts=3, rng=random.Random(7)))
    job.faults.add(endpoint="spreadsheets.batchUpdate", kind="503", times=3)
    with pytest.raises(JobError, match=r"^Google did not answer \(HTTP 503 after 3 attempts\) "
                                       rf"while making the templates in {re.escape(url(folder))}"
                                       r"\. Run the command again\.$"):
        write_google_templates(conn, folder, force=False)
    assert job.in_folder(folder) == {}
