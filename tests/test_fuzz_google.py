"""Google's answers, damaged as a flaky network or proxy damages them: cut-off JSON, a 200 that
lacks its main field, errors and dropped connections, on any call. Whatever happens, reading
never raises, a damaged source is one problem (never a source that looks empty), and every
other source is read whole. The write checks, rather than resends, an answer it cannot read."""
from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from config.model import Google
from standins.sheets import SheetsStandIn
from standins.sheets.clock import ManualClock
from sync.google_api import connect
from sync.google_read import read_google
from sync.google_write import GoogleTarget
from sync.pacing import READ, WRITE, Pacer, RetryPolicy
from tests.small_district import TABS
from tests.test_google import ENTRY, TABLE, TOKEN, conn, output_sheet, source  # noqa: F401

FUZZ = settings(max_examples=max(1, settings.default.max_examples // 2), deadline=None,
                suppress_health_check=list(HealthCheck))
ENDPOINTS = ["spreadsheets.get", "values.batchGet"]
faults = st.lists(st.tuples(st.sampled_from(ENDPOINTS),
                            st.sampled_from(["truncated", "incomplete", "500", "drop"]),
                            st.integers(0, 2), st.integers(1, 3)), min_size=1, max_size=3)


@pytest.fixture(scope="module")
def standin():
    with SheetsStandIn(clock=ManualClock()) as s:
        yield s


def connection(standin):
    pacer = Pacer({READ: 60, WRITE: 60}, clock=standin.clock.now, sleep=standin.clock.advance)
    return connect(Google(endpoint=standin.url, timeout_seconds=0.3), pacer=pacer,
                   policy=RetryPolicy(max_attempts=2, rng=random.Random(7)))


@FUZZ
@given(faults)
def test_damaged_answers_make_one_problem_per_source_never_a_crash(standin, monkeypatch,
                                                                   script):
    monkeypatch.setenv("SHEETS_API_TOKEN", TOKEN)
    standin.reset()
    rows = {t: r for t, (_, r) in TABS.items()}
    sids = [standin.create_spreadsheet(f"District {i}", rows, owner=TOKEN) for i in range(3)]
    for endpoint, kind, after, times in script:
        standin.faults.add(endpoint=endpoint, kind=kind, after=after, times=times)
    conn = connection(standin)
    for sid in sids:
        tabs, problems = read_google(conn, source(sid))
        if problems:  # damaged: all of it held back, and said so
            assert tabs == [] and len(problems) == 1
            assert sid in problems[0].message
        else:  # read whole, exactly as it is
            assert {t.tab: [t.header, *t.rows][0] for t in tabs} == {
                title: [str(h) for h in rows[title][0]] for title in rows}
    standin.faults.clear()
    assert read_google(connection(standin), source(sids[-1]))[1] == []  # the next run reads


@pytest.mark.parametrize("endpoint, kind", [("spreadsheets.get", "truncated"),
                                            ("spreadsheets.get", "incomplete"),
                                            ("values.batchGet", "truncated"),
                                            ("values.batchGet", "incomplete")])
def test_each_damaged_answer_is_named_as_such(sheets_api, conn, endpoint, kind):
    sid = sheets_api.create_spreadsheet("D", {t: r for t, (_, r) in TABS.items()}, owner=TOKEN)
    sheets_api.faults.add(endpoint=endpoint, kind=kind)
    tabs, problems = read_google(conn, source(sid))
    assert tabs == [] and len(problems) == 1
    assert problems[0].message.startswith(f"Google Sheets sent an answer for spreadsheet {sid} "
                                          "that could not be understood")


def test_a_cut_off_answer_to_the_write_is_checked_not_resent(sheets_api, conn):
    sid = output_sheet(sheets_api)
    sheets_api.faults.add(endpoint="spreadsheets.batchUpdate", kind="truncated")
    GoogleTarget(conn, sid).write([TABLE], ENTRY)  # applied; its answer unreadable
    assert sheets_api.log.counts()["spreadsheets.batchUpdate"] == 1
    assert sheets_api.tab_titles(sid) == ["Coordinator notes", "Schools", "Run Log"]


def test_a_persons_tab_differing_only_in_case_stops_the_google_write(sheets_api, conn):
    from core.errors import TabOwnershipError
    sid = output_sheet(sheets_api, **{"schools": [["mine"]]})
    with pytest.raises(TabOwnershipError, match="already has tab\\(s\\) 'schools' that this job"):
        GoogleTarget(conn, sid).write([TABLE], ENTRY)
    assert sheets_api.tab_titles(sid) == ["Coordinator notes", "schools"]
