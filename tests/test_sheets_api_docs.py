"""The stand-in's README stays true: every endpoint, request and fault is documented, and the
example test in it runs."""

import re
from pathlib import Path
from typing import Any

import pytest

from standins.sheets import SheetsStandIn, routes
from standins.sheets.batch_update import REQUESTS
from standins.sheets.faults import KINDS

README = (Path(__file__).parents[1] / "standins" / "sheets" / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("endpoint", routes.ENDPOINTS)
def test_every_endpoint_is_documented(endpoint: str) -> None:
    assert f"`{endpoint}`" in README


@pytest.mark.parametrize("request_kind", sorted(REQUESTS))
def test_every_batch_request_is_documented(request_kind: str) -> None:
    assert f"`{request_kind}`" in README


@pytest.mark.parametrize("kind", KINDS)
def test_every_fault_kind_is_documented(kind: str) -> None:
    assert f"`{kind}`" in README


def test_the_readme_example_runs(sheets_api: SheetsStandIn) -> None:
    example = next(block for block in re.findall(r"```python\n(.*?)```", README, re.S) if "def test_" in block)
    namespace: dict[str, Any] = {}
    exec(example, namespace)
    namespace["test_reads_the_log"](sheets_api)
