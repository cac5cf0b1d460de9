"""The summary tabs when a source could not be used: every figure of an affected school shown as
incomplete (never a silent zero), the district totals flagged, quiet weeks noted on the Schools
tab, and the Run Log row naming the failed sources."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from core.failures import Failures, quiet_message, where
from core.schema import OutputTab
from core.summary import DISTRICT_ROWS, Table
from core.words import plural
from reports.tabs import SummaryTabs

INCOMPLETE = "incomplete"
NOTE = "Data notes"
ROSTER = 3
"""Leading columns of the Schools tab that come from the roster, not from the figures."""


FIRST_FIGURE: dict[str, str] = {
    OutputTab.COACHES: "Hours logged (year)", OutputTab.CYCLES: "Sessions logged",
    OutputTab.EQUITY: "Coaching hours", OutputTab.TRENDS: "Sessions",
}
"""Per tab, the first column computed from the rows (those before it come from the roster or
the Cycles tab as typed)."""
OF_ALL_SCHOOLS = ("Share of coaching hours", "Hours per teacher vs district average")
"""Equity columns that divide by the district's total: wrong for every school when one is
incomplete."""


def mark_incomplete(summary: SummaryTabs, failures: Failures, quiet: list[str]) -> SummaryTabs:
    if not failures and not quiet:
        return summary
    tables = [schools(t, failures, quiet) if t.name == OutputTab.SCHOOLS else
              district(t, failures) if t.name == OutputTab.DISTRICT else
              by_school(t, failures) for t in summary.tables]
    entry = list(summary.run_log_entry)
    board = summary.dashboard
    if failures and board is not None:
        board = replace(board, notes=[*board.notes, [
            f"Incomplete: {', '.join(failures.affected)} left out of the charts (a source "
            "could not be used; see the Data notes columns)."]])
    if failures:
        entry[-1] = "emails held: sources could not be used: " + ", ".join(
            f"{where(p)} ({p.kind.value})" for p in failures.problems)
    return replace(summary, tables=tables, run_log_entry=entry, dashboard=board)


def schools(table: Table, failures: Failures, quiet: list[str]) -> Table:
    """Columns after School, Principal and Implementation stage (the roster's) are figures:
    each becomes 'incomplete' for a school that depends on a failed source. A last column says
    why, or that the week was quiet."""
    rows = []
    for row in table.rows:
        school = row[0]
        notes = []
        if school in failures.affected:
            row = row[:ROSTER] + [INCOMPLETE] * (len(row) - ROSTER)
            notes.append("Incomplete: " + failures.reason(school) + " (see `python main.py "
                         "check`)")
        if school in quiet:
            notes.append(quiet_message(school))
        rows.append([*row, " ".join(notes) or None])
    return replace(table, header=[*table.header, NOTE], rows=rows)


def district(table: Table, failures: Failures) -> Table:
    if not failures:
        return table
    n = len(failures.affected)
    warning: list[Any] = [f"Incomplete: {n} {plural(n, 'school')} "
                          f"{'depends' if n == 1 else 'depend'} on a source that could not be "
                          "used: " + ", ".join(
                              where(p) for p in failures.problems), "", ""]
    return replace(table, rows=[table.rows[0], warning, *table.rows[1:]])


def by_school(table: Table, failures: Failures) -> Table:
    """The other tabs' rows and columns that count an affected school's rows: 'incomplete' in
    place of each such figure, and a last column saying why. In Hours by Week, which the weekly
    chart draws, the cells are left blank instead, so a line breaks rather than falls to 0."""
    if not failures:
        return table
    if table.name == OutputTab.HOURS_BY_WEEK:
        return hours_by_week(table, failures)
    if table.name not in FIRST_FIGURE:
        return table
    first = table.column(FIRST_FIGURE[table.name])
    across = [table.column(h) for h in OF_ALL_SCHOOLS if h in table.header]
    rows = []
    for row in table.rows:
        hit = _affected(table, row, failures)
        marked = row[:first] + [INCOMPLETE] * (len(row) - first) if hit else list(row)
        for c in across:
            marked[c] = INCOMPLETE
        why = "; ".join(dict.fromkeys(failures.reason(s) for s in hit))
        rows.append([*marked, f"Incomplete: {why}" if hit else None])
    return replace(table, header=[*table.header, NOTE], rows=rows)


def _affected(table: Table, row: list[Any], failures: Failures) -> list[str]:
    """The affected schools a row counts: its school, a coach's schools, or (the Trends tab's
    district rows) all of them."""
    if table.name == OutputTab.COACHES:
        named = [s.strip() for s in str(row[1] or "").split(";")]
    elif table.name == OutputTab.TRENDS and row[0] == DISTRICT_ROWS:
        named = list(failures.affected)
    else:
        named = [row[table.column("School")]]
    return [s for s in named if s in failures.affected]


def hours_by_week(table: Table, failures: Failures) -> Table:
    gaps = {c for c, h in enumerate(table.header) if h in failures.affected or
            (h == DISTRICT_ROWS and failures.affected)}
    if not gaps:
        return table
    rows = [[None if c in gaps else v for c, v in enumerate(r)] for r in table.rows]
    why = "Left blank, incomplete: " + "; ".join(
        f"{s}: {failures.reason(s)}" for s in failures.affected)
    rows = [[*r, why if i == 0 else None] for i, r in enumerate(rows)]
    return replace(table, header=[*table.header, NOTE], rows=rows)
