"""The catalog of wrong answers: each one is rejected by its step's check, with the intended hint.

A case is a folder tests/wrong_answers/<step folder>/<case name>/ that changes a copy of
solutions/<step folder>/. Its expect.toml:

    fix = "root-text"          # the hint key the FIRST failing check must name
    why = "one line: what the learner got wrong"
    delete = ["hello.py"]      # optional: solution files the learner does not have

    [[edit]]                   # optional, repeatable: the mistake, written as a change of the solution
    file = "hello.py"
    find = "Hello, Flask"      # must occur exactly once in the solution's file
    replace = "hello, flask"

Edits are applied first, in order. Then any other file in the case folder is laid over the copy as a
whole (a file of the same name replaces the solution's, a new one is added): for files that are new
or entirely different. Last, `delete` removes files.

A step's checks run in file order and stop at the first failure, so the order of the checks (and of
the expects inside each) is part of this contract: reordering them, renaming their hint keys or
adding a check in front can change which hint a case gets first. Run the step's cases after such a
change: `.venv/bin/python -m pytest tests/test_wrong_answers.py -k 04-web`.
"""

import os
import re
import shutil
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from checker import ROOT
from checker.workshop import course
from checker.text.i18n import english_lines
from conftest import run_checker

CATALOG = Path(__file__).parent / "wrong_answers"
MINIMUM = 5  # wrong answers per step
HINT = re.compile(r"(?:hint|提示) \[([a-z0-9-]+)\]")


def cases():
    """Every case folder in the catalog, sorted, as pytest params named <step folder>/<case>."""
    found = sorted(path.parent for path in CATALOG.glob("*/*/expect.toml"))
    return [pytest.param(path, id=f"{path.parent.name}/{path.name}") for path in found]


def known_fixes(step):
    """The hint keys a check of `step` can name: its own, those of earlier steps and the shared ones."""
    return set(step.all_fixes())


def outside_quoted_logs(output):
    """The checker's output without the `│ ` lines that quote the app's or container's own log."""
    return "\n".join(line for line in output.splitlines() if not line.lstrip().startswith("│"))


@pytest.fixture
def case(request):
    """The case folder being checked."""
    return request.param


@pytest.fixture
def expected(case):
    """The case's expect.toml, parsed."""
    with open(case / "expect.toml", "rb") as handle:
        return tomllib.load(handle)


@pytest.fixture
def step(case):
    """The step the case belongs to, from the name of its parent folder."""
    found = course.find(case.parent.name)
    assert found is not None and found.folder == case.parent.name, f"{case.parent.name} is not a step folder"
    return found


def edit(case, folder, change):
    """Apply one [[edit]] of `case` to its file in `folder`; fail, naming the case, unless `find` occurs once."""
    name = f"{case.parent.name}/{case.name}"
    path = folder / change["file"]
    if not path.is_file():
        pytest.fail(f"{name}: [[edit]] names {change['file']}, which the solution does not have", pytrace=False)
    with open(path, encoding="utf-8", newline="") as handle:
        text = handle.read()
    count = text.count(change["find"])
    if count != 1:
        pytest.fail(f"{name}: the [[edit]] find text occurs {count} times in {change['file']}, not exactly once"
                    f" (did the solution change?):\n{change['find']}", pytrace=False)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(text.replace(change["find"], change["replace"]))


def lay_out(case, expected, step, root):
    """Copy the step's solution into root/<step folder> and apply the case: edits, whole files, delete."""
    folder = root / step.folder
    shutil.copytree(ROOT / "solutions" / step.folder, folder, ignore=shutil.ignore_patterns("__pycache__"))
    for change in expected.get("edit", []):
        edit(case, folder, change)
    for source in case.rglob("*"):
        if source.is_file() and source.name != "expect.toml":
            destination = folder / source.relative_to(case)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
    for name in expected.get("delete", []):
        path = folder / name
        shutil.rmtree(path) if path.is_dir() else path.unlink()


@pytest.mark.parametrize("case", cases(), indirect=True)
def test_case_is_well_formed(tmp_path, case, expected, step):
    """expect.toml names a hint the step knows, says why the answer is wrong, and its edits apply."""
    # only the documented keys, so a typo like `fixes =` does not go unnoticed
    assert set(expected) <= {"fix", "why", "delete", "edit"}, sorted(expected)
    # the hint key exists, else the assertion on the checker's output could never hold
    assert expected.get("fix") in known_fixes(step), expected.get("fix")
    # one line for the reader of the catalog
    assert expected.get("why", "").strip() and "\n" not in expected["why"].strip()
    for change in expected.get("edit", []):
        # each edit says which file, what to find and what to put instead, and nothing else
        assert set(change) == {"file", "find", "replace"}, sorted(change)
        # an edit that finds nothing or replaces a text by itself changes nothing
        assert change["find"] and change["find"] != change["replace"], change
    # a case that changes nothing would test the solution again
    assert any(p.name != "expect.toml" for p in case.iterdir()) or expected.get("delete") or expected.get("edit")
    # every edit's find text still occurs exactly once in the solution (fails naming the case if not)
    lay_out(case, expected, step, tmp_path)


def rejected(case, root):
    """Lay the case out under `root` and run its step's check on it, in Chinese: the CompletedProcess."""
    with open(case / "expect.toml", "rb") as handle:
        expected = tomllib.load(handle)
    step = course.find(case.parent.name)
    lay_out(case, expected, step, root)
    return run_checker("check", str(step.number), "--target", str(root), env={"WORKSHOP_LANG": "zh"})


@pytest.fixture(scope="module")
def verdicts(request, tmp_path_factory):
    """The check of every case this run selected, started CATALOG_JOBS at a time (3 unless set) once the
    first case asks: checks share one engine as learners do (tests/test_sharing.py), and most of a
    check's time is waiting."""
    pool = ThreadPoolExecutor(max(1, int(os.environ.get("CATALOG_JOBS") or 3)), thread_name_prefix="catalog")
    selected = [item.callspec.params["case"] for item in request.session.items
                if getattr(item, "originalname", None) == "test_wrong_answer_is_rejected"]
    started = {}

    def verdict(case):
        if not started:
            for path in selected:
                started[path] = pool.submit(rejected, path, tmp_path_factory.mktemp("case"))
        return started[case].result()

    yield verdict
    pool.shutdown(cancel_futures=True)


@pytest.mark.parametrize("case", cases(), indirect=True)
def test_wrong_answer_is_rejected(verdicts, case, expected):
    """The step's check fails on the case, its first failure names the intended hint, all in Chinese.

    One run per case, in Chinese mode: the catalog is the slowest part of the tests, and English output
    is covered by tests/test_steps.py and the unit tests already.
    """
    result = verdicts(case)
    output = result.stdout + result.stderr
    # a plain failure (1), not a pass (0) nor a setup problem (2)
    assert result.returncode == 1, output
    # the first hint printed belongs to the first failing check (checks stop at the first ✗)
    hints = HINT.findall(result.stdout)
    assert hints and hints[0] == expected["fix"], f"expected hint [{expected['fix']}], got {hints}\n{output}"
    # no traceback of the checker itself; a quoted app log may show the app's own
    assert "Traceback" not in outside_quoted_logs(output), output
    # a Chinese-only learner reads every line the checker wrote (quoted logs and code aside)
    assert english_lines(output) == [], output


def test_each_step_has_enough_cases():
    """Every step in workshop.toml has at least five wrong answers in the catalog."""
    counts = {step.folder: len(list((CATALOG / step.folder).glob("*/expect.toml"))) for step in course.steps()}
    short = {folder: count for folder, count in counts.items() if count < MINIMUM}
    # a step without its catalog has never been tried against plausible mistakes
    assert not short, f"steps with fewer than {MINIMUM} wrong answers: {short}"


def test_catalog_folders_are_steps():
    """Every folder in the catalog is a step folder of workshop.toml, and holds only cases."""
    folders = {step.folder for step in course.steps()}
    for path in CATALOG.iterdir():
        # a misspelt step folder would silently hold cases that never run
        assert path.is_dir() and path.name in folders, path.name
        for case in path.iterdir():
            # a case without expect.toml would silently never run
            assert (case / "expect.toml").is_file(), f"{path.name}/{case.name} has no expect.toml"
