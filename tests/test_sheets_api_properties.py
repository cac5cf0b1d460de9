"""Property tests for the stand-in's pure parts: A1 round trips and write/read symmetry."""

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from standins.sheets.a1 import format_range, parse_range
from standins.sheets.cellinput import user_entered_value
from standins.sheets.model import Sheet, Spreadsheet, Target, new_sheet_properties
from standins.sheets.render import SERIAL, UNFORMATTED, Renderer
from standins.sheets.writes import RAW, write_matrix

titles = st.text(st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1, max_size=12)
cell_values = st.one_of(st.just(""), st.text(min_size=1, max_size=5), st.integers(-10**6, 10**6), st.booleans())


@given(titles, st.integers(0, 5000), st.integers(1, 30), st.integers(0, 700), st.integers(1, 30))
def test_printed_ranges_parse_back(title: str, r0: int, height: int, c0: int, width: int) -> None:
    parsed = parse_range(format_range(title, r0, r0 + height, c0, c0 + width))
    assert parsed.sheet == title
    assert parsed.box is not None
    assert (parsed.box.start_row, parsed.box.end_row, parsed.box.start_col, parsed.box.end_col) == (
        r0, r0 + height, c0, c0 + width)  # fmt: skip


def _sheet(rows: int, cols: int) -> tuple[Spreadsheet, Sheet]:
    sheet = Sheet(new_sheet_properties(0, "Sheet1", 0, rows, cols))
    return Spreadsheet("id", {"title": "t"}, [sheet], "me"), sheet


def _trimmed(values: list[list[Any]]) -> list[list[Any]]:
    rows = [list(row) for row in values]
    for row in rows:
        while row and row[-1] == "":
            row.pop()
    while rows and not rows[-1]:
        rows.pop()
    return rows


@settings(max_examples=60)
@given(st.lists(st.lists(cell_values, max_size=6), max_size=6))
def test_raw_write_then_unformatted_read_is_the_trimmed_input(values: list[list[Any]]) -> None:
    spreadsheet, sheet = _sheet(10, 10)
    write_matrix(Target(sheet, 0, 10, 0, 10, single_cell=True), values, RAW, "Sheet1!A1")
    read = Renderer(spreadsheet).matrix(Target(sheet, 0, 10, 0, 10), UNFORMATTED, SERIAL)
    assert read == _trimmed(values)


@given(st.integers(-10**9, 10**9))
def test_typed_integers_become_numbers(number: int) -> None:
    assert user_entered_value(str(number)) == ({"numberValue": number}, None)
    assert user_entered_value(f"{number:,}")[0] == {"numberValue": number}


@given(st.integers(0, 10000))
def test_typed_percentages_scale(percent: int) -> None:
    value, number_format = user_entered_value(f"{percent}%")
    assert value is not None and abs(value["numberValue"] - percent / 100) < 1e-12
    assert number_format == {"type": "PERCENT", "pattern": "0%"}
