"""A local OAuth 2.0 token service standing in for Google's and Microsoft Entra ID's, over HTTPS.

- **Google** (`POST /token`): the JWT-bearer grant of a service account (RFC 7523), as
  google-auth sends it to the key file's `token_uri`. The signed assertion is verified with the
  public half of the key the service account was given, its audience and lifetime checked; a
  `sub` (domain-wide delegation) needs the client ID to be granted every requested scope, as an
  administrator does in the Admin console, and the user to exist.
- **Entra ID** (`GET /{tenant}/v2.0/.well-known/openid-configuration`,
  `POST /{tenant}/oauth2/v2.0/token`): OpenID discovery and the client-credentials grant, with a
  client secret or a certificate's signed client assertion (PS256 or RS256, found by its
  thumbprint), as msal sends them. msal insists on an https authority: hence TLS, with a
  certificate from a CA made for the purpose.

Access tokens are JWTs signed with this service's own key (Entra's are JWTs too; Google's are
opaque to clients either way), so the Gmail and SMTP stand-ins check them with `verify`. Answers
and error texts follow the real services'.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from standins.http import Reply, Request

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
GOOGLE_AUDIENCE = "https://oauth2.googleapis.com/token"
"""The audience of a service account's assertion, whichever token_uri it is sent to."""
OUTLOOK = "https://outlook.office365.com"
SEND_AS_APP = "SMTP.SendAsApp"
LEEWAY = 60  # seconds of clock difference tolerated in a client's assertion


class InvalidToken(Exception):
    """An access token this service did not issue, or one that expired."""


@dataclass
class GoogleAccount:
    email: str
    client_id: str  # the numeric "unique ID" an administrator pastes into the Admin console
    key_id: str
    public_key: Any


@dataclass
class EntraApp:
    tenant: str
    client_id: str
    secret: str | None = None
    certificate: x509.Certificate | None = None
    roles: tuple[str, ...] = (SEND_AS_APP,)
    """Application permissions granted with admin consent (none: consent not given)."""


@dataclass
class Issued:
    kind: str  # "google" or "entra"
    who: str  # the service account (and subject), or the app's client ID
    scope: str
    at: float


class TokenService:
    """What the token endpoints know: accounts, grants, apps; and what they issued."""

    def __init__(self, clock: Callable[[], float] = time.time, lifetime: int = 3599) -> None:
        self.clock, self.lifetime = clock, lifetime
        self.url = ""  # set once the server listens
        self._key = ec.generate_private_key(ec.SECP256R1())
        self.google: dict[str, GoogleAccount] = {}
        self.delegations: dict[str, set[str]] = {}
        """client ID → scopes granted in the Admin console (Domain-wide delegation)."""
        self.users: set[str] | None = None
        """Workspace users a service account may act as (None: anyone)."""
        self.apps: dict[tuple[str, str], EntraApp] = {}
        self.issued: list[Issued] = []
        self.faults: deque[Reply] = deque()
        """Answers to the next token requests, instead of a token (e.g. a 503)."""
        self._lock = threading.Lock()

    # ---------------------------------------------------------------- set-up (the admin's side)

    def service_account_key(self, folder: Path, email: str = "coaching-job@district-project"
                            ".iam.gserviceaccount.com", client_id: str = "109876543210987654321"
                            ) -> Path:
        """A service account's JSON key file, as the Cloud console hands it out, whose token_uri
        is this service. The service keeps the public half."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        key_id = secrets.token_hex(20)
        self.google[email] = GoogleAccount(email, client_id, key_id, key.public_key())
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
        path = folder / "service-account.json"
        path.write_text(json.dumps({
            "type": "service_account", "project_id": "district-project",
            "private_key_id": key_id, "private_key": pem, "client_email": email,
            "client_id": client_id, "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": f"{self.url}/token",
            "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
            "universe_domain": "googleapis.com"}, indent=2))
        return path

    def delegate(self, client_id: str, *scopes: str) -> None:
        """What an administrator does under Security › API controls › Domain-wide delegation."""
        self.delegations.setdefault(client_id, set()).update(scopes)

    def register_app(self, tenant: str, client_id: str, *, secret: str | None = None,
                     certificate: x509.Certificate | None = None,
                     roles: Iterable[str] = (SEND_AS_APP,)) -> EntraApp:
        app = EntraApp(tenant, client_id, secret, certificate, tuple(roles))
        self.apps[(tenant, client_id)] = app
        return app

    # ---------------------------------------------------------------- tokens

    def _issue(self, claims: dict[str, Any], kind: str, who: str, scope: str) -> str:
        now = self.clock()
        with self._lock:
            self.issued.append(Issued(kind, who, scope, now))
        claims = {**claims, "iss": self.url, "iat": int(now), "exp": int(now) + self.lifetime,
                  "jti": secrets.token_hex(8)}
        return jwt.encode(claims, self._key, algorithm="ES256")

    def verify(self, token: str) -> dict[str, Any]:
        """The claims of a token this service issued that has not expired."""
        return _verify(token, self._key.public_key(), self.clock)

    def revoke(self) -> None:
        """Every token issued so far stops working (a new signing key), as when an
        administrator revokes them before they expire."""
        self._key = ec.generate_private_key(ec.SECP256R1())

    def public_pem(self) -> bytes:
        """The public half of the signing key: what another process needs to check tokens."""
        return self._key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)

    def count(self, kind: str) -> int:
        return sum(i.kind == kind for i in self.issued)

    # ---------------------------------------------------------------- HTTP

    def handle(self, request: Request) -> Reply:
        parts = [p for p in request.path.split("/") if p]
        if self.faults and request.method == "POST":
            return self.faults.popleft()
        if request.method == "POST" and parts == ["token"]:
            return self._google_token(request.form())
        if request.method == "GET" and len(parts) == 4 and parts[1:] == [
                "v2.0", ".well-known", "openid-configuration"]:
            return self._discovery(parts[0])
        if request.method == "POST" and len(parts) == 4 and parts[1:] == [
                "oauth2", "v2.0", "token"]:
            return self._entra_token(parts[0], request.form())
        return Reply.json(404, {"error": "not_found", "error_description": request.path})

    # Google --------------------------------------------------------------------------

    def _google_token(self, form: dict[str, str]) -> Reply:
        if form.get("grant_type") != JWT_BEARER:
            return _google_error(400, "unsupported_grant_type", "Invalid grant_type: "
                                 + form.get("grant_type", ""))
        try:
            claims, account = self._google_assertion(form.get("assertion", ""))
        except _Refused as no:
            return no.reply
        scopes = claims.get("scope", "").split()
        if not scopes:
            return _google_error(400, "invalid_scope", "Invalid OAuth scope or ID token "
                                 "audience provided.")
        subject = claims.get("sub")
        if subject and subject != account.email:
            if not set(scopes) <= self.delegations.get(account.client_id, set()):
                return _google_error(401, "unauthorized_client", "Client is unauthorized to "
                                     "retrieve access tokens using this method, or client not "
                                     "authorized for any of the scopes requested.")
            if self.users is not None and subject.lower() not in self.users:
                return _google_error(400, "invalid_grant", "Invalid email or User ID")
        who = subject or account.email
        token = self._issue({"kind": "google", "sub": who, "azp": account.client_id,
                             "scope": " ".join(scopes)}, "google", who, " ".join(scopes))
        return Reply.json(200, {"access_token": token, "expires_in": self.lifetime,
                                "token_type": "Bearer"})

    def _google_assertion(self, assertion: str) -> tuple[dict[str, Any], GoogleAccount]:
        try:
            unverified = jwt.decode(assertion, options={"verify_signature": False})
            header = jwt.get_unverified_header(assertion)
        except jwt.PyJWTError:
            raise _Refused(_google_error(400, "invalid_grant", "Invalid JWT: malformed")) from None
        account = self.google.get(unverified.get("iss", ""))
        if account is None:
            raise _Refused(_google_error(400, "invalid_grant", "Invalid grant: account not "
                                         "found"))
        if header.get("kid") not in (None, account.key_id):  # a deleted or another key
            raise _Refused(_google_error(400, "invalid_grant", "Invalid JWT Signature."))
        try:
            claims = jwt.decode(assertion, account.public_key, algorithms=["RS256"],
                                audience=GOOGLE_AUDIENCE, leeway=LEEWAY)
        except jwt.InvalidSignatureError:
            raise _Refused(_google_error(400, "invalid_grant", "Invalid JWT Signature.")) from None
        except jwt.PyJWTError as exc:
            raise _Refused(_google_error(400, "invalid_grant", f"Invalid JWT: {exc}")) from None
        if claims.get("exp", 0) - claims.get("iat", 0) > 3600:
            raise _Refused(_google_error(400, "invalid_grant", "Invalid JWT: Token must be a "
                                         "short-lived token (60 minutes) and in a reasonable "
                                         "timeframe."))
        return claims, account

    # Entra ID ------------------------------------------------------------------------

    def _known_tenant(self, tenant: str) -> bool:
        return any(t == tenant for t, _ in self.apps)

    def _discovery(self, tenant: str) -> Reply:
        if not self._known_tenant(tenant):
            return _entra_error(400, "invalid_tenant", 90002, f"Tenant '{tenant}' not found. "
                                "Check to make sure you have the correct tenant ID and are "
                                "signing into the correct cloud.")
        base = f"{self.url}/{tenant}"
        return Reply.json(200, {
            "token_endpoint": f"{base}/oauth2/v2.0/token",
            "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
            "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
            "issuer": f"{base}/v2.0", "jwks_uri": f"{base}/discovery/v2.0/keys",
            "token_endpoint_auth_methods_supported": [
                "client_secret_post", "private_key_jwt", "client_secret_basic"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "tenant_region_scope": "NA"})

    def _entra_token(self, tenant: str, form: dict[str, str]) -> Reply:
        if not self._known_tenant(tenant):
            return self._discovery(tenant)
        if form.get("grant_type") != "client_credentials":
            return _entra_error(400, "unsupported_grant_type", 70003,
                                "The app requested an unsupported grant type.")
        client_id = form.get("client_id", "")
        app = self.apps.get((tenant, client_id))
        if app is None:
            return _entra_error(400, "unauthorized_client", 700016, f"Application with "
                                f"identifier '{client_id}' was not found in the directory "
                                f"'{tenant}'. This can happen if the application has not been "
                                "installed by the administrator of the tenant or consented to "
                                "by any user in the tenant. You may have sent your "
                                "authentication request to the wrong tenant.")
        refused = self._client_authentication(app, form, tenant)
        if refused:
            return refused
        scope = form.get("scope", "")
        if scope.split() != [f"{OUTLOOK}/.default"]:
            return _entra_error(400, "invalid_scope", 1002012, f"The provided value for scope "
                                f"{scope} is not valid. Client credential flows must have a "
                                "scope value with /.default suffixed to the resource "
                                "identifier (application ID URI).")
        token = self._issue({"kind": "entra", "aud": OUTLOOK, "tid": tenant,
                             "appid": client_id, "roles": list(app.roles)},
                            "entra", client_id, scope)
        return Reply.json(200, {"token_type": "Bearer", "expires_in": self.lifetime,
                                "ext_expires_in": self.lifetime, "access_token": token})

    def _client_authentication(self, app: EntraApp, form: dict[str, str],
                               tenant: str) -> Reply | None:
        if "client_secret" in form:
            if app.secret is None or not secrets.compare_digest(form["client_secret"],
                                                                app.secret):
                return _entra_error(401, "invalid_client", 7000215, "Invalid client secret "
                                    "provided. Ensure the secret being sent in the request is "
                                    "the client secret value, not the client secret ID, for a "
                                    f"secret added to app '{app.client_id}'.")
            return None
        if form.get("client_assertion_type") == ASSERTION_TYPE:
            return self._client_assertion(app, form.get("client_assertion", ""), tenant)
        return _entra_error(401, "invalid_client", 7000218, "The request body must contain the "
                            "following parameter: 'client_assertion' or 'client_secret'.")

    def _client_assertion(self, app: EntraApp, assertion: str, tenant: str) -> Reply | None:
        cert = app.certificate
        try:
            header = jwt.get_unverified_header(assertion)
        except jwt.PyJWTError:
            header = {}
        if cert is None or not _thumbprint_matches(header, cert):
            return _entra_error(401, "invalid_client", 700027, "Client assertion failed "
                                "signature validation. The certificate with identifier used to "
                                "sign the client assertion is not registered on application.")
        try:
            key: Any = cert.public_key()
            claims = jwt.decode(assertion, key, algorithms=["PS256", "RS256"],
                                audience=f"{self.url}/{tenant}/oauth2/v2.0/token",
                                leeway=LEEWAY)
        except jwt.PyJWTError as exc:
            return _entra_error(401, "invalid_client", 700027, f"Client assertion failed "
                                f"signature validation ({exc}).")
        if claims.get("iss") != app.client_id or claims.get("sub") != app.client_id:
            return _entra_error(401, "invalid_client", 700023, "Client assertion audience "
                                "claim does not match Realm issuer.")
        return None


def verifier(public_pem: bytes, clock: Callable[[], float] = time.time
             ) -> Callable[[str], dict[str, Any]]:
    """Checks tokens issued by the TokenService whose public key this is (another process)."""
    key = serialization.load_pem_public_key(public_pem)
    return lambda token: _verify(token, key, clock)


def _verify(token: str, key: Any, clock: Callable[[], float]) -> dict[str, Any]:
    try:
        claims = jwt.decode(token, key, algorithms=["ES256"],
                            options={"verify_exp": False, "verify_aud": False,
                                     "verify_iat": False})  # times: by the service's clock
    except jwt.PyJWTError as exc:
        raise InvalidToken(f"not a token from this service ({exc})") from None
    if claims["exp"] <= clock():
        raise InvalidToken("the token has expired")
    return claims


class _Refused(Exception):
    def __init__(self, reply: Reply) -> None:
        self.reply = reply


def _google_error(status: int, error: str, description: str) -> Reply:
    return Reply.json(status, {"error": error, "error_description": description})


def _entra_error(status: int, error: str, code: int, text: str) -> Reply:
    trace = secrets.token_hex(16)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%SZ")
    return Reply.json(status, {
        "error": error, "error_description": f"AADSTS{code}: {text} Trace ID: {trace} "
                                             f"Correlation ID: {trace} Timestamp: {stamp}",
        "error_codes": [code], "timestamp": stamp, "trace_id": trace,
        "correlation_id": trace})


def _thumbprint_matches(header: dict[str, Any], cert: x509.Certificate) -> bool:
    def b64(digest: bytes) -> str:
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")
    der = cert.public_bytes(serialization.Encoding.DER)
    given = {k: str(header.get(k, "")).rstrip("=") for k in ("x5t#S256", "x5t")}
    return (given["x5t#S256"] == b64(hashlib.sha256(der).digest())
            or given["x5t"] == b64(hashlib.sha1(der).digest()))


def app_certificate(folder: Path, name: str = "coaching-job") -> tuple[Path, x509.Certificate]:
    """A self-signed certificate and its private key in one PEM file, as an administrator makes
    one to upload under Certificates & secrets (the key stays with the job)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365)).sign(key, hashes.SHA256()))
    path = folder / f"{name}.pem"
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption())
                     + cert.public_bytes(serialization.Encoding.PEM))
    return path, cert


@dataclass
class TokenStandIn:
    """The service behind an HTTPS server; `url` is the base for token_uri and the authority."""

    service: TokenService
    server: Any = field(repr=False)

    @property
    def url(self) -> str:
        return self.server.url

    def stop(self) -> None:
        self.server.stop()


def start(certs: Any, *, clock: Callable[[], float] = time.time, port: int = 0,
          lifetime: int = 3599) -> TokenStandIn:
    """Serve a new TokenService over HTTPS with `certs` (standins.smtp.make_certs)."""
    from standins.http import JsonServer
    service = TokenService(clock, lifetime)
    server = JsonServer(service.handle, port=port, tls=certs.server_context(), name="oauth")
    service.url = server.url
    server.start()
    return TokenStandIn(service, server)
