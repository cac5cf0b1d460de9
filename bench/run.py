"""Benchmark at district/state scale: prints figures, asserts nothing.

    python -m bench.run [--schools 200] [--log-rows 1000000] [--assessment-rows 500000]
                        [--api-log-rows 50000] [--repeats 3] [--skip-naive]

1. Core: a synthetic district from the demo generator, handed to the pipeline in the readers'
   normal form; wall time and peak RSS of validate -> compute -> summary tabs -> render, and
   validation throughput.
2. Baseline: the same log rows validated the common naive way (a dict per row, as gspread's
   get_all_records gives, checked row by row with dateutil), side by side as a ratio.
3. API: one spreadsheet per school on the local Sheets API stand-in with Google's quota switched
   on (60 reads and 60 writes a minute), read and written through gspread by the job, on a
   simulated clock; calls by endpoint, 429s, and the time the rate limiter needs. The naive way
   (open_by_key + get_all_records per worksheet) is counted beside it.
4.-5. Both backends end to end (`main.py run --once` in a fresh process) on the API-scale
   district: wall time and peak RSS per backend.
"""
from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import logging
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config.loader import load_config  # noqa: E402
from config.model import Config  # noqa: E402
from core.impact import compute_impact  # noqa: E402
from core.schema import TabKind as K  # noqa: E402
from core.sources import RawTab  # noqa: E402
from core.validate import Context, validate  # noqa: E402
from core.weeks import parse_week  # noqa: E402
from demo import generate as g  # noqa: E402
from reports.context import school_contexts  # noqa: E402
from reports.render import render_all  # noqa: E402
from reports.tabs import summary_tables  # noqa: E402
from sync.common import rows_held, sheet_values  # noqa: E402

WEEK = parse_week("2026-W47")
NOW = dt.datetime(2026, 11, 23, 13, 0, tzinfo=dt.timezone.utc)
FORM_ALIASES = {"school": ["Which school?"], "cycle_id": ["Coaching cycle ID (if part of a cycle)"]}


def line(label: str, value: str) -> None:
    print(f"  {label:<54}{value}", flush=True)


def timed(action: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def reset_peak_rss() -> None:
    """Linux: start the peak-RSS counter (VmHWM) from the current RSS."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def peak_rss_mb() -> float:
    for row in Path("/proc/self/status").read_text().splitlines():
        if row.startswith("VmHWM:"):
            return int(row.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---------------------------------------------------------------- data


def grow_assessments(rows: list[list[Any]], wanted: int) -> list[list[Any]]:
    """More students per cycle, each with their own ID, until `wanted` rows."""
    out: list[list[Any]] = []
    copy = 0
    while len(out) < wanted and rows:
        out += [[r[0], f"{r[1]}-{copy}", *r[2:]] for r in rows]
        copy += 1
    return out[:wanted]


def raw_tabs(d: g.DemoDistrict, assessments: list[list[Any]], *,
             per_school: bool = False) -> list[RawTab]:
    """The district as the readers hand it over: one form tab for every coaching-log row, or
    (per_school) one tab per school, as 200 school spreadsheets on Google give."""
    def tab(name: str, kind: K, header: tuple[str, ...], rows: list[Any], **kw: Any) -> RawTab:
        h, body = sheet_values([tuple(header)] + [tuple(r) for r in rows])
        return RawTab("bench", name, kind, h, body, **kw)
    logs = [tab(f"Form {school}", K.COACHING_LOG, g.FORM_HEADER, rows, aliases=FORM_ALIASES)
            for school, rows in (by_school(d.form_log) if per_school
                                 else {"": d.form_log}).items()]
    return [tab("Schools", K.SCHOOLS, g.SCHOOLS_HEADER, d.schools),
            tab("Coaches", K.COACHES, g.COACHES_HEADER, d.coaches),
            tab("Teachers", K.TEACHERS, g.TEACHERS_HEADER, d.teachers),
            tab("Cycles", K.CYCLES, g.CYCLES_HEADER, d.cycles),
            tab("Assessments", K.ASSESSMENTS, g.ASSESSMENTS_HEADER, assessments),
            *logs,
            tab("Log", K.COACHING_LOG, g.OWN_LOG_HEADER, d.own_log,
                school="Hillcrest Middle School")]


def by_school(rows: list[Any]) -> dict[str, list[Any]]:
    """Form rows grouped by the school typed in them (case and spacing ignored)."""
    groups: dict[str, list[Any]] = {}
    for row in rows:
        groups.setdefault(" ".join(str(row[3]).split()).lower(), []).append(list(row))
    return groups


# ---------------------------------------------------------------- 1. core


def core(config: Config, d: g.DemoDistrict, assessment_rows: int,
         repeats: int) -> tuple[int, float, float]:
    print(f"\n1. Core pipeline (in process, no I/O; median of {repeats} runs, range in brackets)")
    assessments = grow_assessments(d.assessments, assessment_rows)
    tabs = raw_tabs(d, assessments)
    rows = sum(len(t.rows) for t in tabs)
    ctx = Context(config.settings, config.district.school_year, dt.date(2026, 11, 23))
    gc.collect()
    reset_peak_rss()
    (data, impact), t_validate, t_compute = validate_and_compute(config, tabs, ctx, repeats)
    contexts, t_context = timed(lambda: school_contexts(impact, data, config))
    emails, t_render = timed(lambda: render_all(contexts, cc_coaches=False))
    _, t_tabs = timed(lambda: summary_tables(config, impact, data, emails, now=NOW))
    validate_s = statistics.median(t_validate)
    both = [v + c for v, c in zip(t_validate, t_compute)]
    line("rows (log + assessments + rosters)", f"{rows:,}")
    line("validate", f"{validate_s:.2f} s {spread_of(t_validate)} "
                     f"({rows / validate_s:,.0f} rows/s)")
    line("compute", f"{statistics.median(t_compute):.2f} s {spread_of(t_compute)}")
    line("validate + compute (target < 5 s)", f"{statistics.median(both):.2f} s {spread_of(both)}")
    line(f"render {len(emails)} school emails (target < 10 s)", f"{t_context + t_render:.2f} s")
    line("summary tabs", f"{t_tabs:.2f} s")
    line("peak RSS (target < 2,048 MB)", f"{peak_rss_mb():,.0f} MB")
    line("data issues found", f"{len(data.issues):,}")
    del data, impact, contexts, emails, tabs
    split = raw_tabs(d, assessments, per_school=True)
    _, split_validate, split_compute = validate_and_compute(config, split, ctx, repeats)
    split_both = [v + c for v, c in zip(split_validate, split_compute)]
    line(f"the same rows as {len(split)} tabs (a log per school, as on Google):", "")
    line("  validate", f"{statistics.median(split_validate):.2f} s {spread_of(split_validate)}")
    line("  validate + compute (target < 5 s)",
         f"{statistics.median(split_both):.2f} s {spread_of(split_both)}")
    return rows, validate_s, statistics.median(both)


def validate_and_compute(config: Config, tabs: list[RawTab], ctx: Context, repeats: int
                         ) -> tuple[Any, list[float], list[float]]:
    """(last data and impact, validate seconds, compute seconds) over `repeats` runs."""
    t_validate, t_compute = [], []
    for _ in range(repeats):
        with rows_held():  # as the job does (main.compute_week)
            data, seconds = timed(lambda: validate(tabs, ctx, {}, []))
            impact, more = timed(lambda data=data: compute_impact(
                data, config.settings, config.district.school_year, WEEK))
        t_validate.append(seconds)
        t_compute.append(more)
        gc.collect()
    return (data, impact), t_validate, t_compute


def spread_of(seconds: list[float]) -> str:
    return f"[{min(seconds):.2f}-{max(seconds):.2f}]" if len(seconds) > 1 else ""


# ---------------------------------------------------------------- 2. naive baseline


def naive_validate(records: list[dict[str, Any]], coaches: set[str], schools: set[str]) -> int:
    """The straightforward way: one dict per row, each field checked in Python."""
    from dateutil import parser as dateparser
    valid = 0
    for r in records:
        try:
            day = r["Date of Session"] or r["Timestamp"]
            if isinstance(day, (int, float)):
                when = dt.date(1899, 12, 30) + dt.timedelta(days=int(day))
            else:
                when = dateparser.parse(str(day)).date()
            minutes = str(r["Duration (minutes)"]).lower().replace("mins", "").replace("min", "")
            minutes = float(minutes.replace("hours", "").replace("hr", "").strip() or 0)
            ok = (str(r["Email Address"]).strip().lower() in coaches
                  and " ".join(str(r["Which school?"]).split()).lower() in schools
                  and str(r["Type of session"]).strip() != "" and minutes > 0
                  and when <= dt.date(2026, 11, 23))
        except (ValueError, OverflowError):
            ok = False
        valid += ok
    return valid


def baseline(d: g.DemoDistrict, rows: int, validate_s: float, both_s: float) -> None:
    print("\n2. Naive baseline on the same log rows (per-row Python, dateutil)")
    header = list(g.FORM_HEADER)
    records = [dict(zip(header, list(r) + [""] * (len(header) - len(r)))) for r in d.form_log]
    coaches = {str(c[1]).lower() for c in d.coaches}
    schools = {str(s[0]).lower() for s in d.schools}
    with rows_held():  # the same help from the garbage collector as ours gets
        _, seconds = timed(lambda: naive_validate(records, coaches, schools))
    naive = len(records) / seconds
    line("naive validation", f"{seconds:.2f} s ({naive:,.0f} rows/s)")
    line("ours vs naive, validation rows/s (target >= 10x)",
         f"{rows / validate_s / naive:.1f}x")
    line("ours vs naive, validation + compute rows/s", f"{rows / both_s / naive:.1f}x")


# ---------------------------------------------------------------- 3. API calls and quota


def per_school_sheets(standin: Any, d: g.DemoDistrict, token: str) -> dict[str, str]:
    """One spreadsheet per school holding its coaching log; one for the district roster."""
    logs = by_school(d.form_log)
    ids = {"district": standin.create_spreadsheet("District", {
        "Schools": [list(g.SCHOOLS_HEADER), *d.schools],
        "Coaches": [list(g.COACHES_HEADER), *d.coaches],
        "Cycles": [list(g.CYCLES_HEADER), *d.cycles],
        "Assessments": [list(g.ASSESSMENTS_HEADER), *d.assessments]}, owner=token)}
    for school in d.schools:
        rows = logs.get(str(school[0]).lower(), [])
        ids[str(school[0])] = standin.create_spreadsheet(
            f"{school[0]} coaching log", {"Form Responses 1": [list(g.FORM_HEADER), *rows]},
            owner=token)
    return ids


def api_config(ids: dict[str, str], endpoint: str, folder: Path, *, per_minute: int = 60,
               name: str = "api.yaml") -> Path:
    lines = ["district: {name: Bench, time_zone: America/Chicago,",
             "  school_year: {start: 2026-08-17, end: 2027-06-04}, as_of: 2026-11-23}",
             "sources:",
             f"  - {{name: District, backend: google, location: {ids['district']},",
             "     tabs: {schools: Schools, coaches: Coaches, cycles: Cycles, "
             "assessments: Assessments}}"]
    for school, sid in ids.items():
        if school not in ("district", "output"):
            lines.append(f"  - {{name: {json.dumps(school + ' log')}, backend: google, "
                         f"location: {sid}, tabs: {{coaching_log: Form Responses 1}}}}")
    lines += ["aliases: {coaching_log: {school: ['Which school?'], cycle_id: "
              "['Coaching cycle ID (if part of a cycle)']}}",
              'settings: {level_scores: {"Not yet": 1, "Approaching": 2, "Meeting": 3, '
              '"Exceeding": 4}}',
              f"output: {{backend: google, location: {ids['output']}}}",
              f"delivery: {{outbox: {folder / Path(name).stem / 'outbox'}}}",
              f"state: {folder / Path(name).stem / 'state.sqlite'}",
              f"google: {{endpoint: {endpoint}, reads_per_minute: {per_minute}, "
              f"writes_per_minute: {per_minute}}}"]
    path = folder / name
    path.write_text("\n".join(lines) + "\n")
    return path


def api(d: g.DemoDistrict, folder: Path) -> None:
    from sync.google_api import connect
    from sync.pacing import READ, WRITE, Pacer, RetryPolicy
    from sync.sources import output_target, read_sources
    from standins.sheets import SheetsStandIn
    from standins.sheets.clock import ManualClock

    print(f"\n3. Sheets API: one spreadsheet per school ({len(d.schools)}), "
          "quota 60 reads + 60 writes a minute")
    token = "bench-token"
    os.environ["SHEETS_API_TOKEN"] = token
    clock = ManualClock()
    with SheetsStandIn(clock=clock) as standin:
        ids = per_school_sheets(standin, d, token)
        ids["output"] = standin.create_spreadsheet("Summary", {"Notes": [["x"]]}, owner=token)
        config = load_config(api_config(ids, standin.url, folder))
        standin.quota.enable(read_per_minute=60, write_per_minute=60)
        pacer = Pacer({READ: 60, WRITE: 60}, clock=clock.now, sleep=clock.advance)
        conn = connect(config.google, pacer=pacer, policy=RetryPolicy(rng=random.Random(1)))
        started = clock.now()
        (tabs, problems), wall = timed(lambda: read_sources(config, conn))
        data = validate(tabs, Context(config.settings, config.district.school_year,
                                      dt.date(2026, 11, 23)), config.aliases, problems)
        impact = compute_impact(data, config.settings, config.district.school_year, WEEK)
        emails = render_all(school_contexts(impact, data, config), cc_coaches=False)
        summary = summary_tables(config, impact, data, emails, now=NOW)
        _, wall_write = timed(lambda: output_target(config, conn).write(
            summary.tables, summary.run_log_entry))
        counts = standin.log.counts()
        statuses = [e.status for e in standin.log.entries]
        line("source spreadsheets", f"{len(config.sources)}")
        line("calls by endpoint", ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
        line("calls per run (target: 2 per source + 2 for output)",
             f"{sum(counts.values())} (= {2 * len(config.sources) + 2} expected)")
        line("429s received (target 0)", f"{statuses.count(429)}")
        line("rate limiter wait (simulated clock)",
             f"{pacer.waited / 60:.1f} min over {(clock.now() - started) / 60:.1f} min")
        line("wall time: read / write (no real waiting)", f"{wall:.1f} s / {wall_write:.1f} s")
        line("sources unreadable", f"{len(problems)}")
        naive_calls(standin, ids, token)
        print("\n4. End to end, `main.py run --once`, Google backend (the stand-in over HTTP; "
              "quota off: its waits are the simulated figure above)")
        run_child(api_config(ids, standin.url, folder, per_minute=100_000, name="e2e.yaml"),
                  "wall time (read API, validate, ..., write, deliver)")


def naive_calls(standin: Any, ids: dict[str, str], token: str) -> None:
    """The common way, for its call count: open each spreadsheet, get_all_records per tab."""
    standin.quota.disable()
    standin.log.clear()
    client = standin.gspread_client(token)
    for name, sid in ids.items():
        if name == "output":
            continue
        for worksheet in client.open_by_key(sid).worksheets():
            worksheet.get_all_records()
    counts = standin.log.counts()
    line("naive calls (open_by_key + get_all_records)",
         f"{sum(counts.values())}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    line("  of which over the 60/min quota would 429", "every call past 60 in a minute")


# ---------------------------------------------------------------- 4. end to end, both backends


CHILD = """
import io, json, sys, contextlib
sys.path.insert(0, ".")
import main
from bench.run import StepClock, peak_rss_mb
steps = StepClock()
with contextlib.redirect_stdout(io.StringIO()):
    code = main.main(["run", "--once", "--config", sys.argv[1]])
print(json.dumps({"steps": steps.durations(), "peak_mb": peak_rss_mb()}))
sys.exit(code)
"""
"""Runs the job in a fresh process (exec resets peak RSS) and prints its step times and peak."""


class StepClock(logging.Handler):
    """Times the job's steps from its own log: each step lasts until the next one starts."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.marks: list[tuple[str, float]] = []
        logging.getLogger("coaching_impact").addHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        self.marks.append((record.getMessage(), time.perf_counter()))

    def durations(self) -> list[tuple[str, float]]:
        ends = [t for _, t in self.marks[1:]] + [time.perf_counter()]
        return [(text, end - start) for (text, start), end in zip(self.marks, ends)]


def end_to_end(d: g.DemoDistrict, folder: Path) -> None:
    print("\n5. End to end, `main.py run --once`, workbook backend, same district")
    data_dir = folder / "data"
    g.write_workbooks(d, data_dir)
    text = (ROOT / "config" / "district.yaml").read_text()
    text = text.replace("../demo/data/", f"{data_dir}/").replace("../out/", f"{folder}/")
    config = folder / "workbook.yaml"
    config.write_text(text)
    run_child(config, "wall time (read xlsx, validate, ..., write, deliver)")


def run_child(config: Path, label: str) -> None:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD, str(config)], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    report = json.loads(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else {}
    line("exit code", f"{done.returncode}")
    if done.returncode:
        print(done.stderr[-2000:])
    line(label, f"{wall:.1f} s (with starting Python and imports)")
    for text, seconds in report.get("steps", []):
        if not text.startswith("Run #"):  # the run's own start and end lines
            line(f"  {text.split(' to ')[0].split(' via ')[0][:50]}", f"{seconds:.1f} s")
    line("peak RSS", f"{report.get('peak_mb', 0):,.0f} MB")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    p.add_argument("--schools", type=int, default=200)
    p.add_argument("--log-rows", type=int, default=1_000_000)
    p.add_argument("--assessment-rows", type=int, default=500_000)
    p.add_argument("--api-log-rows", type=int, default=50_000,
                   help="log rows for the API and end-to-end parts (the stand-in keeps every "
                        "cell in memory)")
    p.add_argument("--skip-naive", action="store_true")
    p.add_argument("--repeats", type=int, default=3,
                   help="core runs; the median is reported (this machine's timings vary)")
    args = p.parse_args(argv)
    config = load_config()
    print(f"Benchmark: {args.schools} schools, {args.log_rows:,} log rows, "
          f"{args.assessment_rows:,} assessment rows; {os.cpu_count()} cores")
    d, seconds = timed(lambda: g.build_district(schools=args.schools, log_rows=args.log_rows))
    line("generate (not part of a run)", f"{seconds:.1f} s")
    rows, validate_s, both_s = core(config, d, args.assessment_rows, args.repeats)
    if not args.skip_naive:
        baseline(d, rows, validate_s, both_s)
    small = g.build_district(schools=args.schools, log_rows=args.api_log_rows)
    with tempfile.TemporaryDirectory() as tmp:
        api(small, Path(tmp))
        end_to_end(small, Path(tmp))


if __name__ == "__main__":
    main()
