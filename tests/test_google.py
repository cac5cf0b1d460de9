"""The google backend, against the local Sheets API stand-in through gspread over real HTTP."""
import datetime as dt
import random
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

import main
from config.model import Google, Source
from core.errors import ConfigError, OutputError, TabOwnershipError
from core.schema import OWNER_MARK, TabKind
from core.sources import FailureKind
from core.summary import Link, Table
from sync.google_api import connect
from sync.google_read import read_google
from sync.google_write import RUN_MARK, GoogleTarget
from sync.pacing import READ, WRITE, Pacer, RetryPolicy
from sync.workbook_read import read_workbook
from tests.small_district import TABS, write_workbook

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "test-token"
NOW = dt.datetime(2026, 11, 23, 13, 0, tzinfo=dt.UTC)
ENTRY = ["2026-11-23 07:00 CST", "2026-W47", 10, 9, 1, 1, 0, "Schools, Run Log", 2, "ok"]


@pytest.fixture
def conn(sheets_api, monkeypatch):
    """A connection whose pacing and backoff run on the stand-in's manual clock: no waiting."""
    monkeypatch.setenv("SHEETS_API_TOKEN", TOKEN)
    clock = sheets_api.clock
    pacer = Pacer({READ: 60, WRITE: 60}, clock=clock.now, sleep=clock.advance)
    policy = RetryPolicy(max_attempts=5, rng=random.Random(7))
    return connect(Google(endpoint=sheets_api.url, timeout_seconds=0.3), pacer=pacer,
                   policy=policy)


def source(sid, **tabs):
    return Source(name="District sheet", backend="google", location=sid,
                  tabs=tabs or {k.value: t for t, (k, _) in TABS.items()})


def small_district_sheet(sheets_api, owner=TOKEN):
    return sheets_api.create_spreadsheet("Small district", {t: rows for t, (_, rows) in
                                                            TABS.items()}, owner=owner)


# ---------------------------------------------------------------- reading


def test_reads_the_same_normal_form_as_the_workbook_backend(sheets_api, conn, tmp_path):
    sid = small_district_sheet(sheets_api)
    tabs, problems = read_google(conn, source(sid))
    assert problems == []
    book = write_workbook(tmp_path / "d.xlsx")
    local, _ = read_workbook(book, "x", {k: t for t, (k, _) in TABS.items()}, None, {})
    assert [(t.tab, t.header, t.rows) for t in tabs] == [(t.tab, t.header, t.rows) for t in local]
    assert tabs[0].link.startswith(f"https://docs.google.com/spreadsheets/d/{sid}/edit#gid=")
    assert sheets_api.log.counts() == {"spreadsheets.get": 1, "values.batchGet": 1}


def test_a_missing_tab_is_one_problem_and_the_others_are_read(sheets_api, conn):
    sid = sheets_api.create_spreadsheet("Log", {"Form Responses 1": TABS["Log"][1]})
    tabs, problems = read_google(conn, source(sid, coaching_log="form responses 1",
                                              cycles="Cycles"))
    assert [t.tab for t in tabs] == ["Form Responses 1"]
    assert "No tab named 'Cycles'" in problems[0].message
    assert "Form Responses 1" in problems[0].message


def test_missing_and_unshared_spreadsheets_say_what_to_do(sheets_api, conn):
    _, problems = read_google(conn, source("1" * 44))
    assert "was not found" in problems[0].message and problems[0].kind is FailureKind.MISSING
    private = small_district_sheet(sheets_api, owner="someone-else")
    _, problems = read_google(conn, source(private))
    assert "No permission" in problems[0].message and "click Share" in problems[0].message
    assert problems[0].kind is FailureKind.NOT_SHARED


def test_reads_are_retried_through_5xx_429_and_timeouts(sheets_api, conn):
    sid = small_district_sheet(sheets_api)
    sheets_api.faults.add(endpoint="values.batchGet", kind="500", times=2)
    sheets_api.faults.add(endpoint="spreadsheets.get", kind="429", times=1)
    sheets_api.faults.add(endpoint="spreadsheets.get", kind="timeout", delay=0.6, times=1)
    before = sheets_api.clock.now()
    tabs, problems = read_google(conn, source(sid))
    assert problems == [] and len(tabs) == 6
    assert sheets_api.clock.now() > before  # backoff slept on the injected clock only
    assert conn.pacer.throttled == 1


def test_a_source_that_never_answers_becomes_one_problem(sheets_api, conn):
    sid = small_district_sheet(sheets_api)
    sheets_api.faults.add(endpoint="spreadsheets.get", kind="503", times=10)
    _, problems = read_google(conn, source(sid))
    assert "did not answer" in problems[0].message and "HTTP 503 after 5 attempts" in \
        problems[0].message
    assert problems[0].kind is FailureKind.UNREACHABLE


def test_many_spreadsheets_under_quota_get_no_429(sheets_api, conn):
    sheets_api.quota.enable(read_per_minute=60, write_per_minute=60)
    ids = [sheets_api.create_spreadsheet(f"School {i}", {"Log": TABS["Log"][1][:3]})
           for i in range(45)]
    for sid in ids:
        _, problems = read_google(conn, source(sid, coaching_log="Log"))
        assert problems == []
    statuses = [e.status for e in sheets_api.log.entries]
    assert len(statuses) == 90 and 429 not in statuses
    assert conn.pacer.throttled == 0 and conn.pacer.waited > 0


# ---------------------------------------------------------------- writing

TABLE = Table("Schools", ["School", "Hours", "Since", "Link"], [
    ["Alpha", 1.5, dt.date(2026, 8, 17), Link("open the cell", "https://x.example/#gid=1")],
    ['=IMPORTDATA("http://x")', 2, None, None], ["+1", -2, None, None], ["-2", None, None, None],
    ["@x", None, None, None]])


def output_sheet(sheets_api, **extra):
    tabs = {"Coordinator notes": [["Keep me", 1]], **extra}
    return sheets_api.create_spreadsheet("Summary", tabs)


def test_one_metadata_read_and_one_batch_update_per_write(sheets_api, conn):
    sid = output_sheet(sheets_api)
    GoogleTarget(conn, sid).write([TABLE], ENTRY)
    assert sheets_api.log.counts() == {"spreadsheets.get": 1, "spreadsheets.batchUpdate": 1}
    assert sheets_api.tab_titles(sid) == ["Coordinator notes", "Schools", "Run Log"]
    assert sheets_api.frozen_rows(sid, "Schools") == 1
    assert sheets_api.developer_metadata(sid, "Schools", key=OWNER_MARK)


def test_text_that_looks_like_a_formula_arrives_as_text(sheets_api, conn):
    sid = output_sheet(sheets_api)
    GoogleTarget(conn, sid).write([TABLE], ENTRY)
    shown = sheets_api.values(sid, "Schools", render="FORMULA")
    assert [r[0] for r in shown[2:]] == ['=IMPORTDATA("http://x")', "+1", "-2", "@x"]
    for label in ("A3", "A4", "A5", "A6"):
        assert "stringValue" in sheets_api.cell(sid, "Schools", label)["userEnteredValue"]
    assert sheets_api.values(sid, "Schools", render="UNFORMATTED_VALUE")[1][:3] == \
        ["Alpha", 1.5, 46251]


def test_a_rerun_replaces_its_tabs_appends_one_run_log_row_and_leaves_others(sheets_api, conn):
    sid = output_sheet(sheets_api)
    target = GoogleTarget(conn, sid)
    target.write([TABLE], ENTRY)
    target.write([Table("Schools", ["School"], [["Beta"]])], ["second", "2026-W48"])
    assert sheets_api.values(sid, "Schools") == [["School"], ["Beta"]]
    assert [r[0] for r in sheets_api.values(sid, "Run Log")] == [
        "Run at", "2026-11-23 07:00 CST", "second"]
    assert sheets_api.values(sid, "Coordinator notes") == [["Keep me", "1"]]


def test_a_same_named_tab_it_did_not_create_stops_the_write(sheets_api, conn):
    sid = output_sheet(sheets_api, Schools=[["mine"]])
    with pytest.raises(TabOwnershipError, match="'Schools'.*did not create.*nothing was written"):
        GoogleTarget(conn, sid).write([TABLE], ENTRY)
    assert sheets_api.log.count("spreadsheets.batchUpdate") == 0
    assert sheets_api.values(sid, "Schools") == [["mine"]]


def written(sheets_api, sid):
    return {t: sheets_api.values(sid, t) for t in sheets_api.tab_titles(sid)}


@pytest.mark.parametrize("kind, times", [("429", 4), ("500", 2), ("503", 3)])
def test_write_storms_end_with_the_correct_tabs(sheets_api, conn, kind, times):
    sid = output_sheet(sheets_api)
    sheets_api.faults.add(endpoint="spreadsheets.batchUpdate", kind=kind, times=times)
    GoogleTarget(conn, sid).write([TABLE], ENTRY)
    assert sheets_api.values(sid, "Schools")[1][0] == "Alpha"
    assert len(sheets_api.values(sid, "Run Log")) == 2


def test_a_write_that_keeps_failing_leaves_the_previous_tabs_intact(sheets_api, conn):
    sid = output_sheet(sheets_api)
    target = GoogleTarget(conn, sid)
    target.write([TABLE], ENTRY)
    before = written(sheets_api, sid)
    sheets_api.faults.add(endpoint="spreadsheets.batchUpdate", kind="503", times=20)
    with pytest.raises(OutputError, match="previous summary tabs are whole"):
        target.write([Table("Schools", ["School"], [["Beta"]])], ["second"])
    assert written(sheets_api, sid) == before


@pytest.mark.parametrize("delay", [0.35, 0.6, 1.0])
def test_a_lost_answer_to_a_slow_write_is_never_applied_twice(sheets_api, conn, delay):
    """Google may apply a write after the client gave up on it; whichever copy lands first,
    exactly one does."""
    sid = output_sheet(sheets_api)
    sheets_api.faults.add(endpoint="spreadsheets.batchUpdate", kind="timeout", delay=delay)
    GoogleTarget(conn, sid).write([TABLE], ENTRY)
    wait_for(lambda: any(e.fault == "timeout" for e in sheets_api.log.entries))
    assert len(sheets_api.values(sid, "Run Log")) == 2  # one row, not two
    assert len(sheets_api.developer_metadata(sid, key=RUN_MARK)) == 1
    assert sheets_api.values(sid, "Schools")[1][0] == "Alpha"


def wait_for(condition, seconds=5.0):
    """The stand-in answers a slow request on its own thread; wait until it has."""
    import time
    end = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < end, "the stand-in never finished the slow request"
        time.sleep(0.02)


def test_a_dropped_connection_during_the_write_is_checked_then_written_once(sheets_api, conn):
    sid = output_sheet(sheets_api)
    GoogleTarget(conn, sid).write([TABLE], ENTRY)
    sheets_api.faults.add(endpoint="spreadsheets.batchUpdate", kind="drop")
    GoogleTarget(conn, sid).write([Table("Schools", ["School"], [["Beta"]])], ["second"])
    assert sheets_api.log.count("spreadsheets.batchUpdate") == 3
    assert sheets_api.values(sid, "Schools") == [["School"], ["Beta"]]
    assert [r[0] for r in sheets_api.values(sid, "Run Log")][1:] == ["2026-11-23 07:00 CST",
                                                                      "second"]


def test_an_unshared_output_says_to_share_it_as_editor(sheets_api, conn):
    sid = sheets_api.create_spreadsheet("Summary", {"Sheet1": []}, owner="someone-else")
    with pytest.raises(OutputError, match="add the account the job runs as as an Editor"):
        GoogleTarget(conn, sid).write([TABLE], ENTRY)


# ---------------------------------------------------------------- credentials and config


def test_without_an_endpoint_a_key_file_is_required_and_named(monkeypatch, tmp_path):
    monkeypatch.delenv("SHEETS_API_ENDPOINT", raising=False)
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    with pytest.raises(ConfigError, match="set the environment variable "
                                          "GOOGLE_APPLICATION_CREDENTIALS"):
        connect(Google())
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "none.json"))
    with pytest.raises(ConfigError, match="does not exist"):
        connect(Google())
    (tmp_path / "bad.json").write_text('{"type": "service_account"}')
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "bad.json"))
    with pytest.raises(ConfigError, match="not a service-account JSON key"):
        connect(Google())


def test_a_location_that_is_no_spreadsheet_is_a_config_error():
    with pytest.raises(ValueError, match="not a Google spreadsheet ID or URL"):
        Source(name="x", backend="google", location="my sheet", tabs={"cycles": "Cycles"})
    url = "https://docs.google.com/spreadsheets/d/1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms/edit"
    assert Source(name="x", backend="google", location=url, tabs={"cycles": "C"})


# ---------------------------------------------------------------- the whole job


def load_into_standin(sheets_api, path, owner=TOKEN):
    book = load_workbook(path)
    tabs = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book}
    return sheets_api.create_spreadsheet(path.stem, tabs, owner=owner)


def demo_config(tmp_path, ids=None, endpoint=None):
    """The shipped demo config, outputs in tmp; with `ids`, every source and the output on
    Google."""
    text = (ROOT / "config" / "district.yaml").read_text()
    text = text.replace("../demo/data/", f"{ROOT}/demo/data/")
    text = text.replace("../out/outbox", str(tmp_path / "outbox"))
    text = text.replace("../out/state.sqlite", str(tmp_path / "state.sqlite"))
    text = text.replace("../out/district-summary.xlsx", str(tmp_path / "summary.xlsx"))
    if ids:
        for name, sid in ids.items():
            text = text.replace(f"    backend: workbook\n    location: {ROOT}/demo/data/{name}.xlsx",
                                f"    backend: google\n    location: {sid}")
        text = text.replace(f"  backend: workbook\n  location: {tmp_path / 'summary.xlsx'}",
                            f"  backend: google\n  location: {ids['summary']}")
        text += f"\ngoogle:\n  endpoint: {endpoint}\n"
    path = tmp_path / "district.yaml"
    path.write_text(text)
    return path


def tab_values(rows):
    """Values as both backends show them: dates as dates, no links."""
    out = []
    for r in rows:
        out.append([v.date() if isinstance(v, dt.datetime) else v for v in r])
    return out


def test_the_demo_through_google_gives_the_same_tabs_and_emails(sheets_api, tmp_path,
                                                                monkeypatch):
    monkeypatch.setenv("SHEETS_API_TOKEN", TOKEN)
    local_dir, google_dir = tmp_path / "local", tmp_path / "google"
    local_dir.mkdir(), google_dir.mkdir()
    assert main.main(["run", "--once", "--config", str(demo_config(local_dir))], now=NOW) == 0
    ids = {p.stem: load_into_standin(sheets_api, p)
           for p in sorted((ROOT / "demo" / "data").glob("*.xlsx"))}
    ids["summary"] = sheets_api.create_spreadsheet("Summary", {"Notes": [["hello"]]})
    sheets_api.log.clear()
    config = demo_config(google_dir, ids, sheets_api.url)
    assert main.main(["run", "--once", "--config", str(config)], now=NOW) == 0

    counts = sheets_api.log.counts()
    assert counts == {"drive.files.list": 1, "spreadsheets.get": 3 + 1, "values.batchGet": 3,
                      "spreadsheets.batchUpdate": 1}
    local = load_workbook(local_dir / "summary.xlsx")
    for title in ("Schools", "Coaches", "Cycles", "District", "Equity", "Trends", "Hours by Week",
                  "Run Log"):
        mine = tab_values(local[title].iter_rows(values_only=True))
        theirs = sheets_api.values(ids["summary"], title, render="UNFORMATTED_VALUE")
        assert normalise(theirs) == normalise(mine), title
    issues_local = [r[:9] for r in local["Data Issues"].iter_rows(values_only=True)]
    issues_google = sheets_api.values(ids["summary"], "Data Issues", render="UNFORMATTED_VALUE")
    assert [r[:9] for r in normalise(issues_google)] == normalise(issues_local)
    link = next(r for r in issues_google[1:] if r[5] == "Duration (minutes)")
    cell = sheets_api.cell(ids["summary"], "Data Issues",
                           f"J{issues_google.index(link) + 1}")
    assert "#gid=" in cell["userEnteredFormat"]["textFormat"]["link"]["uri"]
    assert "&range=H" in cell["userEnteredFormat"]["textFormat"]["link"]["uri"]
    for eml in (local_dir / "outbox" / "2026-W47").glob("*.eml"):
        other = google_dir / "outbox" / "2026-W47" / eml.name
        assert without_links(body(eml)[0]) == without_links(body(other)[0]), eml.name
    lincoln = body(google_dir / "outbox" / "2026-W47" / "lincoln-elementary.eml")
    summary = f"https://docs.google.com/spreadsheets/d/{ids['summary']}/edit#gid="
    assert f"Your school on the district summary: {summary}" in lincoln[0]
    assert f'<a href="{summary}' in lincoln[1]
    carlos = body(google_dir / "outbox" / "2026-W47" / "coach-carlos-mendoza.eml")[0]
    assert re.search(r"Duration \(minutes\): \"lots\"\n.*\n    https://docs.google.com/"
                     r"spreadsheets/d/\S+#gid=\d+&range=H790\n", carlos)  # the exact cell
    assert "OPEN THE DATA" not in body(local_dir / "outbox" / "2026-W47" /
                                       "lincoln-elementary.eml")[0]  # a local file: no links


def without_links(text):
    """The text part with the links only Google sources have taken out."""
    text = re.sub(r"\nOPEN THE DATA\n(  .*\n)+", "", text)
    return re.sub(r"\n    https://docs.google.com/\S+", "", text)


def normalise(rows):
    """Trailing blanks trimmed, dates as serials, whole floats as ints: how Sheets returns them."""
    from sync.common import normal_cell
    out = []
    for r in rows:
        cells = [normal_cell(v) for v in r]
        cells = [int(v) if isinstance(v, float) and v.is_integer() else v for v in cells]
        while cells and cells[-1] in (None, ""):
            cells.pop()
        out.append([None if v == "" else v for v in cells])
    return out


def body(path):
    import email
    import email.policy
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    return msg.get_body(("plain",)).get_content(), msg.get_body(("html",)).get_content()


def test_tab_kind_names_stay_in_step_with_the_config():
    assert {k.value for k in TabKind} == {"coaching_log", "cycles", "assessments", "schools",
                                          "coaches", "teachers"}


def service_account_key(path):
    """A syntactically real key file (made now, never used against Google)."""
    import json

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    path.write_text(json.dumps({
        "type": "service_account", "project_id": "district", "private_key_id": "k1",
        "private_key": pem, "client_email": "coaching-job@district.iam.gserviceaccount.com",
        "client_id": "1", "token_uri": "https://oauth2.googleapis.com/token"}))
    return path


def test_a_service_account_gets_the_narrowest_scopes_and_is_named_in_hints(monkeypatch,
                                                                           tmp_path):
    monkeypatch.delenv("SHEETS_API_ENDPOINT", raising=False)
    monkeypatch.setenv("DISTRICT_KEY", str(service_account_key(tmp_path / "key.json")))
    conn = connect(Google(credentials_env="DISTRICT_KEY"))
    assert conn.account == "coaching-job@district.iam.gserviceaccount.com"
    assert conn.reader.session.credentials.scopes == [
        "https://www.googleapis.com/auth/spreadsheets.readonly",
        "https://www.googleapis.com/auth/drive.metadata.readonly"]
    assert conn.writer.session.credentials.scopes == [
        "https://www.googleapis.com/auth/spreadsheets"]
    assert "add coaching-job@district.iam.gserviceaccount.com as a Viewer" in \
        conn.share_hint("a Viewer")


def test_an_unshared_source_holds_its_school_and_the_rest_of_the_run_goes_on(sheets_api, tmp_path,
                                                                           monkeypatch):
    monkeypatch.setenv("SHEETS_API_TOKEN", TOKEN)
    ids = {p.stem: load_into_standin(sheets_api, p, owner="someone-else" if "hillcrest" in p.stem
                                     else TOKEN)
           for p in sorted((ROOT / "demo" / "data").glob("*.xlsx"))}
    ids["summary"] = sheets_api.create_spreadsheet("Summary", {"Notes": [["hello"]]})
    config = demo_config(tmp_path, ids, sheets_api.url)
    assert main.main(["run", "--once", "--config", str(config)], now=NOW) == 5
    issues = sheets_api.values(ids["summary"], "Data Issues")
    mine = [r for r in issues if r[2] == "Hillcrest coaching log"]
    assert len(mine) == 1 and "No permission" in mine[0][8]
    written = sorted(p.name for p in (tmp_path / "outbox" / "2026-W47").glob("*.eml"))
    assert len(written) == 15 and "hillcrest-middle-school.eml" not in written
    coaches = [n for n in written if n.startswith("coach-")]
    assert len(coaches) == 8 and "coach-hannah-lindqvist.eml" not in coaches  # Hillcrest's coach
    assert [n for n in written if n.startswith("source-alert-")]  # the staff alert, in the outbox
