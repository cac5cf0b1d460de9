"""The Parquet export for warehouses: long figures, a folder per report week, suppressed
figures absent (never zero), read back as written."""
import datetime as dt

import pyarrow.parquet as pq
from openpyxl import load_workbook

import main
from tests.small_district import write_config

NOW = dt.datetime(2026, 11, 23, 13, 0, tzinfo=dt.UTC)


def run_with_export(tmp_path):
    config = write_config(tmp_path)
    text = config.read_text().replace("output:\n", f"output:\n  export: {tmp_path / 'export'}\n")
    config.write_text(text)
    assert main.main(["run", "--once", "--config", str(config)], now=NOW) == 0
    return tmp_path / "export" / "report_week=2026-W47"


def tab(path, name):
    rows = list(load_workbook(path, read_only=True)[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:]]


def test_the_export_round_trips_the_summary_figures(tmp_path):
    folder = run_with_export(tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == [
        "coaches.parquet", "cycles.parquet", "district.parquet", "schools.parquet"]
    schools = pq.read_table(folder / "schools.parquet").to_pylist()
    assert pq.read_schema(folder / "schools.parquet").names == [
        "school", "coach", "cycle", "week", "metric", "value", "n"]
    shown = tab(tmp_path / "summary.xlsx", "Schools")
    for school in shown:
        figures = {r["metric"]: r["value"] for r in schools if r["school"] == school["School"]}
        assert figures["coaching_hours_year"] == school["Coaching hours (year)"]
        assert figures["classroom_teachers"] == school["Classroom teachers"]
    assert {r["week"] for r in schools} == {"2026-W47"}
    assert not any(r["metric"] == "teacher" for r in schools)


def test_suppressed_figures_are_absent_never_zero(tmp_path):
    folder = run_with_export(tmp_path)
    cycles = pq.read_table(folder / "cycles.parquet").to_pylist()
    shown = tab(tmp_path / "summary.xlsx", "Cycles")
    suppressed = [c for c in shown if str(c["% proficient before"]).startswith("n<")]
    assert suppressed  # the small district has cycles under min_n
    for c in suppressed:
        metrics = {r["metric"] for r in cycles if r["cycle"] == c["Cycle ID"]}
        assert "pct_proficient_before" not in metrics and "growth_points" not in metrics
    shown_pct = [c for c in shown if str(c["% proficient before"]).endswith("%")]
    for c in shown_pct:
        row = next(r for r in cycles if r["cycle"] == c["Cycle ID"]
                   and r["metric"] == "pct_proficient_before")
        assert f"{row['value']:.0f}%" == c["% proficient before"]
        assert row["n"] == c["Students with pre and post"]


def test_a_rerun_replaces_its_weeks_folder_whole(tmp_path):
    folder = run_with_export(tmp_path)
    (folder / "stale.parquet").write_bytes(b"x")
    config = tmp_path / "district.yaml"
    assert main.main(["run", "--once", "--config", str(config)], now=NOW) == 0
    assert not (folder / "stale.parquet").exists()
    assert [p.name for p in folder.parent.iterdir()] == ["report_week=2026-W47"]
