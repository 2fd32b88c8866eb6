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
import sys
import tempfile
import threading
from pathlib import Path

from checker.text.failures import CheckFailure, both, tail, whole_lines
from checker.engine.processes import alive as _alive, start_time

RUNNER = Path(__file__).with_name("import_probe.py")
FORK_MARK = "runner: a process forked"  # the line import_probe.py writes in each child of a fork
FORKS_SEEN_AS_BOMB = 32  # forks at import before a killed runner counts as a fork bomb
REGISTRY = Path(os.environ.get("WORKSHOP_PROCESS_DIR") or Path(tempfile.gettempdir()) / "docker-0-to-1-processes")


def import_timeout():
    """Seconds a learner's module may take to import (WORKSHOP_IMPORT_TIMEOUT, default 20)."""
    return float(os.environ.get("WORKSHOP_IMPORT_TIMEOUT") or 20)


def memory_limit_mb():
    """Address space a local learner process may take, in MB (WORKSHOP_PROCESS_MEMORY, default 2048)."""
    return int(os.environ.get("WORKSHOP_PROCESS_MEMORY") or 2048)


# --- starting and ending process trees -------------------------------------------------------

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


# --- where learner code runs: here, or in a container of the course's python image -------------

CONTAINER_FOLDER = "/learner"
CONTAINER_SITE = "/opt/checker-site"
CONTAINER_RUNNER = "/opt/import_probe.py"


def in_container():
    """Whether learner code runs in a container (WORKSHOP_SANDBOX=container; `make grade` sets it)."""
    return os.environ.get("WORKSHOP_SANDBOX", "").strip().lower() == "container"


def learner_env(extra=None, unset=()):
    """The environment of a local learner process: the checker's, without its debug switches, plus `extra`."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1", **(extra or {})}
    for name in ("FLASK_DEBUG", "PYTHONSTARTUP", "PYTHONINSPECT", *unset):
        env.pop(name, None)
    return env


class Launch:
    """How to start one learner process: its command, environment, and the path of the folder it sees."""

    def __init__(self, command, env, where, container=None):
        self.command, self.env, self.where, self.container = command, env, where, container

    def remove(self):
        """Remove the container (if any); the docker client's end does not stop it."""
        if self.container:
            subprocess.run(["docker", "rm", "-f", self.container], capture_output=True, timeout=60)


def launch(folder, args, env=None, unset=(), network="none"):
    """Run `python ARGS` on the learner's `folder`: a local process, or a bounded container (grading).

    In a container the folder and the checker's site-packages are mounted read-only: the code sees
    no file of the grader and can change none (the packages are pure Python, so the image's Python
    imports them offline, without installing anything).
    """
    if not in_container():
        return Launch([sys.executable, *args], learner_env(env, unset), str(folder))
    import sysconfig

    from checker.engine import labels, limits
    from checker.workshop import course
    from checker.engine.containers import unique

    name = unique("learner")
    site = sysconfig.get_paths()["purelib"]
    command = ["docker", "run", "--rm", "-i", "--name", name, f"--network={network}", "--read-only",
               "--tmpfs", "/tmp", "-v", f"{folder}:{CONTAINER_FOLDER}:ro", "-v", f"{site}:{CONTAINER_SITE}:ro",
               "-v", f"{RUNNER}:{CONTAINER_RUNNER}:ro", "-w", CONTAINER_FOLDER,
               "-e", f"PYTHONPATH={CONTAINER_SITE}", "-e", "PYTHONUNBUFFERED=1", "-e", "PYTHONDONTWRITEBYTECODE=1",
               *limits.cli_flags()]
    for key, value in labels.for_this_run().items():
        command += ["--label", f"{key}={value}"]
    for key, value in (env or {}).items():
        command += ["-e", f"{key}={value}"]
    command += [course.images()["python"], "python", *args]
    return Launch(command, {**os.environ}, CONTAINER_FOLDER, container=name)


def server_args(port):
    """`python -m flask --app hello run` on 127.0.0.1:`port`, no reloader (one process to end)."""
    return ["-m", "flask", "--app", "hello", "run", "--host", "127.0.0.1", "--port", str(port), "--no-reload"]


# --- the import runner -------------------------------------------------------------------------

def blocked_frames(log, where):
    """The lines of a faulthandler dump that are the learner's own frames (most recent first)."""
    return [line.strip() for line in log.splitlines() if line.strip().startswith("File ") and where in line]


def inspect(folder, module="hello", requests=(), env=None, unset=(), timeout=None):
    """Import `module` from `folder` in a runner process; its report as a dict, or CheckFailure."""
    folder = Path(folder).resolve()
    timeout = timeout or import_timeout()
    nonce = os.urandom(16).hex()
    request = json.dumps({"module": module, "nonce": nonce, "timeout": timeout, "requests": list(requests)})
    script = CONTAINER_RUNNER if in_container() else str(RUNNER)
    run = launch(folder, [script], env=env, unset=unset)
    process = spawn(run.command, cwd=folder, env=run.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE)
    out = LogTail(process.stdout, process, keep=1024 * 1024)
    err = LogTail(process.stderr, process)
    try:
        process.stdin.write(request.encode() + b"\n")
        process.stdin.close()
    except OSError:
        pass  # the runner is already gone: its log says why
    overran = False
    try:
        # the runner ends itself at `timeout`; this bound is for a runner that cannot even do that
        process.wait(timeout + 15)
    except subprocess.TimeoutExpired:
        overran = True
    finally:
        end(process, grace=0.5)
        run.remove()
    out.join(5)
    err.join(5)
    log = err.text() + ("\nTimeout (the runner did not end itself)" if overran else "")
    if err.flooded or out.flooded:
        raise err.failure(f"importing {module}.py")
    report = _parse(out, nonce)
    if report is None:
        raise _no_report(module, process.returncode, log, timeout, run.where)
    failure = failure_of(report, module)
    if failure:
        raise failure
    report["log"] = log
    return report


def _parse(out, nonce):
    """The runner's report among the lines of its stdout (the one carrying our nonce), or None."""
    for line in out.text().splitlines():
        try:
            report = json.loads(line)
        except ValueError:
            continue
        if isinstance(report, dict) and report.get("nonce") == nonce:
            return report
    return None


def memory_text():
    """The memory a learner process may take, as the failures name it."""
    from checker.engine import limits

    return f"{limits.memory_mb() if in_container() else memory_limit_mb()} MB"


def _no_report(module, code, log, timeout, where):
    """The CheckFailure for a runner that gave no report: a fork bomb, blocked, out of memory or killed."""
    if log.count(FORK_MARK) >= FORKS_SEEN_AS_BOMB:
        return _pids_failure(module, log)
    if "Timeout (" in log:
        frames = blocked_frames(log, where)
        at = frames[0] if frames else "code outside your files (a library it called)"
        return CheckFailure("code", both(
            f"importing {module}.py did not finish within {timeout:g} s; it was running: {at}",
            f"导入 {module}.py 在 {timeout:g} 秒内没有完成；当时正在运行：{at}"),
            fix="import-blocked", log="\n".join(frames[:8]))
    if code == 137 or (code is not None and code < 0):  # SIGKILL: the memory limit, or the bound
        return CheckFailure("code", both(
            f"the process importing {module}.py was killed: it used more than {memory_text()} of memory "
            "or held too many processes",
            f"导入 {module}.py 的进程被终止了：它用掉的内存超过了 {memory_text()}，或者进程数过多"),
            fix="memory-limit", log=tail(log, 8))
    return CheckFailure("code", both(
        f"importing {module}.py ended the process (exit code {code}) before it could report",
        f"导入 {module}.py 时进程提前结束了（退出码 {code}），没能报告结果"), fix="import-error", log=tail(log, 8))


def _pids_failure(module, log):
    from checker.engine import limits

    where = f"{limits.pids()}, the limit of a container in the checks" if in_container() else "what the machine allows"
    where_zh = f"{limits.pids()} 个（检查中每个容器的上限）" if in_container() else "本机允许的数量"
    return CheckFailure("code", both(
        f"importing {module}.py started processes without end, more than {where}",
        f"导入 {module}.py 不停地创建进程，超过了 {where_zh}"), fix="pids-limit",
        log=tail("\n".join(line for line in log.splitlines() if FORK_MARK not in line), 8))


def failure_of(report, module="hello"):
    """The CheckFailure for a report whose import raised, or None."""
    if "error" not in report:
        return None
    if report.get("error_type") == "MemoryError":
        return CheckFailure("code", both(
            f"importing {module}.py took more than the {memory_text()} of memory a learner's program may use",
            f"导入 {module}.py 用掉的内存超过了学员程序可用的 {memory_text()}"), fix="memory-limit",
            log=tail(report["error"], 8))
    if report.get("error_type") == "BlockingIOError" or "Resource temporarily unavailable" in report["error"]:
        return _pids_failure(module, report["error"])
    return CheckFailure("code", both(f"importing {module}.py raised an error", f"导入 {module}.py 时出错"),
                        fix="import-error", log=tail(report["error"], 8))
