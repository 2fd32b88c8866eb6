"""Command line of the checker; the Makefile's targets call these commands."""

import argparse
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
    if step.docker:
        client = engine_or_exit()
        swept = labels.sweep_orphans(client)
        if swept:
            print(msg("sweep.removed", n=swept))
        from .images import missing

        for name in missing(client):
            print(msg("images.missing", name=name), file=sys.stderr)
            print(msg("doctor.more"), file=sys.stderr)
            return 2, None
    fresh = any("TODO" in p.read_text(errors="ignore") for p in folder.rglob("*") if p.is_file()
                and not p.name.startswith("README"))
    reporter = Reporter(step, _label(folder), fresh_starter=fresh)
    later = [s.number for s in course.steps() if s.number > step.number]
    reporter.next_step = later[0] if later else None
    os.environ["WORKSHOP_TARGET"] = str(target)
    args = [str(step.check_file), "-x", "-p", "no:cacheprovider", "--rootdir", str(ROOT),
            "-c", str(ROOT / "pytest.ini")]
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
        if client is not None:
            labels.sweep_this_run(client)
    summary = getattr(reporter, "summary", None)
    if summary:
        results.record(target, step, summary)
    if code == pytest.ExitCode.INTERRUPTED:
        return 130, summary
    return (0 if code == 0 else 1), summary


def _label(folder):
    try:
        return str(folder.relative_to(Path.cwd()))
    except ValueError:
        return str(folder)


def cmd_check(args):
    step = resolve_step(args.step, "check-step")
    code, _ = run_check(step, resolve_target(args.target), verbose=args.verbose, junit=args.junit)
    return code


def cmd_images(args):
    from .images import ensure_all

    return ensure_all(engine_or_exit())


def cmd_preflight(args):
    from .engine import kind

    client = engine_or_exit()
    name, version = kind(client)
    print(msg("engine.found", kind=name, version=version))
    return 0


def cmd_sweep(args):
    from . import labels

    client = engine_or_exit()
    removed = labels.sweep_everything(client) if args.all else labels.sweep_orphans(client)
    print(msg("sweep.count", n=removed))
    return 0


def cmd_leftovers(args):
    from . import labels

    names = labels.leftovers(engine_or_exit())
    for name in names:
        print(name)
    return 1 if names else 0


def parser():
    top = argparse.ArgumentParser(prog="python -m checker", description="Docker from 0 to 1: the workshop checker")
    sub = top.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="run the checks of one step")
    check.add_argument("step", nargs="?")
    check.add_argument("--target", default=os.environ.get("TARGET") or "steps")
    check.add_argument("--verbose", "-v", action="store_true", default=bool(os.environ.get("V")))
    check.add_argument("--junit", help="also write JUnit XML here")
    check.set_defaults(func=cmd_check)

    sub.add_parser("images", help="make the course images available").set_defaults(func=cmd_images)
    sub.add_parser("preflight", help="is a container engine reachable?").set_defaults(func=cmd_preflight)
    sweep = sub.add_parser("sweep", help="remove what killed checks left behind")
    sweep.add_argument("--all", action="store_true", help="also everything of live runs and the image cache")
    sweep.set_defaults(func=cmd_sweep)
    sub.add_parser("leftovers", help="list labelled containers/networks; exit 1 if any").set_defaults(
        func=cmd_leftovers)
    from . import demo, doctor, grade, hints, progress, reset, watch

    for module in (progress, hints, watch, reset, doctor, demo, grade):  # learner and instructor commands
        module.add_parser(sub)
    return top


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("\n" + msg("check.interrupted"), file=sys.stderr)
        return 130
