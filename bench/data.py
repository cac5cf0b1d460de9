"""The benchmark's districts: built with the demo generator, written as the demo's workbooks
(kept between runs in a data folder: writing a million rows with openpyxl takes minutes), and
handed to the pipeline as the readers give them, one new string object per cell."""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core.schema import TabKind as K
from core.sources import RawTab
from demo import generate as g
from sync.common import normal_cell, sheet_values

FORM_ALIASES = {"school": ["Which school?"], "cycle_id": ["Coaching cycle ID (if part of a cycle)"]}


def grow_assessments(rows: Sequence[Sequence[Any]], wanted: int) -> list[tuple[Any, ...]]:
    """More students per cycle, each with their own ID, until `wanted` rows."""
    out: list[tuple[Any, ...]] = []
    copy = 0
    while len(out) < wanted and rows:
        out += [(r[0], f"{r[1]}-{copy}", *r[2:]) for r in rows]
        copy += 1
    return out[:wanted]


def district(schools: int, log_rows: int, assessment_rows: int) -> g.DemoDistrict:
    d = g.build_district(schools=schools, log_rows=log_rows)
    d.assessments = grow_assessments(d.assessments, assessment_rows)
    return d


def workbooks(folder: Path, schools: int, log_rows: int, assessment_rows: int) -> Path:
    """The district's three workbooks, written once per size and reused."""
    where = folder / f"{schools}-schools-{log_rows}-log-{assessment_rows}-assessments"
    marker = where / "complete"
    if not marker.exists():
        g.write_workbooks(district(schools, log_rows, assessment_rows), where)
        marker.write_text("written by bench.data\n")
    return where


def as_read(rows: list[Any]) -> list[list[Any]]:
    """Rows as a reader hands them over: normal form, a new object per cell (Sheets' JSON and
    calamine both make one per cell; the generator shares one object per distinct value)."""
    out: list[list[Any]] = []
    for start in range(0, len(rows), 100_000):  # in slices, to keep the text small
        chunk = rows[start:start + 100_000]
        out += json.loads(json.dumps([[normal_cell(v) for v in r] for r in chunk]))
    return out


def raw_tabs(d: g.DemoDistrict, *, per_school: bool = False) -> list[RawTab]:
    """The district as the readers hand it over: one form tab for every coaching-log row, or
    (per_school) one tab per school, as 200 school spreadsheets on Google give."""
    def tab(name: str, kind: K, header: tuple[str, ...], rows: list[Any], **kw: Any) -> RawTab:
        h, body = sheet_values([list(header), *as_read(rows)])  # as the Google reader does
        return RawTab("bench", name, kind, h, body, **kw)
    logs = [tab(f"Form {school}", K.COACHING_LOG, g.FORM_HEADER, rows, aliases=FORM_ALIASES)
            for school, rows in (by_school(d.form_log) if per_school
                                 else {"": d.form_log}).items()]
    return [tab("Schools", K.SCHOOLS, g.SCHOOLS_HEADER, d.schools),
            tab("Coaches", K.COACHES, g.COACHES_HEADER, d.coaches),
            tab("Teachers", K.TEACHERS, g.TEACHERS_HEADER, d.teachers),
            tab("Cycles", K.CYCLES, g.CYCLES_HEADER, d.cycles),
            tab("Assessments", K.ASSESSMENTS, g.ASSESSMENTS_HEADER, d.assessments),
            *logs,
            tab("Log", K.COACHING_LOG, g.OWN_LOG_HEADER, d.own_log,
                school="Hillcrest Middle School")]


def by_school(rows: list[Any]) -> dict[str, list[Any]]:
    """Form rows grouped by the school typed in them (case and spacing ignored)."""
    groups: dict[str, list[Any]] = {}
    for row in rows:
        groups.setdefault(" ".join(str(row[3]).split()).lower(), []).append(list(row))
    return groups


def today() -> dt.date:
    return dt.date(2026, 11, 23)
