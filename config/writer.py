"""The commented config `init` writes: every guess it is unsure of marked `# check:`."""
from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from config.model import SIS_TABS, Backend
from core.headers import EXACT
from core.schema import VOCABULARY_TERMS
from core.setup import UNSURE_MATCH, Placed, Proposal


@dataclass(frozen=True)
class Origin:
    """A source as given to `init --from`."""

    name: str
    location: str
    backend: Backend


def q(text: object) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is valid YAML)."""
    return json.dumps(str(text), ensure_ascii=False)


def render_config(proposal: Proposal, origins: Sequence[Origin], path: Path,
                  today: dt.date) -> str:
    lines = [
        "# Written by `python main.py init` from: "
        + ", ".join(o.location for o in origins) + ".",
        '# Every key is described in README.md ("Configuration reference"). Lines marked',
        '# "# check:" are guesses: confirm or correct them, then run `python main.py check`.',
        "",
        *_district(proposal, today),
        "",
        "sources:",
    ]
    for origin in origins:
        lines += _source(proposal, origin, path)
    lines += _vocabulary(proposal)
    lines += _settings(proposal)
    lines += _output(path)
    return "\n".join(lines) + "\n"


def _district(proposal: Proposal, today: dt.date) -> list[str]:
    if proposal.year:
        start, end = proposal.year
        how = "guessed from the earliest session or cycle date"
    else:
        first = today.year if today.month >= 7 else today.year - 1
        start, end = dt.date(first, 8, 1), dt.date(first + 1, 6, 30)
        how = "no dates were found to guess it from"
    stated = f"the first day of school (from {proposal.year_from})"
    year = ([f"    start: {start.isoformat()}  # {stated}",
             "    end: " + end.isoformat() + "  # the last day of school"]
            if proposal.year_from else
            [f"    start: {start.isoformat()}  # check: the first day of school ({how}); weeks "
             "with a principal meeting are counted from it",
             f"    end: {end.isoformat()}  # check: the last day of school"])
    return [
        "district:",
        '  name: "Our district"  # check: the district\'s name, as emails and tabs show it',
        "  time_zone: America/New_York  # check: your time zone (an IANA name); report weeks "
        "run Monday to Sunday in it",
        "  school_year:",
        *year,
    ]


def _source(proposal: Proposal, origin: Origin, path: Path) -> list[str]:
    mine = [p for p in proposal.placed if p.sheet.source == origin.name]
    location = origin.location
    if origin.backend is not Backend.GOOGLE:
        location = os.path.relpath(Path(origin.location).resolve(), path.resolve().parent)
    lines = [f"  - name: {q(origin.name)}", f"    backend: {origin.backend.value}",
             f"    location: {q(location)}"]
    if origin.name in proposal.schools:
        lines.append(f"    school: {q(proposal.schools[origin.name])}  # check: guessed from "
                     "the source's name; every row naming no school belongs to it")
    if origin.backend in SIS_TABS:
        teachers = q(SIS_TABS[origin.backend])
        return [*lines, "    tabs:", f"      teachers: {teachers}  # the teachers roster, from "
                "the SIS", ""]
    lines.append("    tabs:" if mine else "    tabs: {}  # check: no tab here could be placed")
    for p in mine:
        unsure = f"  # check: {p.unsure}" if p.unsure else ""
        lines.append(f"      {p.kind.value}: {q(p.sheet.title)}{unsure}")
    aliases = [p for p in mine if p.aliases]
    if aliases:
        lines.append("    aliases:")
    for p in aliases:
        lines.append(f"      {p.kind.value}:")
        for name, header in p.aliases.items():
            lines.append(f"        {name}: [{q(header)}]  # check: another column fits as "
                         "well; this one was picked")
    lines += _notes(proposal, mine, origin)
    return [*lines, ""]


def _notes(proposal: Proposal, mine: list[Placed], origin: Origin) -> list[str]:
    """Comments for the reader: headers read by meaning, tabs not placed."""
    lines = []
    for p in mine:
        for m in p.found.matches.values():
            if m.score < EXACT:
                unit = ", numbers read as hours" if m.unit == "hours" else ""
                check = "check: " if m.score < UNSURE_MATCH else ""
                lines.append(f"    # {check}{p.sheet.title}: '{m.header}' read as {m.field}"
                             f"{unit}")
    for sheet, why in proposal.unplaced:
        if sheet.source == origin.name:
            lines.append(f"    # not used: tab '{sheet.title}': {why}")
    return lines


def _vocabulary(proposal: Proposal) -> list[str]:
    kinds = dict.fromkeys(lb.kind for lb in proposal.labels)
    if not kinds:
        return ["# vocabulary: every label found is one the job knows", ""]
    active = {lb.kind for lb in proposal.labels if lb.term is not None}
    lines = ["vocabulary:  # the district's own labels and the term each counts as" if active
             else "# vocabulary:  # check: labels the job does not know; map each to a term"]
    for kind in kinds:
        lines.append(f"  {kind}:" if kind in active else f"  # {kind}:")
        for lb in (x for x in proposal.labels if x.kind == kind):
            if lb.others:
                said = " and ".join(str(t.value) for t in lb.others)
                lines.append(f"    {q(lb.text)}: {lb.others[0].value}  # check: names {said}; "
                             "pick the one it counts as")
            elif lb.term is not None:
                lines.append(f"    {q(lb.text)}: {lb.term.value}  # read by its words")
            else:
                lines.append(f"    # {q(lb.text)}: ?  # check: not a known {kind}; map it to "
                             f"one of: {', '.join(VOCABULARY_TERMS[kind])}")
    return [*lines, ""]


SETTINGS = [
    ("min_n", "10", "student percentages over fewer students show as n<10"),
    ("time_in_cycles_target", "60", "% of a coach's time meant for cycles (Sweeney's rule of "
     "thumb)"),
    ("proficiency_cutoff", "80", "score at or above which a student is proficient, when a "
     "cycle sets none"),
    ("goal", "80", "% proficient at the end that meets a cycle's goal, when a cycle sets none"),
    ("score_max", "100", "scores above it (or below 0) are errors"),
    ("half_day_minutes", "180", 'what "half day" means'),
    ("full_day_minutes", "360", 'what "full day" means; a longer row is an error'),
]


def _settings(proposal: Proposal) -> list[str]:
    lines = ["settings:  # the defaults, explained; change any to suit the program"]
    lines += [f"  {key}: {value}  # {why}" for key, value, why in SETTINGS]
    numbered = [(t, n) for t, n in proposal.levels if n is not None]
    if numbered:
        lines.append("  level_scores:  # check: level labels found in score columns, numbered "
                     "in the usual order; give each the score it stands for")
    elif proposal.levels:
        lines.append("  # level_scores:  # check: level labels found in score columns")
    for text, n in proposal.levels:
        lines.append(f"    {q(text)}: {n}" if n is not None else
                     f"    # {q(text)}: ?  # check: not a level of a usual scale")
    lines.append("  # benchmarks: the defaults in README.md apply; set settings.benchmarks."
                 "<stage> to change them")
    return [*lines, ""]


def _output(path: Path) -> list[str]:
    out = os.path.relpath(Path.cwd() / "out", path.resolve().parent)
    return [
        "output:  # where the summary tabs go (a local .xlsx, or a Google spreadsheet)",
        "  backend: workbook",
        f"  location: {q(out + '/district-summary.xlsx')}",
        "",
        "delivery:  # emails are written to a folder; README \"Email delivery (SMTP)\" sends them",
        "  method: outbox",
        f"  outbox: {q(out + '/outbox')}",
        "",
        f"state: {q(out + '/state.sqlite')}  # emails sent and run history, kept between runs",
    ]

