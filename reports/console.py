"""What the terminal shows: progress per step and a one-screen summary at the end."""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from config.model import Config
from core.issues import KIND_LABELS
from core.schema import Severity
from core.summary import Table
from core.validate import Validated
from core.weeks import ReportWeek
from reports.render import Email


def say(text: str = "") -> None:
    print(text, flush=True)


def step(text: str) -> None:
    say(f"• {text}")


def error(text: str) -> None:
    print(f"error: {text}", file=sys.stderr, flush=True)


def banner(config: Config, week: ReportWeek, *, dry_run: bool) -> None:
    mode = " (dry run: nothing will be written or sent)" if dry_run else ""
    say(f"{config.district.name} — report week {week.label} ({week.title}){mode}")


def _issue_counts(data: Validated) -> tuple[int, int]:
    sev = data.issues["severity"]
    return int((sev == Severity.ERROR.value).sum()), int((sev == Severity.WARNING.value).sum())


def rows_block(data: Validated) -> None:
    say(f"  {'tab kind':<14}{'read':>8}{'valid':>8}{'flagged':>9}")
    for kind, c in data.counts.items():
        say(f"  {KIND_LABELS[kind]:<14}{c.read:>8}{c.valid:>8}{c.flagged:>9}")
    t = data.totals
    errors, warnings = _issue_counts(data)
    say(f"  {'all':<14}{t.read:>8}{t.valid:>8}{t.flagged:>9}   "
        f"({errors} errors: rows left out; {warnings} warnings: rows kept)")


def run_summary(data: Validated, tabs: list[str], emails: list[Email], delivered: int, *,
                output: Path, outbox: Path, dry_run: bool) -> None:
    say()
    say("Run summary")
    rows_block(data)
    if not dry_run:
        say(f"  tabs written:  {', '.join(tabs)}")
        say(f"                 in {output}")
        say(f"  emails:        {delivered} written to {outbox} (open index.html to preview)")
    unsent = [e.school for e in emails if not e.to]
    if unsent:
        say(f"  no email for:  {', '.join(unsent)} (no valid principal email on the Schools tab)")
    if len(data.issues):
        say("  data issues:   see the Data Issues tab; each row says where and how to fix it")


def dry_run(tables: list[Table], emails: list[Email], output: str, outbox: Path) -> None:
    say()
    say("Dry run: nothing was written or sent. A real run would:")
    for t in tables:
        say(f"  write tab '{t.name}' ({len(t.rows)} rows) to {output}")
    say(f"  add this run's row to tab 'Run Log' in {output}")
    for e in emails:
        where = f"to {e.to}" if e.to else "to nobody (no principal email)"
        say(f"  deliver '{e.subject}' {where} via {outbox}")


def check_summary(config: Config, data: Validated) -> None:
    say()
    say("Rows per tab kind")
    rows_block(data)
    issues = data.issues
    if issues.empty:
        say("\nNo data issues. Everything is ready for a run.")
        return
    say("\nData issues per source")
    _grouped(issues, ["source", "tab"])
    say("\nData issues per coach (coaches fix their own rows)")
    _grouped(issues.assign(coach=issues["coach"].replace("", "(no coach: roster or "
                                                          "source problem)")), ["coach"])
    say("\nRun `python main.py run --once` to write them all to the Data Issues tab.")


def _grouped(issues: pd.DataFrame, by: list[str]) -> None:
    table = issues.groupby(by)["severity"].value_counts().unstack(fill_value=0)
    for key, row in table.iterrows():
        label = " › ".join(key) if isinstance(key, tuple) else key
        say(f"  {label}: {row.get('error', 0)} errors, {row.get('warning', 0)} warnings")
