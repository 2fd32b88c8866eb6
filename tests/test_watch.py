"""`make watch N`: a change to a file of the step runs the check again; Ctrl-C stops everything."""

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from checker import ROOT
from checker.workshop import course

STEP = course.steps()[0]  # runs no container: fast


class Watcher:
    """`python -m checker watch` in the background, its output collected line by line."""

    def __init__(self, target, env=None, step=STEP, background_job=False):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "checker", "watch", str(step.number), "--target", str(target)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "WORKSHOP_LANG": "en", **(env or {})},
            # what a shell does to a job started with `&`: SIGINT ignored, inherited through exec
            preexec_fn=(lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if background_job else None,
        )
        self.lines = queue.Queue()
        self.seen = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def close(self):
        """Kill the watcher if a test left it running; close its output pipe."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.reader.join(timeout=5)
        self.process.stdout.close()

    def wait_for(self, text, timeout=30):
        """Read output until a line containing `text`; fail with what was seen."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                continue
            self.seen.append(line)
            if text in line:
                return line
        pytest.fail(f"no line with {text!r} within {timeout} s:\n" + "\n".join(self.seen))

    def quiet_for(self, seconds):
        """The lines printed during the next `seconds`."""
        time.sleep(seconds)
        new = []
        while not self.lines.empty():
            new.append(self.lines.get())
        self.seen += new
        return new

    def interrupt(self):
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=30)


def checks_of(target):
    """Processes still running a check of `target` (from /proc)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            words = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if b"check" in words and str(target).encode() in words:
            found.append(cmdline.parent.name)
    return found


@pytest.fixture
def watch(tmp_path):
    """Start watchers on a target; each is stopped and closed after the test."""
    started = []

    def start(target, env=None, step=STEP, background_job=False):
        watcher = Watcher(target, env={"WORKSHOP_STATE_DIR": str(tmp_path / "state"), **(env or {})}, step=step,
                          background_job=background_job)
        started.append(watcher)
        return watcher

    yield start
    for watcher in started:
        watcher.close()


@pytest.fixture
def target(tmp_path):
    """A learner's folder holding the solution of step 1."""
    shutil.copytree(ROOT / "solutions" / STEP.folder, tmp_path / STEP.folder)
    return tmp_path


@pytest.mark.parametrize("poll", ["0", "1"])
def test_change_runs_the_check_again(watch, target, poll):
    """Saving a file re-runs the check (with file events, and with polling); Ctrl-C exits cleanly."""
    watcher = watch(target, env={"WATCH_POLL": poll})
    start = watcher.wait_for("Watching")
    assert ("polling" in start) == (poll == "1")
    watcher.wait_for("All 3 checks passed")
    watcher.wait_for("Waiting for changes")
    # the check reads the learner's files; reading is not a change
    assert not [line for line in watcher.quiet_for(1.5) if "changed" in line]
    hello = target / STEP.folder / "hello.py"
    hello.write_text(hello.read_text().replace("Hello, Flask", "Hello, Docker"))
    watcher.wait_for("hello.py changed")
    watcher.wait_for("GET / answered")  # the check ran again, on the new text, and failed
    watcher.wait_for("Waiting for changes")
    assert watcher.interrupt() == 0
    assert "Stopped watching." in watcher.quiet_for(0.2) + watcher.seen
    assert checks_of(target) == []


def test_several_saves_run_one_check(watch, target):
    """Saves close together are debounced into one run."""
    watcher = watch(target)
    watcher.wait_for("Waiting for changes")
    hello = target / STEP.folder / "hello.py"
    for number in range(5):
        hello.write_text(hello.read_text() + f"\n# edit {number}\n")
        time.sleep(0.01)
    watcher.wait_for("changed")
    watcher.wait_for("Waiting for changes")
    later = watcher.quiet_for(1.5)
    assert not [line for line in later if "changed" in line], later
    assert watcher.interrupt() == 0


def test_ctrl_c_during_a_check(watch, target):
    """Ctrl-C while a check runs stops it too; nothing is left running."""
    watcher = watch(target)
    watcher.wait_for("Watching")
    watcher.wait_for("Step ")
    assert watcher.interrupt() == 0
    assert checks_of(target) == []


def test_sigint_stops_a_watcher_started_as_a_background_job(watch, target):
    """A watcher that inherited SIGINT ignored (`make watch 1 &`) still stops on SIGINT, check and all."""
    watcher = watch(target, background_job=True)
    watcher.wait_for("Waiting for changes")
    # Python raises KeyboardInterrupt only for a SIGINT it did not find ignored at start-up
    assert watcher.interrupt() == 0
    assert checks_of(target) == []


def test_bad_input(checker, target, tmp_path):
    """An unknown step, a missing folder or a bad WATCH_POLL: a message and a non-zero exit."""
    results = [
        checker("watch", "99", "--target", str(target)),
        checker("watch", str(STEP.number), "--target", str(tmp_path / "nope")),
        checker("watch", str(STEP.number), "--target", str(target), env={"WATCH_POLL": "sometimes"}),
    ]
    for result in results:
        assert result.returncode != 0 and result.stderr.strip() and "Traceback" not in result.stderr
    assert "WATCH_POLL" in results[2].stderr


def test_ctrl_c_removes_the_containers_of_a_running_check(watch, tmp_path):
    """Ctrl-C while a step's check has containers running: the watcher exits and they are gone."""
    from checker.engine import labels
    from checker.engine.client import connect

    step = next(step for step in course.steps() if step.docker)
    shutil.copytree(ROOT / "solutions" / step.folder, tmp_path / "work" / step.folder)
    run_id = f"watch-test-{os.getpid()}-{time.monotonic_ns()}"
    client = connect()
    # the check's own run, and the Redis and network the watcher keeps for its checks
    runs = [{"label": f"{labels.RUN}={run}"} for run in (run_id, f"{run_id}-kept")]

    def containers_of_runs():
        return [found for mine in runs for found in client.containers.list(all=True, filters=mine, sparse=True)]

    watcher = watch(tmp_path / "work", env={"WORKSHOP_RUN_ID": run_id}, step=step)
    watcher.wait_for("Watching")
    deadline = time.monotonic() + 60
    while not containers_of_runs() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert containers_of_runs(), "the check never started a container"
    assert watcher.interrupt() == 0
    assert containers_of_runs() == []
    assert [found for mine in runs for found in client.networks.list(filters=mine)] == []


def test_check_started_ahead_waits_for_its_cue(tmp_path):
    """A check started with --on-cue prints nothing until cued, then checks; closing stdin ends it quietly."""
    folder = tmp_path / "steps"
    shutil.copytree(ROOT / "solutions" / "01-hello-flask", folder / "01-hello-flask")
    command = [sys.executable, "-m", "checker", "check", "1", "--target", str(folder), "--on-cue"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "WORKSHOP_LANG": "en"}
    cued = subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    output, _ = cued.communicate("go\n", timeout=120)
    # cued: the whole check ran and passed
    assert cued.returncode == 0 and "checks passed" in output
    never = subprocess.run(command, cwd=ROOT, env=env, input="", capture_output=True, text=True, timeout=120)
    # never cued (the watcher stopped): no output, no error
    assert never.returncode == 0 and never.stdout == "" and never.stderr == ""


TEMPORARY_NAMES = [".#hello.py", "hello.py~", ".hello.py.swp", ".hello.py.swx", "4913", "5036", "sedAb12Cd",
                   "#hello.py#", ".goutputstream-X1Y2Z3", "hello.py___jb_tmp___", "hello.py___jb_old___"]


@pytest.mark.parametrize("name", TEMPORARY_NAMES)
def test_temporary_files_are_not_the_learners(name):
    """Editors' and tools' temporary files are never named as the changed file."""
    from checker.commands.watch import temporary

    assert temporary(name)


@pytest.mark.parametrize("name", ["hello.py", "requirements.txt", "Dockerfile", ".dockerignore", "compose.yaml",
                                  "sed.py", "v2.py", "redis.conf"])
def test_learner_files_are_not_temporary(name):
    from checker.commands.watch import temporary

    assert not temporary(name)


def observed(folder, edit):
    """The names Changes reports while `edit()` changes files in `folder` (file events, as make watch)."""
    from checker.commands.watch import Changes, observer_for

    changes = Changes(folder.resolve())
    names = []
    dispatch = changes.dispatch

    def record(event):
        dispatch(event)
        if changes.event.is_set():
            names.append(changes.name)
            changes.event.clear()

    changes.dispatch = record
    observer = observer_for(polling=False)
    observer.schedule(changes, str(folder.resolve()), recursive=True)
    observer.start()
    try:
        time.sleep(0.2)
        edit()
        time.sleep(0.5)
    finally:
        observer.stop()
        observer.join(timeout=5)
    return names


def test_sed_in_place_names_the_edited_file(tmp_path):
    """`sed -i` writes a temporary sedXXXXXX and renames it over the file: the file is named, not sedXXXXXX."""
    if not shutil.which("sed"):
        pytest.skip("no sed")
    hello = tmp_path / "hello.py"
    hello.write_text("print('Hello, Flask')\n")
    names = observed(tmp_path, lambda: subprocess.run(["sed", "-i", "s/Flask/Docker/", str(hello)], check=True))
    assert names and set(names) == {"hello.py"}, names


def test_editor_temporary_files_name_the_saved_file(tmp_path):
    """What vim, Emacs and JetBrains editors write around a save: only the saved file is named."""
    hello = tmp_path / "hello.py"
    hello.write_text("one\n")

    def save():
        (tmp_path / "4913").write_text("")       # vim checks that it may write in the folder
        (tmp_path / "4913").unlink()
        (tmp_path / ".hello.py.swp").write_text("swap")
        (tmp_path / ".#hello.py").symlink_to("learner@host.1234")  # Emacs's lock
        (tmp_path / "hello.py~").write_text("one\n")  # a backup
        temp = tmp_path / "hello.py___jb_tmp___"
        temp.write_text("two\n")
        os.replace(temp, hello)
        (tmp_path / ".#hello.py").unlink()
        (tmp_path / ".hello.py.swp").unlink()

    names = observed(tmp_path, save)
    assert names and set(names) == {"hello.py"}, names


def test_only_temporary_files_change_nothing(tmp_path):
    """A temporary file made and removed without touching a learner's file is no change."""
    (tmp_path / "hello.py").write_text("one\n")

    def touch_temporaries():
        for name in ("4913", "sedXy12Zq", ".#hello.py.lock"):
            (tmp_path / name).write_text("")
            (tmp_path / name).unlink()

    assert observed(tmp_path, touch_temporaries) == []


def test_watch_names_the_file_sed_edited(watch, target):
    """In `make watch`, a `sed -i` edit is reported as a change of hello.py."""
    if not shutil.which("sed"):
        pytest.skip("no sed")
    watcher = watch(target)
    watcher.wait_for("Waiting for changes")
    subprocess.run(["sed", "-i", "s/Hello, Flask/Hello, Docker/", str(target / STEP.folder / "hello.py")], check=True)
    line = watcher.wait_for("changed")
    assert "hello.py changed" in line and "sed" not in line, line
    watcher.wait_for("Waiting for changes")
    assert watcher.interrupt() == 0
