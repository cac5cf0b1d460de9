"""Data issues: every problem found in a row, kept as data with where it is and how to fix it."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from core.parse import is_blank, plain, serial_to_date
from core.rowstate import COACH, SCHOOL, SHEET_ROW, TAB, USABLE
from core.schema import Severity, TabKind
from core.sources import RawTab

ISSUE_COLUMNS = ["coach", "school", "source", "tab", "row", "column", "value", "severity",
                 "message", "link"]
HIDDEN = "(hidden)"


@dataclass
class TabContext:
    """A tab as matched: which column (position and header as written) holds which field."""

    raw: RawTab
    positions: dict[str, int] = field(default_factory=dict)

    def header_of(self, name: str, fallback: str) -> str:
        pos = self.positions.get(name)
        return str(self.raw.header[pos]) if pos is not None else fallback

    def cell(self, name: str, row: int) -> Any:
        """The cell as written in the sheet (rows are sheet rows; the header is row 1)."""
        pos = self.positions.get(name)
        values = self.raw.row_at(row)
        return values[pos] if pos is not None and pos < len(values) else None

    def links_to(self, name: str, rows: pd.Series) -> str | pd.Series:
        """Links to the cell holding `name` in each sheet row (the whole row if none does)."""
        pos = self.positions.get(name)
        if not self.raw.link:
            return ""
        numbers = rows.astype(str).astype(object)
        cells = column_letter(pos) + numbers if pos is not None else "A" + numbers + ":" + numbers
        return f"{self.raw.link}&range=" + cells


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


DATE_FIELDS = frozenset({"date", "timestamp", "start_date", "end_date"})


def shown(value: Any, name: str = "") -> str:
    """A cell value as a person would recognise it in an issue row (dates as dates)."""
    if is_blank(value):
        return ""
    if name in DATE_FIELDS and isinstance(value, (int, float)) and not isinstance(value, bool) \
            and 1 <= value < 2958466:
        return serial_to_date(value).isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class IssueLog:
    """Collects issues from vectorised checks. `error` also leaves its rows out of every figure
    (the one place a row's USABLE state changes); `warn` only records."""

    def __init__(self, contexts: list[TabContext]) -> None:
        self.contexts = contexts
        self._parts: list[pd.DataFrame] = []
        self.notes: list[str] = []
        """What `check` says about how headers were read ("matched 'Time (min)' to minutes")."""

    def error(self, frame: pd.DataFrame, mask: pd.Series, name: str, label: str,
              message: str | pd.Series, *, sensitive: bool = False) -> None:
        """Record an error for each row in `mask` and mark those rows unusable."""
        mask = self._record(frame, mask, name, label, Severity.ERROR, message, sensitive)
        if mask is not None:
            frame.loc[mask, USABLE] = False

    def warn(self, frame: pd.DataFrame, mask: pd.Series, name: str, label: str,
             message: str | pd.Series, *, sensitive: bool = False) -> None:
        """Record a warning for each row in `mask`; the rows are kept."""
        self._record(frame, mask, name, label, Severity.WARNING, message, sensitive)

    def _record(self, frame: pd.DataFrame, mask: pd.Series, name: str, label: str,
                severity: Severity, message: str | pd.Series,
                sensitive: bool) -> pd.Series | None:
        """One issue per row in `mask`, at the column holding field `name`; the mask as booleans,
        or None when it selects nothing."""
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return None
        hit = frame.loc[mask]
        tabs = hit[TAB].to_numpy()
        for t in pd.unique(tabs):
            mine = hit[tabs == t]
            self._parts.append(self._rows(self.contexts[t], mine, name, label, severity,
                                          message[mine.index] if isinstance(message, pd.Series)
                                          else message, sensitive))
        return mask

    @staticmethod
    def _rows(ctx: TabContext, hit: pd.DataFrame, name: str, label: str, severity: Severity,
              message: str | pd.Series, sensitive: bool) -> pd.DataFrame:
        """The issue rows of one tab: the cell as written, where it is and how to fix it."""
        rows = hit[SHEET_ROW].to_numpy()
        if sensitive:
            value: str | pd.Series = HIDDEN
        else:
            known: dict[tuple[type, Any], str] = {}  # by type too: TRUE is not 1

            def show(v: Any) -> str:
                key = (type(v), v)
                if key not in known:
                    known[key] = shown(v, name)
                return known[key]
            value = pd.Series([show(ctx.cell(name, r)) for r in rows], index=hit.index,
                              dtype=object)
        return pd.DataFrame({
            "coach": plain(hit[COACH]).fillna(""),
            "school": plain(hit[SCHOOL]).fillna(""),
            "source": ctx.raw.source,
            "tab": ctx.raw.tab,
            "row": rows,
            "column": ctx.header_of(name, label),
            "value": value,
            "severity": severity.value,
            "message": message,
            "link": ctx.links_to(name, pd.Series(rows, index=hit.index)),
        }, index=hit.index)

    def tab_problem(self, source: str, tab: str, message: str, *, column: str = "",
                    school: str = "", severity: Severity = Severity.ERROR) -> None:
        """A whole tab or source that could not be used."""
        self._parts.append(pd.DataFrame([{
            "coach": "", "school": school, "source": source, "tab": tab, "row": pd.NA,
            "column": column, "value": "", "severity": severity.value, "message": message,
            "link": ""}]))

    def frame(self) -> pd.DataFrame:
        if not self._parts:
            return pd.DataFrame(columns=ISSUE_COLUMNS)
        issues = pd.concat(self._parts, ignore_index=True)[ISSUE_COLUMNS]
        issues["row"] = issues["row"].astype("Int64")
        return sort_issues(issues)


def sort_issues(issues: pd.DataFrame) -> pd.DataFrame:
    """Each coach finds their own rows together, in sheet order; errors before warnings."""
    order = issues.assign(_blank_coach=issues["coach"].eq(""),
                          _sev=issues["severity"].ne(Severity.ERROR.value))
    order = order.sort_values(["_blank_coach", "coach", "source", "tab", "row", "_sev"],
                              kind="stable", na_position="first")
    return order.drop(columns=["_blank_coach", "_sev"]).reset_index(drop=True)


KIND_LABELS: dict[TabKind, str] = {
    TabKind.COACHING_LOG: "coaching log", TabKind.CYCLES: "cycles",
    TabKind.ASSESSMENTS: "assessments", TabKind.SCHOOLS: "schools",
    TabKind.COACHES: "coaches", TabKind.TEACHERS: "teachers",
}
