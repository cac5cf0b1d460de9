"""The coach's weekly note: their own week, cycles and flagged rows; none when there is nothing
to say; sent through the same ledger, once."""
import datetime as dt

import pytest
from openpyxl import load_workbook

from config.loader import load_config
from core.impact import compute_impact
from core.validate import validate
from core.weeks import parse_week
from delivery.ledger import Status
from main import render_emails, validation_context
from reports.coach import coach_contexts
from reports.render import COACH_DIGEST
from sync.sources import read_sources
from tests.small_district import write_config
from tests.test_smtp import certs, env, ledger_of, run, server, smtp_config  # noqa: F401

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
DEMO = "config/district.yaml"


def computed(config):
    tabs, problems = read_sources(config)
    data = validate(tabs, validation_context(config, NOW), config.aliases, problems)
    impact = compute_impact(data, config.settings, config.district.school_year,
                            parse_week("2026-W47"))
    return data, impact


@pytest.fixture(scope="module")
def demo():
    config = load_config(DEMO)
    data, impact = computed(config)
    return config, data, impact, render_emails(config, impact, data)


def test_the_demo_config_sends_coach_digests(demo):
    config, data, _, emails = demo
    assert config.delivery.coach_digest
    digests = [e for e in emails if e.school == COACH_DIGEST]
    assert sorted(e.to_name for e in digests) == sorted(data.coaches["coach"])


def test_a_coach_digest_lists_exactly_that_coachs_flagged_rows(demo):
    _, data, _, emails = demo
    for mail in (e for e in emails if e.school == COACH_DIGEST):
        coach = mail.to_name
        mine = data.issues[data.issues["coach"] == coach]
        listed = [line for line in mail.text.splitlines() if line.startswith("  - [")]
        assert len(listed) == len(mine), coach
        assert f"ROWS TO FIX ({len(mine)})" in mail.text
        for _, issue in mine.iterrows():
            assert any(f"{issue['tab']}, row {issue['row']}," in line for line in listed)
        others = data.issues[data.issues["coach"] != coach]
        for _, issue in others.iterrows():  # nobody else's rows
            assert f"{issue['source']} › {issue['tab']}, row {issue['row']}," not in mail.text


def test_a_digest_holds_only_the_coachs_own_cycles_and_no_student_results(demo):
    _, _, impact, emails = demo
    cycles = impact.cycles
    for mail in (e for e in emails if e.school == COACH_DIGEST):
        mine = set(cycles.loc[cycles["coach"] == mail.to_name, "cycle_id"])
        for cid in cycles["cycle_id"]:
            if f"{cid}:" in mail.text:
                assert cid in mine
        assert "proficient" not in mail.text and "%" not in mail.text.split("YOUR ACTIVE")[1]


def test_the_digest_shows_the_week_and_cycles_with_week_n_of_m(demo):
    _, _, impact, emails = demo
    mail = next(e for e in emails if e.key == "coach-emily-sorensen")
    week = impact.coaches["week"].loc["Emily Sorensen"]
    assert f"Sessions: {int(week['sessions'])}" in mail.text
    assert "(target 60%)" in mail.text
    assert "WAS-2026-08: Wei Mohamed, Grade 1 · Math, Washington Elementary — week 1 of 8" \
        in mail.text


def add_idle_coach(path, *, issue: bool = False):
    book = load_workbook(path)
    book["Coaches"].append(["Cy Idle", "cy@district.example", "Beta Middle", 1])
    if issue:  # a row of theirs with a typo: something to fix, nothing else
        book["Log"].append([dt.datetime(2026, 10, 1, 16), "cy@district.example",
                            dt.date(2026, 10, 1), "Beta Middle", None, None, "PLC", "lots", ""])
    book.save(path)


@pytest.mark.parametrize("issue", [False, True])
def test_a_coach_with_nothing_to_report_or_fix_gets_no_email(tmp_path, issue):
    config = load_config(write_config(tmp_path))
    add_idle_coach(tmp_path / "district.xlsx", issue=issue)
    data, impact = computed(config)
    names = [c.coach for c in coach_contexts(impact, data, config)]
    assert ("Cy Idle" in names) is issue
    assert "Ann Lee" in names and "Bo Diaz" in names


def test_coach_digests_go_once_through_the_ledger(tmp_path, server, certs, env):
    path = smtp_config(tmp_path, server.port, certs, delivery="  coach_digest: true\n")
    assert run("run", "--once", "--config", str(path)) == 0
    got = sorted(r.recipients[0] for r in server.mailbox.received)
    assert got == ["ann@district.example", "bo@district.example", "kim@beta.example",
                   "pat@alpha.example"]
    with ledger_of(path) as ledger:
        digests = {e.key.recipient: e.status for e in ledger.week("2026-W47")
                   if e.key.school == COACH_DIGEST}
    assert digests == {"ann@district.example": Status.SENT, "bo@district.example": Status.SENT}
    assert run("run", "--once", "--config", str(path)) == 0  # the same week again
    assert len(server.mailbox.received) == 4
    bo = next(r for r in server.mailbox.received if r.recipients == ["bo@district.example"])
    assert "Bo Diaz" in bo.part("plain") and "Ann Lee" not in bo.part("plain")


def test_a_coach_address_with_accented_letters_gets_no_email_and_breaks_nothing(tmp_path, caplog):
    """josé@… matches the coach's logged rows, but is no address to send to (the email
    package refuses a non-ASCII local part): a warning on the Coaches row, the coach's note and
    copies go nowhere, every other email is written."""
    from tests.small_district import TABS, write_workbook
    tabs = {t: [list(r) for r in rows] for t, (_, rows) in TABS.items()}
    tabs["Coaches"][1][1] = "ánn@district.example"  # Ann Lee
    tabs["Log"] = [r if i == 0 else [r[0], "ánn@district.example" if r[1] ==
                                     "ann@district.example" else r[1], *r[2:]]
                   for i, r in enumerate(tabs["Log"])]
    write_config(tmp_path)
    write_workbook(tmp_path / "district.xlsx", tabs)
    config = tmp_path / "district.yaml"
    config.write_text(config.read_text() + "  coach_digest: true\n  cc_coaches: true\n")
    assert main_run(config) == 0
    written = sorted(p.name for p in (tmp_path / "outbox" / "2026-W47").glob("*.eml"))
    assert written == ["alpha-elementary.eml", "beta-middle.eml", "coach-bo-diaz.eml"]
    issues = load_workbook(tmp_path / "summary.xlsx")["Data Issues"]
    texts = [r[8] for r in issues.iter_rows(min_row=2, values_only=True)]
    assert any(t.startswith("Rows logged under this address match the coach, but no email "
                            "can be sent to it") for t in texts)
    alpha = (tmp_path / "outbox" / "2026-W47" / "alpha-elementary.eml").read_text()
    assert "ánn" not in alpha and "Ann Lee" in alpha  # her rows still count as hers


def main_run(config):
    import main
    return main.main(["run", "--once", "--config", str(config)], now=NOW)


def test_the_outbox_skips_an_email_it_cannot_build_and_writes_the_others(tmp_path, caplog):
    from reports.outbox import write_outbox
    from reports.render import Email
    good = Email("a", "Alpha", "pat@alpha.example", "Pat", (), "Hello", "<p>hi</p>", "hi")
    bad = Email("b", "Beta", "jösé@beta.example", "José", (), "Hello", "<p>hi</p>", "hi")
    written = write_outbox([bad, good], tmp_path, sender="Coaching <c@district.example>",
                           reply_to=None, week="2026-W47", now=NOW)
    assert [p.name for p in written] == ["a.eml"]
    assert "The email for Beta <jösé@beta.example> could not be written to the outbox" \
        in caplog.text
