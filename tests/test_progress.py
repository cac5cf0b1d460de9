"""Progress on a terminal; a few plain log lines when nobody watches (cron, systemd)."""
import io
import logging

from reports.progress import progress
from sync.pacing import READ, Pacer


def test_not_on_a_terminal_a_few_plain_lines(caplog):
    stream = io.StringIO()
    with (caplog.at_level(logging.INFO, logger="coaching_impact"),
          progress("Sources read", 201, stream=stream) as shown):
        for _ in range(201):
            shown.advance()
    lines = [r.getMessage() for r in caplog.records]
    assert lines[0] == "Sources read: 20 of 201" and lines[-1] == "Sources read: 201 of 201"
    assert len(lines) == 11
    assert stream.getvalue() == ""  # no redraws, no escape codes


def test_on_a_terminal_a_bar_and_no_log_lines(caplog):
    stream = io.StringIO()
    with (caplog.at_level(logging.INFO, logger="coaching_impact"),
          progress("Emails sent", 5, stream=stream, interactive=True) as shown):
        for _ in range(5):
            shown.advance()
    assert caplog.records == []
    assert "Emails sent" in stream.getvalue()


def test_a_quota_wait_says_how_long_and_until_when(caplog):
    now = [0.0]
    pacer = Pacer({READ: 2}, clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s))
    with caplog.at_level(logging.INFO, logger="coaching_impact"):
        for _ in range(3):
            pacer.wait_turn(READ)
    assert len(caplog.records) == 1
    assert caplog.records[0].getMessage().startswith(
        "Waiting 60 s for Google's per-minute quota (until ")
