"""Sending through the Gmail API as a Workspace mailbox, with the job's service account.

The service account acts as the mailbox in `delivery.from` through domain-wide delegation, with
the one scope it needs (gmail.send). Each email is one `users.messages.send` carrying the exact
bytes the SMTP path would send (same Message-ID, headers and parts). The only module that talks
to the Gmail API; it offers the same face as the SMTP connection (`open`, `transact`, `close`),
so the sender's loop and the ledger's once-only rules are the same for both.

Quota: Gmail allows each mailbox 15,000 quota units a minute and a send costs 100, so 150 sends
a minute; the pacer from the Sheets client keeps to `delivery.gmail_sends_per_minute`. A 429 or
a 5xx answer is waited out (Gmail's "Retry after" time, else backoff) and tried again; a wait
longer than a quarter of an hour means the daily sending limit, and sending stops for this run.
"""
from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import re
from collections.abc import Callable, Mapping
from email.utils import parseaddr
from pathlib import Path
from typing import Any

import requests
from google.auth.exceptions import RefreshError, TransportError
from google.auth.transport.requests import AuthorizedSession, Request
from google.oauth2 import service_account
from urllib3.exceptions import NewConnectionError

from config.model import Config
from core.errors import ConfigError
from delivery.oauth import SetupMissing
from delivery.smtp import Outcome, Result, ServerRefused, ServerUnavailable
from sync.pacing import RETRYABLE_STATUS, Pacer, RetryPolicy, parse_retry_after

log = logging.getLogger("coaching_impact.delivery")

GMAIL_SEND = "https://www.googleapis.com/auth/gmail.send"
API = "https://gmail.googleapis.com"
SEND = "send"
UNITS_PER_MINUTE, UNITS_PER_SEND, DAILY_LIMIT = 15_000, 100, 2_000
LONGEST_WAIT = 900.0
"""Seconds: Gmail asking to wait longer than this means the day's sending limit is reached."""
_RETRY_AFTER = re.compile(r"Retry after (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)")
_RATE_REASONS = {"rateLimitExceeded", "userRateLimitExceeded"}


def key_file(config: Config, environ: Mapping[str, str]) -> Path:
    """The service account's key file, from the variable google.credentials_env names."""
    name = config.google.credentials_env
    path = environ.get(name)
    if not path:
        raise ConfigError(
            f"delivery.method is gmail, which sends as the job's service account: set the "
            f"environment variable {name} to its JSON key file's path (google.credentials_env "
            f"names the variable). See README, 'Sending email'.")
    if not Path(path).is_file():
        raise ConfigError(f"{name} points at {path}, which does not exist. Download the "
                          f"service account's JSON key there.")
    return Path(path)


def preflight(config: Config, environ: Mapping[str, str]) -> None:
    """The key file is there and is a service account's key (no network)."""
    _credentials(config, key_file(config, environ))


def _credentials(config: Config, path: Path) -> service_account.Credentials:
    mailbox = parseaddr(config.delivery.sender)[1]
    try:
        info = json.loads(path.read_text())
        return service_account.Credentials.from_service_account_info(
            info, scopes=[GMAIL_SEND], subject=mailbox)
    except (ValueError, KeyError, AttributeError) as exc:
        raise ConfigError(f"{path} (from {config.google.credentials_env}) is not a service "
                          f"account's JSON key ({exc}). Create a key of type JSON for the "
                          f"service account and point the variable at it.") from None


class GmailConnection:
    """Sends as one mailbox over an authorised HTTP session; opened on first use."""

    def __init__(self, config: Config, environ: Mapping[str, str], *,
                 clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
        d = config.delivery
        self.config, self.mailbox = config, parseaddr(d.sender)[1]
        self.path = key_file(config, environ)
        self.per_minute, self.timeout, self.endpoint = (d.gmail_sends_per_minute, d.timeout,
                                                        d.gmail_endpoint)
        self.pacer = Pacer({SEND: d.gmail_sends_per_minute}, clock=clock, sleep=sleep)
        self.policy = RetryPolicy(max_attempts=config.google.max_attempts)
        self.credentials: service_account.Credentials | None = None
        self.client_id = client_id(self.path)
        self._session: AuthorizedSession | None = None
        self.opened = 0
        self.label = f"Gmail API as {self.mailbox}"

    @property
    def alive(self) -> bool:
        return self._session is not None

    def open(self) -> None:
        """Load the key and fetch a token now: a missing delegation shows before any send."""
        self.credentials = _credentials(self.config, self.path)
        self._token_request = Request(requests.Session())  # token calls: not through `session`
        self._session = AuthorizedSession(self.credentials, auth_request=self._token_request)
        self._fresh_token()
        self.opened += 1

    def close(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            session.close()
            self._token_request.session.close()

    def _fresh_token(self) -> None:
        creds = self.credentials
        assert creds is not None and self._session is not None
        if creds.valid:
            return
        try:
            creds.refresh(self._token_request)
        except RefreshError as exc:
            self.close()
            raise SetupMissing(self._token_refusal(exc)) from None
        except TransportError as exc:
            self.close()
            raise ServerUnavailable(f"Could not reach Google for a token ({exc}). Check that "
                                    f"this machine may reach oauth2.googleapis.com.") from None

    # ------------------------------------------------------------ one email

    def transact(self, sender: str, recipients: list[str], payload: bytes,
                 on_handover: Callable[[], None]) -> Outcome:
        """One users.messages.send, tried again after a 429 or 5xx. `on_handover` runs just
        before each request: from then on a lost answer leaves the outcome unknown."""
        body = {"raw": base64.urlsafe_b64encode(payload).decode("ascii")}
        url = f"{(self.endpoint or API).rstrip('/')}/gmail/v1/users/me/messages/send"
        last = ""
        for attempt in range(1, self.policy.max_attempts + 1):
            self.pacer.wait_turn(SEND)
            self._fresh_token()
            on_handover()
            assert self._session is not None
            try:
                response = self._session.post(url, json=body, timeout=self.timeout)
            except RefreshError as exc:  # the session's own refresh after a 401
                raise SetupMissing(self._token_refusal(exc)) from None
            except requests.RequestException as exc:
                return self._lost(exc)
            if response.ok:
                return Outcome(Result.SENT, f"Gmail accepted it (message "
                                            f"{_json(response).get('id', '?')})")
            if response.status_code == 400:  # this email (say, a recipient); the rest go
                return Outcome(Result.PERMANENT, f"Gmail refused it: {_words(response)}")
            wait, last = self._verdict(response)
            if attempt < self.policy.max_attempts:
                wait = wait if wait is not None else self.policy.delay(attempt)
                log.warning("Gmail answered %s; %s Waiting %.0f s before try %d of %d.", last,
                            self.quota_words(), wait, attempt + 1, self.policy.max_attempts)
                self.pacer.pause(wait)
        return Outcome(Result.TEMPORARY, f"Gmail answered {last} to every one of "
                                         f"{self.policy.max_attempts} tries. {self.quota_words()}")

    def _lost(self, exc: requests.RequestException) -> Outcome:
        self.close()
        if _never_connected(exc):  # nothing went out: stop, and the rest wait for the next run
            raise ServerUnavailable(
                f"Could not connect to the Gmail API ({type(exc).__name__}). Check that this "
                f"machine may reach {self.endpoint or 'gmail.googleapis.com'} (proxy, firewall).")
        return Outcome(Result.UNKNOWN, f"no answer from the Gmail API ({type(exc).__name__})")

    def _verdict(self, response: requests.Response) -> tuple[float | None, str]:
        """For an answer worth trying again: how long Gmail asks to wait (None: back off) and
        its words. Anything else becomes an outcome or stops sending (raised)."""
        error = _json(response).get("error") or {}
        message = str(error.get("message") or response.reason).strip()
        reasons = {e.get("reason") for e in error.get("errors") or [] if isinstance(e, dict)}
        words, status = _words(response), response.status_code
        if status in RETRYABLE_STATUS or (status == 403 and reasons & _RATE_REASONS):
            told = _told_wait(response, message)
            if told is not None and told > LONGEST_WAIT:
                raise ServerRefused(self._daily_limit(words, told))
            return told, words
        raise SetupMissing(self._refused(status, words, reasons, error))

    def quota_words(self) -> str:
        return (f"The Gmail API allows a mailbox {UNITS_PER_MINUTE:,} quota units a minute and "
                f"a send costs {UNITS_PER_SEND}, so at most {UNITS_PER_MINUTE // UNITS_PER_SEND} "
                f"sends a minute; this job keeps to {self.per_minute} "
                f"(delivery.gmail_sends_per_minute).")

    def _daily_limit(self, words: str, wait: float) -> str:
        return (f"Gmail answered {words}: {self.mailbox} may not send again for "
                f"{wait / 3600:.1f} hours, so its daily sending limit is reached (Google "
                f"Workspace allows a user {DAILY_LIMIT:,} messages a day, counted over 24 "
                f"hours, shared with everything else that mailbox sends). The emails not sent "
                f"wait for the next run.")

    def _refused(self, status: int, words: str, reasons: set[Any], error: dict) -> str:
        if "accessNotConfigured" in reasons or error.get("status") == "SERVICE_DISABLED" or \
                "has not been used in project" in words:
            return (f"Gmail answered {words}. Enable the Gmail API in the service account's "
                    f"Google Cloud project (APIs & Services › Library › Gmail API › Enable), "
                    f"wait a few minutes and run again.")
        if "Delegation denied" in words or status in (401, 403):
            return (f"Gmail answered {words}. The service account's token does not let it send "
                    f"as {self.mailbox}: check the domain-wide delegation (client ID "
                    f"{self.client_id}, scope {GMAIL_SEND}) in the Admin console, "
                    f"Security › Access and data control › API controls › Domain-wide "
                    f"delegation, and that delivery.from is that mailbox.")
        return f"Gmail answered {words}; nothing more was sent. See README, 'Sending email'."


    def _token_refusal(self, exc: RefreshError) -> str:
        account = getattr(self.credentials, "service_account_email", "the service account")
        return token_refusal(exc, account, self.client_id, self.mailbox,
                             self.config.google.credentials_env)


def client_id(path: Path) -> str:
    """The numeric client ID the Admin console asks for (the key file's client_id)."""
    try:
        return str(json.loads(path.read_text()).get("client_id") or "")
    except (OSError, ValueError, AttributeError):
        return ""


def token_refusal(exc: RefreshError, account: str, client: str, mailbox: str, env: str) -> str:
    """Google's token endpoint's refusal in the words of the Admin console or Cloud console."""
    data = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], dict) else {}
    error, text = data.get("error", ""), str(data.get("error_description") or exc.args[0])
    client = client or "shown in the Cloud console under the service account's Details"
    if error == "unauthorized_client":
        return (f"Google refused the service account {account} a token to send as {mailbox} "
                f"(unauthorized_client): domain-wide delegation is not granted for Gmail. A "
                f"super administrator must open the Admin console (admin.google.com) › Security "
                f"› Access and data control › API controls › Manage Domain Wide Delegation › "
                f"Add new, enter the client ID {client} and the OAuth scope "
                f"{GMAIL_SEND}, and click Authorize (it can take some minutes to apply). See "
                f"README, 'Sending email'.")
    if error == "invalid_grant" and "Invalid email or User ID" in text:
        return (f"Google does not know {mailbox} (delivery.from) as a user of your Workspace "
                f"domain (invalid_grant: {text}). The service account sends as a real "
                f"mailbox, not a group or an alias: set delivery.from to that mailbox.")
    if error == "invalid_grant" and "Signature" in text:
        return (f"Google refused the key in {env} (invalid_grant: {text}): it was deleted or "
                f"disabled. Create a new JSON key for {account} and point {env} at it.")
    if error == "invalid_grant":
        return (f"Google refused the service account's sign-in (invalid_grant: {text}). If it "
                f"speaks of time, check this machine's clock (it must be right to the minute).")
    return f"Google refused the service account {account} a token ({error}: {text})."


def _words(response: requests.Response) -> str:
    error = _json(response).get("error") or {}
    message = error.get("message") if isinstance(error, dict) else None
    return f"{response.status_code} {str(message or response.reason).strip()}"


def _told_wait(response: requests.Response, message: str) -> float | None:
    told = parse_retry_after(response.headers.get("Retry-After"))
    if told is not None:
        return told
    found = _RETRY_AFTER.search(message)
    if not found:
        return None
    when = dt.datetime.fromisoformat(found[1].replace("Z", "+00:00"))
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def _never_connected(exc: requests.RequestException) -> bool:
    """True when the request never reached Gmail (refused or timed out connecting)."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, NewConnectionError)


def _json(response: requests.Response) -> dict:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
