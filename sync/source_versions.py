"""Which Google source spreadsheets changed since they were last read, from Drive's metadata.

The call: one Drive `files.list` over the spreadsheets the service account can see, asking only
for `id` and `version` (1,000 a page), under the `drive.metadata.readonly` scope. Why this one:
- `files.get` per source costs one request per spreadsheet, so a 2,000-school network would
  make 2,000 calls to learn that nothing changed; the list costs one call per 1,000 files.
- Filtering the list on `modifiedTime` needs the last read's time compared with Google's
  clock, and a change landing while the job reads would be lost; `version` goes up with every
  change to a file, so comparing it with the version the cache was taken at is exact.
- The changes API reports every change to every file the account sees, and needs a start
  token kept and renewed; nothing here needs that.
A spreadsheet whose version matches a local copy is taken from the copy (`sync.sheets_cache`);
any other is read from Google and its copy stored. If Drive cannot be asked (the Drive API not
enabled for the project, say), every source is read in full, with a warning.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from gspread.exceptions import APIError
from gspread.http_client import HTTPClient

from sync.google_api import DRIVE_FILES_URL, Unreachable, api_message
from sync.sheets_cache import CachedSheet, SheetsCache

log = logging.getLogger("coaching_impact")

SPREADSHEETS_ONLY = "mimeType='application/vnd.google-apps.spreadsheet' and trashed=false"


class SourceVersions:
    """The versions Drive reports for this run, and the local copies that match them."""

    def __init__(self, client: HTTPClient, cache: SheetsCache, *, full: bool = False) -> None:
        self.client, self.cache, self.full = client, cache, full
        self.versions: dict[str, str] | None = None
        self.read_at: dict[str, tuple[Sequence[str], str]] = {}
        """Spreadsheets read (or taken from the cache) this run: tabs and version."""

    def start(self) -> None:
        """Ask Drive once for every visible spreadsheet's version (skipped with --full)."""
        if self.full:
            log.info("Reading every Google source in full (--full)")
            return
        try:
            self.versions = list_versions(self.client)
        except (APIError, Unreachable) as exc:
            detail = api_message(exc, "Google Drive") if isinstance(exc, APIError) \
                else str(exc)
            log.warning("Could not ask Google Drive which sources changed (%s), so every "
                        "Google source is read in full. To read only changed ones, enable the "
                        "Google Drive API for the service account's project.", detail)

    def cached(self, sid: str, tabs: Sequence[str]) -> CachedSheet | None:
        """The local copy of these tabs if the spreadsheet is unchanged since it was taken."""
        version = (self.versions or {}).get(sid)
        if version is None:
            return None
        found = self.cache.load(sid, tabs, version)
        if found is not None:
            self.read_at[sid] = (tabs, version)
        return found

    def store(self, sid: str, tabs: Sequence[str], read: CachedSheet) -> None:
        """Keep what was just read, under the version Drive reported before the read (a change
        landing during the read makes the next run read it again, never miss it)."""
        version = (self.versions or {}).get(sid)
        if version is None:
            return
        try:
            self.cache.save(sid, tabs, version, read)
        except OSError as exc:
            log.warning("Could not keep a local copy of spreadsheet %s (%s); it is read from "
                        "Google again next run.", sid, exc)
            return
        self.read_at[sid] = (tabs, version)

    @contextmanager
    def own_write(self, sid: str) -> Iterator[None]:
        """The job writing into a spreadsheet it also reads as a source: when nobody else
        changed it since it was read, the version the write makes is the copy's version."""
        if sid not in self.read_at:
            yield
            return
        tabs, read_version = self.read_at[sid]
        before = self._version(sid)
        yield
        after = self._version(sid)
        if before == read_version and after is not None:
            self.cache.rekey(sid, tabs, read_version, after)

    def _version(self, sid: str) -> str | None:
        try:
            answer = self.client.request("get", f"{DRIVE_FILES_URL}/{sid}",
                                         params={"fields": "version", "supportsAllDrives":
                                                 "true"}).json()
        except (APIError, Unreachable):
            return None
        return str(answer.get("version")) if answer.get("version") is not None else None


def list_versions(client: HTTPClient) -> dict[str, str]:
    """Spreadsheet ID -> Drive version, for every spreadsheet the account can see."""
    versions: dict[str, str] = {}
    params: dict[str, Any] = {"q": SPREADSHEETS_ONLY, "fields": "nextPageToken,files(id,version)",
                              "pageSize": 1000, "supportsAllDrives": "true",
                              "includeItemsFromAllDrives": "true"}
    while True:
        page = client.request("get", DRIVE_FILES_URL, params=params).json()
        for item in page.get("files", []):
            if item.get("id") and item.get("version") is not None:
                versions[str(item["id"])] = str(item["version"])
        if not page.get("nextPageToken"):
            return versions
        params["pageToken"] = page["nextPageToken"]


def cache_folder(state_file: Path) -> Path:
    """Beside the state file, so one install's state and copies stay together."""
    return state_file.parent / "sheets-cache"
