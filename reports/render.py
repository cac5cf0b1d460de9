"""Rendering the weekly emails from Jinja templates: HTML (autoescaped, CSS inlined) and text."""
from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, replace
from pathlib import Path

import css_inline
from anyascii import anyascii
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from config.model import Recipient
from core.words import counted
from reports.coach import CoachContext
from reports.context import DistrictContext, SchoolContext

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@dataclass(frozen=True)
class Email:
    key: str  # stable file-name-safe identifier, unique in a week (see `unique_keys`)
    school: str
    to: str | None
    to_name: str
    cc: tuple[str, ...]
    subject: str
    html: str
    text: str

    @property
    def name_for_key(self) -> str:
        """What the key is made from: the school, or the staff member's address."""
        return self.to or "" if self.school == DISTRICT_SUMMARY else self.school


@functools.cache
def environment() -> Environment:
    """One per process: compiling the templates is most of the rendering time."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                      autoescape=select_autoescape(["html"]), trim_blocks=False,
                      keep_trailing_newline=True)
    env.filters["counted"] = counted  # {{ n|counted("row") }}: "1 row", "2 rows"
    return env


_INLINER = css_inline.CSSInliner(keep_style_tags=True)


def render_school(env: Environment, ctx: SchoolContext, *, cc_coaches: bool) -> Email:
    values = ctx.as_dict()
    html = _INLINER.inline(env.get_template("principal_email.html").render(values))
    text = env.get_template("principal_email.txt").render(values)
    return Email(key=slug(ctx.school), school=ctx.school, to=ctx.principal_email,
                 to_name=ctx.principal, cc=tuple(ctx.coach_emails) if cc_coaches else (),
                 subject=f"{ctx.school}: coaching this week ({ctx.week_title})",
                 html=html, text=text)


def render_all(contexts: list[SchoolContext], *, cc_coaches: bool) -> list[Email]:
    env = environment()
    return unique_keys([render_school(env, c, cc_coaches=cc_coaches) for c in contexts])


DISTRICT_SUMMARY = "District summary"
"""The `school` of the district staff's emails (in the ledger and `send --school`)."""


HTML_LIMIT = 90_000
"""Bytes of HTML above which a district summary drops its bar charts (Gmail clips at 102 KB)."""


def render_district(ctx: DistrictContext, staff: list[Recipient]) -> list[Email]:
    """One email per staff member, each addressed to them alone."""
    env = environment()
    html = _INLINER.inline(env.get_template("district_email.html").render(ctx.as_dict()))
    if len(html.encode()) > HTML_LIMIT:
        compact = replace(ctx, compact=True).as_dict()
        html = _INLINER.inline(env.get_template("district_email.html").render(compact))
    text = env.get_template("district_email.txt").render(ctx.as_dict())
    subject = f"{ctx.district}: coaching summary ({ctx.week_title})"
    return unique_keys([Email(key=f"district-summary-{slug(r.email)}", school=DISTRICT_SUMMARY,
                              to=r.email, to_name=r.name, cc=(), subject=subject, html=html,
                              text=text) for r in staff])


SLUG_MAX = 60
RESERVED = frozenset({"index"})  # the outbox's own index.html


COACH_DIGEST = "Coach digest"
"""The `school` of the coaches' weekly notes (in the ledger and `send --school`)."""


def render_coaches(contexts: list[CoachContext]) -> list[Email]:
    """One note per coach, to that coach alone."""
    env = environment()
    emails = []
    for ctx in contexts:
        values = ctx.as_dict()
        html = _INLINER.inline(env.get_template("coach_email.html").render(values))
        text = env.get_template("coach_email.txt").render(values)
        fixes = len(ctx.issues)
        emails.append(Email(
            key=f"coach-{slug(ctx.coach)}", school=COACH_DIGEST, to=ctx.email,
            to_name=ctx.coach, cc=(), html=html, text=text,
            subject=f"Your coaching week ({ctx.week_title})"
                    + (f": {fixes} row{'s' if fixes != 1 else ''} to fix" if fixes else "")))
    return emails


def slug(text: str) -> str:
    """A readable ASCII file name for any script: `École Saint-Éloi` → `ecole-saint-eloi`,
    `北京第一小学` → `bei-jing-di-yi-xiao-xue`; empty when nothing readable is left."""
    ascii_text = re.sub(r"['’`]", "", "".join(_transliterate(c) for c in text))
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:SLUG_MAX].strip("-")


def _transliterate(char: str) -> str:
    if char.isascii():
        return char
    out = anyascii(char)
    return f" {out} " if len(out) > 1 and out[0].isupper() and out[1:].islower() else out


def short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:6]


def unique_keys(emails: list[Email]) -> list[Email]:
    """Keys (the outbox's file names) that never collide and do not depend on the order: a
    name whose slug is shared with another name, empty or reserved gets a short stable hash
    of the whole name, as does every other name in its group."""
    names: dict[str, set[str]] = {}
    for e in emails:
        names.setdefault(e.key, set()).add(e.name_for_key)
    out = []
    for e in emails:
        clash = len(names[e.key]) > 1 or not e.key or e.key in RESERVED
        key = "-".join(p for p in (e.key, short_hash(e.name_for_key)) if p) if clash else e.key
        out.append(replace(e, key=key))
    return out
