"""A1 notation as the Sheets API reads and prints it (pure parsing, table-driven)."""

import pytest

from standins.sheets.a1 import (
    Box,
    RangeParseError,
    column_index,
    column_letters,
    format_range,
    parse_range,
    quote_title,
)


@pytest.mark.parametrize(
    "text, sheet, box",
    [
        ("'Sheet1'", "Sheet1", None),
        ("'My tab'!A1:B2", "My tab", Box(0, 2, 0, 2)),
        ("'It''s'!C3", "It's", Box(2, 3, 2, 3, single_cell=True)),
        ("'''quoted'''!A1", "'quoted'", Box(0, 1, 0, 1, single_cell=True)),
        ("Sheet1!A5:A", "Sheet1", Box(4, None, 0, 1)),
        ("Sheet1!A:B", "Sheet1", Box(None, None, 0, 2)),
        ("Sheet1!1:2", "Sheet1", Box(0, 2, None, None)),
        ("Sheet1!A2:2", "Sheet1", Box(1, 2, 0, None)),
        ("Sheet1!B2:A1", "Sheet1", Box(0, 2, 0, 2)),
        ("Sheet1!$A$1:$B$2", "Sheet1", Box(0, 2, 0, 2)),
        ("Sheet1!aa10", "Sheet1", Box(9, 10, 26, 27, single_cell=True)),
        ("My tab!A1", "My tab", Box(0, 1, 0, 1, single_cell=True)),
        ("'a!b'!A1", "a!b", Box(0, 1, 0, 1, single_cell=True)),
        ("'🌵 tab'!A1:C2", "🌵 tab", Box(0, 2, 0, 3)),
    ],
)
def test_parse_named_sheet(text: str, sheet: str, box: object) -> None:
    parsed = parse_range(text)
    assert (parsed.sheet, parsed.box, parsed.bare) == (sheet, box, False)


def test_bare_title_is_left_for_the_model_to_resolve() -> None:
    parsed = parse_range("Sheet1")
    assert (parsed.sheet, parsed.box, parsed.bare) == ("Sheet1", None, True)


@pytest.mark.parametrize("text, box", [("A1:B2", Box(0, 2, 0, 2)), ("C7", Box(6, 7, 2, 3, single_cell=True))])
def test_bare_cells_may_be_a_range_on_the_first_sheet(text: str, box: Box) -> None:
    parsed = parse_range(text)
    assert parsed.bare and parsed.box == box


@pytest.mark.parametrize(
    "text",
    ["", "Sheet1!", "'Sheet1", "'Sheet1'A1", "Sheet1!A", "Sheet1!7", "Sheet1!A1:B2:C3", "Sheet1!A0",
     "Sheet1!A:2", "Sheet1!1:B", "Sheet1!AAAA1", "!A1"],
)  # fmt: skip
def test_unparsable(text: str) -> None:
    with pytest.raises(RangeParseError):
        parse_range(text)


@pytest.mark.parametrize(
    "title, quoted",
    [("Sheet1", "Sheet1"), ("My tab", "'My tab'"), ("It's", "'It''s'"), ("A1", "'A1'"), ("2024", "'2024'"),
     ("R1C1", "'R1C1'"), ("data_2024", "data_2024"), ("🌵 test", "'🌵 test'")],
)  # fmt: skip
def test_quote_title(title: str, quoted: str) -> None:
    assert quote_title(title) == quoted


@pytest.mark.parametrize(
    "bounds, text",
    [((0, 1000, 0, 26), "Sheet1!A1:Z1000"), ((1, 2, 0, 1), "Sheet1!A2"), ((0, 1, 0, 26), "Sheet1!A1:Z1")],
)
def test_format_range_prints_one_cell_as_one_label(bounds: tuple[int, int, int, int], text: str) -> None:
    assert format_range("Sheet1", *bounds) == text


@pytest.mark.parametrize("index, letters", [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA"), (18277, "ZZZ")])
def test_columns_round_trip(index: int, letters: str) -> None:
    assert column_letters(index) == letters
    assert column_index(letters) == index
