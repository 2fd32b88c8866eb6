"""After a check's verdict, what it started is removed by a process of its own, so that `make check-step`
gives the prompt back at once (testcontainers' Ryuk does this job, but it needs a registry).

The check hands over with hand_off(): a detached `python -m checker reap PID` removes the containers,
then the networks, volumes and temporary images its process made, until none is left. Each hand-over
leaves a mark until its removal is done; `leftovers` waits for the marks before it looks. Should the
reaper fail (the engine stopped meanwhile), what is left is an orphan that the next check sweeps.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import docker

from checker import ROOT
from checker.engine import labels

MARKS = Path(tempfile.gettempdir()) / "docker-0-to-1-reaping"  # an empty file per check being cleaned up
LIMIT = 120  # seconds a reaper keeps trying; a mark older than that (and a little) is stale


def _mark(pid):
    return MARKS / f"{labels.RUN_ID}-{pid}"


def hand_off():
    """Start the removal of what this process made in a detached process; True once it runs."""
    mark = _mark(os.getpid())
    try:
        MARKS.mkdir(exist_ok=True)
        mark.touch()  # before the reaper starts: it may be done before this returns
        subprocess.Popen([sys.executable, "-m", "checker", "reap", str(os.getpid())], cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT), "WORKSHOP_RUN_ID": labels.RUN_ID},
                         start_new_session=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    except OSError:
        mark.unlink(missing_ok=True)
        return False
    return True


def reap(client, pid):
    """Remove what process `pid` of this run (labels.RUN_ID) made, trying again while some of it is
    still in use or being removed, for LIMIT seconds at most; then drop its mark. Other processes of
    the same run (a test suite's checks share one) keep theirs."""
    deadline = time.monotonic() + LIMIT
    try:
        while time.monotonic() < deadline:
            try:
                labels.sweep_of_process(client, pid)
                if not labels.of_process(client, pid):
                    return
            except docker.errors.APIError:
                pass  # a network whose last container is still going away: the next round gets it
            time.sleep(0.1)
    finally:
        _mark(pid).unlink(missing_ok=True)


def wait_for_reapers(timeout=LIMIT):
    """Return once no run is being removed any more (stale marks are dropped), or after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            marks = list(MARKS.iterdir())
        except FileNotFoundError:
            return
        live = []
        for mark in marks:
            try:
                if time.time() - mark.stat().st_mtime > LIMIT + 30:
                    mark.unlink()
                else:
                    live.append(mark)
            except FileNotFoundError:
                pass
        if not live:
            return
        time.sleep(0.1)
