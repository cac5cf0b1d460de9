"""What a blank template holds, whatever it is written to (an .xlsx workbook or a Google
spreadsheet): its files, tabs and columns, the lists its dropdowns offer, and its instructions."""
from __future__ import annotations

from core.issues import KIND_LABELS
from core.schema import FIELDS, STAGE_LABELS, VOCABULARY_TERMS, Field, TabKind

TEMPLATES: dict[str, dict[str, TabKind]] = {
    "district": {"Schools": TabKind.SCHOOLS, "Coaches": TabKind.COACHES,
                 "Teachers": TabKind.TEACHERS, "Cycles": TabKind.CYCLES,
                 "Assessments": TabKind.ASSESSMENTS},
    "coaching-log": {"Log": TabKind.COACHING_LOG},
}
"""Template -> tab -> kind: the roster and cycles in one file, the coaches' log in another."""
LEFT_OUT = {TabKind.COACHING_LOG: {"timestamp", "coach_email"}}
"""Fields a blank template does without (a Form's own columns)."""
ALSO_REQUIRED = {(TabKind.COACHING_LOG, "coach")}
"""Required in a template, though a Form's Email Address can stand in for it."""
INSTRUCTIONS_TAB = "Instructions"
LISTS_TAB = "Lists"
LISTS: dict[str, tuple[str, ...]] = {
    "activity": VOCABULARY_TERMS["activity"], "status": VOCABULARY_TERMS["status"],
    "stage": tuple(STAGE_LABELS.values()), "approach": VOCABULARY_TERMS["approach"],
}
"""The labelled columns and the values their dropdowns offer, one column each on the Lists tab
(in this order, the name in row 1)."""


def dropdown_hint(name: str) -> str:
    """Shown by a dropdown column when a value is not on its list."""
    return f"Choose the {name} from the list (see the Instructions tab)."


def title(template: str) -> str:
    """`coaching-log` -> `Coaching log`: the name `init` then gives the source."""
    words = template.replace("-", " ")
    return words[:1].upper() + words[1:]


def columns(kind: TabKind) -> list[Field]:
    return [f for f in FIELDS[kind] if f.name not in LEFT_OUT.get(kind, set())]


def column_width(f: Field) -> int:
    """In characters: the header and a little room, never narrower than a date."""
    return max(len(f.label) + 4, 14)


def list_column(name: str) -> int:
    """The Lists tab's column (0-based) holding the values of list `name`."""
    return list(LISTS).index(name)


def list_rows() -> list[list[str]]:
    """The Lists tab row by row: the lists' names, then their values (ragged at the end)."""
    depth = max(len(v) for v in LISTS.values())
    return [list(LISTS)] + [[v[r] if r < len(v) else "" for v in LISTS.values()]
                            for r in range(depth)]


def instruction_lines(tabs: dict[str, TabKind], noun: str = "workbook") -> list[str]:
    """What each tab and column takes, for the Instructions tab (of a `noun`)."""
    lines = [f"How to fill in this {noun}",
             "One row per record under the header row. The headers are protected: do not rename, "
             "move or delete them.",
             "Columns marked required must be filled for a row to count. Dropdown columns "
             "take one value from their list.", ""]
    for tab, kind in tabs.items():
        lines.append(f"{tab} tab ({KIND_LABELS[kind]})")
        for f in columns(kind):
            need = "required" if f.required or (kind, f.name) in ALSO_REQUIRED else "optional"
            values = f"; one of: {', '.join(LISTS[f.name])}" if f.name in LISTS else ""
            unit = "; minutes, or 45 min, 1 hr, 1:30, half day" if f.duration else ""
            secret = "; confidential: never copied into any report" if f.sensitive else ""
            lines.append(f"  {f.label}: {need}{values}{unit}{secret}")
        lines.append("")
    return lines
