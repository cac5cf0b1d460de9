"""The rules of the house, as imports: every arrow points down (docs/ARCHITECTURE.md).

Each module's imports are read from its source (every `import`, also those inside functions), so a
new arrow that runs back up fails here with the file and the line."""
from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OURS = {"core", "config", "sync", "reports", "delivery", "scheduler", "cli", "main", "standins",
        "tests", "bench", "demo"}

MAY_IMPORT: dict[str, set[str]] = {
    "core": {"core"},
    "config": {"config", "core"},
    "sync": {"sync", "config", "core"},
    "reports": {"reports", "config", "core"},
    "delivery": {"delivery", "reports", "config", "core", "sync.pacing"},
    "scheduler": {"scheduler", "config", "core"},
    "cli": {"cli", "delivery", "reports", "scheduler", "sync", "config", "core"},
    "main": OURS - {"tests", "standins", "bench", "demo"},
    "standins": {"standins", "sync.endpoint"},  # its test clients route as the job does
    "bench": OURS - {"tests"},
    "demo": OURS - {"tests", "main"},
}
"""Which of our packages each may import (a dotted name allows only that module)."""

CORE_LIBRARIES = {"numpy", "pandas"}
"""The pure core's only libraries beyond the standard library's non-I/O modules."""
NOT_IN_CORE = {"os", "io", "pathlib", "sqlite3", "socket", "smtplib", "subprocess", "shutil",
               "tempfile", "urllib", "http", "logging", "sys", "time"}
ONLY_IN = {"gspread": {"sync", "standins"}, "smtplib": {"delivery"}, "openpyxl": {"sync", "demo", "bench",
                                                                        "standins"}}


def modules() -> list[Path]:
    """Every module of ours outside tests (not build/, .venv/ or other copies)."""
    return sorted(p for p in ROOT.rglob("*.py")
                  if package(p) in OURS - {"tests"} and "__pycache__" not in p.parts)


def imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def package(path: Path) -> str:
    return path.relative_to(ROOT).parts[0].removesuffix(".py")


def allowed(name: str, rules: set[str]) -> bool:
    """A rule names a package (anything in it) or, dotted, one module (`sync.pacing`)."""
    top = name.split(".")[0]
    return top not in OURS or any(
        name == rule or name.startswith(rule + ".") if "." in rule else top == rule
        for rule in rules)


def violations(path: Path) -> list[str]:
    owner = package(path)
    rules = MAY_IMPORT.get(owner, OURS - {"tests"})
    where = path.relative_to(ROOT)
    out = []
    for line, name in imports(path):
        top = name.split(".")[0]
        if not allowed(name, rules):
            out.append(f"{where}:{line} imports {name}: {owner} may import only "
                       + ", ".join(sorted(rules)))
        if owner == "core" and top not in OURS and (top in NOT_IN_CORE or (
                top not in CORE_LIBRARIES and not _stdlib(top))):
            out.append(f"{where}:{line} imports {name}: the core is pure (numpy, pandas and the "
                       "standard library's non-I/O modules only)")
        if top in ONLY_IN and owner not in ONLY_IN[top]:
            out.append(f"{where}:{line} imports {name}: only {', '.join(sorted(ONLY_IN[top]))} "
                       f"may import {top}")
    return out


def _stdlib(top: str) -> bool:
    return top in sys.stdlib_module_names or top == "__future__"


def test_every_import_points_down() -> None:
    problems = [v for path in modules() for v in violations(path)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("source, bad", [
    ("from config.model import Settings\n", "core/example.py:1 imports config.model"),
    ("def f():\n    import sync.workbook\n", "core/example.py:2 imports sync.workbook"),
    ("import openpyxl\n", "only bench, demo, standins, sync may import openpyxl"),
    ("import sqlite3\n", "the core is pure"),
])
def test_an_arrow_back_up_is_caught(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    source: str, bad: str) -> None:
    """The rule itself can fail: a core module importing upward is reported with its line."""
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    (tmp_path / "core").mkdir()
    module = tmp_path / "core" / "example.py"
    module.write_text(source)
    assert any(bad in v for v in violations(module))


def test_reports_do_not_import_delivery_and_nothing_imports_tests(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    for folder, source in [("reports", "from delivery.report import DeliveryReport\n"),
                           ("bench", "from tests.small_district import x\n")]:
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "m.py").write_text(source)
        assert violations(tmp_path / folder / "m.py")


def test_the_package_entry_point_is_the_cli() -> None:
    """`pip install .` gives `coaching-impact`, the same commands as `python main.py`."""
    import tomllib

    import main
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    module, _, function = project["scripts"]["coaching-impact"].partition(":")
    assert (module, function) == ("main", "main") and callable(main.main)
    packages = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
                   ["packages"])
    assert packages == {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()} - {
        "tests", "standins", "bench", "demo"} | {"templates"}
