import math

import pytest

from core.display import Privacy, half_up, hours, number, percent


@pytest.mark.parametrize("value, n, coded, shown", [
    (50.0, 10, False, "50%"), (50.0, 9, False, "n<10"), (math.nan, 0, False, "—"), (50.0, 1, False, "n<10"),
    (42.5, 40, False, "43%"), (94.5, 40, True, ">95%"), (5.4, 40, True, "<5%"),
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


@pytest.mark.parametrize("minutes, shown", [
    (135, "2.3"), (45, "0.8"), (627, "10"), (657, "11"), (597, "10"), (60, "1"), (3, "0.1")])
def test_hours_are_rounded_half_up(minutes, shown):
    assert hours(minutes) == shown  # 2.25 h -> 2.3 h; 10.45 h -> 10 (not 11 by rounding twice)


@pytest.mark.parametrize("value, digits, rounded", [
    (2.25, 1, 2.3), (2.675, 2, 2.68), (0.5, 0, 1.0), (1.5, 0, 2.0), (2.5, 0, 3.0),
    (-0.04, 1, 0.0), (59.5, 0, 60.0)])
def test_half_up(value, digits, rounded):
    assert half_up(value, digits) == rounded
    assert number(value, digits) == rounded  # spreadsheet cells too


@pytest.mark.parametrize("pre, post, shown", [
    (41.67, 84.62, "+43 pts"),  # the '42% -> 85% (+42 pts)'
    (22.5, 72.5, "+50 pts"), (30.0, 30.4, "+0 pts"), (40.0, 96.0, ""), (4.0, 50.0, "")])
def test_growth_is_the_difference_of_the_figures_shown(pre, post, shown):
    assert Privacy(10, coded=True).growth(pre, post, 20) == shown


@pytest.mark.parametrize("value", [-3.757e131, 1e300, math.inf, -math.inf])
def test_half_up_of_absurd_figures_does_not_crash(value):
    assert half_up(value, 1) == value
