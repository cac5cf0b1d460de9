"""The district staff's alert: one email per run to each staff member, listing every source that
could not be used (with its fix), every email held because of it, and every school that went
quiet this week. Sent only when there is something to say."""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import pandas as pd

from config.model import Config
from core.failures import EVERY_SCHOOL, Failures, full_text, quiet_message, where
from core.impact import Impact
from core.validate import Validated
from core.weeks import ReportWeek
from reports.render import _INLINER, COACH_DIGEST, DISTRICT_SUMMARY, Email, environment, slug

ALERT = "Source alert"
"""The `school` of alert emails in the ledger starts with this (one alert per run)."""


@dataclass(frozen=True)
class Held:
    school: str
    recipient: str
    reason: str


def held_emails(emails: list[Email], failures: Failures,
                coach_schools: Mapping[str, Collection[str]]) -> dict[str, str]:
    """Email key → why it is held. A principal's email holds when its school depends on a
    failed source; the district summary when any source failed (its totals include every
    school); a coach's note when one of the coach's schools (`coach_schools`, by the coach's
    address: the roster's and their cycles') does, so a missing log never reads as nothing
    logged, and a coach the job cannot place holds too."""
    if not failures:
        return {}
    every = "; ".join(f"{where(p)} could not be used ({p.kind.value})"
                      for p in failures.problems)
    held = {}
    for e in emails:
        if e.school == DISTRICT_SUMMARY:
            held[e.key] = every
        elif e.school == COACH_DIGEST:
            schools = coach_schools.get((e.to or "").casefold())
            hit = [s for s in schools or () if s in failures.affected]
            if schools is None or hit:
                held[e.key] = "; ".join(dict.fromkeys(failures.reason(s) for s in hit)) or every
        elif e.school in failures.affected:
            held[e.key] = failures.reason(e.school)
    return held


def coach_schools(data: Validated, impact: Impact) -> dict[str, set[str]]:
    """Coach's address (casefolded) → the schools their note counts: the roster's and those of
    their cycles."""
    pairs = pd.concat([data.coach_schools[["coach", "school"]],
                       impact.cycles[["coach", "school"]]])
    schools = pairs.dropna().groupby("coach")["school"].agg(set)
    out: dict[str, set[str]] = {}
    for coach, email in data.coaches[["coach", "mail_to"]].itertuples(index=False):
        if isinstance(email, str) and email:
            out.setdefault(email.casefold(), set()).update(schools.get(coach, set()))
    return out


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
