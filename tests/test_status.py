"""`status`, the log flags and the `schedule:` config section, through the command line."""
import datetime as dt
import os
import re

import pytest

import main
from delivery.ledger import Key, Ledger
from scheduler.history import History, RunKind
from scheduler.lock import RunLock, lock_path
from tests.small_district import write_config

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)  # Monday 06:00 in Chicago


@pytest.fixture
def district(tmp_path):
    return write_config(tmp_path)


def run(*args):
    return main.main(list(args), now=NOW)


def state(district):
    return district.parent / "out" / "state.sqlite"


def test_status_shows_the_runs_their_outcomes_and_the_next_scheduled_runs(district, capsys):
    assert run("run", "--once", "--config", str(district)) == 0
    (district.parent / "district.xlsx").unlink()
    assert run("run", "--once", "--config", str(district)) == 1
    capsys.readouterr()
    assert run("status", "--config", str(district)) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Small District — status at Mon 2026-11-23 06:00 CST"
    runs = out[out.index("Last runs (newest first; times in America/Chicago)") + 2:][:3]
    assert re.fullmatch(r"\s+2  manual   2026-W47  Mon Nov 23 06:00 +\d+s\s+failed", runs[0])
    assert runs[1].strip().startswith("No usable rows on the Schools or Coaches tab")
    assert re.fullmatch(r"\s+1  manual   2026-W47  Mon Nov 23 06:00 +\d+s +54 +51 +3 +2  "
                        r"ok, with data issues", runs[2])
    nxt = out[out.index("Next scheduled runs (by `python main.py schedule`)") + 1:][:2]
    assert nxt == ["  weekly   Mon 2026-11-23 07:00 CST  (tabs and emails for 2026-W47)",
                   "  refresh  Tue 2026-11-24 06:00 CST  (summary tabs, no emails)"]
    assert out[-1] == "Emails: no email ledger yet"


def test_status_lists_emails_pending_failed_or_unknown_from_the_ledger(district, capsys):
    with Ledger(state(district)) as ledger:
        for school, to in [("Alpha Elementary", "pat@alpha.example"),
                           ("Beta Middle", "kim@beta.example"), ("Gamma High", "g@gamma.example"),
                           ("Delta Middle", "d@delta.example")]:
            ledger.plan(Key.of("2026-W47", school, to), f"<{school}>", "Weekly report")
        alpha, beta, gamma = (Key.of("2026-W47", s, t) for s, t in [
            ("Alpha Elementary", "pat@alpha.example"), ("Beta Middle", "kim@beta.example"),
            ("Gamma High", "g@gamma.example")])
        for key in (alpha, beta, gamma):
            ledger.claim(key)
        ledger.sent(alpha, "250 OK")
        ledger.failed(beta, "550 mailbox unavailable")
        ledger.unknown(gamma, "connection lost after the message was handed over")
    assert run("status", "--config", str(district)) == 0
    out = capsys.readouterr().out.splitlines()
    emails = out[out.index("Emails (ledger in the state file): 1 failed, 1 planned, 1 sent, "
                           "1 unknown"):]
    assert emails[1:] == [  # newest week first, then by school; the sent one is not listed
        "  failed   2026-W47  Beta Middle <kim@beta.example>: 550 mailbox unavailable",
        "  planned  2026-W47  Delta Middle <d@delta.example>",
        "  unknown  2026-W47  Gamma High <g@gamma.example>: connection lost after the message "
        "was handed over"]


def test_status_tells_a_run_in_progress_from_one_whose_process_died(district, capsys):
    history = History(state(district))
    history.start(RunKind.WEEKLY, "2026-W46", NOW - dt.timedelta(days=7))  # died: no outcome
    history.start(RunKind.WEEKLY, "2026-W47", NOW)
    history.scheduler_started(NOW - dt.timedelta(days=8), os.getpid())
    lock = RunLock(lock_path(state(district)))
    with lock.held(NOW):
        assert run("status", "--config", str(district)) == 0
    out = capsys.readouterr().out
    assert re.search(r"2  weekly   2026-W47 .* running now\n", out)
    assert re.search(r"1  weekly   2026-W46 .* did not finish \(its process ended without an "
                     r"outcome\)\n", out)
    assert re.search(r"a run is in progress now \(pid \d+, started 2026-11-23T12:00:00", out)
    assert f"scheduler: last started Sun 2026-11-15 06:00 CST, pid {os.getpid()} (running)" in out


def test_status_before_any_run_says_so_and_creates_nothing(district, capsys):
    assert run("status", "--config", str(district)) == 0
    out = capsys.readouterr().out
    assert "Last runs: none recorded yet" in out and "no email ledger yet" in out
    assert "scheduler: never started with this state file" in out
    assert not (district.parent / "out").exists()


def test_the_log_goes_to_stderr_with_time_and_level(district, capsys):
    assert run("run", "--once", "--config", str(district)) == 0
    captured = capsys.readouterr()
    assert re.search(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d INFO    Reading sources$", captured.err,
                     re.M)
    assert "Reading sources" not in captured.out and "Run summary" in captured.out


def test_quiet_keeps_only_warnings_and_errors_and_the_summary_on_stdout(district, capsys):
    assert run("run", "--once", "--quiet", "--config", str(district)) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and "Run summary" in captured.out
    assert run("check", "-q", "--config", str(district.parent / "none.yaml")) == 2
    assert re.search(r"ERROR   Configuration problem: Config file .*none.yaml does not exist",
                     capsys.readouterr().err)


def test_verbose_and_quiet_do_not_go_together(district):
    with pytest.raises(SystemExit) as exc:
        run("status", "--verbose", "--quiet", "--config", str(district))
    assert exc.value.code == 2


@pytest.mark.parametrize("section, words", [
    ("schedule: {send_at: 18:00}", 'schedule.send_at: Value error, write the time in quotes, '
                                   'e.g. "18:00" (unquoted, YAML reads 18:00 as a number)'),
    ('schedule: {refresh_at: ["6am"]}', 'schedule.refresh_at[0]: Value error, write a time of '
                                        'day as "HH:MM"'),
    ("schedule: {send_day: Mon}", "schedule.send_day: Input should be 'monday', 'tuesday'"),
    ("schedule: {every: monday}", "schedule.every: unknown key"),
])
def test_a_schedule_mistake_is_named_and_exits_2(district, capsys, section, words):
    district.write_text(district.read_text() + section + "\n")
    assert run("status", "--config", str(district)) == 2
    assert words in capsys.readouterr().err


def test_the_schedule_section_sets_the_times(district, capsys):
    district.write_text(district.read_text() + 'schedule: {refresh_at: ["05:30", "17:00"], '
                        'send_day: friday, send_at: "15:00"}\n')
    assert run("status", "--config", str(district)) == 0
    out = capsys.readouterr().out
    assert "refresh  Mon 2026-11-23 17:00 CST" in out
    assert "weekly   Fri 2026-11-27 15:00 CST  (tabs and emails for 2026-W47)" in out


def test_status_says_when_as_of_pins_the_week_of_every_run(district, capsys):
    assert run("status", "--config", str(district)) == 0
    assert "(district.as_of pins today to 2026-11-23, so every run reports 2026-W47; leave it " \
        "out for a real district)" in capsys.readouterr().out
    district.write_text(district.read_text().replace("  as_of: 2026-11-23\n", ""))
    assert run("status", "--config", str(district)) == 0
    assert "pins today" not in capsys.readouterr().out
