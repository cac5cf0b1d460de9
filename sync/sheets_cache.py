"""The local copy of Google source spreadsheets' raw cell values, so an unchanged spreadsheet
is not read again (Google allows 60 reads a minute: a 200-school district waits minutes).

One Parquet file per spreadsheet and set of tabs read, named by the spreadsheet's ID and its
Drive version: a file whose version Drive no longer reports is simply never used. Cells are
stored long (tab, row, column, kind, text, number), exactly as `values:batchGet` gave them, so a
cached read hands the pipeline the very rows a fresh one would. A file that is missing, cannot
be read, or was written by another version of this job is ignored with a log line, never
trusted.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

log = logging.getLogger("coaching_impact")

CACHE_FORMAT = 1
"""Bump when the layout or the meaning of the stored values changes."""
_META_KEY = b"coaching_impact.sheets_cache"
_TEXT, _INT, _FLOAT, _TRUE, _FALSE = 0, 1, 2, 3, 4
_SCHEMA = pa.schema([("tab", pa.int32()), ("row", pa.int32()), ("col", pa.int32()),
                     ("kind", pa.int8()), ("text", pa.string()), ("number", pa.float64())])


@dataclass(frozen=True)
class CachedSheet:
    """What one read of a spreadsheet gave: every tab's ID, and the values of the tabs read."""

    sheets: dict[str, int]
    values: dict[str, list[list[Any]]]


class SheetsCache:
    """The cache folder (beside the state file)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, sid: str, tabs: Sequence[str], version: str) -> Path:
        return self.folder / f"{_safe(sid)}.{_tabs_key(tabs)}.v{_safe(version)}.parquet"

    def load(self, sid: str, tabs: Sequence[str], version: str) -> CachedSheet | None:
        path = self.path(sid, tabs, version)
        if not path.exists():
            stale = list(self.folder.glob(f"{_safe(sid)}.{_tabs_key(tabs)}.v*.parquet"))
            why = "it changed since the last read" if stale else "no local copy yet"
            log.debug("Reading spreadsheet %s from Google: %s", sid, why)
            return None
        try:
            return _decode(pq.read_table(path), sid)
        except (OSError, ValueError, KeyError, TypeError, IndexError, pa.ArrowException) as exc:
            log.warning("Ignoring the local copy of spreadsheet %s (%s): %s; reading it from "
                        "Google instead", sid, path, str(exc).splitlines()[0][:200])
            return None

    def save(self, sid: str, tabs: Sequence[str], version: str, cached: CachedSheet) -> None:
        """Write atomically (temporary file, then rename); older versions are removed."""
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.path(sid, tabs, version)
        fd, tmp = tempfile.mkstemp(prefix=".~", suffix=".parquet", dir=self.folder)
        os.close(fd)
        try:
            pq.write_table(_encode(cached, sid), tmp, compression="zstd")
            os.replace(tmp, target)
        finally:
            Path(tmp).unlink(missing_ok=True)
        self._drop_others(sid, tabs, keep=target)

    def rekey(self, sid: str, tabs: Sequence[str], old: str, new: str) -> None:
        """The job's own write moved the spreadsheet to `new`: its values read are unchanged."""
        path = self.path(sid, tabs, old)
        if path.exists():
            os.replace(path, self.path(sid, tabs, new))

    def _drop_others(self, sid: str, tabs: Sequence[str], keep: Path) -> None:
        for other in self.folder.glob(f"{_safe(sid)}.{_tabs_key(tabs)}.v*.parquet"):
            if other != keep:
                other.unlink(missing_ok=True)


def _safe(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in text)


def _tabs_key(tabs: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(sorted(tabs)).encode()).hexdigest()[:12]


def _encode(cached: CachedSheet, sid: str) -> pa.Table:
    titles = list(cached.values)
    columns: dict[str, list[Any]] = {name: [] for name in _SCHEMA.names}
    for t, title in enumerate(titles):
        for r, row in enumerate(cached.values[title]):
            for c, value in enumerate(row):
                kind, text, number = _cell(value)
                columns["tab"].append(t)
                columns["row"].append(r)
                columns["col"].append(c)
                columns["kind"].append(kind)
                columns["text"].append(text)
                columns["number"].append(number)
    meta = {"format": CACHE_FORMAT, "spreadsheet": sid, "sheets": cached.sheets,
            "tabs": titles, "rows": [len(cached.values[t]) for t in titles]}
    table = pa.Table.from_pydict(columns, schema=_SCHEMA)
    return table.replace_schema_metadata({_META_KEY: json.dumps(meta).encode()})


def _cell(value: Any) -> tuple[int, str | None, float | None]:
    if value is True:
        return _TRUE, None, None
    if value is False:
        return _FALSE, None, None
    if isinstance(value, int):
        return _INT, None, float(value)
    if isinstance(value, float):
        return _FLOAT, None, value
    return _TEXT, "" if value is None else str(value), None


def _decode(table: pa.Table, sid: str) -> CachedSheet:
    meta = json.loads((table.schema.metadata or {})[_META_KEY])
    if meta.get("format") != CACHE_FORMAT or meta.get("spreadsheet") != sid:
        raise ValueError(f"written by another version of this job (format "
                         f"{meta.get('format')!r}, this one reads {CACHE_FORMAT})")
    if table.schema.remove_metadata() != _SCHEMA:
        raise ValueError("unexpected columns")
    titles, counts = meta["tabs"], meta["rows"]
    values: list[list[list[Any]]] = [[[] for _ in range(n)] for n in counts]
    cols = [table.column(n).to_pylist() for n in _SCHEMA.names]
    for t, r, c, kind, text, number in zip(*cols, strict=True):
        row = values[t][r]
        if len(row) != c:
            raise ValueError(f"cells out of order at tab {t}, row {r}")
        row.append(text if kind == _TEXT else int(number) if kind == _INT else number
                   if kind == _FLOAT else kind == _TRUE)
    return CachedSheet({str(k): int(v) for k, v in meta["sheets"].items()},
                       dict(zip(titles, values, strict=True)))
