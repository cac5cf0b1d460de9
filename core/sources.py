"""What the readers hand the pipeline: tabs as plain values, in one normal form for every backend.

Normal form (what Google's `values:batchGet` returns with UNFORMATTED_VALUE and SERIAL_NUMBER):
header row as text; cells as str, int, float or bool, None for empty; dates and times as Sheets
serial numbers (days since 1899-12-30, time as the fraction). Rows keep their position, so the
n-th row is sheet row n + 1 (the header is row 1).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.schema import TabKind


@dataclass(frozen=True)
class RawTab:
    source: str
    tab: str
    kind: TabKind
    header: list[str]
    rows: list[list[Any]]
    school: str | None = None
    """The school every row belongs to, for a per-school source."""
    aliases: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """Extra header aliases for this tab's kind, by field name."""
    link: str | None = None
    """A URL to the tab that a cell reference can be appended to (Google sources)."""


@dataclass(frozen=True)
class SourceProblem:
    """A source or tab that could not be read at all; reported as one data issue."""

    source: str
    tab: str
    message: str
