"""Figures as people see them, with the privacy rules applied.

Student percentages computed over fewer than `min_n` students are shown as 'n<min_n' (and the n
itself is never shown beside it). In emails, student percentages are also top- and bottom-coded
(>95%, <5%), so a small school cannot reveal that every (or no) student did something.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

DASH = "—"


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

    def suppressed(self, n: float) -> bool:
        return missing(n) or n < self.min_n

    def student_pct(self, value: float, n: float) -> str:
        """A % of students: suppressed under min_n, coded at the extremes in emails."""
        if self.suppressed(n):
            return self.small
        if missing(value):
            return DASH
        if self.coded and value >= 95:
            return ">95%"
        if self.coded and value <= 5:
            return "<5%"
        return f"{value:.0f}%"

    def student_n(self, n: float) -> str | int:
        return self.small if self.suppressed(n) else int(n)

    def student_value(self, value: float, n: float, fmt: str = "{:+.0f}") -> str:
        """Any other figure over students (growth, mean gain, moved): hidden under min_n."""
        if self.suppressed(n):
            return self.small
        return DASH if missing(value) else fmt.format(value)


def percent(value: float, digits: int = 0) -> str:
    """A percentage that is not about students (time shares, coverage)."""
    return DASH if missing(value) else f"{value:.{digits}f}%"


def hours(minutes: float) -> str:
    if missing(minutes):
        return DASH
    h = minutes / 60
    return f"{h:.0f}" if h >= 10 or float(h).is_integer() else f"{h:.1f}"


def number(value: float, digits: int = 1) -> float | None:
    """A figure for a spreadsheet cell: rounded, or empty when undefined."""
    return None if missing(value) else round(float(value), digits)
