"""Reading every source listed in the config, whatever its backend, and finding the output.
One bad source never stops the others."""
from __future__ import annotations

import time
from collections.abc import Callable

from config.model import SIS_BACKENDS, Backend, Config, Source, spreadsheet_id
from core.sources import RawTab, SourceProblem
from sync.google_api import SHEETS_URL, GoogleConnection, connect
from sync.google_read import read_google
from sync.google_write import GoogleTarget
from sync.sis import read_sis
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


def read_sources(config: Config, google: GoogleConnection | None = None
                 ) -> tuple[list[RawTab], list[SourceProblem]]:
    if google is None:
        google = connect_google(config)
    tabs: list[RawTab] = []
    problems: list[SourceProblem] = []
    for source in config.sources:
        found, trouble = read_source(config, source, google)
        tabs += found
        problems += trouble
    return tabs, problems


def read_source(config: Config, source: Source, google: GoogleConnection | None
                ) -> tuple[list[RawTab], list[SourceProblem]]:
    if source.backend is Backend.GOOGLE and google is not None:
        return read_google(google, source)
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
