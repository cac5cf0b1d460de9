"""Google sources are read again only when Drive says they changed: call counts against the
stand-in (which bumps a file's Drive version on every write, as Drive does)."""
import datetime as dt
import logging
from pathlib import Path

import pytest

import main
from config.loader import load_config
from sync import sheets_cache
from sync.sources import read_sources
from tests.small_district import TABS

TOKEN = "test-token"
NOW = dt.datetime(2026, 11, 23, 13, 0, tzinfo=dt.UTC)
ROSTER_TABS = ("Schools", "Coaches", "Teachers", "Cycles", "Assessments")


@pytest.fixture
def district(sheets_api, monkeypatch, tmp_path):
    """A roster spreadsheet and three coaching-log spreadsheets; config in tmp_path."""
    monkeypatch.setenv("SHEETS_API_TOKEN", TOKEN)
    roster = sheets_api.create_spreadsheet("Roster", {t: TABS[t][1] for t in ROSTER_TABS},
                                           owner=TOKEN)
    logs = [sheets_api.create_spreadsheet(f"Log {i}", {"Log": TABS["Log"][1]}, owner=TOKEN)
            for i in range(3)]
    return {"roster": roster, "logs": logs}


def write_config(folder: Path, url: str, roster: str, logs: list[str], output: str) -> Path:
    sources = [f"""  - name: Roster
    backend: google
    location: {roster}
    tabs: {{schools: Schools, coaches: Coaches, teachers: Teachers, cycles: Cycles,
           assessments: Assessments}}"""]
    sources += [f"""  - name: Log {i}
    backend: google
    location: {sid}
    tabs: {{coaching_log: Log}}""" for i, sid in enumerate(logs)]
    path = folder / "google.yaml"
    path.write_text(f"""district:
  name: Small District
  time_zone: America/Chicago
  school_year: {{start: 2026-08-17, end: 2027-06-04}}
  as_of: 2026-11-23
sources:
{chr(10).join(sources)}
settings:
  level_scores: {{"Not yet": 1, "Approaching": 2, "Meeting": 3, "Exceeding": 4}}
output:
  backend: google
  location: {output}
delivery:
  outbox: {folder / "outbox"}
state: {folder / "state.sqlite"}
google:
  endpoint: {url}
""")
    return path


def reads(sheets_api) -> dict[str, int]:
    counts = sheets_api.log.counts()
    return {k: v for k, v in counts.items() if k.startswith(("spreadsheets.get", "values",
                                                             "drive"))}


def snapshot(tabs):
    return [(t.source, t.tab, t.header, t.rows, t.link) for t in tabs]


@pytest.fixture
def config(district, sheets_api, tmp_path):
    output = sheets_api.create_spreadsheet("Summary", {"Notes": [["x"]]}, owner=TOKEN)
    return load_config(write_config(tmp_path, sheets_api.url, district["roster"],
                                    district["logs"], output))


def test_unchanged_sources_make_no_sheets_read_calls(sheets_api, config):
    first, problems = read_sources(config)
    assert problems == []
    assert reads(sheets_api) == {"drive.files.list": 1, "spreadsheets.get": 4,
                                 "values.batchGet": 4}
    sheets_api.log.clear()
    again, problems = read_sources(config)
    assert problems == []
    assert reads(sheets_api) == {"drive.files.list": 1}
    assert snapshot(again) == snapshot(first)
    assert list((config.path(config.state).parent / "sheets-cache").glob("*.parquet"))


def test_k_changed_sources_make_2k_sheets_read_calls(sheets_api, config, district):
    read_sources(config)
    client = sheets_api.gspread_client(TOKEN)
    for sid in district["logs"][:2]:
        client.open_by_key(sid).worksheet("Log").update_acell("C2", "Changed Teacher")
    sheets_api.log.clear()
    tabs, _ = read_sources(config)
    assert reads(sheets_api) == {"drive.files.list": 1, "spreadsheets.get": 2,
                                 "values.batchGet": 2}
    changed = [t for t in tabs if t.source in ("Log 0", "Log 1")]
    assert all(t.rows[0][2] == "Changed Teacher" for t in changed)
    assert next(t for t in tabs if t.source == "Log 2").rows[0][2] != "Changed Teacher"


def test_full_reads_every_source_and_asks_drive_nothing(sheets_api, config):
    read_sources(config)
    sheets_api.log.clear()
    read_sources(config, full=True)
    assert reads(sheets_api) == {"spreadsheets.get": 4, "values.batchGet": 4}


def test_a_corrupt_or_foreign_copy_is_ignored_with_a_log_line(sheets_api, config, caplog,
                                                              monkeypatch):
    first, _ = read_sources(config)
    folder = config.path(config.state).parent / "sheets-cache"
    damaged = sorted(folder.glob("*.parquet"))[0]
    damaged.write_bytes(b"PAR1 not really parquet")
    sheets_api.log.clear()
    with caplog.at_level(logging.WARNING, logger="coaching_impact"):
        again, _ = read_sources(config)
    assert reads(sheets_api) == {"drive.files.list": 1, "spreadsheets.get": 1,
                                 "values.batchGet": 1}
    assert "Ignoring the local copy of spreadsheet" in caplog.text
    assert snapshot(again) == snapshot(first)
    monkeypatch.setattr(sheets_cache, "CACHE_FORMAT", sheets_cache.CACHE_FORMAT + 1)
    sheets_api.log.clear()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="coaching_impact"):
        read_sources(config)
    assert reads(sheets_api) == {"drive.files.list": 1, "spreadsheets.get": 4,
                                 "values.batchGet": 4}
    assert "written by another version of this job" in caplog.text


def test_the_jobs_own_write_to_a_source_is_not_a_change(sheets_api, district, tmp_path,
                                                        capsys):
    """The summary written into a spreadsheet that is also a source (its coaching log)."""
    both = district["logs"][0]
    config = write_config(tmp_path, sheets_api.url, district["roster"], district["logs"], both)
    assert main.main(["run", "--once", "--config", str(config)], now=NOW) == 0
    sheets_api.log.clear()
    assert main.main(["run", "--once", "--config", str(config)], now=NOW) == 0
    counts = sheets_api.log.counts()
    assert counts.get("values.batchGet", 0) == 0  # no source read again
    assert counts["spreadsheets.get"] == 1  # the writer's look at the output before writing
    assert counts["spreadsheets.batchUpdate"] == 1
    client = sheets_api.gspread_client(TOKEN)
    client.open_by_key(both).worksheet("Log").update_acell("C2", "Someone else")
    sheets_api.log.clear()
    assert main.main(["run", "--once", "--config", str(config)], now=NOW) == 0
    assert sheets_api.log.counts()["values.batchGet"] == 1  # a person's edit is a change


def test_the_standin_bumps_a_files_drive_version_on_every_write(sheets_api, district):
    session = sheets_api.session(TOKEN)
    sid = district["logs"][0]

    def version():
        answer = session.get(f"https://www.googleapis.com/drive/v3/files/{sid}",
                             params={"fields": "version,modifiedTime"}).json()
        return int(answer["version"])
    before = version()
    sheet = sheets_api.gspread_client(TOKEN).open_by_key(sid).worksheet("Log")
    sheet.update_acell("C2", "x")
    assert version() == before + 1
    sheet.update_acell("C3", "y")
    assert version() == before + 2
    listed = session.get("https://www.googleapis.com/drive/v3/files", params={
        "q": "mimeType='application/vnd.google-apps.spreadsheet' and trashed=false",
        "fields": "nextPageToken,files(id,version)"}).json()
    assert {"id": sid, "version": str(before + 2)} in listed["files"]


def test_without_drive_access_every_source_is_read_in_full_and_the_log_says_why(
        sheets_api, config, caplog):
    """A service account whose project has no Drive access: Drive's own answer is named as
    Drive's (not Sheets'), and the run reads every source in full rather than failing."""
    sheets_api.add_account(TOKEN, "job@district.iam.gserviceaccount.com",
                           scopes=["https://www.googleapis.com/auth/spreadsheets"])
    tabs, problems = read_sources(config)
    assert problems == [] and tabs
    assert reads(sheets_api) == {"drive.files.list": 1, "spreadsheets.get": 4,
                                 "values.batchGet": 4}
    warning = next(r.getMessage() for r in caplog.records
                   if "Could not ask Google Drive" in r.getMessage())
    assert "(Google Drive answered 403: Request had insufficient authentication scopes)" \
        in warning
