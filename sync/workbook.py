"""The embedded backend: local .xlsx workbooks, read and written with openpyxl.

Reading hands the pipeline the normal form of `core.sources` (dates as Sheets serial numbers), so
validation cannot tell a workbook from a Google spreadsheet. Writing replaces only the tabs the
job owns, atomically: the new workbook is saved to a temporary file beside the old one and moved
over it, so a crash leaves the previous file whole.
"""
from __future__ import annotations

import datetime as dt
import os
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from core.errors import OutputError, TabOwnershipError
from core.schema import OutputTab, TabKind
from core.sources import FailureKind, RawTab, SourceProblem
from core.words import plural
from core.summary import Link, Table, run_log_table
from core.tables import Dashboard, Fig
from sync.common import find_sheet, missing_tab, sheet_values, trim_row
from sync.workbook_charts import draw_dashboard
from sync.workbook_style import style_table

OWNER_NAME = "CoachingImpactOwner"
"""Sheet-scoped defined name marking a tab as the job's own (travels with the tab if renamed)."""


# ---------------------------------------------------------------- reading


def open_for_reading(path: Path, source: str) -> tuple[Any, SourceProblem | None]:
    try:
        return load_workbook(path, read_only=True, data_only=True), None
    except FileNotFoundError:
        return None, SourceProblem(source, "", f"The workbook {path} does not exist. Check "
                                   "the source's location: in the config (relative paths are "
                                   "taken from the config file's folder).", FailureKind.MISSING)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        return None, SourceProblem(source, "", f"{path} could not be opened as an .xlsx "
                                   f"workbook ({exc}). Save it as Excel .xlsx (File › Save As › Excel "
                                   "Workbook) and point location: at that file.",
                                   FailureKind.UNREADABLE)


def read_workbook(path: Path, source: str, tabs: dict[TabKind, str], school: str | None,
                  aliases: dict[TabKind, dict[str, list[str]]]
                  ) -> tuple[list[RawTab], list[SourceProblem]]:
    """Every configured tab of one workbook; a missing tab is a problem, the others still read."""
    book, problem = open_for_reading(path, source)
    if problem:
        return [], [problem]
    found, problems = [], []
    try:
        for kind, title in tabs.items():
            sheet = find_sheet(book.sheetnames, title)
            if sheet is None:
                problems.append(missing_tab(source, title, kind, book.sheetnames, path))
                continue
            header, rows = sheet_values(book[sheet].iter_rows(values_only=True))
            found.append(RawTab(source, sheet, kind, header, rows, school,
                                aliases.get(kind, {})))
    finally:
        book.close()
    return found, problems


# ---------------------------------------------------------------- writing


class WorkbookTarget:
    """The output workbook: the job's own tabs replaced whole, every other tab left as it was."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def describe(self) -> str:
        return str(self.path)

    def write(self, tables: Sequence[Table], run_log_entry: Sequence[Any],
              dashboard: Dashboard | None = None) -> None:
        """Replace the job's tabs (and its Dashboard, first) and add one row to its Run Log, in
        one atomic save."""
        book = self._load() if self.path.exists() else None
        fresh = book is None
        if book is None:
            book = Workbook()
        history = [] if fresh else owned_rows(book, OutputTab.RUN_LOG)
        tables = [*tables, run_log_table(history, list(run_log_entry))]
        board = dashboard_table(dashboard)
        if not fresh:
            check_ownership(book, [*board, *tables], self.path)
        for table in [*board, *tables]:
            replace_sheet(book, table)
        if dashboard is not None:
            draw_dashboard(book, book[dashboard.name], dashboard, tables)
        if fresh:
            book.remove(book.worksheets[0])
        self._save(book)

    def _load(self) -> Workbook:
        try:
            return load_workbook(self.path)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
            raise OutputError(f"The output workbook {self.path} could not be opened ({exc}). "
                              "Point output: location: at an .xlsx file or a new path.") from None

    def _save(self, book: Workbook) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".~", suffix=".xlsx", dir=self.path.parent)
        os.close(fd)
        try:
            book.save(tmp)
            os.replace(tmp, self.path)
        except OSError as exc:
            Path(tmp).unlink(missing_ok=True)
            raise OutputError(f"Could not save {self.path}: {exc}. Check the folder exists and "
                              "is writable, and that the file is not open elsewhere.") from None
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def owned_rows(book: Workbook, title: str) -> list[list[Any]]:
    """Data rows of a tab the job owns (none when absent): how the Run Log keeps its history."""
    if title not in book.sheetnames or not is_owned(book[title]):
        return []
    rows = book[title].iter_rows(min_row=2, values_only=True)
    return [trim_row(list(r)) for r in rows if any(v is not None for v in r)]


def is_owned(sheet: Worksheet) -> bool:
    return OWNER_NAME in sheet.defined_names


def check_ownership(book: Workbook, tables: Sequence[Table], path: Path) -> None:
    clashes = [t.name for t in tables if t.name in book.sheetnames and not is_owned(book[t.name])]
    if clashes:
        names = ", ".join(f"'{c}'" for c in clashes)
        raise TabOwnershipError(
            f"{path} already has {plural(len(clashes), 'tab')} {names} that this job did not create, so nothing was "
            "written. Rename those tabs, or set output: location: to another workbook.")


def dashboard_table(dashboard: Dashboard | None) -> list[Table]:
    """The Dashboard's notes as a one-column tab (its charts are drawn once the tabs they read
    are in place)."""
    if dashboard is None:
        return []
    notes = dashboard.notes or [[""]]
    return [Table(dashboard.name, [str(notes[0][0])], [list(r) for r in notes[1:]])]


def replace_sheet(book: Workbook, table: Table) -> None:
    index = len(book.sheetnames)
    if table.name in book.sheetnames:
        index = book.sheetnames.index(table.name)
        book.remove(book[table.name])
    sheet = book.create_sheet(table.name, index)
    sheet.defined_names[OWNER_NAME] = DefinedName(OWNER_NAME, attr_text="TRUE")
    fill_sheet(sheet, table)


def fill_sheet(sheet: Worksheet, table: Table) -> None:
    sheet.append([safe_text(h) for h in table.header])
    for r, row in enumerate(table.rows, start=2):
        for c, value in enumerate(row, start=1):
            write_cell(sheet.cell(row=r, column=c), value)
    if table.name != OutputTab.DASHBOARD:
        style_table(sheet, table)


def write_cell(cell: Any, value: Any) -> None:
    """Typed values stay typed; text is always text, never a formula."""
    if isinstance(value, Link):
        cell.value = safe_text(value.text)
        cell.data_type = "s"
        cell.hyperlink = value.url
    elif isinstance(value, str):
        cell.value = safe_text(value)
        cell.data_type = "s"
    elif isinstance(value, Fig):
        write_cell(cell, value.value)
        if value.value is not None and not isinstance(value.value, str):
            cell.number_format = value.fmt.value
    elif isinstance(value, dt.date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    else:
        cell.value = value


def safe_text(value: Any) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))
