"""The README is the user's manual: it must keep up with the code."""
import re
from pathlib import Path

import pytest

from config.model import (Benchmark, Config, Delivery, District, Google, Output, Settings,
                          Source)
from core.schema import FIELDS, Activity

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
FLAT = " ".join(README.split())  # prose wraps lines anywhere
CI = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_starts_with_the_two_commands():
    commands = re.findall(r"^python3 -m venv .*$", README, re.M)
    assert commands[0].endswith("main.py run --once")
    assert commands[1].endswith("-m pytest -q")


def test_ci_runs_the_readme_test_command():
    assert "-m pytest'" in CI or "-m pytest" in CI
    assert "grep -m1 -E '^python3 -m venv .venv && .* -m pytest' README.md" in CI


@pytest.mark.parametrize("kind", list(FIELDS))
def test_every_accepted_header_is_documented(kind):
    for f in FIELDS[kind]:
        for alias in f.aliases:
            assert alias in FLAT, f"{kind.value}.{f.name}: '{alias}' is not in README.md"


def test_every_activity_is_documented():
    for a in Activity:
        assert f"**{a.value}**" in FLAT


@pytest.mark.parametrize("model, prefix", [
    (Config, ""), (District, "district."), (Settings, "settings."), (Source, "sources[]."),
    (Output, "output."), (Delivery, "delivery."), (Benchmark, ""), (Google, "google."),
])
def test_every_config_key_is_documented(model, prefix):
    for name, info in model.model_fields.items():
        if name == "base_dir":
            continue
        key = info.alias or name
        assert f"`{prefix}{key}" in README or f"`{key}`" in README or key in README, key
