"""The run's figures as long Parquet tables, for a state agency's warehouse (BigQuery,
Snowflake, Databricks, DuckDB).

Made from the summary tabs district staff see, after every privacy rule (small-n and
complementary suppression) has been applied, so the export can never tell more than the tabs:
a suppressed figure is absent, never zero. One row per figure: school, coach, cycle, week,
metric, value, n (the students a student figure is computed over). Each run writes its report
week's folder `report_week=<ISO week>/` whole (hive-style partitions), replacing that week's
earlier export atomically; other weeks are left as they are.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from core.summary import Link, Table

SCHEMA = pa.schema([("school", pa.string()), ("coach", pa.string()), ("cycle", pa.string()),
                    ("week", pa.string()), ("metric", pa.string()), ("value", pa.float64()),
                    ("n", pa.int64())])
KEYS = {"School": "school", "Coach": "coach", "Cycle ID": "cycle"}
DESCRIPTIVE = {"Teacher", "Grade", "Subject", "Focus", "Status", "Start date", "End date",
               "Principal", "Implementation stage", "Benchmark status", "Short of benchmark",
               "Schools", "Week now"}
"""Columns that are labels, not figures (teachers are never exported)."""
STUDENTS = {"Cycles": "Students with pre and post", "Schools": "Students in completed cycles",
            "Coaches": "Students in completed cycles"}
STUDENT_FIGURES = ("% proficient", "Growth", "Moved to proficient", "Mean score gain")
_NUMBER = re.compile(r"^([+-]?\d+(?:\.\d+)?)%?$")
_K_OF_N = re.compile(r"^(\d+) of (\d+)$")


def export_figures(folder: Path, week: str, tables: Sequence[Table]) -> Path:
    """Write `folder/report_week=<week>/<tab>.parquet` for each figures tab; the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".~export-", dir=folder))
    try:
        for table in tables:
            rows = long_rows(table, week)
            if rows is not None:
                pq.write_table(pa.Table.from_pylist(rows, schema=SCHEMA),
                               staging / f"{slug(table.name)}.parquet")
        target = folder / f"report_week={week}"
        old = folder / f".~old-{week}"
        if target.exists():
            os.replace(target, old)
        os.replace(staging, target)
        shutil.rmtree(old, ignore_errors=True)
        return target
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def long_rows(table: Table, week: str) -> list[dict[str, Any]] | None:
    """One dict per figure shown; None for tabs that hold no figures (issues, run log)."""
    if table.name == "District":
        return district_rows(table, week)
    if table.name not in STUDENTS:
        return None  # Data Issues (cell values as typed) and the Run Log are never exported
    out = []
    for row in table.rows:
        cells = dict(zip(table.header, row, strict=False))
        keys = {KEYS[h]: text(cells.get(h)) for h in KEYS if h in cells}
        students = as_number(cells.get(STUDENTS.get(table.name, "")))
        for header, cell in cells.items():
            if header in KEYS or header in DESCRIPTIVE:
                continue
            value, n = figure(cell)
            if value is None:
                continue  # suppressed, or not a figure: absent, never zero
            if n is None and header.startswith(STUDENT_FIGURES) and students is not None:
                n = int(students[0])
            out.append({"school": keys.get("school"), "coach": keys.get("coach"),
                        "cycle": keys.get("cycle"), "week": week, "metric": slug(header),
                        "value": value, "n": n})
    return out


def district_rows(table: Table, week: str) -> list[dict[str, Any]]:
    out = []
    for row in table.rows:
        if len(row) < 3 or not isinstance(row[0], str):
            continue
        for window, cell in (("week", row[1]), ("year", row[2])):
            value, n = figure(cell)
            if value is not None:
                out.append({"school": None, "coach": None, "cycle": None, "week": week,
                            "metric": f"{slug(row[0])}_{window}", "value": value, "n": n})
    return out


def figure(cell: Any) -> tuple[float | None, int | None]:
    """(value, n) of a cell as shown: a number, '34%', '+18.3', or 'k of n'."""
    found = as_number(cell)
    if found is not None:
        return found
    match = _K_OF_N.match(cell) if isinstance(cell, str) else None
    return (float(match.group(1)), int(match.group(2))) if match else (None, None)


def as_number(cell: Any) -> tuple[float, None] | None:
    if isinstance(cell, bool) or cell is None:
        return None
    if isinstance(cell, (int, float)):
        return float(cell), None
    match = _NUMBER.match(cell.strip()) if isinstance(cell, str) else None
    return (float(match.group(1)), None) if match else None


def text(cell: Any) -> str | None:
    if isinstance(cell, Link):
        return cell.text
    return None if cell is None else str(cell)


def slug(header: str) -> str:
    words = re.sub(r"[^0-9a-z]+", "_", header.lower().replace("%", " pct ")).strip("_")
    return words or "figure"
