"""The SMTP conversation: one connection per run, one transaction per email.

The only module that touches smtplib. Every step has a timeout (the socket's, set once for the
connection and kept through TLS). The transaction is written out command by command so that the
ledger can be told the moment the message is handed over: just before the final "." of DATA,
after which a lost connection leaves the outcome unknown.
"""
from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parseaddr
from enum import StrEnum
from pathlib import Path

from config.model import Config, Security
from core.errors import ConfigError, DeliveryError
from delivery.oauth import AppRegistration, IdentityUnavailable, MicrosoftTokens, SetupMissing


class ServerUnavailable(DeliveryError):
    """The mail server could not be reached, or it went away; trying again later may work."""


class ServerRefused(DeliveryError):
    """The mail server refused TLS, the login or the sender: no email can go until it is fixed."""


class Result(StrEnum):
    SENT = "sent"
    TEMPORARY = "temporary"  # a 4xx reply before the server took the message: try again
    PERMANENT = "permanent"  # a 5xx reply: not delivered
    LOST = "lost"  # connection lost before the hand-over: not delivered
    UNKNOWN = "unknown"  # connection lost after the hand-over, before the reply


@dataclass(frozen=True)
class Outcome:
    result: Result
    reply: str
    refused: dict[str, str] = field(default_factory=dict)
    """Recipients the server refused (address → its reply); the others got the message."""


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    security: Security
    timeout: float
    ca_file: Path | None
    username_env: str | None
    password_env: str | None
    oauth2: bool = False
    mailbox: str = ""  # the From address: with oauth2, the mailbox the app sends as

    @classmethod
    def of(cls, config: Config) -> Server:
        d = config.delivery
        assert d.host is not None  # the config model requires it for smtp
        return cls(d.host, d.smtp_port, d.security, d.timeout,
                   config.path(d.ca_file) if d.ca_file else None, d.username_env,
                   d.password_env, d.auth == "oauth2", parseaddr(d.sender)[1])

    @property
    def label(self) -> str:
        return f"{self.host}:{self.port}"


Login = tuple[str, str]


@dataclass(frozen=True)
class XOAuth2:
    """Log in as `user` with an OAuth2 bearer token (SASL XOAUTH2), Microsoft 365's way."""

    user: str
    tokens: MicrosoftTokens


def login_for(server: Server, config: Config, environ: Mapping[str, str],
              clock: Callable[[], float]) -> Login | XOAuth2 | None:
    """How this run logs in: a password, an app's token, or not at all (a relay)."""
    if server.oauth2:
        return XOAuth2(server.mailbox, MicrosoftTokens(AppRegistration.of(config, environ),
                                                       clock))
    return credentials(server, environ)


def credentials(server: Server, environ: Mapping[str, str]) -> Login | None:
    """The user name and password from the environment variables the config names."""
    if server.username_env is None or server.password_env is None:
        return None
    for key, name in (("username_env", server.username_env),
                      ("password_env", server.password_env)):
        if not environ.get(name):
            raise ConfigError(
                f"delivery.{key} names the environment variable {name}, which is not set. "
                f"Set it where the job runs (export {name}=… in the shell, or "
                f"Environment=/EnvironmentFile= in the systemd unit).")
    return environ[server.username_env], environ[server.password_env]


def preflight(config: Config, environ: Mapping[str, str]) -> None:
    """Raise ConfigError now, before a run reads or writes anything, rather than after the tabs
    are written: the credentials the config names must be set, its CA file must exist."""
    if config.delivery.method != "smtp":
        return
    server = Server.of(config)
    if server.oauth2:
        AppRegistration.of(config, environ).credential()
    else:
        credentials(server, environ)
    check_ca_file(server)


def check_ca_file(server: Server) -> None:
    if server.ca_file is not None and not server.ca_file.is_file():
        raise ConfigError(f"delivery.ca_file: {server.ca_file} does not exist. Point it at the "
                          f"PEM certificate of the CA that signed the mail server's certificate.")


class Connection:
    """One SMTP session, opened on first use and reopened after the server drops it."""

    def __init__(self, server: Server, login: Login | XOAuth2 | None) -> None:
        self.server = server
        self.login = login
        self._smtp: smtplib.SMTP | None = None
        self.opened = 0

    @property
    def alive(self) -> bool:
        return self._smtp is not None

    @property
    def label(self) -> str:
        return self.server.label

    def open(self) -> None:
        """Connect, say EHLO, STARTTLS (when configured) and log in; on any failure, drop the
        socket (no QUIT: the server may be the thing that is not answering)."""
        s = self.server
        try:
            self._smtp = self._connect()
            self._hello()
            if self.login:
                self._login()
        except smtplib.SMTPAuthenticationError as exc:
            self._drop()
            raise ServerRefused(
                f"The mail server {s.label} refused the login ({_reply(exc)}). Check the user "
                f"name in {s.username_env} and the password in {s.password_env} (environment "
                f"variables named by delivery.username_env and delivery.password_env).") from None
        except ssl.SSLError as exc:
            self._drop()
            why = getattr(exc, "verify_message", None) or exc.reason or exc
            raise ServerRefused(
                f"TLS with the mail server {s.label} failed: {why}. If its "
                f"certificate comes from a private CA, set delivery.ca_file to that CA's "
                f"certificate; check that delivery.security ({s.security.value}) is what the "
                f"port expects (starttls: usually 587, tls: 465).") from None
        except DeliveryError:
            self._drop()
            raise
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise self._unavailable(exc) from None
        self.opened += 1

    def _connect(self) -> smtplib.SMTP:
        s = self.server
        if s.security == Security.TLS:
            return smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=self._tls())
        return smtplib.SMTP(s.host, s.port, timeout=s.timeout)

    def _tls(self) -> ssl.SSLContext:
        """Certificates are always verified, against the system's CAs or delivery.ca_file."""
        ca = self.server.ca_file
        return ssl.create_default_context(cafile=str(ca) if ca else None)

    def _hello(self) -> None:
        smtp, s = self._smtp, self.server
        assert smtp is not None
        _expect(smtp.ehlo(), 250)
        if s.security != Security.STARTTLS:
            return
        if not smtp.has_extn("starttls"):
            raise ServerRefused(
                f"The mail server {s.label} does not offer STARTTLS, so the reports would travel "
                f"unencrypted; nothing was sent. If the port expects TLS from the start, set "
                f"delivery.security: tls (usually port 465).")
        _expect(smtp.starttls(context=self._tls()), 220)
        _expect(smtp.ehlo(), 250)

    def _login(self) -> None:
        smtp, s = self._smtp, self.server
        assert smtp is not None and self.login is not None
        if not smtp.has_extn("auth"):
            raise ServerRefused(
                f"The mail server {s.label} does not offer a login (AUTH) on this connection. "
                f"Remove delivery.username_env and delivery.password_env if it relays without "
                f"one, or check delivery.security.")
        if isinstance(self.login, XOAuth2):
            return self._xoauth2(self.login)
        try:
            smtp.login(*self.login)
        except smtplib.SMTPAuthenticationError:
            raise
        except smtplib.SMTPException as exc:
            raise ServerRefused(f"Logging in to the mail server {s.label} failed: {exc}.") from None

    def _xoauth2(self, login: XOAuth2) -> None:
        """AUTH XOAUTH2 with the kept token; if the server refuses a kept one (revoked, or
        expired early), once more with a new one. A refused new token means the app may not
        send as the mailbox: the message names the three Microsoft-side steps."""
        smtp = self._smtp
        assert smtp is not None
        if "XOAUTH2" not in smtp.esmtp_features.get("auth", "").upper().split():
            raise ServerRefused(
                f"The mail server {self.server.label} does not offer XOAUTH2 (it offers AUTH "
                f"{smtp.esmtp_features.get('auth', '').strip()}), so delivery.auth: oauth2 "
                f"cannot log in there. For Microsoft 365 use delivery.host: smtp.office365.com.")
        for _ in range(2):
            before = login.tokens.fetched
            try:
                token = login.tokens.token()
            except IdentityUnavailable as exc:
                raise ServerUnavailable(str(exc)) from None
            blob = f"user={login.user}\x01auth=Bearer {token}\x01\x01"
            try:
                smtp.auth("XOAUTH2", lambda challenge=None, blob=blob: blob if challenge is None
                          else "", initial_response_ok=True)
                return
            except smtplib.SMTPAuthenticationError as exc:
                refused = _reply(exc)
                if login.tokens.fetched > before:
                    raise SetupMissing(self._three_steps(login, refused)) from None
                login.tokens.forget()
        raise SetupMissing(self._three_steps(login, refused))

    def _three_steps(self, login: XOAuth2, reply: str) -> str:
        app = login.tokens.app
        disabled = ("5.7.139" in reply and
                    f" The answer says SMTP AUTH is turned off: turn it on for the mailbox "
                    f"(Set-CASMailbox -Identity {login.user} -SmtpClientAuthenticationDisabled "
                    f"$false) or the organisation.")
        return (f"The mail server {self.server.label} refused the app's token for the mailbox "
                f"{login.user} ({reply}). The token was issued, so the app registration "
                f"exists; three steps on Microsoft's side let it send as the mailbox: "
                f"1) in the Entra admin center, App registrations › the app ({app.client_id}) › "
                f"API permissions: add Office 365 Exchange Online › Application permissions › "
                f"SMTP.SendAsApp, and Grant admin consent; "
                f"2) in Exchange Online PowerShell, register the app's service principal: "
                f"New-ServicePrincipal -AppId {app.client_id} -ObjectId <Object ID from "
                f"Enterprise applications>; "
                f"3) give it the mailbox: Add-MailboxPermission -Identity {login.user} -User "
                f"<that service principal's ID> -AccessRights FullAccess."
                f"{disabled or ''} See README, 'Sending email'.")

    def _unavailable(self, exc: BaseException) -> DeliveryError:
        s = self.server
        if isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError):
            hint = (f"no answer within {s.timeout:g} s (delivery.timeout). If the port expects "
                    f"TLS from the start, set delivery.security: tls")
        elif isinstance(exc, smtplib.SMTPResponseException):
            hint = f"it answered {_reply(exc)}"
        else:
            hint = (f"{exc}. Check delivery.host and delivery.port, and that this machine may "
                    "reach it")
        return ServerUnavailable(f"Could not use the mail server {s.label}: {hint}.")

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            smtp.close()

    # ------------------------------------------------------------ one email

    def transact(self, sender: str, recipients: list[str], payload: bytes,
                 on_handover: Callable[[], None]) -> Outcome:
        """MAIL, RCPT for each recipient, DATA. `on_handover` runs once the whole message but
        its final "." is written; a lost connection after that is an unknown outcome."""
        assert self._smtp is not None
        handed_over = False

        def handover() -> None:
            nonlocal handed_over
            on_handover()
            handed_over = True
        try:
            return self._transaction(sender, recipients, payload, handover)
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self._drop()
            what = f"the connection to {self.server.label} was lost ({exc or type(exc).__name__})"
            return Outcome(Result.UNKNOWN if handed_over else Result.LOST, what)

    def _transaction(self, sender: str, recipients: list[str], payload: bytes,
                     handover: Callable[[], None]) -> Outcome:
        smtp = self._smtp
        assert smtp is not None
        eight_bit = any(b > 127 for b in payload) and smtp.has_extn("8bitmime")
        code, text = smtp.mail(sender, ["BODY=8BITMIME"] if eight_bit else [])
        if code != 250:
            return self._sender_refused(sender, code, text)
        refused = {}
        for rcpt in recipients:
            code, text = smtp.rcpt(rcpt)
            if code not in (250, 251):
                refused[rcpt] = _fmt(code, text)
        if len(refused) == len(recipients):  # nobody to send to: the email failed as a whole
            return self._failed(min(_code(r) for r in refused.values()),
                                "; ".join(f"{a}: {r}" for a, r in refused.items()), {})
        code, text = smtp.docmd("DATA")
        if code != 354:
            return self._failed(code, _fmt(code, text), refused)
        smtp.send(_dot_stuffed(payload))
        handover()
        smtp.send(b".\r\n")
        code, text = smtp.getreply()
        if code == 250:
            return Outcome(Result.SENT, _fmt(code, text), refused)
        return self._failed(code, _fmt(code, text), refused, reset=False)

    def _sender_refused(self, sender: str, code: int, text: bytes) -> Outcome:
        s = self.server
        if code == 530:
            raise ServerRefused(
                f"The mail server {s.label} wants a login before it sends ({_fmt(code, text)}). "
                f"Set delivery.username_env and delivery.password_env and those variables.")
        if code >= 500:
            raise ServerRefused(
                f"The mail server {s.label} refused the sender {sender} ({_fmt(code, text)}). "
                f"Set delivery.from to an address this account may send as.")
        return self._failed(code, _fmt(code, text), {})

    def _failed(self, code: int, reply: str, refused: dict[str, str], *,
                reset: bool = True) -> Outcome:
        """A refusal: 4xx is temporary, 5xx permanent. 421 means the server is closing."""
        if code == 421:
            self._drop()
        elif reset:
            self._reset()
        return Outcome(Result.TEMPORARY if 400 <= code < 500 else Result.PERMANENT, reply,
                       refused)

    def _reset(self) -> None:
        assert self._smtp is not None
        try:
            self._smtp.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()


def _dot_stuffed(payload: bytes) -> bytes:
    """RFC 5321 4.5.2: a line starting with '.' gets another; the data ends with CRLF."""
    data = re.sub(rb"(?m)^\.", b"..", payload)
    return data if data.endswith(b"\r\n") else data + b"\r\n"


def _expect(reply: tuple[int, bytes], code: int) -> None:
    if reply[0] != code:
        raise smtplib.SMTPResponseException(*reply)


def _fmt(code: int, text: bytes) -> str:
    return f"{code} {text.decode('utf-8', 'replace')}".strip()


def _code(reply: str) -> int:
    return int(reply.split(" ", 1)[0])


def _reply(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error
    return _fmt(exc.smtp_code, text if isinstance(text, bytes) else str(text).encode())
