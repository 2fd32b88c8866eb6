"""Who owns what the checker made, and when it is provably abandoned.

Every container, network and volume a check makes carries the labels of the process that made it: its
pid and start (checker/engine/processes.py), its machine, what it was doing and since when (checker/engine/labels.py).
After a check's verdict a reaper process finishes its clean-up (checker/engine/reaper.py); while it works, a
mark file names it. A resource is abandoned only when all of these hold:

- it was made on this machine (a shared engine may serve several: the others are not ours to judge);
- the process that made it is gone (its pid is free, or taken by a process that started later);
- no reaper of that process is at work (no mark, a stale one, or one whose reaper is gone);
- it is older than GRACE seconds.

Anything else belongs to a live run, which removes it itself.
"""

import os
import socket
import tempfile
import time
from pathlib import Path

from checker.engine import processes

# seconds: younger than that, a resource is left alone even when its process seems gone (a start read
# wrongly, a clock that moved); WORKSHOP_SWEEP_GRACE changes it (tests of the sweep itself set 0)
GRACE = float(os.environ.get("WORKSHOP_SWEEP_GRACE") or 15)
REAPER_LIMIT = 120  # seconds a reaper keeps trying
STARTING = 30  # seconds a mark may stay empty while its reaper starts
MARKS = Path(tempfile.gettempdir()) / "docker-0-to-1-reaping"  # a file per check being cleaned up


def me():
    """(pid, start) of this process, as its labels record it."""
    return os.getpid(), processes.start_time(os.getpid())


def mark(run, pid):
    """The file that says a reaper is removing what process `pid` of run `run` made."""
    return MARKS / f"{run}-{pid}"


def claim(path):
    """Write this process (a reaper) into its mark: the mark lives as long as this process does."""
    pid, started = me()
    path.write_text(f"{pid} {started or ''}\n")


def reaper_at_work(path):
    """Whether the mark at `path` stands for a reaper that still works."""
    try:
        text = path.read_text().split()
        age = time.time() - path.stat().st_mtime
    except FileNotFoundError:
        return False
    if age > REAPER_LIMIT + 30:
        return False
    if not text:
        return age < STARTING  # handed off, the reaper not started yet
    return processes.alive(text[0], text[1] if len(text) > 1 else None)


def live_marks():
    """The marks of reapers still at work; stale marks are dropped on the way."""
    try:
        paths = list(MARKS.iterdir())
    except FileNotFoundError:
        return []
    live = []
    for path in paths:
        if reaper_at_work(path):
            live.append(path)
        else:
            path.unlink(missing_ok=True)  # its reaper is gone: what it left is abandoned now
    return live


def creator_alive(pid, started):
    """Whether the process that made a resource (its labels' pid and start) still runs."""
    return processes.alive(pid or 0, started)


def abandoned(owner, grace=GRACE, now=None):
    """Whether a resource with these owner facts (a dict: host, run, pid, started, since) is provably
    abandoned (see the module's docstring). `grace=0` for `make clean`, which a learner asks for."""
    if owner.get("host") != socket.gethostname():
        return False
    if creator_alive(owner.get("pid"), owner.get("started")):
        return False
    if owner.get("run") and reaper_at_work(mark(owner["run"], owner.get("pid"))):
        return False
    since = owner.get("since")
    if grace and since:
        try:
            return (now or time.time()) - float(since) >= grace
        except ValueError:
            return True
    return True
