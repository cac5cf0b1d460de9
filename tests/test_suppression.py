"""Complementary suppression: no hidden cycle's n, % before or % after can be worked out from
anything published, in any tab or email (the property test over random districts), and the
rules by hand on small tables."""
from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from config.model import Config
from core.display import Privacy
from core.impact import compute_impact
from core.schema import TabKind as K
from core.sources import RawTab
from core.summary import coaches_table, cycles_table, district_table, schools_table
from core.suppress import _groups, _pooled, determined, plan_suppression
from core.validate import validate
from core.weeks import parse_week
from reports.context import district_context, school_contexts
from reports.render import render_all, render_district
from sync.common import sheet_values
from tests.small_district import YEAR, context

WEEK = parse_week("2026-W47")


def frame(rows):
    """Cycles as (id, school, coach, n, proficient before, after), all completed."""
    return pd.DataFrame(rows, columns=["cycle_id", "school", "coach", "n", "pre_prof",
                                       "post_prof"]).assign(status="complete")


def test_one_small_cycle_hides_the_next_smallest_of_its_school():
    # The case: the school's pooled 20 students minus the shown 12 gave the hidden 8.
    plan = plan_suppression(frame([
        ("A", "S", "K", 8, 2, 6), ("B", "S", "K", 12, 3, 10),
        ("D", "T", "K2", 25, 5, 15), ("E", "T", "K2", 40, 10, 30)]), 10)
    assert plan.cycles == {"A": "small", "B": "complement"}
    assert plan.totals == {}


def test_a_coach_total_is_a_second_way_in():
    # A is its coach's only cycle; school S minus coach K2 would give A even with B hidden.
    plan = plan_suppression(frame([
        ("A", "S", "K1", 8, 2, 6), ("B", "S", "K2", 12, 3, 10), ("C", "S", "K2", 30, 9, 20),
        ("D", "T", "K3", 25, 5, 15), ("E", "T", "K3", 40, 10, 30)]), 10)
    assert plan.cycles["A"] == "small" and ("coach", "K1") in plan.totals
    pooled = _pooled(frame([("A", "S", "K1", 8, 2, 6), ("B", "S", "K2", 12, 3, 10),
                            ("C", "S", "K2", 30, 9, 20), ("D", "T", "K3", 25, 5, 15),
                            ("E", "T", "K3", 40, 10, 30)]))
    assert determined(pooled, _groups(pooled), plan.cycles, plan.totals) == []
    assert "D" not in plan.cycles and "E" not in plan.cycles  # school T is left alone


def test_a_lone_small_cycle_hides_its_school_total_when_nothing_else_can():
    plan = plan_suppression(frame([("A", "S", "K", 8, 2, 6), ("B", "T", "K", 12, 3, 10),
                                   ("C", "T", "K", 14, 3, 10)]), 10)
    # S's total is A itself (small); the district minus T, and coach K minus T, would give A.
    assert plan.cycles["A"] == "small"
    assert "complement" in plan.cycles.values() or ("district", "") in plan.totals


def test_all_or_none_proficient_among_the_hidden_is_a_leak_too():
    # B and C hidden, both 0 proficient before: the total's 0 would tell each one's 0%.
    plan = plan_suppression(frame([
        ("A", "S", "K", 5, 0, 3), ("B", "S", "K", 12, 0, 6), ("C", "S", "K", 20, 4, 10),
        ("D", "S", "K", 30, 9, 20)]), 10)
    assert plan.cycles["B"] == "complement"  # next smallest
    hidden = [c for c in "ABCD" if c in plan.cycles]
    rows = frame([("A", "S", "K", 5, 0, 3), ("B", "S", "K", 12, 0, 6),
                  ("C", "S", "K", 20, 4, 10), ("D", "S", "K", 30, 9, 20)]).set_index("cycle_id")
    if ("school", "S") not in plan.totals:
        assert 0 < rows.loc[hidden, "pre_prof"].sum() < rows.loc[hidden, "n"].sum()


def test_nothing_hidden_when_every_cycle_is_large_enough():
    plan = plan_suppression(frame([("A", "S", "K", 12, 2, 6), ("B", "S", "K", 15, 3, 10)]), 10)
    assert plan.cycles == {} and plan.totals == {}


# ---------------------------------------------------------------- the property test


@st.composite
def districts(draw):
    schools = [f"School {i}" for i in range(draw(st.integers(1, 3)))]
    coaches = {}
    for k in range(draw(st.integers(1, 3))):
        coaches[f"Coach {k}"] = draw(st.lists(st.sampled_from(schools), min_size=1, max_size=2,
                                              unique=True))
    cycles = []
    for c in range(draw(st.integers(1, 9))):
        coach = draw(st.sampled_from(sorted(coaches)))
        school = draw(st.sampled_from(coaches[coach]))
        n = draw(st.sampled_from([0, 1, 3, 5, 8, 9, 10, 11, 12, 15, 20, 25]))
        scores = draw(st.lists(st.tuples(st.integers(0, 100), st.integers(0, 100)),
                               min_size=n, max_size=n))
        complete = draw(st.booleans()) or draw(st.booleans())
        cycles.append((f"C-{c}", school, coach, scores, complete))
    return schools, coaches, cycles


def raw_district(schools, coaches, cycles) -> list[RawTab]:
    d = dt.date
    tabs = {
        "Schools": (K.SCHOOLS, [["School", "Principal", "Principal email",
                                 "Number of classroom teachers", "Implementation stage"]]
                    + [[s, f"P {i}", f"p{i}@x.example", 20, "launch"]
                       for i, s in enumerate(schools)]),
        "Coaches": (K.COACHES, [["Name", "Email", "Schools", "FTE"]]
                    + [[k, f"k{i}@x.example", "; ".join(ss), 1]
                       for i, (k, ss) in enumerate(coaches.items())]),
        "Cycles": (K.CYCLES, [["Cycle ID", "Coach", "Teacher", "School", "Grade", "Subject",
                               "Focus", "Start date", "End date", "Status"]]
                   + [[cid, k, f"Teacher {cid}", s, 3, "ELA", "Focus", d(2026, 9, 7),
                       d(2026, 10, 16) if done else d(2026, 12, 11),
                       "Complete" if done else "Active"]
                      for cid, s, k, _, done in cycles]),
        "Assessments": (K.ASSESSMENTS, [["Cycle ID", "Student ID", "Pre score", "Post score"]]
                        + [[cid, f"S{cid}-{j}", pre, post]
                           for cid, _, _, scores, _ in cycles
                           for j, (pre, post) in enumerate(scores)]),
        "Log": (K.COACHING_LOG, [["Date", "Coach", "School", "Activity", "Minutes"]]
                + [[d(2026, 11, 17), k, ss[0], "Planning", 30] for k, ss in coaches.items()]),
    }
    out = []
    for title, (kind, rows) in tabs.items():
        header, body = sheet_values(tuple(r) for r in rows)
        out.append(RawTab("Random", title, kind, header, body))
    return out


CONFIG = Config.model_validate({
    "district": {"name": "Random", "school_year": {"start": YEAR.start, "end": YEAR.end},
                 "as_of": dt.date(2026, 11, 23)},
    "sources": [{"name": "x", "location": "x.xlsx", "tabs": {"schools": "S"}}],
    "output": {"location": "out.xlsx"}})


def records(table):
    return [dict(zip(table.header, row, strict=False)) for row in table.rows]


def published(impact):
    """What a reader of the tabs learns: each shown cycle's counts, and each shown total with
    the set of completed cycles it sums (the Cycles tab says which cycles those are)."""
    privacy = Privacy(CONFIG.settings.min_n, coded=False)
    cycles = {r["Cycle ID"]: r for r in records(cycles_table(impact, privacy))}
    totals = []
    for table, key in ((schools_table(impact, privacy), "School"),
                       (coaches_table(impact, privacy, 60), "Coach")):
        for row in records(table):
            members = [c for c, r in cycles.items() if r["Status"] == "complete"
                       and row[key] in (r["School"], r["Coach"])
                       and (r["School"] if key == "School" else r["Coach"]) == row[key]]
            totals.append((row["Students in completed cycles"], members))
    district = {r[0]: r[2] for r in district_table(impact, privacy, "Random").rows if r}
    totals.append((district["Students in completed cycles"],
                   [c for c, r in cycles.items() if r["Status"] == "complete"]))
    return cycles, [(n, m) for n, m in totals if isinstance(n, int)]


def leaks(truth: pd.DataFrame, cycles, totals) -> list[str]:
    """Hidden cycles whose counts follow from the published ones: by any sum and difference of
    the totals (linear algebra), or because all (or none) of a total's hidden students were
    proficient."""
    hidden = [c for c, r in cycles.items() if not isinstance(r["Students with pre and post"],
                                                             int)]
    if not hidden or not totals:
        return []
    matrix = np.array([[1.0 if c in members else 0.0 for c in hidden] for _, members in totals])
    _, values, vt = np.linalg.svd(matrix)
    null = vt[int((values > 1e-9).sum()):]
    found = [c for j, c in enumerate(hidden)
             if matrix[:, j].any() and not np.any(np.abs(null[:, j]) > 1e-7)]
    for _, members in totals:
        rest = truth.loc[[c for c in members if c in hidden]]
        if len(rest) and any(rest[p].sum() in (0, rest["n"].sum())
                             for p in ("pre_prof", "post_prof")):
            found += list(rest.index)
    return found


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(districts())
def test_no_hidden_cycle_can_be_worked_out_from_anything_published(district):
    data = validate(raw_district(*district), context())
    impact = compute_impact(data, CONFIG.settings, YEAR, WEEK)
    truth = impact.cycles.set_index("cycle_id")[["n", "pre_prof", "post_prof"]]
    cycles, totals = published(impact)
    small = [c for c, r in cycles.items() if r["Students with pre and post"] == "n<10"]
    assert small == [c for c in truth.index if 0 < truth.at[c, "n"] < 10]
    assert leaks(truth, cycles, totals) == []
    emails_publish_no_more_than_the_tabs(impact, data, cycles, totals)


def emails_publish_no_more_than_the_tabs(impact, data, cycles, totals):
    """Each principal's and the district's email show the same results as the tabs, or fewer."""
    shown_n = {n for n, _ in totals}
    for mail in render_all(school_contexts(impact, data, CONFIG), cc_coaches=False):
        results = re.findall(r"proficient (\S+) → (\S+)", mail.text)
        school_cycles = [r for r in cycles.values() if r["School"] == mail.school
                         and r["Status"] == "complete"]
        with_results = [r for r in school_cycles
                        if isinstance(n := r["Students with pre and post"], int) and n]
        pooled = re.search(r"over (\d+) students", mail.text)
        assert len(results) == len(with_results) + bool(pooled)
        if pooled:
            assert int(pooled[1]) in shown_n
    for mail in render_district(district_context(impact, data, CONFIG),
                                CONFIG.district_staff or []):
        pooled = re.search(r"\((\d+) students;", mail.text)
        assert pooled is None or int(pooled[1]) in shown_n


def rank_determined(pooled, groups, hidden, totals):
    """The reference: a hidden cycle is fixed when its unit vector lies in the row space of the
    shown totals (each restricted to the hidden cycles), by linear algebra."""
    shown = [k for k in groups if k not in totals]
    columns = [c for c in pooled.ids if c in hidden]
    ids = pooled.ids
    rows = [[1.0 if c in {ids[i] for i in groups[k]} else 0.0 for c in columns] for k in shown]
    if not columns or not rows:
        return []
    matrix = np.array(rows)
    _, values, vt = np.linalg.svd(matrix)
    null = vt[int((values > 1e-9).sum()):]
    return [c for j, c in enumerate(columns)
            if matrix[:, j].any() and not np.any(np.abs(null[:, j]) > 1e-7)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.booleans()), min_size=1,
                max_size=12),
       st.sets(st.sampled_from([("school", f"S{i}") for i in range(4)]
                               + [("coach", f"K{i}") for i in range(4)] + [("district", "")])))
def test_the_graph_test_agrees_with_linear_algebra(cells, hidden_totals):
    pooled = _pooled(pd.DataFrame({"cycle_id": [f"C{j}" for j in range(len(cells))],
                                   "school": [f"S{s}" for s, _, _ in cells],
                                   "coach": [f"K{k}" for _, k, _ in cells],
                                   "n": 10, "pre_prof": 1, "post_prof": 2,
                                   "status": "complete"}))
    groups = _groups(pooled)
    hidden = {f"C{j}": "small" for j, (_, _, h) in enumerate(cells) if h}
    totals = {k: "small" for k in hidden_totals if k in groups}
    assert sorted(determined(pooled, groups, hidden, totals)) == sorted(
        rank_determined(pooled, groups, hidden, totals))
