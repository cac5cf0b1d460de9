"""Reads the YAML config file into the one validated `Config` model."""
from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from config.model import Config
from core.errors import ConfigError
from core.words import counted

DEFAULT_CONFIG = Path(__file__).resolve().parent / "district.yaml"


def load_config(path: str | Path | None = None) -> Config:
    """Load and validate; every problem is reported with its key path and the expected form."""
    file = Path(path) if path else DEFAULT_CONFIG
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"Config file {file} does not exist. Pass --config PATH, or copy "
                          f"{DEFAULT_CONFIG.name} from config/ and edit it.") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{file} is not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{file} must hold a mapping of keys (district:, sources:, ...).")
    raw.setdefault("base_dir", str(file.resolve().parent))
    try:
        return Config.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{file} has {counted(exc.error_count(), 'problem')}:\n"
                          + "\n".join(_describe(e) for e in exc.errors())) from None


def _describe(error: ErrorDetails) -> str:
    where = _key_path(error["loc"]) or "(top level)"
    if error["type"] == "extra_forbidden":
        return f"  - {where}: unknown key; remove it or check its spelling"
    if error["type"] == "missing":
        return f"  - {where}: required key is missing"
    given = error.get("input")
    shown = "" if isinstance(given, (dict, list)) else f" (got {given!r})"
    return f"  - {where}: {error['msg']}{shown}"


def _key_path(loc: tuple) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif str(part).startswith(("function-", "constrained-")):
            continue
        else:
            path += f".{part}" if path else str(part)
    return path
