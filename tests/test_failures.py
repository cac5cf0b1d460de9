"""Source failures as pure data: which tabs cannot be trusted, who depends on what, quiet weeks;
and the ledger's `held`."""
import datetime as dt
import sqlite3

import pandas as pd
import pytest

import main
from core.failures import EVERY_SCHOOL, Baseline, affected_schools, quiet_schools, tab_failures
from core.schema import FIELDS, TabKind
from core.sources import FailureKind, RawTab, SourceProblem
from core.weeks import parse_week
from core.words import counted
from delivery.ledger import Key, Ledger, Status
from tests.small_district import TABS, write_workbook

SCHOOLS = ["Alpha Elementary", "Beta Middle", "Gamma High"]
LOG_HEADER = ["Date", "Coach", "School", "Activity", "Minutes"]


def log_tab(rows, header=LOG_HEADER, source="Log", school=None):
    return RawTab(source, "Log", TabKind.COACHING_LOG, header, rows, school)


def problem(source, kind=FailureKind.MISSING):
    return SourceProblem(source, "", "gone", kind)


@pytest.mark.parametrize("configured, named, hit", [
    ({"S": "Beta Middle"}, {}, ["Beta Middle"]),  # school: set
    ({"S": " beta middle "}, {}, ["Beta Middle"]),
    ({"S": None}, {"S": frozenset({"alpha elementary"})}, ["Alpha Elementary"]),  # rows name one
    ({"S": None}, {"S": frozenset({"alpha elementary", "beta middle"})}, SCHOOLS),
    ({"S": None}, {"S": frozenset({EVERY_SCHOOL})}, SCHOOLS),  # a roster
    ({"S": None}, {"S": frozenset({"delta middle"})}, SCHOOLS),  # not on the roster: unknown
    ({"S": None}, {}, SCHOOLS),  # never read: could be anyone's
])
def test_who_depends_on_a_failed_source(configured, named, hit):
    failures = affected_schools([problem("S")], configured, named, SCHOOLS)
    assert list(failures.affected) == hit
    assert all(failures.reason(s) == "S could not be used (missing)" for s in hit)


def test_a_missing_required_column_names_what_was_expected_and_found():
    raw = log_tab([["2026-11-17", "Ann", "Alpha", "Planning", 45]],
                  header=["Date", "Coach", "School", "Activity", "Follow-up needed?"])
    [found] = tab_failures([raw], {}, Baseline(), 50)
    assert found.kind is FailureKind.MISSING_COLUMN and found.tab_kind is TabKind.COACHING_LOG
    assert "Expected: Minutes (a header such as 'Minutes', 'Duration'" in found.message
    assert "Found: 'Date', 'Coach', 'School', 'Activity', 'Follow-up needed?'" in found.message
    assert "aliases: coaching_log: minutes:" in found.message


@pytest.mark.parametrize("rows, before, kind", [
    (0, None, FailureKind.EMPTY),
    (0, 10, FailureKind.EMPTY),
    (4, 10, FailureKind.ROWS_DROPPED),  # lost 60%
    (5, 10, None),  # lost exactly half: not more than half
    (3, None, None),  # no earlier run to compare with
    (30, 10, None),
])
def test_a_tab_emptied_or_far_shorter_than_last_time_is_a_failure(rows, before, kind):
    raw = log_tab([["2026-11-17", "Ann", "Alpha", "Planning", 45]] * rows + [[None] * 5])
    baseline = Baseline({("Log", "Log"): before} if before else {})
    found = tab_failures([raw], {}, baseline, 50)
    assert [f.kind for f in found] == ([kind] if kind else [])
    if kind is FailureKind.ROWS_DROPPED:
        assert f"Read 4 data rows, far fewer than the {before}" in found[0].message
        assert "--accept-row-counts" in found[0].message


def logs(*rows):
    return pd.DataFrame([{"date": pd.Timestamp(d), "school": s, "coaching": c}
                         for d, s, c in rows])


def test_a_school_that_logged_three_weeks_running_and_not_this_week_is_quiet():
    week = parse_week("2026-W47")  # Nov 16 – 22
    frame = logs(("2026-10-27", "Alpha Elementary", True), ("2026-11-03", "Alpha Elementary", True),
                 ("2026-11-13", "Alpha Elementary", True),  # W44, W45, W46; nothing in W47
                 ("2026-11-03", "Beta Middle", True), ("2026-11-13", "Beta Middle", True),
                 ("2026-10-27", "Gamma High", True), ("2026-11-03", "Gamma High", True),
                 ("2026-11-13", "Gamma High", True), ("2026-11-22", "Gamma High", True),
                 ("2026-10-28", "Delta", True), ("2026-11-04", "Delta", True),
                 ("2026-11-11", "Delta", True), ("2026-11-18", "Delta", False))
    assert quiet_schools(frame, [*SCHOOLS, "Delta"], week) == ["Alpha Elementary", "Delta"]


@pytest.mark.parametrize("n, word, text", [(0, "row", "0 rows"), (1, "row", "1 row"),
                                           (2, "error", "2 errors"), (1, "school", "1 school")])
def test_counts_in_words(n, word, text):
    assert counted(n, word) == text


# ---------------------------------------------------------------- the ledger's `held`


def test_a_held_email_is_claimed_once_its_source_is_fixed_and_a_sent_one_stays_sent(tmp_path):
    with Ledger(tmp_path / "state.sqlite") as ledger:
        held, sent = Key.of("2026-W47", "Alpha", "pat@a.example"), Key.of("2026-W47", "Beta",
                                                                           "kim@b.example")
        assert ledger.hold(held, "<a>", "Alpha", "Log missing").status is Status.HELD
        ledger.plan(sent, "<b>", "Beta")
        ledger.claim(sent)
        ledger.sent(sent, "250 OK")
        assert ledger.hold(sent, "<b>", "Beta", "Log missing").status is Status.SENT
        assert [e.key for e in ledger.held()] == [held]
        assert ledger.claim(held)
        assert ledger.events(held)[:2] == [("planned", ""), ("held", "Log missing")]


OLD_EMAILS = """CREATE TABLE emails (
    week TEXT NOT NULL, school TEXT NOT NULL, recipient TEXT NOT NULL,
    message_id TEXT NOT NULL, subject TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('planned', 'sending', 'unknown', 'sent', 'failed')),
    detail TEXT NOT NULL DEFAULT '', refused TEXT NOT NULL DEFAULT '',
    attempts INTEGER NOT NULL DEFAULT 0, sends INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL, PRIMARY KEY (week, school, recipient))"""


def test_a_state_file_from_before_held_is_carried_over(tmp_path):
    path = tmp_path / "state.sqlite"
    with sqlite3.connect(path) as db:
        db.execute(OLD_EMAILS)
        db.execute("INSERT INTO emails VALUES ('2026-W46', 'Alpha', 'pat@a.example', '<a>', 's', "
                   "'sent', '250 OK', '', 1, 1, '2026-11-16T13:00:00+00:00')")
    with Ledger(path) as ledger:
        assert ledger.get(Key.of("2026-W46", "Alpha", "pat@a.example")).status is Status.SENT
        key = Key.of("2026-W47", "Alpha", "pat@a.example")
        assert ledger.hold(key, "<a>", "s", "Log missing").status is Status.HELD


# ---------------------------------------------------------------- outbox mode, quiet weeks

NOW = dt.datetime(2026, 11, 23, 13, 0, tzinfo=dt.UTC)
CONFIG = """
district:
  name: Small District
  time_zone: America/Chicago
  school_year: {{start: 2026-08-17, end: 2027-06-04}}
  as_of: 2026-11-23
sources:
  - name: District workbook
    location: {folder}/district.xlsx
    tabs: {{schools: Schools, coaches: Coaches, teachers: Teachers, cycles: Cycles,
           assessments: Assessments}}
  - name: Beta log
    school: Beta Middle
    location: {folder}/beta.xlsx
    tabs: {{coaching_log: Log}}
  - name: Alpha log
    location: {folder}/alpha.xlsx
    tabs: {{coaching_log: Log}}
settings:
  level_scores: {{"Not yet": 1, "Approaching": 2, "Meeting": 3, "Exceeding": 4}}
output:
  location: {folder}/summary.xlsx
delivery:
  outbox: {folder}/outbox
district_staff:
  - {{name: Coaching lead, email: lead@district.example}}
state: {folder}/state.sqlite
"""
HEADER = TABS["Log"][1][0]


def alpha_row(day):
    return [None, "ann@district.example", day, "Alpha Elementary", "T One", None, "Planning",
            45, ""]


def outbox_district(folder):
    write_workbook(folder / "district.xlsx", {t: r for t, (_, r) in TABS.items() if t != "Log"})
    write_workbook(folder / "beta.xlsx", {"Log": [HEADER, [None, "bo@district.example",
                                                           dt.date(2026, 11, 18), None, "T Four",
                                                           None, "Feedback", 30, ""]]})
    write_workbook(folder / "alpha.xlsx", {"Log": [HEADER, *(  # W44, W45, W46; none in W47
        alpha_row(dt.date(2026, m, d)) for m, d in ((10, 27), (11, 3), (11, 10)))]})
    path = folder / "district.yaml"
    path.write_text(CONFIG.format(folder=folder))
    return path


def emls(folder):
    return sorted(p.name for p in (folder / "outbox" / "2026-W47").glob("*.eml"))


def test_in_outbox_mode_a_held_email_is_not_written_until_its_source_is_fixed(tmp_path,
                                                                               capsys):
    config = outbox_district(tmp_path)
    (tmp_path / "beta.xlsx").rename(tmp_path / "beta-moved.xlsx")
    assert main.main(["run", "--once", "--config", str(config)], now=NOW) == 5
    written = emls(tmp_path)
    assert "beta-middle.eml" not in written and "alpha-elementary.eml" in written
    assert any(n.startswith("source-alert-") for n in written)
    assert main.main(["status", "--config", str(config)], now=NOW) == 0
    assert "held     2026-W47  Beta Middle <kim@beta.example>: Beta log could not be used " \
        "(missing)" in capsys.readouterr().out
    (tmp_path / "beta-moved.xlsx").rename(tmp_path / "beta.xlsx")
    assert main.main(["run", "--once", "--config", str(config)], now=NOW) == 0
    assert "beta-middle.eml" in emls(tmp_path)
    with Ledger(tmp_path / "state.sqlite") as ledger:
        entry = ledger.get(Key.of("2026-W47", "Beta Middle", "kim@beta.example"))
    assert (entry.status, entry.detail) == (Status.SENT, "written to the outbox")


def test_a_quiet_week_is_a_warning_in_the_alert_and_the_schools_tab_and_the_email_goes(
        tmp_path, capsys):
    from openpyxl import load_workbook
    config = outbox_district(tmp_path)
    assert main.main(["run", "--once", "--config", str(config)], now=NOW) == 0
    _out, err = capsys.readouterr()
    assert "WARNING No coaching logged this week at Alpha Elementary — is the form still " \
        "linked?" in err
    written = emls(tmp_path)
    assert "alpha-elementary.eml" in written
    alert = [n for n in written if n.startswith("source-alert-")]
    import email
    import email.policy
    message = email.message_from_bytes((tmp_path / "outbox" / "2026-W47" / alert[0]).read_bytes(),
                                       policy=email.policy.default)
    text = message["Subject"] + "\n" + message.get_body(("plain",)).get_content()
    assert "no coaching logged this week at Alpha Elementary" in text  # the subject
    assert "No coaching logged this week at Alpha Elementary — is the form still linked? (It " \
        "had coaching logged in each of the three weeks before.)" in text
    schools = list(load_workbook(tmp_path / "summary.xlsx")["Schools"].iter_rows(values_only=True))
    alpha = next(r for r in schools if r[0] == "Alpha Elementary")
    assert alpha[-1].startswith("No coaching logged this week at Alpha Elementary — is the form")
    assert isinstance(alpha[6], int)  # its figures stay: a quiet week is not a failure


def test_a_blank_tab_is_empty_not_a_missing_column():
    [found] = tab_failures([log_tab([], header=[])], {}, Baseline(), 50)
    assert found.kind is FailureKind.EMPTY and "no header row and no data rows" in found.message


@pytest.mark.parametrize("part", ["txt", "html"])
def test_the_alert_email_golden(tmp_path, part):
    import os
    from pathlib import Path

    from config.loader import load_config
    from reports.alert import Held, render_alert
    config = load_config(outbox_district(tmp_path))
    failures = affected_schools(
        [SourceProblem("Beta log", "Log", "Required column not found, so the tab was not used. "
                       "Expected: Minutes. Found: 'Mins spent'. Rename the header back.",
                       FailureKind.MISSING_COLUMN, TabKind.COACHING_LOG)],
        {"Beta log": "Beta Middle"}, {}, ["Alpha Elementary", "Beta Middle"])
    [email] = render_alert(config, parse_week("2026-W47"), failures,
                           [Held("Beta Middle", "kim@beta.example", failures.reason("Beta Middle"))],
                           ["Alpha Elementary"], NOW)
    assert email.to == "lead@district.example"
    assert email.subject == "Small District: 1 source could not be used; 1 email held"
    got = email.text if part == "txt" else email.html
    path = Path(__file__).parent / "golden" / f"source-alert.{part}"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(got, encoding="utf-8")
    assert got == path.read_text(encoding="utf-8"), "rerun with UPDATE_GOLDEN=1 if intended"


@pytest.mark.parametrize("kind, before, fails", [
    (TabKind.CYCLES, None, False),  # September: no cycle has started yet
    (TabKind.ASSESSMENTS, None, False),
    (TabKind.TEACHERS, None, False),
    (TabKind.ASSESSMENTS, 40, True),  # emptied after holding rows
    (TabKind.COACHING_LOG, None, True),  # a log with no rows looks like a broken form link
    (TabKind.SCHOOLS, None, True),
])
def test_tabs_that_fill_during_the_year_may_start_empty(kind, before, fails):
    header = [f.label for f in FIELDS[kind]]
    raw = RawTab("Book", "Tab", kind, header, [])
    found = tab_failures([raw], {}, Baseline({("Book", "Tab"): before} if before else {}), 50)
    assert [f.kind for f in found] == ([FailureKind.EMPTY] if fails else [])
