"""The district's configuration as one typed, validated model.

Unknown keys are errors (a typo in a key must not silently fall back to a default). Secrets never
live here: they come from the environment, named by keys ending in `_env`.
"""
from __future__ import annotations

import datetime as dt
import ipaddress
import re
from email.utils import parseaddr
from enum import Enum, StrEnum
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from core.schema import FIELDS, VOCABULARIES, VOCABULARY_TERMS, Stage, TabKind, vocabulary_key


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Backend(StrEnum):
    WORKBOOK = "workbook"  # a local .xlsx file (the embedded default)
    GOOGLE = "google"  # a Google spreadsheet, by ID or URL
    ONEROSTER = "oneroster"  # a OneRoster 1.1/1.2 CSV bundle from the SIS (.zip or folder)
    CLEVER = "clever"  # Clever's district files (schools.csv, teachers.csv) in a folder


SIS_BACKENDS = frozenset({Backend.ONEROSTER, Backend.CLEVER})
"""Roster exports: they give the Teachers tab, named after the file it came from."""
SIS_TABS = {Backend.ONEROSTER: "users.csv", Backend.CLEVER: "teachers.csv"}


Percent = Annotated[float, Field(ge=0, le=100)]


def _check_alias_fields(
        aliases: dict[TabKind, dict[str, list[str]]]) -> dict[TabKind, dict[str, list[str]]]:
    for kind, by_field in aliases.items():
        known = {f.name for f in FIELDS[kind]}
        for name in by_field:
            if name not in known:
                raise ValueError(
                    f"'{name}' is not a field of {kind.value} tabs; use one of: "
                    + ", ".join(sorted(known)))
    return aliases


Aliases = Annotated[dict[TabKind, dict[str, list[str]]], AfterValidator(_check_alias_fields)]


def _check_vocabulary(vocabulary: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    for kind, labels in vocabulary.items():
        for label, term in labels.items():
            if vocabulary_key(term) not in VOCABULARIES[kind]:
                raise ValueError(
                    f"{kind}: '{label}' is mapped to '{term}', which is not a known {kind}; "
                    f"use one of: {', '.join(VOCABULARY_TERMS[kind])}")
    return vocabulary


VocabularyMap = Annotated[dict[Literal["activity", "status", "stage", "approach"],
                               dict[str, str]], AfterValidator(_check_vocabulary)]
"""The district's own labels, by column: {activity: {"Duty (lunch/bus)": other duties}}."""


class SchoolYear(Strict):
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> SchoolYear:
        if self.end <= self.start:
            raise ValueError("school_year.end must be after school_year.start")
        return self


LEGACY_ZONES = {
    "EST": ("America/New_York", "America/Detroit", "America/Indiana/Indianapolis"),
    "EST5EDT": ("America/New_York",), "US/Eastern": ("America/New_York",),
    "US/East-Indiana": ("America/Indiana/Indianapolis",), "US/Michigan": ("America/Detroit",),
    "CST6CDT": ("America/Chicago",), "US/Central": ("America/Chicago",),
    "MST": ("America/Denver", "America/Phoenix", "America/Boise"),
    "MST7MDT": ("America/Denver",), "US/Mountain": ("America/Denver",),
    "US/Arizona": ("America/Phoenix",), "PST8PDT": ("America/Los_Angeles",),
    "US/Pacific": ("America/Los_Angeles",), "US/Alaska": ("America/Anchorage",),
    "US/Hawaii": ("Pacific/Honolulu",), "HST": ("Pacific/Honolulu",),
    "US/Aleutian": ("America/Adak",), "US/Samoa": ("Pacific/Pago_Pago",),
}
"""Legacy names tzdata still accepts, and the IANA names a district most likely means."""
_IANA_AREAS = ("Africa/", "America/", "Antarctica/", "Arctic/", "Asia/", "Atlantic/",
               "Australia/", "Europe/", "Indian/", "Pacific/")


def legacy_zone(value: str) -> str | None:
    """Why a legacy zone name is refused, with the IANA names that fit; None for a proper one.
    `EST` and `MST` are fixed offsets with no daylight saving: a New York or Denver district's
    weeks would start an hour off for half the year."""
    if value.startswith(_IANA_AREAS) or value in ("UTC", "Etc/UTC"):
        return None
    fits = LEGACY_ZONES.get(value, ())
    fixed = " has no daylight saving, so the district's weeks would shift an hour for half " \
        "the year;" if value in ("EST", "MST", "HST") else " is a legacy name;"
    names = " or ".join(fits) if fits else "a Region/City name such as America/Chicago"
    return f"time zone '{value}'{fixed} use the IANA name for the district's city: {names}"


class District(Strict):
    name: str = Field(min_length=1)
    time_zone: str = "America/New_York"
    school_year: SchoolYear
    as_of: dt.date | None = None
    """Pins 'today' (for the demo and for re-running history); leave unset in production."""

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone '{value}'; use an IANA name such as "
                             "America/Chicago") from None
        if legacy_zone(value):
            raise ValueError(legacy_zone(value))
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


class Source(Strict):
    name: str = Field(min_length=1)
    backend: Backend = Backend.WORKBOOK
    location: str = Field(min_length=1)
    """Path of the .xlsx (relative to the config file) or the Google spreadsheet ID or URL."""
    tabs: dict[TabKind, str] = Field(min_length=1)
    """Which tab holds which kind of data, e.g. {coaching_log: "Form Responses 1"}."""
    school: str | None = None
    """The school every row belongs to, for a per-school source whose rows name no school."""
    aliases: Aliases = {}

    @model_validator(mode="after")
    def _location(self) -> Source:
        _check_location(self.backend, self.location)
        if self.backend in SIS_BACKENDS and set(self.tabs) != {TabKind.TEACHERS}:
            raise ValueError(
                f"a {self.backend.value} source gives the teachers roster only; write tabs: "
                f"{{teachers: {SIS_TABS[self.backend]}}}")
        return self


_SHEET_ID = re.compile(r"^[A-Za-z0-9_-]{20,}$")
_SHEET_URL = re.compile(r"/spreadsheets/d/([A-Za-z0-9_-]{20,})")


SHEETS_URL = "https://docs.google.com/spreadsheets/d/"
"""A Google spreadsheet's address is this followed by its ID."""


def spreadsheet_id(location: str) -> str | None:
    """The ID in a Google spreadsheet URL, or the location itself when it is an ID."""
    found = _SHEET_URL.search(location)
    if found:
        return found[1]
    return location.strip() if _SHEET_ID.match(location.strip()) else None


DRIVE_FOLDER_URL = "https://drive.google.com/drive/folders/"
_FOLDER_URL = re.compile(r"^https?://drive\.google\.com/drive/(?:u/\d+/)?folders/([A-Za-z0-9_-]{10,})"
                         r"/?(?:[?#].*)?$")
_FOLDER_REF = re.compile(r"^gdrive:([A-Za-z0-9_-]{10,})$")


def drive_folder(location: str) -> str | None:
    """The folder ID in a Google Drive folder's address (also `/drive/u/0/folders/…` and a
    `?usp=sharing` tail) or in `gdrive:<ID>`; None for anything else."""
    found = _FOLDER_URL.match(location.strip()) or _FOLDER_REF.match(location.strip())
    return found[1] if found else None


def looks_like_google(location: str) -> bool:
    """Meant for Google, whether or not it parses: never a local folder named `https:`."""
    return location.strip().lower().startswith(("http://", "https://", "gdrive:"))


def _check_location(backend: Backend, location: str) -> None:
    if backend is Backend.GOOGLE and spreadsheet_id(location) is None:
        raise ValueError(
            f"location '{location}' is not a Google spreadsheet ID or URL; copy the address of "
            "the spreadsheet (https://docs.google.com/spreadsheets/d/.../edit) from the browser")


class Benchmark(Strict):
    """Thresholds a school at one implementation stage is expected to meet (percentages)."""

    time_in_cycles_pct: Percent | None = None
    coverage_pct: Percent | None = None
    principal_meeting_weeks_pct: Percent | None = None
    cycle_completion_pct: Percent | None = None


def _default_benchmarks() -> dict[Stage, Benchmark]:
    return {
        Stage.PRELAUNCH: Benchmark(principal_meeting_weeks_pct=25),
        Stage.LAUNCH: Benchmark(time_in_cycles_pct=30, coverage_pct=15,
                                principal_meeting_weeks_pct=50),
        Stage.IMPLEMENT: Benchmark(time_in_cycles_pct=60, coverage_pct=40,
                                   principal_meeting_weeks_pct=80, cycle_completion_pct=70),
    }


class Settings(Strict):
    min_n: int = Field(10, ge=1)
    """Percentages over fewer students than this are shown as 'n<min_n'."""
    time_in_cycles_target: Percent = 60
    proficiency_cutoff: float = 80
    goal: Percent = 80
    score_max: float = Field(100, gt=0)
    half_day_minutes: int = Field(180, gt=0)
    full_day_minutes: int = Field(360, gt=0)
    level_scores: dict[str, float] = {}
    """Level labels teachers type instead of numbers, e.g. {"Not yet": 1, "Exceeding": 4}."""
    benchmarks: dict[Stage, Benchmark] = Field(default_factory=_default_benchmarks)
    max_row_drop_pct: Percent = 50
    """A tab that lost more than this share of the rows the last successful run read from it
    is a source failure: the emails that depend on it are held."""
    max_tab_rows: int = Field(1_048_576, ge=1)
    max_tab_columns: int = Field(500, ge=26)
    """A workbook tab reaching past these is one source problem, never a hang."""

    @model_validator(mode="after")
    def _days(self) -> Settings:
        if self.half_day_minutes >= self.full_day_minutes:
            raise ValueError("settings.half_day_minutes must be less than full_day_minutes")
        return self


Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def _clock_time(value: object) -> object:
    if not isinstance(value, str):
        raise ValueError('write the time in quotes, e.g. "18:00" (unquoted, YAML reads 18:00 '
                         "as a number)")
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
        raise ValueError('write a time of day as "HH:MM" on a 24-hour clock, e.g. "07:00"')
    return value


ClockTime = Annotated[str, BeforeValidator(_clock_time)]


class Schedule(Strict):
    """When `python main.py schedule` runs the job, in the district's time zone."""

    refresh_at: list[ClockTime] = ["06:00"]
    """Times of day to refresh the summary tabs (no emails); [] for none."""
    send_day: Weekday = "monday"
    send_at: ClockTime = "07:00"
    """When the weekly emails go out, for the week just ended (with a refresh of the tabs)."""


class Output(Strict):
    backend: Backend = Backend.WORKBOOK
    location: str = Field(min_length=1)
    export: str | None = Field(None, min_length=1)
    """A folder for the figures as long Parquet tables, one subfolder per report week."""

    @model_validator(mode="after")
    def _location(self) -> Output:
        if self.backend in SIS_BACKENDS:
            raise ValueError(f"output.backend: the summary is written to a workbook or a "
                             f"Google spreadsheet, not to {self.backend.value}")
        _check_location(self.backend, self.location)
        return self


class Google(Strict):
    """How to reach Google Sheets. Secrets stay in the environment; these name the variables."""

    credentials_env: str = "GOOGLE_APPLICATION_CREDENTIALS"
    """Environment variable holding the path of the service account's JSON key file."""
    endpoint: str | None = None
    """Send all Sheets traffic here instead (a local stand-in); SHEETS_API_ENDPOINT also works."""
    token_env: str = "SHEETS_API_TOKEN"
    """With an endpoint override: environment variable holding the bearer token to send."""
    reads_per_minute: int = Field(60, ge=1)
    writes_per_minute: int = Field(60, ge=1)
    timeout_seconds: float = Field(30, gt=0)
    max_attempts: int = Field(6, ge=1, le=20)


class Recipient(Strict):
    name: str = Field(min_length=1)
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Security(StrEnum):
    STARTTLS = "starttls"  # plain connection upgraded with STARTTLS (port 587)
    TLS = "tls"  # implicit TLS from the first byte (port 465)
    NONE = "none"  # no encryption: only to a relay on this machine


DEFAULT_PORTS = {Security.STARTTLS: 587, Security.TLS: 465, Security.NONE: 25}
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class Delivery(Strict):
    """How the emails leave: written to an outbox folder, or sent over SMTP.

    Credentials are never in the config: `username_env` and `password_env` name the environment
    variables that hold them. Checks that name several keys are made on the whole section, so a
    mistake (say, a password pasted into `password_env`) is never echoed back in the error.
    """

    method: Literal["outbox", "smtp", "gmail"] = "outbox"
    outbox: str = "out/outbox"
    sender: str = Field("Coaching Impact <coaching-impact@localhost>", alias="from")
    reply_to: str | None = None
    cc_coaches: bool = False
    district_summary: bool = False
    """Also send district staff a summary of every school (one email each)."""
    coach_digest: bool = False
    """Also send each coach a weekly note: their week, their cycles, their rows to fix."""
    host: str | None = None
    port: int | None = Field(None, ge=1, le=65535)
    """Default from `security`: 587 (starttls), 465 (tls), 25 (none)."""
    security: Security = Security.STARTTLS
    username_env: str | None = None
    password_env: str | None = None
    ca_file: str | None = None
    """CA certificate(s) to trust instead of the system's, for a relay with a private CA."""
    timeout: float = Field(30, gt=0, le=600)
    """Seconds to wait on each step of the SMTP conversation (connect, each command, reply)."""
    auth: Literal["password", "oauth2"] = "password"
    """smtp: log in with username_env/password_env (or not at all: a relay), or with an OAuth2
    token for a Microsoft Entra app registration (XOAUTH2, Microsoft 365)."""
    tenant_env: str = "M365_TENANT_ID"
    client_id_env: str = "M365_CLIENT_ID"
    client_secret_env: str = "M365_CLIENT_SECRET"
    certificate_env: str = "M365_CERTIFICATE"
    """oauth2: names of the variables holding the tenant, the app's client ID, and its client
    secret or the path of a PEM file with its certificate and private key (one of the two)."""
    authority: str = "https://login.microsoftonline.com"
    """oauth2: the Microsoft identity platform's address (login.microsoftonline.us for GCC
    High); the tenant is added to it."""
    gmail_endpoint: str | None = None
    """gmail: send Gmail API traffic here instead of gmail.googleapis.com (a local stand-in)."""
    gmail_sends_per_minute: int = Field(150, ge=1, le=150)
    """gmail: at most this many sends a minute from the mailbox (Gmail allows each user 15,000
    quota units a minute; a send costs 100)."""

    @model_validator(mode="after")
    def _smtp_settings(self) -> Delivery:
        if self.method == "smtp" and not self.host:
            raise ValueError("delivery.host: required when delivery.method is smtp "
                             "(the mail server's name, e.g. smtp.office365.com)")
        if self.security == Security.NONE and self.host and not is_loopback(self.host):
            raise ValueError(
                f"delivery.security: 'none' sends reports and passwords unencrypted, so it is "
                f"allowed only to a server on this machine (localhost, 127.0.0.1, ::1), not "
                f"'{self.host}'. Use security: starttls (port 587) or tls (port 465).")
        for key in ("username_env", "password_env", "tenant_env", "client_id_env",
                    "client_secret_env", "certificate_env"):
            name = getattr(self, key)
            if name is not None and not _ENV_NAME.match(name):
                raise ValueError(
                    f"delivery.{key}: must be the name of an environment variable (letters, "
                    f"digits and _, such as SMTP_PASSWORD), never the secret itself")
        for key, value in (("from", self.sender), ("reply_to", self.reply_to)):
            if value is not None and "@" not in parseaddr(value)[1]:
                raise ValueError(f"delivery.{key}: write one address, e.g. "
                                 f"'Coaching Program <coaching@district.example>'")
        if (self.username_env is None) != (self.password_env is None):
            raise ValueError("delivery.username_env and delivery.password_env: set both (to "
                             "log in to the mail server) or neither")
        return self

    @model_validator(mode="after")
    def _oauth_settings(self) -> Delivery:
        """The Gmail API and Microsoft 365 (auth: oauth2) keys."""
        if not re.fullmatch(r"https://[^/\s]+/?", self.authority):
            raise ValueError("delivery.authority: write the identity platform's address alone, "
                             "e.g. https://login.microsoftonline.com (https; the tenant comes "
                             "from tenant_env)")
        if self.gmail_endpoint is not None and not re.fullmatch(r"https?://[^/\s]+/?",
                                                                self.gmail_endpoint):
            raise ValueError("delivery.gmail_endpoint: write a base address such as "
                             "http://127.0.0.1:8080 (a local stand-in), or remove it")
        if self.auth == "oauth2":
            if self.method != "smtp":
                raise ValueError("delivery.auth: oauth2 is for method: smtp (Microsoft 365); "
                                 "method: gmail always uses the service account")
            if self.username_env or self.password_env:
                raise ValueError("delivery.username_env and delivery.password_env: not used "
                                 "with auth: oauth2 (the app's token replaces the password); "
                                 "remove them")
        return self

    @property
    def smtp_port(self) -> int:
        return self.port or DEFAULT_PORTS[self.security]


def is_loopback(host: str) -> bool:
    """True for a name or address that never leaves this machine."""
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class PrivacySettings(Strict):
    """Deliberate district choices about what people see."""

    teacher_names: Literal["hide", "show"] = "hide"
    """Principal emails identify cycles by grade, subject, focus and coach; `show` adds the
    teacher's name (coaching is non-evaluative and the principal evaluates the teacher)."""


class Config(Strict):
    district: District
    sources: list[Source] = Field(min_length=1)
    aliases: Aliases = {}
    """Extra header aliases applied to every source."""
    vocabulary: VocabularyMap = {}
    """The district's own labels for activities, statuses, stages and approaches."""
    settings: Settings = Settings()
    privacy: PrivacySettings = PrivacySettings()
    output: Output
    google: Google = Google()
    delivery: Delivery = Delivery()
    district_staff: list[Recipient] = []
    schedule: Schedule = Schedule()
    state: str = "out/state.sqlite"
    """SQLite file for what must survive between runs (sent emails, run history)."""
    base_dir: Path = Path(".")
    """Directory relative paths are resolved against (the config file's); set by the loader."""

    @model_validator(mode="after")
    def _unique_source_names(self) -> Config:
        names = [s.name for s in self.sources]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"source names must be unique; repeated: {', '.join(dupes)}")
        return self

    def terms(self) -> dict[str, dict[str, Enum]]:
        """The vocabulary mapping with each label's term as the vocabulary's own member."""
        return {kind: {label: VOCABULARIES[kind][vocabulary_key(term)]
                       for label, term in labels.items()}
                for kind, labels in self.vocabulary.items()}

    def path(self, location: str) -> Path:
        """A location from the config as a path, relative ones taken from the config's folder."""
        p = Path(location).expanduser()
        return (p if p.is_absolute() else self.base_dir / p).resolve()
