"""What a coach's weekly note says: their own week, their cycles, their rows to fix.

A coach sees only their own rows: figures from their log rows, cycles where they are the coach,
and the Data Issues rows that name them. No student results are in it (so nothing to suppress),
and nobody else's rows. A coach with nothing to report and nothing to fix gets no note.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from config.model import Config
from core.display import half_up, hours, missing, percent
from core.impact import WEEK, Impact
from core.schema import CycleStatus
from core.validate import Validated
from reports.context import class_name, week_of
from reports.grouped import rows_where


@dataclass
class CoachContext:
    district: str
    coach: str
    email: str | None
    week_label: str
    week_title: str
    week: dict[str, Any]
    active: list[dict[str, str]]
    due: list[dict[str, str]]
    issues: list[dict[str, Any]]

    @property
    def worth_sending(self) -> bool:
        """Something to report (time logged, a cycle going on or due) or something to fix."""
        return bool(self.week["logged"] or self.active or self.due or self.issues)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def coach_contexts(impact: Impact, data: Validated, config: Config) -> list[CoachContext]:
    """One per coach on the roster who has an address to send to (the Data Issues tab says
    when a coach's cannot be used) and something to report or to fix."""
    contexts = [coach_context(coach, impact, data, config)
                for coach in impact.coaches[WEEK].index]
    return [c for c in contexts if c.email and c.worth_sending]


def coach_context(coach: str, impact: Impact, data: Validated, config: Config) -> CoachContext:
    cycles = rows_where(impact.cycles, "coach", coach)
    email = data.coaches.set_index("coach")["mail_to"].get(coach)
    return CoachContext(
        district=config.district.name, coach=coach,
        email=None if missing(email) or not email else str(email),
        week_label=impact.week.label, week_title=impact.week.title,
        week=coach_week(impact.coaches[WEEK].loc[coach],
                        config.settings.time_in_cycles_target),
        active=[cycle_line(c) for _, c in cycles[cycles["status"].eq(
            CycleStatus.ACTIVE.value)].sort_values("start_date").iterrows()],
        due=[cycle_line(c) for _, c in cycles[cycles["post_due"]].sort_values(
            "end_date").iterrows()],
        issues=issue_rows(data.issues, coach))


def coach_week(week: pd.Series, target: float) -> dict[str, Any]:
    value = week["time_in_cycles_pct"]
    return {"sessions": str(int(week["sessions"])), "hours": hours(week["coaching_minutes"]),
            "all_hours": hours(week["minutes"]), "logged": bool(week["minutes"] > 0),
            "in_cycles": percent(value), "target": f"{target:g}%",
            "on_track": not missing(value) and half_up(value) >= target}


def cycle_line(c: pd.Series) -> dict[str, str]:
    """The coach's own cycle, with the teacher's name: the coach works with that teacher."""
    end = c["end_date"]
    return {"id": str(c["cycle_id"]), "class": class_name(c), "teacher": c["teacher"] or "",
            "school": c["school"] or "", "focus": c["focus"] or "", "week": week_of(c),
            "ended": "" if missing(end) else f"{end:%b} {end.day}"}


def issue_rows(issues: pd.DataFrame, coach: str) -> list[dict[str, Any]]:
    """Every Data Issues row that names this coach, errors first, with the fix and a link."""
    mine = rows_where(issues, "coach", coach).copy()
    mine["_order"] = mine["severity"].ne("error")
    rows = []
    for _, i in mine.sort_values(["_order", "source", "tab", "row"]).iterrows():
        row = "" if pd.isna(i["row"]) else f", row {int(i['row'])}"
        rows.append({"where": f"{_text(i['source'])} › {_text(i['tab'])}{row}",
                     "column": _text(i["column"]), "value": _text(i["value"]),
                     "severity": _text(i["severity"]), "fix": _text(i["message"]),
                     "link": _text(i["link"])})
    return rows


def _text(value: Any) -> str:
    return "" if value is None or value is pd.NA or missing(value) else str(value)
