"""A real SMTP server for the tests: aiosmtpd on 127.0.0.1, with STARTTLS (or implicit TLS) and
AUTH, its certificate signed by a CA made at test time. The handler keeps every message it
accepted, and can be told to answer with 4xx/5xx or to drop the connection.

AUTH XOAUTH2 is Microsoft 365's: the token (from the token stand-in, `standins.oauth`) must be
unexpired, for Exchange Online, carry the SMTP.SendAsApp role (admin consent) and belong to an
app allowed on the mailbox named by `user=`; anything else is answered as Exchange does,
535 5.7.3 Authentication unsuccessful."""
from __future__ import annotations

import asyncio
import base64
import binascii
import collections
import datetime as dt
import email
import email.policy
import ipaddress
import ssl
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import MISSING, SMTP, AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

USER, PASSWORD = "reports@district.example", "s3cret-Pa55word!"


@dataclass(frozen=True)
class Certs:
    ca: Path
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(self.cert, self.key)
        return ctx


def make_certs(folder: Path) -> Certs:
    """A CA and a server certificate for localhost / 127.0.0.1 signed by it (EC keys: fast)."""
    now = dt.datetime.now(dt.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False,
                                       encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                         critical=False)
          .sign(ca_key, hashes.SHA256()))
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([
                x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = Certs(folder / "ca.pem", folder / "server.pem", folder / "server.key")
    paths.ca.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths.key.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                            serialization.PrivateFormat.PKCS8,
                                            serialization.NoEncryption()))
    return paths


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.data, policy=email.policy.default)  # type: ignore[return-value,unused-ignore]

    def part(self, subtype: str) -> str:
        return self.message.get_body(preferencelist=(subtype,)).get_content()  # type: ignore


@dataclass
class Mailbox:
    """The handler: what was accepted, and the faults to play (each used once)."""

    received: list[Received] = field(default_factory=list)
    rcpt_replies: dict[str, deque[str]] = field(default_factory=dict)
    """Address → replies to its next RCPT commands (e.g. '550 5.1.1 No such user')."""
    data_replies: deque[str] = field(default_factory=deque)
    """Replies to the next DATA ends (e.g. '451 4.3.0 Try again later')."""
    drop_after_data: set[str] = field(default_factory=set)
    """Keep the message for these recipients, then close the connection without a reply."""
    down_after_drop: bool = False
    """After dropping a connection, answer every new session with 421 (a server gone away)."""
    refuse_sessions: bool = False
    """Answer EHLO with 421, as a server that is going away."""
    hold_rcpt: str = ""
    """Hold the reply to RCPT for this address (the email is claimed, not yet handed over)..."""
    hold_data: str = ""
    """...or to the end of DATA for this address (handed over, kept, no reply yet)..."""
    release: threading.Event = field(default_factory=threading.Event)
    """...until this is set; `holding` is set once the server waits."""
    holding: threading.Event = field(default_factory=threading.Event)
    peers: set[tuple[str, int]] = field(default_factory=set)
    logins: list[str] = field(default_factory=list)
    verify_token: Callable[[str], dict[str, Any]] | None = None
    """XOAUTH2: checks a bearer token (TokenService.verify); None refuses every token."""
    send_as: dict[str, set[str]] | None = None
    """XOAUTH2: app client ID → mailboxes it may send as (Add-MailboxPermission); None: any."""
    one_message_per_session: bool = False
    """After one message, answer the next MAIL with 421 and close (as Exchange may)."""
    refused_tokens: list[str] = field(default_factory=list)
    _messages: dict[int, int] = field(default_factory=dict)  # per session (by id)

    @property
    def sessions(self) -> int:
        """Connections that got as far as EHLO."""
        return len(self.peers)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if self.refuse_sessions:
            return ["421 4.3.2 Service shutting down"]
        self.peers.add(session.peer)  # EHLO comes again after STARTTLS, on the same connection
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.one_message_per_session and self._messages.get(id(session)):
            asyncio.get_running_loop().call_soon(server.transport.close)
            return "421 4.3.2 Service not available, closing transmission channel"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address.lower() == self.hold_rcpt:
            await self._hold()
        queued = self.rcpt_replies.get(address.lower())
        if queued:
            return queued.popleft()
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_replies:
            return self.data_replies.popleft()
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                      envelope.original_content or envelope.content))
        self._messages[id(session)] = self._messages.get(id(session), 0) + 1
        if self.hold_data in (r.lower() for r in envelope.rcpt_tos):
            await self._hold()
        if self.drop_after_data & {r.lower() for r in envelope.rcpt_tos}:
            self.drop_after_data -= {r.lower() for r in envelope.rcpt_tos}
            self.refuse_sessions = self.down_after_drop
            server.transport.abort()
            return "250 OK"  # never reaches the client
        return "250 2.0.0 OK: queued"

    async def _hold(self) -> None:
        self.holding.set()
        while not self.release.is_set():
            await asyncio.sleep(0.01)

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and \
            (auth_data.login.decode(), auth_data.password.decode()) == (USER, PASSWORD)
        if ok:
            self.logins.append(auth_data.login.decode())
        return AuthResult(success=ok, handled=False)  # aiosmtpd answers 535 on failure

    async def auth_XOAUTH2(self, server, args):
        """SASL XOAUTH2: base64("user=" user ^A "auth=Bearer " token ^A ^A)."""
        if len(args) == 1:
            blob = await server.challenge_auth("")
            if blob is MISSING:
                return AuthResult(success=False)
        else:
            try:
                blob = base64.b64decode(args[1], validate=True)
            except binascii.Error:
                return AuthResult(success=False, handled=False, message="501 5.5.2 Cannot "
                                  "decode base64")
        user, problem = self._xoauth2(blob)
        if problem:
            self.refused_tokens.append(problem)
            return AuthResult(success=False, handled=False, message="535 5.7.3 "
                              "Authentication unsuccessful [SA1PR05CA0001.namprd05.prod."
                              "outlook.test]")
        self.logins.append(user)
        return AuthResult(success=True, auth_data=user)

    def _xoauth2(self, blob: bytes) -> tuple[str, str]:
        """(user, why it is refused or "")."""
        fields = dict(part.split("=", 1) for part in blob.decode("utf-8", "replace")
                      .split("\x01") if "=" in part)
        user, auth = fields.get("user", ""), fields.get("auth", "")
        if not auth.startswith("Bearer ") or self.verify_token is None:
            return user, "not a bearer token"
        from standins.oauth import OUTLOOK, SEND_AS_APP, InvalidToken
        try:
            claims = self.verify_token(auth[7:])
        except InvalidToken as exc:
            return user, str(exc)
        if claims.get("aud") != OUTLOOK or SEND_AS_APP not in claims.get("roles", []):
            return user, "no SMTP.SendAsApp role for Exchange Online"
        if self.send_as is not None and user.lower() not in self.send_as.get(
                claims.get("appid", ""), set()):
            return user, f"the app has no permission on the mailbox {user}"
        return user, ""

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address.lower() in (a.lower() for a in r.recipients)]


class _Smtp(SMTP):
    """Takes command lines as long as an AUTH XOAUTH2 with a real token (a few KB), as Exchange
    does; aiosmtpd's default stops at 512 bytes."""

    command_size_limit = 16_384
    command_size_limits = collections.defaultdict(  # noqa: RUF012 (aiosmtpd's is one too)
        lambda: _Smtp.command_size_limit)
    line_length_limit = 16_384


class _Controller(Controller):
    def factory(self):
        return _Smtp(self.handler, **self.SMTP_kwargs)

    def _trigger_server(self) -> None:
        assert self.server is not None
        assert isinstance(self.server, asyncio.Server)
        self.port = self.server.sockets[0].getsockname()[1]  # listening on port 0: the real one
        super()._trigger_server()


@dataclass
class SmtpServer:
    mailbox: Mailbox
    port: int
    controller: Controller

    def stop(self) -> None:
        self.controller.stop()


def start(certs: Certs, *, security: str = "starttls", auth: bool = True,
          port: int = 0) -> SmtpServer:
    mailbox = Mailbox()
    kwargs: dict = {"hostname": "127.0.0.1", "port": port, "server_hostname": "mail.test",
                    "ready_timeout": 5, "authenticator": mailbox.authenticate,
                    "auth_required": auth}
    if security == "starttls":
        kwargs.update(tls_context=certs.server_context(), require_starttls=True,
                      auth_require_tls=True)
    elif security == "tls":  # AUTH offered (the session is TLS), not demanded: aiosmtpd
        kwargs.update(ssl_context=certs.server_context(), auth_require_tls=False,  # cannot
                      auth_required=False)  # tell implicit TLS from none
    else:
        kwargs.update(auth_require_tls=False, auth_required=False)
    controller = _Controller(mailbox, **kwargs)
    controller.start()
    return SmtpServer(mailbox, controller.port, controller)


def main(argv: list[str] | None = None) -> None:
    """`python -m standins.smtp --port 2525 --certs DIR [--tokens DIR]`: serve until Ctrl-C,
    printing each message accepted. The CA to trust is written to DIR/ca.pem. With --tokens (the
    folder of a running `python -m standins.oauth`), AUTH XOAUTH2 takes its Entra tokens."""
    import argparse
    import tempfile
    import time
    p = argparse.ArgumentParser(prog="python -m standins.smtp", description=main.__doc__)
    p.add_argument("--port", type=int, default=2525)
    p.add_argument("--security", choices=["starttls", "tls", "none"], default="starttls")
    p.add_argument("--certs", type=Path, help="folder for the CA and certificate "
                   "(default: a new temporary folder)")
    p.add_argument("--tokens", type=Path, help="folder of `python -m standins.oauth`: accept "
                   "its tokens with AUTH XOAUTH2")
    args = p.parse_args(argv)
    folder = args.certs or Path(tempfile.mkdtemp(prefix="smtp-standin-"))
    folder.mkdir(parents=True, exist_ok=True)
    certs = make_certs(folder)
    server = start(certs, security=args.security, auth=args.security != "none", port=args.port)
    if args.tokens:
        from standins.oauth import verifier
        server.mailbox.verify_token = verifier((args.tokens / "token-signing.pem").read_bytes())
    print(f"SMTP stand-in on 127.0.0.1:{server.port} ({args.security}); CA: {certs.ca}; "
          f"login {USER} / {PASSWORD}", flush=True)
    seen = 0
    try:
        while True:
            time.sleep(0.5)
            for got in server.mailbox.received[seen:]:
                print(f"accepted: {', '.join(got.recipients)}: {got.message['Subject']}",
                      flush=True)
            seen = len(server.mailbox.received)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
