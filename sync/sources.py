"""Reading every source listed in the config, whatever its backend, and finding the output.
One bad source never stops the others."""
from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from config.model import SHEETS_URL, SIS_BACKENDS, Backend, Config, Source, spreadsheet_id
from core.sources import RawTab, SourceProblem
from core.summary import Table
from core.tables import Dashboard
from sync.google_api import GoogleConnection, connect
from sync.google_read import read_google
from sync.google_write import GoogleTarget
from sync.sheets_cache import SheetsCache
from sync.sis import read_sis
from sync.source_versions import SourceVersions, cache_folder
from sync.workbook import WorkbookTarget
from sync.workbook_read import TabLimits, read_workbook


def uses_google(config: Config) -> bool:
    backends = {s.backend for s in config.sources} | {config.output.backend}
    return Backend.GOOGLE in backends


def connect_google(config: Config, sleep: Callable[[float], None] = time.sleep
                   ) -> GoogleConnection | None:
    """One connection (and one quota pacer) for the whole run; None when nothing is on Google.
    `sleep` is how it waits (for the quota, between retries): main's is cut short by a stop."""
    return connect(config.google, sleep=sleep) if uses_google(config) else None


def read_sources(config: Config, google: GoogleConnection | None = None, *, full: bool = False,
                 done: Callable[[], None] = lambda: None
                 ) -> tuple[list[RawTab], list[SourceProblem]]:
    """Every source; Google ones only when changed since last read, unless `full`. `done` is
    called after each source (progress)."""
    if google is None:
        google = connect_google(config)
    versions = source_versions(config, google, full)
    tabs: list[RawTab] = []
    problems: list[SourceProblem] = []
    for source in config.sources:
        found, trouble = read_source(config, source, google, versions)
        tabs += found
        problems += trouble
        done()
    return tabs, problems


def source_versions(config: Config, google: GoogleConnection | None, full: bool
                    ) -> SourceVersions | None:
    """Drive's versions of the Google sources, asked once a run; kept on the connection so
    the job's own write to a spreadsheet it also reads is not taken for a change."""
    if google is None or not any(s.backend is Backend.GOOGLE for s in config.sources):
        return None
    versions = SourceVersions(google.reader, SheetsCache(cache_folder(config.path(config.state))),
                              full=full)
    versions.start()
    google.versions = versions
    return versions


def write_output(target: WorkbookTarget | GoogleTarget, google: GoogleConnection | None,
                 tables: Sequence[Table], run_log_entry: Sequence[Any],
                 dashboard: Dashboard | None = None) -> None:
    """Write the summary tabs; a Google output that is also a source keeps its local copy."""
    versions = google.versions if google is not None else None
    if isinstance(target, GoogleTarget) and versions is not None:
        with versions.own_write(target.sid):
            target.write(tables, run_log_entry, dashboard)
    else:
        target.write(tables, run_log_entry, dashboard)


def read_source(config: Config, source: Source, google: GoogleConnection | None,
                versions: SourceVersions | None = None
                ) -> tuple[list[RawTab], list[SourceProblem]]:
    if source.backend is Backend.GOOGLE and google is not None:
        return read_google(google, source, versions)
    if source.backend in SIS_BACKENDS:
        return read_sis(config.path(source.location), source.name, source.backend, source.school)
    limits = TabLimits(config.settings.max_tab_rows, config.settings.max_tab_columns)
    return read_workbook(config.path(source.location), source.name, dict(source.tabs),
                         source.school, dict(source.aliases), limits)


def output_target(config: Config, google: GoogleConnection | None = None
                  ) -> WorkbookTarget | GoogleTarget:
    """Where the summary tabs go."""
    if config.output.backend is Backend.GOOGLE:
        conn = google or connect(config.google)
        return GoogleTarget(conn, spreadsheet_id(config.output.location) or "")
    return WorkbookTarget(config.path(config.output.location))


def describe_output(config: Config) -> str:
    """Where the summary tabs are, as a person would open it: a file path or a spreadsheet URL."""
    if config.output.backend is Backend.GOOGLE:
        return f"{SHEETS_URL}{spreadsheet_id(config.output.location)}"
    return str(config.path(config.output.location))
