"""Validation: every row of every tab checked, typed, and either kept or reported with how to fix
it.

Pure: takes the tabs the readers produced and returns clean frames plus a frame of issues. Checks
are vectorised over whole columns; one bad row, tab or source never stops the rest.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum

import numpy as np
import pandas as pd

from core import parse
from core.headers import read_tabs
from core.issues import KIND_LABELS, IssueLog
from core.labels import read_labels
from core.rowstate import COACH, SCHOOL, SHEET_ROW, TAB, TEACHER_KEY, USABLE
from core.schema import NON_COACHING, VOCABULARIES, VOCABULARY_TERMS, CycleStatus, Severity, TabKind
from core.settings import SchoolYear, Settings
from core.sources import RawTab, SourceProblem

E, W = Severity.ERROR, Severity.WARNING
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
"""An address every mail server accepts: plain ASCII (an accented name@ is refused by many)."""
_LOOSE_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
"""Enough to match a coach's rows by email; coaches are not sent the report unless cc'd."""


@dataclass
class Context:
    settings: Settings
    year: SchoolYear
    today: dt.date
    vocabulary: Mapping[str, Mapping[str, Enum]] = field(default_factory=dict)
    """The district's own labels (config `vocabulary:`), by column kind."""


@dataclass(frozen=True)
class TabCount:
    read: int
    valid: int
    flagged: int


@dataclass
class Validated:
    """Clean, typed data; only rows without errors. Columns are documented by each check_*."""

    schools: pd.DataFrame
    coaches: pd.DataFrame
    coach_schools: pd.DataFrame
    teachers: pd.DataFrame
    cycles: pd.DataFrame
    assessments: pd.DataFrame
    logs: pd.DataFrame
    issues: pd.DataFrame
    counts: dict[TabKind, TabCount]
    header_notes: list[str] = field(default_factory=list)
    """How headers that were not an alias as written were read, for `check`."""

    @property
    def totals(self) -> TabCount:
        c = self.counts.values()
        return TabCount(sum(x.read for x in c), sum(x.valid for x in c),
                        sum(x.flagged for x in c))


def validate(tabs: Sequence[RawTab], ctx: Context,
             aliases: Mapping[TabKind, Mapping[str, Sequence[str]]] | None = None,
             problems: Sequence[SourceProblem] = ()) -> Validated:
    """Each kind's frame goes to one check, which owns it (and its row state, see
    `core.rowstate`) until it returns the usable rows; nothing reads the frame afterwards."""
    issues = IssueLog([])
    for p in problems:
        issues.tab_problem(p.source, p.tab, p.message)
    frames = read_tabs(tabs, aliases or {}, issues)
    read = {kind: len(frame) for kind, frame in frames.items()}
    schools = check_schools(frames.pop(TabKind.SCHOOLS), issues, ctx.vocabulary)
    coaches, coach_schools = check_coaches(frames.pop(TabKind.COACHES), schools, issues)
    teachers = check_teachers(frames.pop(TabKind.TEACHERS), schools, issues)
    refs = References(schools, coaches, coach_schools, teachers)
    cycles = check_cycles(frames.pop(TabKind.CYCLES), refs, ctx, issues)
    assessments = check_assessments(frames.pop(TabKind.ASSESSMENTS), cycles, ctx, issues)
    logs = check_logs(frames.pop(TabKind.COACHING_LOG), refs, cycles, ctx, issues)
    issue_frame = issues.frame()
    usable = {TabKind.SCHOOLS: schools, TabKind.COACHES: coaches, TabKind.TEACHERS: teachers,
              TabKind.CYCLES: cycles, TabKind.ASSESSMENTS: assessments,
              TabKind.COACHING_LOG: logs}
    counts = {k: TabCount(read[k], len(usable[k]), _flagged(issue_frame, issues, k))
              for k in TabKind}
    return Validated(schools, coaches, coach_schools, teachers, cycles, assessments, logs,
                     issue_frame, counts, issues.notes)


def _flagged(issue_frame: pd.DataFrame, log: IssueLog, kind: TabKind) -> int:
    """Rows of this kind's tabs with at least one issue."""
    tabs = {(c.raw.source, c.raw.tab) for c in log.contexts if c.raw.kind is kind}
    keys = pd.MultiIndex.from_frame(issue_frame[["source", "tab"]].astype(object))
    mine = issue_frame.loc[keys.isin(list(tabs))] if tabs else issue_frame.iloc[0:0]
    return len(mine.dropna(subset=["row"]).drop_duplicates(["source", "tab", "row"]))


# ---------------------------------------------------------------- shared checks


def _blank(frame: pd.DataFrame, name: str) -> pd.Series:
    return parse.blank_mask(frame[name])


def require(frame: pd.DataFrame, issues: IssueLog, name: str, label: str, what: str,
            *, sensitive: bool = False, blank: pd.Series | None = None) -> None:
    issues.error(frame, _blank(frame, name) if blank is None else blank, name, label,
                f"{label} is blank. Fill in {what}; until then this row is left out.",
                sensitive=sensitive)


def flag_duplicates(frame: pd.DataFrame, issues: IssueLog, groups: np.ndarray, name: str,
                    label: str, message: str, *, sensitive: bool = False) -> None:
    """Later rows in the same group (see `parse.row_groups`) are errors that point at the
    group's first row."""
    ok = frame[USABLE].to_numpy(dtype=bool)
    keys = pd.Series(groups[ok])
    later = keys.duplicated(keep="first").to_numpy()
    if not later.any():
        return
    rows = frame[SHEET_ROW].to_numpy()[ok]
    firsts = keys.isin(keys[later].unique()).to_numpy() & ~later
    first_row = pd.Series(rows[firsts], index=keys[firsts].to_numpy())
    where = frame.index[ok][later]
    seen_at = keys[later].map(first_row).to_numpy()
    mask = pd.Series(False, index=frame.index)
    mask[where] = True
    text = pd.Series(f"{message} (first seen at row ", index=where, dtype=object) \
        + pd.Series(seen_at, index=where).astype(str).astype(object) + ")."
    issues.error(frame, mask, name, label, text, sensitive=sensitive)


def same(frame: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """Row groups over the frame's `keys` columns."""
    return parse.row_groups([frame[k] for k in keys])


def enum_values(series: pd.Series) -> pd.Series:
    """Vocabulary members as their text values; anything else (unknown, blank) as None."""
    return parse.per_distinct(series, lambda v: v.value if isinstance(v, Enum) else None)


def is_email(series: pd.Series, pattern: re.Pattern[str] = _EMAIL) -> pd.Series:
    return parse.per_distinct(series, lambda e: isinstance(e, str) and bool(pattern.match(e))) \
        .astype(bool)


def lookup(keys: pd.Series, table: pd.DataFrame, key_col: str, value_col: str) -> pd.Series:
    mapping = dict(zip(table[key_col], table[value_col], strict=True))
    return parse.per_distinct(keys, lambda k: mapping.get(k) if isinstance(k, str) else None)


# ---------------------------------------------------------------- rosters


def roster_names(frame: pd.DataFrame, issues: IssueLog, name: str, label: str,
                 twice: str, listed_under: str) -> None:
    """A roster's name column: cleaned, required, unique (case and spacing ignored); the row's
    issues are listed under that name (`listed_under`: COACH or SCHOOL)."""
    frame[name] = parse.clean_text(frame[name])
    frame[listed_under] = frame[name]
    require(frame, issues, name, label, f"the {name}'s name")
    frame["key"] = parse.name_key(frame[name])
    flag_duplicates(frame, issues, same(frame, ["key"]), name, label, twice)


def check_schools(frame: pd.DataFrame, issues: IssueLog,
                  vocabulary: Mapping[str, Mapping[str, Enum]] | None = None) -> pd.DataFrame:
    """Columns: school, key, principal, principal_email, classroom_teachers, need, stage."""
    roster_names(frame, issues, "school", "School", "This school is listed twice; delete the "
                 "extra row", SCHOOL)
    _school_numbers(frame, issues)
    stage = district_labels(frame, issues, "stage", "Implementation stage", vocabulary,
                            issues.warn, "Unknown implementation stage. Use Prelaunch, Launch, "
                            "or Implement, monitor & adjust; until then the benchmark status is "
                            "not shown.")
    issues.warn(frame, _blank(frame, "stage"), "stage", "Implementation stage",
                "No implementation stage, so the benchmark status is not shown. Fill in "
                "Prelaunch, Launch, or Implement, monitor & adjust.")
    frame["stage"] = stage
    email = parse.clean_text(frame["principal_email"])
    bad_email = ~is_email(email)
    issues.warn(frame, bad_email, "principal_email", "Principal email",
                "No valid principal email, so no weekly report can be sent to this school. "
                "Enter an address like name@district.org.")
    frame["principal_email"] = email.where(~bad_email, None)
    frame["principal"] = parse.clean_text(frame["principal"])
    return _keep(frame, ["school", "key", "principal", "principal_email", "classroom_teachers",
                         "need", "stage"])


def _school_numbers(frame: pd.DataFrame, issues: IssueLog) -> None:
    teachers, bad = parse.parse_numbers(frame["classroom_teachers"])
    bad |= ~whole_in(teachers, 1, MAX_TEACHERS) | _blank(frame, "classroom_teachers")
    issues.warn(frame, bad, "classroom_teachers", "Classroom teachers",
                f"Should be the number of classroom teachers, a whole number from 1 to "
                f"{MAX_TEACHERS:,}, e.g. 24; coverage is not shown until it is.")
    frame["classroom_teachers"] = teachers.where(~bad)
    need, bad_need = parse.parse_numbers(frame["need"])
    need = need.where(~((need > 0) & (need < 1)), need * 100)  # 0.62 from a % cell
    bad_need |= (need < 0) | (need > 100)
    issues.warn(frame, bad_need, "need", "Need indicator",
                "Should be a percentage from 0 to 100, such as 62 or 62%; the equity view "
                "leaves this school out until it is.")
    frame["need"] = need.where(~bad_need)


MAX_TEACHERS = 10_000
"""More classroom teachers than any school has: a typo (or a stray formula) to flag."""


def whole_in(values: pd.Series, low: float, high: float) -> pd.Series:
    """Whole numbers within [low, high]; blanks count as inside (blank is checked apart)."""
    inside = values.between(low, high) & (values % 1 == 0)
    return inside | values.isna()


def check_coaches(frame: pd.DataFrame, schools: pd.DataFrame,
                  issues: IssueLog) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Coaches: coach, key, email (to match their rows), mail_to (the address to send to:
    plain ASCII, or None), email_key, fte. Coach schools: coach, school (one row each)."""
    roster_names(frame, issues, "coach", "Coach", "This coach is listed twice; keep one row and "
                 "list all their schools in it", COACH)
    email = parse.clean_text(frame["email"])
    bad_email = email.notna() & ~is_email(email, _LOOSE_EMAIL)
    issues.warn(frame, bad_email, "email", "Email",
                "Not an email address; rows logged under this email will not match the coach.")
    frame["email"] = email.where(~bad_email, None)
    undeliverable = frame["email"].notna() & ~is_email(frame["email"])
    issues.warn(frame, undeliverable, "email", "Email",
                "Rows logged under this address match the coach, but no email can be sent to "
                "it: many mail servers refuse letters other than A–Z before the @. Check the "
                "address (name@district.org).")
    frame["mail_to"] = frame["email"].where(~undeliverable, None)
    frame["email_key"] = parse.name_key(frame["email"])
    fte, bad_fte = parse.parse_numbers(frame["fte"])
    bad_fte |= (fte <= 0) | (fte > 1)
    issues.warn(frame, bad_fte, "fte", "FTE",
                "FTE should be a number above 0 and at most 1, such as 1 or 0.5.")
    frame["fte"] = fte.where(~bad_fte)
    pairs = _coach_school_pairs(frame, schools, issues)
    return _keep(frame, ["coach", "key", "email", "mail_to", "email_key", "fte"]), pairs


def _coach_school_pairs(frame: pd.DataFrame, schools: pd.DataFrame,
                        issues: IssueLog) -> pd.DataFrame:
    known = set(schools["key"])
    listed = parse.per_distinct(parse.clean_text(frame["schools"]), lambda v: parse.split_known(
        v, known) if isinstance(v, str) else ())
    pairs = frame.assign(school_text=parse.plain(listed))
    pairs = pairs.explode("school_text")
    pairs["school"] = lookup(parse.name_key(pairs["school_text"]), schools, "key", "school")
    unknown = pairs["school_text"].notna() & pairs["school"].isna()
    bad_rows = pairs.index[unknown].unique()
    mask = frame.index.isin(bad_rows)
    names = pairs[unknown].groupby(level=0)["school_text"].agg(", ".join)
    issues.warn(frame, pd.Series(mask, index=frame.index), "schools", "Schools",
                "Not on the Schools tab: " + names.reindex(frame.index).fillna("")
                + ". Write each name as on the Schools tab (a name with '&', 'and', ',' or "
                "'/' in it is matched whole) and separate several schools with ';'.")
    no_school = frame[USABLE] & _blank(frame, "schools")
    issues.warn(frame, no_school, "schools", "Schools",
                "No school listed; every row this coach logs must then name its school.")
    ok = pairs[pairs["school"].notna() & pairs[USABLE]]
    pairs = pd.DataFrame({c: parse.plain(ok[c]) for c in ("coach", "school")})
    return pairs.drop_duplicates().reset_index(drop=True)


def check_teachers(frame: pd.DataFrame, schools: pd.DataFrame,
                   issues: IssueLog) -> pd.DataFrame:
    """Columns: teacher, key, school, grade, subject, email_key (a roster export's email, by
    which a log naming the teacher by email is matched first)."""
    frame["teacher"] = parse.clean_text(frame["teacher"])
    require(frame, issues, "teacher", "Teacher", "the teacher's name")
    school_key = parse.name_key(frame["school"])
    frame["school"] = lookup(school_key, schools, "key", "school")
    frame[SCHOOL] = frame["school"]
    issues.warn(frame, frame["school"].isna(), "school", "School",
                "Not a school on the Schools tab; check the spelling here or there (the names "
                "must match).")
    frame["key"] = parse.name_key(frame["teacher"])
    frame["email_key"] = parse.name_key(frame["email"])
    for col in ("grade", "subject"):
        frame[col] = parse.clean_text(frame[col])
    return _keep(frame, ["teacher", "key", "school", "grade", "subject", "email_key"])


def _keep(frame: pd.DataFrame, columns: list[str], coded: Sequence[str] = ()) -> pd.DataFrame:
    """Rows without errors. Columns in `coded` stay categorical (text in alphabetical order)
    for the group-bys of the big tabs; the rest become plain values."""
    kept = frame.loc[frame[USABLE].to_numpy(dtype=bool), columns].reset_index(drop=True)
    for col in columns:
        if isinstance(kept[col].dtype, pd.CategoricalDtype):
            kept[col] = parse.sorted_text(kept[col]) if col in coded else parse.plain(kept[col])
    return kept


@dataclass(frozen=True)
class References:
    schools: pd.DataFrame
    coaches: pd.DataFrame
    coach_schools: pd.DataFrame
    teachers: pd.DataFrame

    def coach_of(self, names: pd.Series, emails: pd.Series | None = None) -> pd.Series:
        """Roster name for a coach typed as a name or an email, case-insensitively."""
        keys = parse.name_key(names)
        found = [lookup(keys, self.coaches, "key", "coach"),
                 lookup(keys, self.coaches, "email_key", "coach")]
        if emails is not None:
            found.append(lookup(parse.name_key(emails), self.coaches, "email_key", "coach"))
        return parse.coalesce(*found)

    def school_of(self, text: pd.Series) -> pd.Series:
        return lookup(parse.name_key(text), self.schools, "key", "school")

    def only_school(self, coaches: pd.Series) -> pd.Series:
        """The coach's school where they serve exactly one."""
        counts = self.coach_schools.groupby("coach")["school"].agg(list)
        single = {c: s[0] for c, s in counts.items() if len(s) == 1}
        return parse.per_distinct(coaches, lambda c: single.get(c) if isinstance(c, str) else None)

    def teacher_school(self, teachers: pd.Series) -> pd.Series:
        return lookup(parse.name_key(teachers), self.teachers, "key", "school")

    def teacher_name(self, teachers: pd.Series) -> pd.Series:
        return lookup(parse.name_key(teachers), self.teachers, "key", "teacher")


# ---------------------------------------------------------------- cycles and assessments


def check_cycles(frame: pd.DataFrame, refs: References, ctx: Context,
                 issues: IssueLog) -> pd.DataFrame:
    """Columns: cycle_id, coach, teacher, school, grade, subject, focus, targets, start_date,
    end_date, status, approach, cutoff, goal."""
    frame["cycle_id"] = cycle_ids(frame["cycle_id"])
    frame[COACH] = parse.clean_text(frame["coach"])
    frame[SCHOOL] = parse.coalesce(parse.clean_text(frame["school"]), frame[SCHOOL])
    require(frame, issues, "cycle_id", "Cycle ID", "a unique cycle ID such as LIN-2026-01")
    flag_duplicates(frame, issues, same(frame, ["cycle_id"]), "cycle_id", "Cycle ID",
                    "Another cycle already has this ID; give each cycle its own ID")
    _cycle_people(frame, refs, issues)
    _cycle_dates(frame, ctx, issues)
    _cycle_status(frame, ctx, issues)
    _cycle_targets(frame, ctx.settings, issues)
    for col in ("grade", "subject", "focus", "targets"):
        frame[col] = parse.clean_text(frame[col])
    frame["approach"] = _approach(frame, issues, ctx)
    return _keep(frame, ["cycle_id", "coach", "teacher", "school", "grade", "subject", "focus",
                         "targets", "start_date", "end_date", "status", "approach", "cutoff",
                         "goal"])


def cycle_ids(series: pd.Series) -> pd.Series:
    return parse.map_distinct(series, lambda v: parse.text_of(v).upper())[0]


def _cycle_people(frame: pd.DataFrame, refs: References, issues: IssueLog) -> None:
    require(frame, issues, "coach", "Coach", "the coach's name")
    typed = frame[COACH]
    frame["coach"] = refs.coach_of(frame["coach"])
    issues.error(frame, typed.notna() & frame["coach"].isna(), "coach", "Coach",
                "This coach is not on the Coaches tab. Check the spelling, or add the coach "
                "to the roster.")
    frame[COACH] = parse.coalesce(frame["coach"], frame[COACH])
    require(frame, issues, "teacher", "Teacher", "the teacher's name")
    typed = parse.clean_text(frame["teacher"])
    frame["teacher"] = parse.coalesce(refs.teacher_name(typed), typed)
    _resolve_school(frame, refs, issues, frame["teacher"])


def _resolve_school(frame: pd.DataFrame, refs: References, issues: IssueLog,
                    teachers: pd.Series | None) -> None:
    """School as typed, else the source's school, the teacher's school, the coach's only one."""
    typed = parse.clean_text(frame["school"])
    found = refs.school_of(typed)
    issues.error(frame, typed.notna() & found.isna(), "school", "School",
                "Not a school on the Schools tab. Check the spelling; until then this row is "
                "left out.")
    fallbacks = [refs.school_of(frame[SCHOOL])]
    if teachers is not None:
        fallbacks.append(refs.teacher_school(teachers))
    fallbacks.append(refs.only_school(frame["coach"]))
    frame["school"] = parse.coalesce(found, parse.coalesce(*fallbacks).where(typed.isna()))
    issues.error(frame, typed.isna() & frame["school"].isna(), "school", "School",
                "School is blank and the coach serves several schools; fill in the school.")
    frame[SCHOOL] = parse.coalesce(frame["school"], typed)


def _cycle_dates(frame: pd.DataFrame, ctx: Context, issues: IssueLog) -> None:
    start, bad_start = parse.parse_dates(frame["start_date"])
    end, bad_end = parse.parse_dates(frame["end_date"])
    issues.error(frame, bad_start | start.isna(), "start_date", "Start date",
                "Start date is blank or not a date. Enter it like 2026-09-14 or 9/14/2026.")
    issues.error(frame, bad_end, "end_date", "End date",
                "End date is not a date. Enter it like 2026-10-23 or 10/23/2026.")
    issues.error(frame, end < start, "end_date", "End date",
                "End date is before the start date; correct one of them.")
    outside = (start < pd.Timestamp(ctx.year.start)) | (start > pd.Timestamp(ctx.year.end))
    issues.error(frame, outside, "start_date", "Start date",
                f"Start date is outside the school year ({ctx.year.start} to {ctx.year.end}).")
    frame["start_date"], frame["end_date"] = start, end


def _cycle_status(frame: pd.DataFrame, ctx: Context, issues: IssueLog) -> None:
    status = district_labels(frame, issues, "status", "Status", ctx.vocabulary, issues.warn,
                             "Unknown status; use Planned, Active, Complete or Abandoned. The "
                             "status was worked out from the dates meanwhile.")
    today = pd.Timestamp(ctx.today)
    inferred = pd.Series(CycleStatus.ACTIVE.value, index=frame.index, dtype=object)
    inferred[frame["start_date"] > today] = CycleStatus.PLANNED.value
    inferred[frame["end_date"] < today] = CycleStatus.COMPLETE.value
    frame["status"] = parse.coalesce(enum_values(status), inferred)
    ended = frame["status"].isin([CycleStatus.COMPLETE.value, CycleStatus.ABANDONED.value])
    issues.warn(frame, ended & frame["end_date"].isna(), "end_date", "End date",
                "The cycle is marked as finished but has no end date; fill in the date it "
                "ended. Until then it is listed without one.")


def _cycle_targets(frame: pd.DataFrame, settings: Settings, issues: IssueLog) -> None:
    cutoff, bad_cutoff = parse.parse_numbers(frame["cutoff"])
    bad_cutoff |= (cutoff < 0) | (cutoff > settings.score_max)
    issues.warn(frame, bad_cutoff, "cutoff", "Proficiency cutoff",
                f"Should be a score from 0 to {settings.score_max:g}; the district default "
                f"({settings.proficiency_cutoff:g}) is used.")
    frame["cutoff"] = cutoff.where(~bad_cutoff).fillna(settings.proficiency_cutoff)
    goal, bad_goal = parse.parse_numbers(frame["goal"])
    goal = goal.where(~((goal > 0) & (goal <= 1)), goal * 100)  # 0.8 typed in a % cell
    bad_goal |= (goal < 0) | (goal > 100)
    issues.warn(frame, bad_goal, "goal", "Goal",
                f"Goal should be the % of students proficient at the end, 0 to 100; the "
                f"district default ({settings.goal:g}%) is used.")
    frame["goal"] = goal.where(~bad_goal).fillna(settings.goal)


def _approach(frame: pd.DataFrame, issues: IssueLog, ctx: Context) -> pd.Series:
    approach = district_labels(frame, issues, "approach", "Approach", ctx.vocabulary,
                               issues.warn, "Unknown approach; use Student-centered, "
                               "Teacher-centered or Relationship-driven.")
    return enum_values(approach)


def district_labels(frame: pd.DataFrame, issues: IssueLog, name: str, label: str,
                    vocabulary: Mapping[str, Mapping[str, Enum]] | None,
                    record: Callable[..., None], unknown: str) -> pd.Series:
    """A label column read as its terms (see `core.labels`): unknown labels and labels naming
    two terms recorded (`record`: `issues.error` or `issues.warn`), labels read by their words
    noted for `check`."""
    read = read_labels(frame[name], VOCABULARIES[name], (vocabulary or {}).get(name, {}))
    record(frame, read.unknown, name, label, unknown)
    if read.terms_of:
        messages = {text: two_terms_message(name, text, terms)
                    for text, terms in read.terms_of.items()}
        record(frame, read.two_terms.notna(), name, label,
               parse.plain(read.two_terms).map(messages))
    for text, term in read.guessed.items():
        issues.notes.append(f"read {name} '{text}' as {term.value}")
    return read.values


def two_terms_message(name: str, text: str, terms: Sequence[Enum]) -> str:
    said = " and ".join(str(t.value) for t in terms)
    example = str(text).replace('"', "'")
    return (f"'{text}' names more than one {name} ({said}). Say which it counts as in the "
            f'config: vocabulary: {{{name}: {{"{example}": {terms[0].value}}}}}.')


def check_assessments(frame: pd.DataFrame, cycles: pd.DataFrame, ctx: Context,
                      issues: IssueLog) -> pd.DataFrame:
    """Columns: cycle_id, student (an opaque number, never the ID), pre, post."""
    frame["cycle_id"] = cycle_ids(frame["cycle_id"])
    frame[COACH] = lookup(frame["cycle_id"], cycles, "cycle_id", "coach")
    frame[SCHOOL] = lookup(frame["cycle_id"], cycles, "cycle_id", "school")
    require(frame, issues, "cycle_id", "Cycle ID", "the cycle ID from the Cycles tab")
    issues.error(frame, frame["cycle_id"].notna() & frame[COACH].isna(), "cycle_id", "Cycle ID",
                "No cycle with this ID on the Cycles tab (or that cycle has an error). Check "
                "the ID; until then these scores are left out.")
    ids, texts = parse.distinct(frame["student_id"])  # one hash pass: IDs are mostly unique
    frame["student"] = ids  # an opaque number per student; the ID itself goes no further
    require(frame, issues, "student_id", "Student ID", "the student's ID", sensitive=True,
            blank=pd.Series(parse.blank_of(texts)[ids], index=frame.index))
    flag_duplicates(frame, issues, same(frame, ["cycle_id", "student"]), "student_id",
                    "Student ID",
                    "This student already has scores for this cycle; delete the extra row",
                    sensitive=True)
    _scores(frame, ctx.settings, issues)
    return _keep(frame, ["cycle_id", "student", "pre", "post"], coded=["cycle_id"])


def _scores(frame: pd.DataFrame, settings: Settings, issues: IssueLog) -> None:
    top = settings.score_max
    no_pre = _blank(frame, "pre")
    for name, label in (("pre", "Pre score"), ("post", "Post score")):
        score, bad = parse.parse_scores(frame[name], settings.level_scores)
        levels = ", ".join(settings.level_scores) or "none set"
        issues.error(frame, bad, name, label,
                    f"{label} is not a score. Enter a number from 0 to {top:g}, a percentage "
                    f"like 85%, or a level label from the config ({levels}).")
        issues.error(frame, (score < 0) | (score > top), name, label,
                    f"{label} is outside the scale (0 to {top:g}). Check for a typo.")
        frame[name] = score
    issues.error(frame, no_pre, "pre", "Pre score",
                "Pre score is blank, so this student cannot be counted. Enter the "
                "pre-assessment score, or delete the row if the student was not assessed.")


# ---------------------------------------------------------------- coaching log


def check_logs(frame: pd.DataFrame, refs: References, cycles: pd.DataFrame, ctx: Context,
               issues: IssueLog) -> pd.DataFrame:
    """Columns: date, coach, school, teachers (tuple), cycle_id (valid or None), activity,
    coaching (bool), minutes, approach."""
    _log_coach(frame, refs, issues)
    _resolve_school(frame, refs, issues, None)
    _log_date(frame, ctx, issues)
    _log_activity(frame, issues, ctx.vocabulary)
    _log_minutes(frame, ctx.settings, issues)
    _log_cycle(frame, cycles, issues)
    _log_teachers(frame, refs, issues)
    frame["approach"] = _approach(frame, issues, ctx)
    _log_duplicates(frame, issues)
    return _keep(frame, ["date", "coach", "school", "teachers", "cycle_id", "activity",
                         "coaching", "minutes", "approach"],
                 coded=["coach", "school", "teachers", "cycle_id", "activity"])


def _log_coach(frame: pd.DataFrame, refs: References, issues: IssueLog) -> None:
    typed = parse.coalesce(parse.clean_text(frame["coach"]), parse.clean_text(frame["coach_email"]))
    frame[COACH] = typed
    issues.error(frame, typed.isna(), "coach", "Coach",
                "Coach is blank. Fill in the coach's name or email; until then this row is "
                "left out.")
    frame["coach"] = refs.coach_of(frame["coach"], frame["coach_email"])
    issues.error(frame, typed.notna() & frame["coach"].isna(), "coach", "Coach",
                "Not a coach on the Coaches tab. Check the spelling or email, or add the coach "
                "to the roster; until then this row is left out.")
    frame[COACH] = parse.coalesce(frame["coach"], frame[COACH])


def _log_date(frame: pd.DataFrame, ctx: Context, issues: IssueLog) -> None:
    date, bad = parse.parse_dates(frame["date"])
    issues.error(frame, bad, "date", "Date",
                "Not a date. Enter it like 2026-11-03 or 11/3/2026.")
    blank = date.isna() & ~bad
    stamp = parse.parse_dates(frame["timestamp"][blank])[0]  # form timestamps: mostly unique
    issues.warn(frame, stamp.notna().reindex(frame.index, fill_value=False), "date", "Date",
                "Date is blank; the form's Timestamp date was used. Fill in the session date "
                "if it was a different day.")
    date[blank] = stamp
    date = date.dt.normalize()
    issues.error(frame, date.isna() & ~bad, "date", "Date",
                "Date is blank. Fill in the date of the session.")
    issues.error(frame, date > pd.Timestamp(ctx.today), "date", "Date",
                f"Date is in the future (today is {ctx.today}). Check the year and month.")
    outside = (date < pd.Timestamp(ctx.year.start)) | (date > pd.Timestamp(ctx.year.end))
    issues.error(frame, outside, "date", "Date",
                f"Date is outside the school year ({ctx.year.start} to {ctx.year.end}).")
    frame["date"] = date


def _log_activity(frame: pd.DataFrame, issues: IssueLog,
                  vocabulary: Mapping[str, Mapping[str, Enum]]) -> None:
    require(frame, issues, "activity", "Activity", "the type of session")
    known = ", ".join(VOCABULARY_TERMS["activity"])
    activity = district_labels(
        frame, issues, "activity", "Activity", vocabulary, issues.error,
        f"Not a known activity. Use one of: {known}; or map this label to one of them in the "
        f"config (vocabulary: {{activity: {{\"Your label\": planning}}}}).")
    frame["activity"] = enum_values(activity)
    frame["coaching"] = ~parse.per_distinct(activity, lambda a: a in NON_COACHING).astype(bool)


def _log_minutes(frame: pd.DataFrame, settings: Settings, issues: IssueLog) -> None:
    require(frame, issues, "minutes", "Minutes", "how long the session took")
    minutes, bad = parse.parse_minutes(frame["minutes"], settings.half_day_minutes,
                                       settings.full_day_minutes)
    issues.error(frame, bad, "minutes", "Minutes",
                "Not a length of time. Enter minutes like 45, or '1 hr', '1:30', 'half day'.")
    issues.error(frame, (minutes <= 0) | (minutes > settings.full_day_minutes), "minutes",
                "Minutes",
                f"Should be between 1 and {settings.full_day_minutes} minutes (a full day); "
                "split longer work over several rows.")
    frame["minutes"] = minutes


def _log_cycle(frame: pd.DataFrame, cycles: pd.DataFrame, issues: IssueLog) -> None:
    typed = cycle_ids(frame["cycle_id"])
    ids = set(cycles["cycle_id"])
    known = parse.per_distinct(typed, lambda v: v in ids).astype(bool)
    issues.warn(frame, typed.notna() & ~known, "cycle_id", "Cycle ID",
                "No cycle with this ID on the Cycles tab. Correct the ID; until then these "
                "minutes count as time outside cycles.")
    frame["cycle_id"] = typed.where(known, None)


def _log_teachers(frame: pd.DataFrame, refs: References, issues: IssueLog) -> None:
    """Teacher names as on the roster; one cell may name several teachers."""
    typed = parse.clean_text(frame["teacher"])
    roster = dict(zip(refs.teachers["key"], refs.teachers["teacher"], strict=True))
    by_email = zip(refs.teachers["email_key"], refs.teachers["teacher"], strict=True)
    roster |= {e: t for e, t in by_email
               if isinstance(e, str)}  # by email first: names are spelled many ways

    def resolve(cell: object) -> tuple[tuple[str, ...], bool]:
        if not isinstance(cell, str):
            return (), False
        names = parse.split_known(cell, roster)
        unknown = bool(roster) and any(n.casefold() not in roster for n in names)
        return tuple(roster.get(n.casefold(), n) for n in names), unknown
    unknown = parse.per_distinct(typed, lambda c: resolve(c)[1]).astype(bool)
    issues.warn(frame, unknown, "teacher", "Teacher",
                "Not on the Teachers tab; check the spelling so this teacher is counted once.")
    frame["teachers"] = parse.per_distinct(typed, lambda c: resolve(c)[0])
    frame[TEACHER_KEY] = parse.name_key(typed)


def _log_duplicates(frame: pd.DataFrame, issues: IssueLog) -> None:
    """A session logged twice: rows of one tab (TAB, from the bookkeeping) alike in every field
    the earlier steps settled, the teacher cell (TEACHER_KEY, from `_log_teachers`) and the
    notes. Runs last, over the fields as parsed."""
    keys = [TAB, "date", "coach", "school", "activity", "minutes", "cycle_id", "approach",
            TEACHER_KEY]
    groups = same(frame, keys)
    # Notes are mostly unique: compare them only among rows that match on everything else,
    # numbered below zero so they never meet the other rows' groups.
    twins = pd.Series(groups).duplicated(keep=False).to_numpy()
    notes, texts = parse.distinct(frame["notes"][twins])
    groups[twins] = -1 - (pd.factorize(groups[twins])[0] * (len(texts) + 1) + notes + 1)
    flag_duplicates(frame, issues, groups, "date", "Date",
                    "Same session as another row; the form was probably submitted twice. "
                    "Delete this row")


__all__ = ["KIND_LABELS", "Context", "TabCount", "Validated", "validate"]
