"""The bookkeeping each row carries through validation, in columns beside its fields.

`core.headers.read_tabs` adds these columns when it stacks a kind's tabs into one frame; each
`check_*` step in `core.validate` then owns that frame until it returns the usable rows. Every
step reads and writes this state only through the names below, and only two things change it:
`IssueLog.error` (which leaves rows out) and the checks that learn whom a row belongs to.
"""
from __future__ import annotations

TAB = "_t"
"""Which tab the row came from: an index into `IssueLog.contexts` (the tab as matched)."""
SHEET_ROW = "_row"
"""The row's number as a person sees it in the sheet (the header is row 1)."""
USABLE = "_ok"
"""True until an error is found in the row; rows with False are left out of every figure.
Set False only by `IssueLog.error`."""
COACH = "_coach"
"""The coach the row's issues are listed under (as typed, then as matched to the roster)."""
SCHOOL = "_school"
"""The school the row's issues are listed under (the source's school until a check knows
better)."""
TEACHER_KEY = "_teacher_key"
"""A log row's teacher cell, normalised: one of the keys that make two rows the same session."""

BOOKKEEPING = (TAB, SHEET_ROW, USABLE, COACH, SCHOOL)
"""The columns every stacked frame has from the start."""
