"""Text from the sheets in email headers: one line, so it can never add a header."""
import datetime as dt
import email
import email.policy

import pytest

from reports.outbox import build_message, one_line
from reports.render import Email

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.timezone.utc)
EVIL = "\r\nBcc: evil@attacker.example"


@pytest.mark.parametrize("text, header", [
    ("Pat\r\nBcc: evil@x.example", "Pat Bcc: evil@x.example"),
    ("Pat\u2028Bcc: x", "Pat Bcc: x"), ("Pat\x85\x00Lee", "Pat Lee"), ("  Ms.  Pat ", "Ms. Pat"),
])
def test_header_text_is_one_line(text, header):
    assert one_line(text) == header


def test_a_name_with_line_breaks_stays_in_its_own_header():
    mail = Email(key="alpha", school="Alpha" + EVIL, to="pat@alpha.example",
                 to_name="Pat" + EVIL, cc=(), subject="Alpha" + EVIL + ": coaching",
                 html="<p>hi</p>", text="hi")
    raw = build_message(mail, "Coaching <c@d.example>", None, "2026-W47", NOW).as_bytes()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg["Bcc"] is None
    assert [a.addr_spec for a in msg["To"].addresses] == ["pat@alpha.example"]
    assert msg["To"].addresses[0].display_name == "Pat Bcc: evil@attacker.example"
    assert msg["Subject"] == "Alpha Bcc: evil@attacker.example: coaching"
    assert not any(line.lower().startswith(b"bcc") for line in raw.splitlines())
