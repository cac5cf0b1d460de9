"""A local Gmail API (v1) that sends nothing: `users.messages.send` checks the bearer token (one
the token stand-in issued, unexpired, with a scope that allows sending), decodes the base64url
`raw` message and keeps its exact bytes, and answers as Gmail does, including its errors:

- 401 for a missing or bad token, 403 for a token without a sending scope or for another
  user's mailbox ("Delegation denied"),
- 400 "Invalid To header" for a recipient it cannot accept (any address in `invalid`),
- faults on demand, each used once, for the next sends: a 429 (user-rate limit, with its
  "Retry after" time), a 5xx, or `LOST` (the message is kept, then the connection closes with
  no answer, as when an answer is lost on the way back).
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import email
import email.policy
import secrets
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import getaddresses
from typing import Any

from standins.http import DROP, Reply, Request
from standins.oauth import InvalidToken

SEND_SCOPES = {"https://www.googleapis.com/auth/gmail.send", "https://mail.google.com/",
               "https://www.googleapis.com/auth/gmail.compose",
               "https://www.googleapis.com/auth/gmail.modify"}
LOST = "lost"


@dataclass
class Sent:
    user: str
    raw: bytes
    id: str
    recipients: list[str]

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.raw, policy=email.policy.default)


def gmail_error(code: int, message: str, reason: str, status: str,
                domain: str = "global", **headers: str) -> Reply:
    return Reply.json(code, {"error": {"code": code, "message": message, "errors": [
        {"message": message, "domain": domain, "reason": reason}], "status": status}},
        **headers)


def rate_limited(retry_after: float = 1.0, now: dt.datetime | None = None) -> Reply:
    """Gmail's answer once a mailbox sends faster than its quota allows."""
    when = (now or dt.datetime.now(dt.UTC)) + dt.timedelta(seconds=retry_after)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"
    return gmail_error(429, f"User-rate limit exceeded.  Retry after {stamp}",
                       "rateLimitExceeded", "RESOURCE_EXHAUSTED", domain="usageLimits")


def backend_error(code: int = 500) -> Reply:
    if code == 503:
        return gmail_error(503, "The service is currently unavailable.", "backendError",
                           "UNAVAILABLE")
    return gmail_error(code, "Backend Error", "backendError", "INTERNAL")


@dataclass
class GmailApi:
    verify: Callable[[str], dict[str, Any]]
    """Checks a bearer token (TokenService.verify); raises InvalidToken."""
    sent: list[Sent] = field(default_factory=list)
    faults: deque[Reply | str] = field(default_factory=deque)
    invalid: set[str] = field(default_factory=set)
    """Recipient addresses answered with 400 Invalid To header."""
    requests: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, request: Request) -> Reply:
        parts = [p for p in request.path.split("/") if p]
        if not (request.method == "POST" and len(parts) == 6 and parts[:3] == [
                "gmail", "v1", "users"] and parts[4:] == ["messages", "send"]):
            return gmail_error(404, f"Method not found: {request.method} {request.path}",
                               "notFound", "NOT_FOUND")
        with self._lock:
            self.requests += 1
        claims = self._authorise(request.bearer)
        if isinstance(claims, Reply):
            return claims
        user = parts[3]
        if user not in ("me", claims["sub"]):
            return gmail_error(403, f"Delegation denied for {claims['sub']}", "forbidden",
                               "PERMISSION_DENIED")
        with self._lock:
            fault = self.faults.popleft() if self.faults else None
        if isinstance(fault, Reply):
            return fault
        return self._send(claims["sub"], request, lose_answer=fault == LOST)

    def _authorise(self, token: str | None) -> dict[str, Any] | Reply:
        if not token:
            return gmail_error(401, "Request is missing required authentication credential. "
                               "Expected OAuth 2 access token, login cookie or other valid "
                               "authentication credential.", "required", "UNAUTHENTICATED")
        try:
            claims = self.verify(token)
        except InvalidToken:
            return gmail_error(401, "Request had invalid authentication credentials. Expected "
                               "OAuth 2 access token, login cookie or other valid "
                               "authentication credential.", "authError", "UNAUTHENTICATED",
                               **{"WWW-Authenticate": 'Bearer realm="https://accounts.google.'
                                                      'com/", error="invalid_token"'})
        if claims.get("kind") != "google" or not SEND_SCOPES & set(claims["scope"].split()):
            return gmail_error(403, "Request had insufficient authentication scopes.",
                               "insufficientPermissions", "PERMISSION_DENIED")
        return claims

    def _send(self, user: str, request: Request, *, lose_answer: bool) -> Reply:
        try:
            raw = request.json().get("raw")
        except (ValueError, AttributeError):
            return gmail_error(400, "Invalid JSON payload received.", "badRequest",
                               "INVALID_ARGUMENT")
        if not raw:
            return gmail_error(400, "'raw' RFC822 payload message string or uploading message "
                               "via /upload/* URL required", "invalidArgument",
                               "INVALID_ARGUMENT")
        try:
            data = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
        except (binascii.Error, ValueError):
            return gmail_error(400, "Invalid value for ByteString: raw", "invalidArgument",
                               "INVALID_ARGUMENT")
        message = email.message_from_bytes(data, policy=email.policy.default)
        recipients = [a for _, a in getaddresses(
            [str(v) for h in ("To", "Cc", "Bcc") for v in message.get_all(h, [])])]
        if not recipients:
            return gmail_error(400, "Recipient address required", "invalidArgument",
                               "INVALID_ARGUMENT")
        if any("@" not in a or a.lower() in self.invalid for a in recipients):
            return gmail_error(400, "Invalid To header", "invalidArgument", "INVALID_ARGUMENT")
        sent = Sent(user, data, secrets.token_hex(8), recipients)
        with self._lock:
            self.sent.append(sent)
        if lose_answer:
            return DROP
        return Reply.json(200, {"id": sent.id, "threadId": sent.id, "labelIds": ["SENT"]})

    def to(self, address: str) -> list[Sent]:
        return [s for s in self.sent if address.lower() in (a.lower() for a in s.recipients)]


@dataclass
class GmailStandIn:
    api: GmailApi
    server: Any = field(repr=False)

    @property
    def url(self) -> str:
        return self.server.url

    def stop(self) -> None:
        self.server.stop()


def start(verify: Callable[[str], dict[str, Any]], *, port: int = 0) -> GmailStandIn:
    """Serve a GmailApi on 127.0.0.1 over plain HTTP (point the job's gmail endpoint at it)."""
    from standins.http import JsonServer
    api = GmailApi(verify)
    server = JsonServer(api.handle, port=port, name="gmail").start()
    return GmailStandIn(api, server)
