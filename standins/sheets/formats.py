"""Cell formats: Google's defaults, colour/colour-style mirroring and effective formats."""

from __future__ import annotations

import copy
from typing import Any

from .fieldmask import Path

# Copied from a recorded spreadsheets.get (en_US spreadsheet created through Drive).
DEFAULT_FORMAT: dict[str, Any] = {
    "backgroundColor": {"red": 1, "green": 1, "blue": 1},
    "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
    "verticalAlignment": "BOTTOM",
    "wrapStrategy": "OVERFLOW_CELL",
    "textFormat": {
        "foregroundColor": {},
        "fontFamily": "arial,sans,sans-serif",
        "fontSize": 10,
        "bold": False,
        "italic": False,
        "strikethrough": False,
        "underline": False,
        "foregroundColorStyle": {"rgbColor": {}},
    },
    "backgroundColorStyle": {"rgbColor": {"red": 1, "green": 1, "blue": 1}},
}
_ACCENTS = [
    ("TEXT", {}),
    ("BACKGROUND", {"red": 1, "green": 1, "blue": 1}),
    ("ACCENT1", {"red": 0.25882354, "green": 0.52156866, "blue": 0.95686275}),
    ("ACCENT2", {"red": 0.91764706, "green": 0.2627451, "blue": 0.20784314}),
    ("ACCENT3", {"red": 0.9843137, "green": 0.7372549, "blue": 0.015686275}),
    ("ACCENT4", {"red": 0.20392157, "green": 0.65882355, "blue": 0.3254902}),
    ("ACCENT5", {"red": 1, "green": 0.42745098, "blue": 0.003921569}),
    ("ACCENT6", {"red": 0.27450982, "green": 0.7411765, "blue": 0.7764706}),
    ("LINK", {"red": 0.06666667, "green": 0.33333334, "blue": 0.8}),
]
DEFAULT_THEME: dict[str, Any] = {
    "primaryFontFamily": "Arial",
    "themeColors": [{"colorType": kind, "color": {"rgbColor": rgb}} for kind, rgb in _ACCENTS],
}
_COLOR_KEYS = ("backgroundColor", "foregroundColor", "color", "tabColor")


def normalize_format(value: Any) -> Any:
    """Sheets stores a colour and its colour style together; set whichever one is missing."""
    if isinstance(value, list):
        return [normalize_format(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: normalize_format(v) for k, v in value.items()}
    for key in _COLOR_KEYS:
        style = key + "Style"
        if isinstance(out.get(key), dict) and style not in out:
            out[style] = {"rgbColor": copy.deepcopy(out[key])}
        elif isinstance(out.get(style), dict) and "rgbColor" in out[style] and key not in out:
            out[key] = copy.deepcopy(out[style]["rgbColor"])
    return out


def mirrored_paths(paths: list[Path]) -> list[Path]:
    """A mask naming a colour also covers its style twin, and the other way round."""
    extra: list[Path] = []
    for path in paths:
        last = path[-1]
        if last in _COLOR_KEYS:
            extra.append((*path[:-1], last + "Style"))
        elif last.endswith("Style") and last[:-5] in _COLOR_KEYS:
            extra.append((*path[:-1], last[:-5]))
    return paths + [p for p in extra if p not in paths]


def effective_format(user_format: dict[str, Any]) -> dict[str, Any]:
    """The default format overlaid with the cell's own (a simplification of Sheets' rules)."""
    return _merge(copy.deepcopy(DEFAULT_FORMAT), user_format or {})


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict) and key not in _COLOR_KEYS:
            base[key] = _merge(base[key], value)
        else:
            base[key] = copy.deepcopy(value)
    return base
