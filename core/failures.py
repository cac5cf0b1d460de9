"""Source failures: a source, tab or required column that cannot be used, or a tab that suddenly
holds no rows or far fewer than before. A failure is never an empty source: the emails of the
schools that depend on it are held (see `delivery.held`), and it is reported loudly.

Pure: takes the tabs as read, the readers' problems and what the last successful run saw, and
returns the failures and which schools each one touches.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from core.headers import match_headers, missing_required
from core.schema import Field, TabKind
from core.sources import FailureKind, RawTab, SourceProblem
from core.weeks import Window
from core.words import plural

EVERY_SCHOOL = "every school"


@dataclass(frozen=True)
class Baseline:
    """What the last successful run read: data rows per (source, tab), and the schools each
    source's rows named (casefolded)."""

    rows: Mapping[tuple[str, str], int] = field(default_factory=dict)
    schools: Mapping[str, frozenset[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Failures:
    """Every source failure of a run, and the schools whose figures depend on each."""

    problems: list[SourceProblem]
    affected: dict[str, list[SourceProblem]]
    """School → the failures it depends on (only schools with at least one)."""

    def __bool__(self) -> bool:
        return bool(self.problems)

    def reason(self, school: str) -> str:
        return "; ".join(f"{where(p)} could not be used ({p.kind.value})"
                         for p in self.affected.get(school, []))


def where(p: SourceProblem) -> str:
    return f"{p.source} › {p.tab}" if p.tab else p.source


def full_text(p: SourceProblem) -> str:
    """A failure as one line a person can act on: source, tab, what was wrong, the fix."""
    return f"Source '{p.source}'{f', tab {p.tab!r}' if p.tab else ''} ({p.kind.value}): " \
           f"{p.message}"


def data_rows(raw: RawTab) -> int:
    """Rows with at least one cell filled. Readers trim trailing empty cells, so the last cell
    answers for almost every row; the full look is only for a row that was not trimmed."""
    return sum(1 for r in raw.rows if r and (not _empty(r[-1]) or not all(map(_empty, r))))


def _empty(value: object) -> bool:
    return value is None or value == ""


def tab_failures(tabs: Sequence[RawTab], aliases: Mapping[TabKind, Mapping[str, Sequence[str]]],
                 baseline: Baseline, max_drop_pct: float) -> list[SourceProblem]:
    """Tabs that were read but cannot be trusted: a required column missing, no data rows, or
    more than `max_drop_pct` of the rows the last successful run read gone."""
    found = []
    for raw in tabs:
        problem = tab_failure(raw, aliases.get(raw.kind, {}),
                              baseline.rows.get((raw.source, raw.tab)), max_drop_pct)
        if problem is not None:
            found.append(problem)
    return found


FILLS_DURING_THE_YEAR = frozenset({TabKind.CYCLES, TabKind.ASSESSMENTS, TabKind.TEACHERS})
"""Tabs that are rightly empty until the year gets going (no cycle started, nothing assessed yet,
teachers not listed): with no rows now and none at the last successful run they are not a
failure. Once they have held rows, emptying them is."""


def tab_failure(raw: RawTab, aliases: Mapping[str, Sequence[str]], before: int | None,
                max_drop_pct: float) -> SourceProblem | None:
    rows = data_rows(raw)
    missing = missing_required(raw.kind, match_headers(raw, aliases))
    if rows == 0 and not any(raw.header):
        return failure(raw, FailureKind.EMPTY, (
            "The tab is blank: no header row and no data rows (expected a header row, then "
            f"{raw.kind.value} rows). Check that it was not cleared, or point tabs: at the tab "
            "that holds the data."))
    if missing:
        return failure(raw, FailureKind.MISSING_COLUMN, missing_columns(raw, missing))
    if rows == 0 and (before or raw.kind not in FILLS_DURING_THE_YEAR):
        return failure(raw, FailureKind.EMPTY, (
            f"The tab has no data rows (expected {raw.kind.value} rows below the header"
            f"{f'; the last successful run read {before}' if before else ''}). Check that the "
            "rows were not deleted or moved to another tab (a form linked to a new responses "
            "tab?); if the data now lives elsewhere, point tabs: at it in the config."))
    if before and rows < before * (1 - max_drop_pct / 100):
        return failure(raw, FailureKind.ROWS_DROPPED, (
            f"Read {rows} data {plural(rows, 'row')}, far fewer than the {before} the last "
            f"successful run read (more than {max_drop_pct:g}% gone; the limit is settings: "
            "max_row_drop_pct). Check that rows were not deleted, filtered out or moved to "
            "another tab. If they were removed on purpose, run `python main.py run --once "
            "--accept-row-counts` to take today's counts as the new baseline."))
    return None


def failure(raw: RawTab, kind: FailureKind, message: str) -> SourceProblem:
    return SourceProblem(raw.source, raw.tab, message, kind, raw.kind)


def _examples(f: Field) -> str:
    return ", ".join(repr(a) for a in list(dict.fromkeys([f.label, *f.aliases]))[:4])


def missing_columns(raw: RawTab, missing: list[Field]) -> str:
    headers = ", ".join(f"'{h}'" for h in raw.header if h) or "no headers at all"
    wanted = "; ".join(f"{f.label} (a header such as {_examples(f)})" for f in missing)
    first = missing[0]
    return (f"Required {plural(len(missing), 'column')} not found, so the tab was not used. "
            f"Expected: {wanted}. Found: {headers}. Rename the header back, or add the header "
            f"you use to the config under aliases: {raw.kind.value}: {first.name}: [\"...\"].")


def schools_named(tabs: Iterable[RawTab], aliases: Mapping[TabKind, Mapping[str, Sequence[str]]]
                  ) -> dict[str, frozenset[str]]:
    """Per source, the schools (casefolded) its rows name in a School column."""
    named: dict[str, set[str]] = {}
    for raw in tabs:
        mine = named.setdefault(raw.source, set())
        if raw.school:
            mine.add(raw.school.strip().casefold())
            continue
        if raw.kind in (TabKind.SCHOOLS, TabKind.COACHES, TabKind.TEACHERS):
            mine.add(EVERY_SCHOOL)  # a roster speaks for every school
            continue
        pos = match_headers(raw, aliases.get(raw.kind, {})).get("school")
        if pos is None:
            mine.add(EVERY_SCHOOL)
            continue
        distinct = {r[pos] for r in raw.rows if pos < len(r)}  # few: normalise each once
        mine.update(" ".join(str(v).split()).casefold() for v in distinct if v not in (None, ""))
    return {s: frozenset(v) for s, v in named.items()}


def affected_schools(problems: Sequence[SourceProblem], configured: Mapping[str, str | None],
                     named: Mapping[str, frozenset[str]], schools: Sequence[str]) -> Failures:
    """Who depends on what: a source with `school:` set, or whose rows name one school, is that
    school's; any other source (a district-wide log, the rosters) is every school's."""
    by_key = {s.casefold(): s for s in schools}
    affected: dict[str, list[SourceProblem]] = {}
    for p in problems:
        own = configured.get(p.source)
        names = {own.strip().casefold()} if own else set(named.get(p.source, ()))
        hit = [by_key[n] for n in names] if len(names) == 1 and next(iter(names)) in by_key \
            else list(schools)
        for school in hit:
            affected.setdefault(school, []).append(p)
    return Failures(list(problems), affected)


def quiet_schools(logs: pd.DataFrame, schools: Sequence[str], week: Window,
                  weeks: int = 3) -> list[str]:
    """Schools that logged coaching in each of the `weeks` weeks before `week` and none in it:
    a form that came unlinked looks like this (so does Thanksgiving; hence a warning only)."""
    if logs.empty:
        return []
    coaching = logs[logs["coaching"].astype(bool)]
    monday = pd.Timestamp(week.start)
    ago = ((monday - coaching["date"]).dt.days + 6) // 7  # 0 this week, 1 the week before …
    recent = ago.between(0, weeks)
    logged = pd.DataFrame({"school": coaching["school"].astype(object)[recent],
                           "ago": ago[recent]})
    by_school = logged.groupby("school")["ago"].agg(set).to_dict()  # one pass, not per school
    return [school for school in schools
            if 0 not in (seen := by_school.get(school, set()))
            and all(k in seen for k in range(1, weeks + 1))]


def quiet_message(school: str) -> str:
    return (f"No coaching logged this week at {school} — is the form still linked? (It had "
            "coaching logged in each of the three weeks before.)")


