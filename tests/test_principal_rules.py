"""The principal email's rules (issue 15): teachers not named by default, numbers that add up,
one target per figure, post-assessment states, what to look at, direction, links and polish."""
import datetime as dt
import re

import pandas as pd
import pytest
from openpyxl import load_workbook

from config.loader import load_config
from config.model import Config
from core.display import Privacy
from core.impact import YTD
from core.summary import cycles_table, schools_table
from main import render_emails
from reports import observations as rules
from reports.context import benchmark, school_contexts
from reports.direction import change_in_words
from reports.links import school_links
from reports.render import COACH_DIGEST, DISTRICT_SUMMARY, render_all
from tests.small_district import write_config
from tests.test_coach_digest import computed

DEMO = "config/district.yaml"


@pytest.fixture(scope="module")
def demo():
    config = load_config(DEMO)
    data, impact = computed(config)
    return config, data, impact, render_emails(config, impact, data)


def principal(emails):
    return [e for e in emails if e.school not in (COACH_DIGEST, DISTRICT_SUMMARY)]


def small(tmp_path, edit=None, extra=""):
    path = write_config(tmp_path)
    if extra:
        path.write_text(path.read_text() + extra)
    if edit:
        book = load_workbook(tmp_path / "district.xlsx")
        edit(book)
        book.save(tmp_path / "district.xlsx")
    config = load_config(path)
    data, impact = computed(config)
    return config, data, impact, render_all(school_contexts(impact, data, config),
                                            cc_coaches=False)


def roster_teachers(data):
    return set(data.teachers["teacher"]) | set(data.cycles["teacher"].dropna())


# ---------------------------------------------------------------- 5. teachers not named


def test_no_teacher_name_from_the_roster_appears_in_any_principal_email(demo):
    _, data, _, emails = demo
    teachers = roster_teachers(data)
    assert len(teachers) > 150
    for mail in principal(emails):
        for text in (mail.subject, mail.text, mail.html):
            assert not [t for t in teachers if t in text], mail.school


def test_teacher_names_show_restores_them(tmp_path):
    *_, emails = small(tmp_path, extra="privacy:\n  teacher_names: show\n")
    alpha = next(e for e in emails if e.school == "Alpha Elementary")
    assert "T Two" in alpha.text and "T One" in alpha.text


def test_by_default_cycles_are_named_by_grade_subject_focus_and_coach(tmp_path):
    *_, emails = small(tmp_path)
    alpha = next(e for e in emails if e.school == "Alpha Elementary")
    assert "Grade 4 · Math: Fractions — week 3 of 6, coach Ann Lee" in alpha.text
    assert "T Two" not in alpha.text + alpha.html


def test_teacher_names_is_a_checked_setting(tmp_path):
    path = write_config(tmp_path)
    path.write_text(path.read_text() + "privacy:\n  teacher_names: yes please\n")
    with pytest.raises(Exception, match="teacher_names"):
        load_config(path)


# ---------------------------------------------------------------- 3. numbers that add up


ARROW = re.compile(r"(\d+)% (?:→|->) (\d+)%,? \(([+-]\d+) pts\)")


def test_every_growth_in_every_email_is_the_difference_of_the_figures_shown(demo):
    _, _, _, emails = demo
    checked = 0
    for mail in emails:
        for text in (mail.text, re.sub(r"<[^>]+>", "", mail.html)):
            for before, after, growth in ARROW.findall(text):
                assert int(after) - int(before) == int(growth), (mail.key, before, after)
                checked += 1
    assert checked >= 40
    lincoln = next(e for e in emails if e.key == "lincoln-elementary")
    assert "42% → 85% (+43 pts)" in lincoln.text  # was '+42 pts' beside the same figures


def edit_cycle(cycle_id, **cells):
    columns = {"end": 8, "status": 9}

    def edit(book):
        for row in book["Cycles"].iter_rows(min_row=2):
            if row[0].value == cycle_id:
                for name, value in cells.items():
                    row[columns[name]].value = value
    return edit


def test_a_cycle_past_its_end_without_post_scores_is_post_assessment_due(tmp_path):
    *_, emails = small(tmp_path, edit_cycle("A-2", end=dt.date(2026, 11, 20)))
    alpha = next(e for e in emails if e.school == "Alpha Elementary")
    assert "Fractions — week 3 of 3, coach Ann Lee [post-assessment due]" in alpha.text
    assert ("To do: post-assessment scores for 1 cycle: Grade 4 · Math, coach Ann Lee "
            "(ended Nov 20).") in alpha.text
    assert "1 cycle has ended without post-assessment scores" in alpha.text
    assert "post-assessment due" in alpha.html and "n<10" not in alpha.text.split("WORDS")[0]


def test_a_cycle_with_no_post_scores_yet_is_not_assessed_yet(tmp_path):
    *_, emails = small(tmp_path, edit_cycle("A-2", status="Complete"))
    alpha = next(e for e in emails if e.school == "Alpha Elementary")
    assert "Grade 4 · Math, coach Ann Lee, ended Dec 11: not assessed yet" in alpha.text
    assert "To do" not in alpha.text


# ---------------------------------------------------------------- 2. one target per figure


def test_the_stages_benchmark_is_the_one_target_shown(tmp_path):
    *_, emails = small(tmp_path)
    beta = next(e for e in emails if e.school == "Beta Middle")  # launch: 30% in cycles
    assert "Time in coaching cycles: 11% (target 30%, the Launch benchmark): below target" \
        in beta.text
    assert "60%" not in beta.text and "60%" not in beta.html


def test_the_program_target_shows_only_where_no_stage_benchmark_applies(tmp_path):
    def no_stage(book):
        for row in book["Schools"].iter_rows(min_row=2):
            if row[0].value == "Beta Middle":
                row[5].value = None
    *_, emails = small(tmp_path, no_stage)
    beta = next(e for e in emails if e.school == "Beta Middle")
    assert "(target 60%, the program target)" in beta.text


def test_status_words_agree_with_the_figures_beside_them():
    config = Config.model_validate({
        "district": {"name": "X", "school_year": {"start": "2026-08-17", "end": "2027-06-04"}},
        "sources": [{"name": "x", "location": "x.xlsx", "tabs": {"schools": "S"}}],
        "output": {"location": "out.xlsx"}})
    from core.schema import Stage
    year = pd.Series({"stage": Stage.LAUNCH, "time_in_cycles_pct": 29.6, "coverage_pct": 14.4,
                      "meeting_weeks_pct": 50.0, "completion_rate": 80.0,
                      "benchmark_status": "not yet"})
    rows = {r["label"]: r for r in benchmark(year, config)["rows"]}
    assert (rows["Time in cycles"]["value"], rows["Time in cycles"]["met"]) == ("30%", True)
    assert (rows["Teachers in cycles"]["value"], rows["Teachers in cycles"]["met"]) == (
        "14%", False)
    assert benchmark(year, config)["status"] == "not yet"


# ---------------------------------------------------------------- 4. what to look at


def test_central_highs_biggest_non_coaching_bucket_is_pointed_out(demo):
    _, _, _, emails = demo
    central = next(e for e in emails if e.key == "central-high-school")
    look = central.text.split("WHAT TO LOOK AT")[1].split("THIS WEEK")[0]
    assert re.search(r"Other duties took \d+ h of coach time this year \(\d+% of all hours "
                     r"logged\), time that is not coaching\.", look)
    assert 1 <= look.count("\n  - ") <= 3


def test_no_observation_is_about_an_individual_teacher(demo):
    config, data, impact, _ = demo
    teachers = roster_teachers(data)
    for school in impact.schools[YTD].index:
        for text in rules.observations(school, impact, data, config):
            assert not [t for t in teachers if t in text]


@pytest.mark.parametrize("last, said", [
    (None, "No principal–coach meeting has been logged this year."),
    ("2026-11-18", ""), ("2026-11-10", ""),
    ("2026-11-02", "for 2 weeks (the last on Nov 2)")])
def test_weeks_since_the_last_principal_coach_meeting(last, said):
    text = rules.meeting_gap(pd.Timestamp(last), dt.date(2026, 11, 22))  # None: NaT
    assert (said in text) if said else text == ""


def test_cycles_ending_in_the_coming_week():
    cycles = pd.DataFrame({"status": ["active", "active", "complete"],
                           "end_date": pd.to_datetime(["2026-11-27", "2026-12-18",
                                                       "2026-11-25"])})
    assert rules.ending_soon(cycles, dt.date(2026, 11, 22)) == (
        "1 cycle ends this week (Nov 23 – 29): time to plan its post-assessment.")


def test_at_most_three_observations(demo):
    config, data, impact, _ = demo
    for school in impact.schools[YTD].index:
        assert len(rules.observations(school, impact, data, config)) <= 3


# ---------------------------------------------------------------- 1. direction


def test_the_weeks_shown_are_the_trends_computation(demo):
    _, _, impact, emails = demo
    lincoln = next(e for e in emails if e.key == "lincoln-elementary")
    table = lincoln.text.split("THE LAST 8 WEEKS")[1].split("ACTIVE CYCLES")[0]
    sessions = re.search(r"Sessions +([\d ]+)\n", table)[1].split()
    trend = impact.trends.last(8).schools
    trend = trend[trend["school"] == "Lincoln Elementary"]
    assert sessions == [str(int(s)) for s in trend["sessions"]]
    assert sessions[-1] == str(int(impact.schools["week"].loc["Lincoln Elementary",
                                                                 "sessions"]))
    assert lincoln.html.count('bgcolor="#1f4e79" style="height:') == 3  # this week's bars
    assert "<img" not in lincoln.html and "<svg" not in lincoln.html


def test_the_change_from_last_week_in_words():
    assert change_in_words(["12", "15"], ["20", "18"], ["57%", "63%"]) == [
        "Coaching hours: 15, up 3 from 12 last week.",
        "Sessions: 18, down 2 from 20 last week.",
        "Time in coaching cycles: 63%, up 6 points from 57% last week."]
    assert change_in_words(["9.5", "9.5"], ["3", "3"], ["—", "40%"])[0] == \
        "Coaching hours: 9.5, the same as last week."
    assert change_in_words(["2.3", "1.5"], ["3", "3"], ["—", "40%"])[2] == \
        "Time in coaching cycles: 40% this week; none last week to compare with."


# ---------------------------------------------------------------- 7. links and polish


def google_config(tmp_path):
    path = write_config(tmp_path)
    sid, src = "1" + "A" * 30, "1" + "B" * 30
    text = path.read_text().replace(f"location: {tmp_path / 'summary.xlsx'}",
                                    f"backend: google\n  location: {sid}")
    text = text.replace("sources:\n", f"sources:\n  - name: Alpha log\n    backend: google\n"
                                      f"    location: {src}\n    school: Alpha Elementary\n"
                                      f"    tabs: {{coaching_log: Log}}\n")
    path.write_text(text)
    return load_config(path), sid, src


def test_links_open_the_schools_own_rows_of_the_summary(tmp_path):
    config, sid, _ = google_config(tmp_path)
    local, _, impact, _ = small(tmp_path / "local" if (tmp_path / "local").mkdir() is None
                                else tmp_path)
    privacy = Privacy(10, coded=False)
    schools = [r[0] for r in schools_table(impact, privacy).rows]
    cycles = [r[1] for r in cycles_table(impact, privacy).rows]
    for school in schools:
        links = {link["label"]: link["url"] for link in school_links(config, impact, school)}
        row = schools.index(school) + 2
        assert links["Your school on the district summary"].endswith(f"&range=A{row}:{row}")
        rows = [i + 2 for i, s in enumerate(cycles) if s == school]
        assert links["Your school's cycles on the district summary"].endswith(
            f"&range=A{rows[0]}:{rows[-1]}")
        assert all(u.startswith(f"https://docs.google.com/spreadsheets/d/{sid}/edit#gid=")
                   for label, u in links.items() if "summary" in label)
        assert ("Source: Alpha log" in links) is (school == "Alpha Elementary")
    assert school_links(local, impact, "Alpha Elementary") == []  # a local file: no address


def test_html_has_a_preheader_an_outlook_wrapper_and_a_glossary_of_terms_used(demo):
    _, _, _, emails = demo
    lincoln = next(e for e in emails if e.key == "lincoln-elementary")
    assert re.search(r'<div class="preheader" style="display:none;[^"]*">22 coaching sessions, '
                     r'15 h this week; 2 things to look at\.</div>', lincoln.html)
    assert ('<!--[if mso]><table role="presentation" width="600" align="center" '
            'cellpadding="0" cellspacing="0"><tr><td><![endif]-->') in lincoln.html
    assert "<!--[if mso]></td></tr></table><![endif]-->" in lincoln.html
    glossary = lincoln.text.split("WORDS USED HERE")[1]
    for term in ("session:", "time in coaching cycles:", "n<10:", "hidden:", "pts:"):
        assert term in glossary
    assert "not assessed yet:" not in glossary  # no such cycle at Lincoln


def test_no_double_spaces_in_dates(demo):
    _, _, _, emails = demo
    for mail in emails:
        assert "  –" not in mail.subject + mail.html and "Nov 16 – 22" in mail.subject


def test_a_school_with_no_finished_cycle_says_so_instead_of_empty_figures(tmp_path):
    *_, emails = small(tmp_path, edit_cycle("A-1", status="Active"))
    alpha = next(e for e in emails if e.school == "Alpha Elementary")
    assert ("All completed cycles: results are shown once at least 10 students have finished "
            "a cycle.") in alpha.text
    assert "over 0 students" not in alpha.text
