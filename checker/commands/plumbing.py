"""What every command shares: naming a step and a target, reaching the engine, running a step's check.

Below cli.py and the command modules (demo, grade, hints, progress, reset, watch): they all import
from here, and this module imports none of them.
"""

import gc
import os
import signal
import sys
from pathlib import Path

from checker import ROOT
from checker.workshop import course, results
from checker.text.messages import msg


# Options of every pytest run over a step's checks (several may run in one process: `make grade`).
# --assert=plain: checks fail through CheckFailure, never a bare assert, so nothing needs rewriting
# (rewriting the check module and every module of hypothesis, a pytest plugin, costs ~0.4 s a run,
# and a later run in the same process would find hypothesis imported already)
PYTEST_OPTIONS = ("-p", "no:cacheprovider", "--assert=plain")


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def resolve_target(target):
    """The folder laid out like steps/ that `target` names (relative to the repo or absolute)."""
    path = Path(target or "steps")
    if not path.is_absolute():
        path = (Path.cwd() / path) if (Path.cwd() / path).exists() else ROOT / path
    return path.resolve()


def resolve_step(arg, command):
    """The Step named by `arg`, or exit with a one-line message."""
    if not arg:
        sys.exit(msg("step.missing_arg", command=command))
    step = course.find(arg)
    if step is None:
        choices = ", ".join(str(s.number) for s in course.steps())
        sys.exit(msg("step.unknown", arg=arg, choices=choices))
    return step


def engine_or_exit():
    """A docker client, or print the preflight paragraph and exit 2."""
    from checker.engine.client import EngineUnreachable, connect

    try:
        return connect()
    except EngineUnreachable as error:
        print(error, file=sys.stderr)
        print(msg("doctor.more"), file=sys.stderr)
        sys.exit(2)


def _cue_plugin(cue, then):
    """pytest plugin of a check started ahead of time: once the checks are collected, it waits for
    `cue()`; True goes on (after `then()`), False ends the process before anything was started."""
    import pytest

    class Cue:
        @pytest.hookimpl(tryfirst=True)
        def pytest_collection_finish(self, session):
            if not cue():
                sys.stdout.flush()
                os._exit(0)  # nothing to clean: no container, network or process exists before the cue
            then()

    return Cue()


class _Frozen:
    """pytest plugin: once the checks are collected, what start-up imported (pytest, docker, hypothesis,
    the check module) is never garbage; gc.freeze() makes every later collection skip it (pytest's own
    end-of-run collections took ~0.1 s each)."""

    @staticmethod
    def pytest_collection_finish(session):
        gc.freeze()


def _exit_code(code):
    """The command's exit code for pytest's: 0 passed, 1 failed, 130 interrupted."""
    import pytest

    if code in (130, pytest.ExitCode.INTERRUPTED):
        return 130
    return 0 if code == 0 else 1


def run_check(step, target, verbose=False, junit=None, quiet_header=False, cue=None, told=None, leave=False,
              on_event=None):
    """Run one step's checks against `target`; returns (exit code, summary).

    With `cue` (`make watch`), everything that does not read the learner's files (imports, the
    engine, sweeps, collecting the checks) happens first; then cue() is waited for (_cue_plugin).
    `told()` is called once the verdict is printed, before the run's containers are removed.
    With `leave` (the process ends with this check), a check that ran to its verdict hands the removal
    of its containers, networks and volumes to a reaper process (checker/engine/reaper.py) and exits at once.
    `on_event` receives each event of the run (report.py); summary["result"] is the results document.
    """
    import pytest

    from checker.engine import labels
    from checker.check.pytest_plugin import Reporter

    folder = target / step.folder
    if not target.is_dir():
        print(msg("target.missing", path=target), file=sys.stderr)
        return 2, None
    if not folder.is_dir():
        print(msg("target.step_missing", path=target, expected=step.folder), file=sys.stderr)
        return 2, None
    client = None
    from checker.commands.doctor import brief

    brief()  # what is wrong with Python, packages or disk; the engine and images are checked below
    from checker.learner import launch, sandbox

    ended = sandbox.sweep_orphans()  # learner processes a killed earlier check left running
    if ended:
        print(msg("sweep.processes", n=ended))
    labels.set_purpose(f"check:{step.folder}")
    if step.docker or launch.in_container():  # grading runs steps 01-02 in containers too
        client = engine_or_exit()
        for line in sweep_lines(labels.sweep_orphans(client)):
            print(line)
        from checker.engine.images import missing

        for name in missing(client):
            print(msg("images.missing", name=name), file=sys.stderr)
            print(msg("doctor.more"), file=sys.stderr)
            return 2, None
    from checker.workshop.starters import untouched

    reporter = Reporter(step, _label(folder), fresh_starter=lambda: untouched(folder, step), on_event=on_event)
    checked = {}

    def read_files():
        checked["files"] = results.fingerprint(folder)  # as the check reads them: a save during it counts as a change

    plugins = [reporter, _Frozen()]
    if cue is None:
        read_files()
    else:
        plugins.append(_cue_plugin(cue, read_files))
    later = [s.number for s in course.steps() if s.number > step.number]
    reporter.next_step = later[0] if later else None
    os.environ["WORKSHOP_TARGET"] = str(target)
    args = [str(step.check_file), "-x", *PYTEST_OPTIONS, "--rootdir", str(ROOT), "-c", str(ROOT / "pytest.ini")]
    args += ["-v", "-s"] if verbose else ["-p", "no:terminal"]
    if junit:
        # xunit1: checks may record_property (xunit2 turns that into a warning, hence an error)
        args += ["--junitxml", str(junit), "-o", f"junit_suite_name={step.folder}", "-o", "junit_family=xunit1"]
    signal.signal(signal.SIGTERM, _interrupt)
    summary = None
    handing = False
    try:
        try:
            code = pytest.main(args, plugins=plugins)
        except KeyboardInterrupt:
            print("\n" + msg("check.interrupted"))
            code = 130
        summary = getattr(reporter, "summary", None)
        if summary:
            results.record(target, step, summary, files=checked.get("files"))
        if told is not None:
            sys.stdout.flush()
            sys.stderr.flush()
            told()  # the verdict is out; what follows is cleaning up
        handing = leave and client is not None and _exit_code(code) != 130  # Ctrl-C waits for its clean-up
    finally:
        gc.unfreeze()  # a process that runs several checks (`make grade`) collects each run's leftovers later
        sandbox.end_all()
        if "checker.check.deploy" in sys.modules:
            sys.modules["checker.check.deploy"].settle()  # starts still running in the background end first
        from checker.engine import reaper

        if handing and reaper.hand_off():
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(_exit_code(code))  # removals still running are the reaper's: no waiting for their threads
        if "checker.engine.containers" in sys.modules:
            sys.modules["checker.engine.containers"].reap()  # and the removals teardowns left running
        if client is not None:
            for line in sweep_lines(labels.sweep_this_run(client), removed=False):
                print(line, file=sys.stderr)
    return _exit_code(code), summary


def _ago(seconds):
    """How long ago, in the largest unit that fits: 45 s, 12 min, 3 h, 2 days."""
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return msg(f"ago.{unit}", n=int(seconds // size))
    return msg("ago.s", n=int(seconds))


def _what(purpose):
    """What a run was doing, from its purpose label (check:<step folder>, watch:<step folder>, demo…)."""
    kind, _, folder = (purpose or "").partition(":")
    if kind in ("check", "watch") and folder[:2].isdigit():
        return msg(f"purpose.{kind}", step=folder[:2])
    if kind in ("demo", "bench"):
        return msg(f"purpose.{kind}")
    return msg("purpose.other")


def sweep_lines(sweep, removed=True):
    """What a sweep did, in the learner's words: one line per abandoned run it cleaned up (with
    `removed`), and one line if the engine refused a removal for another reason than "in use"."""
    lines = []
    for purpose, age, n in sweep.runs() if removed else ():
        if age is None:
            lines.append(msg("sweep.removed_undated", n=n, what=_what(purpose)))
        else:
            lines.append(msg("sweep.removed", n=n, what=_what(purpose), ago=_ago(age)))
    if sweep.problems:
        lines.append(msg("sweep.problem", reason="; ".join(sweep.problems)))
    return lines


def _label(folder):
    try:
        return str(folder.relative_to(Path.cwd()))
    except ValueError:
        return str(folder)
