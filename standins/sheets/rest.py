"""A thin raw-REST client for tests that need exact status codes and bodies, not gspread's view.

It talks to the real Google URLs; the session's endpoint adapter routes them to the stand-in.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

SHEETS = "https://sheets.googleapis.com/v4/spreadsheets"
DRIVE = "https://www.googleapis.com/drive/v3/files"


class Rest:
    """get/post/put/delete returning (status, parsed JSON or None)."""

    def __init__(self, session: Any, timeout: float | None = 5.0) -> None:
        self.session = session
        self.timeout = timeout

    def call(self, method: str, url: str, **kwargs: Any) -> tuple[int, Any]:
        response = self.session.request(method, url, timeout=self.timeout, **kwargs)
        return response.status_code, (response.json() if response.content else None)

    def get(self, url: str, **params: Any) -> tuple[int, Any]:
        return self.call("GET", url, params=params)

    def post(self, url: str, body: Any = None, **params: Any) -> tuple[int, Any]:
        return self.call("POST", url, json=body, params=params)

    def put(self, url: str, body: Any = None, **params: Any) -> tuple[int, Any]:
        return self.call("PUT", url, json=body, params=params)

    def delete(self, url: str, **params: Any) -> tuple[int, Any]:
        return self.call("DELETE", url, params=params)

    # Sheets shorthands ---------------------------------------------------------------------

    def values(self, spreadsheet_id: str, a1: str, verb: str = "") -> str:
        return f"{SHEETS}/{spreadsheet_id}/values/{quote(a1, safe='')}{verb}"

    def batch(self, spreadsheet_id: str, *requests: dict[str, Any]) -> tuple[int, Any]:
        return self.post(f"{SHEETS}/{spreadsheet_id}:batchUpdate", {"requests": list(requests)})

    def read(self, spreadsheet_id: str, a1: str, **params: Any) -> tuple[int, Any]:
        return self.get(self.values(spreadsheet_id, a1), **params)

    def write(self, spreadsheet_id: str, a1: str, values: list[list[Any]], option: str = "RAW") -> tuple[int, Any]:
        return self.put(self.values(spreadsheet_id, a1), {"values": values}, valueInputOption=option)

    def metadata(self, spreadsheet_id: str, **params: Any) -> tuple[int, Any]:
        return self.get(f"{SHEETS}/{spreadsheet_id}", **params)
