import math

import pytest

from core.display import Privacy, hours, percent


@pytest.mark.parametrize("value, n, coded, shown", [
    (50.0, 10, False, "50%"), (50.0, 9, False, "n<10"), (50.0, 0, False, "n<10"),
    (96.0, 20, True, ">95%"), (95.0, 20, True, ">95%"), (96.0, 20, False, "96%"),
    (5.0, 20, True, "<5%"), (4.0, 20, False, "4%"), (6.0, 20, True, "6%"),
    (100.0, 9, True, "n<10"), (math.nan, 12, True, "—"),
])
def test_student_percent(value, n, coded, shown):
    assert Privacy(10, coded).student_pct(value, n) == shown


def test_min_n_is_a_setting():
    assert Privacy(5, False).student_pct(40.0, 5) == "40%"
    assert Privacy(5, False).student_n(4) == "n<5"


def test_other_figures():
    assert hours(90) == "1.5" and hours(600) == "10" and hours(math.nan) == "—"
    assert percent(61.94) == "62%" and percent(math.nan) == "—"
