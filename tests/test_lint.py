"""The course's shape: every step in workshop.toml is complete, consistent and free of clutter.

The metadata file is the source of truth. For each of its steps the repository must hold a starter
the learner edits (steps/NN-slug/, with a TODO and both READMEs), a finished solution
(solutions/NN-slug/), hints in both languages and a check (checks/test_NN_slug.py).
"""

import fnmatch
import json
import os
import re
import subprocess

import pytest

from checker import ROOT
from checker.workshop import course
from checker.commands.new_step import AUTHOR_TODO

STEPS = course.steps()
FOLDER = re.compile(r"^\d\d-[a-z0-9]+(-[a-z0-9]+)*$")
READMES = ("README.md", "README.zh-CN.md")
LANGUAGES = ("en", "zh")

# Files that never belong in a step: bytecode, virtual environments, secrets, editor and merge
# leftovers, OS metadata. `COPY . .` in a Dockerfile would bake any of them into the learner's image.
STRAY = ("__pycache__", "*.pyc", "*.pyo", ".venv", "venv", ".env", ".pytest_cache", ".mypy_cache",
         "*~", "*.swp", "*.swo", "#*#", ".#*", "*.bak", "*.orig", "*.rej", ".DS_Store", "Thumbs.db",
         ".idea", ".vscode")


def files(folder):
    """The files below `folder`, as relative POSIX paths."""
    return {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()}


def ids(steps):
    return [step.folder for step in steps]


@pytest.fixture(params=STEPS, ids=ids(STEPS))
def step(request):
    """One step of workshop.toml."""
    return request.param


@pytest.fixture
def starter(step):
    """The step's starter folder, steps/NN-slug."""
    return ROOT / "steps" / step.folder


@pytest.fixture
def solution(step):
    """The step's solution folder, solutions/NN-slug."""
    return ROOT / "solutions" / step.folder


def test_metadata_order_matches_folders():
    """Steps are listed in workshop.toml in course order, numbered 01, 02, … with no gap.

    The checker sorts by number, so a shuffled metadata file would still work — but people read
    workshop.toml top to bottom, and `make progress` names "the next step" by number: both must agree.
    """
    listed = [entry["folder"] for entry in course.load()["step"]]
    # the file reads in the same order as the folders sort
    assert listed == sorted(listed), listed
    # NN-slug names, numbered from 01 without holes or repeats
    assert all(FOLDER.match(folder) for folder in listed), listed
    assert [int(folder[:2]) for folder in listed] == list(range(1, len(listed) + 1)), listed


@pytest.mark.parametrize("tree", ["steps", "solutions"])
def test_no_folder_without_metadata(tree):
    """steps/ and solutions/ hold exactly the folders workshop.toml names, nothing more.

    A folder the metadata lacks is never checked, never graded and never shown to learners.
    """
    present = sorted(path.name for path in (ROOT / tree).iterdir())
    # one folder per step, in the same order
    assert present == ids(STEPS), f"{tree}/ holds {present}, workshop.toml names {ids(STEPS)}"


def test_step_has_starter_solution_and_check(step, starter, solution):
    """Each step has a starter folder, a solution folder and a check module."""
    # what the learner edits, what it should become, and what tells them apart
    assert starter.is_dir(), f"missing steps/{step.folder}/"
    assert solution.is_dir(), f"missing solutions/{step.folder}/"
    assert step.check_file.is_file(), f"missing checks/{step.check_file.name}"


def test_starter_has_both_readmes(starter):
    """The starter has README.md and README.zh-CN.md, each one naming its check command."""
    for name in READMES:
        readme = starter / name
        # every step is explained in English and in Chinese
        assert readme.is_file(), f"missing {starter.name}/{name}"
        # and tells the learner how to check their work
        number = int(starter.name[:2])
        assert f"make check-step {number}" in readme.read_text(), f"{starter.name}/{name} never says `make check-step {number}`"


def test_step_has_hints_in_both_languages(step):
    """The step has at least one hint in workshop.toml, each in English and Chinese."""
    # `make hint N` has something to show
    assert step.hints, f"{step.folder} has no hints"
    for hint in step.hints:
        # no learner gets an empty line in their language
        assert all(str(hint.get(lang, "")).strip() for lang in LANGUAGES), hint


def test_starter_has_a_todo(starter):
    """Some starter file other than the READMEs says TODO where the learner has work to do.

    The checker also uses this: a TODO in the target tells it to say "this failure is expected".
    """
    todos = [name for name in files(starter) if not name.startswith("README")
             and "TODO" in (starter / name).read_text(errors="ignore")]
    # the learner can find where to start
    assert todos, f"no TODO in the starter files of {starter.name}"


def test_solution_has_no_todo(solution):
    """No solution file says TODO: the checker would call a failure of it "expected"."""
    left = [name for name in files(solution) if "TODO" in (solution / name).read_text(errors="ignore")]
    # a finished file has nothing left to do
    assert not left, f"TODO left in {solution.name}: {left}"


def test_no_stray_files(starter, solution):
    """Neither folder holds bytecode, virtual environments, secrets or editor leftovers.

    Checked in the working tree, not only in git: the checker writes no bytecode into the folders it
    checks, so anything found here was left by hand. Remove it (e.g. `find steps solutions -name
    __pycache__ -exec rm -rf {} +`).
    """
    for folder in (starter, solution):
        found = sorted(path.relative_to(ROOT).as_posix() for path in folder.rglob("*")
                       if any(fnmatch.fnmatch(path.name, pattern) for pattern in STRAY))
        # what the learner copies into an image is only what the step needs
        assert not found, f"stray files: {found}"


def test_starter_and_solution_have_the_same_files(starter, solution):
    """Every starter file has a solution counterpart; every solution file has a starter one or is
    named in the README as a file the learner creates.

    The READMEs belong to the starter only. A file only in the starter would be something the
    solution forgot; a file only in the solution must be one the instructions ask for (for example a
    Dockerfile the learner writes from scratch), else the learner could never know about it.
    """
    mine = files(starter) - set(READMES)
    theirs = files(solution)
    # the solution covers everything the learner is given
    assert not mine - theirs, f"only in steps/{starter.name}: {sorted(mine - theirs)}"
    readme = (starter / "README.md").read_text() if (starter / "README.md").is_file() else ""
    unexplained = sorted(name for name in theirs - mine if name not in readme)
    # the learner is told about every file they have to create
    assert not unexplained, f"only in solutions/{solution.name} and not named in its README: {unexplained}"


# --- what an author still has to write, and the lists that must follow workshop.toml -----------------

def author_todos(step):
    """Every place `make new-step` marked AUTHOR_TODO for `step` that still says so, one line each."""
    left = []
    entry = next(entry for entry in course.load()["step"] if entry["folder"] == step.folder)
    for name in ("title", "hints", "fixes"):
        if AUTHOR_TODO in repr(entry.get(name, "")):
            verb = "are" if name.endswith("s") else "is"
            left.append(f"workshop.toml step {step.number:02d} {name} {verb} still {AUTHOR_TODO}")
    places = [ROOT / "steps" / step.folder, ROOT / "solutions" / step.folder, step.check_file,
              ROOT / "tests" / "wrong_answers" / step.folder]
    for path in sorted(p for place in places for p in ([place] if place.is_file() else place.rglob("*"))):
        if not path.is_file():
            continue
        for number, line in enumerate(path.read_text(errors="ignore").splitlines(), 1):
            if AUTHOR_TODO in line:
                left.append(f"{path.relative_to(ROOT).as_posix()}:{number} is still {AUTHOR_TODO}: {line.strip()}")
    return left


def test_nothing_left_for_the_author(step):
    """No place that `make new-step` marked TODO(author) still says so.

    The scaffold of a new step passes every other rule of this file; what it cannot write (titles,
    hints, the README's sections, the learner's TODOs, the step's own checks and catalog) it marks
    TODO(author), and this test names each such place until the author has written it.
    """
    left = author_todos(step)
    # a step is finished when its author has written everything the scaffold could not
    assert not left, "\n".join(left)


ROW = re.compile(r"^\| (\d\d) \| `([^`]+)` \| (.*) \|$")


@pytest.mark.parametrize("name", ["README.md", "README.zh-CN.md"])
def test_readme_step_table_follows_metadata(name):
    """Each top README's table of steps lists exactly the steps of workshop.toml, in order, each described.

    It is the first thing a learner reads: a step missing there, or one that no longer exists, sends
    them to the wrong folder. `make new-step` adds the rows; its author writes what the learner learns.
    """
    rows = [ROW.match(line) for line in (ROOT / name).read_text().splitlines()]
    rows = [row for row in rows if row]
    # one row per step, numbered and named as the metadata names it
    assert [(row.group(1), row.group(2)) for row in rows] == [(f"{s.number:02d}", s.folder) for s in STEPS], \
        f"{name}'s step table does not list the steps of workshop.toml"
    for row in rows:
        # every row says what the step teaches
        assert AUTHOR_TODO not in row.group(3), f"{name}'s step table: step {row.group(1)} is still {AUTHOR_TODO}"


def test_ci_matrix_reads_metadata(tmp_path):
    """The CI workflow's matrix of steps is read from workshop.toml when it runs, not kept by hand."""
    workflow = (ROOT / ".github" / "workflows" / "check.yml").read_text()
    # the step job's matrix is the list the `steps` job printed
    assert "step: ${{ fromJSON(needs.steps.outputs.numbers) }}" in workflow
    command = re.search(r"^\s*run: (python3 -c .*numbers=.*)$", workflow, re.M)
    assert command, "the `steps` job of check.yml no longer prints numbers="
    output = tmp_path / "github_output"
    subprocess.run(["bash", "-c", command.group(1)], cwd=ROOT, check=True, timeout=30,
                   env={**os.environ, "GITHUB_OUTPUT": str(output)})
    # run here, it prints every step's number
    assert output.read_text().strip() == "numbers=" + json.dumps([step.number for step in STEPS])


def test_demo_step_is_marked():
    """Exactly one step has `demo = true` and its solution has a Dockerfile: `make demo` runs it.

    Without the mark, `make demo` would have to guess, and a new last step would silently change it.
    """
    marked = [step.folder for step in STEPS if step.demo]
    # one step, named on purpose
    assert len(marked) == 1, f"steps with demo = true: {marked}"
    # whose finished app runs in containers
    assert (ROOT / "solutions" / marked[0] / "Dockerfile").is_file(), f"solutions/{marked[0]} has no Dockerfile"


def test_checks_use_no_bare_assert():
    """Step checks fail through expect()/CheckFailure: the checker runs them without assert rewriting."""
    found = [f"{path.name}:{number}" for path in sorted((ROOT / "checks").glob("*.py"))
             for number, line in enumerate(path.read_text().splitlines(), 1) if line.strip().startswith("assert ")]
    # a bare assert would fail with no message, no layer and no hint under --assert=plain
    assert not found, found
