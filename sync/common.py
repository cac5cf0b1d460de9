"""What every spreadsheet backend shares: finding a configured tab, and the normal form of
values."""
from __future__ import annotations

import datetime as dt
import gc
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from core.parse import date_to_serial
from core.schema import TabKind
from core.sources import FailureKind, SourceProblem


@contextmanager
def rows_held() -> Iterator[None]:
    """While the rows just read are validated and computed on: a million rows are millions of
    Python objects that live for the whole step, and the garbage collector would otherwise walk
    them all at every full collection. Frozen, they are skipped; freed as usual afterwards."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


GOOGLE_CELL_CHARACTERS = 50_000  # Google refuses the whole write for one longer cell
EXCEL_CELL_CHARACTERS = 32_767   # Excel's own limit; openpyxl would save more, Excel cuts it


def fit_cell(text: str, limit: int) -> str:
    """Text as long as a cell can hold: a longer one is cut, with a marker that says so."""
    if len(text) <= limit:
        return text
    marker = f" … [cut: {len(text) - limit:,}+ more characters]"
    return text[:limit - len(marker)] + marker


def current_umask() -> int:
    """The process's umask (new files get 0o666 minus it); reading it means setting it."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def find_sheet(names: Sequence[str], wanted: str) -> str | None:
    """Exact title, else the one title equal to it ignoring case and outer spaces."""
    if wanted in names:
        return wanted
    loose = [n for n in names if n.strip().casefold() == wanted.strip().casefold()]
    return loose[0] if len(loose) == 1 else None


def missing_tab(source: str, title: str, kind: TabKind, names: Sequence[str],
                where: object) -> SourceProblem:
    return SourceProblem(source, title, (
        f"No tab named '{title}' in {where} (its tabs: {', '.join(names)}). Rename the tab, "
        f"or set the right name under tabs: {kind.value}: for this source in the config."),
        FailureKind.MISSING_TAB, kind)


SHARED_TEXTS = 100_000
"""Readers hand over one text object per distinct value (up to this many per tab) instead of one
per cell: a million-row log repeats a few hundred names, dates and activities, and a new object
per cell (as calamine and Sheets' JSON give) made the rows of a state's year alone about 2 GB.
Later new values (mostly unique: notes, student IDs) stay as read."""


def sheet_values(rows: Iterable[Sequence[Any]]) -> tuple[list[str], list[list[Any]]]:
    """Header and data rows in normal form, trailing empty cells and rows trimmed; repeated
    texts share one object (see SHARED_TEXTS)."""
    it = iter(rows)
    first = next(it, ())
    header = ["" if v is None else str(v).strip() for v in trim_row(list(first))]
    seen: dict[str, str] = {}
    body = []
    for r in it:
        share = seen.setdefault if len(seen) < SHARED_TEXTS else seen.get
        body.append(trim_row([share(v, v) if type(v) is str and v else normal_cell(v)
                              for v in r]))
    while body and not body[-1]:
        body.pop()
    return header, body


def trim_row(cells: list[Any]) -> list[Any]:
    while cells and (cells[-1] is None or cells[-1] == ""):
        cells.pop()
    return cells


def normal_cell(value: Any) -> Any:
    if value == "":
        return None  # Sheets sends "" for an empty cell mid-row; openpyxl sends None
    if isinstance(value, (dt.datetime, dt.date)):
        return date_to_serial(value)
    if isinstance(value, dt.time):
        return (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400
    return value
