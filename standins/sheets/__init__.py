"""A local stand-in for the Google Sheets v4 API (and the Drive v3 calls gspread makes).

Start it with the `sheets_api` pytest fixture (standins/sheets/fixtures.py) or from the command
line with `python -m standins.sheets --port 8765`. See README.md in this directory.
"""

from sync.endpoint import EndpointOverrideAdapter, mount_endpoint_override

from .clock import ManualClock, SystemClock
from .seed import Formula, SerialDate, Tab
from .server import SheetsStandIn

__all__ = [
    "EndpointOverrideAdapter",
    "Formula",
    "ManualClock",
    "SerialDate",
    "SheetsStandIn",
    "SystemClock",
    "Tab",
    "mount_endpoint_override",
]
