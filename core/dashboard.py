"""The Dashboard tab: native charts the spreadsheet draws from the summary tabs' own ranges, so
they stay true to the cells a person can check (and filter, and print)."""
from __future__ import annotations

from core.impact import Impact
from core.schema import OutputTab
from core.tables import Chart, ChartKind, Dashboard, Table

CHART_ROWS = 20
"""Rows of the Dashboard one chart takes, with a gap before the next."""
CHART_COLUMNS = 9


def dashboard(impact: Impact, district_name: str, target: float,
              hours_by_week: Table) -> Dashboard:
    notes = [
        [f"{district_name}: coaching dashboard, report week {impact.week.label} "
         f"({impact.week.title})"],
        [f"Drawn from the Schools, Equity and Hours by Week tabs, redrawn on every run. "
         f"Time-in-cycles target: {target:g}%."],
    ]
    top, below = 3, 3 + CHART_ROWS
    charts = (
        time_in_cycles_chart((top, 0)),
        proficiency_chart((top, CHART_COLUMNS)),
        equity_chart((below, 0)),
        weekly_hours_chart(hours_by_week, (below, CHART_COLUMNS)),
    )
    return Dashboard(OutputTab.DASHBOARD, notes, charts)


def time_in_cycles_chart(anchor: tuple[int, int]) -> Chart:
    return Chart("time-in-cycles", "Time in cycles against the target",
                 ChartKind.COLUMN, OutputTab.SCHOOLS, "School", ("Time in cycles",),
                 y_title="Share of hours logged", percent_axis=True, anchor=anchor,
                 lines=("Time-in-cycles target",))


def proficiency_chart(anchor: tuple[int, int]) -> Chart:
    return Chart("proficiency", "% proficient before and after (completed cycles)",
                 ChartKind.COLUMN, OutputTab.SCHOOLS, "School",
                 ("% proficient before", "% proficient after"),
                 y_title="Students proficient", percent_axis=True,
                 anchor=anchor)


def equity_chart(anchor: tuple[int, int]) -> Chart:
    return Chart("equity", "Coaching hours per teacher against need",
                 ChartKind.SCATTER, OutputTab.EQUITY, "Need indicator",
                 ("Coaching hours per teacher",), x_title="Need indicator",
                 y_title="Coaching hours per teacher (year)", anchor=anchor)


def weekly_hours_chart(hours_by_week: Table, anchor: tuple[int, int]) -> Chart:
    """The district and each school, one line each, over the weeks of the school year."""
    return Chart("weekly-hours", "Coaching hours per week",
                 ChartKind.LINE, OutputTab.HOURS_BY_WEEK, "Week",
                 tuple(hours_by_week.header[2:]), y_title="Coaching hours", anchor=anchor)
