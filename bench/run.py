"""Benchmark at district and state scale: prints figures, asserts nothing.

    python -m bench.run [--schools 200] [--log-rows 1000000] [--small-log-rows 200000]
                        [--state-log-rows 3000000] [--api-log-rows 50000] [--repeats 5]
                        [--e2e-repeats 2] [--data out/bench-data] [--skip PART ...]

Honest by construction: the core is fed what the readers give (calamine's reading of the
workbooks, or one new string object per cell), the first run in a process is reported as cold
beside the warm ones, every comparison runs interleaved in one process, repeated, and is shown as
min / median, and rows are compared like for like. Other work on the machine slows all
contestants of an interleaved round alike, so the ratios hold better than the absolute times.

1. reading   the same workbooks with calamine (the job) and openpyxl (its old reader)
2. core      validate + compute on the calamine-read district, beside the naive per-row
             validator (as is, and with its date parse cached) and an analyst's pandas script
3. scale     validate + compute, email data and rendering in a fresh process per size (1M and
             a state's year, 3M log rows), with peak RSS
4. api       Sheets API calls for one spreadsheet per school, under Google's quota (simulated
             clock), and the naive way's count
5. e2e       `main.py run --once` in a fresh process: workbook backend at two sizes beside the
             analyst's script end to end (pandas read_excel + the same figures); Google backend
             with the Sheets stand-in in its own process
"""
from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
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

from bench import baselines as base  # noqa: E402
from bench.common import line, spread, timed  # noqa: E402
from bench.data import by_school, district, today, workbooks  # noqa: E402
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
from sync.workbook_read import read_workbook  # noqa: E402

WEEK = parse_week("2026-W47")
NOW = dt.datetime(2026, 11, 23, 13, 0, tzinfo=dt.UTC)
PARTS = ("reading", "core", "scale", "api", "e2e")


def interleaved(contestants: dict[str, Callable[[], Any]], repeats: int
                ) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Each contestant once per round, the order rotating every round: (wall seconds, CPU
    seconds of this process) per run. CPU time is what other work on the machine disturbs
    least. The first contestant's first run is the first in the process: the cold one."""
    names = list(contestants)
    wall: dict[str, list[float]] = {n: [] for n in names}
    cpu: dict[str, list[float]] = {n: [] for n in names}
    for round_ in range(repeats):
        order = names[round_ % len(names):] + names[:round_ % len(names)]
        for name in order:
            gc.collect()
            started = time.process_time()
            _, took = timed(contestants[name])
            wall[name].append(took)
            cpu[name].append(time.process_time() - started)
    return wall, cpu


def ratio(slow: list[float], fast: list[float]) -> str:
    return (f"{statistics.median(slow) / statistics.median(fast):.1f}x on medians, "
            f"{min(slow) / min(fast):.1f}x on mins")


def both(wall: list[float], cpu: list[float]) -> str:
    return f"wall {spread(wall)}; CPU {spread(cpu).split(' (')[0]}"


# ---------------------------------------------------------------- 1. reading


def workbook_tabs(folder: Path) -> list[RawTab]:
    """The bench district's workbooks as the job reads them (calamine), every tab."""
    tabs: list[RawTab] = []
    for file, wanted in ((g.DISTRICT_FILE, {K.SCHOOLS: "Schools", K.COACHES: "Coaches",
                                            K.TEACHERS: "Teachers", K.CYCLES: "Cycles",
                                            K.ASSESSMENTS: "Assessments"}),
                         (g.FORM_FILE, {K.COACHING_LOG: g.FORM_TAB}),
                         (g.OWN_LOG_FILE, {K.COACHING_LOG: g.OWN_LOG_TAB})):
        school = "Hillcrest Middle School" if file == g.OWN_LOG_FILE else None
        aliases = {K.COACHING_LOG: {"school": ["Which school?"],
                                    "cycle_id": ["Coaching cycle ID (if part of a cycle)"]}}
        found, problems = read_workbook(folder / file, "bench", wanted, school, aliases)
        assert not problems, problems
        tabs += found
    return tabs


def openpyxl_read(folder: Path) -> int:
    from openpyxl import load_workbook
    cells = 0
    for file in (g.DISTRICT_FILE, g.FORM_FILE, g.OWN_LOG_FILE):
        book = load_workbook(folder / file, read_only=True, data_only=True)
        for sheet in book.worksheets:
            _header, rows = sheet_values(sheet.iter_rows(values_only=True))
            cells += sum(map(len, rows))
        book.close()
    return cells


def reading(folder: Path, repeats: int) -> None:
    print(f"\n1. Reading the {folder.name} workbooks (interleaved, {repeats} rounds)")
    runs, cpu = interleaved({"calamine": lambda: workbook_tabs(folder),
                             "openpyxl": lambda: openpyxl_read(folder)}, repeats)
    line("calamine (the job's reader, with its bounding scan)", both(runs["calamine"],
                                                                      cpu["calamine"]))
    line("  of which the first (cold) run", f"wall {runs['calamine'][0]:.2f} s, "
         f"CPU {cpu['calamine'][0]:.2f} s")
    line("openpyxl read-only (the old reader)", both(runs["openpyxl"], cpu["openpyxl"]))
    line("calamine faster by (wall)", ratio(runs["openpyxl"], runs["calamine"]))
    line("calamine faster by (CPU)", ratio(cpu["openpyxl"], cpu["calamine"]))


# ---------------------------------------------------------------- 2. core and baselines


def core(config: Config, folder: Path, repeats: int) -> None:
    tabs = workbook_tabs(folder)
    rows = sum(len(t.rows) for t in tabs)
    log = next(t for t in tabs if t.tab == g.FORM_TAB)
    like = [t for t in tabs if t.kind is not K.ASSESSMENTS]  # the log (+ rosters, cycles)
    print(f"\n2. Core on the calamine-read {folder.name} district ({rows:,} rows; "
          f"interleaved, {repeats} rounds; ours ran first, so its first run is the cold one)")
    ctx = Context(config.settings, config.district.school_year, today())

    def ours(which: list[RawTab]) -> Callable[[], Any]:
        def run() -> Any:
            with rows_held():  # as the job does (main.compute_week)
                data = validate(which, ctx, {}, [])
                return compute_impact(data, config.settings, config.district.school_year, WEEK)
        return run
    records = base.naive_records(log.header, log.rows)
    coaches = {str(r[1]).lower() for r in next(t for t in tabs if t.kind is K.COACHES).rows}
    schools = {str(r[0]).lower() for r in next(t for t in tabs if t.kind is K.SCHOOLS).rows}
    frames = base.analyst_frames({
        "Form": (log.header, log.rows),
        **{t.tab: (t.header, t.rows) for t in tabs if t.source == "bench" and t.kind in (
            K.SCHOOLS, K.COACHES, K.CYCLES, K.ASSESSMENTS)}})
    runs, cpu = interleaved({
        "ours": ours(tabs), "ours_like": ours(like),
        "naive": lambda: naive_held(records, coaches, schools, base.naive_validate),
        "naive_cached": lambda: naive_held(records, coaches, schools,
                                           base.naive_validate_cached),
        "analyst": lambda: base.analyst_figures(frames)}, repeats)
    like_rows = sum(len(t.rows) for t in like)
    line("validate + compute, everything: cold (first run)",
         f"wall {runs['ours'][0]:.2f} s; CPU {cpu['ours'][0]:.2f} s")
    line("  warm (the other runs)", both(runs["ours"][1:] or runs["ours"],
                                         cpu["ours"][1:] or cpu["ours"]))
    line(f"  rows/s (warm CPU median, {rows:,} rows)",
         f"{rows / statistics.median(cpu['ours'][1:] or cpu['ours']):,.0f}")
    line(f"validate + compute, log + rosters only ({like_rows:,} rows)",
         both(runs["ours_like"], cpu["ours_like"]))
    line(f"naive per-row validation of the {len(records):,} log rows",
         both(runs["naive"], cpu["naive"]))
    line("naive, its date parse cached", both(runs["naive_cached"], cpu["naive_cached"]))
    scale_ = len(records) / like_rows  # rows/s, like for like
    for label, key in (("naive", "naive"), ("naive with cached dates", "naive_cached")):
        line(f"ours (log + rosters, validate + compute) vs {label}, rows/s (CPU)",
             ratio([t / scale_ for t in cpu[key]], cpu["ours_like"]))
        line("  the same on wall time", ratio([t / scale_ for t in runs[key]], runs["ours_like"]))
    line("analyst's pandas script on the same rows (no read)", both(runs["analyst"],
                                                                    cpu["analyst"]))
    line("ours (everything) vs analyst's script, CPU (target: faster)",
         ratio(cpu["analyst"], cpu["ours"]))
    line("  the same on wall time", ratio(runs["analyst"], runs["ours"]))


def naive_held(records: list[dict[str, Any]], coaches: set[str], schools: set[str],
               check: Callable[..., int]) -> int:
    with rows_held():  # the same help from the garbage collector as ours gets
        return check(records, coaches, schools)


# ---------------------------------------------------------------- 3. scale


def scale(schools: int, sizes: list[int], folder: Path) -> None:
    print("\n3. Scale: validate + compute in a fresh process per size (input as read, "
          "resident); first run cold, second warm")
    seen: dict[int, dict[str, float]] = {}
    for log_rows in sizes:
        file = folder / f"scale-{log_rows}.pkl"
        subprocess.run([sys.executable, "-m", "bench.scale", "prepare", str(schools),
                        str(log_rows), str(log_rows // 2), str(file)], cwd=ROOT, check=True)
        done = subprocess.run([sys.executable, "-m", "bench.scale", "measure", str(file)],
                              cwd=ROOT, capture_output=True, text=True, check=True)
        file.unlink()
        f = seen[log_rows] = json.loads(done.stdout.strip().splitlines()[-1])
        cold, warm = f["cold_validate"] + f["cold_compute"], f["warm_validate"] + f[
            "warm_compute"]
        print(f"  {log_rows:,} log + {log_rows // 2:,} assessment rows ({f['rows']:,.0f} in all)")
        line("  validate + compute, cold / warm (wall)", f"{cold:.2f} s / {warm:.2f} s "
             f"(validate {f['cold_validate']:.2f} / {f['warm_validate']:.2f})")
        line("  validate + compute, cold / warm (CPU)", f"{f['cold_cpu']:.2f} s / "
             f"{f['warm_cpu']:.2f} s")
        line(f"  email data for {f['emails']:.0f} schools / rendering",
             f"{f['email_data']:.2f} s / {f['render']:.2f} s")
        line("  peak RSS (target < 2,048 MB) / of which the input", f"{f['peak_mb']:,.0f} MB / "
             f"{f['input_mb']:,.0f} MB")
    if len(seen) > 1:
        small, big = min(seen), max(seen)
        a, b = seen[small], seen[big]
        cold = (b["cold_validate"] + b["cold_compute"]) / (a["cold_validate"] + a["cold_compute"])
        warm = (b["warm_validate"] + b["warm_compute"]) / (a["warm_validate"] + a["warm_compute"])
        line(f"  {big // 1000:,}k vs {small // 1000:,}k time (linear: {big / small:.1f}x; "
             f"target < {1.1 * big / small:.1f}x)", f"wall: cold {cold:.2f}x, warm {warm:.2f}x; "
             f"CPU: cold {b['cold_cpu'] / a['cold_cpu']:.2f}x, "
             f"warm {b['warm_cpu'] / a['warm_cpu']:.2f}x")


# ---------------------------------------------------------------- 4. API calls and quota


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
    ids["output"] = standin.create_spreadsheet("Summary", {"Notes": [["x"]]}, owner=token)
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
    from standins.sheets import SheetsStandIn
    from standins.sheets.clock import ManualClock
    from sync.google_api import connect
    from sync.pacing import READ, WRITE, Pacer, RetryPolicy
    from sync.sources import output_target, read_sources

    print(f"\n4. Sheets API: one spreadsheet per school ({len(d.schools)}), "
          "quota 60 reads + 60 writes a minute")
    token = "bench-token"
    os.environ["SHEETS_API_TOKEN"] = token
    clock = ManualClock()
    with SheetsStandIn(clock=clock) as standin:
        ids = per_school_sheets(standin, d, token)
        config = load_config(api_config(ids, standin.url, folder))
        standin.quota.enable(read_per_minute=60, write_per_minute=60)
        pacer = Pacer({READ: 60, WRITE: 60}, clock=clock.now, sleep=clock.advance)
        conn = connect(config.google, pacer=pacer, policy=RetryPolicy(rng=random.Random(1)))
        started = clock.now()
        (tabs, problems), wall = timed(lambda: read_sources(config, conn))
        data = validate(tabs, Context(config.settings, config.district.school_year, today()),
                        config.aliases, problems)
        impact = compute_impact(data, config.settings, config.district.school_year, WEEK)
        emails = render_all(school_contexts(impact, data, config), cc_coaches=False)
        summary = summary_tables(config, impact, data, emails, now=NOW)
        _, wall_write = timed(lambda: output_target(config, conn).write(
            summary.tables, summary.run_log_entry))
        counts = standin.log.counts()
        statuses = [e.status for e in standin.log.entries]
        line("source spreadsheets", f"{len(config.sources)}")
        line("calls by endpoint", ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
        line("calls per run (target: 2 per source + 2 for output + 1 Drive list)",
             f"{sum(counts.values())} (= {2 * len(config.sources) + 3} expected)")
        line("429s received (target 0)", f"{statuses.count(429)}")
        line("rate limiter wait (simulated clock)",
             f"{pacer.waited / 60:.1f} min over {(clock.now() - started) / 60:.1f} min")
        line("wall time: read / write (no real waiting)", f"{wall:.1f} s / {wall_write:.1f} s")
        line("sources unreadable", f"{len(problems)}")
        rerun_calls(standin, config, conn, ids, token)
        naive_calls(standin, ids, token)


def rerun_calls(standin: Any, config: Config, conn: Any, ids: dict[str, str],
                token: str) -> None:
    """The next run: nothing changed, then k school logs edited by people."""
    from sync.sources import read_sources
    standin.quota.disable()  # the edits below are a person's, not paced by the job
    standin.log.clear()
    read_sources(config, conn)
    line("rerun, nothing changed: calls (target: 0 Sheets reads)",
         ", ".join(f"{k} {v}" for k, v in sorted(standin.log.counts().items())))
    k = 10
    client = standin.gspread_client(token)
    for sid in [s for n, s in ids.items() if n not in ("district", "output")][:k]:
        client.open_by_key(sid).sheet1.update_acell("A2", "edited")
    standin.log.clear()
    read_sources(config, conn)
    counts = standin.log.counts()
    reads = counts.get("spreadsheets.get", 0) + counts.get("values.batchGet", 0)
    line(f"rerun, {k} of {len(ids) - 2} school logs edited (target: {2 * k} Sheets reads)",
         f"{reads}: " + ", ".join(f"{k_} {v}" for k_, v in sorted(counts.items())))


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


# ---------------------------------------------------------------- 5. end to end


CHILD = """
import io, json, sys, contextlib, time
sys.path.insert(0, ".")
start = time.perf_counter()
import main
from bench.common import peak_rss_mb
from bench.steps import StepClock
steps = StepClock()
with contextlib.redirect_stdout(io.StringIO()):
    code = main.main(["run", "--once", "--config", sys.argv[1]])
print(json.dumps({"steps": steps.durations(), "peak_mb": peak_rss_mb(),
                  "inside": time.perf_counter() - start}))
sys.exit(code)
"""
"""Runs the job in a fresh process (exec resets peak RSS) and prints its step times and peak."""

ANALYST = """
import json, sys, time
sys.path.insert(0, ".")
start = time.perf_counter()
from pathlib import Path
from bench import baselines as base
from bench.common import peak_rss_mb
frames = base.analyst_read(Path(sys.argv[1]), None if sys.argv[2] == "default" else sys.argv[2])
read = time.perf_counter() - start
figures = base.analyst_figures(frames)
print(json.dumps({"read": read, "total": time.perf_counter() - start, "peak_mb": peak_rss_mb(),
                  "valid": figures["valid_rows"]}))
"""


def child(code: str, *args: str) -> tuple[float, dict[str, Any], int, str]:
    """Run a fresh Python; (wall seconds, its JSON report with its CPU seconds, exit code,
    stderr's tail)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True,
                          text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = done.stdout.strip().splitlines()
    report = json.loads(out[-1]) if out else {}
    report["cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, report, done.returncode, done.stderr[-2000:]


def workbook_config(data: Path, folder: Path) -> Path:
    text = (ROOT / "config" / "district.yaml").read_text()
    out = folder / data.name
    text = text.replace("../demo/data/", f"{data}/").replace("../out/", f"{out}/")
    config = folder / f"{data.name}.yaml"
    config.write_text(text)
    return config


def e2e_workbooks(books: list[Path], folder: Path, repeats: int) -> None:
    print(f"\n5. End to end, workbook backend: `main.py run --once` in a fresh process beside "
          f"the analyst's script (pandas read_excel + figures), interleaved, {repeats} rounds")
    ours: dict[Path, list[float]] = {b: [] for b in books}
    theirs: dict[Path, list[float]] = {b: [] for b in books}
    ours_cpu: dict[Path, list[float]] = {b: [] for b in books}
    theirs_cpu: dict[Path, list[float]] = {b: [] for b in books}
    last: dict[Path, dict[str, Any]] = {}
    for _ in range(repeats):
        for book in books:
            wall, report, code, err = child(CHILD, str(workbook_config(book, folder)))
            if code:
                print(err)
            ours[book].append(wall)
            ours_cpu[book].append(report["cpu"])
            last[book] = report
            wall, report, code, err = child(ANALYST, str(book), "default")
            if code:
                print(err)
            theirs[book].append(wall)
            theirs_cpu[book].append(report["cpu"])
            last[book]["analyst"] = report
    for book in books:
        print(f"  {book.name}")
        line("  ours (with starting Python)", both(ours[book], ours_cpu[book]))
        for text, seconds in last[book].get("steps", []):
            if not text.startswith("Run #"):
                line(f"    {text.split(' to ')[0].split(' via ')[0][:48]}", f"{seconds:.1f} s")
        line("    peak RSS", f"{last[book].get('peak_mb', 0):,.0f} MB")
        line("  analyst (read_excel, openpyxl engine)", both(theirs[book], theirs_cpu[book]))
        a = last[book]["analyst"]
        line("    of which read_excel / peak RSS", f"{a.get('read', 0):.1f} s / "
             f"{a.get('peak_mb', 0):,.0f} MB")
        line("  ours faster by, wall (target >= 5x)", ratio(theirs[book], ours[book]))
        line("  ours faster by, CPU", ratio(theirs_cpu[book], ours_cpu[book]))


def e2e_google(d: g.DemoDistrict, folder: Path) -> None:
    """The stand-in in its own process, loaded from a state file the bench seeds."""
    from standins.sheets import SheetsStandIn
    print("\n5b. End to end, Google backend (the Sheets stand-in in its own process, over "
          "HTTP, quota off: the quota's waits are part 4's simulated figure)")
    token = "bench-token"
    state = folder / "standin-state.json"
    seeder = SheetsStandIn()
    ids = per_school_sheets(seeder, d, token)
    seeder.save_state(state)
    server = subprocess.Popen([sys.executable, "-m", "standins.sheets", "--port", "0",
                               "--state", str(state), "--open-access"], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    try:
        url = server.stdout.readline().strip().rsplit(" ", 1)[-1]  # type: ignore[union-attr]
        os.environ["SHEETS_API_TOKEN"] = token
        config = api_config(ids, url, folder, per_minute=100_000, name="e2e.yaml")
        wall, report, code, err = child(CHILD, str(config))
        line("exit code", f"{code}")
        if code:
            print(err)
        line("wall time (with starting Python) / CPU", f"{wall:.1f} s / {report['cpu']:.1f} s")
        for text, seconds in report.get("steps", []):
            if not text.startswith("Run #"):
                line(f"  {text.split(' to ')[0].split(' via ')[0][:50]}", f"{seconds:.1f} s")
        line("peak RSS of the job", f"{report.get('peak_mb', 0):,.0f} MB")
    finally:
        server.terminate()
        server.wait(timeout=30)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    p.add_argument("--schools", type=int, default=200)
    p.add_argument("--log-rows", type=int, default=1_000_000)
    p.add_argument("--small-log-rows", type=int, default=200_000,
                   help="the smaller workbook district (reading comparison, end to end)")
    p.add_argument("--state-log-rows", type=int, default=3_000_000)
    p.add_argument("--api-log-rows", type=int, default=50_000,
                   help="log rows for the API parts (the stand-in keeps every cell in memory)")
    p.add_argument("--repeats", type=int, default=5, help="rounds of in-process comparisons")
    p.add_argument("--e2e-repeats", type=int, default=2, help="rounds of end-to-end runs")
    p.add_argument("--data", type=Path, default=ROOT / "out" / "bench-data",
                   help="where the bench workbooks are kept between runs")
    p.add_argument("--skip", nargs="*", choices=PARTS, default=[])
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    load = os.getloadavg()
    print(f"Benchmark {dt.datetime.now():%Y-%m-%d %H:%M}: {args.schools} schools; "
          f"{os.cpu_count()} cores; load average {load[0]:.1f} at the start (other work on "
          "the machine slows every figure; the interleaved ratios are the fair ones)")
    big, (small, seconds) = None, timed(lambda: workbooks(
        args.data, args.schools, args.small_log_rows, args.small_log_rows // 2))
    line(f"workbooks, {args.small_log_rows:,} log rows (kept in {args.data})",
         f"{seconds:.0f} s to write or find")
    big, seconds = timed(lambda: workbooks(args.data, args.schools, args.log_rows,
                                           args.log_rows // 2))
    line(f"workbooks, {args.log_rows:,} log rows", f"{seconds:.0f} s to write or find")
    config = load_config()
    if "reading" not in args.skip:
        reading(small, args.repeats)
    if "core" not in args.skip:
        core(config, big, args.repeats)
    if "scale" not in args.skip:
        scale(args.schools, [args.log_rows, args.state_log_rows], args.data)
    with tempfile.TemporaryDirectory() as tmp:
        if "api" not in args.skip or "e2e" not in args.skip:
            api_district = district(args.schools, args.api_log_rows, args.api_log_rows // 2)
        if "api" not in args.skip:
            api(api_district, Path(tmp))
        if "e2e" not in args.skip:
            e2e_workbooks([small, big], Path(tmp), args.e2e_repeats)
            e2e_google(api_district, Path(tmp))


if __name__ == "__main__":
    main()
