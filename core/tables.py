"""What a summary tab is, independent of where it is written: a table of typed cells, each
column's number format, the cells a person scans for status, and the charts drawn from tables.

Both backends (openpyxl, Google Sheets) turn the same Table into the same tab, so the workbook and
the spreadsheet hold the same content.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Fmt(StrEnum):
    """A column's number format, as a pattern both Excel and Google Sheets read the same way.
    Percentages are fractions shown with a percent format, so they sort and chart as numbers."""

    TEXT = "@"
    COUNT = "0"
    DECIMAL = "0.0"
    RATIO = "0.00"
    PCT = "0%"
    PCT1 = "0.0%"
    POINTS = "+0;-0;0"
    GAIN = "+0.0;-0.0;0.0"
    DATE = "yyyy-mm-dd"


PERCENT_FORMATS = frozenset({Fmt.PCT, Fmt.PCT1})


@dataclass(frozen=True)
class Link:
    """A cell that opens `url`: written as text carrying a link, never as a formula."""

    text: str
    url: str


@dataclass(frozen=True)
class Fig:
    """A number whose format differs from its column's (a tab of figures, one per row)."""

    value: float | None
    fmt: Fmt


class Tone(StrEnum):
    GOOD = "good"
    WARN = "warn"
    BAD = "bad"


@dataclass(frozen=True)
class Highlight:
    """Conditional formatting: a column's cells coloured when their value `op` `value`.
    op: 'equals' (text), 'below' or 'at_least' (numbers)."""

    column: str
    op: str
    value: Any
    tone: Tone


@dataclass(frozen=True)
class Table:
    name: str
    header: list[str]
    rows: list[list[Any]]
    formats: tuple[Fmt, ...] = ()
    """One per column (missing: text or as typed)."""
    highlights: tuple[Highlight, ...] = ()
    wide: frozenset[str] = frozenset()
    """Columns of long text, wrapped at the width cap rather than widened."""

    def fmt(self, column: int) -> Fmt | None:
        return self.formats[column] if column < len(self.formats) else None

    def column(self, header: str) -> int:
        return self.header.index(header)


class ChartKind(StrEnum):
    BAR = "bar"
    COLUMN = "column"
    LINE = "line"
    SCATTER = "scatter"


@dataclass(frozen=True)
class Chart:
    """A native chart drawn by the spreadsheet from a tab's own ranges: whole columns, header
    included (the header names the series)."""

    key: str
    """Stable name: the chart's id is derived from it, so a rerun replaces its own charts."""
    title: str
    kind: ChartKind
    tab: str
    domain: str
    series: tuple[str, ...]
    x_title: str = ""
    y_title: str = ""
    percent_axis: bool = False
    anchor: tuple[int, int] = (0, 0)
    """Top-left cell on the Dashboard tab (row, column), zero-based."""
    lines: tuple[str, ...] = ()
    """Series drawn as a line across a column chart (a target), on the same axis."""


@dataclass(frozen=True)
class Dashboard:
    name: str
    notes: list[list[Any]] = field(default_factory=list)
    """What a reader needs beside the charts (the report week, the target)."""
    charts: tuple[Chart, ...] = ()


# ---------------------------------------------------------------- how a tab is sized and coloured
# The same for both backends, so a workbook and a Google spreadsheet look alike.

TONE_FILLS = {Tone.GOOD: "D9EAD3", Tone.WARN: "FCE8B2", Tone.BAD: "F4C7C3"}
TONE_FONTS = {Tone.GOOD: "1E5631", Tone.WARN: "7F4F00", Tone.BAD: "8B1A1A"}
MIN_WIDTH, MAX_WIDTH, WIDE_WIDTH = 6, 28, 48
"""Column widths in characters: a figure column as wide as its longest cell or header word;
text capped (long text wraps)."""


def wrapped_lines(text: str, width: float) -> int:
    """Lines `text` takes when wrapped at word boundaries within `width` characters."""
    lines, used = 1, 0
    for word in text.split():
        if used and used + 1 + len(word) > width:
            lines, used = lines + 1, len(word)
        else:
            used += len(word) + (1 if used else 0)
    return lines


def wraps(table: Table, c: int) -> bool:
    """Long text wraps within the capped width rather than being cut off at it."""
    if table.header[c] in table.wide:
        return True
    return any(len(shown_text(r[c], table.fmt(c))) > MAX_WIDTH for r in table.rows if c < len(r))


def column_width(table: Table, c: int) -> float:
    """Wide enough for every cell as shown and the header's longest word; capped."""
    longest_word = max((len(w) for w in str(table.header[c]).split()), default=0)
    shown = max((len(shown_text(r[c], table.fmt(c))) for r in table.rows if c < len(r)),
                default=0)
    cap = WIDE_WIDTH if table.header[c] in table.wide else MAX_WIDTH
    header_fit = min(len(str(table.header[c])), 14)  # headers wrap onto two or three lines
    return float(min(max(shown, longest_word, header_fit, MIN_WIDTH), cap) + 2)


def shown_text(value: Any, fmt: Fmt | None) -> str:
    """Roughly what the cell shows, to size its column."""
    if isinstance(value, Fig):
        value, fmt = value.value, value.fmt
    if value is None:
        return ""
    if isinstance(value, Link):
        return value.text
    if isinstance(value, (dt.date, dt.datetime)):
        return "2026-11-23"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if fmt in PERCENT_FORMATS:
            return f"{value * 100:.1f}%"
        return f"{value:,.2f}" if isinstance(value, float) else str(value)
    return str(value)
