"""`python main.py status`: the health trail on one screen — the last runs and their outcomes,
the next scheduled runs, and the emails that were not sent (from delivery's ledger)."""
from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from config.model import Config
from core.weeks import ReportWeek
from scheduler.clock import WEEKDAYS, Plan, Slot
from scheduler.history import History, Outcome, Run, RunKind, StateError, connect
from scheduler.lock import RunLock, lock_path
from scheduler.runner import retry_wait

WeekOf = Callable[[dt.datetime], ReportWeek]

NOT_SENT = ("held", "planned", "sending", "failed", "unknown")
"""Ledger statuses worth a person's look: held (a source it depends on could not be used),
pending (planned, sending), failed, or unknown (the server may or may not have taken it)."""
MAX_EMAIL_LINES = 20


def status_report(config: Config, now: dt.datetime, week_of: WeekOf,
                  limit: int = 10) -> list[str]:
    state = config.path(config.state)
    zone = config.district.zone
    lock = RunLock(lock_path(state))
    running = lock.is_held()
    lines = [f"{config.district.name} — status at {clock(now, zone)}",
             f"state file: {state}", *scheduler_line(History(state), zone), ""]
    lines += runs_block(History(state).recent(limit), zone, running, lock)
    lines += ["", *next_block(config.schedule, zone, now, week_of)]
    if config.district.as_of:
        lines.append(f"  (district.as_of pins today to {config.district.as_of}, so every run "
                     f"reports {week_of(now).label}; leave it out for a real district)")
    lines += retry_block(History(state), config.schedule, zone, now, week_of)
    lines += ["", *emails_block(state)]
    return lines


def clock(moment: dt.datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%a %Y-%m-%d %H:%M %Z")


def scheduler_line(history: History, zone: ZoneInfo) -> list[str]:
    last = history.last_scheduler_start()
    if last is None:
        return ["scheduler: never started with this state file"]
    started, pid = last
    return [f"scheduler: last started {clock(started, zone)}, pid {pid} "
            f"({'running' if alive(pid) else 'no longer running'})"]


def alive(pid: int) -> bool:
    """Whether a process with this id exists on this machine (the state file is local)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def runs_block(runs: list[Run], zone: ZoneInfo, running: bool, lock: RunLock) -> list[str]:
    if not runs:
        return ["Last runs: none recorded yet"]
    lines = [f"Last runs (newest first; times in {zone.key})",
             f"  {'#':>4}  {'kind':<8} {'week':<9} {'started':<17} {'took':>6}  "
             f"{'read':>5} {'valid':>5} {'flagged':>7} {'emails':>6}  outcome"]
    for i, run in enumerate(runs):
        lines.append(run_line(run, zone, running and i == 0))
        if run.error:
            lines.append(f"{'':8}{run.error}")
    if running:
        lines.append(f"  a run is in progress now ({lock.holder()})")
    return lines


def run_line(run: Run, zone: ZoneInfo, current: bool) -> str:
    started = run.started.astimezone(zone).strftime("%a %b %d %H:%M")
    took = f"{(run.finished - run.started).total_seconds():.0f}s" if run.finished else ""
    figures = "".join(f"{'' if v is None else v:>{w}} " for v, w in (
        (run.rows_read, 5), (run.rows_valid, 5), (run.rows_flagged, 7), (run.emails, 6)))
    return (f"  {run.id:>4}  {run.kind:<8} {run.week:<9} {started:<17} {took:>6}  {figures} "
            f"{outcome_text(run, current)}")


def outcome_text(run: Run, current: bool) -> str:
    if run.outcome != Outcome.RUNNING:
        return run.outcome
    return "running now" if current else "did not finish (its process ended without an outcome)"


def next_block(plan: Plan, zone: ZoneInfo, now: dt.datetime, week_of: WeekOf) -> list[str]:
    """When `python main.py schedule` would run next (whether or not it is running)."""
    weekly = Slot(dt.time.fromisoformat(plan.send_at), zone, WEEKDAYS.index(plan.send_day))
    upcoming = [(weekly.next_after(now), RunKind.WEEKLY)]
    upcoming += [(Slot(dt.time.fromisoformat(t), zone).next_after(now), RunKind.REFRESH)
                 for t in plan.refresh_at]
    lines = ["Next scheduled runs (by `python main.py schedule`)"]
    for when, kind in sorted(upcoming)[:4]:
        what = (f"tabs and emails for {week_of(when).label}" if kind is RunKind.WEEKLY
                else "summary tabs, no emails")
        lines.append(f"  {kind:<8} {clock(when, zone)}  ({what})")
    return lines


def retry_block(history: History, plan: Plan, zone: ZoneInfo, now: dt.datetime,
                week_of: WeekOf) -> list[str]:
    """The latest weekly run, if every attempt at it failed: when the scheduler tries again."""
    if not history.path.exists():
        return []
    slot = Slot(dt.time.fromisoformat(plan.send_at), zone,
                WEEKDAYS.index(plan.send_day)).last_at_or_before(now)
    week = week_of(slot).label
    count, last = history.failures(RunKind.WEEKLY, slot, week)
    if not count or last is None or history.settled_by(RunKind.WEEKLY, slot, week) is not None:
        return []
    again = last + dt.timedelta(seconds=retry_wait(count))
    return [f"  retry    {clock(max(again, now), zone)}  (the weekly run for {week} failed "
            f"{count} time(s); retried until it succeeds or the next week's run replaces it)"]


def emails_block(state: Path) -> list[str]:
    try:
        counts, rows = read_ledger(state)
    except StateError as exc:
        return [f"Emails: the ledger could not be read: {exc}"]
    if counts is None:
        return ["Emails: no email ledger yet"]
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "empty"
    lines = [f"Emails (ledger in the state file): {summary}"]
    if not rows:
        lines.append("  none pending, failed or unknown")
    for week, school, recipient, status, detail in rows[:MAX_EMAIL_LINES]:
        lines.append(f"  {status:<8} {week:<9} {school} <{recipient}>"
                     + (f": {detail}" if detail else ""))
    if len(rows) > MAX_EMAIL_LINES:
        lines.append(f"  … and {len(rows) - MAX_EMAIL_LINES} more")
    if any(row[3] == "held" for row in rows):
        lines.append("  held: not sent because a source it depends on could not be used. Fix "
                     "it (`python main.py check` shows how); the next run sends them, once.")
    return lines


def read_ledger(state: Path) -> tuple[dict[str, int] | None, list[tuple[str, ...]]]:
    """Counts per status and the emails not sent, newest week first; (None, []) without one."""
    if not state.exists():
        return None, []
    marks = ", ".join("?" * len(NOT_SENT))
    with connect(state) as db:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'emails'"
                          ).fetchone():
            return None, []
        try:
            columns = {row[1] for row in db.execute("PRAGMA table_info(emails)")}
            detail = "detail" if "detail" in columns else "''"
            counts = dict(db.execute("SELECT status, COUNT(*) FROM emails GROUP BY status"))
            rows = db.execute(f"SELECT week, school, recipient, status, {detail} FROM emails "
                              f"WHERE status IN ({marks}) ORDER BY week DESC, school, recipient",
                              NOT_SENT).fetchall()
        except sqlite3.Error as exc:
            raise StateError(f"its `emails` table has another shape than expected ({exc})") \
                from None
    return counts, rows
