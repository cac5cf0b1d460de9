"""The command line: exit codes, messages, and what a run leaves behind."""
import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

import main
from tests.small_district import write_config

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def district(tmp_path):
    return write_config(tmp_path)


def run(*args):
    return main.main(list(args), now=NOW)


def test_run_once_writes_tabs_and_one_email_per_school(district, capsys):
    assert run("run", "--once", "--config", str(district)) == 0
    out, err = capsys.readouterr()
    assert "finished: ok, with data issues; 54 rows read, 51 valid, 3 flagged; 2 emails written " \
        "to the outbox" in err  # not "delivered": nobody has them yet
    assert "Run summary" in out and "2 written to" in out
    assert re.search(r"all\s+54\s+51\s+3", out)
    book = load_workbook(district.parent / "summary.xlsx")
    assert book.sheetnames == ["Dashboard", "Schools", "Coaches", "Cycles", "District", "Equity",
                               "Trends", "Hours by Week", "Data Issues", "Run Log"]
    emails = sorted(p.name for p in (district.parent / "outbox" / "2026-W47").glob("*.eml"))
    assert emails == ["alpha-elementary.eml", "beta-middle.eml"]


def test_a_rerun_adds_one_run_log_row_and_replaces_the_rest(district):
    assert run("run", "--once", "--config", str(district)) == 0
    assert run("run", "--once", "--config", str(district), "--week", "2026-W46") == 0
    book = load_workbook(district.parent / "summary.xlsx")
    log = list(book["Run Log"].iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in log] == ["2026-W47", "2026-W46"]
    assert len(list((district.parent / "outbox").glob("*/*.eml"))) == 4


def test_dry_run_writes_and_sends_nothing(district, capsys):
    assert run("run", "--once", "--dry-run", "--config", str(district)) == 0
    out = capsys.readouterr().out
    assert "Dry run: nothing was written or sent" in out
    assert "write tab 'Data Issues' (3 rows)" in out
    assert "draw tab 'Dashboard' (4 charts from the tabs below)" in out
    assert "`python main.py check` lists each one (a dry run writes no Data Issues tab)" in out
    assert "see the Data Issues tab" not in out
    assert "to pat@alpha.example" in out
    assert not (district.parent / "summary.xlsx").exists()
    assert not (district.parent / "outbox").exists()


def test_check_summarises_issues_per_source_and_coach(district, capsys):
    assert run("check", "--config", str(district)) == 0
    out = capsys.readouterr().out
    assert "Every source could be used." in out
    assert "Small district › Log › Bo Diaz: 2 errors, 0 warnings" in out
    assert "Small district › Log › who@district.example: 1 error, 0 warnings" in out
    assert "row 11, Duration (minutes) 'lots': error: Not a length of time." in out
    assert not (district.parent / "summary.xlsx").exists()


@pytest.mark.parametrize("change, words", [
    (("settings:", "setings:"), "setings: unknown key"),
    (("level_scores:", "min_n: ten\n  level_scores:"), "settings.min_n: Input should be a valid"),
    (("time_zone: America/Chicago", "time_zone: Mars/Olympus"), "unknown time zone"),
    (("time_zone: America/Chicago", "time_zone: EST"),
     "'EST' has no daylight saving, so the district's weeks would shift an hour for half the "
     "year; use the IANA name for the district's city: America/New_York"),
    (("time_zone: America/Chicago", "time_zone: US/Eastern"),
     "'US/Eastern' is a legacy name; use the IANA name for the district's city: "
     "America/New_York"),
    (("time_zone: America/Chicago", "time_zone: CST6CDT"), "America/Chicago"),
    (("  - name: Small district\n", "  - name: Small district\n    backend: dropbox\n"),
     "sources[0].backend"),
    (("output:\n  location:", "outputs:\n  location:"), "outputs: unknown key"),
])
def test_a_config_mistake_is_named_and_exits_2(district, capsys, change, words):
    district.write_text(district.read_text().replace(*change))
    assert run("check", "--config", str(district)) == 2
    err = capsys.readouterr().err
    assert words in err and str(district) in err


def test_missing_config_file_exits_2(tmp_path, capsys):
    assert run("check", "--config", str(tmp_path / "none.yaml")) == 2
    assert "does not exist" in capsys.readouterr().err


def test_bad_week_exits_2(district, capsys):
    assert run("run", "--once", "--config", str(district), "--week", "week 47") == 2
    assert "write it like 2026-W47" in capsys.readouterr().err


def test_usage_errors_exit_2():
    with pytest.raises(SystemExit) as exc:
        run("run")  # --once is required
    assert exc.value.code == 2


def test_unreadable_rosters_exit_1_and_leave_previous_tabs(district, capsys):
    assert run("run", "--once", "--config", str(district)) == 0
    before = (district.parent / "summary.xlsx").read_bytes()
    (district.parent / "district.xlsx").unlink()
    assert run("run", "--once", "--config", str(district)) == 1
    assert "No usable rows on the Schools or Coaches tab" in capsys.readouterr().err
    assert (district.parent / "summary.xlsx").read_bytes() == before


def test_a_missing_second_source_holds_the_emails_and_the_run_goes_on(district, capsys):
    text = district.read_text().replace("settings:", (
        "  - name: Gamma log\n    location: gamma.xlsx\n    tabs: {coaching_log: Log}\n"
        "settings:"))
    district.write_text(text)
    assert run("run", "--once", "--config", str(district)) == 5
    rows = list(load_workbook(district.parent / "summary.xlsx")["Data Issues"]
                .iter_rows(values_only=True))
    gamma = [r for r in rows if r[2] == "Gamma log"]
    assert len(gamma) == 1 and "gamma.xlsx does not exist" in gamma[0][8]
    # a log never read names no school, so it could be any school's: every email is held
    assert not list((district.parent / "outbox" / "2026-W47").glob("*.eml"))


def test_a_foreign_tab_in_the_output_is_an_error_naming_it(district, capsys):
    from openpyxl import Workbook
    book = Workbook()
    book.active.title = "Schools"
    book.save(district.parent / "summary.xlsx")
    assert run("run", "--once", "--config", str(district)) == 1
    err = capsys.readouterr().err
    assert "'Schools'" in err and "did not create" in err
    assert not (district.parent / "outbox").exists()


def test_the_module_runs_as_a_script(district):
    done = subprocess.run([sys.executable, "main.py", "check", "--config", str(district)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Rows per tab kind" in done.stdout


def test_check_lists_the_first_20_issues_of_a_group_and_all_with_all(tmp_path, capsys):
    from tests.small_district import TABS, write_workbook
    config = write_config(tmp_path)
    log = TABS["Log"][1]
    bad = [[*r[:7], "lots", *r[8:]] for r in log[1:9]] * 4  # 32 rows, each "lots" minutes
    write_workbook(tmp_path / "district.xlsx",
                   {t: (rows if t != "Log" else [log[0], *bad]) for t, (_, rows) in TABS.items()})
    assert run("check", "--config", str(config)) == 0
    out = capsys.readouterr().out
    assert "Small district › Log › Ann Lee: 24 errors, 0 warnings" in out
    assert "    … and 4 more (`python main.py check --all` lists every one)" in out
    assert run("check", "--all", "--config", str(config)) == 0
    out = capsys.readouterr().out
    assert "… and" not in out and out.count("'lots': error: Not a length of time.") == 32
