"""Figures as people see them, with the privacy rules applied.

Student percentages computed over fewer than `min_n` students are shown as 'n<min_n' (and the n
itself is never shown beside it); figures hidden by complementary suppression (`core.suppress`)
are shown as 'hidden'. In emails, student percentages are also top- and bottom-coded (>95%,
<5%), so a small school cannot reveal that every (or no) student did something.

Every figure a person reads is rounded half-up (2.25 h -> 2.3 h, 42.5% -> 43%), and a
difference shown beside two rounded figures is the difference of the rounded figures.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

DASH = "—"
HIDDEN = "hidden"
SMALL, COMPLEMENT = "small", "complement"
"""Why a student figure is suppressed: too few students, or to protect a small one."""


def half_up(value: float, digits: int = 0) -> float:
    """Rounded half away from zero at `digits` decimals, as people round (not banker's).
    Taken from the shortest decimal that reads back as the float, so 2.675 rounds to 2.68."""
    value = float(value)
    if not math.isfinite(value) or abs(value) >= 1e15:  # no fraction left to round
        return value
    quantum = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)) + 0.0


def fixed(value: float, digits: int = 0) -> str:
    """`value` rounded half-up and written with `digits` decimals."""
    rounded = half_up(value, digits)
    return f"{rounded + 0.0:.{digits}f}"  # + 0.0: never '-0'


def missing(value: Any) -> bool:
    """None, NaN and pandas' NaT (a blank date) alike."""
    if value is None or value != value:  # NaN and NaT are the values unequal to themselves
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


@dataclass(frozen=True)
class Privacy:
    min_n: int
    coded: bool  # top/bottom-code student percentages (emails)

    @property
    def small(self) -> str:
        return f"n<{self.min_n}"

    def suppressed(self, n: float, hidden: Any = "") -> bool:
        """Under min_n (no students at all hides nothing: there is no result), or hidden."""
        return missing(n) or 0 < n < self.min_n or (bool(hidden) and not missing(hidden))

    def shown_as(self, n: float, hidden: Any = "") -> str:
        """What a suppressed figure reads: 'n<10' (too few students) or 'hidden'."""
        return HIDDEN if hidden == COMPLEMENT and not self._small(n) else self.small

    def _small(self, n: float) -> bool:
        return missing(n) or 0 < n < self.min_n

    def student_pct(self, value: float, n: float, hidden: Any = "") -> str:
        """A % of students: suppressed under min_n or when hidden, coded at the extremes in
        emails."""
        if self.suppressed(n, hidden):
            return self.shown_as(n, hidden)
        if missing(value):
            return DASH
        if self.coded and half_up(value) >= 95:
            return ">95%"
        if self.coded and half_up(value) <= 5:
            return "<5%"
        return f"{fixed(value)}%"

    def coded_end(self, value: float) -> bool:
        """True when this % is top- or bottom-coded, so no exact difference can be shown."""
        return self.coded and not missing(value) and not 5 < half_up(value) < 95

    def student_n(self, n: float, hidden: Any = "") -> str | int:
        return self.shown_as(n, hidden) if self.suppressed(n, hidden) else int(n)

    def student_value(self, value: float, n: float, fmt: str = "{:+.0f}",
                      hidden: Any = "", digits: int = 0) -> str:
        """Any other figure over students (mean gain, moved): hidden with the cycle."""
        if self.suppressed(n, hidden):
            return self.shown_as(n, hidden)
        return DASH if missing(value) else fmt.format(half_up(value, digits))

    def growth(self, pre: float, post: float, n: float, hidden: Any = "",
               unit: str = " pts") -> str:
        """Growth in points as the difference of the two percentages as shown, so that
        '42% -> 85%' always reads '+43 pts'; nothing when either end is coded."""
        if self.suppressed(n, hidden):
            return self.shown_as(n, hidden)
        if missing(pre) or missing(post):
            return DASH
        if self.coded_end(pre) or self.coded_end(post):
            return ""
        return f"{int(half_up(post) - half_up(pre)):+d}{unit}"


def percent(value: float, digits: int = 0) -> str:
    """A percentage that is not about students (time shares, coverage)."""
    return DASH if missing(value) else f"{fixed(value, digits)}%"


def hours(minutes: float) -> str:
    """Hours as read: one decimal under 10 h (2.25 h -> 2.3), whole hours from 10 h."""
    if missing(minutes):
        return DASH
    h = half_up(minutes / 60, 1)
    if h >= 10:
        return fixed(minutes / 60)  # from the figure itself: 10.45 h reads 10, not 11
    return fixed(h) if float(h).is_integer() else fixed(h, 1)


def number(value: float, digits: int = 1) -> float | None:
    """A figure for a spreadsheet cell: rounded half-up, or empty when undefined."""
    return None if missing(value) else half_up(float(value), digits)


def goals_met(met: float, shown: float) -> str:
    """Goals met over the cycles whose results are shown, so no hidden cycle's outcome shows."""
    return f"{int(met)} of {int(shown)}"
