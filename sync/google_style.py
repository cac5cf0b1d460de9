"""How a summary tab looks in the Google backend: the same choices as `sync.workbook_style`
(number formats, fitted widths, frozen header and first column, a filter, banded rows, status
colours) plus a warning-only protected range, and the Dashboard's native charts.

Pure request building: `sync.google_write` puts these requests in its one batchUpdate. A rerun
first removes what the job added last time (its bandings, rules, protections and charts, found
in the layout it read), so nothing piles up; a chart a person added keeps its own id and is
never touched.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

from core.tables import (
    TONE_FILLS,
    TONE_FONTS,
    Chart,
    ChartKind,
    Dashboard,
    Fmt,
    Highlight,
    Table,
    Tone,
    column_width,
)

PROTECTION = "coaching-impact: this tab is rewritten by the coaching-impact job on every run"
PIXELS_PER_CHAR = 7
CHART_WIDTH, CHART_HEIGHT = 620, 380
DASHBOARD_COLUMNS = 18
NUMBER_TYPES = {Fmt.PCT: "PERCENT", Fmt.PCT1: "PERCENT", Fmt.DATE: "DATE", Fmt.TEXT: "TEXT"}
CONDITIONS = {"equals": "TEXT_EQ", "below": "NUMBER_LESS", "at_least": "NUMBER_GREATER_THAN_EQ"}
CHART_TYPES = {ChartKind.BAR: "BAR", ChartKind.COLUMN: "COLUMN", ChartKind.LINE: "LINE",
               ChartKind.SCATTER: "SCATTER"}


@dataclass(frozen=True)
class Extras:
    """What the job added to a tab last time (read with the layout), to remove before redoing."""

    bandings: tuple[int, ...] = ()
    rules: int = 0
    protections: tuple[int, ...] = ()
    charts: tuple[int, ...] = ()
    filtered: bool = False
    protected_by_someone: bool = False
    """A person protected the whole tab: Google allows one sheet protection, so ours is left out."""


def read_extras(sheet: dict[str, Any]) -> Extras:
    return Extras(
        tuple(b["bandedRangeId"] for b in sheet.get("bandedRanges", [])),
        len(sheet.get("conditionalFormats", [])),
        tuple(p["protectedRangeId"] for p in sheet.get("protectedRanges", [])
              if p.get("description") == PROTECTION),
        tuple(c["chartId"] for c in sheet.get("charts", [])),
        "basicFilter" in sheet,
        any(p.get("description") != PROTECTION and set(p.get("range", {})) <= {"sheetId"}
            for p in sheet.get("protectedRanges", [])))


EXTRAS_FIELDS = ("bandedRanges(bandedRangeId),conditionalFormats(ranges(sheetId)),"
                 "protectedRanges(protectedRangeId,description,range),charts(chartId),"
                 "basicFilter(range(sheetId))")


def color(hex_rgb: str) -> dict[str, float]:
    return {k: round(int(hex_rgb[i:i + 2], 16) / 255, 3)
            for k, i in (("red", 0), ("green", 2), ("blue", 4))}


def number_format(fmt: Fmt | None) -> dict[str, Any] | None:
    if fmt is None:
        return None
    return {"type": NUMBER_TYPES.get(fmt, "NUMBER"), "pattern": fmt.value}


def object_id(kind: str, title: str) -> int:
    """A stable id for something the job adds to a tab (banding, protection, chart)."""
    return zlib.crc32(f"{kind}:{title}".encode()) % 1_000_000_000 + 1


# ---------------------------------------------------------------- removing last run's


def clear_extras(sheet_id: int, extras: Extras, ours: set[int] | None = None
                 ) -> list[dict[str, Any]]:
    """Remove the bandings, rules and protections the job put on its own tab last time; of the
    charts, only the job's own (`ours`), never a person's."""
    requests: list[dict[str, Any]] = [{"deleteBanding": {"bandedRangeId": b}}
                                      for b in extras.bandings]
    requests += [{"deleteConditionalFormatRule": {"sheetId": sheet_id, "index": i}}
                 for i in reversed(range(extras.rules))]
    requests += [{"deleteProtectedRange": {"protectedRangeId": p}} for p in extras.protections]
    requests += [{"deleteEmbeddedObject": {"objectId": c}} for c in extras.charts
                 if ours is not None and c in ours]
    if extras.filtered:
        requests.append({"clearBasicFilter": {"sheetId": sheet_id}})
    return requests


# ---------------------------------------------------------------- one table


def style_requests(sheet_id: int, table: Table, height: int, width: int,
                   extras: Extras = Extras()) -> list[dict[str, Any]]:
    """Widths, filter, banding, status colours and a warning-only protection for one tab."""
    whole = grid(sheet_id, 0, height, 0, width)
    requests = width_requests(sheet_id, table)
    requests.append({"setBasicFilter": {"filter": {"range": whole}}})
    requests.append({"addBanding": {"bandedRange": {
        "bandedRangeId": object_id("banding", table.name), "range": whole,
        "rowProperties": {"headerColor": color("1F4E79"), "firstBandColor": color("FFFFFF"),
                          "secondBandColor": color("EEF3F8")}}}})
    requests += highlight_requests(sheet_id, table, height)
    if not extras.protected_by_someone:
        requests.append(protect(sheet_id, table.name))
    return requests


def grid(sheet_id: int, r0: int, r1: int, c0: int, c1: int) -> dict[str, int]:
    return {"sheetId": sheet_id, "startRowIndex": r0, "endRowIndex": r1,
            "startColumnIndex": c0, "endColumnIndex": c1}


def width_requests(sheet_id: int, table: Table) -> list[dict[str, Any]]:
    return [{"updateDimensionProperties": {
        "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": c,
                  "endIndex": c + 1},
        "properties": {"pixelSize": int(column_width(table, c) * PIXELS_PER_CHAR)},
        "fields": "pixelSize"}} for c in range(len(table.header))]


def highlight_requests(sheet_id: int, table: Table, height: int) -> list[dict[str, Any]]:
    requests: list[dict[str, Any]] = []
    for h in table.highlights:
        if h.column not in table.header or height < 2:
            continue
        c = table.column(h.column)
        requests.append({"addConditionalFormatRule": {"index": len(requests), "rule": {
            "ranges": [grid(sheet_id, 1, height, c, c + 1)],
            "booleanRule": {"condition": condition(h), "format": tone_format(h.tone)}}}})
    return requests


def condition(h: Highlight) -> dict[str, Any]:
    value = h.value if h.op == "equals" else f"{float(h.value):g}"
    return {"type": CONDITIONS[h.op], "values": [{"userEnteredValue": str(value)}]}


def tone_format(tone: Tone) -> dict[str, Any]:
    return {"backgroundColor": color(TONE_FILLS[tone]),
            "textFormat": {"foregroundColor": color(TONE_FONTS[tone])}}


def protect(sheet_id: int, title: str) -> dict[str, Any]:
    """Warning-only: a person editing the job's tab by mistake is warned, not blocked."""
    return {"addProtectedRange": {"protectedRange": {
        "protectedRangeId": object_id("protection", title), "range": {"sheetId": sheet_id},
        "description": PROTECTION, "warningOnly": True}}}


# ---------------------------------------------------------------- the Dashboard


def chart_ids(dashboard: Dashboard) -> set[int]:
    return {object_id("chart", c.key) for c in dashboard.charts}


def chart_requests(dashboard: Dashboard, sheet_id: int, tables: dict[str, Table],
                   sheet_ids: dict[str, int]) -> list[dict[str, Any]]:
    return [{"addChart": {"chart": {
        "chartId": object_id("chart", c.key),
        "spec": chart_spec(c, tables[c.tab], sheet_ids[c.tab]),
        "position": {"overlayPosition": {
            "anchorCell": {"sheetId": sheet_id, "rowIndex": c.anchor[0],
                           "columnIndex": c.anchor[1]},
            "widthPixels": CHART_WIDTH, "heightPixels": CHART_HEIGHT}}}}}
        for c in dashboard.charts]


def chart_spec(chart: Chart, table: Table, sheet_id: int) -> dict[str, Any]:
    """A basic chart over whole columns of the tab, header row included (it names series)."""
    rows = len(table.rows) + 1

    def column(name: str) -> dict[str, Any]:
        c = table.column(name)
        return {"sourceRange": {"sources": [grid(sheet_id, 0, rows, c, c + 1)]}}
    series = [{"series": column(s), "targetAxis": "LEFT_AXIS"} for s in chart.series]
    if chart.lines:  # a combo chart: the columns, and each line across them
        series = [{**s, "type": CHART_TYPES[chart.kind]} for s in series] + [
            {"series": column(s), "targetAxis": "LEFT_AXIS", "type": "LINE",
             "lineStyle": {"type": "MEDIUM_DASHED", "width": 2}} for s in chart.lines]
    return {"title": chart.title, "basicChart": {
        "chartType": "COMBO" if chart.lines else CHART_TYPES[chart.kind],
        "legendPosition": "BOTTOM_LEGEND", "headerCount": 1,
        "axis": [{"position": "BOTTOM_AXIS", "title": chart.x_title or chart.domain},
                 {"position": "LEFT_AXIS", "title": chart.y_title}],
        "domains": [{"domain": column(chart.domain)}], "series": series}}
