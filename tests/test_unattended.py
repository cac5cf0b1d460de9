"""Real processes: two runs contending for the lock, and SIGTERM during a run and while idle.

A run is held in the middle of a step honestly, without sleeps: one source's location is a named
pipe, so reading sources blocks until the test opens the pipe's other end (as a slow network
source would). What comes through the pipe is not a workbook, which the run reports as one data
issue and carries on past, so the test decides exactly when the step ends.
"""
import errno
import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import main
from scheduler.history import History
from tests.small_district import write_config

ROOT = Path(__file__).resolve().parent.parent


STARTED: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def no_child_left():
    """A failed test must not leave its process running."""
    yield
    while STARTED:
        proc = STARTED.pop()
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


class Child:
    """`python main.py …` in its own process, its log (stderr) read line by line as it comes."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen([sys.executable, "main.py", *args], cwd=ROOT, text=True,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        STARTED.append(self.proc)
        self.err: list[str] = []
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stderr:
            self.err.append(line)
            self._lines.put(line)
        self._lines.put(None)

    def wait_for(self, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                line = None
            if line is None:
                raise AssertionError(f"no {text!r} in the log:\n{self.log}")
            if text in line:
                return

    def finish(self, timeout: float = 60) -> int:
        code = self.proc.wait(timeout)
        self._reader.join(timeout)
        return code

    @property
    def log(self) -> str:
        return "".join(self.err)


def release(pipe: Path, child: Child) -> None:
    """Open the pipe's writing end once the child reads it, and close it: the read ends."""
    while child.proc.poll() is None:
        try:
            os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
            return
        except OSError as exc:
            if exc.errno != errno.ENXIO:  # ENXIO: nobody reads it yet
                raise
            time.sleep(0.01)


@pytest.fixture
def district(tmp_path):
    """The small district (district.yaml) and the same with a slow second source (slow.yaml);
    both share the output, the outbox, the state file and so the lock."""
    config = write_config(tmp_path)
    pipe = tmp_path / "slow-log.xlsx"
    os.mkfifo(pipe)
    slow = tmp_path / "slow.yaml"
    slow.write_text(config.read_text().replace("settings:", (
        f"  - name: Slow log\n    location: {pipe}\n    tabs: {{coaching_log: Log}}\n"
        "settings:")))
    return config, slow, pipe


def runs(folder: Path) -> list[tuple]:
    with sqlite3.connect(folder / "out" / "state.sqlite") as db:
        return db.execute("SELECT kind, outcome, error FROM runs ORDER BY id").fetchall()


def test_a_second_run_exits_at_once_with_code_3_while_another_holds_the_lock(district):
    config, slow, pipe = district
    first = Child("run", "--once", "--config", str(slow))
    first.wait_for("Reading sources")  # it holds the lock from before this line
    began = time.monotonic()
    second = subprocess.run([sys.executable, "main.py", "run", "--once", "--config", str(config)],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert second.returncode == 3, second.stderr
    assert f"Another run is in progress (pid {first.proc.pid}, started " in second.stderr
    assert "so this one did nothing" in second.stderr
    assert time.monotonic() - began < 30  # it did not wait for the first (that waits on us)
    release(pipe, first)
    assert first.finish() == 5, first.log  # the slow source read empty: it is unusable
    assert [r[:2] for r in runs(config.parent)] == [("manual", "emails held")]


def test_sigterm_during_a_run_stops_it_between_steps_with_nothing_half_written(district):
    config, slow, pipe = district
    assert main.main(["run", "--once", "--config", str(config)]) == 0
    folder = config.parent
    before = (folder / "summary.xlsx").read_bytes()
    emails = {p: p.read_bytes() for p in (folder / "outbox").rglob("*.*")}
    child = Child("run", "--once", "--config", str(slow))
    child.wait_for("Reading sources")
    child.proc.send_signal(signal.SIGTERM)
    child.wait_for("SIGTERM received: stopping after the current step")
    release(pipe, child)
    assert child.finish() == 4, child.log
    assert "Stopped before the run finished" in child.log
    assert "INFO    Validating " not in child.log  # the next step never started
    assert (folder / "summary.xlsx").read_bytes() == before
    assert {p: p.read_bytes() for p in (folder / "outbox").rglob("*.*")} == emails
    assert not list(folder.rglob(".~*"))  # no temporary file left behind
    assert runs(folder)[-1] == ("manual", "stopped",
                                "stopped between steps as asked; nothing was half-written")


def test_the_scheduler_catches_up_holds_off_cron_and_stops_cleanly_on_sigterm(district):
    config, slow, pipe = district
    History(config.parent / "out" / "state.sqlite").scheduler_started(
        main.utc_now().replace(year=2020), pid=1)  # it ran here before; slots since were missed
    scheduler = Child("schedule", "--config", str(slow))
    scheduler.wait_for("Missed the weekly run due")
    scheduler.wait_for("Reading sources")  # the catch-up run, holding the lock
    cron = subprocess.run([sys.executable, "main.py", "run", "--once", "--quiet", "--config",
                           str(config)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert cron.returncode == 3 and f"(pid {scheduler.proc.pid}," in cron.stderr
    assert "INFO" not in cron.stderr  # --quiet: only the error
    scheduler.proc.send_signal(signal.SIGTERM)
    release(pipe, scheduler)
    assert scheduler.finish() == 0, scheduler.log
    assert "Scheduler stopped (SIGTERM)" in scheduler.log
    assert "it will be caught up at the next start" in scheduler.log
    assert [r[:2] for r in runs(config.parent)] == [("weekly", "stopped")]


def test_an_idle_scheduler_stops_at_once_on_sigterm(district):
    config, _, _ = district
    scheduler = Child("schedule", "--config", str(config))
    scheduler.wait_for("Next runs: ")
    began = time.monotonic()
    scheduler.proc.send_signal(signal.SIGTERM)
    assert scheduler.finish() == 0, scheduler.log
    assert time.monotonic() - began < 10  # not after its nap
    assert "First start of the scheduler" in scheduler.log
    assert "Scheduler stopped (SIGTERM)" in scheduler.log
