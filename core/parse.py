"""Turning what people type into typed values, vectorised.

Real sheets repeat a few hundred distinct spellings across many thousands of rows, so each parser
works on a column's distinct values once and maps the answers back: pure Python per distinct value,
numpy per row. Every parser returns the typed values and a mask of the cells it could not read
(blank cells are never 'bad': a missing required value is checked separately).

Columns travel *coded* (pandas categoricals: an integer code per row into the distinct values).
A raw column is hashed once when its tab is read (`encode`); every answer spread back is coded
again (`spread`), so the next parse, lookup or blank check on it costs nothing per row. `plain`
turns a coded column back into Python values where a small frame leaves validation.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Container, Mapping
from typing import Any

import numpy as np
import pandas as pd

SHEETS_EPOCH = dt.date(1899, 12, 30)
"""Day 0 of a Sheets (and Excel) date serial number."""

_BAD = object()  # a cell that holds something but not a value of the wanted type


def is_blank(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def distinct(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(codes, uniques): each row's index into the column's distinct values; -1 for missing.
    Free for a coded column; one hash pass over the rows for any other."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.cat.codes.to_numpy(), series.cat.categories.to_numpy(dtype=object)
    return pd.factorize(series.to_numpy(dtype=object), use_na_sentinel=True)


def coded(codes: np.ndarray, uniques: np.ndarray, index: pd.Index) -> pd.Series:
    """A categorical column from codes into distinct, non-missing values (-1 for missing).

    Columns are kept coded through validation: every later parse, lookup, blank check and
    group-by then works on the few distinct values and integer codes, never on the rows'
    objects again."""
    categories = pd.Index(uniques, dtype=object, tupleize_cols=False)
    dtype = pd.CategoricalDtype(categories)
    return pd.Series(pd.Categorical.from_codes(codes, dtype=dtype, validate=False), index=index)


def encode(values: np.ndarray, index: pd.Index) -> pd.Series:
    """Raw cells as a coded column: the one hash pass over the rows each column gets."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return coded(codes, uniques, index)


def spread(answers: list[Any], codes: np.ndarray, index: pd.Index) -> pd.Series:
    """Answers per distinct value (plus one for missing, last) back onto the rows, coded.
    Distinct values that give the same answer share a code; a None answer is missing."""
    table = np.empty(len(answers), dtype=object)
    table[:] = answers
    answer_codes, uniques = pd.factorize(table, use_na_sentinel=True)
    return coded(answer_codes[codes], uniques, index)


def coalesce(first: pd.Series, *rest: pd.Series) -> pd.Series:
    """Per row, the first value that is not missing (like chained fillna), kept coded."""
    out = as_coded(first)
    for other in rest:
        other = as_coded(other)
        categories = out.cat.categories.append(other.cat.categories).unique()
        remap = np.append(categories.get_indexer(other.cat.categories), -1)
        mine, theirs = out.cat.codes.to_numpy(), other.cat.codes.to_numpy()
        codes = np.where(mine >= 0, mine, remap[theirs])
        out = coded(codes, categories.to_numpy(dtype=object), out.index)
    return out


def as_coded(series: pd.Series) -> pd.Series:
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series
    return encode(series.to_numpy(dtype=object), series.index)


def plain(series: pd.Series) -> pd.Series:
    """A coded column back as plain Python objects, missing as None (small frames, output)."""
    if not isinstance(series.dtype, pd.CategoricalDtype):
        return series
    codes, uniques = distinct(series)
    table = np.append(uniques, np.array([None], dtype=object))
    return pd.Series(table[codes], index=series.index, dtype=object)


def sorted_text(series: pd.Series) -> pd.Series:
    """A coded column whose text values' codes follow alphabetical order, so sorting and
    group-bys order rows exactly as plain text would (other values keep their order)."""
    categories = series.cat.categories
    if all(isinstance(c, str) for c in categories):
        return series.cat.reorder_categories(sorted(categories))
    return series


def row_groups(columns: list[pd.Series]) -> np.ndarray:
    """A non-negative group number per row, equal exactly where the rows are equal in every
    column (missing equals missing). Built from the columns' codes, mixed-radix, re-numbered
    before it could overflow: no row is hashed as objects. Numbers are not consecutive."""
    groups = np.zeros(len(columns[0]) if columns else 0, dtype=np.int64)
    size = 1
    for column in columns:
        codes, radix = _codes_and_radix(column)
        if size * radix >= 2 ** 62:
            groups, seen = pd.factorize(groups)
            size = len(seen)
        groups = groups * radix + (codes.astype(np.int64) + 1)
        size *= radix
    return groups


def _codes_and_radix(column: pd.Series) -> tuple[np.ndarray, int]:
    """Codes (-1: missing) and how many there can be. Whole numbers and days in a short range
    are their own codes, offset from the smallest; other columns are coded or factorised."""
    if isinstance(column.dtype, np.dtype) and column.dtype.kind in "iM":
        values = column.to_numpy()
        missing = np.isnat(values) if values.dtype.kind == "M" else np.zeros(len(values), bool)
        numbers = values.view(np.int64) if values.dtype.kind == "M" else values.astype(np.int64)
        if values.dtype.kind == "M":
            unit = np.timedelta64(1, np.datetime_data(values.dtype)[0])  # type: ignore[call-overload]
            day = np.timedelta64(1, "D") // unit
            if not (numbers[~missing] % day).any():
                numbers = numbers // day  # dates at midnight: count days, not nanoseconds
        present = numbers[~missing]
        if len(present) == 0:
            return np.full(len(values), -1), 1
        low, high = int(present.min()), int(present.max())
        if high - low < 2 ** 24:
            return np.where(missing, -1, numbers - low), int(high - low) + 2
    if column.dtype == object or isinstance(column.dtype, pd.CategoricalDtype):
        codes, uniques = distinct(column)
    else:
        codes, uniques = pd.factorize(column.to_numpy())
    return codes, len(uniques) + 1


def per_distinct(series: pd.Series, func: Callable[[Any], Any]) -> pd.Series:
    """`func` applied once per distinct cell and spread back over the rows (vectorised take)."""
    codes, uniques = distinct(series)
    return spread([func(u) for u in uniques] + [func(None)], codes, series.index)


def map_distinct(series: pd.Series, func: Callable[[Any], Any]) -> tuple[pd.Series, pd.Series]:
    """Parse each distinct cell once; return (values, bad mask). Blank cells are None, not bad."""
    codes, uniques = distinct(series)
    results = [None if is_blank(u) else func(u) for u in uniques] + [None]
    bad = np.array([r is _BAD for r in results], dtype=bool)
    values = spread([None if r is _BAD else r for r in results], codes, series.index)
    return values, pd.Series(bad[codes], index=series.index)


def blank_mask(series: pd.Series) -> pd.Series:
    """Empty, NaN, or only spaces: checked once per distinct value, never per cell."""
    codes, uniques = distinct(series)
    return pd.Series(blank_of(uniques)[codes], index=series.index)


def blank_of(uniques: np.ndarray) -> np.ndarray:
    """Per distinct value, whether it is only spaces, plus True for missing (code -1, last)."""
    return np.array([type(u) is str and not u.strip() for u in uniques] + [True], dtype=bool)


# ---------------------------------------------------------------- text


def text_of(v: Any) -> str:
    """A cell as single-spaced text; 12.0 typed in a number cell reads as '12'."""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return " ".join(str(v).split())


def clean_text(series: pd.Series) -> pd.Series:
    """Stripped single-spaced text; blanks become None. Numbers typed into text cells stay text."""
    return map_distinct(series, text_of)[0]


LIST_SEPARATORS = re.compile(r"\s*(?:;|,|/|&|\n|\band\b)\s*")


def split_known(cell: str, known: Container[str]) -> tuple[str, ...]:
    """A cell listing several names, split on ; , / & 'and' — except where a run of pieces,
    as typed, is a whole name on the roster (`known` holds casefolded keys): `A & B Academy;
    Lee, Park Middle` stays two schools when both are on the Schools tab. Longest match wins."""
    cuts = [(m.start(), m.end()) for m in LIST_SEPARATORS.finditer(cell)]
    starts = [0] + [end for _, end in cuts]
    ends = [start for start, _ in cuts] + [len(cell)]
    out, i = [], 0
    while i < len(starts):
        j = next((j for j in range(len(ends) - 1, i, -1)
                  if text_of(cell[starts[i]:ends[j]]).casefold() in known), i)
        piece = text_of(cell[starts[i]:ends[j]])
        if piece:
            out.append(piece)
        i = j + 1
    return tuple(out)


def name_key(series: pd.Series) -> pd.Series:
    """Matching key for names, schools and emails: case and spacing ignored."""
    return map_distinct(series, lambda v: text_of(v).casefold())[0]


# ---------------------------------------------------------------- dates


_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%Y/%m/%d", "%b %d, %Y", "%B %d, %Y",
                 "%d %b %Y", "%d %B %Y", "%m-%d-%Y", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S",
                 "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M")


def serial_to_date(serial: float) -> dt.date:
    return SHEETS_EPOCH + dt.timedelta(days=math.floor(serial))


def date_to_serial(day: dt.date | dt.datetime) -> float:
    if isinstance(day, dt.datetime):
        delta = day.replace(tzinfo=None) - dt.datetime(1899, 12, 30)
        return delta.days + delta.seconds / 86400
    return float((day - SHEETS_EPOCH).days)


def _one_date(value: Any) -> Any:
    if isinstance(value, bool):
        return _BAD
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)):
        return serial_to_date(value) if 1 <= value < 2958466 else _BAD
    text = " ".join(str(value).split())
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return _BAD


def parse_dates(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Sheets serial numbers, ISO dates, US m/d/yyyy and month names; returns datetime64 days.

    Serial numbers (often all distinct: form timestamps) are converted in one numpy step; text is
    parsed once per distinct spelling."""
    codes, uniques = distinct(series)
    numeric = np.array([type(u) in (int, float) for u in uniques], dtype=bool)
    serials = uniques[numeric].astype(float) if numeric.any() else np.array([], dtype=float)
    ok = (serials >= 1) & (serials < 2958466)
    days = np.full(len(uniques) + 1, np.datetime64("NaT"), dtype="datetime64[D]")
    bad = np.zeros(len(uniques) + 1, dtype=bool)
    day_numbers = np.floor(np.where(ok, serials, 0)).astype("int64")
    days[:-1][numeric] = np.where(ok, np.datetime64(SHEETS_EPOCH, "D") + day_numbers,
                                  np.datetime64("NaT"))
    bad[:-1][numeric] = ~ok
    for i in np.flatnonzero(~numeric):
        value = uniques[i]
        if is_blank(value):
            continue
        parsed = _one_date(value)
        bad[i] = parsed is _BAD
        if not bad[i]:
            days[i] = np.datetime64(parsed, "D")
    values = pd.Series(days[codes].astype("datetime64[ns]"), index=series.index)
    return values, pd.Series(bad[codes], index=series.index)


# ---------------------------------------------------------------- minutes

_UNIT_MINUTES = {"m": 1, "min": 1, "mins": 1, "minute": 1, "minutes": 1, "mn": 1,
                 "h": 60, "hr": 60, "hrs": 60, "hour": 60, "hours": 60}
_AMOUNT_UNIT = re.compile(r"(\d+(?:\.\d+)?|\.\d+)\s*([a-z]+)?")


def _one_minutes(value: Any, half_day: int, full_day: int) -> Any:
    if isinstance(value, bool):
        return _BAD
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip().lower().replace(",", ".")
    days = {"half day": half_day, "half-day": half_day, "halfday": half_day, "1/2 day": half_day,
            "full day": full_day, "full-day": full_day, "fullday": full_day, "all day": full_day,
            "whole day": full_day, "1 day": full_day, "day": full_day}
    if text in days:
        return float(days[text])
    clock = re.fullmatch(r"(\d{1,2}):([0-5]\d)(?::00)?", text)
    if clock:
        return float(int(clock[1]) * 60 + int(clock[2]))
    return _amounts(text)


def _amounts(text: str) -> Any:
    """'45', '45 min', '1 hr 15 min', '1.5 hours', '1h30'."""
    pos, total, last_unit = 0, 0.0, None
    compact = text.replace(" and ", " ")
    for m in _AMOUNT_UNIT.finditer(compact):
        if compact[pos:m.start()].strip():
            return _BAD
        unit = m[2]
        if unit is None:
            unit = "min" if last_unit in (None, "h", "hr", "hrs", "hour", "hours") else None
        if unit not in _UNIT_MINUTES:
            return _BAD
        total += float(m[1]) * _UNIT_MINUTES[unit]
        last_unit, pos = unit, m.end()
    if pos == 0 or compact[pos:].strip():
        return _BAD
    return total


def bare_number(value: Any) -> float | None:
    """A number with no unit of its own (12, 0.75, '1.5'); None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str) and re.fullmatch(r"\s*(\d+(\.\d*)?|\.\d+)\s*", value):
        return float(value)
    return None


def parse_minutes(series: pd.Series, half_day: int, full_day: int) -> tuple[pd.Series, pd.Series]:
    values, bad = map_distinct(series, lambda v: _one_minutes(v, half_day, full_day))
    return values.astype(float), bad


# ---------------------------------------------------------------- numbers and scores


def _one_number(value: Any) -> Any:
    if isinstance(value, bool):
        return _BAD
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else _BAD
    text = str(value).strip().replace(",", "")
    try:
        number = float(text.removesuffix("%").strip())
    except ValueError:
        return _BAD
    return number if math.isfinite(number) else _BAD


def parse_numbers(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Plain numbers; '85%' reads as 85 (a percentage is kept in points, not as 0.85)."""
    values, bad = map_distinct(series, _one_number)
    return values.astype(float), bad


def parse_scores(series: pd.Series, levels: Mapping[str, float]) -> tuple[pd.Series, pd.Series]:
    """Numbers, '85%', or level labels the district maps to numbers (case and spacing ignored)."""
    by_key = {_level_key(k): float(v) for k, v in levels.items()}

    def one(value: Any) -> Any:
        number = _one_number(value)
        if number is _BAD and isinstance(value, str):
            return by_key.get(_level_key(value), _BAD)
        return number
    values, bad = map_distinct(series, one)
    return values.astype(float), bad


def _level_key(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", text.lower())


def parse_vocabulary(series: pd.Series, lookup: Mapping[str, Any],
                     key: Callable[[Any], str]) -> tuple[pd.Series, pd.Series]:
    """Map free text onto a controlled vocabulary; unknown words are bad."""
    return map_distinct(series, lambda v: lookup.get(key(v), _BAD))
