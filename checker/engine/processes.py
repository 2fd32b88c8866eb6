"""Processes known by their pid and when they started, so that a reused pid is never taken for the
process that was recorded.

Linux tells a start from /proc (clock ticks since boot); elsewhere `ps -o lstart=` does. Where neither
can, a process that exists counts as the one recorded: nothing of a live run is ever taken for
abandoned.
"""

import hashlib
import os
import subprocess
import sys
from pathlib import Path


def start_time(pid):
    """When process `pid` started, as a string to compare, or None where that cannot be told."""
    try:
        stat = Path(f"/proc/{int(pid)}/stat").read_text()
    except (OSError, ValueError):
        if sys.platform.startswith("linux"):
            return None  # /proc answers for every live process on Linux: this one is gone
        return _ps_start(pid)
    return stat.rsplit(")", 1)[1].split()[19]


def token(started):
    """A short form of a start, fit for an image tag (a start may hold spaces)."""
    return hashlib.sha1(str(started).encode()).hexdigest()[:10] if started not in (None, "") else None


def _ps_start(pid):
    try:
        out = subprocess.run(["ps", "-o", "lstart=", "-p", str(int(pid))], capture_output=True, text=True,
                             timeout=5).stdout.strip()
    except (OSError, ValueError, subprocess.SubprocessError):
        return None
    return " ".join(out.split()) or None


def alive(pid, started=None):
    """Whether `pid` still runs and, when `started` (a start or its token) is known, is the same process
    that was recorded."""
    try:
        pid = int(pid)
        if pid <= 0:
            return False
        os.kill(pid, 0)
    except (ValueError, TypeError, ProcessLookupError):
        return False
    except PermissionError:
        pass  # another user's process: it exists
    if started in (None, ""):
        return True
    now = start_time(pid)
    return now is None or str(started) in (str(now), token(now))
