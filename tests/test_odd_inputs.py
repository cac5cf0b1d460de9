"""Ordinary rows people really type, and names in any script: row issues, never a crash; `check`
fails wherever `run` would; outbox files never overwrite each other."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

import main
from core import parse
from core.validate import validate
from reports.outbox import write_outbox
from reports.render import Email, slug, unique_keys
from tests.small_district import SCHOOLS, TABS, context, raw_tabs, write_config, write_workbook

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)


def district_with(folder: Path, edit) -> Path:
    """The small district, with `edit(tabs)` applied to its rows first."""
    config = write_config(folder)
    tabs = {t: [list(r) for r in rows] for t, (_, rows) in TABS.items()}
    edit(tabs)
    write_workbook(folder / "district.xlsx", tabs)
    return config


def blank_end_date(tabs):
    tabs["Cycles"][1][8] = None  # Complete, end date left blank


def test_a_completed_cycle_without_end_date_is_a_row_issue_not_a_crash(tmp_path, capsys):
    config = district_with(tmp_path, blank_end_date)
    assert main.main(["run", "--once", "--config", str(config)], now=NOW) == 0
    issues = list(load_workbook(tmp_path / "summary.xlsx")["Data Issues"].values)
    row = [r for r in issues if r and "marked as finished but has no end date" in str(r)]
    assert len(row) == 1 and "Cycles" in row[0] and 2 in row[0]  # tab, sheet row
    html = (tmp_path / "outbox" / "2026-W47" / "alpha-elementary.html").read_text()
    assert "(ended — · coach Ann Lee)" in html


def test_check_names_the_row_a_run_would_have_stumbled_on(tmp_path, capsys):
    config = district_with(tmp_path, blank_end_date)
    assert main.main(["check", "--config", str(config)], now=NOW) == 0
    out = capsys.readouterr().out
    assert "  Small district › Cycles › Ann Lee: 0 errors, 1 warning" in out
    assert ("    row 2, End date: warning: The cycle is marked as finished but has no end date"
            in out)


def test_check_fails_where_run_would_fail(tmp_path, capsys):
    def no_schools(tabs):
        tabs["Schools"] = [tabs["Schools"][0]]
    config = district_with(tmp_path, no_schools)
    checked = main.main(["check", "--config", str(config)], now=NOW)
    err = capsys.readouterr().err
    assert main.main(["run", "--once", "--config", str(config)], now=NOW) == 1
    assert checked == 1
    assert "No usable rows on the Schools or Coaches tab" in err


# ---------------------------------------------------------------- outbox names


NAMES = ["مدرسة النور", "בית ספר אלון", "北京第一小学", "🚀🚀", "St. Mary's", "St Marys",
         "Index", "École Saint-Éloi"]


def email(school: str, to: str = "p@x.example") -> Email:
    return Email(key=slug(school), school=school, to=to, to_name="P", cc=(),
                 subject=school, html=f"<p>{school}</p>", text=school)


def test_outbox_names_are_readable_unique_and_stable_in_any_script(tmp_path):
    keys = [e.key for e in unique_keys([email(n) for n in NAMES])]
    assert len(set(keys)) == len(NAMES)
    assert keys[2] == "bei-jing-di-yi-xiao-xue"
    assert keys[7] == "ecole-saint-eloi"
    assert keys[0].startswith("mdrsh-lnwr") and keys[1].startswith("vyt-sfr-lvn")
    assert keys[3].startswith("rocket-rocket")
    assert keys[4].startswith("st-marys-") and keys[5].startswith("st-marys-")
    assert keys[6].startswith("index-")  # never the outbox's own index.html
    assert [e.key for e in unique_keys([email(n) for n in reversed(NAMES)])] == keys[::-1]
    assert all(k.isascii() and "/" not in k for k in keys)


def test_no_school_overwrites_another_in_the_outbox(tmp_path):
    emails = unique_keys([email(n) for n in NAMES])
    written = write_outbox(emails, tmp_path, sender="job@x.example", reply_to=None,
                           week="2026-W47", now=NOW)
    assert len(written) == len(NAMES) == len(list((tmp_path / "2026-W47").glob("*.eml")))
    index = (tmp_path / "2026-W47" / "index.html").read_text()
    for e in emails:
        assert e.school in (tmp_path / "2026-W47" / f"{e.key}.html").read_text()
        assert f'href="{e.key}.html"' in index


def test_a_name_with_no_readable_letters_gets_a_stable_hash():
    assert slug("🙂") == "slight-smile"
    (only,) = unique_keys([email("!!!")])
    assert only.key == unique_keys([email("!!!")])[0].key and len(only.key) == 6


# ---------------------------------------------------------------- school names with separators


@pytest.mark.parametrize("cell, expected", [
    ("A & B Academy; Lee, Park Middle", ("A & B Academy", "Lee, Park Middle")),
    ("Smith and Jones Elementary/K-8/STEM Campus", ("Smith and Jones Elementary",
                                                    "K-8/STEM Campus")),
    ("a & b academy, Other", ("a & b academy", "Other")),
    ("Alpha; Beta & Gamma", ("Alpha", "Beta", "Gamma")),
])
def test_school_names_with_separators_match_whole_before_splitting(cell, expected):
    known = {"a & b academy", "lee, park middle", "smith and jones elementary",
             "k-8/stem campus"}
    assert parse.split_known(cell, known) == expected


def test_a_coach_serving_schools_with_separators_in_their_names_is_linked_to_both():
    tabs = raw_tabs()
    schools = next(t for t in tabs if t.tab == "Schools")
    schools.rows[0][0], schools.rows[1][0] = "A & B Academy", "Lee, Park Middle"
    coaches = next(t for t in tabs if t.tab == "Coaches")
    coaches.rows[0][2] = "A & B Academy; Lee, Park Middle"
    coaches.rows[1][2] = "lee, park middle"
    data = validate(tabs, context())
    pairs = sorted(map(tuple, data.coach_schools[["coach", "school"]].values))
    assert pairs == [("Ann Lee", "A & B Academy"), ("Ann Lee", "Lee, Park Middle"),
                     ("Bo Diaz", "Lee, Park Middle")]
    assert not data.issues["column"].eq("Schools").any()
    assert SCHOOLS[1][0] == "Alpha Elementary"  # the shared fixture is untouched


# ---------------------------------------------------------------- ranges


def schools_with(teachers, need):
    tabs = raw_tabs()
    schools = next(t for t in tabs if t.tab == "Schools")
    schools.rows[0][3], schools.rows[0][4] = teachers, need
    return validate(tabs, context())


def issues_in(data, column):
    return data.issues[data.issues["column"] == column]


@pytest.mark.parametrize("teachers", [1e-300, 0, -3, 2.5, 1e308, "1e308", 10_001])
def test_classroom_teachers_must_be_a_whole_number_from_1(teachers):
    data = schools_with(teachers, 50)
    (issue,) = issues_in(data, "Number of classroom teachers")["message"]
    assert "a whole number from 1 to 10,000" in issue
    assert data.schools.set_index("school").loc["Alpha Elementary", "classroom_teachers"] != \
        data.schools.set_index("school").loc["Alpha Elementary", "classroom_teachers"]  # NaN


@pytest.mark.parametrize("need, kept", [(1e308, None), (-1, None), (150, None), ("101%", None),
                                        (0.62, 62.0), ("62%", 62.0), (0, 0.0), (100, 100.0)])
def test_need_is_a_percentage_from_0_to_100(need, kept):
    data = schools_with(10, need)
    value = data.schools.set_index("school").loc["Alpha Elementary", "need"]
    flagged = issues_in(data, "% economically disadvantaged")
    if kept is None:
        assert len(flagged) == 1 and value != value
        assert "a percentage from 0 to 100" in flagged["message"].iloc[0]
    else:
        assert flagged.empty and value == pytest.approx(kept)


def test_a_tiny_teacher_count_no_longer_shows_thousands_of_percent(tmp_path):
    def tiny(tabs):
        tabs["Schools"][1][3] = 1e-300
    config = district_with(tmp_path, tiny)
    assert main.main(["run", "--once", "--config", str(config)], now=NOW) == 0
    text = (tmp_path / "outbox" / "2026-W47" / "alpha-elementary.eml").read_text()
    assert "3000" not in text and "of 0 " not in text


@pytest.mark.parametrize("column, index, value, words", [
    ("FTE", 3, 3, "above 0 and at most 1"),
    ("Proficiency cutoff", 10, 1e9, "a score from 0 to 100"),
])
def test_other_numbers_outside_their_range_are_row_issues(column, index, value, words):
    tabs = raw_tabs()
    tab = next(t for t in tabs if t.tab == ("Coaches" if column == "FTE" else "Cycles"))
    tab.rows[0][index] = value
    flagged = issues_in(validate(tabs, context()), column)
    assert len(flagged) == 1 and words in flagged["message"].iloc[0]
