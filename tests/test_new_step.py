"""`make new-step SLUG=name` scaffolds the next step, in a copy of the repository (never in this one)."""

import os
import re
import shutil
import subprocess
import sys
import tomllib

import pytest

from checker import ROOT
from checker.workshop import course
from checker.commands.new_step import AUTHOR_TODO

LAST = course.steps()[-1]
NEW = f"{LAST.number + 1:02d}-visits"
CHECK = f"checks/test_{LAST.number + 1:02d}_visits.py"


def run(copy, *args, timeout=600):
    """Run `python -m ARGS` in the copy, as an author would run its make targets there."""
    return subprocess.run([sys.executable, "-m", *args], cwd=copy, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "WORKSHOP_LANG": "en", "WORKSHOP_STATE_DIR": str(copy / ".workshop")})


def tree(folder):
    """Every file below `folder` with its content, to compare before and after."""
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file() and "__pycache__" not in path.parts}


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """A copy of the repository (no .venv, .git or learner state) to scaffold in."""
    copy = tmp_path_factory.mktemp("repo") / "workshop"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".venv", ".git", ".workshop", "__pycache__",
                                                              ".pytest_cache", "results"))
    return copy


@pytest.fixture(scope="module")
def scaffolded(repo):
    """The copy after `python -m checker new-step visits`, with the command's output."""
    result = run(repo, "checker", "new-step", "visits")
    assert result.returncode == 0, result.stdout + result.stderr
    return repo, result.stdout


def test_writes_every_piece(scaffolded):
    """Starter, solution, both READMEs, metadata, README row, check module and a catalog case exist."""
    repo, output = scaffolded
    for path in (f"steps/{NEW}/README.md", f"steps/{NEW}/README.zh-CN.md", f"solutions/{NEW}/hello.py", CHECK,
                 f"tests/wrong_answers/{NEW}/set-skips-redis/expect.toml"):
        # each piece of a step is where the checker and the lint look for it
        assert (repo / path).is_file(), path
        assert path.split("/")[0] in output
    # the solution starts as the last step's solution, file for file, but for the headers naming the step
    before, after = tree(ROOT / "solutions" / LAST.folder), tree(repo / "solutions" / NEW)
    assert after.keys() == before.keys()
    for path, data in after.items():
        first, _, rest = data.partition(b"\n")
        # a copied file's first line names the new step, never the old one
        assert not re.search(rb"Step \d\d", first) or first.count(f"Step {NEW[:2]} (as in step ".encode()) == 1, path
        assert rest == before[path].partition(b"\n")[2], path
    entry = tomllib.loads((repo / "workshop.toml").read_text())["step"][-1]
    # the metadata's last step is the new one, inheriting whether it needs the engine
    assert entry["folder"] == NEW and entry["docker"] == LAST.docker
    for readme in ("README.md", "README.zh-CN.md"):
        assert f"| {NEW[:2]} | `{NEW}` |" in (repo / readme).read_text(), readme


def test_lint_names_only_what_the_author_writes(scaffolded):
    """The lint passes except for the places marked TODO(author), and it names each of them."""
    repo, _ = scaffolded
    result = run(repo, "pytest", "tests/test_lint.py", "-q", "-p", "no:cacheprovider", timeout=120)
    failed = sorted(line.split()[1] for line in result.stdout.splitlines() if line.startswith("FAILED"))
    # only the two rules about what is left for the author fail
    assert failed == [f"tests/test_lint.py::test_nothing_left_for_the_author[{NEW}]",
                      "tests/test_lint.py::test_readme_step_table_follows_metadata[README.md]",
                      "tests/test_lint.py::test_readme_step_table_follows_metadata[README.zh-CN.md]"], result.stdout
    # and they say which TODO is left
    assert f"workshop.toml step {NEW[:2]} title is still {AUTHOR_TODO}" in result.stdout
    assert f"steps/{NEW}/README.md:1 is still {AUTHOR_TODO}" in result.stdout
    assert f"README.md's step table: step {NEW[:2]} is still {AUTHOR_TODO}" in result.stdout


def test_scaffold_keeps_the_language_rules(scaffolded):
    """Both READMEs' headings, the starter's TODO comment, the hints and the check's titles follow the
    language rules of tests/test_zh.py and tests/test_messages.py as they are scaffolded."""
    repo, _ = scaffolded
    rules = "todo_comments or headings or hint_reads or one_word or message_reads"
    result = run(repo, "pytest", "tests/test_zh.py", "-k", rules, "tests/test_messages.py", "-q", "-p",
                 "no:cacheprovider", timeout=120)
    # a Chinese reader of the new step finds Chinese wherever an English reader finds English
    assert result.returncode == 0, result.stdout + result.stderr


def test_bench_and_demo_follow(scaffolded):
    """The bench builds the new step's image too; the demo keeps the step marked `demo = true`."""
    repo, _ = scaffolded
    code = "from bench.run import in_containers; from checker.workshop import course; print(in_containers(), course.demo_step().folder)"
    result = subprocess.run([sys.executable, "-c", code], cwd=repo, capture_output=True, text=True, timeout=60)
    numbers, demo = result.stdout.rsplit(" ", 1)
    # the bench's image list comes from the solutions, so a new step causes no KeyError
    assert str(LAST.number + 1) in numbers, result.stdout + result.stderr
    # a new last step does not silently become the demo
    assert demo.strip() == course.demo_step().folder


def test_scaffolded_check_is_of_the_last_steps_kind(scaffolded):
    """After a compose step the check drives a compose project; after a `docker run` step, a deployment."""
    repo, _ = scaffolded
    text = (repo / CHECK).read_text()
    compose_step = any((ROOT / "solutions" / LAST.folder / name).is_file() for name in ("compose.yaml", "compose.yml"))
    # the fixture the check takes says how it deploys the learner's work
    assert ("(project)" in text) == compose_step and ("(deployment)" in text) != compose_step, text


def test_every_list_of_steps_has_it(scaffolded):
    """The classroom's autograding, CI's matrix, both READMEs' tables and the bench list the new step."""
    repo, _ = scaffolded
    result = run(repo, "pytest", "tests/test_workflows.py", "-k", "classroom", "tests/test_lint.py", "-k",
                 "ci_matrix or classroom", "-q", "-p", "no:cacheprovider", timeout=120)
    # the lists are read from workshop.toml, or written again from it by new-step
    assert result.returncode == 0 and " passed" in result.stdout, result.stdout + result.stderr
    assert f"make check-step {LAST.number + 1}" in (repo / "classroom/.github/workflows/classroom.yml").read_text()


def test_scaffolded_check_runs_and_its_case_fails(scaffolded):
    """The new step's check passes on its solution and fails on its untouched starter with a hint, and the
    catalog's starter case fails it with its hint."""
    repo, _ = scaffolded
    result = run(repo, "checker", "check", NEW[:2], "--target", "solutions")
    # the inherited behaviour, through the built image and Redis, holds on the copied solution
    assert result.returncode == 0 and "✓" in result.stdout, result.stdout + result.stderr
    result = run(repo, "checker", "check", NEW[:2], "--target", "steps")
    # the starter's edit point is still to do: the check fails, and says which hint applies
    assert result.returncode == 1 and "✗" in result.stdout and "hint [" in result.stdout, result.stdout + result.stderr
    result = run(repo, "pytest", "tests/test_wrong_answers.py", "-k", NEW, "-q", "-p", "no:cacheprovider")
    # the starter case is well formed and names its hint first
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("slug, expected", [
    ("Visit Counter", "cannot name a step"),
    ("", "cannot name a step"),
    (LAST.slug, "already exists"),
])
def test_bad_slug_writes_nothing(tmp_path, slug, expected):
    """A bad or taken SLUG: one line, exit 2, and not one file changed."""
    copy = tmp_path / "workshop"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".venv", ".git", ".workshop", "__pycache__",
                                                              ".pytest_cache", "results", "wrong_answers"))
    before = tree(copy)
    result = run(copy, "checker", "new-step", slug, timeout=60)
    # a clear message, no traceback
    assert result.returncode == 2 and expected in result.stderr and "Traceback" not in result.stderr, result.stderr
    # nothing half-written
    assert tree(copy) == before
