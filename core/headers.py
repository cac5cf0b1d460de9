"""Matching a tab's headers to fields, and turning its rows into a frame of raw cells."""
from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core import parse
from core.issues import IssueLog, TabContext, column_letter
from core.rowstate import BOOKKEEPING, COACH, SCHOOL, SHEET_ROW, TAB, USABLE
from core.schema import (
    FIELDS,
    HEADER_ABBREVIATIONS,
    HEADER_DURATION_FILLER,
    HEADER_FILLER,
    HEADER_GENERIC,
    HEADER_IDENTIFIERS,
    HEADER_PHRASES,
    HEADER_SOFT,
    HEADER_STOPWORDS,
    HEADER_UNITS,
    UNIT_MINUTES,
    VOCABULARY_BLANKS,
    Field,
    Severity,
    TabKind,
    field,
    normalise_header,
)
from core.sources import RawTab


@dataclass(frozen=True)
class Match:
    """One field's column, and how sure the matcher is of it."""

    field: str
    column: int
    header: str
    score: float
    unit: str | None
    """For a duration: the unit its bare numbers are in (from the header, else the alias)."""


@dataclass(frozen=True)
class Ambiguity:
    """Columns that fit a field (or fields that fit a column) too equally to choose."""

    fields: tuple[str, ...]
    columns: tuple[int, ...]


@dataclass
class HeaderMatch:
    matches: dict[str, Match]
    ambiguous: list[Ambiguity]
    duplicates: list[tuple[int, int]]
    """(first column, later column) with the same header; the first is read."""

    @property
    def positions(self) -> dict[str, int]:
        return {name: m.column for name, m in self.matches.items()}


@dataclass(frozen=True)
class _Candidate:
    score: float
    config: bool
    rank: int
    column: int
    field: str
    unit: str | None


def match_headers(raw: RawTab, extra: Mapping[str, Sequence[str]]) -> dict[str, int]:
    """Field name -> column position (see `match_tab`)."""
    return match_tab(raw, extra).positions


def match_tab(raw: RawTab, extra: Mapping[str, Sequence[str]]) -> HeaderMatch:
    """Each field's column: the best-scoring header, if no other comes close. Aliases from the
    config (all sources, then this source) are tried first and win a tie."""
    mine = {name: [*extra.get(name, ()), *raw.aliases.get(name, ())]
            for name in {*extra, *raw.aliases}}
    return match_columns(raw.kind, raw.header, mine)


def match_columns(kind: TabKind, header: Sequence[object],
                  extra: Mapping[str, Sequence[str]]) -> HeaderMatch:
    candidates = _candidates(kind, header, extra)
    matches: dict[str, Match] = {}
    blocked: set[object] = set()
    ambiguous: list[Ambiguity] = []
    for c in candidates:
        if c.field in matches or c.field in blocked or c.column in blocked:
            continue
        rivals = [o for o in candidates if o is not c and o.score >= c.score - CLOSE
                  and c.score < EXACT and _open(o, c, matches, blocked)]
        if rivals:
            group = [c, *rivals]
            ambiguous.append(Ambiguity(tuple(dict.fromkeys(o.field for o in group)),
                                       tuple(sorted({o.column for o in group}))))
            blocked |= {o.field for o in group} | {o.column for o in group}
            continue
        matches[c.field] = Match(c.field, c.column, str(header[c.column]), c.score, c.unit)
        blocked.add(c.column)
    return HeaderMatch(matches, ambiguous, _duplicates(header))


def _open(o: _Candidate, c: _Candidate, matches: Mapping[str, Match], blocked: set[object]
          ) -> bool:
    """Whether `o` competes with `c`: the same field in a free column, or the same column for a
    field not yet placed."""
    if o.field == c.field:
        return o.column != c.column and o.column not in blocked
    return o.column == c.column and o.field not in matches and o.field not in blocked


def _candidates(kind: TabKind, header: Sequence[object],
                extra: Mapping[str, Sequence[str]]) -> list[_Candidate]:
    """Every (field, column) pair that scores as a match, best first."""
    aliases = field_aliases(kind, extra)
    words = words_of(kind, aliases)
    fields = {f.name: f for f in FIELDS[kind]}
    out: list[_Candidate] = []
    for column, text in enumerate(header):
        if text is None or not str(text).strip():
            continue
        h = read_header(text)
        best: dict[str, _Candidate] = {}
        for a in aliases:
            f = fields[a.field]
            s = score(h, a, words, f.duration)
            config = a.rank < len(extra.get(a.field, ()))
            c = _Candidate(s, config, a.rank, column, a.field,
                           (h.unit or a.header.unit) if f.duration else None)
            if s >= MATCH_MIN and (a.field not in best or _key(c) < _key(best[a.field])):
                best[a.field] = c
        out += best.values()
    return sorted(out, key=_key)


def _key(c: _Candidate) -> tuple[float, bool, int, int]:
    return (-c.score, not c.config, c.rank, c.column)


def _duplicates(header: Sequence[object]) -> list[tuple[int, int]]:
    first: dict[str, int] = {}
    out = []
    for column, text in enumerate(header):
        key = normalise_header(text) if text is not None else ""
        if not key:
            continue
        if key in first:
            out.append((first[key], column))
        else:
            first[key] = column
    return out


# ---------------------------------------------------------------- reading a header


@dataclass(frozen=True)
class Header:
    """A header as the matcher reads it: its exact form, its meaningful words and its unit."""

    text: str
    exact: str
    words: frozenset[str]
    unit: str | None


_HINT = re.compile(r"\(([^)]*)\)|\[([^\]]*)\]")
_DASH = re.compile(r"\s+[-\u2013\u2014:]\s+|\s*[\u2013\u2014]\s*")


def read_header(text: object) -> Header:
    """See `_read_header`; cached, since every tab reads the same aliases again."""
    return _read_header(str(text))


@functools.lru_cache(maxsize=4096)
def _read_header(text: str) -> Header:
    """Split off hints in parentheses or after a dash (keeping a unit found there), rewrite
    question phrasing, expand abbreviations, drop filler words; word order does not matter."""
    raw = str(text).strip()
    low = raw.lower().strip().rstrip("?*: ").strip()
    hints = [a or b for a, b in _HINT.findall(low)]
    main = _HINT.sub(" ", low)
    parts = _DASH.split(main)
    if len(parts) > 1 and parts[0].strip():
        main, hints = parts[0], hints + parts[1:]
    unit = _unit_of(hints, main)
    for pattern, repl in HEADER_PHRASES:
        main = re.sub(pattern, repl, main)
    words = frozenset(w for w in (_word(t) for t in re.findall(r"[a-z0-9']+|[%#]", main))
                      if w and w not in HEADER_STOPWORDS)
    return Header(raw, normalise_header(raw), words, unit)


def _unit_of(hints: list[str], main: str) -> str | None:
    """A unit named by a whole hint, a word in a hint, or a word of the header itself."""
    for hint in hints:
        words = re.findall(r"[a-z]+", hint)
        if len(words) == 1 and words[0] in HEADER_UNITS:
            return HEADER_UNITS[words[0]]
        found = [HEADER_UNITS[w] for w in words if w in HEADER_UNITS and len(w) > 1]
        if found:
            return found[0]
    found = [HEADER_UNITS[w] for w in re.findall(r"[a-z]+", main)
             if w in HEADER_UNITS and len(w) > 2]
    return found[0] if found else None


def _word(token: str) -> str:
    """One token as a canonical word: abbreviations expanded, units and plurals folded."""
    token = token.strip("'").removesuffix("'s")
    if token in HEADER_UNITS and len(token) > 2:
        return "duration"
    token = HEADER_ABBREVIATIONS.get(token, token)
    if len(token) > 3 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 4 and token.endswith("ses"):
        return token[:-2]
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


# ---------------------------------------------------------------- scoring


EXACT, SAME_WORDS, MATCH_MIN, CLOSE = 1.0, 0.95, 0.7, 0.05
"""Scores: an alias as written; the same words in any order; the least that counts as a
match; how near a runner-up must be for the choice to be ambiguous."""


@dataclass(frozen=True)
class Alias:
    field: str
    header: Header
    rank: int
    """Position among the field's aliases (config aliases first): breaks ties."""


def field_aliases(kind: TabKind, extra: Mapping[str, Sequence[str]]) -> list[Alias]:
    out = []
    for f in FIELDS[kind]:
        names = [*extra.get(f.name, ()), f.label, *f.aliases]
        out += [Alias(f.name, read_header(n), i) for i, n in enumerate(dict.fromkeys(names))]
    return out


@dataclass(frozen=True)
class Vocabulary:
    """Per field of a tab kind: the words of its own aliases, and the words that name another
    field (`email` for Teacher): a header holding one of those is never this field."""

    own: dict[str, frozenset[str]]
    foreign: dict[str, frozenset[str]]


def words_of(kind: TabKind, aliases: list[Alias]) -> Vocabulary:
    mine: dict[str, set[str]] = {f.name: set() for f in FIELDS[kind]}
    for a in aliases:
        mine[a.field] |= a.header.words
    every = set().union(*mine.values())
    return Vocabulary({n: frozenset(w) for n, w in mine.items()},
                      {n: frozenset(every - w - HEADER_GENERIC) for n, w in mine.items()})


def score(header: Header, alias: Alias, words: Vocabulary, duration: bool) -> float:
    """How well one header matches one alias, 0 to 1: the alias as written; the same words;
    the alias's words plus filler or a word of the field's other aliases; all but a soft word."""
    if header.exact and header.exact == alias.header.exact:
        return EXACT
    h, a = header.words, alias.header.words
    own = words.own[alias.field]
    if not h or not a or h & words.foreign[alias.field]:
        return 0.0
    if h == a:
        return SAME_WORDS
    filler = HEADER_FILLER | HEADER_DURATION_FILLER if duration else HEADER_FILLER
    if a < h:
        extra = h - a
        if (extra & HEADER_IDENTIFIERS) - own:
            return 0.0
        unknown = [w for w in extra if w not in filler and w not in own]
        return 0.9 - 0.04 * (len(extra) - len(unknown)) - 0.25 * len(unknown)
    if h < a and (a - h) <= HEADER_SOFT:
        return 0.85 - 0.04 * len(a - h)
    if duration and header.unit and h <= filler:
        return 0.9
    return 0.0


def missing_required(kind: TabKind, positions: Mapping[str, int]) -> list[Field]:
    missing = [f for f in FIELDS[kind] if f.required and f.name not in positions]
    if kind is TabKind.COACHING_LOG and not {"coach", "coach_email"} & positions.keys():
        missing.append(next(f for f in FIELDS[kind] if f.name == "coach"))
    return missing


def missing_column_message(f: Field) -> str:
    examples = ", ".join(f"'{a}'" for a in f.aliases[:4])
    return (f"No column for {f.label}, so this tab was not used. Add a column headed one of "
            f"{examples}, or add the header you use to aliases: in the config.")


@dataclass
class RawColumns:
    """One tab's matched cells, column by column (object arrays), before any hashing."""

    tab: int
    """Index of the tab's TabContext."""
    school: str | None
    positions: dict[str, int]
    """Field -> column; one column can serve two fields (a form's Email Address)."""
    grid: np.ndarray
    rows: int
    row_numbers: Sequence[int] | None = None


def tab_columns(raw: RawTab, index: int, positions: Mapping[str, int]) -> RawColumns:
    """The tab's cells as a grid of objects, and which column holds which field."""
    width = max(positions.values(), default=-1) + 1
    return RawColumns(index, raw.school, dict(positions), ragged_grid(raw.rows, width),
                      len(raw.rows), raw.row_numbers)


PLAIN = {kind: frozenset(f.name for f in fields if f.mostly_unique)
         for kind, fields in FIELDS.items()}
"""Fields kept as plain cells, not coded: their values differ in almost every row."""


def ragged_grid(rows: Sequence[Sequence[Any]], width: int) -> np.ndarray:
    """Rows of any length as a 2-D object array at least `width` wide, padded with None or NaN
    (both read as missing). pandas' C routine does it at scale; plain Python is the fallback."""
    if not rows:
        return np.empty((0, width), dtype=object)
    as_lists = rows if isinstance(rows[0], list) else [list(r) for r in rows]
    if _PAD_IN_C is not None:
        return _PAD_IN_C(as_lists, min_width=width)
    width = max(width, *map(len, as_lists))
    grid = np.full((len(as_lists), width), None, dtype=object)
    for i, r in enumerate(as_lists):
        grid[i, :len(r)] = r
    return grid


def _pandas_padder() -> Any:
    """The one use of a private pandas API (`pandas._libs.lib.to_object_array`, the C routine
    behind DataFrame(list_of_lists)): padding a million ragged rows costs 0.2 s with it, several
    seconds without. tests/test_headers.py fails loudly if a pandas upgrade moves or changes it,
    so the fallback is never taken by surprise."""
    try:
        from pandas._libs.lib import to_object_array
    except ImportError:
        return None
    return to_object_array


_PAD_IN_C = _pandas_padder()


def empty_frame(kind: TabKind) -> pd.DataFrame:
    return pd.DataFrame(columns=[f.name for f in FIELDS[kind]] + list(BOOKKEEPING), dtype=object)


def read_tabs(tabs: Sequence[RawTab], extra: Mapping[TabKind, Mapping[str, Sequence[str]]],
              issues: IssueLog) -> dict[TabKind, pd.DataFrame]:
    """Every usable tab as a frame, stacked per kind; unusable tabs become one issue each."""
    parts: dict[TabKind, list[RawColumns]] = {k: [] for k in TabKind}
    for raw in tabs:
        found = match_tab(raw, extra.get(raw.kind, {}))
        report_headers(raw, found, issues)
        positions = found.positions
        unsure = {name for a in found.ambiguous for name in a.fields}
        missing = [f for f in missing_required(raw.kind, positions) if f.name not in unsure]
        for f in missing:
            issues.tab_problem(raw.source, raw.tab, missing_column_message(f),
                               column=f.label, school=raw.school or "")
        if missing or any(field(raw.kind, n).required for n in unsure):
            continue
        if raw.kind is TabKind.COACHING_LOG and "coach" not in positions:
            positions["coach"] = positions["coach_email"]  # a Form's Email Address names the coach
        issues.contexts.append(TabContext(raw, dict(positions)))
        columns = tab_columns(raw, len(issues.contexts) - 1, positions)
        for m in found.matches.values():
            if field(raw.kind, m.field).duration:
                read_duration(raw, columns, m, issues)
        parts[raw.kind].append(columns)
    return {k: kind_frame(k, p) for k, p in parts.items()}


def report_headers(raw: RawTab, found: HeaderMatch, issues: IssueLog) -> None:
    """What `check` shows about a tab's headers: each match that was not an alias as written,
    each choice too close to call, each optional column not found, each header used twice."""
    where = f"{raw.source} › {raw.tab}"
    for m in found.matches.values():
        if m.score < EXACT or m.unit == "hours":
            unit = f" (numbers read as {m.unit})" if m.unit == "hours" else ""
            issues.notes.append(f"{where}: matched '{m.header}' to {m.field}{unit}")
    for a in found.ambiguous:
        required = any(field(raw.kind, n).required for n in a.fields)
        issues.tab_problem(raw.source, raw.tab, ambiguity_message(raw, a, required),
                           column=", ".join(str(raw.header[c]) for c in a.columns),
                           school=raw.school or "",
                           severity=Severity.ERROR if required else Severity.WARNING)
    unsure = {name for a in found.ambiguous for name in a.fields}
    for f in FIELDS[raw.kind]:
        if (f.blank_figure and f.name not in found.matches and f.name not in unsure
                and not (f.name == "school" and raw.school)):
            issues.tab_problem(raw.source, raw.tab, optional_missing_message(raw.kind, f),
                               column=f.label, school=raw.school or "",
                               severity=Severity.WARNING)
    for first, later in found.duplicates:
        issues.tab_problem(raw.source, raw.tab, (
            f"Two columns are headed '{raw.header[first]}' (columns {column_letter(first)} and "
            f"{column_letter(later)}); only column {column_letter(first)} is read. Rename or "
            f"delete one of them."), column=str(raw.header[first]), school=raw.school or "",
            severity=Severity.WARNING)


def ambiguity_message(raw: RawTab, a: Ambiguity, required: bool) -> str:
    """Names both candidates and the alias that settles it."""
    labels = " or ".join(field(raw.kind, n).label for n in a.fields)
    heads = " and ".join(f"'{raw.header[c]}' (column {column_letter(c)})" for c in a.columns)
    name, header = a.fields[0], str(raw.header[a.columns[0]]).replace('"', "'")
    then = ("this tab was not used" if required else
            f"{'these columns are' if len(a.columns) > 1 else 'this column is'} not read")
    return (f"Could not tell which is {labels}: {heads} fit equally well. Say which in the "
            f'config, e.g. aliases: {{{raw.kind.value}: {{{name}: ["{header}"]}}}}; until '
            f"then {then}.")


def optional_missing_message(kind: TabKind, f: Field) -> str:
    return (f"No {f.label} column was found, so this tab gives no {f.blank_figure}. If it has "
            f"one under another header, add that header in the config: aliases: "
            f'{{{kind.value}: {{{f.name}: ["Your header"]}}}}.')


def read_duration(raw: RawTab, columns: RawColumns, m: Match, issues: IssueLog) -> None:
    """Bare numbers in a duration column are in the header's unit (0.75 in an hours column is
    45 minutes); typical values implausible in that unit are a warning naming the column."""
    per = UNIT_MINUTES[m.unit or "minutes"]
    cells = columns.grid[:, m.column] if columns.rows else np.empty(0, dtype=object)
    codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    numbers = [parse.bare_number(u) for u in uniques]
    if per != 1:
        read = [u if n is None else round(n * per, 6)
                for u, n in zip(uniques, numbers, strict=True)]
        converted = np.array([*read, None], dtype=object)
        columns.grid[:, m.column] = converted[codes]
    as_float = np.array([np.nan if n is None else n for n in numbers] + [np.nan])
    typical = as_float[codes]  # per row; -1 (blank) picks the NaN at the end
    if np.count_nonzero(~np.isnan(typical)) < 3:
        return
    middle = float(np.nanmedian(typical))
    unit = m.unit or "minutes"
    if (unit == "minutes" and middle < 5) or (unit == "hours" and middle > 12):
        issues.tab_problem(raw.source, raw.tab, implausible_message(raw.kind, m, middle, unit),
                           column=m.header, school=raw.school or "", severity=Severity.WARNING)


def implausible_message(kind: TabKind, m: Match, middle: float, unit: str) -> str:
    other = "hours" if unit == "minutes" else "minutes"
    return (f"Column '{m.header}' is read as {unit}, but its typical value ({middle:g}) is "
            f"implausible as {unit}: are these {other}? If so, rename the header to say so "
            f"(e.g. '{m.header} ({other})'), or add it with its unit in the config: aliases: "
            f'{{{kind.value}: {{{m.field}: ["{m.header} ({other})"]}}}}. Until then every '
            f"number in it is read as {unit}.")


def kind_frame(kind: TabKind, parts: list[RawColumns]) -> pd.DataFrame:
    """The tabs of one kind stacked into one frame: a column per field, coded (see
    `parse.coded`) unless its values are mostly unique, plus row bookkeeping; rows blank in
    every field dropped. Each column is hashed once here, over all the tabs at once (a state
    network's hundreds of school logs cost little more than one long log); everything after works on
    its codes."""
    if not parts:
        return empty_frame(kind)
    columns: dict[str, tuple[np.ndarray, np.ndarray] | np.ndarray] = {}
    done: dict[tuple[int | bool | None, ...], tuple[np.ndarray, np.ndarray] | np.ndarray] = {}
    for f in FIELDS[kind]:
        where = tuple(p.positions.get(f.name) for p in parts)
        key = (*where, f.required)
        if key not in done:
            cells = _stacked(where, parts)
            done[key] = cells if f.name in PLAIN[kind] else \
                pd.factorize(cells) if f.required else _without_placeholders(cells)
        columns[f.name] = done[key]
    blank = np.logical_and.reduce([
        pd.isna(c) if isinstance(c, np.ndarray) else c[0] < 0 for c in columns.values()])
    keep = np.flatnonzero(~blank)
    index = pd.RangeIndex(len(keep))
    frame = {n: pd.Series(c[keep], index=index, dtype=object) if isinstance(c, np.ndarray)
             else parse.coded(c[0][keep], c[1], index) for n, c in columns.items()}
    frame.update(_bookkeeping(parts, keep, index))
    return pd.DataFrame(frame, index=index)


def _without_placeholders(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes and distinct values of an optional column, where `N/A`, `none`, `-` and the like
    (what people type to say 'nothing here') are blank, not a value to flag."""
    codes, uniques = pd.factorize(cells)
    placeholder = np.array([isinstance(u, str) and u.strip().lower() in VOCABULARY_BLANKS
                            for u in uniques] + [True], dtype=bool)
    if not placeholder[:-1].any():
        return codes, uniques
    keep = np.flatnonzero(~placeholder[:-1])
    renumber = np.full(len(uniques) + 1, -1)
    renumber[keep] = np.arange(len(keep))
    return renumber[codes], uniques[keep]


def _stacked(where: tuple[int | None, ...], parts: list[RawColumns]) -> np.ndarray:
    """One field's cells from every tab, one after another (None where a tab lacks it)."""
    pieces = [p.grid[:, c] if c is not None else np.full(p.rows, None, dtype=object)
              for c, p in zip(where, parts, strict=True)]
    return pieces[0] if len(pieces) == 1 else np.concatenate(pieces)


def _bookkeeping(parts: list[RawColumns], keep: np.ndarray,
                 index: pd.Index) -> dict[str, pd.Series | np.ndarray]:
    """Which tab and sheet row each row came from, whether it is still ok, and the coach and
    school it is reported under (the source's school until validation knows better)."""
    tab = np.concatenate([np.full(p.rows, p.tab) for p in parts])[keep]
    row = np.concatenate([np.arange(2, p.rows + 2) if p.row_numbers is None
                          else np.asarray(p.row_numbers) for p in parts])[keep]
    schools = sorted({p.school for p in parts if p.school})
    school = np.concatenate([np.full(p.rows, schools.index(p.school) if p.school else -1)
                             for p in parts])[keep]
    return {TAB: tab, SHEET_ROW: row, USABLE: np.ones(len(keep), dtype=bool),
            COACH: parse.coded(np.full(len(keep), -1), np.array([], dtype=object), index),
            SCHOOL: parse.coded(school, np.array(schools, dtype=object), index)}
