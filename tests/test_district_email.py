"""The district staff's summary email: golden renderings, the privacy rules, its size."""
import datetime as dt
import os
from dataclasses import replace
from pathlib import Path

import pytest

from config.loader import load_config
from config.model import Recipient
from core.impact import compute_impact
from core.validate import Context, validate
from core.weeks import parse_week
from reports.context import district_context
from reports.outbox import write_outbox
from reports.render import DISTRICT_SUMMARY, render_district
from sync.sources import read_sources
from tests.small_district import write_config

GOLDEN = Path(__file__).parent / "golden"
NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
STAFF = [Recipient(name="Program Lead", email="lead@district.example"),
         Recipient(name="Deputy", email="deputy@district.example")]


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    config = load_config(write_config(tmp_path_factory.mktemp("district")))
    tabs, problems = read_sources(config)
    data = validate(tabs, Context(config.settings, config.district.school_year,
                                  config.district.as_of), config.aliases, problems)
    impact = compute_impact(data, config.settings, config.district.school_year,
                            parse_week("2026-W47"))
    return district_context(impact, data, config)


@pytest.mark.parametrize("part", ["txt", "html"])
def test_golden(context, part):
    mail = render_district(context, STAFF)[0]
    got = mail.text if part == "txt" else mail.html
    path = GOLDEN / f"district-summary.{part}"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(got, encoding="utf-8")
    assert got == path.read_text(encoding="utf-8"), "rerun with UPDATE_GOLDEN=1 if intended"


def test_one_email_per_staff_member_each_to_them_alone(context, tmp_path):
    mails = render_district(context, STAFF)
    assert [(m.to, m.to_name, m.cc, m.school) for m in mails] == [
        ("lead@district.example", "Program Lead", (), DISTRICT_SUMMARY),
        ("deputy@district.example", "Deputy", (), DISTRICT_SUMMARY)]
    written = write_outbox(mails, tmp_path, sender="c@d.example", reply_to=None,
                           week="2026-W47", now=NOW)
    assert sorted(p.name for p in written) == [
        "district-summary-deputy-district-example.eml",
        "district-summary-lead-district-example.eml"]


def test_schools_side_by_side_with_student_figures_suppressed_under_min_n(context):
    text = render_district(context, STAFF)[0].text
    assert "Alpha Elementary (Implement, monitor & adjust; benchmarks" in text
    assert "proficient 25% -> 75%" in text  # 12 students
    assert "Beta Middle (Launch; benchmarks not yet)" in text
    assert "proficient n<10 -> n<10" in text  # 5 students
    # The district's total minus Alpha's would give Beta's 5 students away: it is hidden.
    assert "Students in completed cycles: hidden this week" in text
    assert "Alpha Elementary (need 80)" in text and "Beta Middle (need 40)" in text


def test_no_teacher_names_or_notes(context):
    mail = render_district(context, STAFF)[0]
    for text in (mail.text, mail.html):
        assert "CONFIDENTIAL" not in text
        assert not any(t in text for t in ("T One", "T Two", "T Four", "T Five"))


@pytest.mark.parametrize("schools", [60, 150])
def test_html_stays_under_100_kb_for_a_large_district(context, schools):
    many = replace(context, schools=[dict(context.schools[0], school=f"School number {i}")
                                     for i in range(schools)],
                   equity=[dict(context.equity[0], school=f"School number {i}")
                           for i in range(schools)])
    html = render_district(many, STAFF)[0].html
    assert len(html.encode()) < 100_000
    assert "School number 149" in html or schools < 150  # every school is still there
