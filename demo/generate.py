"""The Riverbend Unified demo district: the workbooks the demo reads, built from a fixed seed.

`python -m demo.generate` rewrites demo/data/ byte for byte; the output is committed, so the demo
needs no generation step. Building rows (`build_district`) is kept apart from writing them
(`write_workbooks`) so a benchmark can build a far larger district with
`generate(out_dir, schools=300, log_rows=1_000_000)`.

The rows are as messy as real sheets (typed durations, text dates, synonyms, stray capitals) and a
few are wrong on purpose: `planted_bad_rows()` says where, for tests to check the job flags exactly
them, and `planted_quirks()` lists odd but valid rows. `python -m demo.generate --planted` prints both.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from operator import itemgetter
from pathlib import Path
from typing import TypeVar
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from core.schema import (
    ACTIVITY_LOOKUP,
    APPROACH_LOOKUP,
    STAGE_LABELS,
    STAGE_LOOKUP,
    STATUS_LOOKUP,
    Activity,
    Approach,
    CycleStatus,
    Stage,
    vocabulary_key,
)

Row = tuple[object, ...]
T = TypeVar("T")
SEED = 20261123
DISTRICT_NAME = "Riverbend Unified School District"
TIME_ZONE = "America/Chicago"
SCHOOL_YEAR = (dt.date(2026, 8, 17), dt.date(2027, 6, 4))
TODAY = dt.date(2026, 11, 23)
LOG_START, LOG_END = dt.date(2026, 8, 24), dt.date(2026, 11, 20)
REPORT_WEEK = (dt.date(2026, 11, 16), dt.date(2026, 11, 22))
HOLIDAYS = (dt.date(2026, 9, 7),)  # Labor Day
PLANNED_START = dt.date(2026, 12, 7)
FIXED_TIME = dt.datetime(2026, 11, 23, 6, 0)
DOMAIN = "riverbend.example"

DISTRICT_FILE, FORM_FILE, OWN_LOG_FILE = "district.xlsx", "coaching-log.xlsx", "hillcrest-coaching-log.xlsx"
FORM_TAB, OWN_LOG_TAB = "Form Responses 1", "Log"
SCHOOLS_HEADER = ("School", "Principal", "Principal email", "Number of classroom teachers",
                  "% economically disadvantaged", "Implementation stage")
COACHES_HEADER = ("Name", "Email", "Schools", "FTE")
TEACHERS_HEADER = ("Teacher", "School", "Grade", "Subject")
CYCLES_HEADER = ("Cycle ID", "Coach", "Teacher", "School", "Grade", "Subject", "Focus / standard",
                 "Learning targets", "Start date", "End date", "Status", "Approach",
                 "Proficiency cutoff", "Goal (% proficient)")
ASSESSMENTS_HEADER = ("Cycle ID", "Student ID", "Pre score", "Post score")
FORM_HEADER = ("Timestamp", "Email Address", "Date of Session", "Which school?", "Teacher name",
               "Coaching cycle ID (if part of a cycle)", "Type of session", "Duration (minutes)",
               "Coaching approach", "Notes")
OWN_LOG_HEADER = ("Date", "Coach", "Teacher", "Cycle", "Activity", "Time spent", "Notes")


# --- The district's people and places -------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class School:
    name: str
    principal: str
    email: str
    teachers: int
    need: int
    stage: Stage
    level: str  # elementary | middle | high
    code: str  # cycle ID prefix


@dataclass(frozen=True, slots=True)
class Coach:
    name: str
    email: str
    schools: tuple[str, ...]
    fte: float
    own_sheet: bool = False  # keeps a personal log instead of using the Form


@dataclass(frozen=True, slots=True)
class Teacher:
    name: str
    school: str
    grade: int | str
    subject: str


@dataclass(slots=True)
class Cycle:
    coach: Coach
    school: School
    teacher: Teacher
    subject: str
    focus: str
    targets: str
    start: dt.date
    end: dt.date
    status: CycleStatus
    approach: Approach
    students: int
    cutoff: int | None
    goal: int | None
    cycle_id: str = ""
    status_text: str | None = None

    @property
    def effective_cutoff(self) -> int:
        """The cutoff the job applies: the cycle's own, else the default setting (80)."""
        return self.cutoff if self.cutoff is not None else 80


@dataclass(frozen=True, slots=True)
class PlantedRow:
    """A row put in on purpose, where it lands in its sheet (header on row 1) and what is odd."""

    workbook: str
    tab: str
    row: int
    column: str | None  # None: the whole row
    problem: str


@dataclass
class DemoDistrict:
    """Every tab's rows, ready to write, plus the planted rows the job must flag or cope with."""

    schools: list[Row]
    coaches: list[Row]
    teachers: list[Row]
    cycles: list[Row]
    assessments: list[Row]
    form_log: list[Row]
    own_log: list[Row]
    bad_rows: list[PlantedRow]
    quirks: list[PlantedRow]


IMPLEMENT, LAUNCH, PRELAUNCH = Stage.IMPLEMENT, Stage.LAUNCH, Stage.PRELAUNCH
DEMO_SCHOOLS = (
    School("Lincoln Elementary", "Maria Alvarez", "m.alvarez", 24, 78, IMPLEMENT, "elementary", "LIN"),
    School("Washington Elementary", "James Okafor", "j.okafor", 22, 45, IMPLEMENT, "elementary", "WAS"),
    School("Roosevelt Elementary", "Linh Tran", "l.tran", 20, 88, LAUNCH, "elementary", "ROO"),
    School("Jefferson Elementary", "Sarah Goldberg", "s.goldberg", 18, 30, LAUNCH, "elementary", "JEF"),
    School("Hillcrest Middle School", "Robert Chen", "r.chen", 30, 62, IMPLEMENT, "middle", "HIL"),
    School("Riverside Middle School", "Angela Brooks", "a.brooks", 28, 70, LAUNCH, "middle", "RIV"),
    School("Central High School", "David Nguyen", "d.nguyen", 40, 55, PRELAUNCH, "high", "CEN"),
)
DEMO_COACHES = (  # (name, schools, FTE, keeps own sheet)
    ("Keisha Robinson", ("Lincoln Elementary",), 1.0, False),
    ("Daniel Morales", ("Lincoln Elementary",), 1.0, False),
    ("Emily Sorensen", ("Washington Elementary",), 1.0, False),
    ("Priya Raman", ("Washington Elementary",), 0.5, False),  # district literacy coach
    ("Marcus Bell", ("Roosevelt Elementary", "Jefferson Elementary"), 1.0, False),
    ("Hannah Lindqvist", ("Hillcrest Middle School",), 1.0, True),
    ("Carlos Mendoza", ("Riverside Middle School",), 1.0, False),
    ("Aisha Rahman", ("Central High School",), 1.0, False),
    ("Kevin O'Brien", ("Central High School",), 0.5, False),
)
RESERVED_TEACHERS = (Teacher("Grace Park", "Washington Elementary", 2, "All subjects"),)
"""Named so the '+Ms. Park' log row points at a real teacher."""
LEVEL_SCHOOL = "Roosevelt Elementary"
"""The school whose teachers record level labels rather than scores."""

FIRST_NAMES = ["Maria", "José", "Luis", "Ana", "Sofia", "Carlos", "Gabriela", "Alejandro", "Diego", "Valentina", "Camila", "Javier", "Rosa", "Miguel", "Lucia", "Andrés", "Elena", "Aaliyah", "Jamal", "Tamika", "DeShawn", "Malik", "Imani", "Darnell", "Ebony", "Terrence", "Jasmine", "Andre", "Latoya", "Nia", "Mei", "Wei", "Hiroshi", "Yuki", "Ji-woo", "Min-jun", "Arjun", "Ananya", "Rohan", "Deepa", "Vikram", "Minh", "Thao", "Bao", "Ngoc", "Anh", "Fatima", "Omar", "Layla", "Yusuf", "Amina", "Hassan", "Noor", "Karim", "Zainab", "Sarah", "Jessica", "Megan", "Rachel", "Laura", "Katie", "Amanda", "Rebecca", "Abigail", "Olivia", "Claire", "Molly", "Erin", "Heather", "Kristen", "Lauren", "Allison", "Michael", "James", "John", "Robert", "Matthew", "Andrew", "Ryan", "Brian", "Jason", "Eric", "Tyler", "Nathan", "Scott", "Greg", "Patrick", "Sean", "Adam", "Ben", "Luke", "Olga", "Dmitri", "Anya", "Ingrid", "Lars", "Freya", "Siobhan", "Declan", "Aoife", "Kwame", "Ama", "Chidi", "Ngozi", "Tunde", "Abebe", "Selam", "Kai", "Leilani", "Chloe", "Madison", "Brooke", "Tessa", "Julia", "Nora", "Ruth", "Joan", "Carol", "Diane", "Paul", "Mark", "Steven", "Dennis", "Frank", "Henry", "Yolanda", "Marisol", "Esperanza", "Tomás", "Ivan", "Renee"]
LAST_NAMES = ["Garcia", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Rodriguez", "Perez", "Sanchez", "Ramirez", "Torres", "Flores", "Rivera", "Gomez", "Diaz", "Reyes", "Cruz", "Ortiz", "Gutierrez", "Chavez", "Ramos", "Ruiz", "Vargas", "Castillo", "Jimenez", "Romero", "Herrera", "Medina", "Aguilar", "Vasquez", "Castro", "Delgado", "Soto", "Nunez", "Johnson", "Williams", "Brown", "Jones", "Davis", "Miller", "Wilson", "Moore", "Taylor", "Anderson", "Thomas", "Jackson", "White", "Harris", "Martin", "Thompson", "Clark", "Lewis", "Walker", "Hall", "Allen", "Young", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson", "Hill", "Campbell", "Mitchell", "Carter", "Roberts", "Phillips", "Evans", "Turner", "Parker", "Collins", "Edwards", "Stewart", "Morris", "Murphy", "Cook", "Rogers", "Cooper", "Peterson", "Bailey", "Reed", "Kelly", "Howard", "Ward", "Richardson", "Watson", "Wood", "Bennett", "Gray", "Hughes", "Price", "Sanders", "Myers", "Ross", "Foster", "Powell", "Jenkins", "Perry", "Russell", "Sullivan", "Coleman", "Butler", "Henderson", "Barnes", "Fisher", "Simmons", "Patterson", "Jordan", "Reynolds", "Hamilton", "Graham", "Wallace", "Ellis", "Hayes", "Freeman", "Webb", "Tucker", "Porter", "Hunter", "Crawford", "Boyd", "Mason", "Warren", "Dixon", "Gordon", "Shaw", "Holmes", "Hunt", "Daniels", "Palmer", "Grant", "Knight", "Ferguson", "Stone", "Hawkins", "Dunn", "Hudson", "Spencer", "Pierce", "Berry", "Matthews", "Wagner", "Nguyen", "Le", "Pham", "Hoang", "Vu", "Kim", "Lee", "Choi", "Wang", "Li", "Zhang", "Liu", "Huang", "Wu", "Lin", "Yang", "Patel", "Shah", "Singh", "Kumar", "Gupta", "Reddy", "Iyer", "Nair", "Tanaka", "Sato", "Suzuki", "Yamamoto", "Nakamura", "Haddad", "Khalil", "Farah", "Hussein", "Ali", "Abdi", "Mohamed", "Adeyemi", "Mensah", "Asante", "Okonkwo", "Tesfaye", "Bekele", "Novak", "Kowalski", "Schmidt", "Rossi", "Russo", "Costa", "O'Connor", "Larsen", "Johansson", "Petrov", "Ivanova", "Kaur", "Begay", "Yazzie", "Kealoha", "Friedman", "Cohen"]
SCHOOL_STEMS = (
    "Oak Grove", "Maple Ridge", "Cedar Park", "Pine Hollow", "Willow Creek", "Sunnyside",
    "Lakeview", "Eastwood", "Northgate", "Prairie View", "Fairview", "Meadowbrook", "Brookside",
    "Highland", "Valley View", "Stonebridge", "Franklin", "Madison", "Monroe", "Garfield",
    "Whittier", "Emerson", "Longfellow", "Parkway",
)
SCHOOL_KINDS = (("Elementary", "elementary", 18, 26), ("Elementary", "elementary", 20, 28),
                ("Middle School", "middle", 24, 34), ("High School", "high", 34, 60))


class _Names:
    """Hands out full names no one in the district already has."""

    def __init__(self, rng: random.Random, taken: tuple[str, ...] = ()) -> None:
        self.rng = rng
        self.taken = set(taken)  # membership only: never iterated, so hash order cannot leak

    def person(self) -> str:
        for attempt in range(200):
            first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
            middle = "" if attempt < 50 else f" {self.rng.choice('ABCDEFGHJKLMNPRSTW')}."
            name = f"{first}{middle} {last}"
            if name not in self.taken:
                self.taken.add(name)
                return name
        raise RuntimeError("ran out of distinct teacher names")


def email_of(name: str) -> str:
    """first.last@riverbend.example, with apostrophes, hyphens and middle initials dropped."""
    parts = [p for p in name.lower().replace("'", "").replace("-", "").split() if not p.endswith(".")]
    return f"{parts[0]}.{parts[-1]}@{DOMAIN}"


def _extra_school(i: int, names: _Names, rng: random.Random) -> School:
    """One made-up school for a benchmark-sized district."""
    kind, level, low, high = SCHOOL_KINDS[i % len(SCHOOL_KINDS)]
    stem = SCHOOL_STEMS[i % len(SCHOOL_STEMS)]
    round_ = i // len(SCHOOL_STEMS)
    name = f"{stem} {kind}" + (f" {round_ + 1}" if round_ else "")
    principal = names.person()
    stage = rng.choices((IMPLEMENT, LAUNCH, PRELAUNCH), (4, 4, 2))[0]
    local = email_of(principal).split("@")[0]
    return School(name, principal, f"{local}{i}", rng.randint(low, high), rng.randint(15, 95),
                  stage, level, f"X{i + 1:03d}")


def _schools(count: int, names: _Names, rng: random.Random) -> list[School]:
    return list(DEMO_SCHOOLS) + [_extra_school(i, names, rng) for i in range(count - len(DEMO_SCHOOLS))]


def _coaches(schools: list[School], names: _Names) -> list[Coach]:
    """The demo's nine coaches, then one per added school (two at a high school)."""
    coaches = [Coach(n, email_of(n), s, fte, own) for n, s, fte, own in DEMO_COACHES]
    for school in schools[len(DEMO_SCHOOLS):]:
        for _ in range(2 if school.level == "high" else 1):
            name = names.person()
            coaches.append(Coach(name, email_of(name), (school.name,), 1.0))
    return coaches


ELEMENTARY_GRADES: tuple[int | str, ...] = ("K", 1, 2, 3, 4, 5)
CORE_SUBJECTS = ("All subjects", "ELA", "Math", "Science", "Social Studies")
SECONDARY_SUBJECTS = ("ELA", "Math", "Science", "Social Studies", "Spanish", "Art",
                      "Physical Education", "Music", "Special Education", "CTE")
SECONDARY_WEIGHTS = (6, 6, 5, 5, 2, 1, 2, 1, 2, 1)


def _teacher(school: School, i: int, name: str, rng: random.Random) -> Teacher:
    """Elementary grades are spread evenly; secondary teachers get a grade band and a subject."""
    if school.level == "elementary":
        grade = ELEMENTARY_GRADES[i * len(ELEMENTARY_GRADES) // school.teachers]
        departmental = grade in (4, 5) and rng.random() < 0.4
        subject = rng.choice(("ELA", "Math")) if departmental else "All subjects"
        return Teacher(name, school.name, grade, subject)
    grades = (6, 7, 8) if school.level == "middle" else (9, 10, 11, 12)
    subject = rng.choices(SECONDARY_SUBJECTS, SECONDARY_WEIGHTS)[0]
    return Teacher(name, school.name, rng.choice(grades), subject)


def _grade_order(teacher: Teacher) -> int:
    return 0 if teacher.grade == "K" else int(teacher.grade)


def _teachers(schools: list[School], names: _Names, rng: random.Random) -> list[Teacher]:
    """Each school's classroom teachers, the count its Schools row gives."""
    out: list[Teacher] = []
    for school in schools:
        reserved = [t for t in RESERVED_TEACHERS if t.school == school.name]
        made = [_teacher(school, i, names.person(), rng) for i in range(school.teachers - len(reserved))]
        out += sorted(reserved + made, key=_grade_order)
    return out


# --- Coaching cycles -------------------------------------------------------------------------------

MOST_CYCLES = {IMPLEMENT: 12, LAUNCH: 6, PRELAUNCH: 1}
"""Cycles a school runs in a semester at most: lanes beyond it are dropped."""


def _lane_count(coach: Coach, school: School) -> int:
    """How many cycles a coach runs side by side at a school: more once a program is established."""
    if school.stage is PRELAUNCH:
        return 0
    per_fte = 3 if school.stage is IMPLEMENT and school.level != "elementary" else 2
    return max(1, round(per_fte * coach.fte / len(coach.schools)))


def _cycle_weeks(school: School) -> tuple[int, ...]:
    if school.level != "elementary":
        return (3, 4)
    return (4, 4, 5, 6) if school.stage is IMPLEMENT else (4,)


BREAKS = ((dt.date(2026, 11, 23), 1), (dt.date(2026, 12, 21), 2))
"""Thanksgiving and winter break: (Monday it starts, weeks); a cycle spanning one runs longer."""


def _window(start: dt.date, weeks: int) -> tuple[dt.date, dt.date]:
    """A cycle's first Monday and last Friday, stretched over any break it spans."""
    end = start + dt.timedelta(days=7 * weeks - 3)
    for monday, length in BREAKS:
        if start < monday <= end:
            end += dt.timedelta(days=7 * length)
    return start, end


def _back_to_back(rng: random.Random, opening: dt.date, weeks: tuple[int, ...],
                  count: int) -> tuple[list[int], list[int]]:
    """Lengths and gaps (weeks) of `count` cycles that all end before the report week."""
    room = (REPORT_WEEK[0] - opening).days // 7
    for _ in range(1000):
        lengths = [rng.choice(weeks) for _ in range(count)]
        gaps = [rng.choice((0, 0, 0, 1)) for _ in range(count)]
        if sum(lengths) + sum(gaps) <= room:
            return lengths, gaps
    return [min(weeks)] * count, [0] * count


def _lane_dates(rng: random.Random, opening: dt.date, weeks: tuple[int, ...], count: int,
                planned: bool) -> list[tuple[dt.date, dt.date]]:
    """One lane: cycles back to back from the opening Monday, all complete by the report week but
    the last, which is running through it or, if planned, starts in December."""
    out: list[tuple[dt.date, dt.date]] = []
    start = opening
    for length, gap in zip(*_back_to_back(rng, opening, weeks, count - 1), strict=True):
        out.append(_window(start, length))
        start = out[-1][1] + dt.timedelta(days=3 + 7 * gap)
    length = rng.choice(weeks)
    running_from = REPORT_WEEK[0] - dt.timedelta(days=7 * (length - 2))  # still going after LOG_END
    out.append(_window(PLANNED_START if planned else max(start, running_from), length))
    return out


def _school_lanes(school: School, coaches: list[Coach],
                  rng: random.Random) -> list[tuple[Coach, list[tuple[dt.date, dt.date]]]]:
    """Each coach's lanes of cycles at a school, dropping lanes beyond the stage's most cycles.
    A prelaunch school has one cycle, with its first coach."""
    here = [c for c in coaches if school.name in c.schools]
    weeks = _cycle_weeks(school)
    if school.stage is PRELAUNCH:
        start = dt.date(2026, 10, 12)
        return [(here[0], [_window(start, rng.choice(weeks))])]
    opening = dt.date(2026, 8, 31) if school.stage is IMPLEMENT else dt.date(2026, 9, 14)
    count = 4 if school.stage is IMPLEMENT and school.level != "elementary" else 3
    lanes = [(coach, _lane_dates(rng, opening + dt.timedelta(days=7 * (lane % 2)), weeks, count,
                                 lane > 0 and rng.random() < 0.35))
             for coach in here for lane in range(_lane_count(coach, school))]
    while len(lanes) > 1 and sum(len(windows) for _, windows in lanes) > MOST_CYCLES[school.stage]:
        lanes.pop()
    return lanes


def _status(start: dt.date, end: dt.date) -> CycleStatus:
    if start > TODAY:
        return CycleStatus.PLANNED
    return CycleStatus.COMPLETE if end <= LOG_END else CycleStatus.ACTIVE


def _new_cycle(coach: Coach, school: School, teacher: Teacher, window: tuple[dt.date, dt.date],
               rng: random.Random) -> Cycle:
    subject = teacher.subject if teacher.subject != "All subjects" else rng.choice(("ELA", "Math"))
    focus, targets = _focus(school.level, teacher.grade, subject, rng)
    levels = school.name == LEVEL_SCHOOL
    cutoff = 3 if levels else rng.choices((None, 80, 70), (6, 3, 2))[0]
    approach = rng.choices((Approach.STUDENT_CENTERED, Approach.TEACHER_CENTERED), (5, 1))[0]
    return Cycle(coach, school, teacher, subject, focus, targets, window[0], window[1],
                 _status(*window), approach, rng.randint(15, 28), cutoff,
                 rng.choices((None, 75, 80, 85), (6, 1, 2, 1))[0])


def _school_cycles(school: School, coaches: list[Coach], teachers: list[Teacher],
                   rng: random.Random) -> list[Cycle]:
    """All cycles at one school, numbered in start order; each with a teacher not yet in one."""
    eligible = [t for t in teachers if t.subject in CORE_SUBJECTS]
    free = list(eligible)
    cycles = []
    for coach, windows in _school_lanes(school, coaches, rng):
        for window in windows:
            teacher = free.pop(rng.randrange(len(free))) if free else rng.choice(eligible)
            cycles.append(_new_cycle(coach, school, teacher, window, rng))
    cycles.sort(key=lambda c: c.start)
    for number, cycle in enumerate(cycles, 1):
        cycle.cycle_id = f"{school.code}-2026-{number:02d}"
    return cycles


STATUS_TEXT = {CycleStatus.PLANNED: ("Planned",), CycleStatus.ACTIVE: ("Active", "Active", "active"),
               CycleStatus.ABANDONED: ("Abandoned",),
               CycleStatus.COMPLETE: ("Complete", "Complete", "Complete", "complete", "Completed")}


def _mark_special_cycles(cycles: list[Cycle], rng: random.Random) -> list[PlantedRow]:
    """One abandoned cycle, one small group of six, and a few statuses left blank to be inferred."""
    demo = [c for c in cycles if c.school in DEMO_SCHOOLS and c.school.name != LEVEL_SCHOOL]
    early = [c for c in demo if c.status is CycleStatus.COMPLETE and c.start <= dt.date(2026, 9, 21)]
    abandoned = rng.choice(early)
    abandoned.status, abandoned.end = CycleStatus.ABANDONED, abandoned.start + dt.timedelta(days=11)
    complete = [c for c in demo if c.status is CycleStatus.COMPLETE]
    small = rng.choice([c for c in complete if c.school.level == "elementary"])
    small.students = 6
    for cycle in cycles:
        cycle.status_text = rng.choice(STATUS_TEXT[cycle.status])
    blank = rng.sample([c for c in complete if c is not small], 3)
    for cycle in blank:
        cycle.status_text = None
    row_of = {id(c): i + 2 for i, c in enumerate(cycles)}
    return [PlantedRow(DISTRICT_FILE, "Cycles", row_of[id(c)], "Status",
                       f"status blank: {c.cycle_id} ended {c.end:%Y-%m-%d}, so the job infers complete")
            for c in sorted(blank, key=lambda c: row_of[id(c)])]


def _cycles(schools: list[School], coaches: list[Coach], teachers: list[Teacher],
            rng: random.Random) -> tuple[list[Cycle], list[PlantedRow]]:
    by_school: dict[str, list[Teacher]] = {s.name: [] for s in schools}
    for teacher in teachers:
        by_school[teacher.school].append(teacher)
    cycles = [c for s in schools for c in _school_cycles(s, coaches, by_school[s.name], rng)]
    return cycles, _mark_special_cycles(cycles, rng)


ELEMENTARY_FOCUS: dict[tuple[int | str, str], tuple[str, str]] = {  # (grade, subject): focus, targets
    ("K", "ELA"): (
        "CCSS.ELA-LITERACY.RF.K.2 — demonstrate understanding of spoken words, syllables and sounds",
        "I can clap the syllables in a word; I can say the first sound I hear in a word; I can blend sounds"
        " to say a word"),
    ("K", "Math"): (
        "Count to tell the number of objects (K.CC.B.4)",
        "I can count objects one at a time; I can tell how many after I count; I can show that the last "
        "number I say tells how many"),
    (1, "ELA"): (
        "CCSS.ELA-LITERACY.RL.1.3 — describe characters, settings and major events in a story, using key "
        "details",
        "I can tell who the characters are; I can describe where the story happens; I can retell the big "
        "events in order"),
    (1, "Math"): (
        "Add and subtract within 20 (1.OA.C.6)",
        "I can make a ten to add; I can use an addition fact I know to subtract; I can explain my strategy"),
    (2, "ELA"): (
        "CCSS.ELA-LITERACY.RI.2.2 — identify the main topic of a multiparagraph text",
        "I can name the main topic of a text; I can tell what each paragraph is mostly about"),
    (2, "Math"): (
        "Add and subtract within 1000 using place value (2.NBT.B.7)",
        "I can add three-digit numbers using place value; I can subtract three-digit numbers and regroup "
        "when I need to; I can show my thinking with a model"),
    (3, "ELA"): (
        "CCSS.ELA-LITERACY.RL.3.1 — ask and answer questions to show understanding of a text",
        "I can ask questions about what I read; I can answer questions using details from the text; I can "
        "point to the part of the text that gives the answer"),
    (3, "Math"): (
        "Solve two-step word problems (3.OA.D.8)",
        "I can decide which operations a word problem needs; I can write an equation with a letter for the "
        "unknown; I can check whether my answer is reasonable"),
    (4, "ELA"): (
        "CCSS.ELA-LITERACY.W.4.1 — write opinion pieces supporting a point of view with reasons",
        "I can state my opinion clearly; I can give reasons supported by facts and details; I can link my "
        "reasons with words like because and therefore"),
    (4, "Math"): (
        "Explain why fractions are equivalent (4.NF.A.1)",
        "I can use a model to show equivalent fractions; I can explain why multiplying the top and bottom "
        "by the same number gives an equivalent fraction"),
    (5, "ELA"): (
        "CCSS.ELA-LITERACY.RI.5.8 — explain how an author uses reasons and evidence to support points",
        "I can find the author's main points; I can identify the evidence for each point; I can explain how"
        " the evidence supports the point"),
    (5, "Math"): (
        "Add and subtract fractions with unlike denominators (5.NF.A.1)",
        "I can find a common denominator; I can add and subtract fractions with unlike denominators; I can "
        "check my answer with a model"),
}
SECONDARY_FOCUS: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {  # (level, subject): choices
    ("middle", "ELA"): (
        (
            "CCSS.ELA-LITERACY.RI.7.1 — cite several pieces of textual evidence to support analysis",
            "I can cite evidence that supports my analysis; I can explain how my evidence connects to my "
            "claim"),
        (
            "CCSS.ELA-LITERACY.W.6.1 — write arguments supported by clear reasons and relevant evidence",
            "I can write a clear claim; I can support my claim with relevant evidence; I can explain my "
            "reasoning"),
        (
            "CCSS.ELA-LITERACY.RL.8.2 — determine a theme and analyze its development over the text",
            "I can determine a theme of a text; I can trace how the theme develops; I can write an "
            "objective summary"),
    ),
    ("middle", "Math"): (
        (
            "Solve real-world problems using ratio and rate reasoning (6.RP.A.3)",
            "I can use a table or tape diagram to solve ratio problems; I can find and use a unit rate"),
        (
            "Solve multi-step problems with rational numbers (7.EE.B.3)",
            "I can plan the steps a problem needs; I can compute with fractions, decimals and percents; I "
            "can judge whether my answer makes sense"),
        (
            "Solve linear equations in one variable (8.EE.C.7)",
            "I can solve equations with variables on both sides; I can tell when an equation has no or many"
            " solutions"),
    ),
    ("middle", "Science"): (
        (
            "MS-PS1-2 — analyze data on the properties of substances before and after they interact",
            "I can organize data from an investigation; I can use properties to decide whether a reaction "
            "happened"),
        (
            "Construct a scientific explanation with claim, evidence and reasoning (MS-LS1-6)",
            "I can make a claim that answers the question; I can choose evidence that supports my claim; I "
            "can explain the science that links my evidence to my claim"),
    ),
    ("middle", "Social Studies"): (
        (
            "Source and contextualize primary documents (C3 D2.His.10.6-8)",
            "I can identify who wrote a source, when and why; I can explain how context shapes a source"),
        (
            "Construct arguments using evidence from multiple sources (C3 D3.4.6-8)",
            "I can make a claim about the past; I can support it with evidence from two or more sources"),
    ),
    ("high", "ELA"): (
        (
            "CCSS.ELA-LITERACY.RL.9-10.2 — determine a theme and analyze its development",
            "I can state a theme in a sentence; I can analyze how details shape the theme"),
        (
            "CCSS.ELA-LITERACY.W.11-12.1 — write arguments to support claims using valid reasoning and "
            "sufficient evidence",
            "I can write a precise claim; I can address a counterclaim; I can use evidence to support my "
            "reasoning"),
    ),
    ("high", "Math"): (
        (
            "Create equations in one variable and use them to solve problems (HSA-CED.A.1)",
            "I can write an equation that models a situation; I can solve it and interpret the solution"),
        (
            "Interpret key features of functions in context (HSF-IF.B.4)",
            "I can identify intercepts and intervals of increase; I can explain what a key feature means in"
            " context"),
    ),
    ("high", "Science"): (
        (
            "HS-PS1-7 — use mathematical representations to show that mass is conserved in a reaction",
            "I can balance a chemical equation; I can use mole ratios to predict the mass of a product"),
        (
            "HS-LS1-1 — explain how the structure of DNA determines the structure of proteins",
            "I can describe transcription and translation; I can explain how a mutation can change a "
            "protein"),
    ),
    ("high", "Social Studies"): (
        (
            "Evaluate the credibility of sources (C3 D3.1.9-12)",
            "I can judge a source's purpose and perspective; I can corroborate a claim across sources"),
    ),
}


def _focus(level: str, grade: int | str, subject: str, rng: random.Random) -> tuple[str, str]:
    """The cycle's standard and its learning targets ("I can ..." statements joined by '; ')."""
    if level == "elementary":
        return ELEMENTARY_FOCUS[(grade, subject)]
    return rng.choice(SECONDARY_FOCUS[(level, subject)])


# --- Student assessment results --------------------------------------------------------------------

LEVEL_LABELS = {1: ("Not yet", "Not yet", "not yet", "Not Yet"),
                2: ("Approaching", "Approaching", "approaching"),
                3: ("Meeting", "Meeting", "meeting", "MEETING"),
                4: ("Exceeding", "Exceeding", "exceeding")}


def _scores(cycle: Cycle, rng: random.Random) -> list[tuple[int, int | None]]:
    """Pre and post scores with a realistic share proficient: 15-45% before, 50-90% after."""
    n, cut = cycle.students, cycle.effective_cutoff
    top, spread, low = (4, 1, 1) if cycle.cutoff == 3 else (100, 15, max(0, cut - 45))
    proficient_pre = set(rng.sample(range(n), round(rng.uniform(0.15, 0.45) * n)))
    gain = max(0, round(rng.uniform(0.50, 0.90) * n) - len(proficient_pre))
    movers = set(rng.sample([i for i in range(n) if i not in proficient_pre], gain))
    out = []
    for i in range(n):
        pre = rng.randint(cut, min(top, cut + spread)) if i in proficient_pre else rng.randint(low, cut - 1)
        if i in proficient_pre:
            post = min(top, pre + rng.randint(0, spread))
        elif i in movers:
            post = rng.randint(cut, min(top, cut + spread))
        else:
            post = min(cut - 1, pre + rng.randint(0, spread))
        out.append((pre, post if cycle.status is CycleStatus.COMPLETE else None))
    return out


def _score_cell(value: int | None, levels: bool, rng: random.Random) -> object:
    """How a teacher types a score: mostly a number, sometimes '85%', or a level label."""
    if value is None:
        return None
    if levels:
        return rng.choice(LEVEL_LABELS[value])
    return f"{value}%" if rng.random() < 0.12 else value


def _student_ids(n: int, rng: random.Random) -> list[str]:
    ids: list[str] = []
    seen: set[int] = set()
    while len(ids) < n:
        number = rng.randint(100000, 999999)
        if number not in seen:
            seen.add(number)
            ids.append(f"S{number}")
    return ids


def _cycle_assessments(cycle: Cycle, rng: random.Random) -> list[Row]:
    if cycle.status is CycleStatus.PLANNED:
        return []
    levels = cycle.cutoff == 3
    ids = _student_ids(cycle.students, rng)
    return [(cycle.cycle_id, sid, _score_cell(pre, levels, rng), _score_cell(post, levels, rng))
            for sid, (pre, post) in zip(ids, _scores(cycle, rng), strict=True)]


def _assessments(cycles: list[Cycle], rng: random.Random) -> tuple[list[Row], list[PlantedRow]]:
    """One row per student per cycle, plus three planted bad rows."""
    blocks = {c.cycle_id: _cycle_assessments(c, rng) for c in cycles}
    numeric = [c for c in cycles if c.status is CycleStatus.COMPLETE and c.cutoff != 3
               and 6 < c.students < 28 and c.school in DEMO_SCHOOLS]
    over, duplicated = rng.sample(numeric, 2)
    block = blocks[over.cycle_id]
    i = rng.randrange(len(block))
    block[i] = (*block[i][:3], 112)
    bad_over = block[i]
    block = blocks[duplicated.cycle_id]
    i = rng.randrange(len(block) - 4)
    bad_dup = block[i]
    block.insert(i + 3, bad_dup)
    last_lin = [c.cycle_id for c in cycles if c.cycle_id.startswith("LIN-")][-1]
    bad_cycle: Row = ("LIN-2026-99", _student_ids(1, rng)[0], 42, 88)
    blocks[last_lin].append(bad_cycle)
    rows = [row for c in cycles for row in blocks[c.cycle_id]]
    where = _positions(rows, (bad_cycle, bad_over, bad_dup))
    planted = [
        PlantedRow(DISTRICT_FILE, "Assessments", where[id(bad_cycle)][0], "Cycle ID",
                   "cycle ID LIN-2026-99 is not in the Cycles tab"),
        PlantedRow(DISTRICT_FILE, "Assessments", where[id(bad_over)][0], "Post score",
                   f"post score 112 is above the 0-100 scale (cycle {over.cycle_id})"),
        PlantedRow(DISTRICT_FILE, "Assessments", where[id(bad_dup)][1], "Student ID",
                   f"same cycle ({duplicated.cycle_id}) and student ID as row {where[id(bad_dup)][0]}"),
    ]
    return rows, planted


def _positions(rows: list[Row], wanted: tuple[Row, ...]) -> dict[int, list[int]]:
    """Sheet row numbers (header on row 1) where each wanted row object sits."""
    ids = {id(r) for r in wanted}
    where: dict[int, list[int]] = {}
    for i, row in enumerate(rows):
        if id(row) in ids:
            where.setdefault(id(row), []).append(i + 2)
    return where


# --- Coaching log sessions -------------------------------------------------------------------------

SPELLINGS: dict[Activity, tuple[str, ...]] = {  # how coaches type each activity; repeats weight it
    Activity.PLANNING: ("Planning", "Planning", "Planning", "planning", "Co-planning", "Lesson planning",
                        "planning session"),
    Activity.MODELING: ("Modeling", "Modeling", "Model lesson", "modelling", "Demo lesson"),
    Activity.CO_TEACHING: ("Co-teaching", "Co-teaching", "Co-teaching", "co teach", "Co-teach",
                           "Team teaching", "coteaching"),
    Activity.OBSERVATION: ("Observation", "Observation", "Classroom observation", "walkthrough",
                           "Classroom visit"),
    Activity.DEBRIEF: ("Debrief", "Debrief", "Debrief", "Feedback", "feedback conversation",
                       "Reflection conversation"),
    Activity.STUDENT_WORK: ("Looking at student work", "Looking at student work", "Student work analysis",
                            "Data analysis", "data meeting", "Data dive"),
    Activity.PLC: ("PLC", "PLC", "PLC", "PLC facilitation", "Team meeting", "grade level team"),
    Activity.PRINCIPAL_MEETING: ("Meeting with principal", "Meeting with principal", "Principal meeting",
                                 "principal check-in", "Admin meeting"),
    Activity.COACH_PL: ("Coach PD", "Coach PD", "Professional learning", "coach PL", "Coach training"),
}
DUTIES = (  # (spelling, minutes it takes) for other duties
    ("Subbing", (180, 180, 360)), ("Sub coverage", (60, 180)), ("substitute", (180,)),
    ("Testing", (90, 180)), ("test proctoring", (90,)), ("Lunch duty", (30,)), ("recess duty", (30,)),
    ("Admin", (30, 60)), ("Other", (30, 45)),
)
TYPED_KIND = {text: activity for activity, texts in SPELLINGS.items() for text in texts} | {
    text: Activity.OTHER_DUTIES for text, _ in DUTIES}
"""Each typed activity's meaning: what the job's ACTIVITY_LOOKUP says (checked at import)."""
MINUTES = {
    Activity.PLANNING: (30, 45, 45), Activity.MODELING: (45, 60), Activity.CO_TEACHING: (45, 60, 60, 90),
    Activity.OBSERVATION: (30, 45), Activity.DEBRIEF: (30, 30, 45), Activity.STUDENT_WORK: (45, 60, 90),
    Activity.PLC: (45, 60, 60, 90), Activity.PRINCIPAL_MEETING: (30, 30, 45, 60),
    Activity.COACH_PL: (45, 60, 60, 90),
}
PHASE_ACTIVITIES = {  # what a cycle week holds, by where it falls in the cycle
    "first": (Activity.PLANNING, Activity.PLANNING, Activity.STUDENT_WORK, Activity.CO_TEACHING,
              Activity.MODELING),
    "middle": (Activity.PLANNING, Activity.CO_TEACHING, Activity.CO_TEACHING, Activity.CO_TEACHING,
               Activity.MODELING, Activity.OBSERVATION, Activity.DEBRIEF, Activity.DEBRIEF),
    "last": (Activity.CO_TEACHING, Activity.STUDENT_WORK, Activity.STUDENT_WORK, Activity.DEBRIEF,
             Activity.PLANNING),
}
SUPPORT_ACTIVITIES = (Activity.PLANNING, Activity.OBSERVATION, Activity.OBSERVATION, Activity.DEBRIEF,
                      Activity.DEBRIEF, Activity.MODELING, Activity.CO_TEACHING)
CYCLE_SHARE = {IMPLEMENT: 0.76, LAUNCH: 0.55, PRELAUNCH: 0.8}
"""Share of a week's sessions that are cycle work with two or more cycles running (4/5 of it with
one); tuned for about 60%, 35% and 10% of minutes in cycles, as other work takes longer."""
OTHER_WORK = {  # work outside cycles, in twentieths
    IMPLEMENT: ("support",) * 8 + ("plc",) * 7 + ("pl",) * 2 + ("other",) * 3,
    LAUNCH: ("support",) * 7 + ("plc",) * 5 + ("pl",) * 3 + ("other",) * 5,
    PRELAUNCH: ("support",) * 9 + ("plc",) * 5 + ("pl",) * 2 + ("other",) * 4,
}
PRINCIPAL_CADENCE = {IMPLEMENT: 1, LAUNCH: 2, PRELAUNCH: 4}
"""Weeks between the lead coach's meetings with the principal (one in eight is missed)."""
APPROACH_TEXT = {
    Approach.STUDENT_CENTERED: ("Student-centered", "Student-centered", "Student-centered",
                                "student centered", None),
    Approach.TEACHER_CENTERED: ("Teacher-centered", "Teacher-centered", None),
    None: ("Relationship-driven", "Relationship-driven", None, None, "Teacher-centered", "Student-centered"),
}
NOTES = {
    "cycle": ("Planned next week's mini-lessons; students still mixing up key details",
              "Co-taught the small-group lesson; teacher ran the closing on her own",
              "Sorted the pre-assessment into three groups; more gaps than she expected",
              "Teacher wants more time on vocabulary before moving on",
              "Modeled the think-aloud; teacher took notes and will try it Thursday",
              "Exit tickets look stronger; the same four students still stuck",
              "Teacher nervous the post-assessment will look bad for her evaluation",
              "Agreed to slow down; pacing guide is the real pressure here"),
    "support": ("Talked about pacing concerns; teacher anxious about evaluation",
                "New teacher, overwhelmed; mostly listened",
                "Asked for help with a student's behavior plan",
                "Teacher frustrated with the new curriculum; not ready for a cycle yet",
                "Quick check-in about small groups; tension with the grade-level partner"),
    "plc": ("Team reviewed the unit assessment; two members disengaged",
            "Grade-level team built a common exit ticket",
            "PLC went off track into schedule complaints"),
    "principal": ("Principal wants a walkthrough schedule; I pushed back on an evaluative role",
                  "Shared cycle data; agreed on who to invite next",
                  "Talked through staff morale; principal worried about two teachers"),
    "pl": ("District coach PD on feedback stems", "Book study, chapter 3", "Webinar on co-teaching models"),
    "other": ("Covered a class, no sub again", "State testing make-ups all morning",
              "Lunch duty, short-staffed"),
}
SECRET_NOTES = ("CONFIDENTIAL-NOTE: teacher disclosed a family health issue; follow up gently",
                "CONFIDENTIAL-NOTE: teacher considering leaving mid-year, do not share",
                "CONFIDENTIAL-NOTE: concerns about a colleague raised in confidence")


@dataclass(frozen=True, slots=True)
class Session:
    """One coaching interaction, before a coach types it into a sheet."""

    coach: Coach
    school: str
    day: dt.date
    teacher: str | None
    cycle_id: str | None
    activity: str  # as typed
    minutes: int
    approach: str | None
    note: str | None


def _pick(rng: random.Random, options: Sequence[T]) -> T:
    """rng.choice, three times as fast: a million log rows make thousands of picks a second count."""
    return options[int(rng.random() * len(options))]


def _note(kind: str, rng: random.Random) -> str | None:
    if rng.random() < 0.45:
        return None
    if rng.random() < 0.008:
        return _pick(rng, SECRET_NOTES)
    return _pick(rng, NOTES[kind])


def _spelled(activity: Activity, rng: random.Random) -> str:
    return _pick(rng, SPELLINGS[activity])


@dataclass(slots=True)
class _Week:
    """What a coach could log in one week: its days and the cycles running in it."""

    coach: Coach
    number: int  # weeks since the log began
    days: list[dt.date]
    cycles: list[tuple[Cycle, list[dt.date], str]]  # cycle, its days this week, phase


def _week(coach: Coach, monday: dt.date, cycles: list[Cycle]) -> _Week:
    days = [monday + dt.timedelta(days=i) for i in range(5)]
    days = [d for d in days if LOG_START <= d <= LOG_END and d not in HOLIDAYS]
    running = []
    for cycle in cycles:
        inside = [d for d in days if cycle.start <= d <= cycle.end]
        if inside and cycle.status is not CycleStatus.PLANNED:
            phase = "first" if cycle.start >= monday else "last" if cycle.end <= days[-1] else "middle"
            running.append((cycle, inside, phase))
    return _Week(coach, (monday - LOG_START).days // 7, days, running)


def _cycle_session(week: _Week, rng: random.Random,
                   planning: tuple[Cycle, list[dt.date], str] | None = None) -> Session:
    """Work in a running cycle, or its weekly planning meeting (on day one of a new cycle)."""
    cycle, days, phase = planning or _pick(rng, week.cycles)
    activity = Activity.PLANNING if planning else _pick(rng, PHASE_ACTIVITIES[phase])
    day = days[0] if planning and cycle.start == days[0] else _pick(rng, days)
    return Session(week.coach, cycle.school.name, day, cycle.teacher.name, cycle.cycle_id,
                   _spelled(activity, rng), _pick(rng, MINUTES[activity]),
                   _pick(rng, APPROACH_TEXT[cycle.approach]), _note("cycle", rng))


def _other_session(week: _Week, school: School, teachers: list[Teacher], rng: random.Random) -> Session:
    """Work outside cycles: teacher support, PLCs, the coach's own learning, other duties."""
    kind = _pick(rng, OTHER_WORK[school.stage])
    day, teacher, approach = _pick(rng, week.days), None, None
    if kind == "support":
        activity = _pick(rng, SUPPORT_ACTIVITIES)
        teacher, approach = _pick(rng, teachers).name, _pick(rng, APPROACH_TEXT[None])
        text, minutes = _spelled(activity, rng), _pick(rng, (30, 30, 45))
    elif kind == "plc":
        text, minutes = _spelled(Activity.PLC, rng), _pick(rng, MINUTES[Activity.PLC])
    elif kind == "pl":
        text, minutes = _spelled(Activity.COACH_PL, rng), _pick(rng, MINUTES[Activity.COACH_PL])
    else:
        text, options = _pick(rng, DUTIES)
        minutes = _pick(rng, options)
    return Session(week.coach, school.name, day, teacher, None, text, minutes, approach, _note(kind, rng))


PD_DAYS = {dt.date(2026, 9, 16): 180, dt.date(2026, 10, 14): 360, dt.date(2026, 11, 4): 180}
"""The district's coach professional-development days (minutes), which nearly every coach logs."""


def _pd_sessions(week: _Week, rng: random.Random) -> list[Session]:
    return [Session(week.coach, week.coach.schools[0], day, None, None, _spelled(Activity.COACH_PL, rng),
                    PD_DAYS[day], None, _note("pl", rng))
            for day in week.days if day in PD_DAYS and rng.random() < 0.9]


def _principal_session(week: _Week, school: School, rng: random.Random) -> Session:
    return Session(week.coach, school.name, _pick(rng, week.days), None, None,
                   _spelled(Activity.PRINCIPAL_MEETING, rng), _pick(rng, MINUTES[Activity.PRINCIPAL_MEETING]),
                   None, _note("principal", rng))


@dataclass(frozen=True)
class _LogContext:
    schools: dict[str, School]
    teachers: dict[str, list[Teacher]]
    cycles: dict[str, list[Cycle]]  # by coach name
    leads: dict[str, str]  # school name -> its lead coach's name


def _cycle_chance(week: _Week, count: int, made: int, share: float) -> float:
    """Chance each session still to come is cycle work, so the week's cycle share comes out right."""
    if not week.cycles or made >= count:
        return 0.0
    wanted = share * (1.0 if len(week.cycles) > 1 else 0.8) * count - len(week.cycles)
    return min(1.0, max(0.0, wanted / (count - made)))


def _week_sessions(week: _Week, count: int, ctx: _LogContext, rng: random.Random) -> list[Session]:
    """A coach's sessions in one week: the principal meeting, any PD day, each cycle's weekly
    planning, then more cycle work and other work."""
    schools = [ctx.schools[name] for name in week.coach.schools]
    sessions = [_principal_session(week, s, rng) for s in schools
                if ctx.leads[s.name] == week.coach.name and week.number % PRINCIPAL_CADENCE[s.stage] == 0
                and rng.random() > 0.125]
    sessions += _pd_sessions(week, rng) + [_cycle_session(week, rng, entry) for entry in week.cycles]
    del sessions[count:]
    share = _cycle_chance(week, count, len(sessions), CYCLE_SHARE[schools[0].stage])
    seen = {_same_session(s) for s in sessions}
    while len(sessions) < count:
        for _ in range(5):  # a second identical session would look like a Form submitted twice
            session = _random_session(week, share, schools, ctx, rng)
            if _same_session(session) not in seen:
                break
        seen.add(_same_session(session))
        sessions.append(session)
    return sessions


def _random_session(week: _Week, share: float, schools: list[School], ctx: _LogContext,
                    rng: random.Random) -> Session:
    if rng.random() < share:
        return _cycle_session(week, rng)
    school = _pick(rng, schools)
    return _other_session(week, school, ctx.teachers[school.name], rng)


def _same_session(s: Session) -> tuple[object, ...]:
    """What makes two log rows the same session to the job, whatever the spelling."""
    return s.day, s.school, TYPED_KIND[s.activity], s.minutes, s.cycle_id, s.teacher


def _weekly_counts(coach_weeks: list[tuple[Coach, dt.date]], log_rows: int | None,
                   rng: random.Random) -> list[int]:
    """Sessions per coach-week: 6-12 a week at full time, or exactly log_rows in all, by FTE."""
    if log_rows is None:
        return [max(1, round(rng.randint(6, 12) * coach.fte)) for coach, _ in coach_weeks]
    weights = [round(coach.fte * 10) for coach, _ in coach_weeks]
    total, cum, before, counts = sum(weights), 0, 0, []
    for weight in weights:
        cum += weight
        now = cum * log_rows // total
        counts.append(now - before)
        before = now
    return counts


def _sessions(coaches: list[Coach], ctx: _LogContext, log_rows: int | None,
              rng: random.Random) -> list[Session]:
    mondays = [LOG_START + dt.timedelta(days=7 * i) for i in range((LOG_END - LOG_START).days // 7 + 1)]
    coach_weeks = [(coach, monday) for coach in coaches for monday in mondays]
    out: list[Session] = []
    for (coach, monday), count in zip(coach_weeks, _weekly_counts(coach_weeks, log_rows, rng), strict=True):
        out += _week_sessions(_week(coach, monday, ctx.cycles.get(coach.name, [])), count, ctx, rng)
    return out


# --- Typing sessions into sheets -------------------------------------------------------------------

MINUTE_TEXT = {30: ("30 mins", "30 min"), 45: ("45 min", "45 mins"), 60: ("1 hr", "60 min"),
               90: ("1.5 hours", "1:30", "90 min"), 180: ("half day",), 360: ("full day",)}


def _minutes_cell(minutes: int, rng: random.Random) -> object:
    """Mostly a number; a quarter typed as text; whole and half days nearly always as words."""
    if minutes >= 180 and rng.random() < (1.0 if minutes == 360 else 0.7):
        return MINUTE_TEXT[minutes][0]
    if minutes in MINUTE_TEXT and rng.random() < 0.2:
        return _pick(rng, MINUTE_TEXT[minutes])
    return minutes


def _date_cell(day: dt.date, rng: random.Random) -> object:
    """A date cell, or one in ten typed as US text (11/3/2026)."""
    return f"{day.month}/{day.day}/{day.year}" if rng.random() < 0.10 else day


def _timestamp(day: dt.date, rng: random.Random) -> dt.datetime:
    """When the Form was submitted: same day mostly, up to two days later, 07:00-19:00."""
    draw = rng.random()
    delay = 0 if draw < 0.7 else 1 if draw < 0.92 else 2
    seconds = int(rng.random() * 12 * 3600)
    return dt.datetime.combine(day, dt.time(7)) + dt.timedelta(days=delay, seconds=seconds)


def _email_cell(coach: Coach, rng: random.Random) -> str:
    if rng.random() < 0.03:
        local, domain = coach.email.split("@")
        return ".".join(p.capitalize() for p in local.split(".")) + "@" + domain
    return coach.email


def _school_cell(name: str, rng: random.Random) -> str:
    if rng.random() < 0.03:
        return _pick(rng, (name.lower(), name + " ", name.replace(" ", "  ", 1)))
    return name


def _form_row(s: Session, rng: random.Random) -> Row:
    return (_timestamp(s.day, rng), _email_cell(s.coach, rng), _date_cell(s.day, rng),
            _school_cell(s.school, rng), s.teacher, s.cycle_id, s.activity, _minutes_cell(s.minutes, rng),
            s.approach, s.note)


def _own_row(s: Session, rng: random.Random) -> Row:
    coach = s.coach.name.lower() if rng.random() < 0.15 else s.coach.name
    return (_date_cell(s.day, rng), coach, s.teacher, s.cycle_id, s.activity, _minutes_cell(s.minutes, rng),
            s.note)


def _typed_row(day: dt.date, coach: str, school: str, teacher: str | None, activity: str, minutes: object,
               rng: random.Random, cycle: str | None = None, approach: str | None = None,
               stamp: dt.datetime | None = None) -> Row:
    """One Form response typed by hand, for the planted rows."""
    email = f"sub.coach@{DOMAIN}" if coach == "Sub Coach" else email_of(coach)
    stamp = stamp or _timestamp(day, rng)
    return (stamp, email, day, school, teacher, cycle, activity, minutes, approach, None)


def _form_extras(ctx: _LogContext, rng: random.Random) -> list[tuple[Row, str, str]]:
    """The planted bad Form rows: (row, the column that is wrong, what is wrong)."""
    lincoln, washington = ctx.teachers["Lincoln Elementary"], ctx.teachers["Washington Elementary"]
    return [
        (_typed_row(dt.date(2026, 10, 14), "Sub Coach", "Lincoln Elementary", _pick(rng, lincoln).name,
                    "Observation", 45, rng),
         "Email Address", f"no coach on the roster has the email sub.coach@{DOMAIN}"),
        (_typed_row(dt.date(2026, 12, 15), "Keisha Robinson", "Lincoln Elementary", _pick(rng, lincoln).name,
                    "Debrief", 30, rng, approach="Relationship-driven",
                    stamp=dt.datetime(2026, 11, 12, 15, 41, 7)),
         "Date of Session", "session date 2026-12-15 is in the future (today is 2026-11-23)"),
        (_typed_row(dt.date(2026, 11, 18), "Carlos Mendoza", "Riverside Middle School", None, "PLC", "lots",
                    rng),
         "Duration (minutes)", "duration 'lots' is not a length of time"),
        (_typed_row(dt.date(2026, 11, 17), "Aisha Rahman", "Central High School", None, "Bus stuff", 30, rng),
         "Type of session", "'Bus stuff' is not a known activity"),
        (_typed_row(dt.date(2026, 10, 7), "Emily Sorensen", "Washington Elementary",
                    _pick(rng, washington).name, "Co-teaching", 60, rng, cycle="WAS-2026-77",
                    approach="Student-centered"),
         "Coaching cycle ID (if part of a cycle)", "cycle ID WAS-2026-77 is not in the Cycles tab"),
    ]


def _blank_dates(rows: list[Row], rng: random.Random) -> list[Row]:
    """Blanks the session date on two rows (one in the report week) submitted the same day."""
    stamps = [r[0] if isinstance(r[0], dt.datetime) else None for r in rows]  # the Timestamp
    same_day = [i for i, r in enumerate(rows)
                if isinstance(r[2], dt.date) and (s := stamps[i]) and s.date() == r[2]]
    in_week = [i for i in same_day if stamps[i].date() >= REPORT_WEEK[0]]  # type: ignore[union-attr]
    earlier = [i for i in same_day if stamps[i].date() < REPORT_WEEK[0]]  # type: ignore[union-attr]
    first = _pick(rng, earlier or same_day)
    second = _pick(rng, [i for i in in_week or same_day if i != first])
    for i in (first, second):
        rows[i] = (*rows[i][:2], None, *rows[i][3:])
    return [rows[first], rows[second]]


def _duplicate(rows: list[Row], coach: str, rng: random.Random) -> tuple[Row, Row]:
    """A double-clicked Form submit: the same answers, 40 seconds later."""
    dated, email = [r for r in rows if isinstance(r[2], dt.date)], email_of(coach)
    october = [r for r in dated if r[1] == email and r[2].month == 10]  # type: ignore[attr-defined]
    original = _pick(rng, october or dated)
    stamp = original[0]
    assert isinstance(stamp, dt.datetime)  # a Form row starts with its Timestamp
    return original, (stamp + dt.timedelta(seconds=40), *original[1:])


def _form_log(sessions: list[Session], ctx: _LogContext,
              rng: random.Random) -> tuple[list[Row], list[PlantedRow], list[PlantedRow]]:
    """The Google Form responses, sorted by Timestamp, with the planted rows in their places."""
    rows = [_form_row(s, rng) for s in sessions]
    blanks = _blank_dates(rows, rng)
    original, copy = _duplicate(rows, "Marcus Bell", rng)
    extras = _form_extras(ctx, rng)
    park = _typed_row(dt.date(2026, 11, 4), "Emily Sorensen", "Washington Elementary", "+Ms. Park",
                      "Observation", 30, rng, approach="Relationship-driven")  # must stay text
    rows += [row for row, _, _ in extras] + [copy, park]
    rows.sort(key=itemgetter(0))
    where = _positions(rows, (original, copy, park, *blanks, *(row for row, _, _ in extras)))
    bad = [PlantedRow(FORM_FILE, FORM_TAB, where[id(row)][0], column, problem)
           for row, column, problem in extras]
    bad.append(PlantedRow(FORM_FILE, FORM_TAB, where[id(copy)][0], None,
                          f"duplicate Form submission: same answers as row {where[id(original)][0]}, "
                          "submitted 40 seconds later"))
    quirks = [PlantedRow(FORM_FILE, FORM_TAB, where[id(r)][0], "Date of Session",
                         "date blank: the job uses the Timestamp's date and warns") for r in blanks]
    quirks.append(PlantedRow(FORM_FILE, FORM_TAB, where[id(park)][0], "Teacher name",
                             "'+Ms. Park' starts with '+': must stay text, never become a formula "
                             "(not on the Teachers tab, so the job may warn)"))
    return rows, sorted(bad, key=lambda p: p.row), sorted(quirks, key=lambda p: p.row)


EXTRA_LOG_ROWS = 7
"""Rows the Form log holds beyond the generated sessions: five planted, one duplicate, '+Ms. Park'."""


# --- The whole district ----------------------------------------------------------------------------

def _log_context(schools: list[School], coaches: list[Coach], teachers: list[Teacher],
                 cycles: list[Cycle]) -> _LogContext:
    by_school: dict[str, list[Teacher]] = {s.name: [] for s in schools}
    for teacher in teachers:
        by_school[teacher.school].append(teacher)
    by_coach: dict[str, list[Cycle]] = {}
    for cycle in cycles:
        by_coach.setdefault(cycle.coach.name, []).append(cycle)
    leads: dict[str, str] = {}
    for coach in coaches:
        for name in coach.schools:
            leads.setdefault(name, coach.name)
    return _LogContext({s.name: s for s in schools}, by_school, by_coach, leads)


def _roster_rows(schools: list[School], coaches: list[Coach],
                 teachers: list[Teacher]) -> tuple[list[Row], list[Row], list[Row]]:
    return ([(s.name, s.principal, f"{s.email}@{DOMAIN}", s.teachers, s.need, STAGE_LABELS[s.stage])
             for s in schools],
            [(c.name, c.email, "; ".join(c.schools), c.fte) for c in coaches],
            [(t.name, t.school, t.grade, t.subject) for t in teachers])


def _cycle_row(c: Cycle) -> Row:
    return (c.cycle_id, c.coach.name, c.teacher.name, c.school.name, c.teacher.grade, c.subject, c.focus,
            c.targets, c.start, c.end, c.status_text, c.approach.value.capitalize(), c.cutoff, c.goal)


def build_district(*, schools: int | None = None, log_rows: int | None = None,
                   seed: int = SEED) -> DemoDistrict:
    """Every row of the demo (or a bigger district of `schools` schools and `log_rows` log rows)."""
    count = len(DEMO_SCHOOLS) if schools is None else schools
    if count < len(DEMO_SCHOOLS):
        raise ValueError(f"schools must be at least {len(DEMO_SCHOOLS)}: the demo's own schools come first")
    if log_rows is not None and log_rows < 100:
        raise ValueError("log_rows must be at least 100: the planted rows need ordinary rows around them")
    rng = random.Random(seed)
    names = _Names(rng, (*(s.principal for s in DEMO_SCHOOLS), *(c[0] for c in DEMO_COACHES),
                         *(t.name for t in RESERVED_TEACHERS)))
    school_list = _schools(count, names, rng)
    coaches = _coaches(school_list, names)
    teachers = _teachers(school_list, names, rng)
    cycles, status_quirks = _cycles(school_list, coaches, teachers, rng)
    assessments, assessment_bad = _assessments(cycles, rng)
    ctx = _log_context(school_list, coaches, teachers, cycles)
    wanted = None if log_rows is None else log_rows - EXTRA_LOG_ROWS
    sessions = _sessions(coaches, ctx, wanted, rng)
    form, form_bad, form_quirks = _form_log([s for s in sessions if not s.coach.own_sheet], ctx, rng)
    own = [_own_row(s, rng) for s in sorted((s for s in sessions if s.coach.own_sheet), key=lambda s: s.day)]
    return DemoDistrict(*_roster_rows(school_list, coaches, teachers), [_cycle_row(c) for c in cycles],
                        assessments, form, own, assessment_bad + form_bad, status_quirks + form_quirks)


# --- Writing the workbooks -------------------------------------------------------------------------

ZIP_TIME = (2026, 11, 23, 6, 0, 0)


class _FixedTimeZip(ZipFile):
    """A zip whose entries all carry one time, so the same workbook always gives the same bytes."""

    def _entry(self, name: str) -> ZipInfo:
        info = ZipInfo(name, date_time=ZIP_TIME)
        info.compress_type = ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        return info

    def writestr(self, zinfo_or_arcname, data, compress_type=None,
                 compresslevel=None):
        if not isinstance(zinfo_or_arcname, ZipInfo):
            zinfo_or_arcname = self._entry(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        info = self._entry(arcname or os.path.basename(filename))
        info.file_size = os.path.getsize(filename)
        with open(filename, "rb") as src, self.open(info, "w") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)


def _save(book: Workbook, path: Path) -> Path:
    """Save with fixed document times and zip times (openpyxl's own save stamps 'now')."""
    book.properties.created = book.properties.modified = FIXED_TIME
    book.properties.creator = book.properties.lastModifiedBy = DISTRICT_NAME
    with _FixedTimeZip(path, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(book, archive).save()
    return path


def _style(cell: object, **style: object) -> None:
    """Set font, fill or alignment on a cell."""
    for name, setting in style.items():
        setattr(cell, name, setting)


def _add_table(book: Workbook, title: str, header: tuple[str, ...], rows: list[Row], *,
               bold: bool = True) -> None:
    sheet = book.create_sheet(title)
    for col, name in enumerate(header, 1):
        sheet.column_dimensions[get_column_letter(col)].width = min(48, max(12, len(name) + 4))
    sheet.freeze_panes = "A2"
    sheet.append(list(header))
    for cell in sheet[1]:
        _style(cell, font=Font(bold=bold))
    for row in rows:
        sheet.append(row)


ABOUT_LINES = (  # (style, text)
    ("title", f"{DISTRICT_NAME} — coaching program shared workbook"),
    ("", ""),
    ("", "This is the demo district's shared workbook. Coaches, teachers and the coaching lead keep the "
         "roster, coaching cycles and students' assessment results here."),
    ("", "Tabs: Schools, Coaches, Teachers (the roster); Cycles (one row per coaching cycle); "
         "Assessments (one row per student per cycle: pre and post scores)."),
    ("", "Student IDs are local pseudonymous IDs. Do not type student names anywhere in this workbook."),
    ("highlight", "This About tab belongs to the coaching office: the weekly coaching-impact job never "
                  "reads or changes it."),
    ("", "Questions: Office of Instructional Coaching, coaching@riverbend.example"),
)
ABOUT_STYLES: dict[str, dict[str, object]] = {
    "title": {"font": Font(bold=True, size=14), "fill": PatternFill("solid", fgColor="D9E7F5")},
    "highlight": {"fill": PatternFill("solid", fgColor="FFF2CC"), "alignment": Alignment(wrap_text=True)},
    "": {"alignment": Alignment(wrap_text=True)},
}


def _add_about(book: Workbook) -> None:
    """A tab that is not the job's: formatted text it must leave alone."""
    sheet = book.create_sheet("About")
    sheet.column_dimensions["A"].width = 110
    for line, (style, text) in enumerate(ABOUT_LINES, 1):
        if text:
            sheet.cell(line, 1, text)
            _style(sheet.cell(line, 1), **ABOUT_STYLES[style])


SCRATCH_LINES = (
    ("ideas for PLC 11/19",), ("- bring anchor charts from 7th grade ELA",),
    ("- ask R. Chen about sub coverage Dec 3",), (), ("book study", "ch. 4-5", "due Friday"),
    ("parking lot:", "bell schedule for assembly days?"),
)


def _new_book() -> Workbook:
    """An empty workbook saved the way Excel and Google Sheets exports are: shared strings and
    each sheet's dimensions recorded (a write-only book has neither, and openpyxl then reads
    every sheet twice)."""
    book = Workbook()
    book.remove(book.active)
    return book


def write_workbooks(district: DemoDistrict, out_dir: Path) -> list[Path]:
    """Write the three demo workbooks into out_dir; the same district always gives the same bytes."""
    out_dir.mkdir(parents=True, exist_ok=True)
    book = _new_book()
    _add_about(book)
    for title, header, rows in (("Schools", SCHOOLS_HEADER, district.schools),
                                ("Coaches", COACHES_HEADER, district.coaches),
                                ("Teachers", TEACHERS_HEADER, district.teachers),
                                ("Cycles", CYCLES_HEADER, district.cycles),
                                ("Assessments", ASSESSMENTS_HEADER, district.assessments)):
        _add_table(book, title, header, rows)
    paths = [_save(book, out_dir / DISTRICT_FILE)]
    book = _new_book()
    _add_table(book, FORM_TAB, FORM_HEADER, district.form_log, bold=False)
    paths.append(_save(book, out_dir / FORM_FILE))
    book = _new_book()
    _add_table(book, OWN_LOG_TAB, OWN_LOG_HEADER, district.own_log)
    scratch = book.create_sheet("Scratch")
    for line in SCRATCH_LINES:
        scratch.append(line)
    paths.append(_save(book, out_dir / OWN_LOG_FILE))
    return paths


def generate(out_dir: Path, *, schools: int | None = None, log_rows: int | None = None,
             seed: int = SEED) -> list[Path]:
    """Build the district and write its workbooks; the defaults give the committed demo."""
    return write_workbooks(build_district(schools=schools, log_rows=log_rows, seed=seed), Path(out_dir))


@cache
def planted_bad_rows(seed: int = SEED) -> tuple[PlantedRow, ...]:
    """Where the demo's deliberately bad rows are: the job must flag exactly these."""
    return tuple(build_district(seed=seed).bad_rows)


@cache
def planted_quirks(seed: int = SEED) -> tuple[PlantedRow, ...]:
    """Odd but valid rows the job must cope with (it may warn about the blank dates)."""
    return tuple(build_district(seed=seed).quirks)


def _check_vocabulary() -> None:
    """Every spelling the demo types must mean what the job's vocabulary says it means."""
    for text, activity in TYPED_KIND.items():
        assert ACTIVITY_LOOKUP[vocabulary_key(text)] is activity, text
    assert vocabulary_key("Bus stuff") not in ACTIVITY_LOOKUP
    for approach, texts in APPROACH_TEXT.items():
        for text in filter(None, texts):
            found = APPROACH_LOOKUP[vocabulary_key(text)]
            assert approach is None or found is approach, text
    for status, texts in STATUS_TEXT.items():
        for text in texts:
            assert STATUS_LOOKUP[vocabulary_key(text)] is status, text
    for school in DEMO_SCHOOLS:
        assert STAGE_LOOKUP[vocabulary_key(STAGE_LABELS[school.stage])] is school.stage


_check_vocabulary()


def planted_table(rows: tuple[PlantedRow, ...]) -> str:
    """The planted rows as a Markdown table, as demo/README.md shows them."""
    lines = ["| Workbook | Tab | Row | Column | Problem |", "|---|---|---|---|---|"]
    lines += [f"| {p.workbook} | {p.tab} | {p.row} | {p.column or '(whole row)'} | {p.problem} |"
              for p in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m demo.generate", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "data",
                        help="folder to write the workbooks to (default: demo/data)")
    parser.add_argument("--schools", type=int, help="at least 7; more adds made-up schools")
    parser.add_argument("--log-rows", type=int, help="exact number of coaching-log rows in all")
    parser.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")
    parser.add_argument("--planted", action="store_true", help="print the planted rows; write nothing")
    args = parser.parse_args(argv)
    if args.planted:
        print("Bad rows:\n" + planted_table(planted_bad_rows(args.seed)))
        print("\nQuirks:\n" + planted_table(planted_quirks(args.seed)))
        return
    for path in generate(args.out, schools=args.schools, log_rows=args.log_rows, seed=args.seed):
        print(path)


if __name__ == "__main__":
    main()
