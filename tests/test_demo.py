"""The bundled demo end to end: the README's first command, its figures checked by hand.

'By hand' here means plain Python over the committed workbooks, sharing no code with the job:
an independent second computation of the figures the job reports.
"""
import datetime as dt
import email
import email.policy
import hashlib
import re
from collections import defaultdict
from pathlib import Path

import pytest
from openpyxl import load_workbook

import main
from demo.generate import generate, planted_bad_rows, planted_quirks

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "demo" / "data"
NOW = dt.datetime(2026, 11, 23, 13, 0, tzinfo=dt.UTC)
WEEK_START, WEEK_END = dt.date(2026, 11, 16), dt.date(2026, 11, 22)
YEAR_START = dt.date(2026, 8, 17)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """Runs the demo config exactly as shipped, but with output and outbox in a temp folder."""
    folder = tmp_path_factory.mktemp("demo")
    text = (ROOT / "config" / "district.yaml").read_text()
    text = text.replace("../demo/data/", f"{DATA}/")
    text = text.replace("../out/district-summary.xlsx", str(folder / "summary.xlsx"))
    text = text.replace("../out/outbox", str(folder / "outbox"))
    config = folder / "district.yaml"
    config.write_text(text)
    before = {p.name: p.read_bytes() for p in DATA.glob("*.xlsx")}
    assert main.main(["run", "--once", "--config", str(config)], now=NOW) == 0
    assert before == {p.name: p.read_bytes() for p in DATA.glob("*.xlsx")}  # inputs untouched
    book = load_workbook(folder / "summary.xlsx")
    tabs = {ws.title: list(ws.iter_rows(values_only=True)) for ws in book}
    mails = {p.stem: email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
             for p in sorted((folder / "outbox" / "2026-W47").glob("*.eml"))}
    return tabs, mails


def records(rows):
    header, *body = rows
    return [dict(zip(header, r, strict=False)) for r in body if any(v is not None for v in r)]


def sheet(name, tab):
    return list(load_workbook(DATA / name, data_only=True)[tab].iter_rows(values_only=True))


def test_one_email_per_school_and_every_summary_tab(run):
    tabs, mails = run
    assert len([k for k in mails if not k.startswith("coach-")]) == 7
    assert len([k for k in mails if k.startswith("coach-")]) == 9  # every coach has a note
    assert list(tabs) == ["Dashboard", "Schools", "Coaches", "Cycles", "District", "Equity",
                          "Trends", "Hours by Week", "Data Issues", "Run Log"]
    assert len(records(tabs["Schools"])) == 7 and len(records(tabs["Coaches"])) == 9


def test_exactly_the_planted_rows_are_flagged(run):
    tabs, _ = run
    issues = records(tabs["Data Issues"])
    flagged = {(i["Tab"], i["Row"]) for i in issues}
    planted = {(p.tab, p.row) for p in planted_bad_rows()}
    quirks = {(p.tab, p.row) for p in planted_quirks()}
    assert planted <= flagged
    assert flagged <= planted | quirks, flagged - planted - quirks
    assert all(i["What to fix"] and i["Column"] and i["Source"] for i in issues)


# ------------------------------------------------------------------ the second computation

MINUTES = {"half day": 180, "full day": 360}


def minutes(cell):
    if isinstance(cell, (int, float)):
        return float(cell)
    text = cell.strip().lower()
    if text in MINUTES:
        return MINUTES[text]
    if ":" in text:
        h, m = text.split(":")
        return int(h) * 60 + int(m)
    number, unit = re.fullmatch(r"([\d.]+)\s*([a-z]*)", text).groups()
    return float(number) * (60 if unit.startswith("h") else 1)


def day(cell, stamp):
    if cell is None:
        return stamp.date()
    if isinstance(cell, dt.datetime):
        return cell.date()
    return dt.datetime.strptime(cell, "%m/%d/%Y").date()


def demo_log_rows():
    """(school, date, minutes, cycle) for every log row the job should keep."""
    bad = {(p.tab, p.row) for p in planted_bad_rows()
           if "WAS-2026-77" not in p.problem}  # an unknown cycle is a warning; the row stays
    cycles = {r[0] for r in sheet("district.xlsx", "Cycles")[1:] if r[0]}
    out = []
    for n, r in enumerate(sheet("coaching-log.xlsx", "Form Responses 1")[1:], start=2):
        if ("Form Responses 1", n) not in bad:
            cycle = r[5] if r[5] in cycles else None
            out.append((" ".join(r[3].split()).title(), day(r[2], r[0]), minutes(r[7]), cycle))
    for n, r in enumerate(sheet("hillcrest-coaching-log.xlsx", "Log")[1:], start=2):
        if ("Log", n) not in bad:
            cycle = r[3] if r[3] in cycles else None
            out.append(("Hillcrest Middle School", day(r[0], None), minutes(r[5]), cycle))
    return out


def test_time_in_cycles_and_hours_per_school_match_a_second_computation(run):
    tabs, _ = run
    total, in_cycles = defaultdict(float), defaultdict(float)
    for school, when, mins, cycle in demo_log_rows():
        if YEAR_START <= when <= WEEK_END:
            total[school] += mins
            in_cycles[school] += mins if cycle else 0
    schools = {s["School"]: s for s in records(tabs["Schools"])}
    assert set(total) == set(schools)
    for name, s in schools.items():
        assert s["Time in cycles"] == pytest.approx(in_cycles[name] / total[name],
                                                     abs=0.0005), name


def score(cell, levels=("not yet", "approaching", "meeting", "exceeding")):
    if cell is None:
        return None
    if isinstance(cell, (int, float)):
        return float(cell)
    text = cell.strip().lower()
    if text.rstrip("%").strip().replace(".", "").isdigit():
        return float(text.rstrip("%"))
    return float(levels.index(text) + 1)


def test_cycle_results_match_a_second_computation(run):
    tabs, _ = run
    cycles = records(sheet("district.xlsx", "Cycles"))
    cutoff = {c["Cycle ID"]: c["Proficiency cutoff"] or 80 for c in cycles}
    bad = {p.row for p in planted_bad_rows() if p.tab == "Assessments"}
    results = defaultdict(lambda: [0, 0, 0])  # n, proficient before, after
    for n, (cid, _, pre, post) in enumerate(sheet("district.xlsx", "Assessments")[1:], start=2):
        if n in bad or score(post) is None:
            continue
        r = results[cid]
        r[0] += 1
        r[1] += score(pre) >= cutoff[cid]
        r[2] += score(post) >= cutoff[cid]
    shown = {c["Cycle ID"]: c for c in records(tabs["Cycles"])}
    checked = complements = 0
    for cid, (n, before, after) in results.items():
        row = shown[cid]
        if n < 10:
            assert row["% proficient before"] == "n<10" == row["Students with pre and post"]
            continue
        if row["Students with pre and post"] == "hidden":  # protects a small cycle
            assert row["% proficient before"] == "hidden" == row["% proficient after"]
            complements += 1
            continue
        assert row["Students with pre and post"] == n
        assert row["% proficient before"] == pytest.approx(before / n, abs=0.005 + 1e-9)
        assert row["% proficient after"] == pytest.approx(after / n, abs=0.005 + 1e-9)
        checked += 1
    assert checked >= 25 and 1 <= complements <= 3
    assert shown["LIN-2026-07"]["% proficient after"] == "n<10"  # the small group


def test_nothing_private_leaves_the_job(run):
    tabs, mails = run
    student_ids = {r[1] for r in sheet("district.xlsx", "Assessments")[1:] if r[1]}
    cells = " ".join(str(v) for rows in tabs.values() for r in rows for v in r if v is not None)
    bodies = [m.get_body(("plain",)).get_content() + m.get_body(("html",)).get_content()
              for m in mails.values()]
    for text in [cells, *bodies]:
        assert "CONFIDENTIAL-NOTE" not in text
        assert not student_ids & set(re.findall(r"S\d{6}", text))


def test_each_principal_sees_only_their_school(run):
    _, mails = run
    schools = records(sheet("district.xlsx", "Schools"))
    teachers = records(sheet("district.xlsx", "Teachers"))
    coaches = records(sheet("district.xlsx", "Coaches"))
    for s in schools:
        mail = mails[re.sub(r"[^a-z0-9]+", "-", s["School"].lower())]
        assert mail["To"].addresses[0].addr_spec == s["Principal email"]
        body = mail.get_body(("plain",)).get_content() + mail.get_body(("html",)).get_content()
        others = [o for o in schools if o is not s]
        mine = {c["Name"] for c in coaches if s["School"] in c["Schools"]}
        for o in others:
            assert o["School"] not in body and o["Principal"] not in body
        for t in teachers:
            if t["School"] != s["School"]:
                assert t["Teacher"] not in body, (s["School"], t["Teacher"])
        for c in coaches:
            if c["Name"] not in mine:
                assert c["Name"] not in body


def test_the_generator_rewrites_the_committed_workbooks_byte_for_byte(tmp_path):
    for path in generate(tmp_path):
        committed = DATA / path.name
        assert hashlib.sha256(path.read_bytes()).digest() == \
            hashlib.sha256(committed.read_bytes()).digest(), path.name
