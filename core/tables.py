"""What a summary tab is, independent of where it is written: a table of typed cells, each
column's number format, the cells a person scans for status, and the charts drawn from tables.

Both backends (openpyxl, Google Sheets) turn the same Table into the same tab, so the workbook and
the spreadsheet hold the same content.
"""
from __future__ import annotations

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


@dataclass(frozen=True)
class Dashboard:
    name: str
    notes: list[list[Any]] = field(default_factory=list)
    """What a reader needs beside the charts (the report week, the target)."""
    charts: tuple[Chart, ...] = ()
