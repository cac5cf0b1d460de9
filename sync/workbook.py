"""The embedded backend's output: a local .xlsx workbook written with openpyxl (sources are
read with calamine, in `sync.workbook_read`).

Writing replaces only the tabs the job owns, atomically: the new workbook is saved to a
temporary file beside the old one and moved over it, so a crash leaves the previous file whole.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import posixpath
import tempfile
import xml.etree.ElementTree as ET
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
from core.schema import OutputTab
from core.summary import Link, Table, run_log_table
from core.tables import Dashboard, Fig
from core.words import plural
from sync.common import EXCEL_CELL_CHARACTERS, current_umask, fit_cell, trim_row
from sync.workbook_charts import draw_dashboard
from sync.workbook_style import style_table

log = logging.getLogger("coaching_impact")

OWNER_NAME = "CoachingImpactOwner"
"""Sheet-scoped defined name marking a tab as the job's own (travels with the tab if renamed)."""


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
        remove_stale_temporaries(self.path)
        book = self._load() if self.path.exists() else None
        fresh = book is None
        if book is None:
            book = Workbook()
        history = [] if fresh else owned_rows(book, OutputTab.RUN_LOG)
        tables = [*tables, run_log_table(history, list(run_log_entry))]
        board = dashboard_table(dashboard)
        if not fresh:
            check_ownership(book, [*board, *tables], self.path)
            require_carried_over(book, self.path)
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
        fd, tmp = tempfile.mkstemp(prefix=temporary_prefix(self.path), suffix=".xlsx",
                                   dir=self.path.parent)
        os.close(fd)
        try:
            book.save(tmp)
            keep_mode_and_owner(Path(tmp), self.path)
            os.replace(tmp, self.path)
        except OSError as exc:
            Path(tmp).unlink(missing_ok=True)
            raise OutputError(f"Could not save {self.path}: {exc}. Check the folder exists and "
                              "is writable, and that the file is not open elsewhere.") from None
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def temporary_prefix(path: Path) -> str:
    return f".~{path.name}."


def remove_stale_temporaries(path: Path) -> None:
    """A save killed midway (kill -9, power cut) leaves its temporary file; runs never overlap
    (the lock), so any left beside the output now is stale."""
    if path.parent.is_dir():
        for stale in path.parent.glob(f"{temporary_prefix(path)}*.xlsx"):
            stale.unlink(missing_ok=True)


def keep_mode_and_owner(new: Path, old: Path) -> None:
    """The new file gets the old one's permissions, owner and group (a group-shared summary
    stays readable to colleagues); a new output gets the umask's mode, as any file would."""
    if not old.exists():
        os.chmod(new, 0o666 & ~current_umask())
        return
    st = old.stat()
    os.chmod(new, st.st_mode & 0o7777)
    for uid, gid in ((-1, st.st_gid), (st.st_uid, -1)):
        try:
            os.chown(new, uid, gid)
        except PermissionError:
            log.warning("Could not give %s the owner or group of the file it replaces "
                        "(only root can give a file away); check its permissions.", old)


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_FOREIGN = {"/drawings/drawing": "shapes", "/charts/": "charts", "/media/": "images",
            "/pivotTables/": "pivot tables", "/slicers/": "slicers", "/timelines/": "timelines",
            "/ctrlProps/": "form controls", "/activeX/": "ActiveX controls",
            "/embeddings/": "embedded objects"}
"""What openpyxl cannot carry over into the file it saves, by the part a tab links to."""


def require_carried_over(book: Workbook, path: Path) -> None:
    """Refuse to write into a workbook where a tab that is not the job's holds what the save
    would silently drop (the job's own Dashboard charts are drawn again each run)."""
    mine = {s.title.casefold() for s in book.worksheets if is_owned(s)}
    found = {title: kinds for title, kinds in foreign_content(path).items()
             if title.casefold() not in mine}
    if found:
        what = sorted(set().union(*found.values()))
        tabs = ", ".join(f"'{t}'" for t in found)
        raise OutputError(
            f"{path} holds {', '.join(what)} on {plural(len(found), 'tab')} {tabs} that this "
            "job's writer cannot keep, so nothing was written (saving would delete them). Give "
            "the summary its own file: set output: location: to a new .xlsx path (the job "
            "creates it).")


def foreign_content(path: Path) -> dict[str, set[str]]:
    """Tab title → what it holds that openpyxl drops (charts, images, shapes, pivot tables…);
    a chart sheet counts whole."""
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        out = {}
        for title, part in sheet_parts(z).items():
            kinds = {"charts"} if "/chartsheets/" in f"/{part}" else set()
            for target in linked_parts(z, names, part):
                kinds |= {what for marker, what in _FOREIGN.items() if marker in f"/{target}"}
                if "/drawings/drawing" in f"/{target}":  # what the drawing shows
                    kinds |= {what for t in linked_parts(z, names, target)
                              for marker, what in _FOREIGN.items() if marker in f"/{t}"}
            if kinds:
                out[title] = kinds - ({"shapes"} if len(kinds) > 1 else set())
        return out


def sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Tab title → its part in the package (xl/worksheets/sheet1.xml, xl/chartsheets/…)."""
    rels = {r.get("Id"): r.get("Target", "") for r in
            ET.fromstring(z.read("xl/_rels/workbook.xml.rels")).iter(_RELATIONSHIP)}
    return {s.get("name", ""): resolve("xl/workbook.xml", rels.get(s.get(_REL_ID), ""))
            for s in ET.fromstring(z.read("xl/workbook.xml")).iter(f"{_MAIN}sheet")}


def linked_parts(z: zipfile.ZipFile, names: set[str], part: str) -> list[str]:
    """The parts one part links to, from its .rels file."""
    rels = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
    if rels not in names:
        return []
    return [resolve(part, r.get("Target", "")) for r in ET.fromstring(z.read(rels)).iter(
        _RELATIONSHIP) if r.get("TargetMode") != "External"]


def resolve(source: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def owned_rows(book: Workbook, title: str) -> list[list[Any]]:
    """Data rows of a tab the job owns (none when absent): how the Run Log keeps its history."""
    sheet = sheet_named(book, title)
    if sheet is None or not is_owned(sheet):
        return []
    rows = sheet.iter_rows(min_row=2, values_only=True)
    return [trim_row(list(r)) for r in rows if any(v is not None for v in r)]


def sheet_named(book: Workbook, title: str) -> Worksheet | None:
    """The tab called `title` in any case: Excel's tab names ignore case, as Sheets' do."""
    wanted = title.casefold()
    return next((s for s in book.worksheets if s.title.casefold() == wanted), None)


def is_owned(sheet: Worksheet) -> bool:
    return OWNER_NAME in sheet.defined_names


def check_ownership(book: Workbook, tables: Sequence[Table], path: Path) -> None:
    clashes = [s.title for s in (sheet_named(book, t.name) for t in tables)
               if s is not None and not is_owned(s)]
    if clashes:
        names = ", ".join(f"'{c}'" for c in clashes)
        raise TabOwnershipError(
            f"{path} already has {plural(len(clashes), 'tab')} {names} that this job did not "
            "create (tab names ignore case), so nothing was written. Rename those tabs, or set "
            "output: location: to another workbook.")


def dashboard_table(dashboard: Dashboard | None) -> list[Table]:
    """The Dashboard's notes as a one-column tab (its charts are drawn once the tabs they read
    are in place)."""
    if dashboard is None:
        return []
    notes = dashboard.notes or [[""]]
    return [Table(dashboard.name, [str(notes[0][0])], [list(r) for r in notes[1:]])]


def replace_sheet(book: Workbook, table: Table) -> None:
    index = len(book.sheetnames)
    old = sheet_named(book, table.name)
    if old is not None:
        index = book.sheetnames.index(old.title)
        book.remove(old)
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
    return fit_cell(ILLEGAL_CHARACTERS_RE.sub("", str(value)), EXCEL_CELL_CHARACTERS)
