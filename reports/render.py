"""Rendering the weekly emails from Jinja templates: HTML (autoescaped, CSS inlined) and text."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import css_inline
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from reports.context import SchoolContext

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


def environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                       autoescape=select_autoescape(["html"]), trim_blocks=False,
                       keep_trailing_newline=True)


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


def slug(text: str) -> str:
    import re
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "school"
