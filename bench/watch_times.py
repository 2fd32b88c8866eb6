"""`make watch N`: from saving a one-line change (WATCH_PAUSE after the last verdict) to the end of the
re-check, the median of WATCH_RUNS saves per step."""

import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time

from checker import ROOT
from checker.engine import reaper
from checker.workshop import course
from bench.check_times import copy_of_solutions, forget_image
from bench.common import median, say


WATCH_RUNS = 3                   # saves per step in `make watch`; the median counts
WATCH_PAUSE = 2                  # seconds from a verdict to the next save: the time an edit takes at least


def bench_watch(client, env, numbers=(3, 4)):
    """`make watch N` on a copy of the solutions: seconds from saving a one-line change to hello.py
    until the check has run again, median of WATCH_RUNS saves per step."""
    found = {}
    reaper.wait_for_reapers()  # the last warm check's containers are gone before watching starts
    for number in numbers:
        step = course.find(number)
        with tempfile.TemporaryDirectory(prefix="workshop-bench-") as tmp:
            target = copy_of_solutions(tmp)
            say(f"… make watch {number}: {WATCH_RUNS} saves")
            watcher = subprocess.Popen([sys.executable, "-m", "checker", "watch", str(number), "--target",
                                        str(target)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                       stderr=subprocess.STDOUT, text=True, start_new_session=True)
            lines, times, passed = queue.Queue(), [], True
            reader = threading.Thread(target=lambda: [lines.put(line) for line in watcher.stdout], daemon=True)
            reader.start()
            try:
                waited(lines, "Waiting for changes")  # the first check
                for save in range(WATCH_RUNS):
                    time.sleep(WATCH_PAUSE)  # meanwhile the watcher readies the next check
                    with open(target / step.folder / "hello.py", "a") as handle:
                        handle.write(f"# a one-line change {save}\n")
                    started = time.monotonic()
                    seen = waited(lines, "Waiting for changes")
                    times.append(time.monotonic() - started)
                    passed = passed and any("All " in line and "checks passed" in line for line in seen)
            finally:
                os.killpg(watcher.pid, signal.SIGINT)
                try:
                    watcher.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    os.killpg(watcher.pid, signal.SIGKILL)
                    watcher.wait()
                forget_image(client, target, number)
        found[f"{number:02d}"] = {"recheck_s": round(median(times), 2), "runs_s": [round(t, 2) for t in times],
                                  "passed": passed}
    return found


def waited(lines, text, timeout=120):
    """The watcher's lines up to the first that contains `text`."""
    seen, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.01)
        except queue.Empty:
            continue
        seen.append(line)
        if text in line:
            return seen
    raise RuntimeError(f"`make watch` printed no {text!r} within {timeout} s:\n" + "".join(seen[-20:]))
