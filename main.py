"""Coaching impact: read coaching logs, validate, compute impact, write summary tabs, email
principals.

    python main.py run --once [--config PATH] [--week 2026-W47] [--dry-run] [--full]
    python main.py check [--config PATH]
    python main.py send --week 2026-W47 [--school NAME] [--resend] [--config PATH]
    python main.py schedule [--config PATH]
    python main.py status [--config PATH]
    python main.py init --from WORKBOOK_OR_URL... [--config PATH] [--force]
    python main.py template --to FOLDER_OR_DRIVE_FOLDER_URL [--force]
    (every command also takes --verbose or --quiet)

Exit codes: 0 the job did its work (data issues found is still 0); 1 it could not; 2 usage or
config error; 3 another run holds the lock, so this one did nothing; 4 stopped by SIGTERM or
Ctrl-C before the run finished (nothing half-written); 5 it ran, but emails were held because a
source could not be used (see `python main.py check`).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path

from cli import console
from config.loader import load_config
from config.model import SIS_TABS, Config, Google, drive_folder, looks_like_google
from config.writer import Origin, render_config
from core.errors import ConfigError, DeliveryError, JobError
from core.failures import (
    Baseline,
    Failures,
    affected_schools,
    full_text,
    quiet_schools,
    schools_named,
    tab_failures,
)
from core.impact import Impact, compute_impact
from core.schema import TabKind
from core.setup import mapping_table, propose
from core.sources import FailureKind, RawTab, SourceProblem
from core.summary import Table
from core.validate import Context, Validated, validate
from core.weeks import ReportWeek, WeekFormatError, last_full_week, parse_week
from core.words import counted
from delivery.ledger import Entry, held_keys, ledger_view, loose_ends
from delivery.oauth import SetupMissing
from delivery.report import DeliveryReport
from delivery.sender import check_credentials, hold_outbox, preflight, send_emails
from delivery.smtp import ServerRefused
from reports.alert import Held, coach_schools, held_emails, render_alert
from reports.coach import coach_contexts
from reports.context import district_context, school_contexts
from reports.export import export_figures
from reports.incomplete import mark_incomplete
from reports.late import mark_late
from reports.outbox import write_outbox
from reports.progress import progress
from reports.render import (
    Email,
    render_all,
    render_coaches,
    render_district,
    unique_keys,
)
from reports.tabs import summary_tables
from scheduler.baseline import load_baseline, record_baseline
from scheduler.clock import Clock, utc_now
from scheduler.history import RunKind
from scheduler.lock import Locked
from scheduler.runner import Runner, Service, Sleep
from scheduler.status import status_report
from scheduler.stop import StopCheck, StopFlag, Stopped, between_steps, never, pause_for
from sync.common import rows_held
from sync.google_api import GoogleConnection, connect
from sync.inspect import inspect_source
from sync.sources import connect_google, describe_output, output_target, read_sources, write_output
from sync.template import write_templates
from sync.template_google import folder_url, write_google_templates

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED, EXIT_STOPPED, EXIT_HELD = 0, 1, 2, 3, 4, 5


@dataclass
class Read:
    """What the sources gave this run, and what could not be used."""

    tabs: list[RawTab]
    failures: Failures
    named: dict[str, frozenset[str]]
    quiet: list[str] = field(default_factory=list)


@dataclass
class RunResult:
    week: ReportWeek
    data: Validated
    tabs_written: list[str]
    emails: list[Email]
    delivered: int
    delivery: DeliveryReport | None = None
    failures: Failures = field(default_factory=lambda: Failures([], {}))
    late: list[DeliveryReport] = field(default_factory=list)

    @property
    def delivered_as(self) -> str:
        """How the log words `delivered`: an outbox is not a delivery to anyone yet."""
        method = self.delivery.method if self.delivery else ""
        return "written to the outbox" if method == "outbox" else "delivered"


def run_once(config: Config, week: ReportWeek, *, dry_run: bool, now: dt.datetime,
             send: bool = True, should_stop: StopCheck = never,
             accept_row_counts: bool = False, full: bool = False) -> RunResult:
    """The whole job, one step per line. A refresh (send=False) writes the tabs and sends
    nothing but emails held earlier whose sources are usable again. A stop asked for during a
    step ends the run before the next one. `full` reads every Google source even if Drive says
    it is unchanged."""
    google = connect_google(config, sleep=pause_for(should_stop))
    data, impact, read = compute_week(config, week, now, google, should_stop,
                                      accept_row_counts=accept_row_counts, full=full)
    between_steps(should_stop)
    console.step("Rendering emails")
    emails = render_emails(config, impact, data)
    held = held_emails(emails, read.failures, coach_schools(data, impact))
    alerts = alert_emails(config, week, read, emails, held, now)
    target = output_target(config, google)
    going = [e for e in emails if e.key not in held] if send else []
    summary = mark_incomplete(summary_tables(config, impact, data, going, now=now),
                              read.failures, read.quiet)
    emails += alerts
    if dry_run:
        console.dry_run(summary.tables, emails, target.describe(), delivery_target(config, week),
                        ledger_view(config, week.label),
                        len(summary.dashboard.charts) if summary.dashboard else 0, held)
        return RunResult(week, data, [], emails, 0, failures=read.failures)
    between_steps(should_stop)
    console.step(f"Writing {len(summary.names)} summary tabs to {target.describe()}")
    write_output(target, google, summary.tables, summary.run_log_entry, summary.dashboard)
    export(config, week, summary.tables, read.failures)
    record_baseline(config.path(config.state), read.tabs, read.failures.problems, read.named,
                    now, accept=accept_row_counts)
    delivered = None
    due = emails if send else refresh_alerts(config, alerts, read.failures)
    if due:
        between_steps(should_stop)
        console.step(f"Delivering emails via {delivery_target(config, week)}")
        delivered = deliver(config, due, week, now, held=held, should_stop=should_stop)
        require_delivered(delivered, should_stop)
    late = send_held(config, data, read.failures, week, now, should_stop, including=not send)
    return RunResult(week, data, summary.names, emails, sum(r.count for r in late) + (
        delivered.count if delivered else 0), delivered, read.failures, late)


def send_week(config: Config, week: ReportWeek, *, now: dt.datetime, school: str | None,
              resend: bool, should_stop: StopCheck = never) -> RunResult:
    """`send`: one week's emails (all, or one school's) from freshly computed figures; no tabs
    are written. With `resend`, sent even if the ledger says they were. Emails of schools whose
    sources cannot be used are held, as in a run."""
    data, impact, read = compute_week(config, week, now,
                                      connect_google(config, sleep=pause_for(should_stop)),
                                      should_stop)
    emails = for_school(render_emails(config, impact, data), school)
    held = held_emails(emails, read.failures, coach_schools(data, impact))
    between_steps(should_stop)
    console.step(f"Delivering {counted(len(emails), 'email')} via {delivery_target(config, week)}")
    delivered = deliver(config, emails, week, now, resend=resend, held=held,
                        should_stop=should_stop)
    require_delivered(delivered, should_stop)
    return RunResult(week, data, [], emails, delivered.count, delivered, read.failures)


def compute_week(config: Config, week: ReportWeek, now: dt.datetime,
                 google: GoogleConnection | None, should_stop: StopCheck, *,
                 accept_row_counts: bool = False, full: bool = False
                 ) -> tuple[Validated, Impact, Read]:
    """Read every source, find the ones that cannot be used, validate, compute the week's and
    the year's figures."""
    tabs, problems = read_all(config, google, should_stop, full=full)
    with rows_held():
        data, read = validate_sources(config, week, now, tabs, problems,
                                      accept_row_counts=accept_row_counts)
        require_rosters(data, read.failures)
        between_steps(should_stop)
        console.step(f"Computing impact for {week.label} and the school year to date")
        return data, compute_impact(data, config.settings, config.district.school_year, week), read


def export(config: Config, week: ReportWeek, tables: Sequence[Table], failures: Failures
           ) -> None:
    """The figures for a warehouse (output.export); never while a source could not be used,
    so a warehouse never holds a figure computed without its data."""
    if not config.output.export:
        return
    if failures:
        console.warning(f"Figures not exported to {config.path(config.output.export)}: a source "
                     "could not be used (see above). The next run that reads every source "
                     "exports them.")
        return
    console.step(f"Exporting figures to {config.path(config.output.export)}")
    export_figures(config.path(config.output.export), week.label, tables)


def read_all(config: Config, google: GoogleConnection | None, should_stop: StopCheck, *,
             full: bool = False) -> tuple[list[RawTab], list[SourceProblem]]:
    console.step("Reading sources")
    with progress("Sources read", len(config.sources)) as shown:
        found = read_sources(config, google, full=full, done=shown.advance)
    between_steps(should_stop)
    return found


def validate_sources(config: Config, week: ReportWeek, now: dt.datetime, tabs: list[RawTab],
                     problems: list[SourceProblem], *, accept_row_counts: bool = False
                     ) -> tuple[Validated, Read]:
    """Every row checked; the source failures found (the readers' and the tabs that cannot be
    trusted) and judged."""
    baseline = load_baseline(config.path(config.state))
    if accept_row_counts:
        baseline = Baseline({}, baseline.schools)
    found = tab_failures(tabs, config.aliases, baseline, config.settings.max_row_drop_pct)
    console.step(f"Validating {sum(len(t.rows) for t in tabs):,} rows")
    data = validate(tabs, validation_context(config, now), config.aliases,
                    problems + [f for f in found if f.kind is not FailureKind.MISSING_COLUMN])
    return data, judge(config, tabs, problems + found, baseline, data, week)


def judge(config: Config, tabs: list[RawTab], problems: list[SourceProblem], baseline: Baseline,
          data: Validated, week: ReportWeek) -> Read:
    """Which schools each failure touches (logged at ERROR, each in full), and which schools
    went quiet this week."""
    named = schools_named(tabs, config.aliases)
    known = {**named, **{s: baseline.schools[s] for s in {p.source for p in problems}
                         if s in baseline.schools}}
    schools = data.schools["school"].tolist()
    failures = affected_schools(problems, {s.name: s.school for s in config.sources}, known,
                                schools)
    for p in problems:
        console.error(full_text(p))
    quiet = [s for s in quiet_schools(data.logs, schools, week) if s not in failures.affected]
    for school in quiet:
        console.warning(f"No coaching logged this week at {school} — is the form still linked?")
    return Read(tabs, failures, named, quiet)


def render_emails(config: Config, impact: Impact, data: Validated) -> list[Email]:
    """Each principal's email; the district summary for district staff and each coach's weekly
    note, if asked for."""
    emails = render_all(school_contexts(impact, data, config),
                        cc_coaches=config.delivery.cc_coaches)
    if config.delivery.district_summary:
        emails += render_district(district_context(impact, data, config), config.district_staff)
    if config.delivery.coach_digest:
        emails += render_coaches(coach_contexts(impact, data, config))
    return unique_keys(emails)


def for_school(emails: list[Email], school: str | None) -> list[Email]:
    if school is None:
        return emails
    chosen = [e for e in emails if e.school.casefold() == school.strip().casefold()]
    if not chosen:
        raise ConfigError(f"--school: no school is named '{school}'. Use one of: "
                          + ", ".join(f'"{s}"' for s in dict.fromkeys(e.school for e in emails)))
    return chosen


def validation_context(config: Config, now: dt.datetime) -> Context:
    return Context(config.settings, config.district.school_year, today(config, now),
                   config.terms())


def today(config: Config, now: dt.datetime) -> dt.date:
    """The district's today (or the config's as_of, which pins it for the demo)."""
    return config.district.as_of or now.astimezone(config.district.zone).date()


def refresh_alerts(config: Config, alerts: list[Email], failures: Failures) -> list[Email]:
    """A refresh sends no reports, but a source failure it meets is told to district staff at
    once (by mail: in outbox mode the week's folder is the weekly run's)."""
    return alerts if failures and config.delivery.method != "outbox" else []


def alert_emails(config: Config, week: ReportWeek, read: Read, emails: list[Email],
                 held: dict[str, str], now: dt.datetime) -> list[Email]:
    """District staff's alert, when a source failed or a school went quiet."""
    lines = [Held(e.school, e.to, held[e.key]) for e in emails if e.to and e.key in held]
    return render_alert(config, week, read.failures, lines, read.quiet, now)


def require_rosters(data: Validated, failures: Failures) -> None:
    if not (data.schools.empty or data.coaches.empty):
        return
    rosters = [full_text(p) for p in failures.problems
               if p.tab_kind in (None, TabKind.SCHOOLS, TabKind.COACHES)]
    why = (" Because: " + " ".join(rosters)) if rosters else (
        " `python main.py check` lists every row of those tabs with its problem and fix.")
    raise JobError("No usable rows on the Schools or Coaches tab, so nothing can be reported, "
                   "no email was sent and the previous summary tabs were left as they were."
                   + why)


def deliver(config: Config, emails: list[Email], week: ReportWeek, now: dt.datetime, *,
            resend: bool = False, held: dict[str, str] | None = None,
            should_stop: StopCheck = never) -> DeliveryReport:
    """To the outbox folder, or over SMTP or the Gmail API, where the ledger sends each email
    once. `held` (school → why) are not delivered, and recorded as held."""
    if config.delivery.method in ("smtp", "gmail"):
        return send_emails(config, emails, week.label, now, resend=resend, environ=os.environ,
                           sleep=pause_for(should_stop), should_stop=should_stop, held=held)
    report = DeliveryReport("outbox", delivery_target(config, week), week.label)
    emails = hold_outbox(config, emails, week.label, held or {}, report)
    written = write_outbox(emails, config.path(config.delivery.outbox),
                           sender=config.delivery.sender, reply_to=config.delivery.reply_to,
                           week=week.label, now=now)
    report.written = len(written)
    return report


def send_held(config: Config, data: Validated, failures: Failures, week: ReportWeek,
              now: dt.datetime, should_stop: StopCheck, *, including: bool) -> list[DeliveryReport]:
    """Emails held by earlier runs whose sources are usable now: each held week's figures
    computed again and sent, once, those of a week before `week` with a line saying they are
    late (`including`: the held emails of `week` itself too, for a refresh)."""
    waiting = [k for k in held_keys(config.path(config.state))
               if k.week < week.label or (including and k.week == week.label)]
    reports = []
    for label in sorted({k.week for k in waiting}):
        held_then = {(k.school, k.recipient) for k in waiting if k.week == label}
        then = parse_week(label)
        impact = compute_impact(data, config.settings, config.district.school_year, then)
        emails = [e for e in render_emails(config, impact, data)
                  if (e.school, (e.to or "").lower()) in held_then]
        still = held_emails(emails, failures, coach_schools(data, impact))
        emails = [e for e in emails if e.key not in still]  # a source of theirs still fails
        if not emails:
            continue
        if label < week.label:
            emails = [mark_late(e, then, now) for e in emails]
        between_steps(should_stop)
        console.step(f"Sending {counted(len(emails), 'email')} held for {label}, now that their "
                     "sources can be used")
        report = deliver(config, emails, then, now, should_stop=should_stop)
        require_delivered(report, should_stop)
        reports.append(report)
    return reports


def delivery_target(config: Config, week: ReportWeek) -> str:
    d = config.delivery
    if d.method == "smtp":
        return f"SMTP {d.host}:{d.smtp_port}"
    if d.method == "gmail":
        return f"Gmail API as {parseaddr(d.sender)[1]}"
    return str(config.path(d.outbox) / week.label)


def require_delivered(delivered: DeliveryReport, should_stop: StopCheck) -> None:
    """Exit 1 when emails wait (the server could not be used) or none tried could be sent; a
    stop asked for while sending ends the run as stopped. Either way, say which."""
    if not delivered.incomplete:
        return
    console.delivery_block(delivered)
    if delivered.waiting:
        between_steps(should_stop)
    error = ConfigError if delivered.setup_missing else DeliveryError  # a set-up step: exit 2
    raise error(
        f"sending stopped: {delivered.stopped} {counted(len(delivered.waiting), 'email')} "
         f"{'was' if len(delivered.waiting) == 1 else 'were'} not sent; once that is fixed, run "
         f"again and they go out (emails already sent are not "
         f"sent twice)." if delivered.waiting else
         f"none of the {counted(delivered.attempted, 'email')} tried could be delivered (see "
         "above).")


def earlier_loose_ends(config: Config, week: ReportWeek) -> list[Entry]:
    """Emails of other weeks the ledger holds as failed or unknown (SMTP or Gmail delivery)."""
    if config.delivery.method == "outbox":  # no ledger
        return []
    return loose_ends(config.path(config.state), besides=week.label)


def report_week(config: Config, week: str | None, now: dt.datetime) -> ReportWeek:
    return parse_week(week) if week else last_full_week(today(config, now))


def runner(config: Config, should_stop: StopCheck, *,
           accept_row_counts: bool = False, full: bool = False) -> Runner[RunResult]:
    """Runs the pipeline under the lock, recording each run in the state database."""
    def job(kind: RunKind, week: ReportWeek, now: dt.datetime, stop: StopCheck) -> RunResult:
        result = run_once(config, week, dry_run=False, now=now,
                          send=kind is not RunKind.REFRESH, should_stop=stop,
                          accept_row_counts=accept_row_counts, full=full)
        if kind is not RunKind.MANUAL:  # `run --once` shows them in its summary
            console.loose_ends_warning(earlier_loose_ends(config, week))
        return result
    return Runner(config.path(config.state), job, should_stop)


def service(config: Config, stop: StopCheck, *, clock: Clock, sleep: Sleep) -> Service:
    """The scheduler for `config.schedule`; the clock and the sleep are injected for tests."""
    return Service(runner(config, stop), config.schedule, config.district.zone,
                   lambda t: report_week(config, None, t), clock=clock, sleep=sleep,
                   should_stop=stop)


# ---------------------------------------------------------------- commands


def cmd_run(args: argparse.Namespace, now: dt.datetime) -> int:
    config = load_config(args.config)
    if not args.dry_run:
        preflight(config, os.environ)
    week = report_week(config, args.week, now)
    console.banner(config, week, dry_run=args.dry_run)
    if args.dry_run:  # writes nothing, so it takes no lock and leaves no record
        result = run_once(config, week, dry_run=True, now=now, full=args.full)
    else:
        with StopFlag().on_signals() as stop:
            result = runner(config, stop, accept_row_counts=args.accept_row_counts,
                            full=args.full).run(RunKind.MANUAL, week, now)
    console.run_summary(result.data, result.tabs_written, result.emails, result.delivery,
                        output=describe_output(config), dry_run=args.dry_run,
                        failures=result.failures, late=result.late)
    console.loose_ends(earlier_loose_ends(config, week))
    return EXIT_HELD if result.failures else EXIT_OK


def cmd_send(args: argparse.Namespace, now: dt.datetime) -> int:
    if args.resend and not args.school:
        raise ConfigError("--resend needs --school: a resend is for one school's email(s), "
                          "e.g. --school \"Lincoln Elementary\"")
    config = load_config(args.config)
    preflight(config, os.environ)
    week = report_week(config, args.week, now)
    console.banner(config, week, dry_run=False)

    def job(kind: RunKind, week: ReportWeek, now: dt.datetime, stop: StopCheck) -> RunResult:
        return send_week(config, week, now=now, school=args.school, resend=args.resend,
                         should_stop=stop)
    with StopFlag().on_signals() as stop:
        result = Runner(config.path(config.state), job, stop).run(RunKind.MANUAL, week, now)
    console.run_summary(result.data, [], result.emails, result.delivery,
                        output=describe_output(config), dry_run=False, failures=result.failures)
    console.loose_ends(earlier_loose_ends(config, week))
    return EXIT_HELD if result.failures else EXIT_OK


def cmd_check(args: argparse.Namespace, now: dt.datetime) -> int:
    config = load_config(args.config)
    console.step(f"Config {args.config or 'config/district.yaml'} is valid")
    week = report_week(config, None, now)
    tabs, problems = read_all(config, connect_google(config), never)
    with rows_held():
        data, read = validate_sources(config, week, now, tabs, problems)
    console.check_summary(config, data, read.failures, read.quiet, every=args.all)
    console.header_notes(data)
    check_email(config)
    rehearse(config, data, read.failures, week, now)
    return EXIT_FAILED if read.failures else EXIT_OK


def rehearse(config: Config, data: Validated, failures: Failures, week: ReportWeek,
             now: dt.datetime) -> None:
    """`check` runs the run's compute and render steps (writing and sending nothing), so
    whatever would make a run fail makes `check` fail first."""
    require_rosters(data, failures)
    try:
        impact = compute_impact(data, config.settings, config.district.school_year, week)
        emails = render_emails(config, impact, data)
        summary_tables(config, impact, data, emails, now=now)
    except Exception as exc:  # a bug, not a user's mistake: say so, with the trace in debug
        console.debug_trace(exc)
        raise JobError(f"computing or rendering {week.label} from these rows failed "
                       f"({type(exc).__name__}: {exc}), so a run would fail too. Please "
                       "report it with the output of `check --verbose`.") from exc


def check_email(config: Config) -> None:
    """The chosen delivery's credentials, tried without sending: a missing set-up step is a
    config error (exit 2) that names it."""
    try:
        checked = check_credentials(config, os.environ)
    except (SetupMissing, ServerRefused) as exc:
        raise ConfigError(f"delivery: {exc}") from None
    if checked:
        console.say(f"\nEmail: {checked}. Nothing was sent.")


CHECK_FAILED = "Check found that a run would fail: "
RUN_FAILED = "The run could not finish: "


def cmd_init(args: argparse.Namespace, now: dt.datetime) -> int:
    """A first config from the district's own sheets; `check` then runs on it (its exit code
    is init's), unless --no-check."""
    path = Path(args.config or "config/district.yaml")
    if path.exists() and not args.force:
        raise ConfigError(f"--config: {path} already exists and was left as it is. Give another "
                          "path with --config, or add --force to overwrite it.")
    origins, sheets, calendars = [], [], []
    for location in args.sources:
        found = inspect_source(location)
        origins.append(Origin(found.name, location, found.backend))
        sheets += found.sheets
        calendars += found.calendars
    proposal = propose(sheets, calendars)
    if args.school_year:
        proposal.year, proposal.year_from = school_year_flag(args.school_year), "--school-year"
    text = render_config(proposal, origins, path, now.date())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    for line in mapping_table(proposal, sis_lines(origins)):
        console.say(line)
    if args.no_check:
        console.say(f"Wrote {path}. Confirm each '# check:' in it, then run: "
                    f"python main.py check --config {path}")
        return EXIT_OK
    console.say(f"Wrote {path}. Running check on it:")
    try:
        code = cmd_check(argparse.Namespace(config=str(path), all=False), now)
    except JobError as exc:
        console.error(f"{CHECK_FAILED}{exc}")
        code = EXIT_FAILED
    console.say(f"\n{path}: confirm each '# check:' in it" + (
        ", fix what check found above, then run check again: " if code else
        "; check passes on it. After any edit, run: ") + f"python main.py check --config {path}")
    return code


def cmd_template(args: argparse.Namespace, now: dt.datetime) -> int:
    """Blank source workbooks for a district starting from nothing: .xlsx files in a local
    folder, or Google spreadsheets in a Drive folder."""
    if looks_like_google(args.to):
        return google_templates(args.to, force=args.force)
    try:
        paths = write_templates(Path(args.to), force=args.force)
    except FileExistsError as exc:
        raise ConfigError(f"--to: {exc} already exist(s) and were left as they are. Give "
                          "another folder, or add --force to overwrite them.") from None
    for path in paths:
        console.say(f"Wrote {path}")
    console.say("Share them, fill them in, then write a config for them with: python main.py "
                "init --from " + " ".join(str(p) for p in paths))
    return EXIT_OK


def google_templates(location: str, *, force: bool) -> int:
    """The templates as Google spreadsheets in a Drive folder, with the credentials `init`
    uses (GOOGLE_APPLICATION_CREDENTIALS), asking for the Drive scope besides."""
    folder = drive_folder(location)
    if folder is None:
        raise ConfigError(f"--to: '{location}' is not a Google Drive folder's address. Open "
                          "the folder in Google Drive and copy the address "
                          "(https://drive.google.com/drive/folders/...), or give gdrive:<folder "
                          "ID>, or a local folder's path.")
    made = write_google_templates(connect(Google(), creator=True), folder, force=force)
    for m in made:
        console.say(f"Created {m.title} in {folder_url(folder)}: {m.url}")
        for old in m.replaced:
            console.say(f"  the earlier {m.title} ({old}) is in the Drive trash; restore it "
                        "from there within 30 days if it was wanted")
        for old in m.kept:
            console.warning(f"The earlier {m.title} could not be moved to the trash and is "
                            f"still in the folder: {old}")
    console.say("Share them, fill them in, then write a config for them with: python main.py "
                "init --from " + " ".join(m.url for m in made))
    return EXIT_OK


def sis_lines(origins: list[Origin]) -> list[str]:
    return [f"{o.name} › {SIS_TABS[o.backend]}  →  teachers ({o.backend.value} roster export)"
            for o in origins if o.backend in SIS_TABS]


def school_year_flag(text: str) -> tuple[dt.date, dt.date]:
    try:
        start, end = (dt.date.fromisoformat(part.strip()) for part in text.split(":"))
    except ValueError:
        raise ConfigError(f"--school-year: '{text}' is not two dates; write the first and the "
                          "last day of school, e.g. 2026-08-17:2027-06-04") from None
    if end <= start:
        raise ConfigError(f"--school-year: the end ({end}) must be after the start ({start})")
    return start, end


def cmd_schedule(args: argparse.Namespace, now: dt.datetime) -> int:
    config = load_config(args.config)
    with StopFlag().on_signals() as stop:
        console.step(f"Scheduler started for {config.district.name} "
                     f"(times in {config.district.time_zone}); stop it with SIGTERM or Ctrl-C")
        service(config, stop, clock=utc_now, sleep=stop.wait).serve()
    return EXIT_OK


def cmd_status(args: argparse.Namespace, now: dt.datetime) -> int:
    config = load_config(args.config)
    for line in status_report(config, now, lambda t: report_week(config, None, t)):
        console.say(line)
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    first_paragraph = " ".join(__doc__.split("\n\n")[0].split())
    p = argparse.ArgumentParser(prog="main.py", description=first_paragraph)
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", parents=[log_flags()],
                         help="run the job: validate, compute, write tabs, send emails")
    run.add_argument("--once", action="store_true", required=True,
                     help="run one full job now and exit")
    run.add_argument("--config", help="config file (default: config/district.yaml, the demo)")
    add_week_flag(run)
    run.add_argument("--dry-run", action="store_true",
                     help="read, validate, compute and render; write and send nothing")
    run.add_argument("--full", action="store_true",
                     help="read every Google source from Google, even those Drive says are "
                     "unchanged since the last read (kept in a local copy)")
    run.add_argument("--accept-row-counts", action="store_true",
                     help="take the rows each tab has now as its new count, after rows were "
                     "removed on purpose (otherwise a tab that lost most of its rows holds the "
                     "emails that depend on it)")
    run.set_defaults(func=cmd_run)
    send = sub.add_parser("send", parents=[log_flags()],
                          help="send one week's emails again from fresh figures (no tabs "
                          "written): those the ledger has not sent, or with --resend one "
                          "school's even if it has")
    send.add_argument("--config", help="config file (default: config/district.yaml)")
    add_week_flag(send)
    send.add_argument("--school", help='only this school\'s email(s), e.g. "Lincoln '
                      'Elementary" ("District summary" for the district staff\'s)')
    send.add_argument("--resend", action="store_true",
                      help="send even if the ledger says sent or unknown (needs --school)")
    send.set_defaults(func=cmd_send)
    check = sub.add_parser("check", parents=[log_flags()],
                           help="validate the config and every source; write nothing")
    check.add_argument("--config", help="config file (default: config/district.yaml)")
    check.add_argument("--all", action="store_true",
                       help="list every data issue (by default the first 20 of each group)")
    check.set_defaults(func=cmd_check)
    schedule = sub.add_parser("schedule", parents=[log_flags()],
                              help="keep running: refresh the tabs and send the weekly emails "
                              "at the times under schedule: in the config")
    schedule.add_argument("--config", help="config file (default: config/district.yaml)")
    schedule.set_defaults(func=cmd_schedule)
    status = sub.add_parser("status", parents=[log_flags()],
                            help="the last runs and their outcomes, the next scheduled runs "
                            "and emails not sent")
    status.add_argument("--config", help="config file (default: config/district.yaml)")
    status.set_defaults(func=cmd_status)
    init = sub.add_parser("init", parents=[log_flags()],
                          help="write a first config from the district's own sheets: which "
                          "tab and column is which, labels, level scores, school year")
    init.add_argument("--from", dest="sources", nargs="+", required=True,
                      metavar="WORKBOOK_OR_URL", help="each source: an .xlsx path or a Google "
                      "spreadsheet URL")
    init.add_argument("--config", help="where to write it (default: config/district.yaml)")
    init.add_argument("--school-year", metavar="START:END", help="first and last day of school, "
                      "e.g. 2026-08-17:2027-06-04 (default: guessed from the dates found)")
    init.add_argument("--force", action="store_true", help="overwrite an existing config")
    init.add_argument("--no-check", action="store_true", help="write the config only, without "
                      "running check on it")
    init.set_defaults(func=cmd_init)
    template = sub.add_parser("template", parents=[log_flags()],
                              help="write blank source workbooks (headers, dropdowns, a locked "
                              "header row, instructions) for a district starting from nothing")
    template.add_argument("--to", required=True, metavar="FOLDER", help="the folder to write "
                          "them to: a local folder (.xlsx workbooks), or a Google Drive "
                          "folder's address or gdrive:<folder ID> (Google spreadsheets)")
    template.add_argument("--force", action="store_true", help="overwrite existing files (in "
                          "Drive: make new ones and move the earlier ones to the trash)")
    template.set_defaults(func=cmd_template)
    return p


def add_week_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--week", help="report week as an ISO week, e.g. 2026-W47 "
                        "(default: the last full week in the district's time zone)")


def log_flags() -> argparse.ArgumentParser:
    """The log goes to stderr with time and level; results (summaries) go to stdout."""
    flags = argparse.ArgumentParser(add_help=False)
    loud = flags.add_mutually_exclusive_group()
    loud.add_argument("-v", "--verbose", action="store_true", help="log details too (debug)")
    loud.add_argument("-q", "--quiet", action="store_true",
                      help="log only warnings and errors (results still go to stdout)")
    return flags


def main(argv: Sequence[str] | None = None, now: dt.datetime | None = None) -> int:
    args = parser().parse_args(argv)
    console.setup_logging(verbose=args.verbose, quiet=args.quiet)
    now = now or utc_now()
    try:
        return args.func(args, now)
    except (ConfigError, WeekFormatError) as exc:
        console.error(f"Configuration problem: {exc}")
        return EXIT_USAGE
    except Locked as exc:
        console.error(f"Another run is in progress ({exc}), so this one did nothing. Runs "
                      "never overlap; see `python main.py status`.")
        return EXIT_LOCKED
    except (Stopped, KeyboardInterrupt):
        console.error("Stopped before the run finished, between two steps: every file is "
                      "as it was or wholly rewritten, nothing half-written. Run it again to "
                      "finish.")
        return EXIT_STOPPED
    except JobError as exc:
        console.error(f"{CHECK_FAILED if args.func is cmd_check else RUN_FAILED}{exc}")
        return EXIT_FAILED
    except Exception as exc:  # a bug: one plain line here, the traceback in the state file
        console.debug_trace(exc)
        console.error(f"The run failed unexpectedly ({type(exc).__name__}: {exc}). This is a "
                      "fault in the job, not in your sheets: please report it with the "
                      "traceback, kept in the state file (or shown by --verbose).")
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
