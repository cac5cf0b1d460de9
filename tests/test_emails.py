"""Principal emails: golden renderings, valid .eml files, privacy, escaping."""
import datetime as dt
import email
import email.policy
import os
from pathlib import Path

import pytest

from config.loader import load_config
from core.impact import compute_impact
from core.validate import validate
from core.weeks import parse_week
from reports.context import school_contexts
from reports.outbox import build_message, write_outbox
from reports.render import render_all
from sync.sources import read_sources
from tests.small_district import TABS, write_config

GOLDEN = Path(__file__).parent / "golden"
NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)


def render(tmp_path, edit=None):
    config = load_config(write_config(tmp_path))
    if edit:
        edit(tmp_path / "district.xlsx")
    tabs, problems = read_sources(config)
    from main import validation_context
    data = validate(tabs, validation_context(config, NOW), config.aliases, problems)
    impact = compute_impact(data, config.settings, config.district.school_year,
                            parse_week("2026-W47"))
    return config, render_all(school_contexts(impact, data, config), cc_coaches=False)


@pytest.fixture
def emails(tmp_path):
    return render(tmp_path)[1]


@pytest.mark.parametrize("school", ["alpha-elementary", "beta-middle"])
@pytest.mark.parametrize("part", ["txt", "html"])
def test_golden(emails, school, part):
    mail = next(e for e in emails if e.key == school)
    got = mail.text if part == "txt" else mail.html
    path = GOLDEN / f"{school}.{part}"
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(got, encoding="utf-8")
    assert got == path.read_text(encoding="utf-8"), "rerun with UPDATE_GOLDEN=1 if intended"


def test_eml_is_multipart_alternative_text_then_html(tmp_path, emails):
    paths = write_outbox(emails, tmp_path / "outbox", sender="Coaching <c@d.example>",
                         reply_to="lead@d.example", week="2026-W47", now=NOW)
    assert len(paths) == 2
    msg = email.message_from_bytes(paths[0].read_bytes(), policy=email.policy.default)
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    assert msg["To"] == "Pat Alpha <pat@alpha.example>"
    assert msg["Reply-To"] == "lead@d.example"
    assert msg["Message-ID"] == build_message(emails[0], "x@y.example", None, "2026-W47",
                                              NOW)["Message-ID"]
    index = (tmp_path / "outbox" / "2026-W47" / "index.html").read_text()
    assert 'href="alpha-elementary.html"' in index


def test_each_email_holds_only_its_own_school(emails):
    alpha = next(e for e in emails if e.key == "alpha-elementary")
    beta = next(e for e in emails if e.key == "beta-middle")
    for text in (alpha.text, alpha.html):
        for other in ("Beta Middle", "Kim Beta", "Bo Diaz", "T Four", "T Five", "B-1"):
            assert other not in text
    for text in (beta.text, beta.html):
        for other in ("Alpha Elementary", "Pat Alpha", "T One", "T Two", "Main idea"):
            assert other not in text


def test_no_student_ids_or_notes_in_any_email(emails):
    student_ids = {row[1] for row in TABS["Assessments"][1][1:]}
    for mail in emails:
        for text in (mail.text, mail.html, mail.subject):
            assert "CONFIDENTIAL" not in text
            assert not any(sid in text.split() or f">{sid}<" in text for sid in student_ids)


def test_small_groups_are_suppressed_and_extremes_coded(emails):
    beta = next(e for e in emails if e.key == "beta-middle")
    assert "too few students to show results" in beta.text
    assert "5 students" not in beta.text


def test_sheet_text_is_escaped_in_html(tmp_path):
    from openpyxl import load_workbook

    def evil_focus(path):
        book = load_workbook(path)
        for row in book["Cycles"].iter_rows():
            for cell in row:
                if cell.value == "Fractions":
                    cell.value = "<script>alert('x')</script>"
        book.save(path)
    _, mails = render(tmp_path, evil_focus)
    alpha = next(e for e in mails if e.key == "alpha-elementary")
    assert "<script>alert" not in alpha.html
    assert "&lt;script&gt;alert" in alpha.html
    assert "<script>alert('x')</script>" in alpha.text  # plain text is not HTML


def test_html_is_small_enough_not_to_be_clipped_by_gmail(emails):
    assert all(len(e.html.encode()) < 100_000 for e in emails)
