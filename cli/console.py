"""What the terminal shows: progress per step and a one-screen summary at the end.

Two streams, one rule: the log (progress, warnings, errors) goes to stderr with time and level,
through `logging`; results a person asked for (the run summary, the check, status) go to stdout.
--verbose adds debug lines to the log, --quiet keeps only warnings and errors; neither changes
stdout, so `run --once --quiet >/dev/null` under cron prints only trouble.
"""
from __future__ import annotations

import logging
import sys
from collections.abc import Mapping

import pandas as pd

from config.model import Config
from core.issues import KIND_LABELS
from core.schema import Severity
from core.summary import Table
from core.validate import Validated
from core.weeks import ReportWeek
from delivery.report import DeliveryReport
from reports.render import Email

log = logging.getLogger("coaching_impact")


class _LogHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The job's own stderr handler (so setting up again replaces it rather than adding one)."""


def setup_logging(*, verbose: bool = False, quiet: bool = False) -> None:
    for handler in [h for h in log.handlers if isinstance(h, _LogHandler)]:
        log.removeHandler(handler)
    handler = _LogHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(message)s",
                                           "%Y-%m-%d %H:%M:%S"))
    log.addHandler(handler)
    log.setLevel(logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO)


def say(text: str = "") -> None:
    print(text, flush=True)


def step(text: str) -> None:
    log.info(text)


def error(text: str) -> None:
    log.error(text)


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


def run_summary(data: Validated, tabs: list[str], emails: list[Email],
                delivery: DeliveryReport | None, *, output: str, dry_run: bool) -> None:
    say()
    say("Run summary")
    rows_block(data)
    if not dry_run and tabs:
        say(f"  tabs written:  {', '.join(tabs)}")
        say(f"                 in {output}")
    if not dry_run and delivery:
        delivery_block(delivery)
    unsent = [e.school for e in emails if not e.to]
    if unsent:
        say(f"  no email for:  {', '.join(unsent)} (no valid principal email on the Schools tab)")
    if len(data.issues):
        say("  data issues:   see the Data Issues tab; each row says where and how to fix it")


def delivery_block(report: DeliveryReport) -> None:
    """What was sent, and each email that needs a person: failed, refused, unknown, waiting."""
    if report.method == "outbox":
        say(f"  emails:        {report.written} written to {report.where} "
            f"(open index.html to preview)")
        return
    counts = [(len(report.sent), "sent"), (len(report.already_sent), "already sent"),
              (len(report.failed), "failed"), (len(report.unknown), "unknown"),
              (len(report.refused), "refused"), (len(report.waiting), "not sent yet")]
    say(f"  emails:        {', '.join(f'{n} {what}' for n, what in counts if n) or 'none'} "
        f"({'SMTP ' if report.method == 'smtp' else ''}{report.where})")
    for line in report.failed:
        say(f"  failed:        {line.school} <{line.recipient}>: {line.detail}")
    for line in report.refused:
        say(f"  refused:       {line.school}: the server refused {line.recipient} "
            f"({line.detail}); the other recipients got the email")
    for line in report.unknown:
        say(f"  unknown:       {line.school} <{line.recipient}>: {line.detail}")
    if report.unknown:
        say("                 It may or may not have arrived, so it is not sent again by "
            "itself. Ask the recipient")
        say("                 (or look in the mail server's log); if it did not arrive, send it "
            "again with:")
        for school in dict.fromkeys(line.school for line in report.unknown):
            say(f'                 python main.py send --week {report.week} --school "{school}" '
                f"--resend")
    if report.waiting:
        say(f"  not sent yet:  {len(report.waiting)}, because sending stopped: {report.stopped}")
        say(f"                 Run again (python main.py run --once --week {report.week}) to "
            f"send them; nothing already sent is sent twice.")


def dry_run(tables: list[Table], emails: list[Email], output: str, via: str,
            ledger: Mapping[tuple[str, str], str] | None = None, charts: int = 0) -> None:
    """`ledger`: (school, recipient) → status, for emails an SMTP run would skip."""
    say()
    say("Dry run: nothing was written or sent. A real run would:")
    if charts:
        say(f"  draw tab 'Dashboard' ({charts} charts from the tabs below) in {output}")
    for t in tables:
        say(f"  write tab '{t.name}' ({len(t.rows)} rows) to {output}")
    say(f"  add this run's row to tab 'Run Log' in {output}")
    for e in emails:
        where = f"to {e.to}" if e.to else "to nobody (no principal email)"
        status = (ledger or {}).get((e.school, (e.to or "").lower()))
        skip = f" (skip: the ledger says {status})" if status in ("sent", "unknown") else ""
        say(f"  deliver '{e.subject}' {where} via {via}{skip}")


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
