"""Email delivery over SMTP against a real server (aiosmtpd on 127.0.0.1 with STARTTLS and AUTH):
every principal once, never twice, never another school's data."""
import datetime as dt
import re
import socket
import sqlite3
from collections import deque
from dataclasses import replace

import pytest

import main
from config.loader import load_config
from config.model import Delivery, is_loopback
from delivery.ledger import Key, Ledger, Status
from delivery.sender import RETRY_DELAYS, send_emails
from delivery.smtp import _dot_stuffed
from standins.smtp import PASSWORD, USER, make_certs, start
from tests.small_district import write_config

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
PAT, KIM = "pat@alpha.example", "kim@beta.example"
ALPHA, BETA = "Alpha Elementary", "Beta Middle"
ENV = {"SMTP_USERNAME": USER, "SMTP_PASSWORD": PASSWORD}


@pytest.fixture(scope="session")
def certs(tmp_path_factory):
    return make_certs(tmp_path_factory.mktemp("certs"))


@pytest.fixture
def server(certs):
    s = start(certs)
    yield s
    s.stop()


@pytest.fixture
def env(monkeypatch):
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)


def smtp_config(folder, port, certs, delivery="", top=""):
    """The small district, sending over SMTP to the test server."""
    path = write_config(folder)
    settings = {"method": "smtp", "host": "127.0.0.1", "port": port, "security": "starttls",
                "username_env": "SMTP_USERNAME", "password_env": "SMTP_PASSWORD",
                "ca_file": str(certs.ca), "timeout": 5,
                "from": "Coaching Program <coaching@district.example>"}
    lines = "".join(f"  {k}: {v}\n" for k, v in settings.items() if f"  {k}:" not in delivery)
    path.write_text(path.read_text() + lines + delivery
                    + f"state: {folder / 'state.sqlite'}\n" + top)
    return path


@pytest.fixture
def district(tmp_path, server, certs, env):
    return smtp_config(tmp_path, server.port, certs)


def run(*args):
    return main.main(list(args), now=NOW)


def ledger_of(config_path):
    config = load_config(config_path)
    return Ledger(config.path(config.state))


def statuses(config_path):
    with ledger_of(config_path) as ledger:
        return {e.key.recipient: e.status for e in ledger.week("2026-W47")}


# ------------------------------------------------------------------ small pieces


@pytest.mark.parametrize("host, loopback", [
    ("localhost", True), ("127.0.0.1", True), ("127.8.9.1", True), ("::1", True),
    ("[::1]", True), ("LOCALHOST", True), ("10.0.0.5", False), ("mail.district.example", False),
    ("localhost.evil.example", False), ("0.0.0.0", False),
])
def test_loopback_hosts(host, loopback):
    assert is_loopback(host) is loopback


def test_smtp_ports_follow_security():
    assert [Delivery(security=s).smtp_port for s in ("starttls", "tls", "none")] == \
        [587, 465, 25]
    assert Delivery(port=2525).smtp_port == 2525


@pytest.mark.parametrize("payload, wire", [
    (b"a\r\n.b\r\n..c\r\n", b"a\r\n..b\r\n...c\r\n"),
    (b".\r\n", b"..\r\n"),
    (b"no newline at the end", b"no newline at the end\r\n"),
])
def test_dot_stuffing(payload, wire):
    assert _dot_stuffed(payload) == wire


# ------------------------------------------------------------------ once, and never twice


def test_each_principal_gets_one_email_over_one_connection_and_a_rerun_sends_none(
        district, server, capsys):
    assert run("run", "--once", "--config", str(district)) == 0
    box = server.mailbox
    assert [r.recipients for r in box.received] == [[PAT], [KIM]]
    assert box.sessions == 1 and box.logins == [USER]
    msg = box.received[0].message
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    assert msg["To"] == "Pat Alpha <pat@alpha.example>"
    assert box.received[0].sender == "coaching@district.example"
    assert "emails:        2 sent (SMTP 127.0.0.1:" in capsys.readouterr().out
    assert statuses(district) == {PAT: Status.SENT, KIM: Status.SENT}

    assert run("run", "--once", "--config", str(district)) == 0  # the same week again
    assert len(server.mailbox.received) == 2
    assert server.mailbox.sessions == 1  # nothing to send: no connection at all
    assert "emails:        2 already sent" in capsys.readouterr().out
    assert run("run", "--once", "--dry-run", "--config", str(district)) == 0
    out = capsys.readouterr().out
    assert f"to {PAT} via SMTP 127.0.0.1:{server.port} (skip: the ledger says sent)" in out
    assert len(server.mailbox.received) == 2


def test_a_resend_sends_just_that_school_again_and_records_it(district, server, deliver):
    deliver(district)
    assert run("send", "--week", "2026-W47", "--config", str(district)) == 0  # nothing new
    assert len(server.mailbox.received) == 2
    assert run("send", "--week", "2026-W47", "--school", "alpha elementary", "--resend",
               "--config", str(district)) == 0
    box = server.mailbox
    assert len(box.to(PAT)) == 2 and len(box.to(KIM)) == 1
    first, again = (r.message for r in box.to(PAT))
    assert first["Message-ID"] == again["Message-ID"]  # recognisably the same email
    with ledger_of(district) as ledger:
        key = Key.of("2026-W47", ALPHA, PAT)
        assert ledger.get(key).sends == 2
        assert ("sending", "resend") in ledger.events(key)
    assert not (district.parent / "summary.xlsx").exists()  # `send` writes no tabs


def test_send_usage_mistakes_exit_2(district, server, capsys):
    assert run("send", "--week", "2026-W47", "--resend", "--config", str(district)) == 2
    assert "--resend needs --school" in capsys.readouterr().err
    assert run("send", "--week", "2026-W47", "--school", "Gamma High", "--resend",
               "--config", str(district)) == 2
    assert '"Alpha Elementary", "Beta Middle"' in capsys.readouterr().err
    assert server.mailbox.received == []


# ------------------------------------------------------------------ a flaky server


@pytest.fixture(scope="module")
def small_emails(tmp_path_factory):
    """The small district's emails, rendered once (Cc: its coaches)."""
    from core.weeks import parse_week
    from main import compute_week, render_emails
    config = load_config(write_config(tmp_path_factory.mktemp("render")))
    config = config.model_copy(update={"delivery": config.delivery.model_copy(
        update={"cc_coaches": True})})
    data, impact, _ = compute_week(config, parse_week("2026-W47"), NOW, None, lambda: False)
    return render_emails(config, impact, data)


@pytest.fixture
def deliver(small_emails):
    """The delivery step alone, with the sleep injected (the CLI would really wait)."""
    def deliver(config_path, sleeps=None, cc=False, **kwargs):
        emails = small_emails if cc else [replace(e, cc=()) for e in small_emails]
        return send_emails(load_config(config_path), emails, "2026-W47", NOW, environ=ENV,
                           sleep=(sleeps if sleeps is not None else []).append, **kwargs)
    return deliver


def test_a_4xx_reply_is_tried_again_after_a_pause(district, server, deliver):
    server.mailbox.data_replies.append("451 4.3.0 Try again later")
    server.mailbox.rcpt_replies[KIM] = deque(["450 4.2.1 Mailbox busy"])
    sleeps = []
    report = deliver(district, sleeps)
    assert sleeps == [RETRY_DELAYS[0], RETRY_DELAYS[0]]
    assert [r.recipients for r in server.mailbox.received] == [[PAT], [KIM]]
    assert len(report.sent) == 2 and not report.failed
    with ledger_of(district) as ledger:
        assert ledger.get(Key.of("2026-W47", ALPHA, PAT)).attempts == 1  # one claim, two tries


def test_a_4xx_that_lasts_fails_the_email_and_the_next_run_sends_it(district, server, deliver):
    server.mailbox.rcpt_replies[PAT] = deque(["451 4.4.3 Try later"] * 4)
    sleeps = []
    report = deliver(district, sleeps)
    assert sleeps == list(RETRY_DELAYS)
    assert [f.recipient for f in report.failed] == [PAT]
    assert "451 4.4.3 Try later (after 4 tries; the next run tries again)" in report.failed[0].detail
    assert [r.recipients for r in server.mailbox.received] == [[KIM]]
    assert len(deliver(district).sent) == 1  # the next run
    assert [r.recipients for r in server.mailbox.received] == [[KIM], [PAT]]


def test_a_5xx_fails_that_email_with_the_servers_words_and_the_rest_go(district, server,
                                                                        capsys):
    server.mailbox.rcpt_replies[PAT] = deque(["550 5.1.1 No such user here"])
    assert run("run", "--once", "--config", str(district)) == 0
    out = capsys.readouterr().out
    assert "emails:        1 sent, 1 failed" in out
    assert f"failed:        {ALPHA} <{PAT}>: {PAT}: 550 5.1.1 No such user here\n" in out
    assert "refused:" not in out  # the email failed as a whole: not listed twice
    assert [r.recipients for r in server.mailbox.received] == [[KIM]]
    assert statuses(district) == {PAT: Status.FAILED, KIM: Status.SENT}


def test_every_email_refused_exits_1(district, server, capsys):
    for who in (PAT, KIM):
        server.mailbox.rcpt_replies[who] = deque(["550 5.7.1 Relaying denied"])
    assert run("run", "--once", "--config", str(district)) == 1
    assert "none of the 2 emails tried could be delivered" in capsys.readouterr().err


def test_a_refused_cc_is_reported_and_the_others_get_the_email(district, server, deliver,
                                                               capsys):
    server.mailbox.rcpt_replies["bo@district.example"] = deque(["550 5.1.1 Unknown user"])
    report = deliver(district, cc=True)
    beta = server.mailbox.to(KIM)
    assert len(beta) == 1 and beta[0].recipients == [KIM, "ann@district.example"]
    assert beta[0].message["Cc"] == "ann@district.example, bo@district.example"
    assert server.mailbox.to(PAT)[0].recipients == [PAT, "ann@district.example"]
    assert [(r.school, r.recipient, r.detail) for r in report.refused] == [
        (BETA, "bo@district.example", "550 5.1.1 Unknown user")]
    from cli.console import delivery_block
    delivery_block(report)
    assert "refused:       Beta Middle: the server refused bo@district.example (550 5.1.1 " \
           "Unknown user); the other recipients got the email" in capsys.readouterr().out
    assert statuses(district) == {PAT: Status.SENT, KIM: Status.SENT}


# ------------------------------------------------------------------ lost connections


def test_connection_lost_after_data_is_unknown_never_resent(district, server, capsys):
    server.mailbox.drop_after_data.add(PAT)
    assert run("run", "--once", "--config", str(district)) == 0  # Beta went out
    out = capsys.readouterr().out
    assert f"unknown:       {ALPHA} <{PAT}>: the connection to 127.0.0.1:" in out
    assert f'python main.py send --week 2026-W47 --school "{ALPHA}" --resend' in out
    assert server.mailbox.sessions == 2  # reconnected for the rest
    assert run("run", "--once", "--config", str(district)) == 0
    assert "1 already sent, 1 unknown" in capsys.readouterr().out
    assert len(server.mailbox.to(PAT)) == 1 and len(server.mailbox.to(KIM)) == 1
    assert statuses(district) == {PAT: Status.UNKNOWN, KIM: Status.SENT}


def test_server_gone_mid_run_then_a_rerun_sends_the_rest_once(district, server, deliver):
    server.mailbox.drop_after_data.add(PAT)
    server.mailbox.down_after_drop = True
    sleeps = []
    report = deliver(district, sleeps)
    assert sleeps == list(RETRY_DELAYS)  # reconnecting, with pauses
    assert [u.recipient for u in report.unknown] == [PAT]
    assert [w.recipient for w in report.waiting] == [KIM] and report.incomplete
    assert "Could not use the mail server 127.0.0.1:" in report.stopped
    assert statuses(district) == {PAT: Status.UNKNOWN, KIM: Status.PLANNED}
    server.mailbox.refuse_sessions = False
    rerun = deliver(district)
    assert [s.recipient for s in rerun.sent] == [KIM] and not rerun.incomplete
    assert len(server.mailbox.to(PAT)) == 1 and len(server.mailbox.to(KIM)) == 1
    assert statuses(district) == {PAT: Status.UNKNOWN, KIM: Status.SENT}


def test_cli_exits_1_when_emails_wait(district, server, capsys, deliver):
    server.mailbox.refuse_sessions = True
    assert run("run", "--once", "--config", str(district)) == 1
    captured = capsys.readouterr()
    assert f"Could not use the mail server 127.0.0.1:{server.port}" in captured.err
    assert "2 emails were not sent; once that is fixed, run again" in captured.err
    assert statuses(district) == {PAT: Status.PLANNED, KIM: Status.PLANNED}
    server.mailbox.refuse_sessions = False
    assert len(deliver(district).sent) == 2
    assert [r.recipients for r in server.mailbox.received] == [[PAT], [KIM]]


def test_no_reply_to_the_end_of_data_within_the_timeout_is_unknown(tmp_path, server, certs,
                                                                   deliver):
    district = smtp_config(tmp_path, server.port, certs, delivery="  timeout: 0.3\n")
    server.mailbox.hold_data = PAT
    try:
        report = deliver(district)
    finally:
        server.mailbox.release.set()
    assert [u.recipient for u in report.unknown] == [PAT]
    assert "timed out" in report.unknown[0].detail
    assert [s.recipient for s in report.sent] == [KIM] and not report.incomplete
    assert statuses(district) == {PAT: Status.UNKNOWN, KIM: Status.SENT}


def test_a_silent_server_is_given_up_after_the_timeout(tmp_path, certs, deliver):
    with socket.socket() as silent:  # accepts connections (the backlog), never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        district = smtp_config(tmp_path, silent.getsockname()[1], certs,
                               delivery="  timeout: 0.2\n")
        sleeps = []
        report = deliver(district, sleeps)
    assert "no answer within 0.2 s (delivery.timeout)" in report.stopped
    assert sleeps == [] and len(report.waiting) == 2  # never reached: not waited for


def test_a_stop_between_emails_leaves_the_rest_for_the_next_run(district, server, deliver):
    asked = iter([False, True])
    report = deliver(district, [], should_stop=lambda: next(asked))
    assert [s.recipient for s in report.sent] == [PAT]
    assert [w.recipient for w in report.waiting] == [KIM]
    assert "a stop was asked for" in report.stopped
    assert [s.recipient for s in deliver(district).sent] == [KIM]
    assert [r.recipients for r in server.mailbox.received] == [[PAT], [KIM]]


# ------------------------------------------------------------------ the server's door


def test_a_wrong_password_exits_1_naming_the_variables_and_never_the_password(
        district, server, capsys, monkeypatch):
    monkeypatch.setenv("SMTP_PASSWORD", "not-the-password")
    assert run("run", "--once", "--config", str(district)) == 1
    err = capsys.readouterr().err
    assert f"The mail server 127.0.0.1:{server.port} refused the login (535 5.7.8" in err
    assert "SMTP_USERNAME" in err and "SMTP_PASSWORD" in err
    assert "not-the-password" not in err
    assert server.mailbox.received == []


def test_unreachable_server_exits_1_naming_host_and_port(tmp_path, certs, env, capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once closed
    district = smtp_config(tmp_path, port, certs)
    assert run("run", "--once", "--config", str(district)) == 1
    err = capsys.readouterr().err
    assert f"Could not use the mail server 127.0.0.1:{port}" in err
    assert "delivery.host and delivery.port" in err


def test_missing_credentials_exit_2_before_anything_is_written(district, monkeypatch, capsys):
    monkeypatch.delenv("SMTP_PASSWORD")
    assert run("run", "--once", "--config", str(district)) == 2
    assert "delivery.password_env names the environment variable SMTP_PASSWORD, which is not " \
           "set" in capsys.readouterr().err
    assert not (district.parent / "summary.xlsx").exists()


def test_an_untrusted_certificate_is_refused(tmp_path, server, certs, env, capsys):
    district = smtp_config(tmp_path, server.port, certs)
    district.write_text(district.read_text().replace(f"  ca_file: {certs.ca}\n", ""))
    assert run("run", "--once", "--config", str(district)) == 1
    err = capsys.readouterr().err
    assert "TLS with the mail server" in err and "delivery.ca_file" in err
    assert server.mailbox.received == [] and server.mailbox.logins == []


def test_starttls_is_required_when_configured(tmp_path, certs, env, capsys):
    plain = start(certs, security="none")
    try:
        district = smtp_config(tmp_path, plain.port, certs)
        assert run("run", "--once", "--config", str(district)) == 1
        assert "does not offer STARTTLS" in capsys.readouterr().err
        assert plain.mailbox.received == [] and plain.mailbox.logins == []
    finally:
        plain.stop()


def test_implicit_tls(tmp_path, certs, deliver):
    tls = start(certs, security="tls")
    try:
        district = smtp_config(tmp_path, tls.port, certs, delivery="  security: tls\n")
        assert len(deliver(district).sent) == 2
        assert [r.recipients for r in tls.mailbox.received] == [[PAT], [KIM]]
        assert tls.mailbox.logins == [USER]
    finally:
        tls.stop()


def test_no_encryption_to_a_local_relay_without_login(tmp_path, certs, deliver):
    relay = start(certs, security="none", auth=False)
    try:
        district = smtp_config(tmp_path, relay.port, certs, delivery="  security: none\n")
        district.write_text(re.sub(r"  (username|password)_env: .*\n", "",
                                   district.read_text()))
        assert len(deliver(district).sent) == 2
        assert len(relay.mailbox.received) == 2
    finally:
        relay.stop()


@pytest.mark.parametrize("delivery, words", [
    ("  security: none\n  host: mail.district.example\n",
     "delivery.security: 'none' sends reports and passwords unencrypted"),
    ("  password_env: hunter2!pass\n", "delivery.password_env: must be the name of an "
                                       "environment variable"),
    ("  from: nobody\n", "delivery.from: write one address"),
    ("  security: ssl\n", "delivery.security: Input should be 'starttls', 'tls' or 'none'"),
])
def test_delivery_config_mistakes_name_the_key_and_exit_2(tmp_path, certs, capsys, delivery,
                                                          words):
    district = smtp_config(tmp_path, 2525, certs, delivery=delivery)
    assert run("check", "--config", str(district)) == 2
    err = capsys.readouterr().err
    assert words in err
    assert "hunter2" not in err  # a secret pasted in the wrong key is not echoed


# ------------------------------------------------------------------ headers and privacy


def test_newlines_in_sheet_text_cannot_add_a_header_or_a_recipient(tmp_path, server, certs,
                                                                   env, capsys):
    from openpyxl import load_workbook
    evil = "\r\nBcc: evil@attacker.example"
    district = smtp_config(tmp_path, server.port, certs, delivery="  district_summary: true\n",
                           top="district_staff:\n  - name: \"Lead\\nBcc: evil@attacker.example\"\n"
                               "    email: lead@district.example\n")
    book = load_workbook(tmp_path / "district.xlsx")
    for row in book["Schools"].iter_rows(min_row=2):
        if row[0].value == ALPHA:
            row[1].value = "Pat Alpha" + evil
        else:
            row[2].value = KIM + evil  # not an address any more: no email for Beta
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value == ALPHA:
                    cell.value = ALPHA + evil
    book.save(tmp_path / "district.xlsx")
    assert run("run", "--once", "--config", str(district)) == 0
    received = server.mailbox.received
    assert sorted(a for r in received for a in r.recipients) == ["lead@district.example", PAT]
    for r in received:
        msg = r.message
        assert "evil" not in " ".join(r.recipients)
        assert msg["Bcc"] is None and msg["Cc"] is None
        assert all(not line.lower().startswith(b"bcc:") for line in r.data.split(b"\r\n"))
        assert len(msg["To"].addresses) == 1
        assert msg["Subject"].count("\n") == 0
    assert "Beta Middle" in capsys.readouterr().out  # listed under "no email for"


@pytest.fixture(scope="module")
def demo_over_smtp(tmp_path_factory, certs):
    """The demo district exactly as shipped, sent over SMTP with coaches in Cc and the district
    summary, to a real server."""
    from tests.test_demo import DATA, ROOT
    folder = tmp_path_factory.mktemp("demo-smtp")
    server = start(certs)
    text = (ROOT / "config" / "district.yaml").read_text()
    text = text.replace("../demo/data/", f"{DATA}/")
    text = text.replace("../out/district-summary.xlsx", str(folder / "summary.xlsx"))
    text = text.replace("../out/outbox", str(folder / "outbox"))
    text = text.replace("../out/state.sqlite", str(folder / "state.sqlite"))
    text = text.replace("  method: outbox\n", (
        f"  method: smtp\n  host: 127.0.0.1\n  port: {server.port}\n  username_env: "
        f"SMTP_USERNAME\n  password_env: SMTP_PASSWORD\n  ca_file: {certs.ca}\n  timeout: 5\n"
        f"  district_summary: true\n"))
    text = text.replace("  cc_coaches: false\n", "  cc_coaches: true\n")
    config = folder / "district.yaml"
    config.write_text(text)
    mp = pytest.MonkeyPatch()
    for name, value in ENV.items():
        mp.setenv(name, value)
    try:
        assert main.main(["run", "--once", "--config", str(config)],
                         now=dt.datetime(2026, 11, 23, 13, tzinfo=dt.UTC)) == 0
    finally:
        mp.undo()
        server.stop()
    return server.mailbox, folder


def demo_rosters():
    from openpyxl import load_workbook

    from tests.test_demo import DATA
    book = load_workbook(DATA / "district.xlsx", read_only=True)

    def rows(tab):
        header, *body = book[tab].iter_rows(values_only=True)
        return [dict(zip(header, r, strict=False)) for r in body if any(r)]
    return rows("Schools"), rows("Coaches"), rows("Teachers")


def test_demo_each_principal_gets_exactly_one_email_and_staff_the_summary(demo_over_smtp):
    box, _ = demo_over_smtp
    schools, _, _ = demo_rosters()
    principals = {s["Principal email"].lower() for s in schools}
    to = [r.message["To"].addresses[0].addr_spec.lower() for r in box.received]
    coaches = {c["Email"].lower() for c in demo_rosters()[1]}  # each coach's weekly note
    assert sorted(to) == sorted(principals | {"coaching-lead@riverbend.example"} | coaches)
    summary = box.to("coaching-lead@riverbend.example")
    assert len(summary) == 1 and summary[0].recipients == ["coaching-lead@riverbend.example"]
    assert box.sessions == 1


def test_demo_no_email_holds_another_schools_names(demo_over_smtp):
    """Every other school's name, principal, coaches (who do not also serve this school) and
    teachers are absent from each principal's email, headers included."""
    box, _ = demo_over_smtp
    schools, coaches, teachers = demo_rosters()
    coach_schools = {c["Name"]: {s.strip() for s in c["Schools"].split(";")} for c in coaches}
    for school in schools:
        name = school["School"]
        (mail,) = box.to(school["Principal email"])
        others = [s for s in schools if s["School"] != name]
        forbidden = {s["School"] for s in others} | {s["Principal"] for s in others}
        forbidden |= {c for c, where in coach_schools.items() if name not in where}
        forbidden |= {t["Teacher"] for t in teachers if t["School"] != name}
        forbidden -= {t["Teacher"] for t in teachers if t["School"] == name}
        text = mail.data.decode("ascii", "replace") + mail.part("plain") + mail.part("html")
        names = sorted(map(re.escape, forbidden), key=len, reverse=True)
        found = set(re.findall(rf"\b(?:{'|'.join(names)})\b", text))
        assert found == set(), f"{name}'s email names {found}"
        cc = {a.addr_spec for a in mail.message["Cc"].addresses} if mail.message["Cc"] else set()
        assert cc == {c["Email"] for c in coaches if name in coach_schools[c["Name"]]}


def test_demo_every_html_part_is_under_100_kb(demo_over_smtp):
    box, _ = demo_over_smtp
    sizes = [len(r.part("html").encode()) for r in box.received]
    assert len(sizes) == 8 + 9 and max(sizes) < 100_000


def test_no_password_in_the_state_file_or_the_outputs(demo_over_smtp):
    _, folder = demo_over_smtp
    for path in folder.rglob("*"):
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes(), path


def test_the_ledger_shares_the_state_file_in_wal_mode(demo_over_smtp):
    _, folder = demo_over_smtp
    db = sqlite3.connect(folder / "state.sqlite")
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"emails", "email_events"} <= tables
    assert db.execute("SELECT COUNT(*), MIN(status), MAX(status) FROM emails").fetchone() == \
        (8 + 9, "sent", "sent")  # 7 principals, the district lead, 9 coaches


# ------------------------------------------------------------------ a real crash (SIGKILL)


def killed_while_held(district, server):
    """Runs the job in its own process and kills it (SIGKILL: no clean-up of any kind) while
    the server holds its reply."""
    import os
    import subprocess
    import sys

    from tests.test_demo import ROOT
    job = subprocess.Popen([sys.executable, "main.py", "run", "--once", "--config",
                            str(district)], cwd=ROOT, env={**os.environ, **ENV},
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert server.mailbox.holding.wait(timeout=60), "the job never reached the server"
    finally:
        job.kill()
        job.wait(timeout=30)
    server.mailbox.release.set()


def test_killed_between_emails_the_next_run_sends_the_rest_once(district, server, deliver):
    server.mailbox.hold_rcpt = KIM  # Kim's email is claimed, not handed over
    killed_while_held(district, server)
    assert statuses(district) == {PAT: Status.SENT, KIM: Status.SENDING}
    rerun = deliver(district)
    assert [s.recipient for s in rerun.sent] == [KIM]
    assert [r.recipients for r in server.mailbox.received] == [[PAT], [KIM]]


def test_killed_after_handing_an_email_over_it_is_unknown_not_resent(district, server, capsys):
    server.mailbox.hold_data = PAT  # the server has Pat's email; the job awaits the reply
    killed_while_held(district, server)
    assert statuses(district)[PAT] == Status.UNKNOWN
    assert run("run", "--once", "--config", str(district)) == 0
    out = capsys.readouterr().out
    assert f"unknown:       {ALPHA} <{PAT}>: since " in out and "--resend" in out
    assert [r.recipients for r in server.mailbox.received] == [[PAT], [KIM]]
    assert statuses(district) == {PAT: Status.UNKNOWN, KIM: Status.SENT}
