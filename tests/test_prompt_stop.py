"""SIGTERM takes effect within seconds in every wait: a mail server's 4xx retry pauses and the
Sheets quota's turn, which used to sleep their whole length (up to ~150 s; systemd's stop timeout
is 90 s). Each test sends a real SIGTERM to this process a fraction of a second into the wait."""
from __future__ import annotations

import os
import signal
import threading
import time
from collections import deque
from dataclasses import replace

import pytest

from config.loader import load_config
from delivery.ledger import Key, Status
from delivery.sender import send_emails
from scheduler.stop import StopFlag, Stopped, pause
from sync.pacing import READ, WRITE, Pacer
from tests.test_smtp import (ALPHA, ENV, KIM, NOW, PAT, certs, district, env,  # noqa: F401
                             ledger_of, server, small_emails)

PROMPT = 5.0  # seconds: well inside systemd's 90 s stop timeout


def sigterm_soon(after: float = 0.2) -> threading.Timer:
    timer = threading.Timer(after, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    return timer


def test_a_stop_cuts_a_long_pause_short():
    with StopFlag().on_signals():
        sigterm_soon()
        began = time.monotonic()
        with pytest.raises(Stopped, match="stopped while waiting"):
            pause(150)
    assert time.monotonic() - began < PROMPT


def test_a_stop_cuts_the_sheets_quota_wait_short():
    pacer = Pacer({READ: 1, WRITE: 1})  # the second read must wait a minute for its turn
    with StopFlag().on_signals():
        pacer.wait_turn(READ)
        sigterm_soon()
        began = time.monotonic()
        with pytest.raises(Stopped):
            pacer.wait_turn(READ)
    assert time.monotonic() - began < PROMPT


def test_a_stop_cuts_the_smtp_retry_pause_short_and_the_email_waits(district, server,
                                                                    small_emails):
    server.mailbox.rcpt_replies[PAT] = deque(["451 4.4.3 Try later"] * 4)
    emails = [replace(e, cc=()) for e in small_emails]
    with StopFlag().on_signals():
        sigterm_soon()
        began = time.monotonic()
        report = send_emails(load_config(district), emails, "2026-W47", NOW, environ=ENV)
    assert time.monotonic() - began < PROMPT
    assert report.stopped.startswith("a stop was asked for")
    assert sorted(w.recipient for w in report.waiting) == [KIM, PAT]
    assert not server.mailbox.received
    with ledger_of(district) as ledger:  # not handed over: the next run sends it
        assert ledger.get(Key.of("2026-W47", ALPHA, PAT)).status == Status.PLANNED


# ---------------------------------------------------------------- loose ends stay visible


def test_every_run_lists_earlier_emails_still_failed_or_unknown_until_resolved(
        district, server, capsys):
    from delivery.ledger import Ledger
    import main
    config = load_config(district)
    with Ledger(config.path(config.state)) as ledger:
        for recipient, school in ((PAT, ALPHA), (KIM, "Beta Middle")):
            key = Key.of("2026-W46", school, recipient)
            ledger.plan(key, f"<{recipient}>", "subject")
            ledger.claim(key)
            if recipient == PAT:
                ledger.failed(key, "550 5.2.1 mailbox unavailable")
            else:
                ledger.handed_over(key)
    assert main.main(["run", "--once", "--quiet", "--config", str(district)], now=NOW) == 0
    out, err = capsys.readouterr()
    assert "  earlier weeks: 2 email(s) still not delivered or not known to be" in out
    assert "  failed:        2026-W46 Alpha Elementary <pat@alpha.example>: 550 5.2.1" in out
    assert "python main.py send --week 2026-W46\n" in out
    assert 'python main.py send --week 2026-W46 --school "Beta Middle" --resend' in out
    assert "WARNING 2 email(s) from earlier weeks are still failed or unknown" in err
    assert "python main.py send --week 2026-W46" in err
    # the command it gives resolves the failed one; the unknown one stays listed
    assert main.main(["send", "--week", "2026-W46", "--quiet", "--config", str(district)],
                     now=NOW) == 0
    capsys.readouterr()
    assert main.main(["run", "--once", "--quiet", "--config", str(district)], now=NOW) == 0
    out, err = capsys.readouterr()
    assert "earlier weeks: 1 email(s)" in out and "WARNING 1 email(s)" in err
    assert "Alpha Elementary" not in out.split("earlier weeks")[1]
