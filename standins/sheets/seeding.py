"""The Python API tests use to seed spreadsheets and read results back without HTTP."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from . import metadata
from .a1 import parse_cells
from .app import App
from .errors import CELL_LIMIT
from .model import (
    OWNER,
    READER,
    WRITER,
    Account,
    CellData,
    Folder,
    Place,
    SharedDrive,
    Sheet,
    Spreadsheet,
    Target,
)
from .render import FORMATTED, SERIAL, Renderer
from .resources import new_spreadsheet
from .seed import Tab, TabSpec, as_tab, fill, grid_size


class SeedingApi:
    """Mixed into SheetsStandIn; everything here runs under the App's lock."""

    app: App

    def create_spreadsheet(
        self,
        title: str = "Test spreadsheet",
        tabs: Mapping[str, TabSpec] | None = None,
        owner: str = "test-token",
        shared_with: Iterable[str] | Mapping[str, str] = (),
        spreadsheet_id: str | None = None,
        parent: str = "root",
    ) -> str:
        """Create a spreadsheet holding `tabs` (title -> 2-D values or Tab) and return its id.

        Values may be str, int, float, bool, None, SerialDate, date/datetime or Formula.
        `shared_with` lists tokens (writers) or maps token -> "reader"/"writer"; `parent` is
        the id of the folder it goes in (and so the shared drive, if the folder is in one).
        """
        with self.app.lock:
            specs = {name: as_tab(spec) for name, spec in (tabs or {"Sheet1": []}).items()}
            sheets = [self._sheet_props(name, tab, i) for i, (name, tab) in enumerate(specs.items())]
            spreadsheet = new_spreadsheet(self.app.ids, title, owner, self.app.clock.now(), sheets, spreadsheet_id)
            if not spreadsheet.within_cell_limit():
                raise ValueError(f"{spreadsheet.total_cells()} cells is over Sheets' limit of {CELL_LIMIT}")
            for sheet, tab in zip(spreadsheet.sheets, specs.values(), strict=True):
                fill(sheet, tab.values)
                for key, value in tab.metadata.items():
                    self._add_metadata(spreadsheet, sheet, key, value)
            roles = shared_with if isinstance(shared_with, Mapping) else dict.fromkeys(shared_with, WRITER)
            spreadsheet.shared.update(roles)
            spreadsheet.place = self._place_in(parent)
            self.app.spreadsheets[spreadsheet.spreadsheet_id] = spreadsheet
            return spreadsheet.spreadsheet_id

    def _sheet_props(self, title: str, tab: Tab, index: int) -> dict[str, Any]:
        rows, cols = grid_size(tab)
        grid = {"rowCount": rows, "columnCount": cols, "frozenRowCount": tab.frozen_rows}
        sheet_id = tab.sheet_id if tab.sheet_id is not None else (0 if index == 0 else None)
        return {"title": title, "sheetId": sheet_id, "gridProperties": grid}

    def _add_metadata(self, spreadsheet: Spreadsheet, sheet: Sheet, key: str, value: str) -> dict[str, Any]:
        request = {"developerMetadata": {"metadataKey": key, "metadataValue": value, "location": {"sheetId": sheet.sheet_id}}}
        return metadata.create(spreadsheet, request, self.app.ids)["createDeveloperMetadata"]["developerMetadata"]

    # ---- access --------------------------------------------------------------------------

    def spreadsheet(self, spreadsheet_id: str) -> Spreadsheet:
        """The stored model object (read-only use, please: writes should go through the API)."""
        with self.app.lock:
            found = self.app.spreadsheets.get(spreadsheet_id)
            if found is None:
                raise KeyError(f"no spreadsheet {spreadsheet_id!r} in the stand-in")
            return found

    def tab(self, spreadsheet_id: str, title: str) -> Sheet:
        sheet = self.spreadsheet(spreadsheet_id).sheet_by_title(title)
        if sheet is None:
            titles = self.tab_titles(spreadsheet_id)
            raise KeyError(f"no tab {title!r} in spreadsheet {spreadsheet_id!r}; tabs are {titles}")
        return sheet

    def share(self, spreadsheet_id: str, token: str, role: str = WRITER) -> None:
        """Share a spreadsheet or folder with a bearer token as reader or writer ("*" shares
        with every token)."""
        if role not in (READER, WRITER):
            raise ValueError(f"role must be {READER!r} or {WRITER!r}")
        with self.app.lock:
            self._item(spreadsheet_id).shared[token] = role

    def unshare(self, spreadsheet_id: str, token: str) -> None:
        with self.app.lock:
            self._item(spreadsheet_id).shared.pop(token, None)

    def _item(self, file_id: str) -> Spreadsheet | Folder:
        folder = self.app.folders.get(file_id)
        return folder if folder is not None else self.spreadsheet(file_id)

    # ---- Drive: accounts, folders, shared drives -----------------------------------------

    def add_account(self, token: str, email: str, *, service_account: bool = False,
                    scopes: Iterable[str] | None = None) -> None:
        """Say who `token` stands for: a service account (which cannot own files in a My
        Drive) and/or one limited to `scopes` (full URLs); other calls get Google's 403."""
        with self.app.lock:
            self.app.accounts[token] = Account(email, service_account, None if scopes is None else frozenset(scopes))

    def create_folder(self, name: str, owner: str = "test-token", parent: str = "root",
                      shared_with: Mapping[str, str] | None = None) -> str:
        """A folder in `owner`'s My Drive, or inside folder `parent` (and its shared drive)."""
        with self.app.lock:
            place = self._place_in(parent)
            folder = Folder(self.app.ids.folder_id(), name, owner, dict(shared_with or {}), place, self.app.clock.now())
            self.app.folders[folder.folder_id] = folder
            return folder.folder_id

    def _place_in(self, parent: str) -> Place:
        above = self.app.folders.get(parent)
        if parent != "root" and above is None:
            raise KeyError(f"no folder {parent!r} in the stand-in")
        return Place(parent, above.place.drive_id if above else None)

    def create_shared_drive(self, name: str, members: Mapping[str, str]) -> tuple[str, str]:
        """A shared drive with its members (token -> reader or writer, a writer being a
        Content manager) and a folder at its top: returns (driveId, folderId)."""
        with self.app.lock:
            drive = SharedDrive(self.app.ids.drive_id(), name, dict(members))
            self.app.drives[drive.drive_id] = drive
            top = Folder(self.app.ids.folder_id(), name, "", place=Place("root", drive.drive_id), created=self.app.clock.now())
            self.app.folders[top.folder_id] = top
            return drive.drive_id, top.folder_id

    def place(self, file_id: str) -> Place:
        """Where a spreadsheet or folder sits: parent, shared drive, trashed."""
        with self.app.lock:
            return self._item(file_id).place

    def in_folder(self, folder_id: str, *, trashed: bool = False) -> dict[str, str]:
        """Name -> id of the spreadsheets directly in a folder (not in the trash, by default)."""
        with self.app.lock:
            return {s.title: s.spreadsheet_id for s in self.app.spreadsheets.values()
                    if s.place.parent == folder_id and s.place.trashed == trashed}

    def owner_of(self, spreadsheet_id: str) -> str:
        return self.spreadsheet(spreadsheet_id).owner

    def can_access(self, spreadsheet_id: str, token: str) -> bool:
        return self.app.role(self.spreadsheet(spreadsheet_id), token) in (OWNER, WRITER, READER)

    # ---- reading back --------------------------------------------------------------------

    def tab_titles(self, spreadsheet_id: str) -> list[str]:
        return [s.title for s in self.spreadsheet(spreadsheet_id).sheets]

    def values(self, spreadsheet_id: str, title: str, render: str = FORMATTED, date_render: str = SERIAL) -> list[list[Any]]:
        """A tab's values as values.get would return them (trailing blanks trimmed)."""
        with self.app.lock:
            sheet = self.tab(spreadsheet_id, title)
            target = Target(sheet, 0, sheet.row_count, 0, sheet.column_count)
            return Renderer(self.spreadsheet(spreadsheet_id)).matrix(target, render, date_render)

    def cell(self, spreadsheet_id: str, title: str, label: str) -> CellData:
        """The raw CellData (userEnteredValue, userEnteredFormat, note) at e.g. "B2"."""
        box = parse_cells(label, label)
        with self.app.lock:
            return copy.deepcopy(self.tab(spreadsheet_id, title).get(box.start_row or 0, box.start_col or 0) or {})

    def developer_metadata(self, spreadsheet_id: str, title: str | None = None, key: str | None = None) -> list[dict[str, Any]]:
        """Metadata entries, optionally only those on one tab and/or with one key."""
        with self.app.lock:
            sheet_id = self.tab(spreadsheet_id, title).sheet_id if title else None
            return metadata.find(self.spreadsheet(spreadsheet_id), key, sheet_id)

    def add_developer_metadata(self, spreadsheet_id: str, title: str, key: str, value: str) -> dict[str, Any]:
        with self.app.lock:
            spreadsheet = self.spreadsheet(spreadsheet_id)
            return self._add_metadata(spreadsheet, self.tab(spreadsheet_id, title), key, value)

    def frozen_rows(self, spreadsheet_id: str, title: str) -> int:
        return int(self.tab(spreadsheet_id, title).grid.get("frozenRowCount", 0))

    def frozen_columns(self, spreadsheet_id: str, title: str) -> int:
        return int(self.tab(spreadsheet_id, title).grid.get("frozenColumnCount", 0))

    def grid_size(self, spreadsheet_id: str, title: str) -> tuple[int, int]:
        sheet = self.tab(spreadsheet_id, title)
        return sheet.row_count, sheet.column_count

    def sheet_id(self, spreadsheet_id: str, title: str) -> int:
        return self.tab(spreadsheet_id, title).sheet_id
