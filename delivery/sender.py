"""Sending a week's emails over SMTP or the Gmail API, each exactly once, with the ledger as the
memory.

For every email: plan it in the ledger; skip it if the ledger says sent (or unknown: it may have
arrived, and a second copy is worse than asking the operator); otherwise claim it, send it over
the run's one connection, and record the outcome. A 4xx reply is tried again after a pause; a
5xx reply fails that email and the rest go on. If the server cannot be used at all, sending
stops and the rest wait, untouched, for the next run.
"""
from __future__ import annotations

import datetime as dt
import email.policy
import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from email.utils import parseaddr

from config.model import Config
from core.errors import DeliveryError, Stopped
from delivery import gmail, smtp
from delivery.gmail import GmailConnection
from delivery.ledger import Key, Ledger, Status, peek
from delivery.oauth import SetupMissing
from delivery.report import DeliveryReport, Line
from delivery.smtp import Connection, Outcome, Result, Server, ServerUnavailable, login_for
from reports.outbox import build_message, message_id
from reports.progress import progress
from reports.render import Email

log = logging.getLogger("coaching_impact.delivery")

Transport = Connection | GmailConnection
"""The run's one way out: both open on first use, and send one email per `transact`."""

RETRY_DELAYS = (5.0, 30.0, 120.0)
"""Seconds to wait before each new try of an email the server answered with 4xx."""

_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


@dataclass(frozen=True)
class Outgoing:
    key: Key
    email: Email
    payload: bytes  # empty when the email cannot be built
    problem: str = ""
    unusable: tuple[str, ...] = ()  # Cc addresses left out: not usable email addresses

    @property
    def recipients(self) -> list[str]:
        """The envelope: the To address, then each Cc, each once (a coach may be the principal)."""
        unique: dict[str, str] = {}
        for address in (self.email.to or "", *self.email.cc):
            if address:
                unique.setdefault(address.lower(), address)
        return list(unique.values())

    def line(self, detail: str = "", *, earlier: bool = False) -> Line:
        return Line(self.email.school, self.key.recipient, detail, earlier)


def send_emails(config: Config, emails: list[Email], week: str, now: dt.datetime, *,
                resend: bool = False, environ: Mapping[str, str],
                held: Mapping[str, str] | None = None,
                sleep: Callable[[float], None] = time.sleep,
                should_stop: Callable[[], bool] = lambda: False,
                clock: Callable[[], float] = time.time) -> DeliveryReport:
    """Send what the ledger has not sent (with `resend`: these emails regardless), except the
    `held` ones (email key → why), which are recorded as held. A stop asked for is honoured
    between two emails."""
    connection = transport(config, environ, clock, sleep)
    report = DeliveryReport(config.delivery.method, connection.label, week)
    with Ledger(config.path(config.state)) as ledger:
        items = hold(ledger, outgoing(config, emails, week, now), held or {}, report)
        due = plan(ledger, items, report, resend=resend)
        try:
            with progress("Emails sent", len(due)) as shown:
                for item in due:
                    send_or_hold(connection, ledger, config, item, report, resend, sleep,
                                 should_stop)
                    shown.advance()
        finally:
            connection.close()
    return report


def transport(config: Config, environ: Mapping[str, str], clock: Callable[[], float],
              sleep: Callable[[float], None]) -> Transport:
    """The run's one way out: an SMTP connection, or the Gmail API as the sender's mailbox."""
    if config.delivery.method == "gmail":
        return GmailConnection(config, environ, clock=clock, sleep=sleep)
    server = Server.of(config)
    return Connection(server, login_for(server, config, environ, clock))


def preflight(config: Config, environ: Mapping[str, str]) -> None:
    """Before a run reads or writes anything: the credentials the chosen method needs are set
    and readable (no network), else a ConfigError naming the key and the variable."""
    if config.delivery.method == "gmail":
        gmail.preflight(config, environ)
    else:
        smtp.preflight(config, environ)


def check_credentials(config: Config, environ: Mapping[str, str],
                      clock: Callable[[], float] = time.time) -> str | None:
    """`check`: log in (SMTP) or fetch a token (Gmail, and Microsoft 365's XOAUTH2) without
    sending anything. Returns what was checked; a refusal raises, naming the missing step."""
    if config.delivery.method == "outbox":
        return None
    preflight(config, environ)
    connection = transport(config, environ, clock, time.sleep)
    try:
        connection.open()
    finally:
        connection.close()
    if isinstance(connection, GmailConnection):
        return (f"{connection.label}: Google granted the service account a token for "
                f"{gmail.GMAIL_SEND} (domain-wide delegation is in place)")
    how = ("logged in with the app's token (XOAUTH2)" if connection.server.oauth2 else
           "logged in" if connection.login else "connected (no login configured)")
    return f"mail server {connection.label}: {how}"


def send_or_hold(connection: Transport, ledger: Ledger, config: Config, item: Outgoing,
                 report: DeliveryReport, resend: bool, sleep: Callable[[float], None],
                 should_stop: Callable[[], bool]) -> None:
    """One email: sent, or held once sending has stopped (a stop asked for, a dead server)."""
    if not report.stopped and should_stop():
        report.stopped = "a stop was asked for (SIGTERM or Ctrl-C)"
    if report.stopped:
        report.waiting.append(item.line("not tried"))
        return
    try:
        send_one(connection, ledger, config, item, report, resend, sleep)
    except DeliveryError as exc:
        report.stopped = str(exc)
        report.setup_missing = isinstance(exc, SetupMissing)
        report.waiting.append(item.line("not sent"))
        log.error("Sending stopped: %s", exc)
    except Stopped:  # during a retry's pause: this email was not handed over
        report.stopped = "a stop was asked for (SIGTERM or Ctrl-C)"
        report.waiting.append(item.line("not sent"))


def outgoing(config: Config, emails: list[Email], week: str, now: dt.datetime) -> list[Outgoing]:
    """Each email with a principal (or staff) address, as the bytes that go on the wire."""
    d = config.delivery
    items = []
    for mail in emails:
        if not mail.to:
            continue
        key = Key.of(week, mail.school, mail.to)
        if not _ADDRESS.match(mail.to):
            items.append(Outgoing(key, mail, b"", f"'{mail.to}' is not a usable email address; "
                                                  f"fix it on the Schools tab"))
            continue
        unusable = tuple(a for a in mail.cc if not _ADDRESS.match(a))
        mail = replace(mail, cc=tuple(a for a in mail.cc if a not in unusable))
        try:
            msg = build_message(mail, d.sender, d.reply_to, week, now)
            items.append(Outgoing(key, mail, msg.as_bytes(policy=email.policy.SMTP),
                                  unusable=unusable))
        except (ValueError, TypeError) as exc:  # the email package refuses a header
            items.append(Outgoing(key, mail, b"", f"the email could not be built: {exc}"))
    return items


def hold(ledger: Ledger, items: list[Outgoing], held: Mapping[str, str],
         report: DeliveryReport) -> list[Outgoing]:
    """Record the emails of schools whose sources could not be used as held (whatever the
    delivery method); return the others. An email sent before the source broke stays sent."""
    rest = []
    for item in items:
        reason = held.get(item.email.key)
        if reason is None:
            rest.append(item)
            continue
        entry = ledger.hold(item.key, message_id(item.key.week, item.email.key,
                                                 item.key.recipient), item.email.subject, reason)
        if entry.status is Status.HELD:
            report.held.append(item.line(reason))
            log.warning("Email for %s <%s> held: %s", item.email.school, item.key.recipient,
                        reason)
        else:
            rest.append(item)
    return rest


def hold_outbox(config: Config, emails: list[Email], week: str, held: Mapping[str, str],
                report: DeliveryReport) -> list[Email]:
    """Outbox mode: the same held bookkeeping in the ledger; returns the emails to write. Emails
    held by an earlier run and written now are marked as delivered."""
    if not held and Status.HELD not in peek(config.path(config.state), week).values():
        return emails  # nothing held, now or before: the outbox keeps no ledger
    items = [Outgoing(Key.of(week, e.school, e.to), e, b"") for e in emails if e.to]
    with Ledger(config.path(config.state)) as ledger:
        rest = hold(ledger, items, held, report)
        for item in rest:
            entry = ledger.get(item.key)
            if entry is not None and entry.status is Status.HELD:
                ledger.written(item.key, "written to the outbox")
    free = {id(i.email) for i in rest}
    return [e for e in emails if not e.to or id(e) in free]


def plan(ledger: Ledger, items: list[Outgoing], report: DeliveryReport, *,
         resend: bool) -> list[Outgoing]:
    """Record every email as planned; return those to send now."""
    due = []
    for item in items:
        entry = ledger.plan(item.key, message_id(item.key.week, item.email.key, item.key.recipient),
                            item.email.subject)
        if resend or entry.status not in (Status.SENT, Status.UNKNOWN):
            due.append(item)
        elif entry.status == Status.SENT:
            report.already_sent.append(item.line(entry.updated_at, earlier=True))
        else:
            report.unknown.append(item.line(f"since {entry.updated_at}: {entry.detail}",
                                            earlier=True))
    return due


def send_one(connection: Transport, ledger: Ledger, config: Config, item: Outgoing,
             report: DeliveryReport, resend: bool, sleep: Callable[[float], None]) -> None:
    if not ledger.claim(item.key, resend=resend):
        report.already_sent.append(item.line("sent by another run", earlier=True))
        return
    if item.problem:
        ledger.failed(item.key, item.problem)
        report.failed.append(item.line(item.problem))
        return
    try:
        outcome = tries(connection, ledger, parseaddr(config.delivery.sender)[1], item, sleep)
    except DeliveryError:
        ledger.release(item.key, "not sent: the mail server could not be used")
        raise
    except Stopped:
        ledger.release(item.key, "not sent: the run was stopped while waiting to try again")
        raise
    record(ledger, item, outcome, report)


def tries(connection: Transport, ledger: Ledger, sender: str, item: Outgoing,
          sleep: Callable[[float], None]) -> Outcome:
    """Up to 1 + len(RETRY_DELAYS) tries with pauses between, until an outcome that is not
    temporary. A server that was never reached in this run is not waited for."""
    last: Outcome | None = None
    unreachable: ServerUnavailable | None = None
    for pause in (0.0, *RETRY_DELAYS):
        if pause:
            sleep(pause)
        if not connection.alive:
            try:
                connection.open()
            except ServerUnavailable as exc:
                if not connection.opened:
                    raise
                unreachable = exc
                continue
        last = connection.transact(sender, item.recipients, item.payload,
                                   lambda: ledger.handed_over(item.key))
        if last.result not in (Result.TEMPORARY, Result.LOST):
            return last
    if last is None:
        assert unreachable is not None
        raise unreachable
    return last


def record(ledger: Ledger, item: Outgoing, outcome: Outcome, report: DeliveryReport) -> None:
    key = item.key
    refusals = {**dict.fromkeys(item.unusable, "not a usable email address"), **outcome.refused}
    refused = "; ".join(f"{a}: {r}" for a, r in refusals.items())
    who = f"{item.email.school} <{key.recipient}>"
    for address, reply in refusals.items():
        report.refused.append(Line(item.email.school, address, reply))
        log.warning("Email for %s: the server refused the recipient %s: %s", who, address,
                    reply)
    if outcome.result == Result.SENT:
        ledger.sent(key, outcome.reply, refused)
        report.sent.append(item.line(outcome.reply))
        log.info("Sent to %s", who)
    elif outcome.result == Result.UNKNOWN:
        detail = f"{outcome.reply} after the message was handed over, before the server replied"
        ledger.unknown(key, detail)
        report.unknown.append(item.line(detail))
        log.warning("Email to %s: outcome unknown (%s); it is not sent again by itself", who,
                    detail)
    else:
        detail = outcome.reply if outcome.result == Result.PERMANENT else (
            f"{outcome.reply} (after {1 + len(RETRY_DELAYS)} tries; the next run tries again)")
        ledger.failed(key, detail, refused)
        report.failed.append(item.line(detail))
        log.warning("Email to %s failed: %s", who, detail)
