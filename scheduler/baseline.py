"""What the last successful run read from each source, kept in the state file: the data rows of
each tab (so a tab that suddenly lost most of its rows is caught) and the schools each source's
rows named (so a failed source holds only the schools that depend on it)."""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Mapping, Sequence
from pathlib import Path

from core.failures import Baseline, data_rows
from core.sources import RawTab, SourceProblem
from scheduler.history import connect, stamp

SCHEMA = """
CREATE TABLE IF NOT EXISTS source_tabs (
    source      TEXT NOT NULL,
    tab         TEXT NOT NULL,
    rows        INTEGER NOT NULL,   -- data rows read by the last run that could use the tab
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (source, tab)
);
CREATE TABLE IF NOT EXISTS source_schools (
    source      TEXT PRIMARY KEY,
    schools     TEXT NOT NULL,      -- JSON list of the schools its rows named (casefolded)
    recorded_at TEXT NOT NULL
);
"""


def load_baseline(state: Path) -> Baseline:
    """Read only; an empty baseline when there is no state file or no table yet."""
    if not state.exists():
        return Baseline()
    db = sqlite3.connect(f"{state.as_uri()}?mode=ro", uri=True, timeout=15)
    try:
        rows = db.execute("SELECT source, tab, rows FROM source_tabs").fetchall()
        named = db.execute("SELECT source, schools FROM source_schools").fetchall()
    except sqlite3.OperationalError:  # tables not made yet
        return Baseline()
    finally:
        db.close()
    return Baseline({(s, t): int(n) for s, t, n in rows},
                    {s: frozenset(json.loads(v)) for s, v in named})


def record_baseline(state: Path, tabs: Sequence[RawTab], failures: Sequence[SourceProblem],
                    named: Mapping[str, frozenset[str]], now: dt.datetime, *,
                    accept: bool = False) -> None:
    """Remember the tabs this run could use (with `accept`, every tab read, failed or not) and
    the schools named by sources that had no failure at all."""
    failed_tabs = {(p.source, p.tab) for p in failures}
    failed_sources = {p.source for p in failures}
    at = stamp(now)
    with connect(state) as db:
        for statement in SCHEMA.split(";"):
            if statement.strip():
                db.execute(statement)
        for raw in tabs:
            if accept or (raw.source, raw.tab) not in failed_tabs:
                db.execute("INSERT OR REPLACE INTO source_tabs VALUES (?, ?, ?, ?)",
                           (raw.source, raw.tab, data_rows(raw), at))
        for source, schools in named.items():
            if source not in failed_sources:
                db.execute("INSERT OR REPLACE INTO source_schools VALUES (?, ?, ?)",
                           (source, json.dumps(sorted(schools)), at))
