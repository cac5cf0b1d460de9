"""A1 notation as the Sheets API parses and prints it.

Parsing is kept apart from the spreadsheet model: this module only turns text into a sheet name
and an (optionally open-ended) box, and boxes back into text. Which sheet a bare name refers to,
and how open ends are clipped to the grid, is decided by the model that knows the sheets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_COLUMNS = 18278  # column ZZZ, the widest grid Sheets allows
MAX_ROWS = 10_000_000

_CELL_RE = re.compile(r"^\$?([A-Za-z]{0,3})\$?(\d*)$")
_PLAIN_TITLE_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LOOKS_LIKE_CELL_RE = re.compile(r"^([A-Za-z]{1,3}\d+|[Rr]\d*[Cc]\d*)$")


class RangeParseError(ValueError):
    "The text is not A1 notation the API would accept."


@dataclass(frozen=True)
class Box:
    """Zero-based half-open bounds; None means open (to the grid's edge)."""

    start_row: int | None
    end_row: int | None
    start_col: int | None
    end_col: int | None
    single_cell: bool = False


@dataclass(frozen=True)
class ParsedRange:
    """A range as written: `sheet` is None when no sheet was named, `box` None for a whole sheet.

    `bare` is set when the text had no `!`, so it may name a sheet or be a cell range.
    """

    text: str
    sheet: str | None
    box: Box | None
    bare: bool = False


def column_letters(index: int) -> str:
    """Zero-based column index to letters (0 -> A, 26 -> AA)."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """Letters to zero-based column index (A -> 0)."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def quote_title(title: str) -> str:
    """Quote a sheet title the way the API does in ranges it returns."""
    if _PLAIN_TITLE_RE.match(title) and not _LOOKS_LIKE_CELL_RE.match(title):
        return title
    return "'" + title.replace("'", "''") + "'"


def cell_label(row: int, col: int) -> str:
    """Zero-based row/column to a label such as B3."""
    return f"{column_letters(col)}{row + 1}"


def format_range(title: str, r0: int, r1: int, c0: int, c1: int) -> str:
    """A closed box (half-open bounds) as the API prints it; one cell prints as one label."""
    start = cell_label(r0, c0)
    if r1 - r0 == 1 and c1 - c0 == 1:
        return f"{quote_title(title)}!{start}"
    return f"{quote_title(title)}!{start}:{cell_label(r1 - 1, c1 - 1)}"


def parse_range(text: str) -> ParsedRange:
    """Split `text` into sheet name and box, raising RangeParseError when it cannot be read."""
    if not text:
        raise RangeParseError(text)
    if text.startswith("'"):
        title, rest = _split_quoted(text)
        if rest is None:
            return ParsedRange(text, title, None)
        return ParsedRange(text, title, parse_cells(rest, text))
    bang = text.rfind("!")
    if bang == -1:
        return ParsedRange(text, text, _try_cells(text), bare=True)
    title = text[:bang]
    if not title:
        raise RangeParseError(text)
    return ParsedRange(text, title, parse_cells(text[bang + 1 :], text))


def _split_quoted(text: str) -> tuple[str, str | None]:
    """Read a quoted title ('' is a quote); return it and what follows the `!`, if anything."""
    i, out = 1, []
    while i < len(text):
        ch = text[i]
        if ch == "'":
            if text[i + 1 : i + 2] == "'":
                out.append("'")
                i += 2
                continue
            rest = text[i + 1 :]
            if rest == "":
                return "".join(out), None
            if not rest.startswith("!") or len(rest) == 1:
                raise RangeParseError(text)
            return "".join(out), rest[1:]
        out.append(ch)
        i += 1
    raise RangeParseError(text)


def _try_cells(text: str) -> Box | None:
    try:
        return parse_cells(text, text)
    except RangeParseError:
        return None


def parse_cells(cells: str, whole: str) -> Box:
    """Parse the part after `!`: A1, A1:B2, A:B, 1:2, A5:A, A2:2 (reversed corners are swapped)."""
    parts = cells.split(":")
    if len(parts) == 1:
        col, row = _parse_corner(parts[0], whole)
        if col is None or row is None:
            raise RangeParseError(whole)
        return Box(row, row + 1, col, col + 1, single_cell=True)
    if len(parts) != 2:
        raise RangeParseError(whole)
    (c0, r0), (c1, r1) = (_parse_corner(p, whole) for p in parts)
    if (c0 is None and r0 is None) or (c1 is None and r1 is None):
        raise RangeParseError(whole)
    column_only = (r0 is None, r1 is None)
    row_only = (c0 is None, c1 is None)
    if (column_only[0] and row_only[1]) or (row_only[0] and column_only[1]):
        raise RangeParseError(whole)
    return _order(c0, r0, c1, r1)


def _order(c0: int | None, r0: int | None, c1: int | None, r1: int | None) -> Box:
    if c0 is not None and c1 is not None and c0 > c1:
        c0, c1 = c1, c0
    if r0 is not None and r1 is not None and r0 > r1:
        r0, r1 = r1, r0
    return Box(
        start_row=r0,
        end_row=None if r1 is None else r1 + 1,
        start_col=c0,
        end_col=None if c1 is None else c1 + 1,
    )


def _parse_corner(part: str, whole: str) -> tuple[int | None, int | None]:
    match = _CELL_RE.match(part)
    if not match or not part:
        raise RangeParseError(whole)
    letters, digits = match.groups()
    col = column_index(letters) if letters else None
    row = int(digits) - 1 if digits else None
    if row is not None and not 0 <= row < MAX_ROWS:
        raise RangeParseError(whole)
    if col is not None and col >= MAX_COLUMNS:
        raise RangeParseError(whole)
    return col, row
