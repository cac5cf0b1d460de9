"""The in-memory spreadsheets: sheets, sparse cells, owners and sharing.

Cells are stored as Google's own CellData dicts keyed by (row, column), zero-based. A cell dict is
never changed in place - every edit stores a new dict - so copying a spreadsheet for an atomic
batch only copies the per-sheet dicts, not every cell.
"""

from __future__ import annotations

import copy
import random
import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .a1 import format_range
from .errors import CELL_LIMIT

CellData = dict[str, Any]
DEFAULT_ROWS, DEFAULT_COLUMNS = 1000, 26
ID_ALPHABET = string.ascii_letters + string.digits + "-_"
READER, WRITER, OWNER = "reader", "writer", "owner"


@dataclass
class Sheet:
    """One tab: its SheetProperties, its cells and the developer metadata located on it."""

    properties: dict[str, Any]
    cells: dict[tuple[int, int], CellData] = field(default_factory=dict)
    developer_metadata: list[dict[str, Any]] = field(default_factory=list)
    objects: dict[str, Any] = field(default_factory=dict)
    """Charts, bandedRanges, conditionalFormats, protectedRanges, basicFilter, merges: keyed
    by the Sheet resource's own field names and stored as spreadsheets.get returns them."""
    sizes: dict[str, dict[int, int]] = field(default_factory=dict)
    """pixelSize set per row ('rowSizes') and column ('columnSizes') index."""

    @property
    def sheet_id(self) -> int:
        return int(self.properties["sheetId"])

    @property
    def title(self) -> str:
        return str(self.properties["title"])

    @property
    def grid(self) -> dict[str, Any]:
        return self.properties.setdefault("gridProperties", {})

    @property
    def row_count(self) -> int:
        return int(self.grid.get("rowCount", 0))

    @property
    def column_count(self) -> int:
        return int(self.grid.get("columnCount", 0))

    def clone(self) -> Sheet:
        return Sheet(copy.deepcopy(self.properties), dict(self.cells), copy.deepcopy(self.developer_metadata),
                     copy.deepcopy(self.objects), copy.deepcopy(self.sizes))

    def get(self, row: int, col: int) -> CellData | None:
        return self.cells.get((row, col))

    def put(self, row: int, col: int, cell: CellData | None) -> None:
        """Store a new cell dict; an empty or missing one removes the cell."""
        if cell:
            self.cells[(row, col)] = cell
        else:
            self.cells.pop((row, col), None)

    def cells_in(self, r0: int, r1: int, c0: int, c1: int) -> Iterator[tuple[tuple[int, int], CellData]]:
        """Stored cells inside a box, walking whichever is smaller: the box or the cell dict."""
        if (r1 - r0) * (c1 - c0) < len(self.cells):
            for r in range(r0, r1):
                for c in range(c0, c1):
                    cell = self.cells.get((r, c))
                    if cell is not None:
                        yield (r, c), cell
            return
        for key, cell in list(self.cells.items()):
            if r0 <= key[0] < r1 and c0 <= key[1] < c1:
                yield key, cell

    def resize(self, rows: int, columns: int) -> None:
        """Change the grid; cells that fall outside are lost, as in Sheets."""
        self.grid["rowCount"], self.grid["columnCount"] = rows, columns
        self.cells = {k: v for k, v in self.cells.items() if k[0] < rows and k[1] < columns}

    def shift(self, dimension: str, start: int, count: int) -> None:
        """Insert (count > 0) or delete (count < 0) rows/columns at `start`, moving later cells."""
        axis = 0 if dimension == "ROWS" else 1
        moved: dict[tuple[int, int], CellData] = {}
        for key, cell in self.cells.items():
            pos = key[axis]
            if count < 0 and start <= pos < start - count:
                continue
            if pos >= start:
                pos += count
            moved[(pos, key[1]) if axis == 0 else (key[0], pos)] = cell
        self.cells = moved
        name = "rowCount" if axis == 0 else "columnCount"
        self.grid[name] = self.grid[name] + count


def own_role(owner: str, shared: dict[str, str], token: str, open_access: bool) -> str | None:
    """A caller's role from an item's own sharing: owner, writer, reader or None."""
    if token == owner or open_access:
        return OWNER if token == owner else WRITER
    return shared.get(token) or shared.get("*")


@dataclass
class Place:
    """A Drive item's place: one parent (Drive allows one since 2020), the shared drive it
    belongs to (None: a My Drive), and whether it is in the trash."""

    parent: str = "root"
    drive_id: str | None = None
    trashed: bool = False


@dataclass
class Folder:
    """A Drive folder: files inherit its sharing, as in Drive."""

    folder_id: str
    name: str
    owner: str
    shared: dict[str, str] = field(default_factory=dict)
    place: Place = field(default_factory=Place)
    created: float = 0.0

    def role(self, token: str, open_access: bool = False) -> str | None:
        return own_role(self.owner, self.shared, token, open_access)


@dataclass
class SharedDrive:
    """A shared drive: its files belong to the drive, and its members' roles reach every
    item in it (`writer` stands for Content manager, who may add, edit and trash)."""

    drive_id: str
    name: str
    members: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Account:
    """Who a bearer token stands for. `scopes` None: every scope (an unregistered token)."""

    email: str
    service_account: bool = False
    scopes: frozenset[str] | None = None


@dataclass
class Spreadsheet:
    """A spreadsheet file: properties, tabs, who may use it, and Drive's timestamps."""

    spreadsheet_id: str
    properties: dict[str, Any]
    sheets: list[Sheet]
    owner: str
    shared: dict[str, str] = field(default_factory=dict)
    developer_metadata: list[dict[str, Any]] = field(default_factory=list)
    created: float = 0.0
    modified: float = 0.0
    version: int = 1
    """Drive's file version: goes up with every change to the file, as Drive's does."""
    place: Place = field(default_factory=Place)
    """Where the file sits in Drive: its parent folder, shared drive, trashed or not."""

    @property
    def title(self) -> str:
        return str(self.properties.get("title", ""))

    def clone(self) -> Spreadsheet:
        return Spreadsheet(
            self.spreadsheet_id, copy.deepcopy(self.properties), [s.clone() for s in self.sheets],
            self.owner, dict(self.shared), copy.deepcopy(self.developer_metadata),
            self.created, self.modified, self.version, copy.copy(self.place),
        )  # fmt: skip

    def role(self, token: str, open_access: bool = False) -> str | None:
        return own_role(self.owner, self.shared, token, open_access)

    def sheet_by_id(self, sheet_id: int) -> Sheet | None:
        return next((s for s in self.sheets if s.sheet_id == sheet_id), None)

    def sheet_by_title(self, title: str) -> Sheet | None:
        """Titles match case-insensitively, as they do in Sheets' own range parsing."""
        exact = next((s for s in self.sheets if s.title == title), None)
        return exact or next((s for s in self.sheets if s.title.lower() == title.lower()), None)

    def reindex(self) -> None:
        for index, sheet in enumerate(self.sheets):
            sheet.properties["index"] = index

    def total_cells(self) -> int:
        return sum(s.row_count * s.column_count for s in self.sheets)

    def within_cell_limit(self) -> bool:
        return self.total_cells() <= CELL_LIMIT


@dataclass(frozen=True)
class Target:
    """A range resolved against a sheet: half-open bounds already clipped to the grid."""

    sheet: Sheet
    r0: int
    r1: int
    c0: int
    c1: int
    single_cell: bool = False

    def label(self) -> str:
        return format_range(self.sheet.title, self.r0, self.r1, self.c0, self.c1)

    @property
    def empty(self) -> bool:
        return self.r1 <= self.r0 or self.c1 <= self.c0


def new_sheet_properties(sheet_id: int, title: str, index: int, rows: int, cols: int) -> dict[str, Any]:
    return {
        "sheetId": sheet_id,
        "title": title,
        "index": index,
        "sheetType": "GRID",
        "gridProperties": {"rowCount": rows, "columnCount": cols},
    }


class Ids:
    """Id generation from one seeded RNG, so a test run's ids repeat from run to run."""

    def __init__(self, seed: int | None = 20240101) -> None:
        self.rng = random.Random(seed)

    def spreadsheet_id(self) -> str:
        return "1" + "".join(self.rng.choice(ID_ALPHABET) for _ in range(43))

    def folder_id(self) -> str:
        return "1" + "".join(self.rng.choice(ID_ALPHABET) for _ in range(32))

    def drive_id(self) -> str:
        return "0A" + "".join(self.rng.choice(string.ascii_letters + string.digits) for _ in range(17))

    def positive_int(self, taken: set[int]) -> int:
        while True:
            value = self.rng.randint(1, 2**31 - 1)
            if value not in taken:
                return value


def sheet_ids(spreadsheet: Spreadsheet) -> set[int]:
    return {s.sheet_id for s in spreadsheet.sheets}


def metadata_ids(spreadsheet: Spreadsheet) -> set[int]:
    found = {int(m["metadataId"]) for m in spreadsheet.developer_metadata}
    for sheet in spreadsheet.sheets:
        found.update(int(m["metadataId"]) for m in sheet.developer_metadata)
    return found


def default_spreadsheet_properties(title: str) -> dict[str, Any]:
    return {"title": title, "locale": "en_US", "autoRecalc": "ON_CHANGE", "timeZone": "Etc/GMT"}


def next_sheet_title(spreadsheet: Spreadsheet) -> str:
    """Sheets names new tabs SheetN with the first free N above the current count."""
    n = len(spreadsheet.sheets) + 1
    while spreadsheet.sheet_by_title(f"Sheet{n}"):
        n += 1
    return f"Sheet{n}"
