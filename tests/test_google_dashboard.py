"""The formatted summary and its Dashboard through the Sheets stand-in: what spreadsheets.get
shows after a run (charts over the right ranges, number formats, filters, banding, rules,
warning-only protections, widths), a rerun that piles nothing up, and a person's charts left
alone. Still one batchUpdate per run."""
import pytest

import main
from sync.google_style import PROTECTION
from tests.test_google import NOW, ROOT, TOKEN, demo_config, load_into_standin

SHEETS = "https://sheets.googleapis.com/v4/spreadsheets/"
FIELDS = ("sheets(properties(sheetId,title,gridProperties),charts,conditionalFormats,"
          "bandedRanges,protectedRanges,basicFilter,data(columnMetadata(pixelSize)))")
FORMATTED = ["Schools", "Coaches", "Cycles", "District", "Equity", "Trends", "Hours by Week",
             "Data Issues"]


@pytest.fixture
def google_demo(sheets_api, tmp_path, monkeypatch):
    """The demo district with every source and the output on the stand-in; returns a function
    that runs the job once and the output's id."""
    monkeypatch.setenv("SHEETS_API_TOKEN", TOKEN)
    ids = {p.stem: load_into_standin(sheets_api, p)
           for p in sorted((ROOT / "demo" / "data").glob("*.xlsx"))}
    ids["summary"] = sheets_api.create_spreadsheet("Summary", {"Notes": [["hello", 1], ["x", 2]]})
    config = demo_config(tmp_path, ids, sheets_api.url)

    def run():
        sheets_api.log.clear()
        assert main.main(["run", "--once", "--config", str(config)], now=NOW) == 0
        assert sheets_api.log.counts().get("spreadsheets.batchUpdate") == 1
    return run, ids["summary"]


def get(sheets_api, sid):
    answer = sheets_api.session(TOKEN).get(f"{SHEETS}{sid}", params={"fields": FIELDS})
    assert answer.status_code == 200, answer.text
    return {s["properties"]["title"]: s for s in answer.json()["sheets"]}


def counts(sheets):
    return {t: (len(s.get("charts", [])), len(s.get("conditionalFormats", [])),
                len(s.get("bandedRanges", [])), len(s.get("protectedRanges", [])),
                "basicFilter" in s) for t, s in sheets.items()}


def column_of(sheets_api, sid, sheets, source):
    """The tab and header a chart source range reads."""
    title = next(t for t, s in sheets.items() if s["properties"]["sheetId"] == source["sheetId"])
    header = sheets_api.values(sid, title)[0]
    assert source["endColumnIndex"] - source["startColumnIndex"] == 1
    return title, header[source["startColumnIndex"]]


def test_the_dashboard_charts_read_the_right_ranges(sheets_api, google_demo):
    run, sid = google_demo
    run()
    sheets = get(sheets_api, sid)
    charts = sheets["Dashboard"]["charts"]
    assert len(charts) == 4 and next(iter(sheets)) == "Dashboard"
    read = {}
    for chart in charts:
        basic = chart["spec"]["basicChart"]
        ranges = [d["domain"]["sourceRange"]["sources"][0] for d in basic["domains"]]
        ranges += [s["series"]["sourceRange"]["sources"][0] for s in basic["series"]]
        read[chart["spec"]["title"]] = [column_of(sheets_api, sid, sheets, r) for r in ranges]
        assert chart["position"]["overlayPosition"]["anchorCell"]["sheetId"] == \
            sheets["Dashboard"]["properties"]["sheetId"]
    assert read["Time in cycles against the target"] == [
        ("Schools", "School"), ("Schools", "Time in cycles"), ("Schools", "Time-in-cycles target")]
    combo = next(c["spec"]["basicChart"] for c in charts
                 if c["spec"]["title"] == "Time in cycles against the target")
    assert combo["chartType"] == "COMBO"  # the target a dashed line across the columns
    assert [(s["type"], s.get("lineStyle")) for s in combo["series"]] == [
        ("COLUMN", None), ("LINE", {"type": "MEDIUM_DASHED", "width": 2})]
    assert read["Coaching hours per teacher against need"] == [
        ("Equity", "Need indicator"), ("Equity", "Coaching hours per teacher")]
    assert read["% proficient before and after (completed cycles)"][1:] == [
        ("Schools", "% proficient before"), ("Schools", "% proficient after")]
    weekly = read["Coaching hours per week"]
    assert weekly[0] == ("Hours by Week", "Week") and len(weekly) == 1 + 1 + 7
    assert weekly[1] == ("Hours by Week", "All schools")


def test_tabs_are_formatted_filtered_banded_and_protected(sheets_api, google_demo):
    run, sid = google_demo
    run()
    sheets = get(sheets_api, sid)
    for title in FORMATTED:
        s = sheets[title]
        grid = s["properties"]["gridProperties"]
        assert grid["frozenRowCount"] == 1 and grid["frozenColumnCount"] == 1, title
        assert s["basicFilter"]["range"]["endRowIndex"] == grid["rowCount"], title
        assert len(s["bandedRanges"]) == 1, title
        (protection,) = s["protectedRanges"]
        assert protection["warningOnly"] is True and protection["description"] == PROTECTION
    assert len(sheets["Schools"]["conditionalFormats"]) == 4  # met / not yet; in cycles vs target
    widths = [c["pixelSize"] for c in sheets["Schools"]["data"][0]["columnMetadata"]]
    assert widths[0] >= 7 * len("Washington Elementary")  # names are not cut off
    lincoln = sheets_api.values(sid, "Schools", render="UNFORMATTED_VALUE")[1]
    shown = sheets_api.values(sid, "Schools")[1]
    header = sheets_api.values(sid, "Schools")[0]
    at = header.index("Time in cycles")
    assert 0 < lincoln[at] < 1 and shown[at].endswith("%")  # a fraction under a percent format
    assert sheets_api.cell(sid, "Schools", "K2")["userEnteredFormat"]["numberFormat"] == {
        "type": "PERCENT", "pattern": "0.0%"}


def test_a_rerun_replaces_the_jobs_objects_and_keeps_a_persons_charts(sheets_api, google_demo):
    run, sid = google_demo
    run()
    sheets = get(sheets_api, sid)
    notes, board = (sheets[t]["properties"]["sheetId"] for t in ("Notes", "Dashboard"))
    theirs = [{"addChart": {"chart": {"chartId": 777 + i, "spec": {"title": "mine", "basicChart": {
        "chartType": "COLUMN", "series": [{"series": {"sourceRange": {"sources": [{
            "sheetId": notes, "startRowIndex": 0, "endRowIndex": 2, "startColumnIndex": 1,
            "endColumnIndex": 2}]}}}]}},
        "position": {"overlayPosition": {"anchorCell": {"sheetId": where, "rowIndex": 40}}}}}}
        for i, where in enumerate((notes, board))]
    answer = sheets_api.session(TOKEN).post(f"{SHEETS}{sid}:batchUpdate",
                                             json={"requests": theirs})
    assert answer.status_code == 200, answer.text
    before = counts(get(sheets_api, sid))
    run()
    after = get(sheets_api, sid)
    assert counts(after) == before
    log = after["Run Log"]
    assert log["basicFilter"]["range"]["endRowIndex"] == log["properties"]["gridProperties"][
        "rowCount"] == 3  # header and two runs: the filter grows with the log
    assert {c["chartId"] for c in after["Notes"]["charts"]} == {777}
    assert 778 in {c["chartId"] for c in after["Dashboard"]["charts"]}
    assert len(after["Dashboard"]["charts"]) == 5
