"""pytest plugin: the `sheets_api` fixture (enable with pytest_plugins = ["standins.sheets.fixtures"])."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .clock import ManualClock
from .server import SheetsStandIn


@pytest.fixture
def sheets_api() -> Iterator[SheetsStandIn]:
    """A fresh stand-in on a free loopback port, with a ManualClock at `sheets_api.clock`."""
    with SheetsStandIn(clock=ManualClock()) as standin:
        yield standin
