"""After a check's verdict, what it started is removed by a process of its own, so that `make check-step`
gives the prompt back at once (testcontainers' Ryuk does this job, but it needs a registry).

The check hands over with hand_off(): a detached `python -m checker reap PID` removes the containers,
then the networks, volumes and temporary images its process made, until none is left. Each hand-over
leaves a mark that names the reaper (checker/engine/ownership.py): while the reaper works, no other run takes
those objects for abandoned, and `leftovers` waits for the marks before it looks. Should the reaper
fail (the engine stopped meanwhile), what is left is abandoned, and the next check sweeps it.
"""

import os
import subprocess
import sys
import time

from checker import ROOT
from checker.engine import labels, ownership

LIMIT = ownership.REAPER_LIMIT  # seconds a reaper keeps trying


def _mark(pid):
    return ownership.mark(labels.RUN_ID, pid)


def hand_off():
    """Start the removal of what this process made in a detached process; True once it runs."""
    mark = _mark(os.getpid())
    try:
        ownership.MARKS.mkdir(exist_ok=True)
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
    the same run (a test suite's checks share one) keep theirs. Never raises."""
    mark = _mark(pid)
    deadline = time.monotonic() + LIMIT
    try:
        if mark.exists():
            ownership.claim(mark)
        while time.monotonic() < deadline:
            labels.sweep_of_process(client, pid)  # engine errors stay in the Sweep: the next round retries
            try:
                if not labels.of_process(client, pid):
                    return
            except Exception:
                pass  # the engine did not answer the listing: try again
            time.sleep(0.1)
    except Exception:
        pass  # the engine went away: what is left is abandoned once this process ends
    finally:
        mark.unlink(missing_ok=True)


def wait_for_reapers(timeout=LIMIT):
    """Return once no reaper is at work any more (marks of gone reapers are dropped), or after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and ownership.live_marks():
        time.sleep(0.1)
