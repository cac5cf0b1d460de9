"""Rosters from the student information system: OneRoster 1.1 and 1.2 CSV bundles (folder or
zip) and Clever's district files, read into the Teachers tab; mismatches named by file and row."""
import zipfile
from pathlib import Path

import pytest
from pydantic import ValidationError

from config.model import Backend, Source
from core.schema import TabKind as K
from core.sources import RawTab
from core.validate import validate
from sync.sis import read_sis
from tests.small_district import context, raw_tabs

USERS_11 = ("sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,"
            "givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,"
            "password")
ORGS = ("sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\r\n"
        "d1,active,,Small District,district,,\r\n"
        "a,active,,Alpha Elementary,school,,d1\r\n"
        "b,active,,Beta Middle,school,,d1\r\n"
        "g,active,,Gamma High,school,,d1\r\n")


def user(sid, orgs, role, given, family, email="", status="active", grades=""):
    return f'{sid},{status},,true,"{orgs}",{role},,,{given},{family},,,{email},,,,{grades},\r\n'


def write(folder: Path, files: dict[str, str], bom: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_bytes(("\ufeff" if bom else "").encode() + text.encode())
    return folder


def bundle_11(tmp_path):
    users = USERS_11 + "\r\n" + "".join([
        user("t1", "a", "teacher", "T", "One", "t.one@alpha.example", grades="03"),
        user("s1", "a", "student", "Sam", "Student"),
        user("t2", "a,b", "teacher", "T", "Two", "t.two@district.example"),   # two schools
        user("t3", "b", "teacher", "T", "Gone", status="tobedeleted"),
        user("t4", "g", "teacher", "T", "Four"),                                # no such school
    ])
    return write(tmp_path / "or11", {"orgs.csv": ORGS, "users.csv": users,
                                    "manifest.csv": "propertyName,value\r\n"
                                                    "oneroster.version,1.1\r\n"})


def test_a_oneroster_11_folder_gives_one_row_per_teacher_per_school(tmp_path):
    tabs, problems = read_sis(bundle_11(tmp_path), "SIS", Backend.ONEROSTER, None)
    assert problems == []
    (tab,) = tabs
    assert (tab.tab, tab.kind, tab.header) == ("users.csv", K.TEACHERS,
                                               ["Teacher", "School", "Grade", "Email"])
    assert tab.rows == [["T One", "Alpha Elementary", "03", "t.one@alpha.example"],
                        ["T Two", "Alpha Elementary", None, "t.two@district.example"],
                        ["T Two", "Beta Middle", None, "t.two@district.example"],
                        ["T Four", "Gamma High", None, None]]
    assert list(tab.row_numbers) == [2, 4, 4, 6]  # each row at its line of users.csv


def test_a_school_not_on_the_schools_tab_is_an_issue_naming_the_file_and_line(tmp_path):
    tabs, _ = read_sis(bundle_11(tmp_path), "SIS", Backend.ONEROSTER, None)
    others = [t for t in raw_tabs() if t.kind is not K.TEACHERS]
    result = validate(others + tabs, context())
    issue = result.issues[result.issues["source"] == "SIS"].iloc[0]
    assert (issue["tab"], issue["row"], issue["column"], issue["value"]) == \
        ("users.csv", 6, "School", "Gamma High")
    assert "check the spelling here or there" in issue["message"]
    assert sorted(result.teachers["teacher"]) == ["T Four", "T One", "T Two", "T Two"]


def test_a_log_naming_a_teacher_by_email_matches_the_roster_first_by_email(tmp_path):
    tabs, _ = read_sis(bundle_11(tmp_path), "SIS", Backend.ONEROSTER, None)
    log = RawTab("Form", "Responses", K.COACHING_LOG,
                 ["Date", "Coach", "School", "Teacher", "Activity", "Minutes"],
                 [[46346, "Bo Diaz", "Beta Middle", "T.TWO@district.example", "Planning", 30]])
    others = [t for t in raw_tabs() if t.kind not in (K.TEACHERS, K.COACHING_LOG)]
    result = validate(others + tabs + [log], context())
    assert result.logs["teachers"].tolist() == [("T Two",)]
    form = result.issues[(result.issues["source"] == "Form") & (result.issues["column"]
                                                                 == "Teacher")]
    assert form.empty


def test_a_oneroster_12_zip_reads_roles(tmp_path):
    users = ("sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,"
             "familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,"
             "userMasterIdentifier,resourceSourcedIds,preferredGivenName,preferredMiddleName,"
             "preferredFamilyName,primaryOrgSourcedId,pronouns\r\n"
             "u1,active,,true,,,Ann,Teach,,,ann@x.example,,,,,,,,,,,a,\r\n")
    roles = ("sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,"
             "orgSourcedId,userProfileSourcedId\r\n"
             "r1,active,,u1,primary,teacher,,,a,\r\n"
             "r2,active,,u1,secondary,teacher,,,b,\r\n")
    path = tmp_path / "or12.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("export/orgs.csv", "\ufeff" + ORGS)
        z.writestr("export/users.csv", users)
        z.writestr("export/roles.csv", roles)
    (tab,), problems = read_sis(path, "SIS", Backend.ONEROSTER, None)
    assert problems == [] and tab.tab == "roles.csv"
    assert [r[:2] for r in tab.rows] == [["Ann Teach", "Alpha Elementary"],
                                          ["Ann Teach", "Beta Middle"]]
    assert list(tab.row_numbers) == [2, 3]


def test_clever_files(tmp_path):
    folder = write(tmp_path / "clever", {
        "schools.csv": "School_id,School_name,School_number\r\nA1,Alpha Elementary,1\r\n",
        "teachers.csv": "School_id,Teacher_id,Teacher_email,First_name,Last_name\r\n"
                        "A1,9,t.one@alpha.example,T,One\r\n"}, bom=False)
    (tab,), _problems = read_sis(folder, "Clever", Backend.CLEVER, None)
    assert tab.rows == [["T One", "Alpha Elementary", None, "t.one@alpha.example"]]


def test_a_file_without_the_specs_header_says_which_and_what_it_should_be(tmp_path):
    folder = write(tmp_path / "bad", {"orgs.csv": ORGS,
                                      "users.csv": "t1,active,,true,a,teacher\r\n"})
    tabs, problems = read_sis(folder, "SIS", Backend.ONEROSTER, None)
    assert tabs == []
    message = problems[0].message
    assert "users.csv has no column sourcedId, givenName, familyName" in message
    assert "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role" in message


def test_a_missing_bundle_is_a_problem_not_a_crash(tmp_path):
    _, problems = read_sis(tmp_path / "nope.zip", "SIS", Backend.ONEROSTER, None)
    assert "no such file or folder" in problems[0].message


def test_a_roster_source_gives_the_teachers_tab_only():
    Source(name="SIS", backend="oneroster", location="x.zip", tabs={"teachers": "users.csv"})
    with pytest.raises(ValidationError, match="gives the teachers roster only"):
        Source(name="SIS", backend="clever", location="x", tabs={"schools": "schools.csv"})


SESSIONS = ("sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,"
            "schoolYear\r\n")


def calendar_bundle(tmp_path, sessions: str) -> Path:
    users = USERS_11 + "\r\n" + user("t1", "a", "teacher", "T", "One")
    return write(tmp_path / "b", {"orgs.csv": ORGS, "users.csv": users,
                                  "academicSessions.csv": SESSIONS + sessions})


def test_a_bundles_school_years_are_its_schoolyear_sessions_only(tmp_path):
    from sync.inspect import inspect_source
    sessions = ("y1,active,,2025-26,schoolYear,2025-08-18,2026-06-05,,2026\r\n"
                "y1s,active,,Fall,semester,2025-08-18,2025-12-19,y1,2026\r\n"
                "y2,tobedeleted,,old,schoolYear,2026-08-10,2027-06-01,,2027\r\n"
                "y3,active,,bad,schoolYear,someday,2027-06-01,,2027\r\n"
                "y4,active,,2026-27,SCHOOLYEAR,2026-08-17,2027-06-04,,2027\r\n")
    found = inspect_source(str(calendar_bundle(tmp_path, sessions)))
    assert found.backend is Backend.ONEROSTER
    assert [(c.title, c.start.isoformat(), c.end.isoformat(), c.line) for c in found.calendars] \
        == [("2025-26", "2025-08-18", "2026-06-05", 2), ("2026-27", "2026-08-17", "2027-06-04", 6)]


def test_the_school_year_chosen_is_the_one_holding_the_sessions(tmp_path):
    import datetime as dt

    from core.setup import stated_year
    from sync.inspect import inspect_source
    sessions = ("y1,active,,2025-26,schoolYear,2025-08-18,2026-06-05,,2026\r\n"
                "y2,active,,2026-27,schoolYear,2026-08-17,2027-06-04,,2027\r\n")
    years = inspect_source(str(calendar_bundle(tmp_path, sessions))).calendars
    june = dt.date(2027, 6, 30)
    assert stated_year(years, (dt.date(2026, 8, 24), june)).title == "2026-27"
    # coaches logging in the weeks before the first day of school
    assert stated_year(years, (dt.date(2026, 7, 27), june)).title == "2026-27"
    assert stated_year(years, (dt.date(2028, 8, 21), june)) is None  # no year holds the data
    assert stated_year(years, None) is None  # two years and nothing to choose by
    assert stated_year(years[1:], None).title == "2026-27"


def test_a_calendar_file_without_the_specs_columns_says_so(tmp_path):
    from core.errors import ConfigError
    from sync.inspect import inspect_source
    bundle = calendar_bundle(tmp_path, "")
    (bundle / "academicSessions.csv").write_text("id,name\r\ny1,2026-27\r\n")
    with pytest.raises(ConfigError, match=r"academicsessions.csv has no column type, startDate, "
                                          r"endDate.*sourcedId,status,dateLastModified,title"):
        inspect_source(str(bundle))
