"""Matching a tab's headers to fields, and turning its rows into a frame of raw cells."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

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
    """One column per matched field, raw cell values, plus row bookkeeping; blank rows dropped."""
    names = list(positions)
    width = max(positions.values(), default=-1) + 1
    grid = ragged_grid(raw.rows, width)
    frame = pd.DataFrame({n: grid[:, positions[n]] for n in names},
                         index=pd.RangeIndex(len(raw.rows)))
    frame["_t"] = index
    frame["_row"] = frame.index + 2
    frame["_ok"] = True
    frame["_coach"] = None
    frame["_school"] = raw.school
    if names:
        frame = frame[~blank_mask_all(frame, names)]
    return frame.reset_index(drop=True)


def ragged_grid(rows: Sequence[Sequence[Any]], width: int) -> np.ndarray:
    """Rows of any length as a 2-D object array at least `width` wide, padded with None.
    pandas' C routine does it at scale; plain Python is the fallback if it ever moves."""
    if not rows:
        return np.empty((0, width), dtype=object)
    try:
        from pandas._libs.lib import to_object_array
        grid = to_object_array([list(r) for r in rows] if not isinstance(rows[0], list)
                               else rows, min_width=width)
    except (ImportError, TypeError):
        grid = np.array([list(r) + [None] * (width - len(r)) for r in rows], dtype=object)
    grid[pd.isna(grid)] = None  # the C routine pads with NaN
    return grid


def blank_mask_all(frame: pd.DataFrame, names: list[str]) -> pd.Series:
    """Rows with nothing in any matched column (the normal form has None for empty cells)."""
    return frame[names].isna().all(axis=1)


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
    full = empty_frame(kind)
    if not parts:
        return full
    frame = pd.concat(parts, ignore_index=True)
    for col in full.columns:
        if col not in frame:
            frame[col] = None
    return frame
