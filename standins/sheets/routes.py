"""URL routing: which endpoint a method and raw (still percent-encoded) path name.

Ranges arrive percent-encoded, `:` included, so the literal `:append`/`:clear` suffix is split off
before decoding - a range such as 'A1:B2' can never be mistaken for a verb.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote


@dataclass(frozen=True)
class Route:
    endpoint: str
    spreadsheet_id: str | None = None
    range_text: str | None = None
    file_id: str | None = None


_ID = r"(?P<id>[^/:]+)"
_PATTERNS: list[tuple[str, str, str]] = [
    ("POST", r"/v4/spreadsheets", "spreadsheets.create"),
    ("GET", rf"/v4/spreadsheets/{_ID}", "spreadsheets.get"),
    ("POST", rf"/v4/spreadsheets/{_ID}:batchUpdate", "spreadsheets.batchUpdate"),
    ("POST", rf"/v4/spreadsheets/{_ID}/developerMetadata:search", "developerMetadata.search"),
    ("GET", rf"/v4/spreadsheets/{_ID}/values:batchGet", "values.batchGet"),
    ("POST", rf"/v4/spreadsheets/{_ID}/values:batchUpdate", "values.batchUpdate"),
    ("POST", rf"/v4/spreadsheets/{_ID}/values:batchClear", "values.batchClear"),
    ("POST", rf"/v4/spreadsheets/{_ID}/values/(?P<range>.+):append", "values.append"),
    ("POST", rf"/v4/spreadsheets/{_ID}/values/(?P<range>.+):clear", "values.clear"),
    ("GET", rf"/v4/spreadsheets/{_ID}/values/(?P<range>[^/]+)", "values.get"),
    ("PUT", rf"/v4/spreadsheets/{_ID}/values/(?P<range>[^/]+)", "values.update"),
    ("POST", r"/drive/v3/files", "drive.files.create"),
    ("GET", r"/drive/v3/files", "drive.files.list"),
    ("GET", r"/drive/v3/files/(?P<file>[^/]+)", "drive.files.get"),
    ("PATCH", r"/drive/v3/files/(?P<file>[^/]+)", "drive.files.update"),
    ("DELETE", r"/drive/v3/files/(?P<file>[^/]+)", "drive.files.delete"),
]
_COMPILED = [(method, re.compile(pattern + r"/?$"), name) for method, pattern, name in _PATTERNS]
ENDPOINTS = tuple(name for _, _, name in _PATTERNS)


def match(method: str, raw_path: str) -> Route | None:
    """The Route for a request, or None when no endpoint of this API matches."""
    for route_method, pattern, name in _COMPILED:
        if route_method != method.upper():
            continue
        found = pattern.match(raw_path)
        if found:
            groups = found.groupdict()
            return Route(
                name,
                spreadsheet_id=unquote(groups["id"]) if groups.get("id") else None,
                range_text=unquote(groups["range"]) if groups.get("range") else None,
                file_id=unquote(groups["file"]) if groups.get("file") else None,
            )
    return None
