"""The district's own labels: read by their words when unambiguous, mapped in config otherwise;
`N/A` and the like in an optional column are blank."""
import pandas as pd
import pytest
from pydantic import ValidationError

from config.model import Config
from core.labels import read_labels
from core.schema import (
    ACTIVITY_LOOKUP,
    APPROACH_LOOKUP,
    STAGE_LOOKUP,
    STATUS_LOOKUP,
    vocabulary_key,
)
from core.schema import TabKind as K
from core.sources import RawTab
from core.validate import validate
from tests.small_district import context, raw_tabs

DAY = 46346  # 2026-11-20

ONE_TERM = [
    (ACTIVITY_LOOKUP, "Planning (with teacher)", "planning"),
    (ACTIVITY_LOOKUP, "Co-teaching (in the classroom)", "co-teaching"),
    (ACTIVITY_LOOKUP, "Co-planning session", "planning"),
    (ACTIVITY_LOOKUP, "Duty (lunch/bus)", "other duties"),
    (ACTIVITY_LOOKUP, "Model lesson for 3rd grade", "modeling"),
    (ACTIVITY_LOOKUP, "Debrief [after observation]", "debrief"),
    (STATUS_LOOKUP, "Complete (goal met)", "complete"),
    (STATUS_LOOKUP, "In progress - week 3", "active"),
    (STAGE_LOOKUP, "Launch (year 1)", "launch"),
    (APPROACH_LOOKUP, "Student-centered coaching", "student-centered"),
]


@pytest.mark.parametrize("lookup, label, term", ONE_TERM, ids=[t[1] for t in ONE_TERM])
def test_a_label_adding_a_hint_or_a_few_words_reads_as_its_term(lookup, label, term):
    read = read_labels(pd.Series([label]), lookup, {})
    assert read.values[0].value == term
    assert read.guessed == {label: read.values[0]}


@pytest.mark.parametrize("label", ["Gardening", "Planning a field trip for the whole grade",
                                   "Co"])
def test_a_label_naming_no_term_or_too_many_other_words_is_unknown(label):
    read = read_labels(pd.Series([label]), ACTIVITY_LOOKUP, {})
    assert read.unknown[0] and pd.isna(read.values[0])


def test_a_label_naming_two_terms_is_never_guessed():
    read = read_labels(pd.Series(["Co-teaching / co-planning"]), ACTIVITY_LOOKUP, {})
    assert pd.isna(read.values[0]) and not read.unknown[0]
    assert [t.value for t in read.terms_of["Co-teaching / co-planning"]] == ["co-teaching",
                                                                            "planning"]


def log_tab(rows):
    header = ["Date", "Coach", "School", "Teacher", "Cycle ID", "Activity", "Minutes"]
    return RawTab("Form", "Responses", K.COACHING_LOG, header,
                  [[DAY, "Bo Diaz", "Beta Middle", "T Four", cycle, activity, minutes]
                   for cycle, activity, minutes in rows])


def run(rows, **vocabulary):
    tabs = [t for t in raw_tabs() if t.kind is not K.COACHING_LOG] + [log_tab(rows)]
    ctx = context()
    ctx.vocabulary = {kind: {label: ACTIVITY_LOOKUP[vocabulary_key(term)]
                             for label, term in labels.items()}
                      for kind, labels in vocabulary.items()}
    result = validate(tabs, ctx)
    return result, result.issues[result.issues["source"] == "Form"]


def test_district_labels_count_as_their_term_and_are_shown_in_check():
    result, issues = run([("B-1", "Planning (with teacher)", 30), (None, "Duty (lunch/bus)", 20)])
    assert issues.empty
    assert result.logs["activity"].tolist() == ["planning", "other duties"]
    assert result.logs["coaching"].tolist() == [True, False]
    assert "read activity 'Planning (with teacher)' as planning" in result.header_notes


def test_a_two_activity_label_is_an_issue_asking_for_the_mapping():
    result, issues = run([("B-1", "Co-teaching / co-planning", 30)])
    assert result.logs.empty
    message = issues.iloc[0]["message"]
    assert "names more than one activity (co-teaching and planning)" in message
    assert 'vocabulary: {activity: {"Co-teaching / co-planning": co-teaching}}' in message


def test_the_config_vocabulary_settles_it():
    result, issues = run([("B-1", "Co-teaching / co-planning", 30), (None, "Gardening", 20)],
                         activity={"Co-teaching / co-planning": "co-teaching",
                                   "Gardening": "other duties"})
    assert issues.empty
    assert result.logs["activity"].tolist() == ["co-teaching", "other duties"]


@pytest.mark.parametrize("blank", ["N/A", "n/a", "none", "None", "-", "—", "NA", " n/a "])
def test_placeholders_in_an_optional_column_mean_blank(blank):
    result, issues = run([(blank, "Planning", 30)])
    assert issues.empty and result.logs["cycle_id"].isna().all()


def test_a_placeholder_in_a_required_column_is_still_flagged():
    result, issues = run([("B-1", "Planning", "N/A")])
    assert result.logs.empty and issues.iloc[0]["column"] == "Minutes"


def config(vocabulary):
    return {"district": {"name": "D", "school_year": {"start": "2026-08-17",
                                                      "end": "2027-06-04"}},
            "sources": [{"name": "S", "location": "x.xlsx", "tabs": {"coaching_log": "Log"}}],
            "output": {"location": "out.xlsx"}, "vocabulary": vocabulary}


def test_the_config_vocabulary_is_checked_against_the_terms():
    good = Config.model_validate(config({"activity": {"Duty (lunch/bus)": "Other duties"},
                                         "status": {"Paused": "abandoned"}}))
    assert good.terms()["activity"]["Duty (lunch/bus)"].value == "other duties"
    with pytest.raises(ValidationError, match=r"'Recess' is mapped to 'recess', which is not a "
                                              "known activity; use one of: planning"):
        Config.model_validate(config({"activity": {"Recess": "recess"}}))
    with pytest.raises(ValidationError, match="vocabulary.grade"):
        Config.model_validate(config({"grade": {"K": "kindergarten"}}))
