"""Number formats: turning a cell's number into the text FORMATTED_VALUE shows.

Covers the patterns Sheets itself assigns when a user types a date, time, percentage, currency or
grouped number, plus the common hand-written ones (`0.00`, `#,##0`, `yyyy-mm-dd`, `h:mm am/pm`).
Anything fancier (colours, conditions, fractions) falls back to the general format.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from typing import Any

EPOCH = datetime(1899, 12, 30)
DATE_TYPES = {"DATE", "TIME", "DATE_TIME"}
DEFAULT_PATTERNS = {
    "DATE": "m/d/yyyy",
    "TIME": "h:mm:ss am/pm",
    "DATE_TIME": "m/d/yyyy h:mm:ss",
    "PERCENT": "0.00%",
    "CURRENCY": '"$"#,##0.00',
    "NUMBER": "#,##0.00",
    "SCIENTIFIC": "0.00E+00",
}
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
]  # fmt: skip
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

_DATE_TOKEN_RE = re.compile(
    r'"[^"]*"|\\.|\[h+\]|\[m+\]|\[s+\]|am/pm|AM/PM|a/p|A/P|y+|m+|d+|h+|H+|s+|\.0+|.',
)


def to_serial(value: date) -> float:
    """Date or datetime to a Sheets serial number (days since 1899-12-30)."""
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    delta = value - EPOCH
    return delta.days + delta.seconds / 86400 + delta.microseconds / 86_400_000_000


def from_serial(serial: float) -> datetime:
    """Serial number back to a datetime, rounded to the millisecond as Sheets displays it."""
    return EPOCH + timedelta(milliseconds=round(serial * 86_400_000))


def json_number(x: float) -> Any:
    """Integral floats become ints, because the API writes 53 rather than 53.0."""
    if isinstance(x, float) and x.is_integer() and abs(x) < 2**53:
        return int(x)
    return x


def format_general(x: float) -> str:
    """The 'Automatic' format: up to 10 decimals, scientific for huge or tiny magnitudes."""
    if x == 0:
        return "0"
    if abs(x) >= 1e15 or abs(x) < 1e-10:
        mantissa, _, exponent = _scientific(x, 9).partition("E")
        return mantissa.rstrip("0").rstrip(".") + "E" + exponent
    rounded = round(x, 10)
    text = f"{rounded:.15g}"
    if "e" in text:
        text = f"{rounded:.10f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def is_date_format(number_format: dict[str, Any] | None) -> bool:
    """Dates, times and date-times answer dateTimeRenderOption; other numbers ignore it."""
    return number_format is not None and number_format.get("type") in DATE_TYPES


def format_number(x: float, number_format: dict[str, Any] | None) -> str:
    """Render x with the cell's numberFormat, or the general format when it has none."""
    if not number_format:
        return format_general(x)
    kind = number_format.get("type") or "NUMBER"
    pattern = number_format.get("pattern") or DEFAULT_PATTERNS.get(kind, "")
    if kind == "TEXT" or not pattern:
        return format_general(x)
    if kind in DATE_TYPES:
        return format_datetime(x, pattern)
    return format_numeric(x, pattern)


# ---- dates and times -------------------------------------------------------------------------


def format_datetime(serial: float, pattern: str) -> str:
    """Apply a date/time pattern (yyyy, mmm, d, h, mm, ss, am/pm, [h] ...) to a serial number."""
    moment = from_serial(serial)
    tokens = _DATE_TOKEN_RE.findall(pattern)
    twelve_hour = any(t.lower() in ("am/pm", "a/p") for t in tokens)
    minute_flags = _minute_positions(tokens)
    return "".join(
        _render_date_token(tok, moment, serial, twelve_hour, i in minute_flags)
        for i, tok in enumerate(tokens)
    )


def _minute_positions(tokens: list[str]) -> set[int]:
    """An m/mm token means minutes when it follows an hour or precedes a seconds token."""
    found: set[int] = set()
    for i, tok in enumerate(tokens):
        if not tok or tok[0] != "m" or len(tok) > 2:
            continue
        before = next((t for t in reversed(tokens[:i]) if t[0].isalpha() or t[0] == "["), "")
        after = next((t for t in tokens[i + 1 :] if t[0].isalpha() or t[0] == "["), "")
        if before[:1].lower() == "h" or before.startswith("[h") or after[:1] == "s":
            found.add(i)
    return found


def _render_date_token(tok: str, moment: datetime, serial: float, twelve: bool, minute: bool) -> str:
    low = tok.lower()
    if tok.startswith('"'):
        return tok[1:-1]
    if tok.startswith("\\"):
        return tok[1:]
    if low.startswith("["):
        return _elapsed(low, serial)
    if low in ("am/pm", "a/p"):
        text = "AM" if moment.hour < 12 else "PM"
        return text if low == "am/pm" else text[0]
    if tok.startswith(".0"):
        return "." + f"{moment.microsecond // 1000:03d}"[: len(tok) - 1]
    head = low[0]
    if head == "y":
        return f"{moment.year % 100:02d}" if len(tok) <= 2 else f"{moment.year:04d}"
    if head == "m" and minute:
        return f"{moment.minute:02d}" if len(tok) == 2 else str(moment.minute)
    if head == "m":
        return _month(tok, moment)
    if head == "d":
        return _day(tok, moment)
    if head == "h":
        hour = moment.hour % 12 or 12 if twelve else moment.hour
        return f"{hour:02d}" if len(tok) >= 2 else str(hour)
    if head == "s":
        return f"{moment.second:02d}" if len(tok) >= 2 else str(moment.second)
    return tok


def _month(tok: str, moment: datetime) -> str:
    name = MONTHS[moment.month - 1]
    return {1: str(moment.month), 2: f"{moment.month:02d}", 3: name[:3], 5: name[0]}.get(len(tok), name)


def _day(tok: str, moment: datetime) -> str:
    weekday = WEEKDAYS[moment.weekday()]
    return {1: str(moment.day), 2: f"{moment.day:02d}", 3: weekday[:3]}.get(len(tok), weekday)


def _elapsed(tok: str, serial: float) -> str:
    seconds = round(serial * 86400)
    unit = {"h": 3600, "m": 60, "s": 1}[tok[1]]
    return str(seconds // unit)


# ---- plain numbers ---------------------------------------------------------------------------


def format_numeric(x: float, pattern: str) -> str:
    """Apply a numeric pattern such as `#,##0.00`, `0%`, `"$"#,##0.00` or `0.00E+00`."""
    sections = _split_sections(pattern)
    if x < 0 and len(sections) > 1:
        return _apply_section(abs(x), sections[1])
    text = _apply_section(abs(x), sections[0])
    return "-" + text if x < 0 and text.strip("0.,%$ ") else text


def _split_sections(pattern: str) -> list[str]:
    sections, current, quoted = [], "", False
    for ch in pattern:
        if ch == '"':
            quoted = not quoted
        if ch == ";" and not quoted:
            sections.append(current)
            current = ""
            continue
        current += ch
    sections.append(current)
    return sections


def _apply_section(x: float, section: str) -> str:
    literal = re.sub(r'"([^"]*)"|\\(.)|\[\$([^\]-]*)[^\]]*\]', _lit, section)
    match = re.search(r"[0#?][0#?,.]*(E[+-]0+)?", literal)
    if not match:
        return literal
    core = match.group(0)
    if "%" in literal:
        x *= 100
    body = _apply_core(x, core)
    return literal[: match.start()] + body + literal[match.end() :]


def _lit(match: re.Match[str]) -> str:
    return next(g for g in match.groups() if g is not None)


def _apply_core(x: float, core: str) -> str:
    if "E" in core:
        mantissa = core.split("E")[0]
        decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
        return _scientific(x, decimals)
    integer_part, _, fraction = core.partition(".")
    max_dec = sum(ch in "0#?" for ch in fraction)
    min_dec = fraction.count("0")
    min_int = integer_part.count("0")
    rounded = _round_half_up(x, max_dec)
    whole, _, frac = f"{rounded:.{max_dec}f}".partition(".")
    frac = frac.rstrip("0").ljust(min_dec, "0") if max_dec > min_dec else frac
    whole = whole.lstrip("0").rjust(min_int, "0")
    if "," in integer_part and whole:
        whole = f"{int(whole):,}"
    return whole + ("." + frac if frac else "")


def _round_half_up(x: float, decimals: int) -> float:
    factor = 10**decimals
    return math.floor(x * factor + 0.5 + 1e-9) / factor


def _scientific(x: float, decimals: int) -> str:
    mantissa, _, exponent = f"{x:.{decimals}E}".partition("E")
    sign = "-" if exponent.startswith("-") else "+"
    return f"{mantissa}E{sign}{int(exponent.lstrip('+-')):02d}"
