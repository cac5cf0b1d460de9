"""Reading every source listed in the config, whatever its backend; one bad source never stops
the others."""
from __future__ import annotations

from config.model import Backend, Config, Source
from core.errors import ConfigError
from core.sources import RawTab, SourceProblem
from sync.workbook import WorkbookTarget, read_workbook


def read_sources(config: Config) -> tuple[list[RawTab], list[SourceProblem]]:
    tabs: list[RawTab] = []
    problems: list[SourceProblem] = []
    for source in config.sources:
        found, trouble = read_source(config, source)
        tabs += found
        problems += trouble
    return tabs, problems


def read_source(config: Config, source: Source) -> tuple[list[RawTab], list[SourceProblem]]:
    if source.backend is Backend.WORKBOOK:
        return read_workbook(config.path(source.location), source.name, dict(source.tabs),
                             source.school, dict(source.aliases))
    return [], [SourceProblem(source.name, "", backend_missing(source.backend))]


def backend_missing(backend: Backend) -> str:
    return (f"The '{backend.value}' backend is not available in this version; use backend: "
            "workbook with an .xlsx export meanwhile.")


def output_target(config: Config) -> WorkbookTarget:
    """Where the summary tabs go."""
    if config.output.backend is not Backend.WORKBOOK:
        raise ConfigError(f"output.backend: {backend_missing(config.output.backend)}")
    return WorkbookTarget(config.path(config.output.location))
