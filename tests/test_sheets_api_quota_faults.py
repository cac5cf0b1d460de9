"""Quota emulation on a manual clock, every scripted fault kind, and the request log."""

import time

import pytest
import requests

from standins.sheets import ManualClock, SheetsStandIn
from standins.sheets.rest import SHEETS, Rest

READ_MESSAGE = (
    "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' of service "
    "'sheets.googleapis.com' for consumer 'project_number:123456789012'."
)
WRITE_MESSAGE = READ_MESSAGE.replace("Read requests", "Write requests")
CLIENT_TIMEOUT = 0.2


@pytest.fixture
def sid(sheets_api: SheetsStandIn) -> str:
    return sheets_api.create_spreadsheet("Quota", {"Sheet1": [["a"]]})


@pytest.fixture
def rest(sheets_api: SheetsStandIn) -> Rest:
    return Rest(sheets_api.session(), timeout=CLIENT_TIMEOUT)


def test_read_quota_per_user_per_minute(sheets_api: SheetsStandIn, sid: str, rest: Rest) -> None:
    sheets_api.quota.enable(read_per_minute=3, write_per_minute=2)
    assert [rest.read(sid, "Sheet1")[0] for _ in range(4)] == [200, 200, 200, 429]
    _status, body = rest.read(sid, "Sheet1")
    assert body["error"]["status"] == "RESOURCE_EXHAUSTED" and body["error"]["message"] == READ_MESSAGE
    assert body["error"]["details"][0]["metadata"]["quota_limit_value"] == "3"
    other = Rest(sheets_api.session("other-user"), timeout=CLIENT_TIMEOUT)
    sheets_api.share(sid, "other-user")
    assert other.read(sid, "Sheet1")[0] == 200  # buckets are per user
    assert rest.write(sid, "Sheet1!A1", [["w"]])[0] == 200  # and reads and writes are separate
    assert isinstance(sheets_api.clock, ManualClock)
    sheets_api.clock.advance(60)
    assert rest.read(sid, "Sheet1")[0] == 200  # a new minute refills the bucket


def test_write_quota(sheets_api: SheetsStandIn, sid: str, rest: Rest) -> None:
    sheets_api.quota.enable(write_per_minute=1)
    assert rest.write(sid, "Sheet1!A1", [["1"]])[0] == 200
    status, body = rest.batch(sid, {"addSheet": {}})
    assert (status, body["error"]["message"]) == (429, WRITE_MESSAGE)
    assert sheets_api.tab_titles(sid) == ["Sheet1"]


def test_quota_is_off_by_default(sheets_api: SheetsStandIn, sid: str, rest: Rest) -> None:
    assert all(rest.read(sid, "Sheet1")[0] == 200 for _ in range(70))


@pytest.mark.parametrize(
    "kind, status, grpc",
    [("429", 429, "RESOURCE_EXHAUSTED"), ("500", 500, "INTERNAL"), ("503", 503, "UNAVAILABLE")],
)
def test_error_faults_fire_the_given_number_of_times(sheets_api: SheetsStandIn, sid: str, rest: Rest, kind: str, status: int, grpc: str) -> None:
    sheets_api.faults.add(endpoint="values.batchGet", kind=kind, times=2)
    url = f"{SHEETS}/{sid}/values:batchGet"
    results = [rest.get(url, ranges="Sheet1") for _ in range(3)]
    assert [r[0] for r in results] == [status, status, 200]
    assert results[0][1]["error"]["status"] == grpc
    assert rest.read(sid, "Sheet1")[0] == 200  # other endpoints are untouched
    assert [e.fault for e in sheets_api.log.entries if e.endpoint == "values.batchGet"] == [kind, kind, None]


def test_faulted_writes_change_nothing(sheets_api: SheetsStandIn, sid: str, rest: Rest) -> None:
    sheets_api.faults.add(endpoint="values.update", kind="503")
    assert rest.write(sid, "Sheet1!A1", [["changed"]])[0] == 503
    assert sheets_api.values(sid, "Sheet1") == [["a"]]


def test_fault_after_lets_calls_through_first(sheets_api: SheetsStandIn, sid: str, rest: Rest) -> None:
    sheets_api.faults.add(endpoint="*", kind="500", after=2)
    assert [rest.read(sid, "Sheet1")[0] for _ in range(4)] == [200, 200, 500, 200]
    assert sheets_api.faults.pending == []


def test_timeout_fault_outlasts_the_client(sheets_api: SheetsStandIn, sid: str, rest: Rest) -> None:
    sheets_api.faults.add(endpoint="values.get", kind="timeout", delay=2.0)
    started = time.monotonic()
    with pytest.raises(requests.exceptions.ReadTimeout):
        rest.read(sid, "Sheet1")
    assert time.monotonic() - started < 1.5
    assert rest.read(sid, "Sheet1")[0] == 200


def test_drop_fault_closes_the_connection(sheets_api: SheetsStandIn, sid: str, rest: Rest) -> None:
    sheets_api.faults.add(endpoint="spreadsheets.get", kind="drop")
    with pytest.raises(requests.exceptions.ConnectionError):
        rest.metadata(sid)
    assert rest.metadata(sid)[0] == 200
    assert [e.status for e in sheets_api.log.entries] == [None, 200]


def test_unknown_fault_kind_is_refused(sheets_api: SheetsStandIn) -> None:
    with pytest.raises(ValueError, match="unknown fault kind"):
        sheets_api.faults.add(kind="404")


def test_request_log_counts_by_endpoint(sheets_api: SheetsStandIn, sid: str, rest: Rest) -> None:
    rest.metadata(sid)
    rest.read(sid, "Sheet1")
    rest.read(sid, "Sheet1")
    rest.get(f"{SHEETS}/{sid}/values:batchGet", ranges=["Sheet1!A1", "Sheet1!B1"])
    rest.batch(sid, {"addSheet": {}})
    assert sheets_api.log.counts() == {"spreadsheets.get": 1, "values.get": 2, "values.batchGet": 1, "spreadsheets.batchUpdate": 1}
    assert sheets_api.log.count() == 5 and sheets_api.log.entries[0].token == "test-token"
    sheets_api.log.clear()
    assert sheets_api.log.count() == 0
