"""Reading local .xlsx workbooks with calamine (a Rust reader, 5-10x faster than openpyxl).

Each tab is handed over in the normal form of `core.sources`, as the Google reader gives it, so
validation cannot tell a workbook from a Google spreadsheet. Before calamine builds a tab's grid,
a cheap scan of its XML (`sync.xlsx_scan`) bounds the work: a tab past the configured size, or
one whose grid would be mostly empty (a stray value far from the data), is one source problem
instead of a hang. A file that is not a readable .xlsx is a problem of that source only.
"""
from __future__ import annotations

import datetime as dt
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from core.parse import date_to_serial
from core.schema import TabKind
from core.sources import FailureKind, RawTab, SourceProblem
from sync.common import SHARED_TEXTS, find_sheet, missing_tab
from sync.xlsx_scan import SheetExtent, scan_sheet, sheet_parts

_UNREADABLE = (CalamineError, zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError,
               KeyError, ValueError, OSError, RuntimeError, NotImplementedError)
"""What a damaged, truncated or foreign file makes zipfile, zlib, ElementTree or calamine raise
(ElementTree's ParseError is a SyntaxError, caught apart)."""
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class TabLimits:
    """Largest tab read (settings.max_tab_rows / max_tab_columns), and how empty a grid may be."""

    rows: int = 1_048_576
    columns: int = 500
    sparse_ratio: int = 20
    """A grid more than this many times its valued cells (plus `sparse_slack`) is refused."""
    sparse_slack: int = 1_000_000


@dataclass
class _Open:
    archive: zipfile.ZipFile
    book: CalamineWorkbook
    parts: dict[str, str]

    def close(self) -> None:
        self.book.close()
        self.archive.close()


def read_workbook(path: Path, source: str, tabs: dict[TabKind, str], school: str | None,
                  aliases: dict[TabKind, dict[str, list[str]]],
                  limits: TabLimits = TabLimits()) -> tuple[list[RawTab], list[SourceProblem]]:
    """Every configured tab of one workbook; a missing or unreadable tab is a problem, the
    others still read."""
    opened, problem = open_for_reading(path, source)
    if opened is None:
        return [], [problem] if problem else []
    found, problems = [], []
    try:
        for kind, title in tabs.items():
            sheet = find_sheet(opened.book.sheet_names, title)
            if sheet is None:
                problems.append(missing_tab(source, title, kind, opened.book.sheet_names, path))
                continue
            header, rows, trouble = read_tab(opened, sheet, path, limits)
            if trouble:
                problems.append(SourceProblem(source, sheet, trouble, FailureKind.UNREADABLE,
                                              kind))
            else:
                found.append(RawTab(source, sheet, kind, header, rows, school,
                                    aliases.get(kind, {})))
    finally:
        opened.close()
    return found, problems


def open_for_reading(path: Path, source: str) -> tuple[_Open | None, SourceProblem | None]:
    """The workbook, or the one problem that says why it cannot be read and what to do."""
    try:
        with open(path, "rb") as f:
            magic = f.read(4)
    except FileNotFoundError:
        return None, SourceProblem(source, "", f"The workbook {path} does not exist. Check "
                                   "the source's location: in the config (relative paths are "
                                   "taken from the config file's folder).", FailureKind.MISSING)
    except OSError as exc:
        return None, SourceProblem(source, "", f"The workbook {path} could not be read "
                                   f"({exc.strerror or exc}). Check that the job may read it.")
    if magic != _ZIP_MAGIC:
        return None, SourceProblem(source, "", not_xlsx(path, magic))
    archive = None
    try:
        archive = zipfile.ZipFile(path)
        parts = sheet_parts(archive)
        return _Open(archive, CalamineWorkbook.from_path(str(path)), parts), None
    except (*_UNREADABLE, SyntaxError) as exc:
        if archive is not None:
            archive.close()
        return None, SourceProblem(source, "", damaged(path, exc))


def not_xlsx(path: Path, magic: bytes) -> str:
    if magic == _OLE_MAGIC:
        return (f"{path} could not be opened as an .xlsx workbook: it is password-protected "
                "(encrypted) or an old .xls file. Save a copy as Excel .xlsx without a password "
                "and point the source's location: at it.")
    return (f"{path} could not be opened as an .xlsx workbook: it is not one (a CSV or text "
            "file renamed .xlsx?). Open it in Excel or Sheets, Save it as Excel .xlsx (File › "
            "Save As › Excel Workbook) and point location: at that file.")


def damaged(path: Path, exc: BaseException, tab: str | None = None) -> str:
    where = f"tab '{tab}' of {path}" if tab else str(path)
    detail = str(exc).splitlines()[0][:200] if str(exc) else exc.__class__.__name__
    return (f"{where} could not be opened as an .xlsx workbook: the file is damaged or "
            f"incomplete ({detail}). Open it in Excel and save it again, or restore a good "
            "copy; the other sources were still read.")


def read_tab(opened: _Open, sheet: str, path: Path, limits: TabLimits
             ) -> tuple[list[str], list[list[Any]], str | None]:
    """(header, rows, None), or a problem when the tab is too big, too sparse or damaged."""
    try:
        extent = scan_sheet(opened.archive, opened.parts[sheet])
        trouble = too_big(extent, limits, sheet, path)
        if trouble:
            return [], [], trouble
        grid = opened.book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except (*_UNREADABLE, SyntaxError) as exc:
        return [], [], damaged(path, exc, sheet)
    put_errors(grid, extent.errors)
    header, rows = grid_values(grid)
    return header, rows, None


def put_errors(grid: list[list[Any]], errors: dict[tuple[int, int], str]) -> None:
    """Error cells (`#N/A`) as text, as Sheets and openpyxl give them: calamine reads them as
    empty, even leaving them out of its grid when they are the last cells."""
    for (row, col), text in errors.items():
        while len(grid) <= row:
            grid.append([])
        cells = grid[row]
        cells.extend([""] * (col + 1 - len(cells)))
        cells[col] = text


def too_big(extent: SheetExtent, limits: TabLimits, sheet: str, path: Path) -> str | None:
    last = f"{column_letters(extent.columns)}{extent.rows}"
    if extent.rows > limits.rows or extent.columns > limits.columns:
        return (f"Tab '{sheet}' of {path} reaches cell {last}: {extent.rows:,} rows and "
                f"{extent.columns:,} columns, past the limit of {limits.rows:,} rows and "
                f"{limits.columns:,} columns, so it was not read. Delete what is typed past "
                "the data (Ctrl+End in Excel shows the last cell), or raise "
                "settings.max_tab_rows / max_tab_columns in the config.")
    if extent.rows * extent.columns > limits.sparse_ratio * extent.cells + limits.sparse_slack:
        return (f"Tab '{sheet}' of {path} reaches cell {last} but only {extent.cells:,} cells "
                "hold a value: something is typed far from the data, so the tab was not read. "
                f"Delete the stray value(s) near {last} (Ctrl+End in Excel goes there).")
    return None


def column_letters(n: int) -> str:
    letters = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters or "A"


def grid_values(grid: list[list[Any]]) -> tuple[list[str], list[list[Any]]]:
    """Header and data rows in normal form, trailing empty cells and rows trimmed; each row is
    replaced in place, so the raw grid and the normal one are never both held whole."""
    if not grid:
        return [], []
    header = ["" if v == "" else str(normal(v) if type(v) is float else v).strip()
              for v in grid[0]]
    while header and header[-1] == "":
        header.pop()
    seen: dict[str, str] = {}
    for i in range(1, len(grid)):
        share = seen.setdefault if len(seen) < SHARED_TEXTS else seen.get
        row = [None if v == "" else share(v, v) if type(v) is str else normal(v)
               for v in grid[i]]
        while row and row[-1] is None:
            row.pop()
        grid[i] = row
    while len(grid) > 1 and not grid[-1]:
        grid.pop()
    del grid[0]
    return header, grid


_WHOLE = 2.0 ** 53


def normal(value: Any) -> Any:
    """One calamine cell in normal form: whole numbers as int (as openpyxl and Sheets give
    them), dates and times as Sheets serial numbers."""
    kind = type(value)
    if kind is float:
        return int(value) if value.is_integer() and -_WHOLE < value < _WHOLE else value
    if kind is dt.datetime or kind is dt.date:
        return date_to_serial(value)
    if kind is dt.time:
        return (value.hour * 3600 + value.minute * 60 + value.second
                + value.microsecond / 1e6) / 86400
    if kind is dt.timedelta:
        return value.total_seconds() / 86400
    return value
