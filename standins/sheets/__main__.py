"""Command line: `python -m standins.sheets --port 8765 [--state FILE]`."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from .clock import SystemClock
from .server import SheetsStandIn


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m standins.sheets",
        description="Serve a local stand-in for the Google Sheets v4 API (and Drive v3 files).",
    )
    p.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8765, help="port to listen on; 0 picks a free one (default 8765)")
    p.add_argument("--state", type=Path, help="JSON file to load spreadsheets from and save every change to")
    p.add_argument("--open-access", action="store_true", help="let every bearer token read and write every spreadsheet")
    p.add_argument("--quota", action="store_true", help="emulate the 60/min per-user read and write quotas")
    return p


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM stops the server the same way Ctrl-C does."""
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    standin = SheetsStandIn(args.host, args.port, SystemClock(), args.state, args.open_access)
    if args.quota:
        standin.quota.enable()
    signal.signal(signal.SIGTERM, _interrupt)
    standin.start()
    print(f"Sheets API stand-in listening on {standin.url}", flush=True)
    if args.state:
        print(f"State file: {args.state}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        standin.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
