"""A held email sent after its week: the same report, with a line at the top saying it is late
and why, so a principal reading it on Tuesday of the next week knows what happened."""
from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import replace

from core.weeks import ReportWeek
from reports.render import Email

_BODY = re.compile(r"<body[^>]*>", re.IGNORECASE)


def late_line(week: ReportWeek, now: dt.date) -> str:
    return (f"This report for the week of {week.title} is late: it was held because a "
            f"spreadsheet it is computed from could not be read, and it is sent now "
            f"({now:%b} {now.day}) that it can be.")


def mark_late(email: Email, week: ReportWeek, now: dt.datetime) -> Email:
    line = late_line(week, now.date())
    note = (f'<div style="background:#fff1d6;color:#8a5a00;padding:12px 20px;'
            f'font-family:Arial,sans-serif;font-size:15px;">{html.escape(line)}</div>')
    found = _BODY.search(email.html)
    body = (email.html[:found.end()] + note + email.html[found.end():]) if found else \
        note + email.html
    return replace(email, subject=f"Late: {email.subject}", text=f"{line}\n\n{email.text}",
                   html=body)
