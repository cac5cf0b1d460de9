"""How written values become cells: RAW keeps them as sent, USER_ENTERED parses them as typing.

USER_ENTERED follows what Sheets does for the en_US locale: numbers (with grouping, exponent or a
leading +), TRUE/FALSE, percentages, dollar amounts, ISO and US dates, times and date-times,
a leading `'` to force text, and `=` for formulas. Each parse that Sheets would also format (a date,
a percentage ...) returns the numberFormat Sheets assigns, so FORMATTED_VALUE reads it back.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from .numfmt import to_serial

ExtendedValue = dict[str, Any]
NumberFormat = dict[str, str]
Parsed = tuple[ExtendedValue | None, NumberFormat | None]

_NUMBER_RE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)$")
_SCIENTIFIC_RE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+$")
_GROUPED_RE = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_PERCENT_RE = re.compile(r"^([+-]?(\d+\.?\d*|\.\d+))\s?%$")
_CURRENCY_RE = re.compile(r"^([+-]?)\$\s?(\d{1,3}(,\d{3})+(\.\d+)?|\d+\.?\d*|\.\d+)$")
_ISO_DATE_RE = re.compile(r"^(\d{4})([-/])(\d{1,2})\2(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_US_DATE_RE = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$"
)
_TIME_RE = re.compile(r"^(\d{1,3}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?$")


class BadValue(ValueError):
    "A value of a JSON type the API does not accept in `values` (object, list)."


def raw_value(value: Any) -> ExtendedValue | None:
    """RAW: strings stay strings ('' clears the cell), numbers and booleans keep their type."""
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, (int, float)):
        return {"numberValue": value}
    if isinstance(value, str):
        return {"stringValue": value} if value != "" else None
    raise BadValue(value)


def user_entered_value(value: Any) -> Parsed:
    """USER_ENTERED: parse strings as Sheets parses typing; other JSON types as RAW."""
    if not isinstance(value, str):
        return raw_value(value), None
    if value == "":
        return None, None
    if value.startswith("'"):
        return {"stringValue": value[1:]}, None
    if value.startswith("=") and len(value) > 1:
        return {"formulaValue": value}, None
    parsed = parse_typed_text(value.strip())
    return parsed if parsed[0] is not None else ({"stringValue": value}, None)


def parse_typed_text(text: str) -> Parsed:
    """Try each typed form in turn; (None, None) when the text is just text."""
    for parser in (_boolean, _plain_number, _percent, _currency, _iso_date, _us_date, _time):
        result = parser(text)
        if result is not None:
            return result
    return None, None


def _number(text: str) -> float:
    number = float(text.replace(",", ""))
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def _boolean(text: str) -> Parsed | None:
    if text.upper() in ("TRUE", "FALSE"):
        return {"boolValue": text.upper() == "TRUE"}, None
    return None


def _plain_number(text: str) -> Parsed | None:
    if _NUMBER_RE.match(text):
        return {"numberValue": _number(text)}, None
    if _SCIENTIFIC_RE.match(text):
        return {"numberValue": _number(text)}, {"type": "SCIENTIFIC", "pattern": "0.00E+00"}
    if _GROUPED_RE.match(text):
        pattern = "#,##0.00" if "." in text else "#,##0"
        return {"numberValue": _number(text)}, {"type": "NUMBER", "pattern": pattern}
    return None


def _percent(text: str) -> Parsed | None:
    match = _PERCENT_RE.match(text)
    if not match:
        return None
    number = float(match.group(1)) / 100
    pattern = "0.00%" if "." in match.group(1) else "0%"
    return {"numberValue": _number(repr(round(number, 12)))}, {"type": "PERCENT", "pattern": pattern}


def _currency(text: str) -> Parsed | None:
    match = _CURRENCY_RE.match(text)
    if not match:
        return None
    number = _number(match.group(2)) * (-1 if match.group(1) == "-" else 1)
    pattern = '"$"#,##0.00' if "." in text else '"$"#,##0'
    return {"numberValue": number}, {"type": "CURRENCY", "pattern": pattern}


def _iso_date(text: str) -> Parsed | None:
    match = _ISO_DATE_RE.match(text)
    if not match:
        return None
    year, sep, month, day, hour, minute, second = match.groups()
    moment = _moment(int(year), int(month), int(day), hour, minute, second, None)
    if moment is None:
        return None
    date_pattern = f"yyyy{sep}mm{sep}dd"
    return _dated(moment, date_pattern, hour is not None)


def _us_date(text: str) -> Parsed | None:
    match = _US_DATE_RE.match(text)
    if not match:
        return None
    month, day, year, hour, minute, second, meridiem = match.groups()
    full_year = int(year) if len(year) == 4 else (2000 + int(year) if int(year) < 30 else 1900 + int(year))
    moment = _moment(full_year, int(month), int(day), hour, minute, second, meridiem)
    if moment is None:
        return None
    return _dated(moment, "m/d/yyyy", hour is not None)


def _dated(moment: datetime, date_pattern: str, has_time: bool) -> Parsed:
    if has_time:
        return {"numberValue": _whole(to_serial(moment))}, {
            "type": "DATE_TIME",
            "pattern": f"{date_pattern} h:mm:ss",
        }
    return {"numberValue": _whole(to_serial(moment))}, {"type": "DATE", "pattern": date_pattern}


def _whole(serial: float) -> float:
    return int(serial) if float(serial).is_integer() else serial


def _moment(
    year: int, month: int, day: int, hour: str | None, minute: str | None,
    second: str | None, meridiem: str | None,
) -> datetime | None:  # fmt: skip
    h = int(hour or 0)
    if meridiem:
        h = h % 12 + (12 if meridiem.lower() == "pm" else 0)
    try:
        return datetime(year, month, day, h, int(minute or 0), int(second or 0))
    except ValueError:
        return None


def _time(text: str) -> Parsed | None:
    match = _TIME_RE.match(text)
    if not match:
        return None
    hours, minutes, seconds, meridiem = match.groups()
    h, m, s = int(hours), int(minutes), int(seconds or 0)
    if m > 59 or s > 59 or (meridiem and not 1 <= h <= 12):
        return None
    if meridiem:
        h = h % 12 + (12 if meridiem.lower() == "pm" else 0)
    serial = (h * 3600 + m * 60 + s) / 86400
    if h >= 24:
        return {"numberValue": serial}, {"type": "TIME", "pattern": "[h]:mm:ss"}
    pattern = "h:mm am/pm" if meridiem and seconds is None else "h:mm:ss am/pm"
    return {"numberValue": serial}, {"type": "TIME", "pattern": pattern}
