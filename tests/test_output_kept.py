"""Nothing a person put in the output workbook is lost: tabs whose names differ only in case,
charts and images, the file's mode and owner; and a killed save leaves nothing behind for good."""
from __future__ import annotations

import datetime as dt
import os
import stat

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart, Reference

import main
from tests.small_district import write_config

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def district(tmp_path):
    return write_config(tmp_path)


def run(config) -> int:
    return main.main(["run", "--once", "--config", str(config)], now=NOW)


@pytest.mark.parametrize("title", ["schools", "RUN LOG", "data issues"])
def test_a_persons_tab_differing_only_in_case_is_refused_not_renamed(district, capsys, title):
    output = district.parent / "summary.xlsx"
    book = Workbook()
    book.active.title = title
    book.active["A1"] = "mine"
    book.save(output)
    assert run(district) == 1
    assert f"already has tab '{title}' that this job did not create" in capsys.readouterr().err
    assert load_workbook(output).sheetnames == [title]


def test_the_jobs_own_tabs_are_found_whatever_their_case_and_history_kept(district):
    assert run(district) == 0
    output = district.parent / "summary.xlsx"
    book = load_workbook(output)
    book["Run Log"].title = "renamed"  # (openpyxl would add a 1 renaming it in one step)
    book["renamed"].title = "RUN LOG"
    book.save(output)
    assert run(district) == 0
    book = load_workbook(output)
    assert "Run Log" in book.sheetnames and "RUN LOG" not in book.sheetnames
    assert "RUN LOG" not in book.sheetnames and not any(n[-1].isdigit() for n in book.sheetnames)
    assert book.sheetnames.count("Run Log") == 1
    assert len(list(book["Run Log"].iter_rows(min_row=2))) == 2


def test_a_chart_on_a_persons_tab_is_never_silently_dropped(district, capsys):
    output = district.parent / "summary.xlsx"
    book = Workbook()
    cover = book.active
    cover.title = "Cover"
    for i in range(1, 5):
        cover.append([i, i * i])
    chart = BarChart()
    chart.add_data(Reference(cover, min_col=2, min_row=1, max_row=4))
    cover.add_chart(chart, "D2")
    book.save(output)
    before = output.read_bytes()
    assert run(district) == 1
    err = capsys.readouterr().err
    assert "holds charts on tab 'Cover' that this job's writer cannot keep" in err
    assert "Give the summary its own file" in err
    assert output.read_bytes() == before


def test_an_existing_outputs_mode_is_kept_and_new_files_follow_the_umask(district):
    output = district.parent / "summary.xlsx"
    old = os.umask(0o002)
    try:
        assert run(district) == 0
        assert stat.S_IMODE(output.stat().st_mode) == 0o664
        for eml in (district.parent / "outbox" / "2026-W47").iterdir():
            assert stat.S_IMODE(eml.stat().st_mode) == 0o664, eml
        os.chmod(output, 0o640)
        assert run(district) == 0
        assert stat.S_IMODE(output.stat().st_mode) == 0o640
    finally:
        os.umask(old)


def test_temporary_files_left_by_a_killed_save_are_removed_by_the_next_run(district):
    folder = district.parent
    stale = [folder / ".~summary.xlsx.k1ll3d.xlsx", folder / "outbox" / "2026-W47" / ".~abc"]
    stale[1].parent.mkdir(parents=True)
    for path in stale:
        path.write_bytes(b"half a file")
    other = folder / ".~someone-elses.xlsx"
    other.write_bytes(b"not ours")
    assert run(district) == 0
    assert not any(p.exists() for p in stale)
    assert other.exists()
