"""Command line of the checker; the Makefile's targets call these commands."""

import argparse
import os
import signal
import sys

from checker.text.messages import msg
from checker.commands.plumbing import engine_or_exit, resolve_step, resolve_target, run_check
from checker.commands.formats import format_name


def cmd_check(args, on_event=None):
    if args.format != "text" and on_event is None:  # FORMAT=json: the results document on stdout
        from checker.commands.formats import machine

        return machine(args, cmd_check)
    step = resolve_step(args.step, "check-step")
    # `make watch` starts the next check ahead of time and cues it with a line on stdin when a file
    # changes; stdin closed instead means watching ended. A copy of it: pytest points fd 0 elsewhere.
    # It is told on --told-fd once the verdict is out (the containers are removed after that).
    cue = told = None
    if args.on_cue:
        cue_pipe = os.fdopen(os.dup(sys.stdin.fileno()), "rb")
        cue = lambda: bool(cue_pipe.readline())  # noqa: E731
    if args.told_fd is not None:
        told = lambda: os.close(args.told_fd)  # noqa: E731  (its reader then sees the end of the pipe)
    code, _ = run_check(step, resolve_target(args.target), verbose=args.verbose, junit=args.junit, cue=cue,
                        told=told, leave=cue is None, on_event=on_event)
    return code


def cmd_images(args):
    from checker.engine.images import ensure_all

    return ensure_all(engine_or_exit())


def cmd_preflight(args):
    from checker.engine.client import kind

    client = engine_or_exit()
    name, version = kind(client)
    print(msg("engine.found", kind=name, version=version))
    return 0


def cmd_sweep(args):
    from checker.engine import labels

    from checker.commands.plumbing import sweep_lines

    client = engine_or_exit()
    if not args.all:
        sweep = labels.sweep_orphans(client)
        lines = sweep_lines(sweep)
    else:
        sweep = labels.sweep_everything(client)
        lines = [msg("sweep.clean", n=sweep.count, cached=sweep.cached)]
        if sweep.kept:
            lines.append(msg("sweep.clean_kept", n=sweep.kept))
        lines += sweep_lines(sweep, removed=False)
    for line in lines:
        print(line)
    return 1 if sweep.problems else 0


def cmd_reap(args):
    from checker.engine import reaper

    reaper.reap(engine_or_exit(), args.pid)
    return 0


def cmd_leftovers(args):
    from checker.learner import sandbox
    from checker.engine import labels, reaper

    reaper.wait_for_reapers()  # a finished check's removals may still be going on
    names = labels.leftovers(engine_or_exit()) + sandbox.leftovers()  # containers, networks, app processes
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
    check.add_argument("--format", type=format_name, default=os.environ.get("FORMAT") or "text",
                       help="text, or json: the results document (docs/results-format.md) on stdout")
    check.add_argument("--on-cue", action="store_true", help=argparse.SUPPRESS)  # make watch: start, then wait
    check.add_argument("--told-fd", type=int, help=argparse.SUPPRESS)  # make watch: closed once the verdict is out
    check.set_defaults(func=cmd_check)

    sub.add_parser("images", help="make the course images available").set_defaults(func=cmd_images)
    sub.add_parser("preflight", help="is a container engine reachable?").set_defaults(func=cmd_preflight)
    sweep = sub.add_parser("sweep", help="remove what killed checks left behind")
    sweep.add_argument("--all", action="store_true", help="also what ended runs made however young, and the image cache (live runs keep theirs)")
    sweep.set_defaults(func=cmd_sweep)
    reap = sub.add_parser("reap")  # a finished check hands its clean-up over (reaper.py)
    reap.add_argument("pid", type=int)
    reap.set_defaults(func=cmd_reap)
    sub.add_parser("leftovers", help="list labelled containers/networks/volumes and learner processes left running; exit 1 if any").set_defaults(
        func=cmd_leftovers)
    from checker.commands import demo, doctor, grade, hints, new_step, progress, reset_step, watch

    for module in (progress, hints, watch, reset_step, doctor, demo, grade, new_step):  # learner, instructor, author
        module.add_parser(sub)
    from checker.commands.lesson import command as lesson

    lesson.add_parser(sub)
    return top


def main(argv=None):
    args = parser().parse_args(argv)
    # a shell starts background jobs with SIGINT ignored, and Python then never raises KeyboardInterrupt:
    # Ctrl-C, `make watch` stopping a check, or a script's SIGINT would leave containers running
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("\n" + msg("check.interrupted"), file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (`| head`): stop quietly, as Python's documentation advises, with
        # stdout pointed at devnull so that the interpreter's last flush does not fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
