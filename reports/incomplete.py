"""The summary tabs when a source could not be used: every figure of an affected school shown as
incomplete (never a silent zero), the district totals flagged, quiet weeks noted on the Schools
tab, and the Run Log row naming the failed sources."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from core.failures import Failures, quiet_message, where
from core.schema import OutputTab
from core.summary import Table
from core.words import plural
from reports.tabs import SummaryTabs

INCOMPLETE = "incomplete"
NOTE = "Data notes"
ROSTER = 3
"""Leading columns of the Schools tab that come from the roster, not from the figures."""


def mark_incomplete(summary: SummaryTabs, failures: Failures, quiet: list[str]) -> SummaryTabs:
    if not failures and not quiet:
        return summary
    tables = [schools(t, failures, quiet) if t.name == OutputTab.SCHOOLS else
              district(t, failures) if t.name == OutputTab.DISTRICT else t
              for t in summary.tables]
    entry = list(summary.run_log_entry)
    if failures:
        entry[-1] = "emails held: sources could not be used: " + ", ".join(
            f"{where(p)} ({p.kind.value})" for p in failures.problems)
    return replace(summary, tables=tables, run_log_entry=entry)


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
