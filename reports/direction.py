"""'Direction': a school's last 8 weeks as a small chart drawn with table cells (no images, no
SVG: they show in Gmail and Outlook alike), and the change from last week in words.

The weekly figures are `Impact.trends` (core/trends.py), the computation behind the summary's
Trends tab: one computation, two views. Differences are taken between the figures as shown.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from core.display import fixed, half_up, hours, missing, percent
from core.impact import Impact
from reports.grouped import rows_where

WEEKS = 8
BAR_HEIGHT = 36  # px, the tallest bar of each row


def direction(impact: Impact, school: str) -> dict[str, Any]:
    weeks = impact.trends.weeks["week"].iloc[-WEEKS:]
    rows = rows_where(impact.trends.schools, "school", school)
    rows = rows[rows["week"].isin(weeks)].sort_values("week_start")
    if rows.empty:
        return {"weeks": [], "rows": [], "change": []}
    hours_shown = [hours(m) for m in rows["coaching_minutes"]]
    in_cycles = [percent(p) for p in rows["time_in_cycles_pct"]]
    sessions = [str(int(s)) for s in rows["sessions"]]
    return {
        "weeks": [f"{d:%b} {d.day}" for d in rows["week_start"]],
        "rows": [_chart_row("Coaching hours", hours_shown, rows["coaching_minutes"] / 60),
                 _chart_row("Sessions", sessions, rows["sessions"]),
                 _chart_row("Time in cycles", in_cycles, rows["time_in_cycles_pct"])],
        "change": change_in_words(hours_shown, sessions, in_cycles),
    }


def _chart_row(label: str, shown: list[str], values: pd.Series) -> dict[str, Any]:
    """Bars scaled to the row's largest value; the last one is the report week."""
    top = max((v for v in values if not missing(v)), default=0)
    cells = []
    for i, (text, value) in enumerate(zip(shown, values, strict=True)):
        height = 0 if missing(value) or not top else int(half_up(value / top * BAR_HEIGHT))
        cells.append({"value": text, "height": height, "gap": BAR_HEIGHT - height,
                      "current": i == len(shown) - 1})
    return {"label": label, "cells": cells}


def _number(shown: str) -> float | None:
    text = shown.rstrip("%")
    try:
        return float(text)
    except ValueError:
        return None


def change_in_words(hours_shown: list[str], sessions: list[str],
                    in_cycles: list[str]) -> list[str]:
    """'Coaching hours: 15, up 3 from 12 last week.' One line per figure."""
    if len(hours_shown) < 2:
        return ["This is the first week of the school year: nothing to compare with yet."]
    return [_change("Coaching hours", hours_shown[-2:], "", 1),
            _change("Sessions", sessions[-2:], "", 0),
            _change("Time in coaching cycles", in_cycles[-2:], " points", 0)]


def _change(label: str, pair: list[str], unit: str, digits: int) -> str:
    before, now = (_number(p) for p in pair)
    if now is None:
        return f"{label}: nothing logged this week."
    if before is None:
        return f"{label}: {pair[1]} this week; none last week to compare with."
    diff = half_up(now - before, digits)
    amount = fixed(abs(diff), digits if not float(abs(diff)).is_integer() else 0)
    if diff == 0:
        return f"{label}: {pair[1]}, the same as last week."
    way = "up" if diff > 0 else "down"
    return f"{label}: {pair[1]}, {way} {amount}{unit} from {pair[0]} last week."
