"""Learner processes: started apart from the checker, bounded in time and memory, always ended.

Every process that runs a learner's code (the import runner, `flask run`) starts in a session of
its own, so that its whole tree can be ended at once; on Linux it also dies with the checker
(PR_SET_PDEATHSIG). Each one is written to a registry on this machine (pid, process group, start
time, the checker's pid and start time): the next run's sweep ends the trees that a killed checker
left behind, as the label sweep does for containers.
"""

import atexit
import json
import os
import signal
import socket
import subprocess
import tempfile
import threading
from pathlib import Path

from checker.text.failures import CheckFailure, both, tail, whole_lines
from checker.engine.processes import alive as _alive, start_time
from checker.learner.launch import in_container

REGISTRY = Path(os.environ.get("WORKSHOP_PROCESS_DIR") or Path(tempfile.gettempdir()) / "docker-0-to-1-processes")


def memory_limit_mb():
    """Address space a local learner process may take, in MB (WORKSHOP_PROCESS_MEMORY, default 2048)."""
    return int(os.environ.get("WORKSHOP_PROCESS_MEMORY") or 2048)


try:  # loaded here, not in the child: importing between fork and exec can deadlock
    import ctypes

    _LIBC = ctypes.CDLL(None, use_errno=True)
except (ImportError, OSError):
    _LIBC = None


try:
    import resource
except ImportError:  # not on Windows
    resource = None


def _child_setup(memory_bytes):
    """What runs in the child before exec: end it when the checker dies (Linux), cap its memory.

    Only calls of things prepared beforehand: the child of a threaded process must not import.
    """
    def setup():
        if _LIBC is not None:
            try:
                _LIBC.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
            except AttributeError:
                pass
        if memory_bytes and resource is not None:
            try:
                resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
            except (ValueError, OSError):
                pass
    return setup


_live = {}  # pid -> Popen, the learner processes this checker started and has not ended yet


def spawn(command, cwd, env, stdin=None, stdout=None, stderr=None):
    """Popen `command` as a learner process: its own session, memory cap, death with the checker, registered."""
    # in a container the docker client runs here: the container's own limits bound the learner's code
    memory = 0 if in_container() else memory_limit_mb() * 1024 * 1024
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdin=stdin, stdout=stdout, stderr=stderr,
        start_new_session=True, preexec_fn=_child_setup(memory) if os.name == "posix" else None,
    )
    _live[process.pid] = process
    record = {"pid": process.pid, "started": start_time(process.pid), "checker": os.getpid(),
              "checker_started": start_time(os.getpid()), "host": socket.gethostname(), "folder": str(cwd)}
    try:
        REGISTRY.mkdir(parents=True, exist_ok=True)
        (REGISTRY / f"{process.pid}.json").write_text(json.dumps(record))
    except OSError:
        pass  # a registry we cannot write only costs the sweep after a kill -9
    return process


def _signal_group(pgid, signum):
    try:
        os.killpg(pgid, signum)
        return True
    except (ProcessLookupError, PermissionError):
        return False


def end(process, grace=3.0):
    """End `process` and every process of its session: SIGTERM, then SIGKILL after `grace` seconds."""
    if process.poll() is None:
        _signal_group(process.pid, signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            pass
    # children the app started may outlive it in its group: they go too
    _signal_group(process.pid, signal.SIGKILL)
    if process.poll() is None:
        process.wait()
    _live.pop(process.pid, None)
    (REGISTRY / f"{process.pid}.json").unlink(missing_ok=True)


def end_all():
    """End every learner process this checker started and has not ended yet."""
    for process in list(_live.values()):
        end(process, grace=1.0)


atexit.register(end_all)


def running():
    """Pids of the learner processes this checker started that still run."""
    return [pid for pid, process in _live.items() if process.poll() is None]


def sweep_orphans():
    """End the learner process trees of checkers that died; returns how many trees were ended."""
    ended = 0
    for path in sorted(REGISTRY.glob("*.json")) if REGISTRY.is_dir() else ():
        try:
            record = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if record.get("host") != socket.gethostname():
            continue
        if record["checker"] == os.getpid() or _alive(record["checker"], record.get("checker_started")):
            continue  # its checker still runs and will end it
        # the leader may be gone while its children still hold the group; a live leader must be ours
        leader = start_time(record["pid"])
        reused = leader is not None and record.get("started") is not None and str(leader) != str(record["started"])
        if not reused and _signal_group(record["pid"], signal.SIGKILL):
            ended += 1
        path.unlink(missing_ok=True)
    return ended


def leftovers():
    """Registered learner processes whose checker has ended but that still run (pid and folder)."""
    found = []
    for path in sorted(REGISTRY.glob("*.json")) if REGISTRY.is_dir() else ():
        try:
            record = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if record.get("host") != socket.gethostname() or _alive(record["checker"], record.get("checker_started")):
            continue
        if _group_alive(record["pid"]):
            found.append(f"pid {record['pid']} ({record.get('folder')})")
    return found


def _group_alive(pgid):
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class LogTail(threading.Thread):
    """Reads a learner process's output as it comes: keeps its last part, ends the tree on a flood.

    Nothing of it goes to disk, and the checker keeps at most `keep` bytes, however much is written.
    """

    def __init__(self, stream, process, cap=None, keep=64 * 1024):
        super().__init__(daemon=True)
        self.stream, self.process, self.keep = stream, process, keep
        self.cap = cap if cap is not None else log_cap()
        self.data, self.total, self.flooded = b"", 0, False
        self.dropped = False  # whether output before self.data was let go
        self.start()

    def run(self):
        while True:
            try:
                chunk = os.read(self.stream.fileno(), 65536)
            except (OSError, ValueError):
                break
            if not chunk:
                break
            self.total += len(chunk)
            joined = self.data + chunk
            self.data = joined[-self.keep:]
            if len(joined) > self.keep:
                self.dropped = True  # after self.data: text() that sees it sees the shortened data
            if self.total > self.cap and not self.flooded:
                self.flooded = True
                _signal_group(self.process.pid, signal.SIGKILL)
        self.stream.close()

    def text(self):
        """What was kept, as text: from its first whole line when earlier output was dropped."""
        dropped = self.dropped
        return whole_lines(self.data, dropped).decode("utf-8", "replace")

    def failure(self, what):
        """The CheckFailure of a flood, naming the cap."""
        mb = self.cap / 1024 / 1024
        return CheckFailure("code", both(
            f"{what} wrote more than {mb:g} MB of output, the most a learner's program may log during a check",
            f"{what} 输出了超过 {mb:g} MB 的日志，这是检查期间学员程序可写日志的上限"),
            fix="log-flood", log=tail(self.text(), 6))


def log_cap():
    """Bytes of output a learner process may write during one check (the container log cap too)."""
    from checker.engine import limits

    return limits.log_mb() * 1024 * 1024
