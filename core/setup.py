"""What `init` works out from a district's own sheets: which tab holds which kind of data, which
column is which field, the labels to map, the level labels to score and the school year.

Pure: takes the tabs' headers and rows as read and returns a proposal; `config/writer.py` turns
it into a commented config, and `mapping_table` into the table `init` prints.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import pandas as pd

from core import parse
from core.headers import EXACT, HeaderMatch, match_columns, missing_required
from core.issues import KIND_LABELS
from core.labels import TwoTerms, resolve
from core.schema import FIELDS, LEVEL_ORDER, VOCABULARIES, TabKind, vocabulary_key
from core.sis import Calendar

INSPECT_ROWS = 5_000
"""Data rows `init` reads of each tab: enough to place columns and find the labels, the level
labels and the school year, and one small read even of a log of a million rows."""
UNSURE_MATCH = 0.9
"""A header matched with a lower score gets a `# check:` comment in the config."""
KIND_WORDS: dict[TabKind, tuple[str, ...]] = {
    TabKind.COACHING_LOG: ("log", "response", "activit", "session"),
    TabKind.CYCLES: ("cycle",), TabKind.ASSESSMENTS: ("assessment", "score", "result"),
    TabKind.SCHOOLS: ("school", "campus", "building"), TabKind.COACHES: ("coach",),
    TabKind.TEACHERS: ("teacher", "staff"),
}
"""Words in a tab's title that hint at its kind (a tie-breaker, never enough alone)."""
LABEL_COLUMNS: dict[TabKind, tuple[str, ...]] = {
    TabKind.COACHING_LOG: ("activity", "approach"), TabKind.CYCLES: ("status", "approach"),
    TabKind.SCHOOLS: ("stage",),
}


@dataclass(frozen=True)
class Sheet:
    """One tab of one source, as read for `init`: its header and (some of) its rows."""

    source: str
    title: str
    header: list[str]
    rows: list[list[Any]]
    more: bool = False
    """The tab has rows past those read (init reads the first INSPECT_ROWS)."""


@dataclass
class Placed:
    sheet: Sheet
    kind: TabKind
    found: HeaderMatch
    unsure: str | None = None
    aliases: dict[str, str] = field(default_factory=dict)
    """Fields whose column was too close to call: the column picked, for the config to confirm."""


@dataclass(frozen=True)
class Label:
    kind: str
    text: str
    term: Enum | None
    others: tuple[Enum, ...] = ()
    """For a label naming two terms: all of them (the first is proposed)."""


@dataclass
class Proposal:
    placed: list[Placed]
    unplaced: list[tuple[Sheet, str]]
    labels: list[Label]
    levels: list[tuple[str, int | None]]
    year: tuple[dt.date, dt.date] | None
    schools: dict[str, str] = field(default_factory=dict)
    """Source name -> the school a per-school source's rows belong to (a guess to check)."""
    year_from: str | None = None
    """Where the school year was stated (`--school-year`, or the SIS's academicSessions.csv);
    None when it is a guess from the dates, to be checked."""


def propose(sheets: Sequence[Sheet], calendars: Sequence[Calendar] = ()) -> Proposal:
    placed: list[Placed] = []
    unplaced: list[tuple[Sheet, str]] = []
    for sheet in sheets:
        taken = {p.kind for p in placed if p.sheet.source == sheet.source}
        result = place(sheet, taken)
        if isinstance(result, Placed):
            placed.append(result)
        else:
            unplaced.append((sheet, result))
    proposal = Proposal(placed, unplaced, labels_found(placed), levels_found(placed),
                        school_year(placed), per_school_sources(placed))
    stated = stated_year(calendars, proposal.year)
    if stated is not None:
        proposal.year = (stated.start, stated.end)
        proposal.year_from = f"the SIS calendar, academicSessions.csv line {stated.line}: " \
            f"{stated.title or 'school year'}"
    return proposal


def place(sheet: Sheet, taken: set[TabKind]) -> Placed | str:
    """The kind whose required columns the tab has and whose fields it fits best; or why none."""
    if not any(h.strip() for h in sheet.header):
        return "no header row"
    fits = []
    for kind in TabKind:
        found = match_columns(kind, sheet.header, {})
        unsure = {n for a in found.ambiguous for n in a.fields}
        if [f for f in missing_required(kind, found.positions) if f.name not in unsure]:
            continue
        title = sheet.title.lower()
        hint = 0.5 if any(w in title for w in KIND_WORDS[kind]) else 0.0
        fits.append((sum(m.score for m in found.matches.values()) + hint, kind, found))
    fits.sort(key=lambda f: -f[0])
    free = [f for f in fits if f[1] not in taken]
    if not free:
        return (f"another tab of this source already holds its kind ({KIND_LABELS[fits[0][1]]})"
                if fits else "its headers fit no kind of tab (a required column is missing)")
    fit, kind, found = free[0]
    unsure_kind = (f"it could also be {KIND_LABELS[free[1][1]]}"
                   if len(free) > 1 and free[1][0] >= fit - 0.5 else None)
    picks = {a.fields[0]: sheet.header[a.columns[0]] for a in found.ambiguous}
    if picks:
        found = match_columns(kind, sheet.header, {n: [h] for n, h in picks.items()})
    return Placed(sheet, kind, found, unsure_kind, picks)


def unused_columns(p: Placed) -> list[str]:
    used = {m.column for m in p.found.matches.values()}
    return [h for c, h in enumerate(p.sheet.header) if h.strip() and c not in used]


def _column(p: Placed, name: str) -> list[Any]:
    m = p.found.matches.get(name)
    if m is None:
        return []
    return [r[m.column] for r in p.sheet.rows if m.column < len(r)]


def labels_found(placed: Sequence[Placed]) -> list[Label]:
    """Every distinct label not already a known synonym, with the term it would be read as."""
    out: dict[tuple[str, str], Label] = {}
    for p in placed:
        for name in LABEL_COLUMNS.get(p.kind, ()):
            lookup = VOCABULARIES[name]
            for value in _column(p, name):
                if parse.is_blank(value) or vocabulary_key(value) in lookup:
                    continue
                text = parse.text_of(value)
                found = resolve(text, lookup, {})
                key = (name, vocabulary_key(text))
                if key in out:
                    continue
                if isinstance(found, TwoTerms):
                    out[key] = Label(name, text, found.terms[0], found.terms)
                else:
                    out[key] = Label(name, text, found)
    return sorted(out.values(), key=lambda lb: (lb.kind, lb.text.casefold()))


def levels_found(placed: Sequence[Placed]) -> list[tuple[str, int | None]]:
    """Level labels typed in score columns, numbered in the order of the usual scales
    (Not yet < Approaching < Meeting < Exceeding); None for a label of no known scale."""
    spellings: dict[str, Counter[str]] = {}
    for p in placed:
        if p.kind is not TabKind.ASSESSMENTS:
            continue
        for value in _column(p, "pre") + _column(p, "post"):
            if isinstance(value, str) and parse.bare_number(value.strip().rstrip("%")) is None \
                    and value.strip():
                spellings.setdefault(vocabulary_key(value), Counter())[" ".join(value.split())] += 1
    seen = {k: c.most_common(1)[0][0] for k, c in spellings.items()}
    ranked = sorted((LEVEL_ORDER.index(k), text) for k, text in seen.items() if k in LEVEL_ORDER)
    numbered = [(text, n) for n, (_, text) in enumerate(ranked, start=1)]
    return numbered + sorted((t, None) for k, t in seen.items() if k not in LEVEL_ORDER)


def school_year(placed: Sequence[Placed]) -> tuple[dt.date, dt.date] | None:
    """From the session and cycle dates: July to June around the middle date; the start moved
    back to the Monday of the earliest date in that year (weeks are counted from it)."""
    cells = [v for p in placed if p.kind is TabKind.COACHING_LOG for v in _column(p, "date")]
    cells += [v for p in placed if p.kind is TabKind.CYCLES for v in _column(p, "start_date")]
    days = parse.parse_dates(pd.Series(cells, dtype=object))[0].dropna()
    if days.empty:
        return None
    middle = days.sort_values().iloc[len(days) // 2].date()
    first_year = middle.year if middle.month >= 7 else middle.year - 1
    start, end = dt.date(first_year, 7, 1), dt.date(first_year + 1, 6, 30)
    inside = [d.date() for d in days if start <= d.date() <= end]
    first = min(inside)
    return first - dt.timedelta(days=first.weekday()), end


def stated_year(calendars: Sequence[Calendar], guessed: tuple[dt.date, dt.date] | None
                ) -> Calendar | None:
    """The SIS's school year that holds the sessions' dates: the one holding the guessed start
    (the Monday of the earliest date, which may fall in the weeks before school starts); with no
    dates to go by, the only one stated."""
    if guessed is None:
        return calendars[0] if len(calendars) == 1 else None
    start = guessed[0]
    holding = [c for c in calendars if c.start - dt.timedelta(days=31) <= start <= c.end]
    return holding[0] if len(holding) == 1 else None


def per_school_sources(placed: Sequence[Placed]) -> dict[str, str]:
    """A log without a School column whose source or tab name names one school on the Schools
    tab (`hillcrest-coaching-log.xlsx`): that school, for `school:` in the config."""
    names = [parse.text_of(v) for p in placed if p.kind is TabKind.SCHOOLS
             for v in _column(p, "school") if not parse.is_blank(v)]
    out = {}
    for p in placed:
        if p.kind is not TabKind.COACHING_LOG or "school" in p.found.matches:
            continue
        where = vocabulary_key(f"{p.sheet.source} {p.sheet.title}")
        hits = [n for n in names if vocabulary_key(n.split()[0]) in where]
        if len(hits) == 1:
            out[p.sheet.source] = hits[0]
    return out


# ---------------------------------------------------------------- the table init prints


def year_line(proposal: Proposal) -> str:
    if proposal.year is None:
        return "School year: no dates found to guess it from (check: set it in the config)"
    start, end = proposal.year
    how = f"from {proposal.year_from}" if proposal.year_from else \
        "check: guessed from the earliest session or cycle date"
    return f"School year: {start.isoformat()} to {end.isoformat()} ({how})"


def mapping_table(proposal: Proposal, rosters: Sequence[str] = ()) -> list[str]:
    """Each tab placed, each column's field and how it was matched, the `rosters` (a line for
    each export from the SIS), the school year, and what could not be placed: what `init`
    prints."""
    lines = []
    for p in proposal.placed:
        unsure = f"   (check: {p.unsure})" if p.unsure else ""
        lines.append(f"{p.sheet.source} › {p.sheet.title}  →  {p.kind.value}{unsure}")
        if p.sheet.more:
            lines.append(f"  (its first {INSPECT_ROWS:,} rows read: labels further down are "
                         "left to `check`)")
        width = max((len(h) for h in p.sheet.header), default=10) + 2
        by_column = {m.column: m for m in p.found.matches.values()}
        for c, header in enumerate(p.sheet.header):
            if not header.strip():
                continue
            m = by_column.get(c)
            if m is None:
                lines.append(f"  {header:<{width}}{'—':<20}not used")
                continue
            how = "as written" if m.score >= EXACT else "by meaning"
            if m.field in p.aliases:
                how = "check: another column fits as well; alias written"
            elif m.score < UNSURE_MATCH:
                how += " (check)"
            if m.unit == "hours":
                how += ", numbers read as hours"
            lines.append(f"  {header:<{width}}{m.field:<20}{how}")
        missing = [f.name for f in FIELDS[p.kind] if f.blank_figure and f.name
                   not in p.found.matches and not (f.name == "school" and
                                                   p.sheet.source in proposal.schools)]
        if missing:
            lines.append(f"  not found: {', '.join(missing)}")
        lines.append("")
    lines += [*rosters, "", year_line(proposal)] if rosters else [year_line(proposal)]
    if proposal.unplaced:
        lines += ["", "Could not place:"]
        lines += [f"  {s.source} › {s.title}: {why}" for s, why in proposal.unplaced]
    return [*lines, ""]
