"""Email delivery through the Gmail API as the job's service account, against local stand-ins:
google-auth's real service-account flow to the token stand-in (signed assertion, delegation
checked), then users.messages.send to the Gmail stand-in. Same ledger rules as SMTP."""
import datetime as dt
import logging
import subprocess
import sys
from dataclasses import replace

import pytest

import main
from config.loader import load_config
from delivery.ledger import Ledger, Status
from delivery.sender import send_emails
from standins import gmail as gmail_standin
from standins import oauth
from standins.gmail import LOST, backend_error, rate_limited
from standins.smtp import make_certs
from tests.small_district import write_config
from tests.test_demo import DATA, ROOT

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
PAT, KIM = "pat@alpha.example", "kim@beta.example"
ALPHA, BETA = "Alpha Elementary", "Beta Middle"
SENDER = "coaching@district.example"
GMAIL_SEND = "https://www.googleapis.com/auth/gmail.send"


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    return make_certs(tmp_path_factory.mktemp("certs"))


@pytest.fixture
def google(certs, tmp_path, monkeypatch):
    """The token stand-in (HTTPS, trusted through REQUESTS_CA_BUNDLE), a service account key
    pointing at it, delegation granted for gmail.send, and the Gmail stand-in."""
    tokens = oauth.start(certs)
    api = gmail_standin.start(tokens.service.verify)
    key = tokens.service.service_account_key(tmp_path)
    account = next(iter(tokens.service.google.values()))
    tokens.service.delegate(account.client_id, GMAIL_SEND)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certs.ca))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key))
    yield tokens.service, api.api, account, api.url
    api.stop()
    tokens.stop()


def gmail_config(folder, endpoint, delivery=""):
    path = write_config(folder)
    path.write_text(path.read_text() + f"  method: gmail\n  gmail_endpoint: {endpoint}\n"
                    f"  from: Coaching Program <{SENDER}>\n  timeout: 5\n" + delivery
                    + f"state: {folder / 'state.sqlite'}\n")
    return path


@pytest.fixture
def district(tmp_path, google):
    return gmail_config(tmp_path, google[3])


def run(*args):
    return main.main(list(args), now=NOW)


def statuses(config_path):
    config = load_config(config_path)
    with Ledger(config.path(config.state)) as ledger:
        return {e.key.recipient: e.status for e in ledger.week("2026-W47")}


@pytest.fixture(scope="module")
def small_emails(tmp_path_factory):
    from core.weeks import parse_week
    from main import compute_week, render_emails
    config = load_config(write_config(tmp_path_factory.mktemp("render")))
    data, impact, _ = compute_week(config, parse_week("2026-W47"), NOW, None, lambda: False)
    return [replace(e, cc=()) for e in render_emails(config, impact, data)]


class FakeTime:
    """The clock and the sleep the sender is given: sleeping moves the clock, instantly."""

    def __init__(self):
        self.now, self.sleeps = 1_000_000.0, []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def deliver(small_emails):
    def deliver(config_path, fake=None, **kwargs):
        import os
        fake = fake or FakeTime()
        return send_emails(load_config(config_path), small_emails, "2026-W47", NOW,
                           environ=dict(os.environ), sleep=fake.sleep, clock=fake.clock,
                           **kwargs)
    return deliver


# ------------------------------------------------------------------ the demo, once


def demo_config(folder, delivery):
    text = (ROOT / "config" / "district.yaml").read_text()
    text = text.replace("../demo/data/", f"{DATA}/")
    text = text.replace("../out/district-summary.xlsx", str(folder / "summary.xlsx"))
    text = text.replace("../out/outbox", str(folder / "outbox"))
    text = text.replace("../out/state.sqlite", str(folder / "state.sqlite"))
    text = text.replace("  method: outbox\n", delivery)
    path = folder / "district.yaml"
    path.write_text(text)
    return path


def test_demo_via_gmail_sends_the_smtp_paths_exact_bytes_once(google, certs, tmp_path,
                                                              monkeypatch, capsys):
    """7 principals and 9 coaches (their weekly notes), one users.messages.send each, carrying
    byte for byte what the SMTP path hands to its server; a rerun sends nothing."""
    tokens, api, _, endpoint = google
    (tmp_path / "gmail").mkdir()
    config = demo_config(tmp_path / "gmail", f"  method: gmail\n  gmail_endpoint: {endpoint}\n")
    assert run("run", "--once", "--config", str(config)) == 0
    assert "16 sent (Gmail API as coaching@riverbend.example)" in capsys.readouterr().out
    assert api.requests == 16 and len(api.sent) == 16
    assert {s.user for s in api.sent} == {"coaching@riverbend.example"}
    assert tokens.count("google") == 1  # one token for the whole run

    from standins.smtp import PASSWORD, USER, start
    server = start(certs)
    try:
        monkeypatch.setenv("SMTP_USERNAME", USER)
        monkeypatch.setenv("SMTP_PASSWORD", PASSWORD)
        (tmp_path / "smtp").mkdir()
        smtp = demo_config(tmp_path / "smtp", (
            f"  method: smtp\n  host: 127.0.0.1\n  port: {server.port}\n  username_env: "
            f"SMTP_USERNAME\n  password_env: SMTP_PASSWORD\n  ca_file: {certs.ca}\n"))
        assert run("run", "--once", "--config", str(smtp)) == 0
    finally:
        server.stop()
    by_smtp = {r.recipients[0]: r.data for r in server.mailbox.received}
    by_gmail = {s.recipients[0]: s.raw for s in api.sent}
    assert len(by_smtp) == 16 and by_gmail == by_smtp  # same Message-ID, headers, parts

    assert run("run", "--once", "--config", str(config)) == 0
    assert "16 already sent" in capsys.readouterr().out
    assert api.requests == 16


# ------------------------------------------------------------------ once-only


def test_a_lost_answer_is_unknown_and_never_sent_again(district, google, capsys):
    _, api, _, _ = google
    api.faults.append(LOST)  # Gmail took Pat's email; the answer never came back
    assert run("run", "--once", "--config", str(district)) == 0
    out = capsys.readouterr().out
    assert f"unknown:       {ALPHA} <{PAT}>: no answer from the Gmail API" in out
    assert f'python main.py send --week 2026-W47 --school "{ALPHA}" --resend' in out
    assert statuses(district) == {PAT: Status.UNKNOWN, KIM: Status.SENT}
    assert run("run", "--once", "--config", str(district)) == 0
    assert "1 already sent, 1 unknown" in capsys.readouterr().out
    assert len(api.to(PAT)) == 1 and len(api.to(KIM)) == 1


def test_a_refused_recipient_fails_that_email_and_the_rest_go(district, google, deliver):
    _, api, _, _ = google
    api.invalid.add(PAT)
    report = deliver(district)
    assert [(f.recipient, f.detail) for f in report.failed] == [
        (PAT, "Gmail refused it: 400 Invalid To header")]
    assert [s.recipient for s in report.sent] == [KIM]
    assert statuses(district) == {PAT: Status.FAILED, KIM: Status.SENT}
    api.invalid.clear()
    assert [s.recipient for s in deliver(district).sent] == [PAT]  # failed: the next run tries


def test_a_held_email_is_not_sent_through_gmail_until_its_source_is_fixed(district, google,
                                                                         deliver, small_emails):
    alpha = next(e.key for e in small_emails if e.school == "Alpha Elementary")
    report = deliver(district, held={alpha: "Log › Log could not be used (no rows)"})
    assert [h.recipient for h in report.held] == [PAT]
    assert [s.recipient for s in report.sent] == [KIM]
    assert statuses(district) == {PAT: Status.HELD, KIM: Status.SENT}
    assert [s.recipient for s in deliver(district).sent] == [PAT]  # fixed: sent, once
    assert deliver(district).sent == []


def test_a_429_storm_ends_with_every_email_sent_once(district, google, deliver, caplog):
    _, api, _, _ = google
    api.faults.extend([rate_limited(retry_after=2)] * 9 + [backend_error(503)] * 3)
    fake = FakeTime()
    with caplog.at_level(logging.WARNING, "coaching_impact.delivery"):
        report = deliver(district, fake)
    assert [s.recipient for s in report.sent] == [PAT, KIM] and not report.failed
    assert len(api.to(PAT)) == 1 and len(api.to(KIM)) == 1
    assert api.requests == 14  # 12 refused, 2 sent
    assert all(0 < s <= 32 for s in fake.sleeps) and len(fake.sleeps) >= 12
    assert "Gmail answered 429 User-rate limit exceeded." in caplog.text
    assert "15,000 quota units a minute and a send costs 100, so at most 150 sends a minute" \
        in caplog.text


def test_sends_keep_to_the_mailboxs_quota_per_minute(tmp_path, google, deliver):
    _, api, _, endpoint = google
    district = gmail_config(tmp_path, endpoint, "  gmail_sends_per_minute: 1\n")
    fake = FakeTime()
    report = deliver(district, fake)
    assert len(report.sent) == 2 and api.requests == 2
    assert sum(fake.sleeps) == pytest.approx(60, abs=0.01)  # the pacer waited, no 429 needed


def test_the_daily_limit_stops_sending_and_the_rest_wait(district, google, deliver):
    _, api, _, _ = google
    api.faults.append(rate_limited(retry_after=5 * 3600))
    report = deliver(district)
    assert "daily sending limit is reached" in report.stopped and "2,000 messages" in \
        report.stopped
    assert [w.recipient for w in report.waiting] == [PAT, KIM] and report.incomplete
    assert statuses(district) == {PAT: Status.PLANNED, KIM: Status.PLANNED}


# ------------------------------------------------------------------ set-up mistakes


def test_an_undelegated_account_gives_the_admin_console_steps(district, google, capsys):
    tokens, api, account, _ = google
    tokens.delegations.clear()
    assert run("run", "--once", "--config", str(district)) == 2
    err = capsys.readouterr().err
    assert "Configuration problem: sending stopped: Google refused the service account " \
           f"{account.email} a token to send as {SENDER} (unauthorized_client)" in err
    assert "Security › Access and data control › API controls › Manage Domain Wide " \
           "Delegation" in err
    assert f"client ID {account.client_id}" in err and GMAIL_SEND in err
    assert api.requests == 0
    assert statuses(district) == {PAT: Status.PLANNED, KIM: Status.PLANNED}
    tokens.delegate(account.client_id, GMAIL_SEND)  # the administrator fixes it
    assert run("run", "--once", "--config", str(district)) == 0
    assert len(api.sent) == 2


def test_check_fetches_a_token_and_sends_nothing(district, google, capsys):
    tokens, api, _, _ = google
    assert run("check", "--config", str(district)) == 0
    assert f"Email: Gmail API as {SENDER}: Google granted the service account a token" in \
        capsys.readouterr().out
    assert tokens.count("google") == 1 and api.requests == 0
    tokens.delegations.clear()
    assert run("check", "--config", str(district)) == 2
    assert "Configuration problem: delivery: Google refused the service account" in \
        capsys.readouterr().err


def test_a_sender_who_is_not_a_workspace_user(district, google, capsys):
    tokens, _, _, _ = google
    tokens.users = {"someone.else@district.example"}
    assert run("check", "--config", str(district)) == 2
    assert f"Google does not know {SENDER} (delivery.from) as a user of your Workspace " \
           "domain" in capsys.readouterr().err


def test_gmail_api_not_enabled_in_the_project(district, google, deliver):
    _, api, _, _ = google
    api.faults.append(gmail_standin.gmail_error(
        403, "Gmail API has not been used in project 123 before or it is disabled.",
        "accessNotConfigured", "PERMISSION_DENIED", domain="usageLimits"))
    report = deliver(district)
    assert "Enable the Gmail API in the service account's Google Cloud project" in \
        report.stopped and report.setup_missing
    assert statuses(district) == {PAT: Status.PLANNED, KIM: Status.PLANNED}


def test_missing_key_variable_exits_2_before_anything_is_written(district, google,
                                                                  monkeypatch, capsys):
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS")
    assert run("run", "--once", "--config", str(district)) == 2
    assert "delivery.method is gmail, which sends as the job's service account: set the " \
           "environment variable GOOGLE_APPLICATION_CREDENTIALS" in capsys.readouterr().err
    assert not (district.parent / "summary.xlsx").exists()


# ------------------------------------------------------------------ the stand-ins themselves


def test_token_endpoint_checks_the_assertions_signature(google, tmp_path):
    from google.auth.exceptions import RefreshError
    from google.auth.transport.requests import Request
    from google.oauth2 import service_account
    tokens, _, account, _ = google
    forged = oauth.TokenService()  # another key, same account name
    forged.url = tokens.url
    (tmp_path / "forged").mkdir()
    path = forged.service_account_key(tmp_path / "forged", email=account.email)
    import json
    key = json.loads(path.read_text())
    path.write_text(json.dumps({**key, "private_key_id": account.key_id}))  # same key ID
    creds = service_account.Credentials.from_service_account_file(
        str(path), scopes=[GMAIL_SEND], subject=SENDER)
    with pytest.raises(RefreshError, match="Invalid JWT Signature"):
        creds.refresh(Request())


def test_gmail_refuses_a_missing_or_foreign_token(google):
    import requests
    _, api, _, endpoint = google
    url = f"{endpoint}/gmail/v1/users/me/messages/send"
    assert requests.post(url, json={"raw": "eA"}).status_code == 401
    assert requests.post(url, json={"raw": "eA"}, headers={
        "Authorization": "Bearer not-a-token"}).json()["error"]["status"] == "UNAUTHENTICATED"
    assert api.sent == []


@pytest.mark.parametrize("module, says", [
    ("standins.gmail", "Gmail API stand-in on http://127.0.0.1:"),
    ("standins.oauth", "Token stand-in on https://127.0.0.1:"),
])
def test_stand_ins_start_from_the_command_line(module, says, tmp_path):
    args = [sys.executable, "-m", module, "--port", "0"]
    args += ["--tokens-port", "0"] if module == "standins.gmail" else ["--folder", str(tmp_path)]
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        lines = []
        while not any(says in line for line in lines) and len(lines) < 10:
            lines.append(proc.stdout.readline())
        assert says in lines[-1], lines
    finally:
        proc.terminate()
        assert proc.wait(timeout=30) == 0


def test_an_unreachable_gmail_api_stops_sending_and_the_emails_wait(tmp_path, google, capsys):
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once closed
    district = gmail_config(tmp_path, f"http://127.0.0.1:{port}")
    assert run("run", "--once", "--config", str(district)) == 1
    assert "Could not connect to the Gmail API (ConnectionError)" in capsys.readouterr().err
    assert statuses(district) == {PAT: Status.PLANNED, KIM: Status.PLANNED}
