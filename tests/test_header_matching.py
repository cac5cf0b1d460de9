"""Header matching: how real districts head their columns (Google Form questions, Excel activity
reports, the Missouri coaching-log template, Knight- and Sweeney-style logs) and headers that
look close but mean something else."""
import pytest

from core.headers import match_columns
from core.schema import TabKind as K

LOG, CYC, ASM, SCH, CO, TEA = (K.COACHING_LOG, K.CYCLES, K.ASSESSMENTS, K.SCHOOLS, K.COACHES,
                               K.TEACHERS)

REAL_WORLD = [
    # Google Form questions (the responses tab of a coaching-log Form)
    (LOG, "Timestamp", "timestamp", None),
    (LOG, "Email Address", "coach_email", None),
    (LOG, "Date of Session", "date", None),
    (LOG, "Which school?", "school", None),
    (LOG, "Which campus?", "school", None),
    (LOG, "Which teacher(s) did you work with?", "teacher", None),
    (LOG, "How long was the session (minutes)?", "minutes", "minutes"),
    (LOG, "How many minutes did you spend?", "minutes", "minutes"),
    (LOG, "How much time did you spend? (hours)", "minutes", "hours"),
    (LOG, "What type of coaching did you provide?", "activity", None),
    (LOG, "Coaching cycle ID (if part of a cycle)", "cycle_id", None),
    (LOG, "Date of coaching session", "date", None),
    (LOG, "When was the session?", "date", None),
    (LOG, "When did the session take place?", "date", None),
    (LOG, "Your name", "coach", None),
    (LOG, "Name of coach", "coach", None),
    (LOG, "Which approach did you use?", "approach", None),
    (LOG, "Notes / reflections", "notes", None),
    (LOG, "Session notes", "notes", None),
    (LOG, "Your email address", "coach_email", None),
    (LOG, "Who did you coach?", "teacher", None),
    # Excel activity reports and Knight/Sweeney-style logs
    (LOG, "Time (min)", "minutes", "minutes"),
    (LOG, "Time spent (hrs)", "minutes", "hours"),
    (LOG, "Duration – hours", "minutes", "hours"),
    (LOG, "Duration - minutes", "minutes", "minutes"),
    (LOG, "Time (h)", "minutes", "hours"),
    (LOG, "Minutes spent", "minutes", "minutes"),
    (LOG, "Hours", "minutes", "hours"),
    (LOG, "Total minutes", "minutes", "minutes"),
    (LOG, "Time Spent (in minutes)", "minutes", "minutes"),
    (LOG, "Length of session (mins)", "minutes", "minutes"),
    (LOG, "Number of hours", "minutes", "hours"),
    (LOG, "Coaching Activity", "activity", None),
    (LOG, "Type of Interaction", "activity", None),
    (LOG, "Activity Type", "activity", None),
    (LOG, "Coaching Move", "activity", None),
    (LOG, "Teacher Name(s)", "teacher", None),
    (LOG, "Teacher(s) Coached", "teacher", None),
    (LOG, "Tchr name", "teacher", None),
    (LOG, "Campus Name", "school", None),
    (LOG, "School/Campus", "school", None),
    (LOG, "Bldg", "school", None),
    (LOG, "Cycle #", "cycle_id", None),
    (LOG, "Cycle No.", "cycle_id", None),
    (LOG, "Date of Event/Visit", "date", None),
    (LOG, "Interaction Date", "date", None),
    (LOG, "Visit date", "date", None),
    (LOG, "Approach used", "approach", None),
    (LOG, "Coach E-mail", "coach_email", None),
    (LOG, "Comments", "notes", None),
    (LOG, "Session Type", "activity", None),
    # Cycles
    (CYC, "Coaching cycle goal", "focus", None),
    (CYC, "Proficiency Cutoff (%)", "cutoff", None),
    (CYC, "Cut score", "cutoff", None),
    (CYC, "Goal %", "goal", None),
    (CYC, "Target % Proficient", "goal", None),
    (CYC, "Grade Level", "grade", None),
    (CYC, "Content Area", "subject", None),
    (CYC, "Cycle Status", "status", None),
    (CYC, "Planned End Date", "end_date", None),
    (CYC, "Date started", "start_date", None),
    (CYC, "Focus/Standard", "focus", None),
    # Assessments
    (ASM, "Student Number", "student_id", None),
    (ASM, "Pre-Assessment Score", "pre", None),
    (ASM, "Pre-test", "pre", None),
    (ASM, "Post-test score", "post", None),
    (ASM, "Pre Score (Sept)", "pre", None),
    (ASM, "Post (Oct)", "post", None),
    # Schools
    (SCH, "% Econ. Disadvantaged", "need", None),
    (SCH, "Econ Dis %", "need", None),
    (SCH, "Economically Disadvantaged (%)", "need", None),
    (SCH, "Economically disadvantaged", "need", None),
    (SCH, "FRL", "need", None),
    (SCH, "% FRL", "need", None),
    (SCH, "Percent Free/Reduced Lunch", "need", None),
    (SCH, "Free & Reduced Lunch %", "need", None),
    (SCH, "# Teachers", "classroom_teachers", None),
    (SCH, "No. of Teachers", "classroom_teachers", None),
    (SCH, "How many classroom teachers?", "classroom_teachers", None),
    (SCH, "Classroom teacher count", "classroom_teachers", None),
    (SCH, "Principal's email", "principal_email", None),
    (SCH, "Principal E-mail Address", "principal_email", None),
    (SCH, "Stage of implementation", "stage", None),
    (SCH, "School Name", "school", None),
    # Coaches and teachers
    (CO, "Coach Name", "coach", None),
    (CO, "Schools Served", "schools", None),
    (CO, "School(s)", "schools", None),
    (CO, "Email Address", "email", None),
    (TEA, "Teacher Name", "teacher", None),
    (TEA, "Grade level", "grade", None),
]

NEAR_MISSES = [
    (LOG, "School year"), (LOG, "Teacher email"), (LOG, "Student name"), (LOG, "Grade"),
    (LOG, "Subject"), (LOG, "Start time"), (LOG, "Time of day"), (LOG, "Next steps"),
    (LOG, "Follow-up needed?"), (LOG, "Was this part of a cycle?"), (LOG, "Cycle start date"),
    (LOG, "Teacher ID"), (LOG, "Coach ID"), (LOG, "Principal"), (LOG, "Number of students"),
    (LOG, "Minutes late"), (LOG, "Date submitted"), (LOG, "School district"),
    (LOG, "Other activity (describe)"), (LOG, "Activity notes"), (LOG, "Activity description"),
    (LOG, "Approach notes"), (LOG, "Teacher grade level"), (LOG, "Email of teacher"),
    (LOG, "Hours of operation"), (LOG, "Session rating"), (LOG, "Date of birth"),
    (LOG, "Campus address"), (LOG, "Name of student"), (LOG, "Your role"),
    (LOG, "Coach's supervisor"), (LOG, "Subject taught"), (LOG, "Teacher number"),
    (LOG, "Student ID"),
    (SCH, "Principal phone"), (SCH, "Assistant principal"), (SCH, "Assistant principal email"),
    (SCH, "Enrollment"), (SCH, "Number of students"), (SCH, "Teachers on leave"),
    (SCH, "% ELL"), (SCH, "% Special education"), (SCH, "School year"), (SCH, "District"),
    (SCH, "Grade span"), (SCH, "Principal start date"), (SCH, "Coach"), (SCH, "School ID"),
    (CO, "Supervisor email"), (CO, "Phone"), (CO, "Hire date"), (CO, "Years coaching"),
    (CO, "Coach ID"),
    (CYC, "Teacher email"), (CYC, "Number of students"), (CYC, "Students in cycle"),
    (CYC, "Cycle length (weeks)"), (CYC, "Start time"), (CYC, "End of cycle survey"),
    (CYC, "Goal met?"), (CYC, "Focus student"), (CYC, "Status notes"),
    (ASM, "Student name"), (ASM, "Pre-assessment date"), (ASM, "Post date"), (ASM, "Growth"),
    (ASM, "Pre level date"), (ASM, "Teacher"), (ASM, "Student grade"), (ASM, "Proficient?"),
    (TEA, "Teacher ID"), (TEA, "Teacher phone"), (TEA, "Years teaching"), (TEA, "Room"),
]


def test_the_tables_are_big_enough():
    assert len(REAL_WORLD) >= 60 and len(NEAR_MISSES) >= 60


@pytest.mark.parametrize("kind, header, name, unit", REAL_WORLD,
                         ids=[f"{k.value}:{h}" for k, h, _, _ in REAL_WORLD])
def test_real_world_headers_match_their_field(kind, header, name, unit):
    found = match_columns(kind, [header], {})
    assert list(found.matches) == [name], found
    assert found.matches[name].unit == unit


@pytest.mark.parametrize("kind, header", NEAR_MISSES,
                         ids=[f"{k.value}:{h}" for k, h in NEAR_MISSES])
def test_near_misses_match_nothing(kind, header):
    found = match_columns(kind, [header], {})
    assert not found.matches and not found.ambiguous, found


# ---------------------------------------------------------------- what a match does to the data


from core.sources import RawTab  # noqa: E402
from core.validate import validate  # noqa: E402
from tests.small_district import context, raw_tabs  # noqa: E402

DAY = 46346  # 2026-11-20 as a serial number


def district_with(header, rows, **aliases):
    tab = RawTab("Form", "Responses", K.COACHING_LOG, header, rows)
    tabs = [t for t in raw_tabs() if t.kind is not K.COACHING_LOG] + [tab]
    return validate(tabs, context(), aliases={K.COACHING_LOG: aliases} if aliases else None)


def form_issues(result):
    return result.issues[result.issues["source"] == "Form"]


HEAD = ["Date", "Coach", "School", "Teacher", "Cycle ID", "Activity"]


def rows(*durations):
    return [[DAY, "Bo Diaz", "Beta Middle", "T Four", "B-1", "Planning", m] for m in durations]


def test_an_hours_header_reads_bare_numbers_as_hours():
    result = district_with([*HEAD, "Time spent (hrs)"], rows(0.75, "1.5", 2, "30 min", "2:15"))
    assert result.logs["minutes"].tolist() == [45, 90, 120, 30, 135]
    assert form_issues(result).empty
    assert "Form › Responses: matched 'Time spent (hrs)' to minutes (numbers read as hours)" \
        in result.header_notes


def test_a_config_alias_can_carry_the_unit():
    result = district_with([*HEAD, "Time logged"], rows(0.5, 1, 2),
                           minutes=["Time logged (hours)"])
    assert result.logs["minutes"].tolist() == [30, 60, 120]


def test_a_minutes_header_with_hour_sized_numbers_is_a_warning_naming_the_column():
    result = district_with([*HEAD, "Time spent"], rows(0.75, 1, 1.5, 2))
    issues = form_issues(result)
    assert len(issues) == 1 and issues.iloc[0]["severity"] == "warning"
    message = issues.iloc[0]["message"]
    assert "'Time spent'" in message and "typical value (1.25)" in message
    assert "Time spent (hours)" in message  # the fix
    assert result.logs["minutes"].tolist() == [0.75, 1, 1.5, 2]  # read as written, but said


def test_an_hours_header_with_minute_sized_numbers_is_a_warning():
    issues = form_issues(district_with([*HEAD, "Hours"], rows(45, 60, 30)))
    assert "implausible as hours" in " ".join(issues["message"])


def test_two_close_candidates_are_an_issue_naming_both_and_the_alias_that_settles_it():
    result = district_with([*HEAD, "Minutes (planning)", "Minutes (coaching)"],
                           [[DAY, "Bo Diaz", "Beta Middle", "T Four", "B-1", "Planning", 30, 15]])
    issues = form_issues(result)
    assert len(issues) == 1 and issues.iloc[0]["severity"] == "error"
    message = issues.iloc[0]["message"]
    assert "'Minutes (planning)' (column G) and 'Minutes (coaching)' (column H)" in message
    assert 'aliases: {coaching_log: {minutes: ["Minutes (planning)"]}}' in message
    assert result.logs.empty  # required: the tab is not used until it is settled
    settled = district_with([*HEAD, "Minutes (planning)", "Minutes (coaching)"],
                            [[DAY, "Bo Diaz", "Beta Middle", "T Four", "B-1", "Planning", 30, 15]],
                            minutes=["Minutes (planning)"])
    assert form_issues(settled).empty and settled.logs["minutes"].tolist() == [30]


def test_an_optional_column_not_found_says_which_figure_is_blank():
    result = district_with(["Date", "Coach", "Activity", "Minutes"],
                           [[DAY, "Bo Diaz", "Planning", 30]])
    issues = form_issues(result).set_index("column")["message"]
    assert "teachers coached" in issues["Teacher"]
    assert "time in cycles" in issues["Cycle ID"]
    assert 'aliases: {coaching_log: {teacher: ["Your header"]}}' in issues["Teacher"]


def test_a_header_used_twice_is_a_warning_naming_both_columns():
    result = district_with([*HEAD, "Minutes", "Teacher"],
                           [[DAY, "Bo Diaz", "Beta Middle", "T Four", "B-1", "Planning", 30,
                             "T Five"]])
    message = form_issues(result)["message"].tolist()
    assert message == ["Two columns are headed 'Teacher' (columns D and H); only column D is "
                       "read. Rename or delete one of them."]


def test_exact_headers_are_not_reported_as_guesses():
    result = district_with([*HEAD, "Minutes"], rows(30))
    assert result.header_notes == []
