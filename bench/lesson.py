"""`make bench`, the lesson page: from saving a one-line change to the verdict reaching the page
(its server-sent event), against the same check run by `make check-step N`; and the server's CPU use
while nobody saves (server and the check it keeps started ahead), as a share of one core."""

import json
import os
import queue
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

from checker import ROOT
from checker.workshop import course

SAVES = 3          # saves per step; the median counts
PAUSE = 2          # seconds from a verdict to the next save, as for `make watch`
IDLE_SECONDS = 10  # how long the idle CPU is measured
SETTLE = 8         # seconds after the last verdict before that


def _cpu_seconds(pid):
    """user + system CPU seconds of process `pid` and its children (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = [child for task in Path(f"/proc/{pid}/task").iterdir()  # each thread's children
                    for child in (task / "children").read_text().split()]
    except OSError:
        return 0.0
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(_cpu_seconds(int(child)) for child in children)


def _verdicts(url, number, found):
    """Put each snapshot of the step's events with a verdict into `found` (a queue)."""
    try:
        with requests.get(f"{url}step/{number}/events?lang=en", stream=True, timeout=(5, 600)) as answer:
            for line in answer.iter_lines(decode_unicode=True):
                if line and line.startswith("data: "):
                    snapshot = json.loads(line[6:])
                    if snapshot["result"] is not None and not snapshot["running"]:
                        found.put((time.monotonic(), snapshot))
    except requests.RequestException:
        pass  # the server stopped


def _next_verdict(found, after, timeout=300):
    """The first verdict of a check newer than generation `after`: (its time, snapshot)."""
    deadline = time.monotonic() + timeout
    while True:
        when, snapshot = found.get(timeout=max(deadline - time.monotonic(), 0.1))
        if snapshot["generation"] > after:
            return when, snapshot


def _check_step(number, target, env):
    """Seconds `make check-step N` takes on `target` (the same command, without make)."""
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "checker", "check", str(number), "--target", str(target)], cwd=ROOT,
                   env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - started


def _stop(server):
    """Ctrl-C to the server, which ends the checks it started; killed if it has not ended in 2 minutes."""
    server.send_signal(signal.SIGINT)
    try:
        server.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        server.kill()
        server.communicate()


def bench_step(number, env):
    """One step on a copy of its solution: {page_s, check_step_s, ratio, passed, idle_cpu_percent}."""
    step = course.find(number)
    with tempfile.TemporaryDirectory(prefix="workshop-bench-") as tmp:
        target = Path(tmp) / "steps"
        (target / step.folder).parent.mkdir(parents=True)
        subprocess.run(["cp", "-r", str(ROOT / "solutions" / step.folder), str(target / step.folder)], check=True)
        server = subprocess.Popen([sys.executable, "-m", "checker", "lesson", "--target", str(target)], cwd=ROOT,
                                  env={**env, "LESSON_PORT": "0", "CI": "1", "WORKSHOP_STATE_DIR": f"{tmp}/state"},
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
        try:
            url = re.search(r"http://127\.0\.0\.1:\d+/", server.stdout.readline()).group(0)
            found = queue.Queue()
            threading.Thread(target=_verdicts, args=(url, number, found), daemon=True).start()
            _when, last = _next_verdict(found, 0)  # the check the page's opening starts
            page, passed = [], True
            for save in range(SAVES):
                time.sleep(PAUSE)
                with open(target / step.folder / "hello.py", "a") as handle:
                    handle.write(f"# a one-line change {save}\n")
                started = time.monotonic()
                when, last = _next_verdict(found, last["generation"])
                page.append(when - started)
                passed = passed and last["result"]["status"] == "pass"
            time.sleep(SETTLE)  # the last check has removed its containers; the next one is started ahead
            before, cpu_before = time.monotonic(), _cpu_seconds(server.pid)
            time.sleep(IDLE_SECONDS)
            idle = (_cpu_seconds(server.pid) - cpu_before) / (time.monotonic() - before)
        finally:
            _stop(server)
        terminal = []
        for save in range(SAVES):
            with open(target / step.folder / "hello.py", "a") as handle:
                handle.write(f"# another one-line change {save}\n")
            terminal.append(_check_step(number, target, env))
            time.sleep(PAUSE)
    page_s, check_s = sorted(page)[len(page) // 2], sorted(terminal)[len(terminal) // 2]
    return {"page_s": round(page_s, 2), "check_step_s": round(check_s, 2), "ratio": round(page_s / check_s, 2),
            "runs_s": [round(t, 2) for t in page], "passed": passed, "idle_cpu_percent": round(100 * idle, 2)}


def bench_lesson(env, numbers=(1, 3)):
    """The lesson page for a step without containers and one with them."""
    return {f"{number:02d}": bench_step(number, env) for number in numbers}


def lines(found):
    """The bench table's rows for the lesson page."""
    rows = [f"{'make lesson':<20}{'page s':>8}{'check s':>9}{'ratio':>7}{'idle CPU %':>12}  passed"
            "   (save to the verdict on the page; make check-step N)"]
    for number, run in found.items():
        rows.append(f"{number:<20}{run['page_s']:>8.2f}{run['check_step_s']:>9.2f}{run['ratio']:>7.2f}"
                    f"{run['idle_cpu_percent']:>12.2f}  {run['passed']}")
    return rows


if __name__ == "__main__":  # this part alone: python -m bench.lesson [N ...]
    result = bench_lesson({**{k: v for k, v in os.environ.items() if k != "WORKSHOP_RUN_ID"}, "WORKSHOP_LANG": "en",
                           "PYTHONPATH": str(ROOT)}, [int(n) for n in sys.argv[1:]] or (1, 3))
    print("\n".join(lines(result)))
    print(json.dumps(result, indent=1))
