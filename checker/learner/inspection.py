"""The learner's module imported by the import probe (import_probe.py) in a process of its own, and what it
reports back: the app's routes and answers, or why the import failed (a traceback, a fork bomb, a blocking
import, the memory limit), as a CheckFailure with its hint."""

import json
import os
import subprocess
from pathlib import Path

from checker.text.failures import CheckFailure, both, tail
from checker.learner.launch import CONTAINER_RUNNER, RUNNER, in_container, launch
from checker.learner.sandbox import LogTail, end, memory_limit_mb, spawn

FORK_MARK = "runner: a process forked"  # the line import_probe.py writes in each child of a fork
FORKS_SEEN_AS_BOMB = 32  # forks at import before a killed runner counts as a fork bomb


def import_timeout():
    """Seconds a learner's module may take to import (WORKSHOP_IMPORT_TIMEOUT, default 20)."""
    return float(os.environ.get("WORKSHOP_IMPORT_TIMEOUT") or 20)


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
