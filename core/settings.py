"""The settings the pure core reads, as protocols: the core states what it needs and imports
nothing above it. `config.model` (the validated YAML) satisfies these structurally, and so can a
plain dataclass in a test or a benchmark. A new setting the core reads is added here first."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Protocol

from core.schema import Stage


class SchoolYear(Protocol):
    """The school year: log dates and cycle starts outside it are errors."""

    @property
    def start(self) -> dt.date: ...

    @property
    def end(self) -> dt.date: ...


class Benchmark(Protocol):
    """Thresholds (percentages) a school at one implementation stage is expected to meet."""

    @property
    def time_in_cycles_pct(self) -> float | None: ...

    @property
    def coverage_pct(self) -> float | None: ...

    @property
    def principal_meeting_weeks_pct(self) -> float | None: ...

    @property
    def cycle_completion_pct(self) -> float | None: ...


class Settings(Protocol):
    """The program's thresholds and the meanings of typed values (see the README's table)."""

    @property
    def min_n(self) -> int: ...

    @property
    def time_in_cycles_target(self) -> float: ...

    @property
    def proficiency_cutoff(self) -> float: ...

    @property
    def goal(self) -> float: ...

    @property
    def score_max(self) -> float: ...

    @property
    def half_day_minutes(self) -> int: ...

    @property
    def full_day_minutes(self) -> int: ...

    @property
    def level_scores(self) -> Mapping[str, float]: ...

    @property
    def benchmarks(self) -> Mapping[Stage, Benchmark]: ...
