"""Tokens for Microsoft 365 SMTP (XOAUTH2): the client-credentials flow of an Entra app
registration, through msal. The only module that imports msal.

A token is kept until five minutes before it expires (by the injected clock) and fetched again
after that, so a run that outlives a token (they last about an hour) logs in afresh with a new
one. Every refusal from the identity platform becomes a message that names the variable or the
Entra setting to fix.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import msal
import requests

from config.model import Config
from core.errors import ConfigError, DeliveryError

SCOPE = "https://outlook.office365.com/.default"
MARGIN = 300.0
"""Seconds before expiry from which a token counts as expired (msal uses the same)."""


class SetupMissing(DeliveryError):
    """The mail provider refused the job's credentials: a step of the set-up is missing. Nothing
    can be sent until someone fixes it; the message says what to fix."""


class IdentityUnavailable(DeliveryError):
    """The identity platform could not be reached; trying again later may work."""


@dataclass(frozen=True)
class AppRegistration:
    """An Entra app registration's credentials, from the environment variables the config names."""

    authority: str
    tenant: str
    client_id: str
    secret: str | None
    certificate: Path | None
    names: Mapping[str, str]  # which variable held what, for messages

    @classmethod
    def of(cls, config: Config, environ: Mapping[str, str]) -> AppRegistration:
        d = config.delivery
        names = {"tenant": d.tenant_env, "client_id": d.client_id_env,
                 "secret": d.client_secret_env, "certificate": d.certificate_env}
        for key in ("tenant_env", "client_id_env"):
            name = getattr(d, key)
            what = "Directory (tenant) ID" if key == "tenant_env" else "Application (client) ID"
            if not environ.get(name):
                raise ConfigError(
                    f"delivery.auth is oauth2, and delivery.{key} names the environment variable "
                    f"{name}, which is not set. Set it to the app registration's {what} (Entra "
                    f"admin center › App registrations › the app › Overview).")
        secret, cert = environ.get(d.client_secret_env), environ.get(d.certificate_env)
        if not secret and not cert:
            raise ConfigError(
                f"delivery.auth is oauth2: set {d.client_secret_env} to the app's client secret "
                f"(its Value) or {d.certificate_env} to the path of a PEM file with the app's "
                f"certificate and private key (delivery.client_secret_env, "
                f"delivery.certificate_env name the variables).")
        path = Path(cert).expanduser() if cert else None
        if path is not None and not path.is_file():
            raise ConfigError(f"{d.certificate_env} points at {path}, which does not exist. "
                              f"Put the PEM file with the app's certificate and key there.")
        return cls(d.authority.rstrip("/"), environ[d.tenant_env], environ[d.client_id_env],
                   None if path else secret, path, names)

    def credential(self) -> str | dict[str, str]:
        if self.certificate is None:
            assert self.secret is not None
            return self.secret
        pem = self.certificate.read_text()
        if "PRIVATE KEY" not in pem or "CERTIFICATE" not in pem:
            raise ConfigError(f"{self.names['certificate']}: {self.certificate} must hold both "
                              f"the certificate and its private key (PEM).")
        return {"private_key": pem, "public_certificate": pem}


class MicrosoftTokens:
    """Access tokens for SMTP as the app, fetched with msal and kept until shortly before
    expiry."""

    def __init__(self, app: AppRegistration, clock: Callable[[], float] = time.time) -> None:
        self.app, self.clock = app, clock
        self._client: msal.ConfidentialClientApplication | None = None
        self._token: str | None = None
        self._expires = 0.0
        self.fetched = 0

    def token(self) -> str:
        """A token valid for at least MARGIN seconds more."""
        now = self.clock()
        if self._token is not None and now < self._expires - MARGIN:
            return self._token
        client = self._application()
        client.remove_tokens_for_client()  # our clock said expired: never msal's cached copy
        try:
            result = client.acquire_token_for_client(scopes=[SCOPE])
        except requests.RequestException as exc:
            raise self._unreachable(exc) from None
        if "access_token" not in result:
            raise SetupMissing(refusal(self.app, result))
        self._token, self._expires = result["access_token"], now + float(result["expires_in"])
        self.fetched += 1
        return self._token

    def forget(self) -> None:
        """Drop the kept token (the server refused it): the next one is fetched anew."""
        self._token = None

    def _application(self) -> msal.ConfidentialClientApplication:
        if self._client is None:
            app = self.app
            try:
                self._client = msal.ConfidentialClientApplication(
                    app.client_id, client_credential=app.credential(),
                    authority=f"{app.authority}/{app.tenant}", instance_discovery=False)
            except requests.RequestException as exc:
                raise self._unreachable(exc) from None
            except ValueError as exc:
                raise SetupMissing(
                    f"The Microsoft identity platform does not know the tenant "
                    f"'{app.tenant}' (from {app.names['tenant']}): {_first_sentence(exc)}. "
                    f"Set {app.names['tenant']} to the Directory (tenant) ID from the Entra "
                    f"admin center (App registrations › the app › Overview).") from None
        return self._client

    def _unreachable(self, exc: Exception) -> IdentityUnavailable:
        return IdentityUnavailable(
            f"Could not reach the Microsoft identity platform at {self.app.authority} for a "
            f"token ({type(exc).__name__}). Check that this machine may reach it (proxy, "
            f"firewall), or delivery.authority.")


def refusal(app: AppRegistration, result: Mapping[str, object]) -> str:
    """The identity platform's refusal (an AADSTS code) in the words of the fix."""
    text = str(result.get("error_description") or result.get("error") or result)
    codes = result.get("error_codes")
    code = codes[0] if isinstance(codes, list) and codes and isinstance(codes[0], int) else 0
    n = app.names
    fixes = {
        7000215: f"the client secret in {n['secret']} is not valid: copy the secret's Value "
                 f"(not its Secret ID) from App registrations › the app › Certificates & secrets, "
                 f"or add a new secret there",
        7000222: f"the client secret in {n['secret']} has expired: add a new one under "
                 f"App registrations › the app › Certificates & secrets and put its Value there",
        700016: f"no app with the client ID in {n['client_id']} is registered in the tenant in "
                f"{n['tenant']}: check both against App registrations › the app › Overview",
        700027: f"the certificate in {n['certificate']} is not the one uploaded to the app: "
                f"upload its public half under App registrations › the app › Certificates & "
                f"secrets › Certificates",
        90002: f"the tenant in {n['tenant']} does not exist: use the Directory (tenant) ID",
    }
    fix = fixes.get(code, "see the Microsoft answer above and README, 'Sending email'")
    return (f"The Microsoft identity platform refused a token to the app {app.client_id} "
            f"({result.get('error')}: {_first_sentence(text)}). To fix: {fix}.")


def _first_sentence(text: object) -> str:
    first = str(text).split(" Trace ID:")[0].strip()
    return first.rstrip(".")
