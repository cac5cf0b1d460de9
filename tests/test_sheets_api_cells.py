"""Cell-level behaviour: USER_ENTERED parsing, number formats and formula values (table-driven)."""

from typing import Any

import pytest

from standins.sheets.cellinput import BadValue, raw_value, user_entered_value
from standins.sheets.formula import Unsupported, evaluate
from standins.sheets.numfmt import format_general, format_number


@pytest.mark.parametrize(
    "typed, value, pattern",
    [
        ("53", {"numberValue": 53}, None),
        (" 53 ", {"numberValue": 53}, None),
        ("0.12", {"numberValue": 0.12}, None),
        ("-4.5", {"numberValue": -4.5}, None),
        ("007", {"numberValue": 7}, None),
        ("1,234", {"numberValue": 1234}, "#,##0"),
        ("1e3", {"numberValue": 1000}, "0.00E+00"),
        ("TRUE", {"boolValue": True}, None),
        ("false", {"boolValue": False}, None),
        ("12%", {"numberValue": 0.12}, "0%"),
        ("12.5%", {"numberValue": 0.125}, "0.00%"),
        ("$5", {"numberValue": 5}, '"$"#,##0'),
        ("-$1,234.50", {"numberValue": -1234.5}, '"$"#,##0.00'),
        ("2020-01-01", {"numberValue": 43831}, "yyyy-mm-dd"),
        ("1999-01-02", {"numberValue": 36162}, "yyyy-mm-dd"),
        ("11/3/2026", {"numberValue": 46329}, "m/d/yyyy"),
        ("11/3/2026 14:05:00", {"numberValue": 46329 + (14 * 3600 + 5 * 60) / 86400}, "m/d/yyyy h:mm:ss"),
        ("1:30", {"numberValue": 0.0625}, "h:mm:ss am/pm"),
        ("1:30 PM", {"numberValue": 13.5 / 24}, "h:mm am/pm"),
        ("25:30", {"numberValue": 25.5 / 24}, "[h]:mm:ss"),
        ("=4/2", {"formulaValue": "=4/2"}, None),
        ("'=4/2", {"stringValue": "=4/2"}, None),
        ("'0123", {"stringValue": "0123"}, None),
        ("45 min", {"stringValue": "45 min"}, None),
        ("3_1_0", {"stringValue": "3_1_0"}, None),
        ("2/30/2024", {"stringValue": "2/30/2024"}, None),
        ("", None, None),
        (53, {"numberValue": 53}, None),
        (True, {"boolValue": True}, None),
    ],
)
def test_user_entered(typed: Any, value: dict[str, Any] | None, pattern: str | None) -> None:
    parsed, number_format = user_entered_value(typed)
    assert parsed == value
    assert (number_format or {}).get("pattern") == pattern


@pytest.mark.parametrize("raw, value", [("53", {"stringValue": "53"}), ("=1+1", {"stringValue": "=1+1"}),
                                        (1.5, {"numberValue": 1.5}), (False, {"boolValue": False}), ("", None)])  # fmt: skip
def test_raw_keeps_types(raw: Any, value: dict[str, Any] | None) -> None:
    assert raw_value(raw) == value


def test_objects_are_not_values() -> None:
    with pytest.raises(BadValue):
        raw_value({"a": 1})


@pytest.mark.parametrize(
    "number, shown",
    [(2.0, "2"), (1.5, "1.5"), (0.1 + 0.2, "0.3"), (1 / 3, "0.3333333333"), (-0.25, "-0.25"),
     (123456789.0, "123456789"), (1e20, "1E+20"), (1.5e-12, "1.5E-12"), (0.0, "0")],
)  # fmt: skip
def test_general_format(number: float, shown: str) -> None:
    assert format_general(number) == shown


@pytest.mark.parametrize(
    "number, kind, pattern, shown",
    [
        (43831, "DATE", "yyyy-mm-dd", "2020-01-01"),
        (46329, "DATE", "m/d/yyyy", "11/3/2026"),
        (46329, "DATE", "mmm d, yyyy", "Nov 3, 2026"),
        (46329, "DATE", "dddd, mmmm d", "Tuesday, November 3"),
        (46329.5, "DATE_TIME", "m/d/yyyy h:mm:ss", "11/3/2026 12:00:00"),
        (0.0625, "TIME", "h:mm:ss am/pm", "1:30:00 AM"),
        (13.5 / 24, "TIME", "h:mm am/pm", "1:30 PM"),
        (25.5 / 24, "TIME", "[h]:mm:ss", "25:30:00"),
        (0.125, "PERCENT", "0.00%", "12.50%"),
        (0.12, "PERCENT", "0%", "12%"),
        (1234.5, "NUMBER", "#,##0.00", "1,234.50"),
        (1234.5, "NUMBER", "0", "1235"),
        (-1234.5, "CURRENCY", '"$"#,##0.00', "-$1,234.50"),
        (2.5, "NUMBER", "0.0#", "2.5"),
        (1000, "SCIENTIFIC", "0.00E+00", "1.00E+03"),
        (7, "TEXT", None, "7"),
    ],
)
def test_number_formats(number: float, kind: str, pattern: str | None, shown: str) -> None:
    number_format = {"type": kind, **({"pattern": pattern} if pattern else {})}
    assert format_number(number, number_format) == shown


CELLS = {(0, 0): 2.0, (1, 0): 3.0, (2, 0): "x", (0, 1): None, (1, 1): True}


def _resolve(sheet: str | None, r0: int, r1: int | None, c0: int, c1: int | None) -> list[list[Any]]:
    return [[CELLS.get((r, c)) for c in range(c0, c1 or 2)] for r in range(r0, r1 or 3)]


@pytest.mark.parametrize(
    "text, result",
    [
        ("=4/2", 2.0), ("=3/2", 1.5), ("=2^3*2", 16.0), ("=-A1+10", 8.0), ("=50%", 0.5),
        ("=A1+A2", 5.0), ("=SUM(A1:A3)", 5.0), ("=AVERAGE(A1:A2)", 2.5), ("=MAX(A1:A3, 9)", 9.0),
        ("=COUNT(A1:B3)", 2.0), ("=COUNTA(A1:B3)", 4.0), ('=IF(A1>1, "big", "small")', "big"),
        ('=A3&"-"&A1', "x-2"), ("=ROUND(2.345, 2)", 2.35), ("=A1=2", True), ('="a"<"B"', True),
        ("=B1", None), ("=LEN(UPPER(A3))", 1.0), ("=$A$1*2", 4.0), ("=SUM(A:A)", 5.0),
    ],
)  # fmt: skip
def test_formula_values(text: str, result: Any) -> None:
    assert evaluate(text, _resolve) == result


@pytest.mark.parametrize("text, code", [("=1/0", "#DIV/0!"), ("=A3+1", "#VALUE!"), ("=SUM(A1:A2)/0", "#DIV/0!")])
def test_formula_errors(text: str, code: str) -> None:
    result = evaluate(text, _resolve)
    assert getattr(result, "code", None) == code


@pytest.mark.parametrize("text", ["=VLOOKUP(1, A1:B2, 2)", "=TODAY()", "=A1 +", "={1,2}"])
def test_unsupported_formulas_are_reported(text: str) -> None:
    with pytest.raises(Unsupported):
        evaluate(text, _resolve)
