"""Whether a step's folder is still the untouched starter (only then is a failing check expected)."""

import shutil

import pytest

from checker import ROOT
from checker.workshop import course, starters

STEP = course.steps()[0]


@pytest.fixture
def copy(tmp_path):
    """A fresh copy of the first step's starter."""
    folder = tmp_path / STEP.folder
    shutil.copytree(ROOT / "steps" / STEP.folder, folder)
    return folder


def test_a_fresh_copy_is_untouched(copy):
    """The starter as committed, with caches the tools leave, counts as untouched."""
    (copy / "__pycache__").mkdir()
    (copy / "__pycache__" / "hello.cpython-311.pyc").write_bytes(b"\0")
    assert starters.untouched(copy, STEP)


def test_any_edit_counts(copy):
    """An edited file or a new one is the learner's work, TODOs or not."""
    with open(copy / "hello.py", "a") as handle:
        handle.write("# mine\n")
    assert not starters.untouched(copy, STEP)
    shutil.copy(ROOT / "steps" / STEP.folder / "hello.py", copy / "hello.py")
    (copy / "notes.txt").write_text("mine")
    assert not starters.untouched(copy, STEP)


def test_windows_line_ends_do_not_count(copy):
    """A checkout with CRLF line ends is the same starter."""
    path = copy / "hello.py"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert starters.untouched(copy, STEP)


def test_without_git_the_repository_folder_is_the_reference(copy, monkeypatch):
    """With no git history, a copy is compared with steps/ of the repository; steps/ itself cannot tell."""
    monkeypatch.setattr(starters, "committed", lambda step: None)
    assert starters.untouched(copy, STEP)
    assert not starters.untouched(ROOT / "steps" / STEP.folder, STEP)
