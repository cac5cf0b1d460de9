"""One school's rows of a table shared by every school's email, from one grouping of the table
(kept while the table lives) instead of a scan of the whole table per school: at 200 schools the
per-school scans were most of the time the email data took."""
from __future__ import annotations

import weakref
from typing import Any

import pandas as pd

_SPLITS: dict[tuple[int, str], tuple[weakref.ref[pd.DataFrame], dict[Any, pd.DataFrame]]] = {}


def rows_where(frame: pd.DataFrame, column: str, value: Any) -> pd.DataFrame:
    """`frame[frame[column] == value]`, in the frame's order (empty, with its columns, when
    no row has it)."""
    key = (id(frame), column)
    cached = _SPLITS.get(key)
    if cached is None or cached[0]() is not frame:
        for stale in [k for k, (ref, _) in _SPLITS.items() if ref() is None]:
            del _SPLITS[stale]
        parts = dict(iter(frame.groupby(column, sort=False, dropna=True, observed=True)))
        cached = _SPLITS[key] = (weakref.ref(frame), parts)
    part = cached[1].get(value)
    return frame.iloc[0:0] if part is None else part
