"""A source that cannot be used holds the emails that depend on it, says so loudly, and the held
emails go once it is fixed: end to end, for workbooks and for Google (through the Sheets
stand-in), with SMTP to the real local test server."""
import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

import main
from config.loader import load_config
from delivery.ledger import Ledger, Status
from standins.smtp import PASSWORD, USER, make_certs, start
from tests.small_district import TABS, write_workbook

NOW = dt.datetime(2026, 11, 23, 13, 0, tzinfo=dt.UTC)
PAT, KIM, LEAD = "pat@alpha.example", "kim@beta.example", "lead@district.example"
ALPHA, BETA = "Alpha Elementary", "Beta Middle"
TOKEN = "test-token"
LOG = TABS["Log"][1]
HEADER = LOG[0]
ALPHA_ROWS = [r for r in LOG[1:] if str(r[3]).casefold() == ALPHA.casefold()]
BETA_ROWS = [r for r in LOG[1:] if r not in ALPHA_ROWS]
DISTRICT = {t: rows for t, (_, rows) in TABS.items() if t != "Log"}

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
  - name: Alpha log
{alpha}
    tabs: {{coaching_log: Log}}
  - name: Beta log
    school: Beta Middle
{beta}
    tabs: {{coaching_log: Log}}
settings:
  level_scores: {{"Not yet": 1, "Approaching": 2, "Meeting": 3, "Exceeding": 4}}
output:
  location: {folder}/summary.xlsx
delivery:
  method: smtp
  host: 127.0.0.1
  port: {port}
  security: starttls
  username_env: SMTP_USERNAME
  password_env: SMTP_PASSWORD
  ca_file: {ca}
  timeout: 5
  from: Coaching Program <coaching@district.example>
district_staff:
  - name: Coaching lead
    email: {lead}
state: {folder}/state.sqlite
"""


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    return make_certs(tmp_path_factory.mktemp("certs"))


@pytest.fixture
def server(certs, monkeypatch):
    monkeypatch.setenv("SMTP_USERNAME", USER)
    monkeypatch.setenv("SMTP_PASSWORD", PASSWORD)
    s = start(certs)
    yield s
    s.stop()


def write_config(folder: Path, server, certs, alpha: str, beta: str, extra: str = "") -> Path:
    path = folder / "district.yaml"
    path.write_text(CONFIG.format(folder=folder, port=server.port, ca=certs.ca, lead=LEAD,
                                  alpha=alpha, beta=beta) + extra)
    return path


def run(*args, week="2026-W47"):
    return main.main([*args, *(["--week", week] if week else [])], now=NOW)


def received(server):
    return [(r.recipients[0], r.message["Subject"]) for r in server.mailbox.received]


# ---------------------------------------------------------------- the two backends


class Workbooks:
    """Every source a local .xlsx; each break is what a person does to a file."""

    def __init__(self, folder, server, certs):
        self.folder = folder
        write_workbook(folder / "district.xlsx", DISTRICT)
        self.alpha = write_workbook(folder / "alpha.xlsx", {"Log": [HEADER, *ALPHA_ROWS]})
        write_workbook(folder / "beta.xlsx", {"Log": [HEADER, *BETA_ROWS]})
        self.config = write_config(folder, server, certs, f"    location: {self.alpha}",
                                   f"    location: {folder / 'beta.xlsx'}")

    def break_(self, how):
        if how == "gone":
            self.alpha.rename(self.folder / "alpha-moved.xlsx")
        else:
            write_workbook(self.alpha, {**broken_tabs(how)})

    def fix(self, how):
        if how == "gone":
            (self.folder / "alpha-moved.xlsx").rename(self.alpha)
        else:
            write_workbook(self.alpha, {"Log": [HEADER, *ALPHA_ROWS]})


def broken_tabs(how):
    if how == "tab renamed":
        return {"Old log": [HEADER, *ALPHA_ROWS]}
    if how == "header renamed":
        return {"Log": [[h if h != "Duration (minutes)" else "Effort" for h in HEADER],
                        *ALPHA_ROWS]}
    if how == "tab emptied":
        return {"Log": [HEADER]}
    assert how == "rows dropped"
    return {"Log": [HEADER, ALPHA_ROWS[0]]}


class Sheets:
    """Every log a Google spreadsheet on the stand-in; each break made through the API, as the
    owner would in the browser."""

    def __init__(self, folder, server, certs, sheets_api, monkeypatch):
        monkeypatch.setenv("SHEETS_API_TOKEN", TOKEN)
        self.api = sheets_api
        write_workbook(folder / "district.xlsx", DISTRICT)
        self.alpha = sheets_api.create_spreadsheet("Alpha log", {"Log": [HEADER, *ALPHA_ROWS]},
                                                   owner="alpha-owner")
        sheets_api.share(self.alpha, TOKEN, "reader")
        beta = sheets_api.create_spreadsheet("Beta log", {"Log": [HEADER, *BETA_ROWS]})
        self.config = write_config(
            folder, server, certs, f"    backend: google\n    location: {self.alpha}",
            f"    backend: google\n    location: {beta}",
            f"google:\n  endpoint: {sheets_api.url}\n  max_attempts: 2\n")
        self.sheet = sheets_api.gspread_client("alpha-owner").open_by_key(self.alpha)

    def break_(self, how):
        tab = self.sheet.worksheet("Log")
        if how == "gone":
            self.api.unshare(self.alpha, TOKEN)
        elif how == "tab renamed":
            tab.update_title("Old log")
        elif how == "header renamed":
            tab.update_cell(1, HEADER.index("Duration (minutes)") + 1, "Effort")
        elif how == "tab emptied":
            tab.batch_clear([f"A2:Z{len(ALPHA_ROWS) + 1}"])
        else:
            tab.batch_clear([f"A3:Z{len(ALPHA_ROWS) + 1}"])

    def fix(self, how):
        if how == "gone":
            self.api.share(self.alpha, TOKEN, "reader")
        elif how == "tab renamed":
            self.sheet.worksheet("Old log").update_title("Log")
        elif how == "header renamed":
            self.sheet.worksheet("Log").update_cell(1, HEADER.index("Duration (minutes)") + 1,
                                                    "Duration (minutes)")
        else:
            rows = [[serial(v) for v in r] for r in ALPHA_ROWS]
            self.sheet.worksheet("Log").update(rows, "A2", value_input_option="RAW")


def serial(value):
    """A date as the serial number Sheets keeps (RAW input would keep an ISO string)."""
    from core.parse import date_to_serial
    return date_to_serial(value) if isinstance(value, (dt.date, dt.datetime)) else value


@pytest.fixture(params=["workbook", "google"])
def district(request, tmp_path, server, certs, monkeypatch):
    if request.param == "workbook":
        return Workbooks(tmp_path, server, certs)
    return Sheets(tmp_path, server, certs, request.getfixturevalue("sheets_api"), monkeypatch)


FIX_WORDS = {
    "gone": ("missing", "location:"),
    "tab renamed": ("tab missing", "No tab named 'Log'"),
    "header renamed": ("required column missing", "'Effort'"),
    "tab emptied": ("no rows", "no data rows"),
    "rows dropped": ("far fewer rows", "--accept-row-counts"),
}


@pytest.mark.parametrize("how", list(FIX_WORDS))
def test_a_broken_source_holds_its_school_alerts_staff_and_the_fix_sends_it_once(
        district, server, how, capsys):
    config = str(district.config)
    assert run("run", "--once", "--quiet", "--config", config, week="2026-W46") == 0
    assert sorted(to for to, _ in received(server)) == [KIM, PAT]  # learns who logs what
    server.mailbox.received.clear()
    capsys.readouterr()

    district.break_(how)
    kind, words = FIX_WORDS[how]
    if how == "gone" and isinstance(district, Sheets):
        kind, words = "not shared", "click Share"
    assert run("run", "--once", "--quiet", "--config", config) == 5
    out, err = capsys.readouterr()
    got = received(server)
    assert [to for to, _ in got] == [KIM, LEAD]  # Pat nothing, Kim one, the lead one alert
    errors = [line for line in err.splitlines() if " ERROR " in line]
    assert len(errors) == 1 and "Source 'Alpha log'" in errors[0] and f"({kind})" in errors[0]
    assert words in errors[0]
    assert out.index("Sources that could not be used (1)") < out.index("Run summary")
    assert f"held:          {ALPHA} <{PAT}>" in out
    alert = server.mailbox.to(LEAD)[0].message
    text = alert.get_body(("plain",)).get_content()
    assert "1 source could not be used; 1 email held" in alert["Subject"]
    assert "Alpha log › Log (" in text or "Alpha log (" in text
    assert words in text and f"{ALPHA} <{PAT}>" in text
    with Ledger(load_config(config).path(load_config(config).state)) as ledger:
        held = ledger.held()
    assert [(e.key.school, e.key.week, e.status) for e in held] == \
        [(ALPHA, "2026-W47", Status.HELD)]
    assert kind in held[0].detail

    assert run("check", "--config", config, week=None) == 1
    check = capsys.readouterr().out
    assert check.lstrip().startswith("Sources that could not be used (1)")
    assert words in check and "affects: Alpha Elementary" in check

    district.fix(how)
    server.mailbox.received.clear()
    assert run("run", "--once", "--quiet", "--config", config) == 0
    assert received(server) == [(PAT, f"{ALPHA}: coaching this week (Nov 16 – 22, 2026)")]
    assert run("run", "--once", "--quiet", "--config", config) == 0
    assert len(server.mailbox.received) == 1  # once
    assert run("check", "--config", config, week=None) == 0


def test_a_district_wide_source_holds_every_school(tmp_path, server, certs, capsys):
    d = Workbooks(tmp_path, server, certs)
    assert run("run", "--once", "--config", str(d.config), week="2026-W46") == 0
    server.mailbox.received.clear()
    write_workbook(tmp_path / "district.xlsx", {**DISTRICT, "Cycles": [TABS["Cycles"][1][0]]})
    assert run("run", "--once", "--config", str(d.config)) == 5
    assert [to for to, _ in received(server)] == [LEAD]
    out = capsys.readouterr().out
    assert "affects: Alpha Elementary, Beta Middle" in out
    book = load_workbook(tmp_path / "summary.xlsx")
    schools = list(book["Schools"].iter_rows(values_only=True))
    assert schools[0][-1] == "Data notes"
    assert schools[1][:3] == (ALPHA, "Pat Alpha", "Implement, monitor & adjust")
    assert schools[1][3:-1] == ("incomplete",) * (len(schools[1]) - 4)
    assert "District workbook › Cycles could not be used (no rows)" in schools[1][-1]
    district = [r[0] for r in book["District"].iter_rows(values_only=True)]
    assert district[2].startswith("Incomplete: 2 schools depend on a source")
    log = list(book["Run Log"].iter_rows(values_only=True))
    assert "District workbook › Cycles (no rows)" in log[-1][-1]
    assert log[-1][-2] == 0  # emails: both held


def test_a_school_held_last_week_gets_that_week_late_with_this_week(tmp_path, server, certs,
                                                                    capsys):
    d = Workbooks(tmp_path, server, certs)
    assert run("run", "--once", "--config", str(d.config), week="2026-W46") == 0
    d.break_("tab renamed")
    assert run("run", "--once", "--config", str(d.config)) == 5
    d.fix("tab renamed")
    server.mailbox.received.clear()
    later = dt.datetime(2026, 11, 30, 13, 0, tzinfo=dt.UTC)
    assert main.main(["run", "--once", "--config", str(d.config), "--week", "2026-W48"],
                     now=later) == 0
    subjects = sorted(received(server))
    assert subjects == [
        (KIM, "Beta Middle: coaching this week (Nov 23 – 29, 2026)"),
        (PAT, "Alpha Elementary: coaching this week (Nov 23 – 29, 2026)"),
        (PAT, "Late: Alpha Elementary: coaching this week (Nov 16 – 22, 2026)")]
    late = [r.message for r in server.mailbox.to(PAT) if r.message["Subject"].startswith("Late")]
    assert "is late: it was held" in late[0].get_body(("plain",)).get_content()
    assert "is late: it was held" in late[0].get_body(("html",)).get_content()
    assert "held earlier, for 2026-W47:" in capsys.readouterr().out


def test_send_for_the_week_sends_the_held_emails_once_the_source_is_fixed(tmp_path, server,
                                                                          certs):
    d = Workbooks(tmp_path, server, certs)
    assert run("run", "--once", "--config", str(d.config), week="2026-W46") == 0
    d.break_("header renamed")
    server.mailbox.received.clear()
    assert run("run", "--once", "--config", str(d.config)) == 5
    assert run("send", "--config", str(d.config)) == 5  # still broken: still held
    assert [to for to, _ in received(server)] == [KIM, LEAD]
    d.fix("header renamed")
    assert run("send", "--config", str(d.config)) == 0
    assert run("send", "--config", str(d.config)) == 0
    assert [to for to, _ in received(server)] == [KIM, LEAD, PAT]


def test_status_shows_held_emails_and_the_failures_behind_them(tmp_path, server, certs, capsys):
    d = Workbooks(tmp_path, server, certs)
    assert run("run", "--once", "--config", str(d.config), week="2026-W46") == 0
    d.break_("tab emptied")
    assert run("run", "--once", "--config", str(d.config)) == 5
    capsys.readouterr()
    assert main.main(["status", "--config", str(d.config)], now=NOW) == 0
    out = capsys.readouterr().out
    assert "emails held" in out
    assert "Sources that could not be used: Alpha log › Log (no rows)" in out
    assert f"held     2026-W47  {ALPHA} <{PAT}>: Alpha log › Log could not be used (no rows)" \
        in out


def test_unusable_rosters_say_which_source_and_why(tmp_path, server, certs, capsys):
    d = Workbooks(tmp_path, server, certs)
    write_workbook(tmp_path / "district.xlsx",
                   {("Roster" if t == "Schools" else t): r for t, r in DISTRICT.items()})
    assert run("run", "--once", "--config", str(d.config)) == 1
    err = capsys.readouterr().err
    failed = next(line for line in err.splitlines() if "The run could not finish" in line)
    assert "Source 'District workbook', tab 'Schools' (tab missing): No tab named 'Schools'" \
        in failed
    assert "see above" not in failed
    assert server.mailbox.received == []


def test_errors_reach_stderr_under_quiet_and_nothing_else(tmp_path, server, certs, capsys):
    d = Workbooks(tmp_path, server, certs)
    d.break_("gone")
    assert run("run", "--once", "--quiet", "--config", str(d.config)) == 5
    err = capsys.readouterr().err
    assert " INFO " not in err
    assert [line.split()[2] for line in err.splitlines() if line[:4] == "2026"] == \
        ["ERROR", "WARNING", "WARNING"]  # never read, so it could be any school's: both held


def test_rows_removed_on_purpose_are_accepted_as_the_new_count(tmp_path, server, certs):
    d = Workbooks(tmp_path, server, certs)
    assert run("run", "--once", "--config", str(d.config), week="2026-W46") == 0
    d.break_("rows dropped")
    assert run("run", "--once", "--config", str(d.config)) == 5
    assert run("run", "--once", "--accept-row-counts", "--config", str(d.config)) == 0
    assert run("run", "--once", "--config", str(d.config), week="2026-W48") == 0
    assert [to for to, _ in received(server)] == [
        PAT, KIM,  # W46
        KIM, LEAD,  # W47: Alpha held
        PAT,  # W47, with the rows accepted
        PAT, KIM]  # W48: the smaller tab is the new normal


def test_a_file_that_is_no_xlsx_is_unreadable_and_holds_its_school(tmp_path, server, certs,
                                                                   capsys):
    d = Workbooks(tmp_path, server, certs)
    assert run("run", "--once", "--config", str(d.config), week="2026-W46") == 0
    d.alpha.write_text("Date,Coach\n2026-11-17,Ann\n")  # saved as CSV under the old name
    assert run("run", "--once", "--quiet", "--config", str(d.config)) == 5
    assert [to for to, _ in received(server)][2:] == [KIM, LEAD]
    capsys.readouterr()
    assert run("check", "--config", str(d.config), week=None) == 1
    out = capsys.readouterr().out
    assert "Source 'Alpha log' (unreadable): " in out and "could not be opened as an .xlsx" in out
    assert "Save it as Excel .xlsx" in out and "affects: Alpha Elementary" in out


def test_a_scheduled_refresh_that_meets_a_failure_alerts_staff_and_sends_no_report(
        tmp_path, server, certs):
    from core.weeks import parse_week
    from scheduler.history import RunKind
    d = Workbooks(tmp_path, server, certs)
    config = load_config(d.config)
    week = parse_week("2026-W47")
    assert main.runner(config, lambda: False).run(RunKind.REFRESH, week, NOW).delivered == 0
    d.break_("tab renamed")
    assert main.runner(config, lambda: False).run(RunKind.REFRESH, week, NOW).delivered == 1
    assert [to for to, _ in received(server)] == [LEAD]


def test_every_tab_counting_a_held_school_says_incomplete_and_the_others_stay(
        tmp_path, server, certs):
    d = Workbooks(tmp_path, server, certs)
    assert run("run", "--once", "--config", str(d.config), week="2026-W46") == 0
    d.break_("tab renamed")
    assert run("run", "--once", "--config", str(d.config)) == 5
    book = load_workbook(tmp_path / "summary.xlsx")

    def tab(name):
        rows = list(book[name].iter_rows(values_only=True))
        return list(rows[0]), [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    why = "Incomplete: Alpha log › Log could not be used (tab missing)"

    header, coaches = tab("Coaches")
    assert header[-1] == "Data notes"
    for c in coaches:
        alpha = ALPHA in c["Schools"]
        assert (c["Hours logged (year)"] == "incomplete") is alpha
        assert (c["Data notes"] == why) is alpha and c["FTE"] != "incomplete"
    _, equity = tab("Equity")
    by_school = {e["School"]: e for e in equity}
    assert by_school[ALPHA]["Coaching hours"] == "incomplete"
    assert isinstance(by_school[BETA]["Coaching hours"], float)  # Beta's own figure stands
    assert by_school[BETA]["Share of coaching hours"] == "incomplete"  # of a total missing Alpha
    assert by_school[BETA]["Classroom teachers"] != "incomplete"
    _, trends = tab("Trends")
    for t in trends:
        assert (t["Sessions"] == "incomplete") is (t["School"] in (ALPHA, "All schools"))
    header, weeks = tab("Hours by Week")
    assert all(w[ALPHA] is None and w["All schools"] is None for w in weeks)
    assert any(isinstance(w[BETA], float) and w[BETA] > 0 for w in weeks)
    assert weeks[0]["Data notes"].startswith("Left blank, incomplete: Alpha Elementary: ")
    _, cycles = tab("Cycles")
    assert {c["Sessions logged"] == "incomplete" for c in cycles if c["School"] == ALPHA} == {True}
    assert "incomplete" not in {c["Sessions logged"] for c in cycles if c["School"] == BETA}
    notes = [r[0] for r in book["Dashboard"].iter_rows(max_row=3, max_col=1, values_only=True)]
    assert notes[2] == (f"Incomplete: {ALPHA} left out of the charts (a source could not be "
                        "used; see the Data notes columns).")


def test_a_coachs_note_is_held_only_when_one_of_their_schools_is(tmp_path, server, certs,
                                                                  capsys):
    d = Workbooks(tmp_path, server, certs)
    text = d.config.read_text().replace("  timeout: 5\n", "  timeout: 5\n  coach_digest: true\n")
    d.config.write_text(text)
    assert run("run", "--once", "--config", str(d.config), week="2026-W46") == 0
    server.mailbox.received.clear()
    d.break_("tab renamed")
    assert run("run", "--once", "--config", str(d.config)) == 5
    got = sorted(to for to, _ in received(server))
    assert got == ["bo@district.example", KIM, LEAD]  # Bo serves Beta only; Ann serves Alpha too
    out = capsys.readouterr().out
    assert "held:          Coach digest <ann@district.example>: Alpha log › Log could not be " \
           "used (tab missing)" in out
    assert "<bo@district.example>" not in out.split("held:", 1)[1]
    d.fix("tab renamed")
    server.mailbox.received.clear()
    assert run("run", "--once", "--config", str(d.config)) == 0
    assert sorted(to for to, _ in received(server)) == ["ann@district.example", PAT]


def test_a_held_note_waits_while_a_source_of_its_coach_still_fails(tmp_path, server, certs):
    """Alpha's and Beta's logs both break; Beta's is fixed: Beta's principal and Bo (Beta only)
    get theirs, while Ann (Alpha too) and Alpha's principal still wait."""
    d = Workbooks(tmp_path, server, certs)
    text = d.config.read_text().replace("  timeout: 5\n", "  timeout: 5\n  coach_digest: true\n")
    d.config.write_text(text)
    assert run("run", "--once", "--config", str(d.config), week="2026-W46") == 0
    beta = tmp_path / "beta.xlsx"
    d.break_("tab renamed")
    write_workbook(beta, {"Old log": [HEADER, *BETA_ROWS]})
    server.mailbox.received.clear()
    assert run("run", "--once", "--config", str(d.config)) == 5
    assert [to for to, _ in received(server)] == [LEAD]  # every email held, one alert
    write_workbook(beta, {"Log": [HEADER, *BETA_ROWS]})
    server.mailbox.received.clear()
    from core.weeks import parse_week
    main.run_once(load_config(str(d.config)), parse_week("2026-W47"), dry_run=False, now=NOW,
                  send=False)  # the scheduler's refresh: sends what was held and is usable now
    assert received(server) == [(KIM, f"{BETA}: coaching this week (Nov 16 – 22, 2026)")]
    # not Ann's note (Alpha still fails), not Bo's (never held: only what was held goes now)
