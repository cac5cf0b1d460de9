"""spreadsheets.values.*: get, batchGet, update, batchUpdate, clear, batchClear, append."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from .app import App, Call, Reply
from .errors import CELL_LIMIT_MESSAGE, ApiError, invalid
from .model import Spreadsheet, Target
from .ranges import resolve
from .render import DATE_OPTIONS, FORMATTED, RENDER_OPTIONS, SERIAL, Renderer
from .writes import (
    Written,
    clear_values,
    ensure_option,
    find_table,
    grow_for_append,
    oriented,
    write_matrix,
)

MAJOR_DIMENSIONS = ("ROWS", "COLUMNS")
INSERT_OPTIONS = ("OVERWRITE", "INSERT_ROWS")


def enum(value: str | None, allowed: tuple[str, ...], default: str, field: str, type_name: str) -> str:
    """Validate an enum parameter, worded like Google's proto parsing errors."""
    if value in (None, "") or str(value).endswith("_UNSPECIFIED"):
        return default
    if value not in allowed:
        raise ApiError(
            400,
            "INVALID_ARGUMENT",
            f"Invalid value at '{field}' (type.googleapis.com/google.apps.sheets.v4.{type_name}), \"{value}\"",
        )
    return value


def read_options(get: Callable[[str], Any], prefix: str = "") -> tuple[str, str, str]:
    """(valueRenderOption, dateTimeRenderOption, majorDimension) from query or body.

    With prefix "response" it reads responseValueRenderOption etc., as updates use.
    """

    def key(name: str) -> str:
        return prefix + name[0].upper() + name[1:] if prefix else name

    value = enum(get(key("valueRenderOption")), RENDER_OPTIONS, FORMATTED, "value_render_option", "ValueRenderOption")
    date = enum(get(key("dateTimeRenderOption")), DATE_OPTIONS, SERIAL, "date_time_render_option", "DateTimeRenderOption")
    major = "ROWS" if prefix else enum(get("majorDimension"), MAJOR_DIMENSIONS, "ROWS", "major_dimension", "Dimension")
    return value, date, major


def value_range(spreadsheet: Spreadsheet, target: Target, options: tuple[str, str, str]) -> dict[str, Any]:
    """A ValueRange: the clipped range, the dimension, and values unless there are none."""
    option, date_option, major = options
    out: dict[str, Any] = {"range": target.label(), "majorDimension": major}
    values = Renderer(spreadsheet).matrix(target, option, date_option, major)
    if values:
        out["values"] = values
    return out


def values_get(app: App, call: Call) -> Reply:
    spreadsheet = app.readable(call)
    target = resolve(spreadsheet, call.range_text or "")
    return 200, value_range(spreadsheet, target, read_options(call.param))


def values_batch_get(app: App, call: Call) -> Reply:
    spreadsheet = app.readable(call)
    options = read_options(call.param)
    targets = [resolve(spreadsheet, text) for text in call.params("ranges")]
    body: dict[str, Any] = {"spreadsheetId": spreadsheet.spreadsheet_id}
    if targets:
        body["valueRanges"] = [value_range(spreadsheet, t, options) for t in targets]
    return 200, body


def _update_one(spreadsheet: Spreadsheet, text: str, data: dict[str, Any], option: str) -> tuple[Written, Target]:
    target = resolve(spreadsheet, text)
    rows = oriented(data.get("values"), data.get("majorDimension"))
    return write_matrix(target, rows, option, text), target


def _with_data(reply: dict[str, Any], spreadsheet: Spreadsheet, written: Written, options: tuple[str, str, str]) -> None:
    label = written.label()
    if label:
        reply["updatedData"] = value_range(spreadsheet, resolve(spreadsheet, label), options)


def values_update(app: App, call: Call) -> Reply:
    spreadsheet = app.writable(call)
    option = ensure_option(call.param("valueInputOption"))
    written, target = _update_one(spreadsheet, call.range_text or "", call.json(), option)
    app.commit(spreadsheet)
    reply = written.response(spreadsheet.spreadsheet_id, target.label())
    if call.flag("includeValuesInResponse"):
        _with_data(reply, spreadsheet, written, read_options(call.param, "response"))
    return 200, reply


def values_batch_update(app: App, call: Call) -> Reply:
    spreadsheet = app.writable(call)
    body = call.json()
    option = ensure_option(body.get("valueInputOption"))
    results = []
    for i, item in enumerate(body.get("data") or []):
        with _field_errors(f"data[{i}]"):
            results.append(_update_one(spreadsheet, str(item.get("range", "")), item, option))
    app.commit(spreadsheet)
    reply: dict[str, Any] = {"spreadsheetId": spreadsheet.spreadsheet_id}
    touched = [w for w, _ in results if w.cells]
    if touched:
        reply.update(_totals(touched))
    responses = [w.response(spreadsheet.spreadsheet_id, t.label()) for w, t in results]
    if body.get("includeValuesInResponse"):
        options = read_options(body.get, "response")
        for response, (written, _) in zip(responses, results, strict=True):
            _with_data(response, spreadsheet, written, options)
    if responses:
        reply["responses"] = responses
    return 200, reply


@contextmanager
def _field_errors(field: str) -> Iterator[None]:
    """Errors about one item of a body list name it, e.g. `Invalid data[1]: Unable to parse range: X`."""
    try:
        yield
    except ApiError as error:
        if error.code != 400:
            raise
        raise ApiError(error.code, error.status, f"Invalid {field}: {error.message}") from None


def _totals(touched: list[Written]) -> dict[str, int]:
    """Totals count distinct rows and columns across all ranges, but every cell."""
    rows = {(w.sheet.sheet_id, r) for w in touched for r in w.rows}
    cols = {(w.sheet.sheet_id, c) for w in touched for c in w.cols}
    return {
        "totalUpdatedRows": len(rows),
        "totalUpdatedColumns": len(cols),
        "totalUpdatedCells": sum(w.cells for w in touched),
        "totalUpdatedSheets": len({w.sheet.sheet_id for w in touched}),
    }


def values_clear(app: App, call: Call) -> Reply:
    spreadsheet = app.writable(call)
    target = resolve(spreadsheet, call.range_text or "")
    clear_values(target)
    app.commit(spreadsheet)
    return 200, {"spreadsheetId": spreadsheet.spreadsheet_id, "clearedRange": target.label()}


def values_batch_clear(app: App, call: Call) -> Reply:
    spreadsheet = app.writable(call)
    targets = []
    for i, text in enumerate(call.json().get("ranges") or []):
        with _field_errors(f"ranges[{i}]"):
            targets.append(resolve(spreadsheet, str(text)))
    for target in targets:
        clear_values(target)
    app.commit(spreadsheet)
    reply: dict[str, Any] = {"spreadsheetId": spreadsheet.spreadsheet_id}
    if targets:
        reply["clearedRanges"] = [t.label() for t in targets]
    return 200, reply


def values_append(app: App, call: Call) -> Reply:
    spreadsheet = app.writable(call)
    option = ensure_option(call.param("valueInputOption"))
    insert = enum(call.param("insertDataOption"), INSERT_OPTIONS, "OVERWRITE", "insert_data_option", "InsertDataOption")
    target = resolve(spreadsheet, call.range_text or "")
    rows = oriented(call.json().get("values"), call.json().get("majorDimension"))
    table = find_table(target)
    first_row, first_col = (table[1], table[2]) if table else (target.r0, target.c0)
    grow_for_append(target.sheet, first_row, first_col, rows, insert == "INSERT_ROWS")
    if not spreadsheet.within_cell_limit():
        raise invalid(CELL_LIMIT_MESSAGE)
    anchor = Target(target.sheet, first_row, target.sheet.row_count, first_col, target.sheet.column_count, True)
    written = write_matrix(anchor, rows, option, call.range_text or "")
    app.commit(spreadsheet)
    reply: dict[str, Any] = {"spreadsheetId": spreadsheet.spreadsheet_id}
    if table:
        reply["tableRange"] = Target(target.sheet, *table).label()
    reply["updates"] = written.response(spreadsheet.spreadsheet_id, anchor.label())
    if call.flag("includeValuesInResponse"):
        _with_data(reply["updates"], spreadsheet, written, read_options(call.param, "response"))
    return 200, reply


HANDLERS = {
    "values.get": values_get,
    "values.batchGet": values_batch_get,
    "values.update": values_update,
    "values.batchUpdate": values_batch_update,
    "values.clear": values_clear,
    "values.batchClear": values_batch_clear,
    "values.append": values_append,
}
