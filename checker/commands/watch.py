"""`make watch N`: run a step's check again whenever a file of the step changes.

File events come from watchdog. Where they do not arrive (WSL2's /mnt drives, network file
systems) it polls instead; WATCH_POLL=1 forces polling, WATCH_POLL=0 forbids it.
"""

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from checker import ROOT
from checker.text.messages import msg

DEBOUNCE = 0.1       # seconds of quiet after the last change before checking again (editors save in bursts of ms)
POLL_SECONDS = 1.0
# file systems whose changes inotify (and friends) do not report
POLLED_FILESYSTEMS = {"nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "v9fs", "drvfs", "fuse.sshfs", "sshfs",
                      "vboxsf", "vmhgfs", "fuse.vmhgfs-fuse", "afs", "ceph", "glusterfs", "fuse.glusterfs"}
# what a check or an editor writes that is not a change of the learner's files
IGNORED_PARTS = {"__pycache__", ".pytest_cache", ".git", ".mypy_cache"}
IGNORED_SUFFIXES = (".pyc", ".swp", ".swx", ".swo", "~", ".tmp", ".part", "___jb_tmp___", "___jb_old___")
# the temporary files editors and tools write next to a file before they rename it over that file:
# `sed -i` (sedXXXXXX), vim's write test (4913, 4914, …), Emacs's lock (.#name), gedit, LibreOffice
TEMPORARY = re.compile(r"^(sed[A-Za-z0-9]{6}|\d+|\.#.*|\.goutputstream-.*|\.~lock\..*|#.*#)$")
CHANGES = {"created", "deleted", "modified", "moved", "closed"}


def filesystem_of(path):
    """The type of the file system holding `path` (from /proc/mounts), or ''."""
    best, kind = "", ""
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return ""
    for line in mounts:
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        inside = str(path) == point or str(path).startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, fields[2]
    return kind


def on_wsl():
    try:
        return "microsoft" in Path("/proc/sys/kernel/osrelease").read_text().lower()
    except OSError:
        return False


def needs_polling(path, setting=None):
    """Whether to poll `path`: WATCH_POLL decides if set, else the kind of file system."""
    setting = os.environ.get("WATCH_POLL", "") if setting is None else setting
    if setting.strip().lower() in ("1", "yes", "true"):
        return True
    if setting.strip().lower() in ("0", "no", "false"):
        return False
    if setting.strip():
        raise ValueError(setting)
    if on_wsl() and str(path).startswith("/mnt/"):
        return True
    return filesystem_of(path) in POLLED_FILESYSTEMS


def temporary(name):
    """Whether `name` is an editor's or a tool's temporary file, not one of the learner's."""
    return name.endswith(IGNORED_SUFFIXES) or bool(TEMPORARY.match(name))


def relevant(event, folder):
    """The name of the learner's file that changed (not a read, a cache, an editor's swap or temporary
    file), or None. A rename names the file it wrote: `sed -i` renames sedXXXXXX over hello.py."""
    if event.event_type not in CHANGES or (event.is_directory and event.event_type == "modified"):
        return None
    for raw in (getattr(event, "dest_path", "") or "", event.src_path):
        path = Path(os.fsdecode(raw)) if raw else None
        if path is None:
            continue
        parts = set(path.relative_to(folder).parts) if path.is_relative_to(folder) else set()
        if parts & IGNORED_PARTS or temporary(path.name):
            continue
        return path.name
    return None


class Changes:
    """Collects relevant events from the observer thread; the main thread waits on it."""

    def __init__(self, folder):
        self.folder = folder
        self.event = threading.Event()
        self.last = 0.0
        self.name = ""

    def dispatch(self, event):  # the observer calls this for every event
        name = relevant(event, self.folder)
        if name:
            self.name = name
            self.last = time.monotonic()
            self.event.set()

    def wait(self):
        """Block until a change, then until DEBOUNCE seconds pass without another; its file name."""
        self.event.wait()
        while time.monotonic() - self.last < DEBOUNCE:
            time.sleep(0.05)
        self.event.clear()
        return self.name


def observer_for(polling):
    """watchdog's native observer (inotify, FSEvents, …), or its polling one."""
    from watchdog.observers import Observer
    from watchdog.observers.polling import PollingObserver

    return PollingObserver(timeout=POLL_SECONDS) if polling else Observer()


class Primed:
    """The next check, started ahead of time in its own process (a fresh import of the learner's code
    each time): it loads the checker, collects its checks and waits, so that a save is checked without
    that start-up. It closes a pipe once its verdict is printed: the watcher is ready for the next save
    while that check removes its containers."""

    def __init__(self, step, target, verbose, args=(), env=None, **popen):
        told_read, told_write = os.pipe()
        command = [sys.executable, "-m", "checker", "check", str(step.number), "--target", str(target),
                   "--on-cue", "--told-fd", str(told_write), *args]  # args, env, popen: the lesson page's
        if verbose:
            command.append("--verbose")
        # its own process group: Ctrl-C reaches the watcher only, which passes it on exactly once
        self.child = subprocess.Popen(command, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
                                      process_group=0, stdin=subprocess.PIPE, pass_fds=(told_write,), **popen)
        os.close(told_write)
        self.told = os.fdopen(told_read, "rb")

    def run(self):
        """Cue the check and wait for its verdict (or its end, whichever comes first)."""
        try:
            self.child.stdin.write(b"go\n")
            self.child.stdin.close()
        except BrokenPipeError:
            pass  # it ended already (it says why itself)
        try:
            self.told.read()  # the end of the pipe: the verdict is out, or the process is gone
        except KeyboardInterrupt:
            # the check removes its containers on SIGINT; give it the time to
            self.child.send_signal(signal.SIGINT)
            self.end()
            raise
        finally:
            self.told.close()

    def cancel(self):
        """End a check that was never cued: closing its stdin tells it to leave quietly."""
        try:
            self.child.stdin.close()
        except OSError:
            pass
        self.end()

    def end(self):
        """Wait for the process to end (a check still removing its containers finishes that)."""
        try:
            self.child.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.child.kill()
            self.child.wait()


def kept_run(step):
    """For a step whose check runs containers: give what the watcher starts a run id of its own (each
    check's sweep of its run leaves it alone); the function that removes it all when watching ends."""
    if not step.docker:
        return _nothing
    from checker.engine import labels
    from checker.engine.client import connect

    labels.RUN_ID = f"{labels.RUN_ID}-kept"
    labels.set_purpose(f"watch:{step.folder}")

    def stop():
        try:
            labels.sweep_this_run(connect())  # also a container whose start Ctrl-C interrupted
        except Exception:
            pass

    return stop


def keep_warm(step):
    """Start the Redis containers and the network the checks of this watch share (checker/check/warm.py).
    Without an engine the check itself says what is wrong."""
    if not step.docker:
        return
    from checker.check import warm

    try:
        os.environ[warm.ENV], _ = warm.keep()
    except Exception:
        pass  # the check then starts its own


def _nothing():
    pass


def watch(step, target, verbose=False):
    from checker.commands.progress import label

    folder = target / step.folder
    if not folder.is_dir():
        print(msg("target.step_missing", path=target, expected=step.folder), file=sys.stderr)
        return 2
    try:
        polling = needs_polling(folder.resolve())
    except ValueError as error:
        print(msg("watch.bad_poll", value=error), file=sys.stderr)
        return 2
    changes = Changes(folder.resolve())
    observer = observer_for(polling)
    observer.schedule(changes, str(folder.resolve()), recursive=True)
    how = msg("watch.polling", seconds=POLL_SECONDS) if polling else msg("watch.native")
    for signum in (signal.SIGTERM, signal.SIGHUP):  # kill, or the terminal closed: stop like Ctrl-C
        signal.signal(signum, _interrupt)
    observer.start()
    stop_warm = kept_run(step)
    primed = checked = None
    try:
        print(msg("watch.start", folder=label(folder), how=how), flush=True)
        keep_warm(step)
        checked = Primed(step, target, verbose)
        checked.run()
        while True:
            primed = Primed(step, target, verbose)  # ready before the next save
            print(msg("watch.waiting", folder=label(folder)), flush=True)
            name = changes.wait()
            checked.end()  # the last check has long removed its containers by now
            print("\n" + msg("watch.changed", time=time.strftime("%H:%M:%S"), name=name), flush=True)
            checked, primed = primed, None
            checked.run()
    except KeyboardInterrupt:
        if primed is not None:
            primed.cancel()
        print("\n" + msg("watch.stopped"), flush=True)
        return 0
    finally:
        if checked is not None:
            checked.end()
        observer.stop()
        observer.join(timeout=5)
        stop_warm()


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def cmd_watch(args):
    from checker.commands.plumbing import resolve_step, resolve_target

    step = resolve_step(args.step, "watch")
    target = resolve_target(args.target)
    if not target.is_dir():
        print(msg("target.missing", path=target), file=sys.stderr)
        return 2
    return watch(step, target, verbose=args.verbose)


def add_parser(sub):
    command = sub.add_parser("watch", help="run a step's check again on every change")
    command.add_argument("step", nargs="?")
    command.add_argument("--target", default=os.environ.get("TARGET") or "steps")
    command.add_argument("--verbose", "-v", action="store_true", default=bool(os.environ.get("V")))
    command.set_defaults(func=cmd_watch)
