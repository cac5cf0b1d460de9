"""Try the Google Sheets path with no Google account: the demo district served by the local
Sheets API stand-in (standins/sheets), read and written by the job through gspread over HTTP.

    python -m demo.google_demo [--port 8765] [--serve]

It starts the stand-in on 127.0.0.1, loads the demo workbooks into it as spreadsheets, writes
out/google-demo.yaml (the demo config with every source and the output on Google and
google.endpoint pointing at the stand-in), runs `main.py run --once` with it, and prints the API
calls made. With --serve the stand-in keeps running afterwards, so you can rerun
`python main.py run --once --config out/google-demo.yaml` against it yourself.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from openpyxl import load_workbook

from standins.sheets import SheetsStandIn

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "demo" / "data"
TOKEN = "demo-token"


def load_into(standin: SheetsStandIn, path: Path) -> str:
    """One spreadsheet per workbook, tab for tab; dates stay dates."""
    book = load_workbook(path)
    tabs = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book}
    return standin.create_spreadsheet(path.stem, tabs, owner=TOKEN)


def google_config(ids: dict[str, str], endpoint: str, out: Path) -> Path:
    """The shipped demo config with every workbook location swapped for its spreadsheet."""
    text = (ROOT / "config" / "district.yaml").read_text()
    for stem, sid in ids.items():
        text = re.sub(rf"backend: workbook\n(\s+)location: \.\./demo/data/{stem}\.xlsx",
                      rf"backend: google\n\1location: {sid}", text)
    text = text.replace("backend: workbook\n  location: ../out/district-summary.xlsx",
                        f"backend: google\n  location: {ids['summary']}")
    text = text.replace("../out/", f"{out}/")
    text += f"\ngoogle:\n  endpoint: {endpoint}\n  token_env: DEMO_SHEETS_TOKEN\n"
    path = out / "google-demo.yaml"
    path.write_text(text)
    return path


def run(port: int, serve: bool) -> int:
    out = ROOT / "out"
    out.mkdir(exist_ok=True)
    with SheetsStandIn(port=port) as standin:
        ids = {p.stem: load_into(standin, p) for p in sorted(DATA.glob("*.xlsx"))}
        ids["summary"] = standin.create_spreadsheet("District summary", {"Notes": [[
            "Tabs the job owns appear beside this one."]]}, owner=TOKEN)
        config = google_config(ids, standin.url, out)
        print(f"Sheets API stand-in at {standin.url}; config written to {config}\n",
              flush=True)
        code = subprocess.call(  # the job as a district runs it: its own process
            [sys.executable, str(ROOT / "main.py"), "run", "--once", "--config", str(config)],
            env={**os.environ, "DEMO_SHEETS_TOKEN": TOKEN})
        print("\nSheets API calls:", ", ".join(f"{k} {v}" for k, v in
                                               sorted(standin.log.counts().items())))
        print("Summary spreadsheet tabs:", ", ".join(standin.tab_titles(ids["summary"])))
        while serve:
            time.sleep(3600)
    return code


def cli(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m demo.google_demo", description=__doc__.split("\n")[0])
    p.add_argument("--port", type=int, default=0, help="port for the stand-in (default: any free)")
    p.add_argument("--serve", action="store_true", help="keep the stand-in running afterwards")
    args = p.parse_args(argv)
    try:
        return run(args.port, args.serve)
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(cli())
