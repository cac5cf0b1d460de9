"""The district staff's alert: one email per run to each staff member, listing every source that
could not be used (with its fix), every email held because of it, and every school that went
quiet this week. Sent only when there is something to say."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from config.model import Config
from core.failures import EVERY_SCHOOL, Failures, full_text, quiet_message, where
from core.weeks import ReportWeek
from reports.render import _INLINER, COACH_DIGEST, DISTRICT_SUMMARY, Email, environment, slug

ALERT = "Source alert"
"""The `school` of alert emails in the ledger starts with this (one alert per run)."""


@dataclass(frozen=True)
class Held:
    school: str
    recipient: str
    reason: str


def held_emails(emails: list[Email], failures: Failures) -> dict[str, str]:
    """School → why its email is held. The district summary holds when any source failed: its
    totals include every school; so do the coaches' notes (a coach's rows may be in any
    source, and a missing one must not read as nothing logged)."""
    held = {e.school: failures.reason(e.school) for e in emails
            if e.school in failures.affected}
    for summary in (DISTRICT_SUMMARY, COACH_DIGEST):  # coaches' notes: their rows, any source
        if failures and any(e.school == summary for e in emails):
            held[summary] = "; ".join(f"{where(p)} could not be used ({p.kind.value})"
                                      for p in failures.problems)
    return held


def render_alert(config: Config, week: ReportWeek, failures: Failures, held: list[Held],
                 quiet: list[str], now: dt.datetime) -> list[Email]:
    if not (failures or quiet) or not config.district_staff:
        return []
    run_at = now.astimezone(config.district.zone).strftime("%Y-%m-%d %H:%M %Z")
    n = len(failures.problems)
    headline = (f"{n} source{'s' if n != 1 else ''} could not be used; {len(held)} "
                f"email{'s' if len(held) != 1 else ''} held" if failures else
                "no coaching logged this week at " + ", ".join(quiet))
    values = {"district": config.district.name, "headline": headline, "run_at": run_at,
              "week_label": week.label, "week_title": week.title,
              "failures": [{"where": where(p), "kind": p.kind.value, "message": p.message,
                            "schools": affects(failures, p), "full": full_text(p)}
                           for p in failures.problems],
              "held": [h.__dict__ for h in held], "quiet": [quiet_message(s) for s in quiet]}
    env = environment()
    html = _INLINER.inline(env.get_template("source_alert.html").render(values))
    text = env.get_template("source_alert.txt").render(values)
    school = f"{ALERT} {now.astimezone(dt.UTC):%Y-%m-%dT%H:%M:%SZ}"
    return [Email(key=f"{slug(school)}-{slug(r.email)}", school=school, to=r.email,
                  to_name=r.name, cc=(), subject=f"{config.district.name}: {headline}",
                  html=html, text=text) for r in config.district_staff]


def affects(failures: Failures, problem: object) -> str:
    schools = [s for s, ps in failures.affected.items() if problem in ps]
    if not schools:
        return EVERY_SCHOOL
    return ", ".join(schools)
