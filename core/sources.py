"""What the readers hand the pipeline: tabs as plain values, in one normal form for every backend.

Normal form (what Google's `values:batchGet` returns with UNFORMATTED_VALUE and SERIAL_NUMBER):
header row as text; cells as str, int, float or bool, None for empty; dates and times as Sheets
serial numbers (days since 1899-12-30, time as the fraction). Rows keep their position, so the
n-th row is sheet row n + 1 (the header is row 1).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
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
    row_numbers: Sequence[int] | None = None
    """Where each row is in its file, when not simply the n-th after the header (a roster
    export whose staff at two schools became two rows, both at their line)."""

    def row_number(self, index: int) -> int:
        return self.row_numbers[index] if self.row_numbers is not None else index + 2

    def row_at(self, number: int) -> list[Any]:
        """The row shown as `number` (see `row_number`); [] if there is none."""
        if self.row_numbers is None:
            index = number - 2
        else:
            index = next((i for i, n in enumerate(self.row_numbers) if n == number), -1)
        return self.rows[index] if 0 <= index < len(self.rows) else []


class FailureKind(StrEnum):
    """Why a source could not be used (see `core.failures`)."""

    MISSING = "missing"  # a workbook that is not there; a spreadsheet not found
    UNREADABLE = "unreadable"  # not an .xlsx, or an API answer other than 403/404
    NOT_SHARED = "not shared"
    UNREACHABLE = "unreachable"  # Google did not answer, after retries
    MISSING_TAB = "tab missing"
    MISSING_COLUMN = "required column missing"
    EMPTY = "no rows"
    ROWS_DROPPED = "far fewer rows"


@dataclass(frozen=True)
class SourceProblem:
    """A source or tab that could not be used at all: a source failure (see `core.failures`),
    and one data issue."""

    source: str
    tab: str
    message: str
    kind: FailureKind = FailureKind.UNREADABLE
    tab_kind: TabKind | None = None
    """The kind of data the tab holds, when the failure is one tab's (None: the whole source)."""
