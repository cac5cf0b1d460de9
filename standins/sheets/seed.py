"""Typed values for seeding spreadsheets straight into the stand-in (no HTTP round trips).

Tests describe a spreadsheet as Python data; dates go in as Sheets serial numbers carrying a date
number format, exactly as a real sheet stores them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from .model import DEFAULT_COLUMNS, DEFAULT_ROWS, CellData, Sheet
from .numfmt import to_serial


@dataclass(frozen=True)
class SerialDate:
    """A date cell: a serial number (days since 1899-12-30) shown through a date pattern."""

    serial: float
    pattern: str = "m/d/yyyy"
    type: str = "DATE"

    @classmethod
    def of(cls, value: date, pattern: str | None = None) -> SerialDate:
        if isinstance(value, datetime):
            return cls(to_serial(value), pattern or "m/d/yyyy h:mm:ss", "DATE_TIME")
        return cls(to_serial(value), pattern or "m/d/yyyy")


@dataclass(frozen=True)
class Formula:
    """A formula cell, e.g. Formula("=SUM(B2:B9)")."""

    text: str


@dataclass
class Tab:
    """A tab to seed: values plus optional grid size, frozen rows, sheet id and metadata."""

    values: Sequence[Sequence[Any]] = ()
    rows: int | None = None
    cols: int | None = None
    frozen_rows: int = 0
    sheet_id: int | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)


TabSpec = Tab | Sequence[Sequence[Any]]


def as_tab(spec: TabSpec) -> Tab:
    return spec if isinstance(spec, Tab) else Tab(values=spec)


def seed_cell(value: Any) -> CellData | None:
    """Python value to CellData: str, int, float, bool, SerialDate, date, datetime, Formula."""
    if value is None or value == "":
        return None
    if isinstance(value, (date, datetime)):
        value = SerialDate.of(value)
    if isinstance(value, SerialDate):
        number = int(value.serial) if float(value.serial).is_integer() else value.serial
        return {
            "userEnteredValue": {"numberValue": number},
            "userEnteredFormat": {"numberFormat": {"type": value.type, "pattern": value.pattern}},
        }
    if isinstance(value, Formula):
        return {"userEnteredValue": {"formulaValue": value.text}}
    if isinstance(value, bool):
        return {"userEnteredValue": {"boolValue": value}}
    if isinstance(value, (int, float)):
        return {"userEnteredValue": {"numberValue": value}}
    if isinstance(value, str):
        return {"userEnteredValue": {"stringValue": value}}
    raise TypeError(f"cannot seed a cell from {type(value).__name__}: {value!r}")


def fill(sheet: Sheet, values: Sequence[Sequence[Any]]) -> None:
    for r, row in enumerate(values):
        for c, value in enumerate(row):
            sheet.put(r, c, seed_cell(value))


def grid_size(tab: Tab) -> tuple[int, int]:
    """At least Sheets' 1000x26, and never smaller than the seeded values."""
    height = len(tab.values)
    width = max((len(r) for r in tab.values), default=0)
    rows = tab.rows if tab.rows is not None else max(DEFAULT_ROWS, height)
    cols = tab.cols if tab.cols is not None else max(DEFAULT_COLUMNS, width)
    if rows < height or cols < width:
        raise ValueError(f"grid {rows}x{cols} is smaller than the {height}x{width} values given")
    return rows, cols
