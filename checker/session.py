"""What every command shares: naming a step and a target, reaching the engine, running a step's check.

Below cli.py and the command modules (demo, grade, hints, progress, reset, watch): they all import
from here, and this module imports none of them.
"""

import os
import signal
import sys
from pathlib import Path

from . import ROOT, course, results
from .messages import msg


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
    from .engine import EngineUnreachable, connect

    try:
        return connect()
    except EngineUnreachable as error:
        print(error, file=sys.stderr)
        print(msg("doctor.more"), file=sys.stderr)
        sys.exit(2)


def preload():
    """Import what every check imports (pytest, the docker SDK, testcontainers, hypothesis...), so that
    a check started ahead of time (`make watch`) begins at once when it is cued. No learner code."""
    import pytest  # noqa: F401

    from . import builds, contract, deploy, doctor, engine, images, labels, report, sandbox, starter  # noqa: F401


def run_check(step, target, verbose=False, junit=None, quiet_header=False):
    """Run one step's checks against `target`; returns (exit code, summary)."""
    import pytest

    from . import labels
    from .report import Reporter

    folder = target / step.folder
    if not target.is_dir():
        print(msg("target.missing", path=target), file=sys.stderr)
        return 2, None
    if not folder.is_dir():
        print(msg("target.step_missing", path=target, expected=step.folder), file=sys.stderr)
        return 2, None
    client = None
    from .doctor import brief

    brief()  # what is wrong with Python, packages or disk; the engine and images are checked below
    from . import sandbox

    ended = sandbox.sweep_orphans()  # learner processes a killed earlier check left running
    if ended:
        print(msg("sweep.processes", n=ended))
    if step.docker or sandbox.in_container():  # grading runs steps 01-02 in containers too
        client = engine_or_exit()
        swept = labels.sweep_orphans(client)
        if swept:
            print(msg("sweep.removed", n=swept))
        from .images import missing

        for name in missing(client):
            print(msg("images.missing", name=name), file=sys.stderr)
            print(msg("doctor.more"), file=sys.stderr)
            return 2, None
    from .starter import untouched

    reporter = Reporter(step, _label(folder), fresh_starter=untouched(folder, step))
    checked = results.fingerprint(folder)  # the files as the check reads them: a save during it counts as a change
    later = [s.number for s in course.steps() if s.number > step.number]
    reporter.next_step = later[0] if later else None
    os.environ["WORKSHOP_TARGET"] = str(target)
    args = [str(step.check_file), "-x", "-p", "no:cacheprovider", "--rootdir", str(ROOT),
            "-c", str(ROOT / "pytest.ini"),
            # preload() may have imported hypothesis (a pytest plugin) already: it is used, not rewritten
            "-W", "ignore::pytest.PytestAssertRewriteWarning"]
    args += ["-v", "-s"] if verbose else ["-p", "no:terminal"]
    if junit:
        # xunit1: checks may record_property (xunit2 turns that into a warning, hence an error)
        args += ["--junitxml", str(junit), "-o", f"junit_suite_name={step.folder}", "-o", "junit_family=xunit1"]
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        code = pytest.main(args, plugins=[reporter])
    except KeyboardInterrupt:
        print("\n" + msg("check.interrupted"))
        code = 130
    finally:
        sandbox.end_all()
        if "checker.deploy" in sys.modules:
            sys.modules["checker.deploy"].settle()  # starts still running in the background end first
        if "checker.containers" in sys.modules:
            sys.modules["checker.containers"].reap()  # and the removals teardowns left running
        if client is not None:
            labels.sweep_this_run(client)
    summary = getattr(reporter, "summary", None)
    if summary:
        results.record(target, step, summary, files=checked)
    if code == pytest.ExitCode.INTERRUPTED:
        return 130, summary
    return (0 if code == 0 else 1), summary


def _label(folder):
    try:
        return str(folder.relative_to(Path.cwd()))
    except ValueError:
        return str(folder)
