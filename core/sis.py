"""Rosters exported from the student information system: OneRoster 1.1 and 1.2 CSV bundles and
Clever's district files, turned into the Teachers tab the rest of the job reads.

The spec's column tables live here, in one place. Pure: takes each file's rows (as read, with
their line numbers) and returns the tab, or what is wrong with the files.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

ONEROSTER_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "1.1": {
        "orgs.csv": ("sourcedId", "status", "dateLastModified", "name", "type", "identifier",
                     "parentSourcedId"),
        "users.csv": ("sourcedId", "status", "dateLastModified", "enabledUser",
                      "orgSourcedIds", "role", "username", "userIds", "givenName", "familyName",
                      "middleName", "identifier", "email", "sms", "phone", "agentSourcedIds",
                      "grades", "password"),
    },
    "1.2": {
        "orgs.csv": ("sourcedId", "status", "dateLastModified", "name", "type", "identifier",
                     "parentSourcedId"),
        "users.csv": ("sourcedId", "status", "dateLastModified", "enabledUser", "username",
                      "userIds", "givenName", "familyName", "middleName", "identifier", "email",
                      "sms", "phone", "agentSourcedIds", "grades", "password",
                      "userMasterIdentifier", "resourceSourcedIds", "preferredGivenName",
                      "preferredMiddleName", "preferredFamilyName", "primaryOrgSourcedId",
                      "pronouns"),
        "roles.csv": ("sourcedId", "status", "dateLastModified", "userSourcedId", "roleType",
                      "role", "beginDate", "endDate", "orgSourcedId", "userProfileSourcedId"),
    },
}
"""Each file's columns in the spec's order (IMS OneRoster v1.1 and v1.2 CSV tables)."""
ONEROSTER_NEEDED: dict[str, tuple[str, ...]] = {
    "orgs.csv": ("sourcedId", "name", "type"),
    "users.csv": ("sourcedId", "givenName", "familyName"),
    "roles.csv": ("userSourcedId", "role", "orgSourcedId"),
}
"""The columns the job reads; a file without one of them cannot be used."""
ACADEMIC_SESSIONS = "academicsessions.csv"
ACADEMIC_SESSIONS_COLUMNS = ("sourcedId", "status", "dateLastModified", "title", "type",
                             "startDate", "endDate", "parentSourcedId", "schoolYear")
"""The district's calendar (the same in 1.1 and 1.2): a row of type schoolYear gives the first
and last day of school. Optional: a bundle without it still gives the teachers."""
CLEVER_COLUMNS: dict[str, tuple[str, ...]] = {
    "schools.csv": ("School_id", "School_name", "School_number", "State_id", "Low_grade",
                    "High_grade", "Principal", "Principal_email", "School_address",
                    "School_city", "School_state", "School_zip", "School_phone"),
    "teachers.csv": ("School_id", "Teacher_id", "Teacher_number", "State_teacher_id",
                     "Teacher_email", "First_name", "Middle_name", "Last_name", "Title",
                     "Username", "Password"),
}
CLEVER_NEEDED: dict[str, tuple[str, ...]] = {
    "schools.csv": ("School_id", "School_name"),
    "teachers.csv": ("School_id", "Teacher_id", "First_name", "Last_name"),
}
TEACHERS_HEADER = ["Teacher", "School", "Grade", "Email"]


class BundleError(Exception):
    """A file of the bundle is missing or cannot be read as the spec lays it out."""


@dataclass(frozen=True)
class CsvFile:
    """One CSV of a bundle: its header and rows as text, with each row's line number."""

    name: str
    header: list[str]
    rows: list[dict[str, str]]
    lines: list[int]


@dataclass(frozen=True)
class TeacherRows:
    header: list[str]
    rows: list[list[object]]
    lines: list[int]
    """The line of users.csv (roles.csv in 1.2; teachers.csv) each row came from."""
    file: str


def check_header(f: CsvFile, spec: Sequence[str], needed: Sequence[str], what: str) -> None:
    """The spec's columns, tolerantly: any order, any case; the ones the job reads required."""
    present = {h.strip().lower() for h in f.header}
    missing = [c for c in needed if c.lower() not in present]
    if missing:
        raise BundleError(
            f"{f.name} has no column {', '.join(missing)}, so it is not a {what} file (its "
            f"first line: {', '.join(f.header[:6])}…). Export it again with the header row the "
            f"spec lays out: {','.join(spec)}")


def oneroster_version(files: Mapping[str, CsvFile], manifest: Mapping[str, str]) -> str:
    """From manifest.csv's oneroster.version; else 1.2 when roles.csv is there."""
    stated = manifest.get("oneroster.version", "").strip()
    if stated in ONEROSTER_COLUMNS:
        return stated
    return "1.2" if "roles.csv" in files else "1.1"


def _active(row: Mapping[str, str]) -> bool:
    return row.get("status", "").strip().lower() not in ("tobedeleted", "inactive") and \
        row.get("enabledUser", "true").strip().lower() != "false"


def _name(row: Mapping[str, str], given: str, family: str) -> str:
    return " ".join(f"{row.get(given, '').strip()} {row.get(family, '').strip()}".split())


def oneroster_teachers(files: Mapping[str, CsvFile], version: str) -> TeacherRows:
    """One row per teacher per school: staff at several schools (several orgSourcedIds, or
    several roles in 1.2) are split into one row each, all pointing at their line."""
    spec = ONEROSTER_COLUMNS[version]
    for name in spec:
        if name not in files:
            raise BundleError(f"The bundle has no {name} (OneRoster {version} needs it).")
        check_header(files[name], spec[name], ONEROSTER_NEEDED[name], f"OneRoster {version}")
    orgs = {r["sourcedId"].strip(): r["name"].strip() for r in files["orgs.csv"].rows}
    users = files["users.csv"]
    out: list[list[object]] = []
    lines: list[int] = []
    if version == "1.1":
        check_header(users, spec["users.csv"], ("role", "orgSourcedIds", "email"), "OneRoster 1.1")
        for row, line in zip(users.rows, users.lines, strict=False):
            if row.get("role", "").strip().lower() != "teacher" or not _active(row):
                continue
            for org in [o.strip() for o in row.get("orgSourcedIds", "").split(",") if o.strip()]:
                out.append(_teacher(row, orgs.get(org, org)))
                lines.append(line)
        return TeacherRows(TEACHERS_HEADER, out, lines, "users.csv")
    by_id = {r["sourcedId"].strip(): r for r in users.rows}
    roles = files["roles.csv"]
    for role, line in zip(roles.rows, roles.lines, strict=False):
        user = by_id.get(role["userSourcedId"].strip())
        if role["role"].strip().lower() != "teacher" or user is None or not _active(user) \
                or not _active(role):
            continue
        out.append(_teacher(user, orgs.get(role["orgSourcedId"].strip(),
                                           role["orgSourcedId"].strip())))
        lines.append(line)
    return TeacherRows(TEACHERS_HEADER, out, lines, "roles.csv")


def _teacher(user: Mapping[str, str], school: str) -> list[object]:
    grades = [g.strip() for g in user.get("grades", "").split(",") if g.strip()]
    return [_name(user, "givenName", "familyName"), school, grades[0] if len(grades) == 1
            else None, user.get("email", "").strip() or None]


def clever_teachers(files: Mapping[str, CsvFile]) -> TeacherRows:
    """Clever lists a teacher once per school (School_id); each row is one teacher-school pair."""
    for name in CLEVER_COLUMNS:
        if name not in files:
            raise BundleError(f"The Clever files have no {name}.")
        check_header(files[name], CLEVER_COLUMNS[name], CLEVER_NEEDED[name], "Clever")
    schools = {r["School_id"].strip(): r["School_name"].strip() for r in files["schools.csv"].rows}
    teachers = files["teachers.csv"]
    out: list[list[object]] = [
        [_name(r, "First_name", "Last_name"),
         schools.get(r["School_id"].strip(), r["School_id"].strip()),
         None, r.get("Teacher_email", "").strip() or None] for r in teachers.rows]
    return TeacherRows(TEACHERS_HEADER, out, list(teachers.lines), "teachers.csv")


@dataclass(frozen=True)
class Calendar:
    """One school year as the SIS states it (academicSessions.csv, type schoolYear)."""

    title: str
    start: dt.date
    end: dt.date
    line: int


def oneroster_school_years(files: Mapping[str, CsvFile]) -> list[Calendar]:
    """Every active schoolYear session with two readable dates (YYYY-MM-DD, as the spec
    writes them); terms, semesters and grading periods are left aside."""
    sessions = files.get(ACADEMIC_SESSIONS)
    if sessions is None:
        return []
    check_header(sessions, ACADEMIC_SESSIONS_COLUMNS, ("type", "startDate", "endDate"),
                 "OneRoster academic sessions")
    years = []
    for row, line in zip(sessions.rows, sessions.lines, strict=False):
        if row.get("type", "").strip().lower() != "schoolyear" or not _active(row):
            continue
        try:
            start = dt.date.fromisoformat(row.get("startDate", "").strip()[:10])
            end = dt.date.fromisoformat(row.get("endDate", "").strip()[:10])
        except ValueError:
            continue
        if end > start:
            years.append(Calendar(row.get("title", "").strip(), start, end, line))
    return years
