"""Text from the sheets in email headers: one line, so it can never add a header."""
import datetime as dt
import email
import email.policy

import pytest

from reports.outbox import build_message, one_line
from reports.render import Email

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
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


def test_the_private_pandas_padder_is_still_there() -> None:
    """core/headers.py pads ragged rows with pandas' private C routine. If a pandas upgrade moves
    or changes it, this fails (the job would still run, on the slow fallback): update
    `_pandas_padder`, or pin pandas."""
    from core import headers
    assert headers._PAD_IN_C is not None, "pandas._libs.lib.to_object_array is gone"
    rows = [["a", 1], ["b"], []]
    fast = headers.ragged_grid(rows, 3)
    assert fast.shape == (3, 3) and fast.dtype == object
    assert fast[0, :2].tolist() == ["a", 1] and fast[1, 0] == "b"
    assert all(v is None or v != v for v in [fast[0, 2], fast[1, 1], fast[2, 0]])


def test_ragged_rows_are_padded_the_same_without_pandas_padder(monkeypatch) -> None:
    from core import headers
    rows = [("a", 1), ("b",), (), ("c", 2, 3, 4)]
    fast = headers.ragged_grid(rows, 3)
    monkeypatch.setattr(headers, "_PAD_IN_C", None)
    slow = headers.ragged_grid(rows, 3)
    assert slow.shape == fast.shape
    assert [[None if v != v else v for v in r] for r in slow.tolist()] == \
        [[None if v != v else v for v in r] for r in fast.tolist()]
