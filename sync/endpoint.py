"""Route Google API traffic to another base URL (the endpoint override) with a requests adapter.

Why an adapter: gspread (and google-auth's AuthorizedSession) build absolute URLs on
https://sheets.googleapis.com and https://www.googleapis.com. Mounting this adapter on the session
for those prefixes rewrites each request's scheme, host and port just before it is sent, so the
client code runs unmodified - no monkeypatching, no changed URLs in gspread. The job uses it for
`google.endpoint` / SHEETS_API_ENDPOINT (a local Sheets API stand-in); the tests' stand-in too.

    session = AuthorizedSession(Credentials(token="test-token"))
    mount_endpoint_override(session, "http://127.0.0.1:8765")
    client = gspread.Client(auth=session.credentials, session=session)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter

GOOGLE_API_PREFIXES = ("https://sheets.googleapis.com/", "https://www.googleapis.com/")


class EndpointOverrideAdapter(HTTPAdapter):
    """An HTTPAdapter that sends every request to `base_url`, keeping path and query.

    Proxies are dropped for rewritten requests: they were chosen for the original Google host and
    must not capture traffic meant for a loopback server.
    """

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"base_url must look like http://host:port, got {base_url!r}")
        self.scheme, self.netloc = parts.scheme, parts.netloc
        self.prefix = parts.path.rstrip("/")

    def rewrite(self, url: str) -> str:
        parts = urlsplit(url)
        return urlunsplit((self.scheme, self.netloc, self.prefix + parts.path, parts.query, ""))

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        request.url = self.rewrite(request.url or "")
        kwargs["proxies"] = {}
        return super().send(request, **kwargs)


def mount_endpoint_override(
    session: requests.Session, base_url: str, prefixes: Iterable[str] = GOOGLE_API_PREFIXES
) -> EndpointOverrideAdapter:
    """Mount one adapter for every Google API prefix on `session` and return it."""
    adapter = EndpointOverrideAdapter(base_url)
    for prefix in prefixes:
        session.mount(prefix, adapter)
    return adapter
