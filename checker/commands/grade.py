"""`make grade DIR=path`: every step's check on a learner's copy, a score table and JUnit XML."""

import json
import os
import signal
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from checker import STATE_DIR
from checker.workshop import course
from checker.commands.grading import pad, step_timeout, width
from checker.text.messages import msg


class _Bound:
    """The time bound of the step being graded; when it expires the check stops as on Ctrl-C."""

    expired = False

    @classmethod
    def expire(cls, signum, frame):
        cls.expired = True
        raise KeyboardInterrupt


def grade_step(step, target, junit):
    """(state, passed, total) of one step, its JUnit XML written to `junit` (state: a message key).

    The step gets `step_timeout()` seconds: a build or an app that runs for ever ends as "timed out".
    """
    from checker.commands.plumbing import run_check

    if not (target / step.folder).is_dir():
        return "grade.missing", 0, count_checks(step)
    previous = signal.signal(signal.SIGALRM, _Bound.expire) if hasattr(signal, "SIGALRM") else None
    _Bound.expired = False
    if previous is not None:
        signal.alarm(step_timeout())
    try:
        code, summary = run_check(step, target, junit=junit)
    except KeyboardInterrupt:  # the bound expired outside the checks themselves
        if not _Bound.expired:
            raise
        code, summary = 130, None
    finally:
        if previous is not None:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
    if _Bound.expired:
        junit.unlink(missing_ok=True)  # an interrupted run's file says nothing; the table says "timed out"
        return "grade.timeout", 0, count_checks(step)
    if summary is None:
        return "grade.error", 0, None
    state = "grade.passed" if code == 0 else "grade.failing"
    RESULTS[step.folder] = summary.get("result")
    return state, summary["passed"], summary["total"]


RESULTS = {}  # step folder -> the results document of its last grade in this process (class.html)


class _Counter:
    """pytest plugin: how many checks a step's module holds."""

    count = None

    def pytest_collection_finish(self, session):
        self.count = len(session.items)


def count_checks(step):
    """The number of checks of `step` (collected, not run), for a step folder that is missing."""
    import pytest

    counter = _Counter()
    from checker.commands.plumbing import PYTEST_OPTIONS

    pytest.main([str(step.check_file), "--collect-only", "-p", "no:terminal", *PYTEST_OPTIONS,
                 "-c", str(step.check_file.parent.parent / "pytest.ini")], plugins=[counter])
    return counter.count


def failed_suite(step, state):
    """A JUnit testsuite with one failed case, for a step whose check did not run."""
    suite = ET.Element("testsuite", name=step.folder, tests="1", failures="1", errors="0", skipped="0")
    case = ET.SubElement(suite, "testcase", classname=step.folder, name="step checked")
    text = msg("grade.missing_case", folder=step.folder) if state == "grade.missing" else msg(state)
    if state == "grade.timeout":
        text = msg("grade.timeout_case", seconds=step_timeout())
    ET.SubElement(case, "failure", message=text)
    return suite


def merge(parts, destination):
    """One <testsuites> file from each step's JUnit file (or a failed suite where none was written)."""
    root = ET.Element("testsuites", name="docker-0-to-1 grade")
    for step, state, path in parts:
        if path.is_file():
            root.extend(ET.parse(path).getroot().iter("testsuite"))
        else:
            root.append(failed_suite(step, state))
    destination.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(root).write(destination, encoding="utf-8", xml_declaration=True)


def table(rows):
    """The score table: step, passed/total, state."""
    heads = msg("grade.columns").split("|")
    cells = [(step.folder, f"{passed}/{total if total is not None else '–'}", msg(state), state == "grade.passed")
             for step, state, passed, total in rows]
    first = max(width(heads[0]), *(width(c[0]) for c in cells))
    lines = [f"  {pad(heads[0], first)}  {pad(heads[1], 7, right=True)}  {heads[2]}"]
    for folder, score, state, passed in cells:
        lines.append(f"  {pad(folder, first)}  {pad(score, 7, right=True)}  {'✓' if passed else '✗'} {state}")
    return "\n".join(lines)


def grade(target, xml_path, json_path=None):
    """Run every step on `target`, print the table; 0 when every step passes.

    `json_path` receives the rows as data, for grading a class (classroom.py).
    """
    from checker.commands.progress import label

    steps = course.steps()
    rows, parts = [], []
    with tempfile.TemporaryDirectory(prefix="workshop-grade-") as tmp:
        for number, step in enumerate(steps, start=1):
            print(msg("grade.step", i=number, n=len(steps), folder=step.folder), flush=True)
            junit = Path(tmp) / f"{step.folder}.xml"
            state, passed, total = grade_step(step, target, junit)
            if state == "grade.missing":
                print("  " + msg("target.step_missing", path=label(target), expected=step.folder), flush=True)
            rows.append((step, state, passed, total))
            parts.append((step, state, junit))
            print(flush=True)
        merge(parts, xml_path)
    print(msg("grade.header", path=label(target)))
    print(table(rows))
    print()
    done = sum(1 for _step, state, _passed, _total in rows if state == "grade.passed")
    print(msg("grade.total", passed=done, n=len(steps), checks=sum(r[2] for r in rows),
              total=sum(r[3] or 0 for r in rows)))
    print(msg("grade.junit", path=label(xml_path)))
    if json_path:
        rows_data = [{"step": step.folder, "state": state.split(".")[1], "passed": passed, "total": total,
                      "result": RESULTS.get(step.folder) if state in ("grade.passed", "grade.failing") else None}
                     for step, state, passed, total in rows]
        Path(json_path).write_text(json.dumps(rows_data, indent=1))
    return 0 if done == len(steps) else 1


def cmd_grade(args):
    from checker.commands import class_copies, classroom
    from checker.commands.plumbing import resolve_target

    if not args.dir:
        print(msg("grade.no_dir"), file=sys.stderr)
        return 2
    # learner code of steps 01-02 runs in a container of the course's image: it cannot touch the grader's files
    os.environ.setdefault("WORKSHOP_SANDBOX", "container")
    if class_copies.is_class(args.dir):
        return classroom.grade_class(args.dir, out=args.out)
    target = resolve_target(os.path.expanduser(args.dir))
    if not target.is_dir():
        print(msg("target.missing", path=target), file=sys.stderr)
        return 2
    folders = [step.folder for step in course.steps()]
    if not any((target / folder).is_dir() for folder in folders):
        print(msg("grade.no_steps", path=target, expected=", ".join(folders)), file=sys.stderr)
        return 2
    xml_path = Path(args.xml).expanduser().resolve() if args.xml else STATE_DIR / "grade-junit.xml"
    return grade(target, xml_path, json_path=args.json)


def add_parser(sub):
    from checker.commands import classroom

    command = sub.add_parser("grade", help="every step's check on a learner's copy (or a whole class): "
                                           "a score table and JUnit XML")
    command.add_argument("dir", nargs="?", default=os.environ.get("DIR") or None,
                         help="a learner's copy, a folder of copies, or a file listing paths or git URLs")
    command.add_argument("--xml", default=os.environ.get("GRADE_XML") or None, help="where to write the JUnit XML")
    command.add_argument("--json", default=None, help="also write the scores as JSON here")
    command.add_argument("--out", default=os.environ.get("GRADE_OUT") or None,
                         help="a class's results folder (table, CSV, JUnit; default .workshop/grade-class)")
    command.set_defaults(func=cmd_grade)
    classroom.add_parser(sub)
