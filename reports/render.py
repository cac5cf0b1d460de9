"""Rendering the weekly emails from Jinja templates: HTML (autoescaped, CSS inlined) and text."""
from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from pathlib import Path

import css_inline
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from config.model import Recipient
from core.words import counted
from reports.context import DistrictContext, SchoolContext

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@dataclass(frozen=True)
class Email:
    key: str  # stable file-name-safe identifier: the school's slug
    school: str
    to: str | None
    to_name: str
    cc: tuple[str, ...]
    subject: str
    html: str
    text: str


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
    return [render_school(env, c, cc_coaches=cc_coaches) for c in contexts]


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
    return [Email(key=f"district-summary-{slug(r.email)}", school=DISTRICT_SUMMARY, to=r.email,
                  to_name=r.name, cc=(), subject=f"{ctx.district}: coaching summary "
                  f"({ctx.week_title})", html=html, text=text) for r in staff]


def slug(text: str) -> str:
    import re
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "school"
