"""Matching a tab's headers to fields, and turning its rows into a frame of raw cells."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from core import parse
from core.issues import IssueLog, TabContext
from core.schema import FIELDS, Field, TabKind, normalise_header
from core.sources import RawTab

META = ["_t", "_row", "_ok", "_coach", "_school"]


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


def tab_frame(raw: RawTab, index: int, positions: Mapping[str, int]) -> pd.DataFrame:
    """One column per matched field, coded (see `parse.coded`) unless its values are mostly
    unique, plus row bookkeeping; blank rows dropped. Each coded column is hashed once here;
    everything after works on its codes."""
    width = max(positions.values(), default=-1) + 1
    grid = ragged_grid(raw.rows, width)
    rows = pd.RangeIndex(len(raw.rows))
    plain = PLAIN[raw.kind]
    columns: dict[int, pd.Series] = {}  # one column can serve two fields (a form's email)
    for n, p in positions.items():
        if p not in columns:
            columns[p] = pd.Series(grid[:, p], index=rows, dtype=object) if n in plain \
                else parse.encode(grid[:, p], rows)
    frame = pd.DataFrame({n: columns[p] for n, p in positions.items()}, index=rows)
    frame["_t"] = index
    frame["_row"] = frame.index + 2
    frame["_ok"] = True
    frame["_coach"] = parse.coded(np.full(len(rows), -1), np.array([], dtype=object), rows)
    frame["_school"] = parse.coded(np.full(len(rows), 0 if raw.school else -1),
                                   np.array([raw.school] if raw.school else [], dtype=object),
                                   rows)
    if positions:
        frame = frame[~blank_mask_all(frame, list(positions))]
    return frame.reset_index(drop=True)


PLAIN = {kind: frozenset(f.name for f in fields if f.mostly_unique)
         for kind, fields in FIELDS.items()}


def ragged_grid(rows: Sequence[Sequence[Any]], width: int) -> np.ndarray:
    """Rows of any length as a 2-D object array at least `width` wide, padded with None or NaN
    (both read as missing). pandas' C routine does it at scale; plain Python is the fallback if
    it ever moves."""
    if not rows:
        return np.empty((0, width), dtype=object)
    try:
        from pandas._libs.lib import to_object_array
        return to_object_array([list(r) for r in rows] if not isinstance(rows[0], list)
                               else rows, min_width=width)
    except (ImportError, TypeError):
        return np.array([list(r) + [None] * (width - len(r)) for r in rows], dtype=object)


def blank_mask_all(frame: pd.DataFrame, names: list[str]) -> np.ndarray:
    """Rows with nothing in any matched column (the normal form has None for empty cells)."""
    return np.logical_and.reduce([_missing(frame[n]) for n in names])


def _missing(column: pd.Series) -> np.ndarray:
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy() < 0
    return pd.isna(column.to_numpy())


def empty_frame(kind: TabKind) -> pd.DataFrame:
    return pd.DataFrame(columns=[f.name for f in FIELDS[kind]] + META, dtype=object)


def read_tabs(tabs: Sequence[RawTab], extra: Mapping[TabKind, Mapping[str, Sequence[str]]],
              issues: IssueLog) -> dict[TabKind, pd.DataFrame]:
    """Every usable tab as a frame, concatenated per kind; unusable tabs become one issue each."""
    parts: dict[TabKind, list[pd.DataFrame]] = {k: [] for k in TabKind}
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
        parts[raw.kind].append(tab_frame(raw, len(issues.contexts) - 1, positions))
    return {k: _concat(k, p) for k, p in parts.items()}


def _concat(kind: TabKind, parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Tabs of one kind stacked; coded columns stay coded over the union of their values, and a
    field a tab lacks is all missing."""
    full = empty_frame(kind)
    if not parts:
        return full
    index = pd.RangeIndex(sum(len(p) for p in parts))
    columns = {}
    for col in full.columns:
        if col in ("_t", "_row", "_ok"):
            columns[col] = np.concatenate([p[col].to_numpy() for p in parts])
        elif col in PLAIN[kind]:
            columns[col] = pd.Series(np.concatenate([
                p[col].to_numpy(dtype=object) if col in p else np.full(len(p), None)
                for p in parts]), index=index, dtype=object)
        else:
            columns[col] = _stack_coded([p[col] if col in p else len(p) for p in parts], index)
    return pd.DataFrame(columns, index=index)


def _stack_coded(parts: list[pd.Series | int], index: pd.Index) -> pd.Series:
    """Coded columns one after another; a number stands for that many missing cells."""
    if len(parts) == 1 and isinstance(parts[0], pd.Series):
        return parts[0]
    categories = pd.Index([], dtype=object)
    for part in parts:
        if isinstance(part, pd.Series):
            categories = categories.append(part.cat.categories).unique()
    codes = []
    for part in parts:
        if isinstance(part, pd.Series):
            remap = np.append(categories.get_indexer(part.cat.categories), -1)
            codes.append(remap[part.cat.codes.to_numpy()])
        else:
            codes.append(np.full(part, -1))
    return parse.coded(np.concatenate(codes), categories.to_numpy(dtype=object), index)
