"""Coaching impact: read coaching logs, validate, compute impact, write summary tabs, email principals.

    python main.py run --once [--config PATH] [--week 2026-W47] [--dry-run]
    python main.py check [--config PATH]

Exit codes: 0 the job did its work (data issues found is still 0); 1 it could not; 2 usage or
config error.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from config.loader import load_config
from config.model import Config
from core.errors import ConfigError, JobError
from core.impact import compute_impact
from core.validate import Context, Validated, validate
from core.weeks import ReportWeek, WeekFormatError, last_full_week, parse_week
from reports import console
from reports.context import school_contexts
from reports.outbox import write_outbox
from reports.render import Email, render_all
from reports.tabs import summary_tables
from sync.sources import connect_google, output_target, read_sources

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


@dataclass
class RunResult:
    week: ReportWeek
    data: Validated
    tabs_written: list[str]
    emails: list[Email]
    delivered: int


def run_once(config: Config, week: ReportWeek, *, dry_run: bool, now: dt.datetime) -> RunResult:
    """The whole job, one step per line."""
    console.step("Reading sources")
    google = connect_google(config)
    tabs, problems = read_sources(config, google)
    console.step("Validating rows")
    data = validate(tabs, validation_context(config, now), config.aliases, problems)
    require_rosters(data)
    console.step(f"Computing impact for {week.label} and the school year to date")
    impact = compute_impact(data, config.settings, config.district.school_year, week)
    console.step("Rendering principal emails")
    emails = render_all(school_contexts(impact, data, config),
                        cc_coaches=config.delivery.cc_coaches)
    target = output_target(config, google)
    summary = summary_tables(config, impact, data, emails, now=now)
    if dry_run:
        console.dry_run(summary.tables, emails, target.describe(), config.path(config.delivery.outbox))
        return RunResult(week, data, [], emails, 0)
    console.step(f"Writing {len(summary.names)} summary tabs to {target.describe()}")
    target.write(summary.tables, summary.run_log_entry)
    console.step("Delivering emails to the outbox")
    sent = deliver(config, emails, week, now)
    return RunResult(week, data, summary.names, emails, sent)


def validation_context(config: Config, now: dt.datetime) -> Context:
    return Context(config.settings, config.district.school_year, today(config, now))


def today(config: Config, now: dt.datetime) -> dt.date:
    """The district's today (or the config's as_of, which pins it for the demo)."""
    return config.district.as_of or now.astimezone(config.district.zone).date()


def require_rosters(data: Validated) -> None:
    if data.schools.empty or data.coaches.empty:
        raise JobError("No usable rows on the Schools or Coaches tab, so nothing can be "
                       "reported and the previous summary tabs were left as they were. "
                       "Fix the problems listed above (see `python main.py check`).")


def deliver(config: Config, emails: list[Email], week: ReportWeek, now: dt.datetime) -> int:
    written = write_outbox(emails, config.path(config.delivery.outbox),
                           sender=config.delivery.sender, reply_to=config.delivery.reply_to,
                           week=week.label, now=now)
    return len(written)


def report_week(config: Config, week: str | None, now: dt.datetime) -> ReportWeek:
    return parse_week(week) if week else last_full_week(today(config, now))


# ---------------------------------------------------------------- commands


def cmd_run(args: argparse.Namespace, now: dt.datetime) -> int:
    config = load_config(args.config)
    week = report_week(config, args.week, now)
    console.banner(config, week, dry_run=args.dry_run)
    result = run_once(config, week, dry_run=args.dry_run, now=now)
    console.run_summary(result.data, result.tabs_written, result.emails, result.delivered,
                        output=config.path(config.output.location),
                        outbox=config.path(config.delivery.outbox) / week.label,
                        dry_run=args.dry_run)
    return EXIT_OK


def cmd_check(args: argparse.Namespace, now: dt.datetime) -> int:
    config = load_config(args.config)
    console.step(f"Config {args.config or 'config/district.yaml'} is valid")
    tabs, problems = read_sources(config)
    data = validate(tabs, validation_context(config, now), config.aliases, problems)
    console.check_summary(config, data)
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="main.py", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the job: validate, compute, write tabs, send emails")
    run.add_argument("--once", action="store_true", required=True,
                     help="run one full job now and exit")
    run.add_argument("--config", help="config file (default: config/district.yaml, the demo)")
    run.add_argument("--week", help="report week as an ISO week, e.g. 2026-W47 "
                     "(default: the last full week in the district's time zone)")
    run.add_argument("--dry-run", action="store_true",
                     help="read, validate, compute and render; write and send nothing")
    run.set_defaults(func=cmd_run)
    check = sub.add_parser("check", help="validate the config and every source; write nothing")
    check.add_argument("--config", help="config file (default: config/district.yaml)")
    check.set_defaults(func=cmd_check)
    return p


def main(argv: Sequence[str] | None = None, now: dt.datetime | None = None) -> int:
    args = parser().parse_args(argv)
    now = now or dt.datetime.now(dt.timezone.utc)
    try:
        return args.func(args, now)
    except (ConfigError, WeekFormatError) as exc:
        console.error(f"Configuration problem: {exc}")
        return EXIT_USAGE
    except JobError as exc:
        console.error(f"The run could not finish: {exc}")
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
