"""Assembling the summary tabs for the output spreadsheet, Run Log included."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from config.model import Backend, Config
from core.dashboard import dashboard
from core.display import Privacy
from core.impact import Impact
from core.schema import CycleStatus, OutputTab, Severity
from core.summary import (
    Table,
    coaches_table,
    cycles_table,
    district_table,
    equity_table,
    hours_by_week_table,
    issues_table,
    schools_table,
    trends_table,
)
from core.tables import Dashboard
from core.validate import Validated
from reports.render import Email


@dataclass(frozen=True)
class SummaryTabs:
    tables: list[Table]
    """The tabs replaced whole on every run."""
    run_log_entry: list[object]
    """The one row this run adds to the Run Log tab (which keeps every earlier run's row)."""
    dashboard: Dashboard | None = None
    """The Dashboard tab's notes and charts, drawn from `tables`."""

    @property
    def names(self) -> list[str]:
        first = [self.dashboard.name] if self.dashboard else []
        return first + [t.name for t in self.tables] + [OutputTab.RUN_LOG]


def summary_tables(config: Config, impact: Impact, data: Validated, emails: list[Email], *,
                   now: dt.datetime) -> SummaryTabs:
    privacy = Privacy(config.settings.min_n, coded=False)
    target = config.settings.time_in_cycles_target
    tables = [
        schools_table(impact, privacy, target),
        coaches_table(impact, privacy, target),
        cycles_table(impact, privacy, planned_cycles(data, impact)),
        district_table(impact, privacy, config.district.name),
        equity_table(impact),
        trends_table(impact),
        hours_by_week_table(impact),
        issues_table(data.issues, workbook_links(config)),
    ]
    board = dashboard(impact, config.district.name, target, tables[-2])
    names = [board.name] + [t.name for t in tables] + [OutputTab.RUN_LOG]
    return SummaryTabs(tables, run_log_entry(config, impact, data, names, emails, now), board)


def planned_cycles(data: Validated, impact: Impact) -> pd.DataFrame:
    """Cycles starting after the report week: listed as planned, counted nowhere."""
    cycles = data.cycles
    later = cycles["start_date"] > pd.Timestamp(impact.ytd.end)
    return cycles[later | (cycles["status"].eq(CycleStatus.PLANNED.value) &
                           ~cycles["cycle_id"].isin(impact.cycles["cycle_id"]))]


def workbook_links(config: Config) -> Callable[[str, str, int], str | None]:
    """A flagged row of a workbook source opens that workbook at the row (file: link to
    path#'Tab'!A12); Google sources carry their own links to the exact cell."""
    paths = {s.name: config.path(s.location) for s in config.sources
             if s.backend is Backend.WORKBOOK}

    def link(source: str, tab: str, row: int) -> str | None:
        path = paths.get(source)
        if path is None or not tab:
            return None
        quoted = tab.replace("'", "''")
        return f"{Path(path).resolve().as_uri()}#'{quoted}'!A{int(row)}"
    return link


def run_log_entry(config: Config, impact: Impact, data: Validated, tabs: list[str],
                  emails: list[Email], now: dt.datetime) -> list[object]:
    totals = data.totals
    severities = data.issues["severity"]
    errors = int((severities == Severity.ERROR.value).sum())
    warnings = int((severities == Severity.WARNING.value).sum())
    sendable = sum(1 for e in emails if e.to)
    outcome = "ok" if not errors and not warnings else "ok, with data issues"
    local = now.astimezone(config.district.zone)
    return [local.strftime("%Y-%m-%d %H:%M %Z"), impact.week.label, totals.read, totals.valid,
            totals.flagged, errors, warnings, ", ".join(tabs), sendable, outcome]
