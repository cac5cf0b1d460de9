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
from core.failures import EVERY_SCHOOL, Failures, full_text
from core.issues import KIND_LABELS
from core.schema import Severity
from core.summary import Table
from core.validate import Validated
from core.weeks import ReportWeek
from core.words import counted
from delivery.ledger import Entry, Status
from delivery.report import DeliveryReport
from reports.render import Email

log = logging.getLogger("coaching_impact")


class _LogHandler(logging.StreamHandler):  # type: ignore[type-arg,unused-ignore]
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


def warning(text: str) -> None:
    log.warning(text)


def debug_trace(exc: BaseException) -> None:
    """The traceback, for the maintainer, shown under --verbose."""
    log.debug("Traceback", exc_info=exc)


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
        f"({counted(errors, 'error')}: rows left out; {counted(warnings, 'warning')}: rows kept)")


def failures_block(failures: Failures) -> None:
    """Every source failure in full, and whose emails it holds: the first thing to read."""
    if not failures:
        return
    n = len(failures.problems)
    say(f"Sources that could not be used ({n}): the emails of the schools that depend on "
        f"{'it' if n == 1 else 'them'} are held until {'it is' if n == 1 else 'they are'} "
        "fixed")
    for p in failures.problems:
        schools = [s for s, ps in failures.affected.items() if p in ps]
        say(f"  {full_text(p)}")
        say(f"      affects: {', '.join(schools) if schools else EVERY_SCHOOL}")


def run_summary(data: Validated, tabs: list[str], emails: list[Email],
                delivery: DeliveryReport | None, *, output: str, dry_run: bool,
                failures: Failures | None = None,
                late: list[DeliveryReport] | None = None) -> None:
    say()
    if failures:
        failures_block(failures)
        say()
    say("Run summary")
    rows_block(data)
    if not dry_run and tabs:
        say(f"  tabs written:  {', '.join(tabs)}")
        say(f"                 in {output}")
    if not dry_run and delivery:
        delivery_block(delivery)
    for report in late or []:
        say(f"  held earlier, for {report.week}:")
        delivery_block(report)
    unsent = [e.school for e in emails if not e.to]
    if unsent:
        say(f"  no email for:  {', '.join(unsent)} (no valid principal email on the Schools tab)")
    if len(data.issues):
        say("  data issues:   " + ("`python main.py check` lists each one (a dry run writes no "
                                   "Data Issues tab)" if dry_run else
                                   "see the Data Issues tab; each row says where and how to fix "
                                   "it (or run `python main.py check`)"))


def delivery_block(report: DeliveryReport) -> None:
    """What was sent, and each email that needs a person: failed, refused, unknown, waiting."""
    if report.method == "outbox":
        say(f"  emails:        {report.written} written to the outbox {report.where} "
            f"(open index.html to preview)")
        held_lines(report)
        return
    counts = [(len(report.sent), "sent"), (len(report.already_sent), "already sent"),
              (len(report.failed), "failed"), (len(report.unknown), "unknown"),
              (len(report.refused), "refused"), (len(report.held), "held"),
              (len(report.waiting), "not sent yet")]
    say(f"  emails:        {', '.join(f'{n} {what}' for n, what in counts if n) or 'none'} "
        f"({'SMTP ' if report.method == 'smtp' else ''}{report.where})")
    held_lines(report)
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


def held_lines(report: DeliveryReport) -> None:
    for line in report.held:
        say(f"  held:          {line.school} <{line.recipient}>: {line.detail}")
    if report.held:
        say(f"                 Fix the sources above; the next run (or python main.py send "
            f"--week {report.week}) sends them, once.")
def loose_ends(entries: list[Entry]) -> None:
    """Emails of earlier weeks still failed or unknown, with the command that resolves each:
    in the summary and, as a warning, in the log (so also under --quiet and in cron's mail)."""
    if not entries:
        return
    say(f"  earlier weeks: {counted(len(entries), 'email')} still not delivered or not known to be")
    for e in entries:
        say(f"  {e.status.value + ':':<15}{e.key.week} {e.key.school} <{e.key.recipient}>"
            + (f": {e.detail}" if e.detail else ""))
    for command in resolving_commands(entries):
        say(f"                 {command}")
    loose_ends_warning(entries)


def loose_ends_warning(entries: list[Entry]) -> None:
    if not entries:
        return
    shown = "; ".join(f"{e.key.week} {e.key.school} <{e.key.recipient}> {e.status.value}"
                      for e in entries[:5]) + ("; …" if len(entries) > 5 else "")
    log.warning("%s from earlier weeks %s still failed or unknown (%s). To resolve: %s",
                counted(len(entries), "email"), "is" if len(entries) == 1 else "are", shown,
                " ; ".join(resolving_commands(entries)))


def resolving_commands(entries: list[Entry]) -> list[str]:
    """`send --week` retries a week's failed emails; an unknown one is resent only on purpose,
    once someone has made sure it did not arrive."""
    failed = dict.fromkeys(e.key.week for e in entries if e.status is Status.FAILED)
    unknown = dict.fromkeys((e.key.week, e.key.school) for e in entries
                            if e.status is Status.UNKNOWN)
    return ([f"python main.py send --week {w}" for w in failed]
            + [f'python main.py send --week {w} --school "{s}" --resend   (only if it did not '
               f"arrive: ask the recipient)" for w, s in unknown])


def dry_run(tables: list[Table], emails: list[Email], output: str, via: str,
            ledger: Mapping[tuple[str, str], str] | None = None, charts: int = 0,
            held: Mapping[str, str] | None = None) -> None:
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
        if e.school in (held or {}):
            skip = f" (held: {(held or {})[e.school]})"
        say(f"  deliver '{e.subject}' {where} via {via}{skip}")


MAX_PER_GROUP = 20


def check_summary(config: Config, data: Validated, failures: Failures, quiet: list[str], *,
                  every: bool = False) -> None:
    """Source failures in full first; then the row issues by source and coach, each with its
    message; then the counts. What any message pointing at `check` refers to is here."""
    say()
    if failures:
        failures_block(failures)
    else:
        say("Every source could be used.")
    for school in quiet:
        say(f"  warning: no coaching logged this week at {school} — is the form still linked?")
    rows = data.issues[data.issues["row"].notna()]
    say()
    if rows.empty:
        say("No data issues in the rows.")
    else:
        say(f"Data issues by source and coach ({counted(len(rows), 'issue')}; coaches fix their "
            "own rows)")
        issue_groups(rows, every)
    say()
    say("Rows per tab kind")
    rows_block(data)
    say()
    if failures:
        say("Fix the sources above first: until then the emails that depend on them are held.")
    elif rows.empty:
        say("Everything is ready for a run.")
    else:
        say("Run `python main.py run --once` to write them all to the Data Issues tab too.")


def issue_groups(rows: pd.DataFrame, every: bool) -> None:
    grouped = rows.assign(coach=rows["coach"].replace("", "(no coach)"))
    for (source, tab, coach), group in grouped.groupby(["source", "tab", "coach"], sort=False):
        errors = int((group["severity"] == Severity.ERROR.value).sum())
        say(f"  {source} › {tab} › {coach}: {counted(errors, 'error')}, "
            f"{counted(len(group) - errors, 'warning')}")
        shown = group if every else group.head(MAX_PER_GROUP)
        for issue in shown.itertuples(index=False):
            value = f" '{issue.value}'" if issue.value else ""
            say(f"    row {issue.row}, {issue.column}{value}: {issue.severity}: "
                f"{issue.message}")
        if len(group) > len(shown):
            say(f"    … and {len(group) - len(shown)} more (`python main.py check --all` "
                "lists every one)")


def header_notes(data: Validated) -> None:
    """How `check` read headers that were not an alias as written, so a wrong guess is seen."""
    if data.header_notes:
        say("\nRead by meaning (an alias or a vocabulary: entry in the config overrides it)")
        for note in data.header_notes:
            say(f"  {note}")
