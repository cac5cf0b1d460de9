"""The Dashboard tab in the workbook backend: native charts (openpyxl.chart) over the summary
tabs' own ranges. The tab is the job's and is rebuilt whole each run, so its charts are replaced,
never piled up; charts a person keeps on their own tabs are not the job's to touch."""
from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference, ScatterChart
from openpyxl.chart import Series as ChartSeries
from openpyxl.chart.axis import ChartLines
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.tables import Chart, ChartKind, Dashboard, Table

WIDTH_CM, HEIGHT_CM = 16.5, 9.0
NOTE_FONTS = (Font(bold=True, size=14), Font(italic=True, color="555555"))


def draw_dashboard(book: Workbook, sheet: Worksheet, board: Dashboard,
                   tables: Sequence[Table]) -> None:
    by_name = {t.name: t for t in tables}
    for row, font in zip(sheet.iter_rows(min_row=1, max_row=len(NOTE_FONTS)), NOTE_FONTS,
                         strict=False):
        row[0].font = font
    for chart in board.charts:
        table = by_name[chart.tab]
        drawn = build_chart(chart, book[chart.tab], table)
        sheet.add_chart(drawn, f"{column_letter(chart.anchor[1])}{chart.anchor[0] + 1}")
    for letter in "ABCDEFGHIJKLMNOPQR":
        sheet.column_dimensions[letter].width = 10
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_LETTER
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 1


def column_letter(index: int) -> str:
    return get_column_letter(index + 1)


AnyChart: TypeAlias = BarChart | LineChart | ScatterChart
TARGET_COLOUR = "C0504D"


def build_chart(chart: Chart, source: Worksheet, table: Table) -> AnyChart:
    drawn = _empty(chart.kind)
    drawn.title = chart.title
    drawn.width, drawn.height = WIDTH_CM, HEIGHT_CM
    drawn.y_axis.title = chart.y_title or None
    drawn.x_axis.title = chart.x_title or None
    if chart.percent_axis:
        drawn.y_axis.number_format = "0%"
        drawn.y_axis.scaling.min = 0
    drawn.y_axis.majorGridlines = ChartLines()
    drawn.x_axis.delete = False
    drawn.y_axis.delete = False
    domain = _reference(source, table, chart.domain, header=False)
    for column in chart.series:
        values = _reference(source, table, column, header=True)
        if chart.kind is ChartKind.SCATTER:
            point = ChartSeries(values, domain, title_from_data=True)
            point.marker.symbol, point.marker.size = "circle", 9
            point.marker.graphicalProperties.solidFill = "1F4E79"
            point.graphicalProperties.line.noFill = True
            drawn.series.append(point)
        else:
            drawn.add_data(values, titles_from_data=True)
            drawn.series[-1].smooth = False
    if chart.kind is not ChartKind.SCATTER:
        drawn.set_categories(domain)
    if chart.lines:
        drawn += target_lines(chart, source, table, domain)
    drawn.legend.position = "b"
    return drawn


def target_lines(chart: Chart, source: Worksheet, table: Table, domain: Reference) -> LineChart:
    """The `lines` series as a dashed line over the columns, on the same axes."""
    line = LineChart()
    for column in chart.lines:
        line.add_data(_reference(source, table, column, header=True), titles_from_data=True)
        drawn = line.series[-1]
        drawn.smooth, drawn.marker.symbol = False, "none"
        drawn.graphicalProperties.line.solidFill = TARGET_COLOUR
        drawn.graphicalProperties.line.dashStyle = "dash"
        drawn.graphicalProperties.line.width = 28575  # 2.25 pt, in EMU
    line.set_categories(domain)
    return line


def _empty(kind: ChartKind) -> AnyChart:
    if kind is ChartKind.LINE:
        return LineChart()
    if kind is ChartKind.SCATTER:
        scatter = ScatterChart()
        scatter.style = 13
        return scatter
    bar = BarChart()
    bar.type = "bar" if kind is ChartKind.BAR else "col"
    bar.grouping = "clustered"
    return bar


def _reference(sheet: Worksheet, table: Table, column: str, header: bool) -> Reference:
    """A column of the tab: its data rows, with the header above them when it names a series."""
    col = table.column(column) + 1
    return Reference(sheet, min_col=col, max_col=col, min_row=1 if header else 2,
                     max_row=max(len(table.rows) + 1, 2))
