"""Microsoft 365 SMTP with OAuth2 (XOAUTH2): msal's client-credentials flow against the token
stand-in's Entra endpoints (HTTPS, OpenID discovery), then AUTH XOAUTH2 over STARTTLS to the SMTP
stand-in, which checks the token as Exchange Online does."""
import datetime as dt
import os
from dataclasses import replace

import pytest

import main
from config.loader import load_config
from delivery.ledger import Ledger, Status
from delivery.sender import send_emails
from standins import oauth
from standins.smtp import make_certs, start
from tests.small_district import write_config

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
PAT, KIM = "pat@alpha.example", "kim@beta.example"
MAILBOX = "coaching@district.example"
TENANT, APP, SECRET = "district.example", "6f1c2d3e-0000-4000-8000-00000000c0de", "s3cr3t~value"


class FakeTime:
    """The clock the job and the stand-ins share, and a sleep that moves it, instantly."""

    def __init__(self):
        self.now, self.sleeps = 1_900_000_000.0, []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    return make_certs(tmp_path_factory.mktemp("certs"))


@pytest.fixture
def fake():
    return FakeTime()


@pytest.fixture
def m365(certs, fake, monkeypatch):
    """Entra (the token stand-in) with the app registered, its SMTP.SendAsApp consented, and
    Exchange (the SMTP stand-in) letting it send as the mailbox."""
    tokens = oauth.start(certs, clock=fake.clock)
    tokens.service.register_app(TENANT, APP, secret=SECRET)
    server = start(certs)
    server.mailbox.verify_token = tokens.service.verify
    server.mailbox.send_as = {APP: {MAILBOX}}
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certs.ca))
    for name, value in (("M365_TENANT_ID", TENANT), ("M365_CLIENT_ID", APP),
                        ("M365_CLIENT_SECRET", SECRET)):
        monkeypatch.setenv(name, value)
    yield tokens, server
    server.stop()
    tokens.stop()


def oauth_config(folder, m365, certs, delivery=""):
    tokens, server = m365
    path = write_config(folder)
    path.write_text(path.read_text() + (
        f"  method: smtp\n  auth: oauth2\n  host: 127.0.0.1\n  port: {server.port}\n"
        f"  authority: {tokens.url}\n  ca_file: {certs.ca}\n  timeout: 5\n"
        f"  from: Coaching Program <{MAILBOX}>\n") + delivery
        + f"state: {folder / 'state.sqlite'}\n")
    return path


@pytest.fixture
def district(tmp_path, m365, certs):
    return oauth_config(tmp_path, m365, certs)


@pytest.fixture(scope="module")
def small_emails(tmp_path_factory):
    from core.weeks import parse_week
    from main import compute_week, render_emails
    config = load_config(write_config(tmp_path_factory.mktemp("render")))
    data, impact, _ = compute_week(config, parse_week("2026-W47"), NOW, None, lambda: False)
    return [replace(e, cc=()) for e in render_emails(config, impact, data)]


def deliver(config_path, emails, fake, **kwargs):
    return send_emails(load_config(config_path), emails, "2026-W47", NOW,
                       environ=dict(os.environ), sleep=fake.sleep, clock=fake.clock, **kwargs)


def run(*args):
    return main.main(list(args), now=NOW)


def statuses(config_path):
    config = load_config(config_path)
    with Ledger(config.path(config.state)) as ledger:
        return {e.key.recipient: e.status for e in ledger.week("2026-W47")}


def test_sends_with_the_apps_token_fetched_once_for_the_run(district, m365, small_emails,
                                                             fake):
    """Exchange ends the session after each message; the job logs in again for the next with
    the token it already has."""
    tokens, server = m365
    server.mailbox.one_message_per_session = True
    report = deliver(district, small_emails, fake)
    assert server.mailbox.refused_tokens == []
    assert [s.recipient for s in report.sent] == [PAT, KIM]
    assert server.mailbox.logins == [MAILBOX, MAILBOX] and server.mailbox.sessions == 2
    assert tokens.service.count("entra") == 1
    assert server.mailbox.received[0].sender == MAILBOX


def test_a_token_that_expires_mid_run_is_fetched_again(district, m365, small_emails, fake):
    """An hour passes between the two emails (a slow run): the kept token has expired, so the
    next login needs a new one. Exchange refuses the old one."""
    tokens, server = m365
    server.mailbox.one_message_per_session = True
    asked = iter([False, False])

    def an_hour_later():
        stop = next(asked)
        if server.mailbox.received:
            fake.now += 3600
        return stop
    report = deliver(district, small_emails, fake, should_stop=an_hour_later)
    assert [s.recipient for s in report.sent] == [PAT, KIM] and not report.failed
    assert tokens.service.count("entra") == 2
    assert server.mailbox.refused_tokens == []  # never tried the expired one


def test_a_token_refused_by_exchange_is_replaced_once(district, m365, small_emails, fake):
    """A kept token Exchange no longer accepts (revoked early) is dropped and a new one used."""
    tokens, server = m365
    server.mailbox.one_message_per_session = True

    def revoked_after_the_first():
        if server.mailbox.received:
            tokens.service.revoke()
        return False
    report = deliver(district, small_emails, fake, should_stop=revoked_after_the_first)
    assert len(report.sent) == 2 and tokens.service.count("entra") == 2
    assert len(server.mailbox.refused_tokens) == 1  # the kept one, once


def test_a_rejected_token_names_the_three_microsoft_steps(district, m365, capsys):
    tokens, server = m365
    tokens.service.apps[(TENANT, APP)].roles = ()  # SMTP.SendAsApp without admin consent
    assert run("run", "--once", "--config", str(district)) == 2
    err = capsys.readouterr().err
    assert f"refused the app's token for the mailbox {MAILBOX} (535 5.7.3 Authentication " \
           "unsuccessful" in err
    assert "SMTP.SendAsApp, and Grant admin consent" in err
    assert f"New-ServicePrincipal -AppId {APP}" in err
    assert f"Add-MailboxPermission -Identity {MAILBOX}" in err
    assert tokens.service.count("entra") == 1  # a new token was refused: not asked again
    assert server.mailbox.received == []
    assert statuses(district) == {PAT: Status.PLANNED, KIM: Status.PLANNED}


def test_no_mailbox_permission_is_refused_the_same_way(district, m365, capsys):
    _, server = m365
    server.mailbox.send_as = {APP: {"someone-else@district.example"}}
    assert run("check", "--config", str(district)) == 2
    assert "Configuration problem: delivery: The mail server 127.0.0.1:" in \
        capsys.readouterr().err


def test_check_logs_in_with_the_token_and_sends_nothing(district, m365, capsys):
    _, server = m365
    assert run("check", "--config", str(district)) == 0
    assert "logged in with the app's token (XOAUTH2). Nothing was sent." in \
        capsys.readouterr().out
    assert server.mailbox.logins == [MAILBOX] and server.mailbox.received == []


def test_a_wrong_client_secret_names_the_variable(district, m365, monkeypatch, capsys):
    monkeypatch.setenv("M365_CLIENT_SECRET", "the-secret-id-not-its-value")
    assert run("check", "--config", str(district)) == 2
    err = capsys.readouterr().err
    assert "AADSTS7000215" in err and "the client secret in M365_CLIENT_SECRET is not valid" \
        in err
    assert "the-secret-id-not-its-value" not in err


def test_an_unknown_tenant(district, m365, monkeypatch, capsys):
    monkeypatch.setenv("M365_TENANT_ID", "contoso.example")
    assert run("check", "--config", str(district)) == 2
    assert "does not know the tenant 'contoso.example' (from M365_TENANT_ID)" in \
        capsys.readouterr().err


def test_a_certificate_instead_of_a_secret(tmp_path, m365, certs, monkeypatch, small_emails,
                                           fake):
    tokens, _ = m365
    pem, cert = oauth.app_certificate(tmp_path)
    tokens.service.apps[(TENANT, APP)].certificate = cert
    monkeypatch.delenv("M365_CLIENT_SECRET")
    monkeypatch.setenv("M365_CERTIFICATE", str(pem))
    report = deliver(oauth_config(tmp_path, m365, certs), small_emails, fake)
    assert len(report.sent) == 2 and tokens.service.count("entra") == 1


def test_missing_app_variables_exit_2_before_anything_is_written(district, m365,
                                                                 monkeypatch, capsys):
    monkeypatch.delenv("M365_CLIENT_ID")
    assert run("run", "--once", "--config", str(district)) == 2
    assert "delivery.client_id_env names the environment variable M365_CLIENT_ID, which is " \
           "not set" in capsys.readouterr().err
    assert not (district.parent / "summary.xlsx").exists()


@pytest.mark.parametrize("delivery, words", [
    ("  username_env: U\n  password_env: P\n", "not used with auth: oauth2"),
    ("  authority: http://login.example\n", "delivery.authority: write the identity "
                                              "platform's address alone"),
    ("  method: gmail\n", "delivery.auth: oauth2 is for method: smtp"),
])
def test_oauth2_config_mistakes(tmp_path, m365, certs, capsys, delivery, words):
    district = oauth_config(tmp_path, m365, certs, delivery)
    assert run("check", "--config", str(district)) == 2
    assert words in capsys.readouterr().err


def test_check_logs_in_with_a_password_too_and_names_the_variables(tmp_path, certs,
                                                                   monkeypatch, capsys):
    """Password SMTP is unchanged; `check` now tries its login as well, sending nothing."""
    from standins.smtp import PASSWORD, USER
    server = start(certs)
    try:
        path = write_config(tmp_path)
        path.write_text(path.read_text() + (
            f"  method: smtp\n  host: 127.0.0.1\n  port: {server.port}\n  ca_file: {certs.ca}\n"
            f"  username_env: SMTP_USERNAME\n  password_env: SMTP_PASSWORD\n"))
        monkeypatch.setenv("SMTP_USERNAME", USER)
        monkeypatch.setenv("SMTP_PASSWORD", PASSWORD)
        assert run("check", "--config", str(path)) == 0
        assert f"Email: mail server 127.0.0.1:{server.port}: logged in. Nothing was sent." in \
            capsys.readouterr().out
        monkeypatch.setenv("SMTP_PASSWORD", "wrong")
        assert run("check", "--config", str(path)) == 2
        err = capsys.readouterr().err
        assert "refused the login (535 5.7.8" in err and "SMTP_PASSWORD" in err
        assert server.mailbox.received == [] and server.mailbox.logins == [USER]
    finally:
        server.stop()
