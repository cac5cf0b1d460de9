"""`init` on the demo district kept in other districts' shapes (tests/fixtures/init): the config
it writes passes `check` with no hand edits, and gives the figures the demo's own config gives."""
import datetime as dt
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "init"
SHAPES = [FIXTURES / "report" / "district-roster.xlsx",
          FIXTURES / "form" / "coaching-log-form.xlsx",
          FIXTURES / "report" / "hillcrest-activity-report.xlsx"]
SIS_SHAPES = [FIXTURES / "sis" / "district.xlsx", *SHAPES[1:], FIXTURES / "sis" / "oneroster"]
"""The same, with the teachers roster from a OneRoster bundle instead of a Teachers tab."""
NOW = dt.datetime(2026, 11, 23, 13, 0, tzinfo=dt.UTC)
YEAR = "2026-08-17:2027-06-04"  # the demo's (demo/generate.py SCHOOL_YEAR)
"""Given on the command line where no source states it; a OneRoster bundle's academicSessions.csv
states it, so init on the SIS shapes is given nothing but the files."""
FIGURE_TABS = ["Schools", "Coaches", "Cycles", "District"]


def figures(summary: Path) -> dict[str, list[tuple]]:
    """Every cell of the figure tabs; the district's name (a guess init marks) left aside."""
    book = load_workbook(summary)
    named = ("Our district", "Riverbend Unified School District")
    return {t: [tuple(v.replace(named[1], named[0]) if isinstance(v, str) else v for v in r)
                for r in book[t].iter_rows(values_only=True)] for t in FIGURE_TABS}


def demo_config(folder: Path) -> Path:
    text = (ROOT / "config" / "district.yaml").read_text()
    text = text.replace("../demo/data/", f"{ROOT}/demo/data/")
    text = text.replace("../out/", f"{folder}/demo-out/")
    path = folder / "demo.yaml"
    path.write_text(text)
    return path


@pytest.fixture(scope="module", params=["workbooks", "oneroster"])
def made(request, tmp_path_factory):
    shapes = SHAPES if request.param == "workbooks" else SIS_SHAPES
    folder = tmp_path_factory.mktemp("init")
    config = folder / "config" / "district.yaml"
    here = Path.cwd()
    try:
        import os
        os.chdir(folder)  # init puts out/ beside the folder it is run from
        year = ["--school-year", YEAR] if request.param == "workbooks" else []
        code = main.main(["init", "--from", *map(str, shapes), "--config", str(config),
                          *year], now=NOW)
    finally:
        os.chdir(here)
    return folder, config, code


def test_init_writes_a_config_and_prints_the_mapping(made, capsys):
    _folder, config, code = made
    assert code == 0 and config.exists()
    text = config.read_text()
    assert "'Time spent (hrs)' read as minutes, numbers read as hours" in text
    assert '"Planning (with teacher)": planning' in text
    assert 'school: "Hillcrest Middle School"' in text
    assert '"Not yet": 1' in text and '"Exceeding": 4' in text


def test_the_school_year_is_the_one_stated_and_not_marked_check(made):
    _, config, _ = made
    text = config.read_text()
    assert "start: 2026-08-17  # the first day of school (from " in text
    assert "end: 2027-06-04  # the last day of school" in text
    if "oneroster" in text:
        assert "(from the SIS calendar, academicSessions.csv line 5: 2026-2027)" in text


def test_init_on_part_of_a_district_runs_check_which_says_what_is_missing(tmp_path, capsys,
                                                                        caplog):
    config = tmp_path / "c.yaml"
    assert main.main(["init", "--from", str(SHAPES[1]), "--config", str(config)], now=NOW) == 1
    out = capsys.readouterr().out
    assert f"Wrote {config}. Running check on it:" in out
    assert "Check found that a run would fail: No usable rows on the Schools or Coaches tab" \
        in caplog.text
    assert out.rstrip().endswith(f"{config}: confirm each '# check:' in it, fix what check "
                                 f"found above, then run check again: python main.py check "
                                 f"--config {config}")


def test_check_passes_on_it_with_no_hand_edits(made, capsys):
    _, config, _ = made
    assert main.main(["check", "--config", str(config)], now=NOW) == 0
    out = capsys.readouterr().out
    assert re.search(r"coaching log\s+960\s+955\s+9", out)  # every row read, as in the demo
    assert re.search(r"teachers\s+182\s+182\s+0", out)
    assert "matched 'Time spent (hrs)' to minutes (numbers read as hours)" in out
    assert "matched '% Econ. Disadvantaged' to need" in out


def test_the_figures_equal_the_demos(made):
    folder, config, _ = made
    assert main.main(["run", "--once", "--config", str(config)], now=NOW) == 0
    assert main.main(["run", "--once", "--config", str(demo_config(folder))], now=NOW) == 0
    mine, demo = figures(folder / "out" / "district-summary.xlsx"), \
        figures(folder / "demo-out" / "district-summary.xlsx")
    for tab in FIGURE_TABS:
        assert mine[tab] == demo[tab], tab
    issues = [load_workbook(p)["Data Issues"].max_row for p in
              (folder / "out" / "district-summary.xlsx",
               folder / "demo-out" / "district-summary.xlsx")]
    assert issues[0] == issues[1]  # N/A in the cycle column raised nothing more


def test_without_the_school_year_it_is_guessed_and_marked(tmp_path, capsys):
    config = tmp_path / "c.yaml"
    assert main.main(["init", "--from", *map(str, SHAPES[1:]), "--config", str(config),
                      "--no-check"], now=NOW) == 0
    assert re.search(r"start: 2026-08-24  # check: the first day of school", config.read_text())
    table = capsys.readouterr().out
    assert re.search(r"Time spent \(hrs\)\s+minutes\s+by meaning, numbers read as hours", table)
    assert "Could not place" not in table


def test_init_never_overwrites_a_config_without_force(tmp_path, caplog):
    config = tmp_path / "c.yaml"
    config.write_text("mine")
    assert main.main(["init", "--from", str(SHAPES[1]), "--config", str(config)],
                     now=NOW) == 2
    assert config.read_text() == "mine"
    assert "already exists and was left as it is" in caplog.text
    assert main.main(["init", "--from", str(SHAPES[1]), "--config", str(config), "--force",
                      "--no-check"], now=NOW) == 0


def test_init_from_a_missing_workbook_says_which(tmp_path, caplog):
    assert main.main(["init", "--from", str(tmp_path / "nope.xlsx"), "--config",
                      str(tmp_path / "c.yaml")], now=NOW) == 2
    assert "nope.xlsx does not exist" in caplog.text


def test_init_from_a_google_spreadsheet_costs_one_metadata_call_and_one_read(
        sheets_api, monkeypatch, tmp_path, capsys):
    from tests.small_district import TABS
    monkeypatch.setenv("SHEETS_API_ENDPOINT", sheets_api.url)
    monkeypatch.setenv("SHEETS_API_TOKEN", "test-token")
    sid = sheets_api.create_spreadsheet("Small district", {t: rows for t, (_, rows) in
                                                           TABS.items()}, owner="test-token")
    url = f"https://docs.google.com/spreadsheets/d/{sid}/edit"
    config = tmp_path / "c.yaml"
    monkeypatch.chdir(tmp_path)
    assert main.main(["init", "--from", url, "--config", str(config), "--no-check"],
                     now=NOW) == 0
    assert sheets_api.log.counts() == {"spreadsheets.get": 1, "values.batchGet": 1}
    text = config.read_text()
    assert 'name: "Small district"' in text and "backend: google" in text
    assert f'location: "{url}"' in text
    for line in ('coaching_log: "Log"', 'schools: "Schools"', 'assessments: "Assessments"'):
        assert line in text
    assert main.main(["check", "--config", str(config)], now=NOW) == 0
    assert re.search(r"coaching log\s+11\s+8\s+3", capsys.readouterr().out)


def test_two_columns_fitting_one_field_get_an_alias_marked_check(tmp_path, capsys):
    from openpyxl import Workbook
    book = Workbook()
    sheet = book.active
    sheet.title = "Log"
    sheet.append(["Date", "Coach", "School", "Activity", "Minutes (planning)",
                  "Minutes (coaching)"])
    sheet.append([dt.date(2026, 11, 2), "Bo Diaz", "Beta Middle", "Planning", 30, 15])
    book.save(tmp_path / "log.xlsx")
    config = tmp_path / "c.yaml"
    assert main.main(["init", "--from", str(tmp_path / "log.xlsx"), "--config", str(config),
                      "--no-check"], now=NOW) == 0
    text = config.read_text()
    assert 'minutes: ["Minutes (planning)"]  # check: another column fits as well' in text
    assert "check: another column fits as well; alias written" in capsys.readouterr().out


def test_a_school_year_that_is_not_two_dates_is_a_usage_error(tmp_path, caplog):
    assert main.main(["init", "--from", str(SHAPES[1]), "--config", str(tmp_path / "c.yaml"),
                      "--school-year", "2026-08-17"], now=NOW) == 2
    assert "--school-year: '2026-08-17' is not two dates" in caplog.text


def log_rows(n: int) -> list[list]:
    start = dt.date(2026, 9, 7)
    return [["Date", "Coach", "School", "Activity", "Minutes"]] + [
        [start + dt.timedelta(days=i % 60), "Bo Diaz", "Beta Middle",
         "Planning" if i < n - 1 else "Duty (lunch/bus)", 30] for i in range(n)]


def test_init_reads_the_first_rows_of_a_long_tab_and_says_so(tmp_path, capsys):
    from openpyxl import Workbook
    book = Workbook()
    for row in log_rows(5_010):
        book.active.append(row)
    book.save(tmp_path / "log.xlsx")
    config = tmp_path / "c.yaml"
    assert main.main(["init", "--from", str(tmp_path / "log.xlsx"), "--config", str(config),
                      "--no-check"], now=NOW) == 0
    assert "(its first 5,000 rows read: labels further down are left to `check`)" in \
        capsys.readouterr().out
    assert "Duty (lunch/bus)" not in config.read_text()  # on row 5,011: not read


def test_init_from_google_reads_only_the_first_rows_within_the_grid(
        sheets_api, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("SHEETS_API_ENDPOINT", sheets_api.url)
    monkeypatch.setenv("SHEETS_API_TOKEN", "test-token")
    sid = sheets_api.create_spreadsheet("Long log", {"Log": log_rows(5_010),
                                                     "Notes": [["a note"]]}, owner="test-token")
    monkeypatch.chdir(tmp_path)
    assert main.main(["init", "--from", sid, "--config", str(tmp_path / "c.yaml"),
                      "--no-check"], now=NOW) == 0
    assert sheets_api.log.counts() == {"spreadsheets.get": 1, "values.batchGet": 1}
    out = capsys.readouterr().out
    assert "Long log › Log  →  coaching_log\n  (its first 5,000 rows read" in out
