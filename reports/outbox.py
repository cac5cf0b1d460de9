"""Delivery to a folder: one .eml per email (what a mail client opens), an HTML preview of each,
and an index.html linking them. Rewriting the same week replaces its files, so a rerun never
leaves two copies of a report."""
from __future__ import annotations

import hashlib
import html
import logging
import os
import tempfile
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from reports.render import Email

log = logging.getLogger("coaching_impact")


def build_message(email: Email, sender: str, reply_to: str | None, week: str,
                  now: datetime) -> EmailMessage:
    """multipart/alternative: plain text first, then HTML. Text from a sheet goes into headers
    as one line (line breaks and control characters become spaces), through the email
    package's default policy, which refuses any line break left: it cannot add a header."""
    msg = EmailMessage()
    msg["Subject"] = one_line(email.subject)
    msg["From"] = sender
    msg["To"] = Address(display_name=one_line(email.to_name),
                        addr_spec=email.to) if email.to else ""
    if email.cc:
        msg["Cc"] = ", ".join(email.cc)
    if reply_to:
        msg["Reply-To"] = reply_to
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = message_id(week, email.key, email.to or "")
    msg.set_content(email.text)
    msg.add_alternative(email.html, subtype="html")
    msg.set_boundary(boundary(msg["Message-ID"], email))
    return msg


def boundary(message_id: str, email: Email) -> str:
    """The MIME boundary, from a hash of the email itself rather than at random: every build of
    an email is the same bytes (SMTP, Gmail API, outbox, a resend), and no part can contain it."""
    digest = hashlib.sha256("\0".join((message_id, email.text, email.html)).encode())
    return f"=_coaching-impact_{digest.hexdigest()[:32]}"


def one_line(text: str) -> str:
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def message_id(week: str, key: str, recipient: str) -> str:
    """Stable per (week, school, recipient): a resend is recognisably the same message."""
    digest = hashlib.sha256(recipient.lower().encode()).hexdigest()[:12]
    return f"<{week}.{key}.{digest}@coaching-impact.invalid>"


def write_outbox(emails: list[Email], folder: Path, *, sender: str, reply_to: str | None,
                 week: str, now: datetime | None = None) -> list[Path]:
    now = now or datetime.now(UTC)
    target = folder / week
    target.mkdir(parents=True, exist_ok=True)
    for stale in target.glob(".~*"):  # left by a write killed midway; runs never overlap
        stale.unlink(missing_ok=True)
    written = []
    for email in emails:
        if not email.to:
            continue
        try:
            data = build_message(email, sender, reply_to, week, now).as_bytes()
        except (ValueError, TypeError) as exc:  # the email package refuses an address
            log.warning("The email for %s <%s> could not be written to the outbox (%s); the "
                        "others were. Check that address.", email.school, email.to, exc)
            continue
        written.append(_atomic_write(target / f"{email.key}.eml", data))
        _atomic_write(target / f"{email.key}.html", email.html.encode("utf-8"))
    _atomic_write(target / "index.html", index_page(emails, week).encode("utf-8"))
    return written


def index_page(emails: list[Email], week: str) -> str:
    items = "\n".join(
        f'<li><a href="{html.escape(e.key)}.html">{html.escape(e.school)}</a> — to '
        f'{html.escape(e.to or "nobody: no principal email on the Schools tab")}</li>'
        for e in emails)
    return (f"<!doctype html><meta charset='utf-8'><title>Outbox {week}</title>"
            f"<h1>Weekly reports, {week}</h1><ul>\n{items}\n</ul>\n")


def current_umask() -> int:
    """The process's umask (new files get 0o666 minus it); reading it means setting it."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _atomic_write(path: Path, data: bytes) -> Path:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".~")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.chmod(tmp, 0o666 & ~current_umask())  # mkstemp makes it private; a file is not
    os.replace(tmp, path)
    return path
