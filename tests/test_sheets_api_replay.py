"""Fidelity: replay Google's recorded answers (shared/sheets-api-recordings) through the stand-in."""

from pathlib import Path

import pytest

from standins.sheets import SheetsStandIn
from standins.sheets.replay import Outcome, replay_all

RECORDINGS = Path(__file__).resolve().parents[1] / ".." / "shared" / "sheets-api-recordings"
REQUIRED_MATCH_RATE = 0.95


@pytest.fixture(scope="module")
def outcomes() -> list[Outcome]:
    if not RECORDINGS.is_dir():
        pytest.skip(f"no recordings at {RECORDINGS.resolve()} (the shared/ directory beside the repo)")
    with SheetsStandIn() as standin:
        return replay_all(standin, RECORDINGS)


def test_recordings_cover_the_endpoints_gspread_uses(outcomes: list[Outcome]) -> None:
    seen = {o.endpoint for o in outcomes}
    assert {"spreadsheets.get", "spreadsheets.batchUpdate", "values.get", "values.batchGet", "values.update",
            "values.batchUpdate", "values.clear", "values.append", "drive.files.create", "drive.files.delete"} <= seen  # fmt: skip


def test_replay_matches_google(outcomes: list[Outcome]) -> None:
    implemented = [o for o in outcomes if o.endpoint is not None]
    matched = [o for o in implemented if o.matched]
    report = "\n".join(o.describe() for o in implemented if not o.matched) or "no mismatches"
    print(f"\nreplay: {len(matched)}/{len(implemented)} interactions matched on implemented endpoints\n{report}")
    assert len(implemented) == len(outcomes), "every recorded call should name an implemented endpoint"
    assert len(matched) >= REQUIRED_MATCH_RATE * len(implemented), report
