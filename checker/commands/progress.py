"""`make progress`: every step's state from the results of past checks, and the next step to do."""

import sys
from pathlib import Path

from checker.workshop import course, results
from checker.text.messages import msg

MARKS = {None: "·", "passed": "✓", "failing": "✗"}


def rows(target):
    """[(step, record or None)] for every step, in course order, from checks of `target`."""
    recorded = results.load().get(str(target), {})
    return [(step, recorded.get(step.folder)) for step in course.steps()]


def state_text(record, step=None, folder=None):
    """'not started', 'failing: 3 of 8 …' or 'passed (…)' for one step's record; with `folder`, whether
    its files changed since that check."""
    if record is None:
        return msg("progress.not_started")
    if record.get("state") == "passed":
        text = msg("progress.passed", when=record.get("when", "?"))
    else:
        text = msg("progress.failing", passed=record.get("passed", 0), total=record.get("total", "?"),
                   when=record.get("when", "?"))
    if folder is not None and changed(record, folder):
        text = msg("progress.changed", state=text, number=step.number)
    return text


def changed(record, folder):
    """True when the files in `folder` differ from those the recorded check saw."""
    # records written before fingerprints were kept cannot tell
    return "files" in record and folder.is_dir() and results.fingerprint(folder) != record["files"]


def label(path):
    """`path` relative to the working directory when it is below it."""
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def show(target):
    """Print the progress table of `target`; returns the exit code."""
    from checker.commands.plumbing import resolve_target

    path = resolve_target(target)
    if not path.is_dir():
        print(msg("target.missing", path=path), file=sys.stderr)
        return 2
    table = rows(path)
    print(msg("progress.header", target=label(path)))
    for step, record in table:
        mark = MARKS.get(record and record.get("state"), "✗")
        print(f"  {mark} {step.folder:<24} {state_text(record, step, path / step.folder)}")
    print()
    todo = next((step for step, record in table if not record or record.get("state") != "passed"), None)
    if todo is None:
        print(msg("progress.done"))
    else:
        print(msg("progress.next", step=todo.folder, title=todo.title_text(), number=todo.number))
    return 0


def add_parser(sub):
    import os

    command = sub.add_parser("progress", help="every step's state from past checks; the next step")
    command.add_argument("--target", default=os.environ.get("TARGET") or "steps")
    command.set_defaults(func=lambda args: show(args.target))
