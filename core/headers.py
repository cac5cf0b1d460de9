"""Matching a tab's headers to fields, and turning its rows into a frame of raw cells."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core import parse
from core.issues import IssueLog, TabContext
from core.rowstate import BOOKKEEPING, COACH, SCHOOL, SHEET_ROW, TAB, USABLE
from core.schema import FIELDS, Field, TabKind, normalise_header
from core.sources import RawTab



def match_headers(raw: RawTab, extra: Mapping[str, Sequence[str]]) -> dict[str, int]:
    """Field name -> column position. Aliases are tried in order; a column serves one field."""
    normalised = [normalise_header(h) if h is not None else "" for h in raw.header]
    taken: set[int] = set()
    found: dict[str, int] = {}
    for f in FIELDS[raw.kind]:
        names = [*extra.get(f.name, ()), *raw.aliases.get(f.name, ()), f.label, *f.aliases]
        for name in names:
            pos = _first_free(normalised, normalise_header(name), taken)
            if pos is not None:
                found[f.name] = pos
                taken.add(pos)
                break
    return found


def _first_free(normalised: list[str], wanted: str, taken: set[int]) -> int | None:
    for pos, text in enumerate(normalised):
        if text == wanted and pos not in taken:
            return pos
    return None


def missing_required(kind: TabKind, positions: Mapping[str, int]) -> list[Field]:
    missing = [f for f in FIELDS[kind] if f.required and f.name not in positions]
    if kind is TabKind.COACHING_LOG and not {"coach", "coach_email"} & positions.keys():
        missing.append(next(f for f in FIELDS[kind] if f.name == "coach"))
    return missing


def missing_column_message(f: Field) -> str:
    examples = ", ".join(f"'{a}'" for a in f.aliases[:4])
    return (f"No column for {f.label}, so this tab was not used. Add a column headed one of "
            f"{examples}, or add the header you use to aliases: in the config.")


@dataclass
class RawColumns:
    """One tab's matched cells, column by column (object arrays), before any hashing."""

    tab: int
    """Index of the tab's TabContext."""
    school: str | None
    positions: dict[str, int]
    """Field -> column; one column can serve two fields (a form's Email Address)."""
    grid: np.ndarray
    rows: int


def tab_columns(raw: RawTab, index: int, positions: Mapping[str, int]) -> RawColumns:
    """The tab's cells as a grid of objects, and which column holds which field."""
    width = max(positions.values(), default=-1) + 1
    return RawColumns(index, raw.school, dict(positions), ragged_grid(raw.rows, width),
                      len(raw.rows))


PLAIN = {kind: frozenset(f.name for f in fields if f.mostly_unique)
         for kind, fields in FIELDS.items()}
"""Fields kept as plain cells, not coded: their values differ in almost every row."""


def ragged_grid(rows: Sequence[Sequence[Any]], width: int) -> np.ndarray:
    """Rows of any length as a 2-D object array at least `width` wide, padded with None or NaN
    (both read as missing). pandas' C routine does it at scale; plain Python is the fallback."""
    if not rows:
        return np.empty((0, width), dtype=object)
    as_lists = rows if isinstance(rows[0], list) else [list(r) for r in rows]
    if _PAD_IN_C is not None:
        return _PAD_IN_C(as_lists, min_width=width)
    width = max(width, *map(len, as_lists))
    grid = np.full((len(as_lists), width), None, dtype=object)
    for i, r in enumerate(as_lists):
        grid[i, :len(r)] = r
    return grid


def _pandas_padder() -> Any:
    """The one use of a private pandas API (`pandas._libs.lib.to_object_array`, the C routine
    behind DataFrame(list_of_lists)): padding a million ragged rows costs 0.2 s with it, several
    seconds without. tests/test_headers.py fails loudly if a pandas upgrade moves or changes it,
    so the fallback is never taken by surprise."""
    try:
        from pandas._libs.lib import to_object_array
    except ImportError:
        return None
    return to_object_array


_PAD_IN_C = _pandas_padder()


def empty_frame(kind: TabKind) -> pd.DataFrame:
    return pd.DataFrame(columns=[f.name for f in FIELDS[kind]] + list(BOOKKEEPING), dtype=object)


def read_tabs(tabs: Sequence[RawTab], extra: Mapping[TabKind, Mapping[str, Sequence[str]]],
              issues: IssueLog) -> dict[TabKind, pd.DataFrame]:
    """Every usable tab as a frame, stacked per kind; unusable tabs become one issue each."""
    parts: dict[TabKind, list[RawColumns]] = {k: [] for k in TabKind}
    for raw in tabs:
        positions = match_headers(raw, extra.get(raw.kind, {}))
        missing = missing_required(raw.kind, positions)
        if missing:
            for f in missing:
                issues.tab_problem(raw.source, raw.tab, missing_column_message(f),
                                   column=f.label, school=raw.school or "")
            continue
        if raw.kind is TabKind.COACHING_LOG and "coach" not in positions:
            positions["coach"] = positions["coach_email"]  # a Form's Email Address names the coach
        issues.contexts.append(TabContext(raw, dict(positions)))
        parts[raw.kind].append(tab_columns(raw, len(issues.contexts) - 1, positions))
    return {k: kind_frame(k, p) for k, p in parts.items()}


def kind_frame(kind: TabKind, parts: list[RawColumns]) -> pd.DataFrame:
    """The tabs of one kind stacked into one frame: a column per field, coded (see
    `parse.coded`) unless its values are mostly unique, plus row bookkeeping; rows blank in
    every field dropped. Each column is hashed once here, over all the tabs at once (a state
    network's hundreds of school logs cost little more than one long log); everything after works on
    its codes."""
    if not parts:
        return empty_frame(kind)
    columns: dict[str, tuple[np.ndarray, np.ndarray] | np.ndarray] = {}
    done: dict[tuple[int | None, ...], tuple[np.ndarray, np.ndarray] | np.ndarray] = {}
    for n in (f.name for f in FIELDS[kind]):
        where = tuple(p.positions.get(n) for p in parts)
        if where not in done:
            cells = _stacked(where, parts)
            done[where] = cells if n in PLAIN[kind] else pd.factorize(cells)
        columns[n] = done[where]
    blank = np.logical_and.reduce([
        pd.isna(c) if isinstance(c, np.ndarray) else c[0] < 0 for c in columns.values()])
    keep = np.flatnonzero(~blank)
    index = pd.RangeIndex(len(keep))
    frame = {n: pd.Series(c[keep], index=index, dtype=object) if isinstance(c, np.ndarray)
             else parse.coded(c[0][keep], c[1], index) for n, c in columns.items()}
    frame.update(_bookkeeping(parts, keep, index))
    return pd.DataFrame(frame, index=index)


def _stacked(where: tuple[int | None, ...], parts: list[RawColumns]) -> np.ndarray:
    """One field's cells from every tab, one after another (None where a tab lacks it)."""
    pieces = [p.grid[:, c] if c is not None else np.full(p.rows, None, dtype=object)
              for c, p in zip(where, parts)]
    return pieces[0] if len(pieces) == 1 else np.concatenate(pieces)


def _bookkeeping(parts: list[RawColumns], keep: np.ndarray,
                 index: pd.Index) -> dict[str, pd.Series | np.ndarray]:
    """Which tab and sheet row each row came from, whether it is still ok, and the coach and
    school it is reported under (the source's school until validation knows better)."""
    tab = np.concatenate([np.full(p.rows, p.tab) for p in parts])[keep]
    row = np.concatenate([np.arange(2, p.rows + 2) for p in parts])[keep]
    schools = sorted({p.school for p in parts if p.school})
    school = np.concatenate([np.full(p.rows, schools.index(p.school) if p.school else -1)
                             for p in parts])[keep]
    return {TAB: tab, SHEET_ROW: row, USABLE: np.ones(len(keep), dtype=bool),
            COACH: parse.coded(np.full(len(keep), -1), np.array([], dtype=object), index),
            SCHOOL: parse.coded(school, np.array(schools, dtype=object), index)}
