"""The README is the user's manual: it must keep up with the code."""
import re
from pathlib import Path

import pytest

from config.model import (
    Benchmark,
    Config,
    Delivery,
    District,
    Google,
    Output,
    Schedule,
    Settings,
    Source,
)
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
    (Schedule, "schedule."),
])
def test_every_config_key_is_documented(model, prefix):
    for name, info in model.model_fields.items():
        if name == "base_dir":
            continue
        key = info.alias or name
        assert f"`{prefix}{key}" in README or f"`{key}`" in README or key in README, key


def test_every_command_has_help_and_a_line_in_the_readme():
    import main
    commands = next(a for a in main.parser()._actions if a.dest == "command")
    helped = {a.dest for a in commands._choices_actions if a.help}
    for name in commands.choices:
        assert name in helped, f"`{name}` has no help"
        assert f"python main.py {name}" in README, f"`{name}` is not in README.md"


def test_every_exit_code_is_documented():
    import main
    codes = {v for k, v in vars(main).items() if k.startswith("EXIT_")}
    assert codes == {0, 1, 2, 3, 4, 5}
    for code in codes:
        assert f"`{code}`" in README and f" {code} " in main.__doc__, code


def test_the_readme_sample_output_is_what_the_demo_prints(tmp_path, capsys):
    """The demo run as the README shows it: every stdout line as printed, every log line's
    message (the time stamps differ), paths shown as /…/out/."""
    import datetime as dt

    import main
    root = Path(__file__).resolve().parent.parent
    (tmp_path / "out").mkdir()
    config = tmp_path / "district.yaml"
    config.write_text((root / "config" / "district.yaml").read_text()
                      .replace("../demo/data/", f"{root}/demo/data/")
                      .replace("../out/", f"{tmp_path}/out/"))
    now = dt.datetime(2026, 11, 23, 13, 0, tzinfo=dt.UTC)
    assert main.main(["run", "--once", "--config", str(config)], now=now) == 0
    out, err = capsys.readouterr()
    block = README.split("$ .venv/bin/python main.py run --once\n", 1)[1].split("```", 1)[0]
    stamp = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ")
    shown = [line.replace("/…/", f"{tmp_path}/") for line in block.splitlines()]
    assert [stamp.sub("", line) for line in shown if stamp.match(line)] == \
        [stamp.sub("", line) for line in err.splitlines() if stamp.match(line)]
    assert [line for line in shown if not stamp.match(line)] == out.splitlines()
