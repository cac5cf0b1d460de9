"""The demo workbook as district staff open it: typed and formatted cells, one table per tab,
fitted widths, frozen header and first column, filters, banding and status colours, a page setup
for printing, a Dashboard of native charts over the right ranges, a Trends tab whose weeks add up
to the year, and Data Issues links that open the source workbook at the row."""
import datetime as dt
import re

import pytest
from openpyxl import load_workbook

import main
from tests.test_demo import DATA, NOW, ROOT

PERCENT = re.compile(r"^[<>+-]?\d+(\.\d+)?\s*%$")


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    folder = tmp_path_factory.mktemp("look")
    text = (ROOT / "config" / "district.yaml").read_text()
    text = text.replace("../demo/data/", f"{DATA}/")
    text = text.replace("../out/district-summary.xlsx", str(folder / "summary.xlsx"))
    text = text.replace("../out/outbox", str(folder / "outbox"))
    (folder / "district.yaml").write_text(text)
    for _ in range(2):  # a rerun replaces the job's tabs and charts; nothing piles up
        assert main.main(["run", "--once", "--config", str(folder / "district.yaml")],
                         now=NOW) == 0
    return load_workbook(folder / "summary.xlsx")


def header(ws):
    return [c.value for c in ws[1]]


def column(ws, name):
    at = header(ws).index(name) + 1
    return list(next(ws.iter_cols(min_col=at, max_col=at, min_row=2)))


def test_no_figure_is_stored_as_text(book):
    for ws in book.worksheets:
        for row in ws.iter_rows(min_row=2):
            for c in row:
                if isinstance(c.value, str):
                    assert not PERCENT.match(c.value), (ws.title, c.coordinate, c.value)
                    assert not re.match(r"^\d+ of \d+$", c.value), (ws.title, c.coordinate)
                    as_written = ws.title == "Cycles" or (  # grades; a flagged cell as typed
                        ws.title == "Data Issues" and ws.cell(1, c.column).value == "Value")
                    assert not re.match(r"^[+-]?\d+(\.\d+)?$", c.value) or as_written, \
                        (ws.title, c.coordinate, c.value)


def test_every_percentage_is_a_fraction_under_a_percent_format(book):
    checked = 0
    for ws in (book["Schools"], book["Coaches"], book["Cycles"], book["Equity"],
               book["Trends"]):
        for name in header(ws):
            if "%" in name or name in ("Time in cycles", "Coverage", "Completion rate",
                                       "Time-in-cycles target"):
                for c in column(ws, name):
                    if isinstance(c.value, (int, float)):
                        assert 0 <= c.value <= 1 and "%" in c.number_format, \
                            (ws.title, c.coordinate, c.value, c.number_format)
                        checked += 1
                    else:
                        assert c.value in (None, "n<10", "hidden"), (ws.title, c.coordinate, c.value)
    assert checked > 100


def test_each_tab_is_one_table_from_a1_with_its_own_header(book):
    district = book["District"]
    assert district["A1"].value == "Riverbend Unified School District"
    assert district.max_row == 17 and district.max_column == 3  # equity has its own tab
    equity = book["Equity"]
    assert header(equity)[:2] == ["School", "Need indicator"] and equity.max_row == 8
    planned = [c.value for c in column(book["Cycles"], "Status")]
    assert "planned" in planned and planned[-1] == "planned"


def test_readable_widths_frozen_panes_filters_colours_and_print_setup(book):
    for ws in book.worksheets[1:]:
        if ws.title == "Run Log":
            continue
        assert ws.freeze_panes == "B2", ws.title
        assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}"
        assert ws.conditional_formatting, ws.title  # banding at least
        assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$1:$1"
    schools = book["Schools"]
    longest = max(len(c.value) for c in column(schools, "School"))
    assert schools.column_dimensions["A"].width >= longest
    principal = max(len(c.value) for c in column(schools, "Principal"))
    assert schools.column_dimensions["B"].width >= principal
    rules = {r.formula[0] for cf in schools.conditional_formatting for r in cf.rules}
    assert '"met"' in rules and '"not yet"' in rules and "0.6" in rules


def test_no_text_is_cut_off_at_its_column(book):
    """Every text cell fits its column's width or wraps within it (row heights follow)."""
    for ws in book.worksheets[1:]:
        for row in ws.iter_rows(min_row=2):
            for c in row:
                if isinstance(c.value, str):
                    width = ws.column_dimensions[c.column_letter].width
                    assert len(c.value) <= width or c.alignment.wrap_text, \
                        (ws.title, c.coordinate, c.value, width)


def test_the_dashboard_draws_four_native_charts_from_the_tabs(book):
    charts = book["Dashboard"]._charts
    assert len(charts) == 4  # after two runs: replaced, not piled up
    refs = []
    for chart in charts:
        for s in (s for part in chart._charts for s in part.series):
            values = s.val.numRef.f if s.val is not None else s.yVal.numRef.f
            refs.append(values)
    assert "'Schools'!$K$2:$K$8" in refs and "'Schools'!$L$2:$L$8" in refs  # in cycles, target
    in_cycles = charts[0]._charts
    assert [type(c).__name__ for c in in_cycles] == ["BarChart", "LineChart"]  # target: a line
    assert in_cycles[1].series[0].val.numRef.f == "'Schools'!$L$2:$L$8"
    assert in_cycles[1].series[0].graphicalProperties.line.prstDash == "dash"
    assert "'Equity'!$E$2:$E$8" in refs  # hours per teacher, against need
    assert sum(r.startswith("'Hours by Week'!") for r in refs) == 8  # district + 7 schools
    titles = header(book["Schools"])
    assert (titles[10], titles[11]) == ("Time in cycles", "Time-in-cycles target")
    assert header(book["Equity"])[4] == "Coaching hours per teacher"


def test_data_issues_link_opens_the_source_workbook_at_the_row(book):
    ws = book["Data Issues"]
    links = {c.hyperlink.target for c in column(ws, "Link") if c.hyperlink}
    source = (DATA / "coaching-log.xlsx").resolve().as_uri()
    assert f"{source}#'Form Responses 1'!A675" in links


def test_trends_weeks_add_up_to_the_schools_year_figures(book):
    trends = [dict(zip(header(book["Trends"]), r, strict=True))
              for r in book["Trends"].iter_rows(min_row=2, values_only=True)]
    schools = {r[0]: dict(zip(header(book["Schools"]), r, strict=True))
               for r in book["Schools"].iter_rows(min_row=2, values_only=True)}
    for name, s in schools.items():
        weeks = [t for t in trends if t["School"] == name]
        assert len(weeks) == s["Weeks so far"] == 14
        assert sum(t["Coaching hours"] for t in weeks) == pytest.approx(
            s["Coaching hours (year)"], abs=0.05 * len(weeks))  # each week rounded to 0.1
        assert sum(t["Principal–coach meeting"] == "yes" for t in weeks) == \
            s["Weeks with principal–coach meeting"]
        assert all(isinstance(t["Week of"], dt.datetime) for t in weeks)


def test_a_table_of_ordinary_width_prints_one_page_wide(book):
    """Staff print these for meetings: a Data Issues row split over two sheets side by side, its
    wrapped message making every row tall on both, is unreadable."""
    for title in ("Data Issues", "Equity", "Trends", "Hours by Week"):
        ws = book[title]
        assert ws.sheet_properties.pageSetUpPr.fitToPage, title
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0), title
