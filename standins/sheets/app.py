"""The stand-in's core, free of HTTP: stored spreadsheets, access checks and atomic commits.

Each endpoint handler gets a Call (what was asked, by whom) and returns (status, JSON body).
Writes work on a copy of the spreadsheet and only a handler that finishes without an error has
its copy swapped in - so an invalid request anywhere in a batch leaves nothing applied.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .clock import Clock
from .errors import ApiError, not_found, permission_denied
from .model import READER, Account, Folder, Ids, SharedDrive, Spreadsheet

Reply = tuple[int, dict[str, Any] | None]
Handler = Callable[["App", "Call"], Reply]


@dataclass
class Call:
    """One API call as the handlers see it."""

    endpoint: str
    method: str
    token: str
    query: dict[str, list[str]] = field(default_factory=dict)
    body: Any = None
    spreadsheet_id: str | None = None
    range_text: str | None = None
    file_id: str | None = None

    def param(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def params(self, name: str) -> list[str]:
        return list(self.query.get(name, []))

    def flag(self, name: str) -> bool:
        """Booleans arrive as true/false or, from Python clients, True/False."""
        return (self.param(name) or "").lower() == "true"

    def json(self) -> dict[str, Any]:
        return self.body if isinstance(self.body, dict) else {}


class App:
    """Holds the spreadsheets; serialises all access behind one lock."""

    def __init__(self, clock: Clock, ids: Ids | None = None, open_access: bool = False) -> None:
        self.clock = clock
        self.ids = ids or Ids()
        self.open_access = open_access
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.folders: dict[str, Folder] = {}
        self.drives: dict[str, SharedDrive] = {}
        self.accounts: dict[str, Account] = {}
        """Bearer token -> who it stands for; an unregistered token is a person with every
        scope."""
        self.lock = threading.RLock()
        self.handlers: dict[str, Handler] = {}
        self.on_commit: Callable[[], None] | None = None

    def register(self, handlers: dict[str, Handler]) -> None:
        self.handlers.update(handlers)

    def handle(self, call: Call) -> Reply:
        handler = self.handlers[call.endpoint]
        with self.lock:
            try:
                return handler(self, call)
            except ApiError as error:
                return error.code, error.body()

    def role(self, item: Spreadsheet | Folder, token: str) -> str | None:
        """The caller's role on a file or folder: its own sharing, else what its parent
        folders or its shared drive give (Drive's inherited permissions)."""
        seen: set[str] = set()
        while True:
            own = item.role(token, self.open_access)
            if own is not None:
                return own
            drive = self.drives.get(item.place.drive_id or "")
            parent = self.folders.get(item.place.parent)
            if parent is None or parent.folder_id in seen:
                return drive.members.get(token) if drive else None
            seen.add(parent.folder_id)
            item = parent

    def readable(self, call: Call) -> Spreadsheet:
        """The live spreadsheet, if the caller may read it (404 unknown, 403 not shared)."""
        spreadsheet = self.spreadsheets.get(call.spreadsheet_id or "")
        if spreadsheet is None:
            raise not_found()
        if self.role(spreadsheet, call.token) is None:
            raise permission_denied()
        return spreadsheet

    def writable(self, call: Call) -> Spreadsheet:
        """A private copy to change; hand it to commit() once every change has succeeded."""
        spreadsheet = self.readable(call)
        if self.role(spreadsheet, call.token) == READER:
            raise permission_denied()
        return spreadsheet.clone()

    def commit(self, spreadsheet: Spreadsheet) -> None:
        spreadsheet.modified = self.clock.now()
        previous = self.spreadsheets.get(spreadsheet.spreadsheet_id)
        spreadsheet.version = (previous.version if previous else spreadsheet.version) + 1
        self.spreadsheets[spreadsheet.spreadsheet_id] = spreadsheet
        if self.on_commit:
            self.on_commit()

    def changed(self) -> None:
        """A folder was added, changed or removed: save the state, as commit() does."""
        if self.on_commit:
            self.on_commit()

    def remove(self, spreadsheet_id: str) -> None:
        self.spreadsheets.pop(spreadsheet_id, None)
        if self.on_commit:
            self.on_commit()
