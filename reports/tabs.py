"""Assembling the summary tabs for the output spreadsheet, Run Log included."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from config.model import Config
from core.display import Privacy
from core.impact import Impact
from core.schema import OutputTab, Severity
from core.summary import (Table, coaches_table, cycles_table, district_table, issues_table,
                          schools_table)
from core.validate import Validated
from reports.render import Email


@dataclass(frozen=True)
class SummaryTabs:
    tables: list[Table]
    """The tabs replaced whole on every run."""
    run_log_entry: list[object]
    """The one row this run adds to the Run Log tab (which keeps every earlier run's row)."""

    @property
    def names(self) -> list[str]:
        return [t.name for t in self.tables] + [OutputTab.RUN_LOG]


def summary_tables(config: Config, impact: Impact, data: Validated, emails: list[Email], *,
                   now: dt.datetime) -> SummaryTabs:
    privacy = Privacy(config.settings.min_n, coded=False)
    tables = [
        schools_table(impact, privacy),
        coaches_table(impact, privacy, config.settings.time_in_cycles_target),
        cycles_table(impact, privacy),
        district_table(impact, privacy, config.district.name),
        issues_table(data.issues),
    ]
    names = [t.name for t in tables] + [OutputTab.RUN_LOG]
    return SummaryTabs(tables, run_log_entry(config, impact, data, names, emails, now))


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
