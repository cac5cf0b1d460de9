"""What people would do instead of this job, for the benchmark to measure beside it.

- `naive_validate`: the straightforward way, one dict per row (as gspread's get_all_records
  gives) checked field by field in Python with dateutil; `naive_validate_cached` is the same with
  the date parse cached, the first thing anyone profiling it would do.
- `analyst_*`: what a capable analyst writes in an afternoon: pandas `read_excel` on the same
  workbooks, vectorised `to_datetime`, string parsing and mapping, and `groupby` for the same
  figures (minutes by coach, school, activity and week; share of time in cycles; teachers
  coached; per-cycle proficiency pre and post, growth, moved to proficient, goal met). It does
  no duplicate detection, no issue rows and no cross-checks, which the job does on top.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from core.schema import ACTIVITY_LOOKUP, vocabulary_key
from demo import generate as g

TODAY = dt.date(2026, 11, 23)
LEVELS = {"not yet": 1, "approaching": 2, "meeting": 3, "exceeding": 4}


# ---------------------------------------------------------------- the naive per-row way


def naive_records(header: list[str], rows: list[list[Any]]) -> list[dict[str, Any]]:
    return [dict(zip(header, list(r) + [""] * (len(header) - len(r)), strict=False)) for r in rows]


def naive_validate(records: list[dict[str, Any]], coaches: set[str], schools: set[str],
                   parse: Any = None) -> int:
    """One dict per row, each field checked in Python; dates parsed with dateutil."""
    from dateutil import parser as dateparser
    parse = parse or dateparser.parse
    valid = 0
    for r in records:
        try:
            day = r["Date of Session"] or r["Timestamp"]
            if isinstance(day, (int, float)):
                when = dt.date(1899, 12, 30) + dt.timedelta(days=int(day))
            else:
                when = parse(str(day)).date()
            typed = str(r["Duration (minutes)"]).lower().replace("mins", "").replace("min", "")
            minutes = float(typed.replace("hours", "").replace("hr", "").strip() or 0)
            ok = (str(r["Email Address"]).strip().lower() in coaches
                  and " ".join(str(r["Which school?"]).split()).lower() in schools
                  and str(r["Type of session"]).strip() != "" and minutes > 0
                  and when <= TODAY)
        except (ValueError, OverflowError):
            ok = False
        valid += ok
    return valid


def naive_validate_cached(records: list[dict[str, Any]], coaches: set[str],
                          schools: set[str]) -> int:
    from dateutil import parser as dateparser
    return naive_validate(records, coaches, schools,
                          functools.lru_cache(maxsize=None)(dateparser.parse))


# ---------------------------------------------------------------- the analyst's pandas script


def analyst_read(folder: Path, engine: str | None = None) -> dict[str, pd.DataFrame]:
    """The same workbooks the job reads, with pandas (its default engine is openpyxl)."""
    frames = pd.read_excel(folder / g.DISTRICT_FILE, engine=engine,
                           sheet_name=["Schools", "Coaches", "Cycles", "Assessments"])
    frames["Form"] = pd.read_excel(folder / g.FORM_FILE, sheet_name=g.FORM_TAB, engine=engine)
    return frames


def analyst_frames(tabs: dict[str, tuple[list[str], list[list[Any]]]]) -> dict[str, pd.DataFrame]:
    """The frames read_excel would give, from rows already read (to time the script alone)."""
    frames = {}
    for name, (header, rows) in tabs.items():
        frame = pd.DataFrame(rows).reindex(columns=range(len(header)))
        frame.columns = header
        frames[name] = frame
    return frames


def _dates(values: pd.Series) -> pd.Series:
    """Serial numbers, date objects and typed text ('11/3/2026') to dates."""
    numbers = pd.to_numeric(values, errors="coerce")
    from_serial = pd.to_datetime(numbers, unit="D", origin="1899-12-30", errors="coerce")
    text = values.where(numbers.isna())
    parsed = pd.to_datetime(text.astype("string"), format="mixed", errors="coerce")
    return from_serial.fillna(parsed).dt.normalize()


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mins?|minutes?|hrs?|hours?)?\s*$")


def _minutes(values: pd.Series) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce")
    text = values.where(numbers.isna()).astype("string").str.lower().str.strip()
    parts = text.str.extract(_DURATION)
    amount = pd.to_numeric(parts[0], errors="coerce")
    hours = parts[1].fillna("").str.startswith("h")
    parsed = amount.where(~hours, amount * 60)
    clock = text.str.extract(r"^(\d+):(\d\d)$").astype(float)
    parsed = parsed.fillna(clock[0] * 60 + clock[1])
    parsed = parsed.fillna(text.map({"half day": 180, "full day": 360}).astype(float))
    return numbers.fillna(parsed)


def _key(values: pd.Series) -> pd.Series:
    return values.astype("string").str.split().str.join(" ").str.lower()


def analyst_figures(frames: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """Validate the log loosely and compute the figures, vectorised."""
    log, coaches = frames["Form"], frames["Coaches"]
    by_email = dict(zip(coaches["Email"].str.lower(), coaches["Name"], strict=True))
    schools = set(_key(frames["Schools"]["School"]))
    day = _dates(log["Date of Session"]).fillna(_dates(log["Timestamp"]))
    minutes = _minutes(log["Duration (minutes)"])
    activity = log["Type of session"].astype("string").map(
        lambda s: ACTIVITY_LOOKUP.get(vocabulary_key(s)) if isinstance(s, str) else None)
    coach = log["Email Address"].astype("string").str.strip().str.lower().map(by_email)
    school = _key(log["Which school?"])
    ok = (day.notna() & (day <= pd.Timestamp(TODAY)) & (minutes > 0) & activity.notna()
          & coach.notna() & school.isin(schools))
    cycle_ids = set(frames["Cycles"]["Cycle ID"].astype("string"))
    v = pd.DataFrame({"coach": coach, "school": school, "activity": activity.astype("string"),
                      "minutes": minutes, "week": day.dt.strftime("%G-W%V"),
                      "teacher": log["Teacher name"],
                      "in_cycle": log["Coaching cycle ID (if part of a cycle)"]
                      .astype("string").isin(cycle_ids)})[ok]
    v["cycle_minutes"] = v["minutes"].where(v["in_cycle"], 0)
    per_coach = v.groupby("coach").agg(minutes=("minutes", "sum"),
                                       cycle_minutes=("cycle_minutes", "sum"),
                                       teachers=("teacher", "nunique"))
    per_coach["in_cycles_pct"] = 100 * per_coach["cycle_minutes"] / per_coach["minutes"]
    return {"valid_rows": int(ok.sum()), "coaches": per_coach,
            "schools": v.groupby("school")[["minutes", "cycle_minutes"]].sum(),
            "activity": v.groupby(["school", "activity"])["minutes"].sum().unstack(fill_value=0),
            "weekly": v.groupby(["school", "week"])["minutes"].sum(),
            "cycles": analyst_cycles(frames["Cycles"], frames["Assessments"])}


def analyst_cycles(cycles: pd.DataFrame, scores: pd.DataFrame) -> pd.DataFrame:
    def score(values: pd.Series) -> pd.Series:
        numbers = pd.to_numeric(values, errors="coerce")
        return numbers.fillna(values.astype("string").str.lower().str.strip().map(LEVELS)
                              .astype(float))
    s = pd.DataFrame({"cycle": scores["Cycle ID"], "pre": score(scores["Pre score"]),
                      "post": score(scores["Post score"])}).dropna()
    info = cycles.set_index("Cycle ID")
    cutoff = pd.to_numeric(info["Proficiency cutoff"], errors="coerce").fillna(80)
    goal = pd.to_numeric(info["Goal (% proficient)"], errors="coerce").fillna(80)
    s["cutoff"] = s["cycle"].map(cutoff)
    s = s[s["cutoff"].notna()]
    s["pre_ok"], s["post_ok"] = s["pre"] >= s["cutoff"], s["post"] >= s["cutoff"]
    s["moved"] = ~s["pre_ok"] & s["post_ok"]
    out = s.groupby("cycle").agg(n=("pre", "size"), pre=("pre_ok", "mean"),
                                 post=("post_ok", "mean"), moved=("moved", "sum"),
                                 gain=("post", "mean"))
    out["growth"] = 100 * (out["post"] - out["pre"])
    out["goal_met"] = 100 * out["post"] >= out.index.map(goal).to_numpy(dtype=float)
    status = info["Status"].astype("string").str.lower().str.strip()
    out["status"] = out.index.map(status)
    return out.assign(pre=100 * out["pre"], post=100 * out["post"]).replace(np.inf, np.nan)
