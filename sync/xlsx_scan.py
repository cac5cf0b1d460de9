"""A cheap look at an .xlsx sheet's cells before a reader builds its grid.

Readers (calamine, openpyxl) lay a sheet out as a dense grid from A1 to its last cell with a
value, so one value typed at XFD1048576 costs sixteen billion cells. This scan streams the sheet's
XML once with byte searches (no XML parsing, no Python object per cell) and tells where the last
value is, how many cells hold one, and the error cells (`#N/A`), which calamine reads as empty.
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from xml.etree import ElementTree

_CHUNK = 1 << 22
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PREFIX = re.compile(rb"<(\w+:)?worksheet[\s>]")
_REF = re.compile(rb'r="([A-Z]{1,3})(\d{1,7})"')


@dataclass
class SheetExtent:
    """Where a sheet's values are: last row and column (1-based) and cells holding a value."""

    rows: int = 0
    columns: int = 0
    cells: int = 0
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    """Error cells by (row, column), 0-based: their text, as Sheets and openpyxl give it."""


def column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def sheet_parts(book: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title -> its XML part in the zip, from the workbook and its relationships."""
    rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
    parts = {}
    for sheet in workbook.iter():
        if sheet.tag.endswith("}sheet") and sheet.get(_REL_NS) in targets:
            target = targets[sheet.get(_REL_NS)]
            path = target.lstrip("/") if target.startswith("/") else str(
                PurePosixPath("xl") / target)
            parts[sheet.get("name", "")] = path
    return parts


def scan_sheet(book: zipfile.ZipFile, part: str) -> SheetExtent:
    """Stream one sheet's XML in complete rows; see the module docstring."""
    extent = SheetExtent()
    tags: _Tags | None = None
    tail = b""
    with book.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            buf = tail + chunk
            if tags is None:
                tags = _Tags(buf)
            cut = buf.rfind(tags.row_end)
            if cut < 0:
                tail = buf
                continue
            cut += len(tags.row_end)
            _scan_rows(buf[:cut], tags, extent)
            tail = buf[cut:]
    if tags is not None and tail:
        _scan_rows(tail, tags, extent)
    return extent


class _Tags:
    """The byte patterns of one sheet, with its namespace prefix (`<x:c>` from some tools)."""

    def __init__(self, head: bytes) -> None:
        found = _PREFIX.search(head[:4096])
        p = found.group(1) or b"" if found else b""
        self.cell_end = b"</" + p + b"c>"
        self.cell_start = b"<" + p + b"c "
        self.row_end = b"</" + p + b"row>"
        self.value = re.compile(rb"<" + re.escape(p) + rb"v>([^<]*)</")
        self.wide = re.compile(rb"<" + re.escape(p) + rb'c r="([A-Z]{2,3})\d+"[^>]*?(/?)>')


def _scan_rows(text: bytes, tags: _Tags, extent: SheetExtent) -> None:
    """Rows are in order in the sheet XML, so the chunk's last valued cell has its last row."""
    extent.cells += text.count(tags.cell_end)
    end = text.rfind(tags.cell_end)
    if end >= 0:
        ref = _REF.search(text, text.rfind(tags.cell_start, 0, end), end)
        if ref:
            extent.rows = max(extent.rows, int(ref.group(2)))
            extent.columns = max(extent.columns, column_number(ref.group(1)))
    for wide in tags.wide.finditer(text):
        if not wide.group(2):
            extent.columns = max(extent.columns, column_number(wide.group(1)))
    _errors(text, tags, extent)


def _errors(text: bytes, tags: _Tags, extent: SheetExtent) -> None:
    at = text.find(b't="e"')
    while at >= 0:
        start = text.rfind(tags.cell_start, 0, at)
        end = text.find(tags.cell_end, at)
        ref = _REF.search(text, start, at) if start >= 0 else None
        value = tags.value.search(text, at, end) if end > 0 else None
        if ref and value:
            row, col = int(ref.group(2)) - 1, column_number(ref.group(1)) - 1
            extent.errors[(row, col)] = value.group(1).decode("utf-8", "replace")
        at = text.find(b't="e"', at + 1)
