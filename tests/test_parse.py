"""Table-driven cases for what people type into sheets."""
import datetime as dt
import math

import pandas as pd
import pytest

from core import parse


def one(fn, value, *args):
    values, bad = fn(pd.Series([value], dtype=object), *args)
    v = values.iloc[0]
    return ("BAD" if bad.iloc[0] else (None if v is None or (isinstance(v, float) and math.isnan(v))
                                       or v is pd.NaT else v))


@pytest.mark.parametrize("typed, minutes", [
    (45, 45), (45.0, 45), ("45", 45), ("45 min", 45), ("45 mins", 45), ("45min", 45),
    ("30 minutes", 30), ("1 hr", 60), ("1 hour", 60), ("2 hrs", 120), ("1.5 hours", 90),
    ("1:30", 90), ("0:45", 45), ("1h30", 90), ("1 hr 15 min", 75), ("half day", 180),
    ("Half Day", 180), ("full day", 360), ("FULL DAY", 360), (" 60 ", 60),
    ("lots", "BAD"), ("a while", "BAD"), ("2 x 30", "BAD"), ("45 parsecs", "BAD"),
    (True, "BAD"), (None, None), ("", None), ("   ", None),
])
def test_minutes(typed, minutes):
    assert one(parse.parse_minutes, typed, 180, 360) == minutes


@pytest.mark.parametrize("typed, day", [
    (46329.0, dt.date(2026, 11, 3)), (46329.6875, dt.date(2026, 11, 3)),
    ("2026-11-03", dt.date(2026, 11, 3)), ("11/3/2026", dt.date(2026, 11, 3)),
    ("11/03/2026", dt.date(2026, 11, 3)), ("11/3/26", dt.date(2026, 11, 3)),
    ("Nov 3, 2026", dt.date(2026, 11, 3)), ("3 November 2026", dt.date(2026, 11, 3)),
    ("11/3/2026 14:05:00", dt.date(2026, 11, 3)),
    ("next Tuesday", "BAD"), ("13/45/2026", "BAD"), (-5, "BAD"), (None, None), ("", None),
])
def test_dates(typed, day):
    got = one(parse.parse_dates, typed)
    assert (got if got in ("BAD", None) else got.date()) == day


@pytest.mark.parametrize("typed, score", [
    (85, 85), ("85", 85), ("85%", 85), (" 85 % ", 85), ("Meeting", 3), ("meeting", 3),
    ("NOT YET", 1), ("not-yet", 1), ("excellent", "BAD"), ("", None), (None, None),
])
def test_scores(typed, score):
    assert one(parse.parse_scores, typed, {"Meeting": 3, "Not yet": 1}) == score


def test_serial_round_trip():
    day = dt.date(2026, 11, 3)
    assert parse.serial_to_date(parse.date_to_serial(day)) == day
    assert parse.date_to_serial(dt.datetime(2026, 11, 3, 18)) == 46329.75


def test_distinct_values_parsed_once():
    calls = []
    series = pd.Series(["45 min", "1 hr"] * 5000, dtype=object)
    parse.map_distinct(series, lambda v: calls.append(v) or 1)
    assert sorted(calls) == ["1 hr", "45 min"]
