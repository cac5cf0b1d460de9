"""Replay recorded Google traffic (vcrpy JSON) against the stand-in and compare the answers.

Ids differ between Google and the stand-in, so the replay learns a mapping as it goes: recorded
spreadsheet ids -> the ids the stand-in's Drive create returned, recorded sheetIds -> the ones its
addSheet replies carried. One harness rule stands in for the recorded test's setup: a spreadsheet
id first seen in a request Google answered 403 is seeded as someone else's private spreadsheet.

Bodies are compared as canonical JSON after dropping ids, URLs, the theme/default-format blocks
and Drive timestamps.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from . import routes
from .server import SheetsStandIn

DROPPED_KEYS = {"spreadsheetId", "id", "spreadsheetUrl", "defaultFormat", "spreadsheetTheme", "createdTime", "modifiedTime"}
TOKEN = "test-token"


@dataclass
class Outcome:
    """One replayed interaction and whether the stand-in answered as Google did."""

    recording: str
    index: int
    method: str
    path: str
    endpoint: str | None
    matched: bool
    reason: str = ""

    def describe(self) -> str:
        return f"{self.recording}[{self.index}] {self.method} {self.path} ({self.endpoint}): {self.reason}"


@dataclass
class IdMap:
    spreadsheets: dict[str, str] = field(default_factory=dict)
    sheets: dict[int, int] = field(default_factory=dict)

    def path(self, raw_path: str) -> str:
        for recorded, ours in self.spreadsheets.items():
            raw_path = raw_path.replace(recorded, ours)
        return raw_path

    def body(self, value: Any) -> Any:
        """Recorded sheetIds in a request body become the stand-in's."""
        if isinstance(value, list):
            return [self.body(v) for v in value]
        if isinstance(value, dict):
            return {k: (self.sheets.get(v, v) if k == "sheetId" else self.body(v)) for k, v in value.items()}
        return value


def normalise(value: Any, ids: IdMap | None = None) -> Any:
    if isinstance(value, list):
        return [normalise(v, ids) for v in value]
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in DROPPED_KEYS:
                continue
            out[key] = ids.sheets.get(item, item) if (ids and key == "sheetId") else normalise(item, ids)
        return out
    return value


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def replay_file(standin: SheetsStandIn, path: Path, session: requests.Session) -> list[Outcome]:
    """Replay one recording from a clean stand-in; one Outcome per interaction."""
    standin.reset()
    ids = IdMap()
    interactions = json.loads(path.read_text(encoding="utf-8"))["interactions"]
    return [_replay_one(standin, session, ids, path.name, i, item) for i, item in enumerate(interactions)]


def _replay_one(
    standin: SheetsStandIn, session: requests.Session, ids: IdMap, name: str, index: int, item: dict[str, Any]
) -> Outcome:
    request, response = item["request"], item["response"]
    parts = urlsplit(request["uri"])
    route = routes.match(request["method"], parts.path)
    expected_status = int(response["status"]["code"])
    _seed_private(standin, ids, route, expected_status)
    reply = _send(standin, session, ids, request, parts.path, parts.query)
    expected = _parse(response["body"]["string"])
    actual = _parse(reply.text)
    _learn(ids, route, request, expected, actual)
    outcome = Outcome(name, index, request["method"], parts.path, route.endpoint if route else None, True)
    if reply.status_code != expected_status:
        outcome.matched, outcome.reason = False, f"status {reply.status_code} != recorded {expected_status}; body {reply.text[:300]}"
    elif canonical(normalise(actual)) != canonical(normalise(expected, ids)):
        outcome.matched = False
        outcome.reason = f"body differs: got {canonical(normalise(actual))[:400]} expected {canonical(normalise(expected, ids))[:400]}"
    return outcome


def _seed_private(standin: SheetsStandIn, ids: IdMap, route: routes.Route | None, status: int) -> None:
    recorded = route.spreadsheet_id if route else None
    if recorded and status == 403 and recorded not in ids.spreadsheets:
        ids.spreadsheets[recorded] = standin.create_spreadsheet("Someone else's", owner="someone-else")


def _send(
    standin: SheetsStandIn, session: requests.Session, ids: IdMap, request: dict[str, Any], raw_path: str, query: str
) -> requests.Response:
    body = request.get("body")
    data = json.dumps(ids.body(json.loads(body))).encode("utf-8") if body else None
    url = standin.url + ids.path(raw_path) + (f"?{query}" if query else "")
    headers = {"Authorization": f"Bearer {TOKEN}"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    return session.request(request["method"], url, data=data, headers=headers, timeout=10)


def _parse(text: str) -> Any:
    return json.loads(text) if text.strip() else None


def _learn(ids: IdMap, route: routes.Route | None, request: dict[str, Any], expected: Any, actual: Any) -> None:
    """Pick up id pairs from creates and addSheet replies."""
    if not route or not isinstance(expected, dict) or not isinstance(actual, dict):
        return
    if route.endpoint in ("drive.files.create", "spreadsheets.create") and "id" in expected and "id" in actual:
        ids.spreadsheets[expected["id"]] = actual["id"]
    for got, want in zip(actual.get("replies", []), expected.get("replies", []), strict=False):
        if "addSheet" in got and "addSheet" in want:
            ids.sheets[want["addSheet"]["properties"]["sheetId"]] = got["addSheet"]["properties"]["sheetId"]


def replay_all(standin: SheetsStandIn, directory: Path) -> list[Outcome]:
    outcomes: list[Outcome] = []
    with requests.Session() as session:
        session.trust_env = False
        for path in sorted(directory.glob("*.json")):
            outcomes.extend(replay_file(standin, path, session))
    return outcomes
