"""The one place for tab kinds, field names, header aliases and vocabularies.

Everything that knows what a column is called, in the sheets people keep or in the tabs the job
writes, reads it from here.
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from enum import StrEnum


class TabKind(StrEnum):
    """The kinds of input tab a source can hold."""

    COACHING_LOG = "coaching_log"
    CYCLES = "cycles"
    ASSESSMENTS = "assessments"
    SCHOOLS = "schools"
    COACHES = "coaches"
    TEACHERS = "teachers"


class Severity(StrEnum):
    ERROR = "error"  # the row is left out of every figure
    WARNING = "warning"  # the row is kept; something should still be fixed


@dataclass(frozen=True)
class Field:
    """One logical column: its canonical name, the headers it is known by, whether a tab needs
    it."""

    name: str
    label: str
    aliases: tuple[str, ...]
    required: bool = False
    sensitive: bool = False  # never echoed into any output, not even in a data issue
    mostly_unique: bool = False
    """A different value in almost every row (form timestamps, free text): read as plain cells,
    since coding a column (see `parse.coded`) only pays where values repeat."""
    blank_figure: str | None = None
    """What a tab without this (optional) column leaves blank or changes, said in a warning."""
    duration: bool = False
    """Holds a length of time: the header's unit (minutes or hours) says how to read numbers."""


def normalise_header(text: object) -> str:
    """Case, spacing, punctuation and a trailing '?' do not matter when matching headers."""
    s = str(text).strip().lower().rstrip("?")
    return re.sub(r"[^0-9a-z%#]+", " ", s).strip()


F = Field
FIELDS: dict[TabKind, tuple[Field, ...]] = {
    TabKind.COACHING_LOG: (
        F("timestamp", "Timestamp", ("Timestamp",), mostly_unique=True),
        F("date", "Date", ("Date", "Session date", "Date of session", "Date of event/visit",
                           "Date of visit", "Date of event", "Date of contact",
                           "Date of coaching", "Meeting date", "Visit date"),
          required=True),
        F("coach", "Coach", ("Coach", "Coach name", "Coach's name", "Your name",
                             "Instructional coach", "Coach first and last name", "Logged by",
                             "Submitted by")),
        F("coach_email", "Email Address", ("Email Address", "Email", "Coach email",
                                           "Coach email address", "Username")),
        F("school", "School", ("School", "Campus", "Building", "School name", "Site",
                               "Location"),
          blank_figure="each row's school (rows go to the coach's only school; a coach with "
          "several schools has every row left out)"),
        F("teacher", "Teacher", ("Teacher", "Teacher name", "Teacher(s)", "Teachers",
                                 "Teachers coached", "Teacher(s) coached", "Educator"),
          blank_figure="teachers coached (it reads 0)"),
        F("cycle_id", "Cycle ID", ("Cycle ID", "Coaching cycle", "Cycle", "Coaching cycle ID",
                                   "Cycle number", "Cycle name"),
          blank_figure="time in cycles (every minute counts as outside cycles) and the sessions "
          "and hours per cycle"),
        F("activity", "Activity", ("Activity", "Type of session", "Interaction type",
                                   "Session type", "Activity type", "Type of coaching",
                                   "Coaching activity", "Coaching type", "Type of activity",
                                   "Coaching move", "Purpose", "Focus of session",
                                   "Type of support", "Support type", "Event type",
                                   "Interaction"),
          required=True),
        F("minutes", "Minutes", ("Minutes", "Duration", "Duration (minutes)", "Time spent",
                                 "Length", "Time spent (minutes)", "Time", "Length of session",
                                 "Session length", "Total time", "Amount of time"),
          required=True, duration=True),
        F("approach", "Approach", ("Approach", "Coaching approach")),
        F("notes", "Notes", ("Notes", "Reflection", "Reflections", "Comments"), sensitive=True,
          mostly_unique=True),
    ),
    TabKind.CYCLES: (
        F("cycle_id", "Cycle ID", ("Cycle ID", "Cycle", "ID", "Coaching cycle",
                                   "Coaching cycle ID"), required=True),
        F("coach", "Coach", ("Coach", "Coach name", "Coach email"), required=True),
        F("teacher", "Teacher", ("Teacher", "Teacher name", "Teacher(s)"), required=True),
        F("school", "School", ("School", "Campus", "Building")),
        F("grade", "Grade", ("Grade", "Grade level")),
        F("subject", "Subject", ("Subject", "Content area", "Course")),
        F("focus", "Focus", ("Focus", "Standard", "Focus or standard", "Focus/standard",
                             "Goal statement", "Cycle goal")),
        F("targets", "Learning targets", ("Learning targets", "Targets")),
        F("start_date", "Start date", ("Start date", "Start", "Begin date"), required=True),
        F("end_date", "End date", ("End date", "End", "Planned end date"),
          blank_figure="cycle length (the status is worked out from the start date alone)"),
        F("status", "Status", ("Status", "Cycle status")),
        F("approach", "Approach", ("Approach", "Coaching approach")),
        F("cutoff", "Proficiency cutoff", ("Proficiency cutoff", "Cutoff", "Proficient at",
                                           "Proficiency score", "Cut score",
                                           "Proficiency threshold"),
          blank_figure="each cycle's proficiency cutoff (settings.proficiency_cutoff is used)"),
        F("goal", "Goal", ("Goal", "Goal %", "Goal (% proficient)", "Target % proficient",
                           "Goal % proficient", "Percent proficient goal"),
          blank_figure="each cycle's goal (settings.goal is used)"),
    ),
    TabKind.ASSESSMENTS: (
        F("cycle_id", "Cycle ID", ("Cycle ID", "Cycle", "Coaching cycle", "Coaching cycle ID"),
          required=True),
        F("student_id", "Student ID", ("Student ID", "Student", "Student number", "ID"),
          required=True, sensitive=True, mostly_unique=True),
        F("pre", "Pre score", ("Pre", "Pre score", "Pre-assessment", "Pre assessment",
                               "Pre-assessment score", "Pre-test", "Pretest"), required=True),
        F("post", "Post score", ("Post", "Post score", "Post-assessment", "Post assessment",
                                 "Post-assessment score", "Post-test", "Posttest"),
          blank_figure="every post score (no student counts as assessed, so no growth is "
          "shown)"),
    ),
    TabKind.SCHOOLS: (
        F("school", "School", ("School", "School name", "Name", "Campus"), required=True),
        F("principal", "Principal", ("Principal", "Principal name"),
          blank_figure="the principal's name in the email greeting"),
        F("principal_email", "Principal email", ("Principal email", "Principal e-mail",
                                                 "Email", "Principal email address"),
          blank_figure="every principal's email address (no weekly report can be sent)"),
        F("classroom_teachers", "Classroom teachers", (
            "Classroom teachers", "Number of classroom teachers", "Teachers",
            "# classroom teachers", "Teacher count", "Classroom teacher FTE"), required=True),
        F("need", "Need indicator", ("Need indicator", "Need", "% economically disadvantaged",
                                     "Economically disadvantaged %", "FRL %", "FRL",
                                     "Free/reduced lunch", "Free and reduced price lunch",
                                     "Poverty", "Low income", "Title I percent"),
          blank_figure="the need column of the equity view"),
        F("stage", "Implementation stage", ("Implementation stage", "Stage",
                                            "Coaching stage", "Implementation phase"),
          blank_figure="benchmark status (no school is checked against a benchmark)"),
    ),
    TabKind.COACHES: (
        F("coach", "Coach", ("Coach", "Name", "Coach name"), required=True),
        F("email", "Email", ("Email", "Email address", "Coach email"),
          blank_figure="coach emails (log rows naming the coach by email do not match)"),
        F("schools", "Schools", ("Schools", "School", "School(s)", "Campuses",
                                 "Schools served", "Assigned schools", "Buildings"),
          blank_figure="each coach's schools (every log row must then name its school)"),
        F("fte", "FTE", ("FTE",)),
    ),
    TabKind.TEACHERS: (
        F("teacher", "Teacher", ("Teacher", "Name", "Teacher name"), required=True),
        F("school", "School", ("School", "Campus", "Building"), required=True),
        F("grade", "Grade", ("Grade", "Grade level")),
        F("subject", "Subject", ("Subject", "Content area")),
        F("email", "Email", ("Email", "Email address", "Teacher email")),
    ),
}


# ---------------------------------------------------------------- how people write headers
# Used by the scored matcher in core/headers.py. A header is read as its words, less the hints in
# parentheses or after a dash (whose unit is kept), question phrasing and filler.

HEADER_UNITS: dict[str, str] = {
    "min": "minutes", "mins": "minutes", "minute": "minutes", "minutes": "minutes",
    "mn": "minutes", "m": "minutes", "hr": "hours", "hrs": "hours", "hour": "hours",
    "hours": "hours", "h": "hours",
}
"""Unit words in a header (or one of its hints) and the unit a duration column's numbers are in.
One-letter units count only as a whole hint: `Time (h)`."""
UNIT_MINUTES: dict[str, int] = {"minutes": 1, "hours": 60}

HEADER_PHRASES: tuple[tuple[str, str], ...] = (
    (r"^how (long|much time)\b", "duration "),
    (r"^(how many|number of|total number of) (minutes|hours|mins|hrs)\b", r"\2 "),
    (r"^how many\b", "number "),
    (r"^when\b", "date "), (r"^what (day|date)\b", "date "),
    (r"\btake place\b|\btook place\b", " "),
    (r"\bwho did you (coach|work with|support|meet with)\b", "teacher "),
    (r"\bfree (and|&|/)? ?reduced\b", "free reduced"), (r"\be-mail\b", "email"),
    (r"\bco-", "co"), (r"\bpre-", "pre"), (r"\bpost-", "post"),
)
"""Question phrasing rewritten before a header is split into words (regex, replacement)."""

HEADER_ABBREVIATIONS: dict[str, str] = {
    "#": "number", "no": "number", "num": "number", "nbr": "number", "count": "number",
    "%": "percent", "pct": "percent", "percentage": "percent", "econ": "economically",
    "economic": "economically", "dis": "disadvantaged", "disadv": "disadvantaged",
    "disadvantage": "disadvantaged", "frl": "frl", "frpl": "frl", "tchr": "teacher",
    "bldg": "building", "sess": "session", "mtg": "meeting", "gr": "grade", "lvl": "level",
    "approx": "approximate", "est": "estimated", "prin": "principal", "yr": "year",
    "mail": "email", "emails": "email", "typ": "type", "dt": "date", "fname": "name",
    "started": "start", "ended": "end", "began": "begin", "completed": "complete",
}
"""Abbreviations people use in headers, read as the word they stand for."""

HEADER_STOPWORDS: frozenset[str] = frozenset([
    "a", "an", "the", "of", "for", "to", "in", "on", "at", "by", "with", "was", "were", "is",
    "are", "did", "do", "does", "you", "your", "i", "we", "our", "my", "please", "enter",
    "select", "choose", "list", "which", "what", "who", "whom", "where", "this", "that", "if",
    "any", "and", "or", "provide", "provided", "work", "worked", "working", "meet", "support",
    "supported", "today", "here", "all", "apply", "use", "used", "check", "each", "optional",
    "required", "only", "one", "many", "how", "did", "was",
])
"""Words that carry no meaning in a header (question phrasing, Form instructions)."""

HEADER_FILLER: frozenset[str] = frozenset([
    "total", "session", "actual", "approximate", "estimated", "logged", "coaching", "s",
    "number", "percent", "name", "type", "interaction", "visit", "event", "meeting", "contact",
])
"""Words a header may add to an alias and still mean the same field (a small penalty each)."""

HEADER_DURATION_FILLER: frozenset[str] = frozenset(
    ["time", "spent", "spend", "long", "length", "duration"])
"""More such words, for a duration column only (`Time spent (hrs)`, `How long...`)."""

HEADER_IDENTIFIERS: frozenset[str] = frozenset(["id", "code", "number", "name"])
"""Words that make a header a different column unless the field's own aliases use them:
`Teacher ID` is not Teacher, `Student name` is not Student ID."""

HEADER_SOFT: frozenset[str] = frozenset(["number", "percent", "name", "total", "spent"])
"""Words a header may leave out of an alias (`Economically disadvantaged` for `% econ. dis.`)."""

HEADER_GENERIC: frozenset[str] = frozenset([
    "session", "coaching", "type", "name", "number", "percent", "interaction", "visit", "event",
    "meeting", "contact",
])
"""Words shared by several fields' aliases that never tell one field from another."""

LEVEL_ORDER: tuple[str, ...] = (
    "notyet", "beginning", "emerging", "below", "belowbasic", "basic", "approaching",
    "approachingstandard", "developing", "progressing", "partiallyproficient", "meeting", "meets",
    "meetsstandard", "proficient", "secure", "exceeding", "exceeds", "exceedsstandard",
    "advanced", "mastery",
)
"""Level labels of the usual proficiency scales, lowest first (as `vocabulary_key`s): `init`
numbers the labels it finds in score columns in this order."""

VOCABULARY_BLANKS: frozenset[str] = frozenset(
    {"na", "n/a", "n.a.", "none", "-", "--", "---", "–", "—", "null", "nil",
     "not applicable", "no cycle", "n a", "."})
"""What people type in an optional cell to say 'nothing here': read as blank there."""


def field(kind: TabKind, name: str) -> Field:
    return next(f for f in FIELDS[kind] if f.name == name)


class Activity(StrEnum):
    PLANNING = "planning"
    MODELING = "modeling"
    CO_TEACHING = "co-teaching"
    OBSERVATION = "observation"
    DEBRIEF = "debrief"
    STUDENT_WORK = "student-work analysis"
    PLC = "PLC / team facilitation"
    PRINCIPAL_MEETING = "principal meeting"
    COACH_PL = "coach professional learning"
    OTHER_DUTIES = "other duties"


NON_COACHING: frozenset[Activity] = frozenset({Activity.COACH_PL, Activity.OTHER_DUTIES})

ACTIVITY_SYNONYMS: dict[Activity, tuple[str, ...]] = {
    Activity.PLANNING: ("planning", "plan", "co-planning", "coplanning", "lesson planning",
                        "planning meeting", "planning session"),
    Activity.MODELING: ("modeling", "modelling", "model lesson", "model teaching",
                        "demonstration lesson", "demo lesson", "modeled lesson"),
    Activity.CO_TEACHING: ("co-teaching", "coteaching", "co teach", "co-teach", "co-taught",
                           "team teaching"),
    Activity.OBSERVATION: ("observation", "observe", "observed", "classroom observation",
                           "walkthrough", "classroom visit"),
    Activity.DEBRIEF: ("debrief", "debriefing", "feedback", "feedback conversation",
                       "reflection conversation", "post-observation debrief"),
    Activity.STUDENT_WORK: ("student-work analysis", "student work analysis",
                            "looking at student work", "data analysis", "data meeting",
                            "analyzing student work", "data dive"),
    Activity.PLC: ("PLC / team facilitation", "PLC", "team facilitation", "PLC facilitation",
                   "team meeting", "grade level team", "professional learning community"),
    Activity.PRINCIPAL_MEETING: ("principal meeting", "meeting with principal",
                                 "principal check-in", "admin meeting", "principal/coach meeting"),
    Activity.COACH_PL: ("coach professional learning", "coach PL", "coach PD",
                        "professional learning", "professional development", "coach training"),
    Activity.OTHER_DUTIES: ("other duties", "other", "subbing", "substitute", "sub coverage",
                            "testing", "test proctoring", "lunch duty", "recess duty",
                            "bus duty", "admin", "administrative", "duty"),
}


def vocabulary_key(text: object) -> str:
    """Key used to match free text against a vocabulary: case, spaces and punctuation ignored."""
    return re.sub(r"[^0-9a-z]+", "", str(text).lower())


ACTIVITY_LOOKUP: dict[str, Activity] = {
    vocabulary_key(s): act for act, names in ACTIVITY_SYNONYMS.items() for s in names
}


class Approach(StrEnum):
    STUDENT_CENTERED = "student-centered"
    TEACHER_CENTERED = "teacher-centered"
    RELATIONSHIP_DRIVEN = "relationship-driven"


APPROACH_LOOKUP: dict[str, Approach] = {
    vocabulary_key(a.value): a for a in Approach
} | {vocabulary_key(a.value.split("-")[0]): a for a in Approach}


class CycleStatus(StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    COMPLETE = "complete"
    ABANDONED = "abandoned"


STATUS_LOOKUP: dict[str, CycleStatus] = {vocabulary_key(s.value): s for s in CycleStatus} | {
    "completed": CycleStatus.COMPLETE, "done": CycleStatus.COMPLETE,
    "finished": CycleStatus.COMPLETE, "inprogress": CycleStatus.ACTIVE,
    "ongoing": CycleStatus.ACTIVE, "notstarted": CycleStatus.PLANNED,
    "cancelled": CycleStatus.ABANDONED, "canceled": CycleStatus.ABANDONED,
    "stopped": CycleStatus.ABANDONED, "discontinued": CycleStatus.ABANDONED,
}


class Stage(StrEnum):
    """Sweeney's implementation stages; the benchmarks a school is checked against."""

    PRELAUNCH = "prelaunch"
    LAUNCH = "launch"
    IMPLEMENT = "implement"


STAGE_LABELS: dict[Stage, str] = {
    Stage.PRELAUNCH: "Prelaunch",
    Stage.LAUNCH: "Launch",
    Stage.IMPLEMENT: "Implement, monitor & adjust",
}

STAGE_LOOKUP: dict[str, Stage] = {
    "prelaunch": Stage.PRELAUNCH, "prelaunchstage": Stage.PRELAUNCH,
    "launch": Stage.LAUNCH, "launchstage": Stage.LAUNCH,
    "implement": Stage.IMPLEMENT, "implementation": Stage.IMPLEMENT,
    "implementmonitoradjust": Stage.IMPLEMENT, "implementmonitorandadjust": Stage.IMPLEMENT,
    "implementmonitoringadjusting": Stage.IMPLEMENT,
}


VOCABULARIES: dict[str, dict[str, Activity] | dict[str, CycleStatus] | dict[str, Stage]
                   | dict[str, Approach]] = {
    "activity": ACTIVITY_LOOKUP, "status": STATUS_LOOKUP, "stage": STAGE_LOOKUP,
    "approach": APPROACH_LOOKUP,
}
"""The label columns a district can map its own labels in (`vocabulary:` in the config)."""

VOCABULARY_TERMS: dict[str, tuple[str, ...]] = {
    "activity": tuple(a.value for a in Activity), "status": tuple(s.value for s in CycleStatus),
    "stage": tuple(s.value for s in Stage), "approach": tuple(a.value for a in Approach),
}


class OutputTab(StrEnum):
    """The tabs the job owns in its output spreadsheet."""

    DASHBOARD = "Dashboard"
    SCHOOLS = "Schools"
    COACHES = "Coaches"
    CYCLES = "Cycles"
    DISTRICT = "District"
    EQUITY = "Equity"
    TRENDS = "Trends"
    HOURS_BY_WEEK = "Hours by Week"
    DATA_ISSUES = "Data Issues"
    RUN_LOG = "Run Log"


def tab_sheet_id(title: str) -> int:
    """The Google sheetId the job gives a tab it creates: stable per title, so an email can link
    to a tab before the tabs are written (sync.google_write moves on only if it is taken)."""
    return zlib.crc32(title.encode()) % 1_000_000_000 + 1


OWNER_MARK = "coaching-impact-owner"
"""Marks a tab as the job's own (xlsx: a sheet-scoped defined name; Google: developer metadata)."""

RUN_LOG_HEADER: tuple[str, ...] = (
    "Run at", "Report week", "Rows read", "Rows valid", "Rows flagged", "Errors", "Warnings",
    "Tabs written", "Emails", "Outcome",
)
