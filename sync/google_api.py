"""The one door to Google Sheets: gspread's HTTP client, paced, retried, with a timeout.

Every request goes through `PoliteHTTPClient.request`: it waits for its turn under the per-minute
quota, sends with a timeout, and retries 429, 500, 502, 503, 504 and lost connections with
backoff. A write whose answer was lost is not blindly resent (it may have been applied); it
raises `OutcomeUnknown` so the writer can look before trying again.
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

import requests
from google.auth.credentials import Credentials as BaseCredentials
from google.auth.transport.requests import AuthorizedSession
from google.oauth2 import credentials as token_credentials
from google.oauth2 import service_account
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient

from config.model import Google
from core.errors import ConfigError
from sync.endpoint import mount_endpoint_override
from sync.pacing import READ, RETRYABLE_STATUS, WRITE, Pacer, RetryPolicy

READ_SCOPE = "https://www.googleapis.com/auth/spreadsheets.readonly"
WRITE_SCOPE = "https://www.googleapis.com/auth/spreadsheets"
DRIVE_METADATA_SCOPE = "https://www.googleapis.com/auth/drive.metadata.readonly"
"""Only to learn which sources changed since the last read (`sync.source_versions`)."""
DRIVE_SCOPE = "https://www.googleapis.com/auth/drive"
"""Only for `template`, asked for by that command alone: to create spreadsheets in a folder a
person made and shared. Not `drive.file`, though narrower on paper: Google grants it "files
and folders that you have opened or created with this app" (a person's pick in the Google
Picker, which a service account never has), so a shared folder stays invisible to it and Drive
answers 404. For a service account, which owns nothing, `drive` reaches only what people share
with it."""
TEMPLATE_SCOPES = (WRITE_SCOPE, DRIVE_SCOPE)
DRIVE_FILES_URL = "https://www.googleapis.com/drive/v3/files"
ENDPOINT_ENV = "SHEETS_API_ENDPOINT"


class Unreachable(Exception):
    """Google did not answer usefully within the allowed attempts."""


class OutcomeUnknown(Exception):
    """A write was sent but its answer was lost: it may or may not have been applied."""


class PoliteHTTPClient(HTTPClient):
    """gspread's HTTP client with pacing, retries and a timeout on every request."""

    def __init__(self, auth: Any, session: requests.Session | None = None, *, pacer: Pacer,
                 policy: RetryPolicy, timeout: float) -> None:
        super().__init__(auth, session)
        self.pacer, self.policy = pacer, policy
        self.set_timeout(timeout)

    def request(self, method: str, endpoint: str, params: Any = None, data: bytes | None = None,
                json: Mapping[str, Any] | None = None, files: Any = None,
                headers: MutableMapping[str, str] | None = None) -> requests.Response:
        kind = READ if method.lower() == "get" else WRITE
        problem = ""
        for attempt in range(1, self.policy.max_attempts + 1):
            self.pacer.wait_turn(kind)
            try:
                response = self.session.request(method=method, url=endpoint, json=json,
                                                params=params, data=data, files=files,
                                                headers=headers, timeout=self.timeout)
            except requests.ConnectTimeout as exc:
                problem, wait = f"no connection ({exc.__class__.__name__})", \
                    self.policy.delay(attempt)
            except (requests.Timeout, requests.ConnectionError) as exc:
                if kind == WRITE:
                    raise OutcomeUnknown(f"{method.upper()} {endpoint}: {exc}") from exc
                problem, wait = f"no answer ({exc.__class__.__name__})", self.policy.delay(attempt)
            else:
                if response.ok:
                    return response
                self._check_retryable(response)
                problem = f"HTTP {response.status_code}"
                wait = self.policy.delay(attempt, response.headers.get("Retry-After"))
            if attempt < self.policy.max_attempts:
                self.pacer.pause(wait)
        raise Unreachable(f"{problem} after {self.policy.max_attempts} attempts")

    def _check_retryable(self, response: requests.Response) -> None:
        if response.status_code == 429:
            self.pacer.throttled += 1
        if response.status_code not in RETRYABLE_STATUS:
            raise APIError(response)


@dataclass
class GoogleConnection:
    """A read-only client for sources and a read-write client for the output, one pacer."""

    reader: HTTPClient
    writer: HTTPClient
    account: str | None
    """The service account's email, for 'share the spreadsheet with …' messages."""
    pacer: Pacer
    versions: Any = None
    """This run's `sync.source_versions.SourceVersions`, once the sources are read."""

    def share_hint(self, role: str) -> str:
        who = self.account or "the account the job runs as"
        return f"open it in Google Sheets, click Share and add {who} as {role}"


def connect(settings: Google, *, pacer: Pacer | None = None,
            policy: RetryPolicy | None = None,
            sleep: Callable[[float], None] = time.sleep, creator: bool = False
            ) -> GoogleConnection:
    """`sleep` waits for the quota's turn and between retries (one a stop cuts short).
    `creator`: for `template`, the one command that creates files in Drive (see DRIVE_SCOPE)."""
    pacer = pacer or Pacer({READ: settings.reads_per_minute, WRITE: settings.writes_per_minute},
                           sleep=sleep)
    policy = policy or RetryPolicy(max_attempts=settings.max_attempts)
    endpoint = settings.endpoint or os.environ.get(ENDPOINT_ENV)
    read_creds, write_creds, account = credentials(settings, local=bool(endpoint),
                                                   creator=creator)

    def client(creds: BaseCredentials) -> HTTPClient:
        return polite_client(creds, settings, endpoint, pacer, policy)
    return GoogleConnection(client(read_creds), client(write_creds), account, pacer)


def polite_client(creds: BaseCredentials, settings: Google, endpoint: str | None, pacer: Pacer,
                  policy: RetryPolicy) -> HTTPClient:
    session = AuthorizedSession(creds)
    if endpoint:
        mount_endpoint_override(session, endpoint)
    return PoliteHTTPClient(creds, session, pacer=pacer, policy=policy,
                            timeout=settings.timeout_seconds)


def local_token(settings: Google) -> BaseCredentials:
    """With an endpoint override (a local stand-in): the bearer token in `token_env`."""
    return token_credentials.Credentials(token=os.environ.get(settings.token_env, "local"))


def credentials(settings: Google, *, local: bool, creator: bool = False
                ) -> tuple[BaseCredentials, BaseCredentials, str | None]:
    """Service-account credentials with the narrowest scopes: read-only for sources (and
    Drive metadata, to skip unchanged ones), spreadsheets for the output; a `creator`'s are
    spreadsheets and drive for both. With an endpoint override, a bare token instead."""
    if local:
        token = local_token(settings)
        return token, token, None
    if creator:
        key = key_credentials(settings, TEMPLATE_SCOPES)
        return key, key, key.service_account_email
    reader = key_credentials(settings, (READ_SCOPE, DRIVE_METADATA_SCOPE))
    return reader, reader.with_scopes([WRITE_SCOPE]), reader.service_account_email


def key_credentials(settings: Google, scopes: tuple[str, ...]) -> service_account.Credentials:
    """The service account's key file, named by the environment variable `credentials_env`."""
    path = os.environ.get(settings.credentials_env)
    if not path:
        raise ConfigError(
            f"Google sources need a service-account key: set the environment variable "
            f"{settings.credentials_env} to the key file's path (google.credentials_env in the "
            "config names the variable). See README, 'Connecting Google Sheets'.")
    try:
        return service_account.Credentials.from_service_account_file(path, scopes=list(scopes))
    except FileNotFoundError:
        raise ConfigError(f"{settings.credentials_env} points at {path}, which does not "
                          "exist. Download the service account's JSON key there.") from None
    except (ValueError, KeyError) as exc:
        raise ConfigError(f"{path} (from {settings.credentials_env}) is not a service-account "
                          f"JSON key ({exc}). Create a key of type JSON for the service "
                          "account and point the variable at it.") from None


def quoted(title: str) -> str:
    """A whole sheet in A1 notation: 'It''s here'."""
    return "'" + title.replace("'", "''") + "'"


def api_message(exc: APIError, service: str = "Google Sheets") -> str:
    text = str(exc.error.get("message", "")).rstrip(". ")
    answered = f"{service} answered {exc.code}"
    return f"{answered}: {text}" if text else answered
