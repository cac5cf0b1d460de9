"""Whole districts, laid out as carelessly as real ones, through the real command line.

Properties: `run --once` never raises (every outcome is an exit code and a message); with clean
rosters, nothing in the other source stops the run: the rosters are processed, and either every
school's email goes (exit 0) or a tab that cannot be used holds them (exit 5, and `check` says
so too); `check` fails wherever `run` would.

CI runs a fifth of the profile's examples per test (20); for a long hunt:
`pytest tests/test_fuzz_structure.py --hypothesis-profile=long`.
"""
from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from openpyxl import load_workbook

import main
from tests.fuzz_strategies import District, Sheet, roster_districts, work_districts
from tests.small_district import COACHES, CYCLES, SCHOOLS, TABS, TEACHERS

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
FUZZ = settings(max_examples=max(1, settings.default.max_examples // 5), deadline=None,
                suppress_health_check=list(HealthCheck))

CONFIG = """
district:
  name: Fuzz District
  time_zone: America/Chicago
  school_year: {{start: 2026-08-17, end: 2027-06-04}}
  as_of: 2026-11-23
sources:
  - name: Rosters
    location: {rosters}
    tabs: {{schools: Schools, coaches: Coaches, teachers: Teachers}}
  - name: Work
    location: {work}
    tabs: {{cycles: Cycles, assessments: Assessments, coaching_log: Log}}
settings:
  level_scores: {{"Not yet": 1, "Approaching": 2, "Meeting": 3, "Exceeding": 4}}
output:
  location: {folder}/summary.xlsx
delivery:
  outbox: {folder}/outbox
state: {folder}/state.sqlite
"""

CLEAN_ROSTERS = District({"Schools": Sheet([list(r) for r in SCHOOLS]),
                          "Coaches": Sheet([list(r) for r in COACHES]),
                          "Teachers": Sheet([list(r) for r in TEACHERS])})


def finished_cycle_without_end_date() -> District:
    """Shrunk from the fuzz that found it: a cycle marked Complete, its end date blank (once a
    crash of every run, 'NaTType does not support strftime', while `check` passed)."""
    cycles = [list(r) for r in CYCLES]
    cycles[1][8] = None
    return District({"Cycles": Sheet(cycles),
                     **{t: Sheet([list(r) for r in TABS[t][1]]) for t in ("Assessments", "Log")}})


def configure(folder: Path, rosters: District, work: District) -> Path:
    path = folder / "district.yaml"
    path.write_text(CONFIG.format(rosters=rosters.save(folder / "rosters.xlsx"),
                                  work=work.save(folder / "work.xlsx"), folder=folder))
    return path


def outcome(*args: str) -> int:
    """The exit code; an exception escaping main() fails the test."""
    return main.main(list(args), now=NOW)


def check_and_run(rosters: District, work: District) -> tuple[int, int, Path]:
    folder = Path(tempfile.mkdtemp(prefix="fuzz-"))
    config = configure(folder, rosters, work)
    checked = outcome("check", "--quiet", "--config", str(config))
    ran = outcome("run", "--once", "--quiet", "--config", str(config))
    return checked, ran, folder


@FUZZ
@given(work_districts())
@example(finished_cycle_without_end_date())
def test_one_messy_source_never_stops_the_run_and_the_others_are_processed(work):
    checked, ran, folder = check_and_run(CLEAN_ROSTERS, work)
    assert ran in (0, 5)  # 5: a tab that cannot be used holds the emails that depend on it
    assert (checked == 0) == (ran == 0)
    schools = load_workbook(folder / "summary.xlsx")["Schools"]
    assert {"Alpha Elementary", "Beta Middle"} <= {r[0] for r in schools.iter_rows(
        values_only=True)}  # the rosters' source was processed whatever the other held
    if ran == 0:
        written = sorted(p.name for p in (folder / "outbox" / "2026-W47").glob("*.eml"))
        assert written == ["alpha-elementary.eml", "beta-middle.eml"]


@FUZZ
@given(roster_districts(), work_districts())
@example(CLEAN_ROSTERS, finished_cycle_without_end_date())
def test_run_never_raises_and_check_fails_wherever_run_would(rosters, work):
    checked, ran, _ = check_and_run(rosters, work)
    assert ran in (0, 1, 5)
    if ran != 0:
        assert checked != 0
