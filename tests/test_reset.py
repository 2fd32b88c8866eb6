"""`make reset-step N`: the committed starter comes back, after a y/N and a backup of the learner's files."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from checker import ROOT
from checker.workshop import course

STEP = course.steps()[1]


def reset(target, state, answer=None, yes=False):
    """Run reset-step on `target` as a learner would, answering the question with `answer`."""
    env = {"WORKSHOP_STATE_DIR": str(state), "WORKSHOP_LANG": "en", "YES": "1" if yes else ""}
    return subprocess.run(
        [sys.executable, "-m", "checker", "reset-step", str(STEP.number), "--target", str(target)],
        cwd=ROOT, input=answer, capture_output=True, text=True, env={**os.environ, **env}, timeout=60,
    )


def committed_starter(tmp_path):
    """The step's starter as git has it (the folder in the work tree may hold a learner's edits)."""
    out = tmp_path / "starter"
    out.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "HEAD", f"steps/{STEP.folder}"],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(out)], input=archive, check=True)
    return out / "steps" / STEP.folder


@pytest.fixture
def work(tmp_path):
    """A learner's copy of the step holding the solution plus a file of their own."""
    folder = tmp_path / "work" / STEP.folder
    shutil.copytree(ROOT / "solutions" / STEP.folder, folder)
    (folder / "notes.txt").write_text("my notes")
    return folder


def snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_yes_restores_the_starter_and_keeps_a_backup(work, tmp_path):
    """Answering y: the folder equals the committed starter; the old files are in the named backup."""
    before = snapshot(work)
    result = reset(work.parent, tmp_path / "state", answer="y\n")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[y/N]" in result.stdout and "holds the starter again" in result.stdout
    assert snapshot(work) == snapshot(committed_starter(tmp_path))
    backup = Path(result.stdout.split("Your previous files are in ")[1].split()[0])
    assert backup.parent == tmp_path / "state" / "backups"
    assert snapshot(backup) == before


def test_no_changes_nothing(work, tmp_path):
    """No answer (or anything but y) leaves the learner's files alone and exits non-zero."""
    before = snapshot(work)
    for answer in ("", "n\n", "nope\n"):
        result = reset(work.parent, tmp_path / "state", answer=answer)
        assert result.returncode == 1 and "Nothing changed" in result.stdout
    assert snapshot(work) == before
    assert not (tmp_path / "state" / "backups").exists()


def test_yes_variable_skips_the_question(work, tmp_path):
    """YES=1 resets without asking."""
    result = reset(work.parent, tmp_path / "state", yes=True)
    assert result.returncode == 0 and "[y/N]" not in result.stdout
    assert not (work / "notes.txt").exists()


def test_missing_folder_is_created(tmp_path):
    """A learner who deleted the step's folder gets it back (and no backup of nothing)."""
    (tmp_path / "work").mkdir()
    result = reset(tmp_path / "work", tmp_path / "state", yes=True)
    assert result.returncode == 0, result.stderr
    assert snapshot(tmp_path / "work" / STEP.folder) == snapshot(committed_starter(tmp_path))
    assert "previous files" not in result.stdout


def test_refuses_bad_targets(checker, tmp_path):
    """The reference solutions, a missing folder or an unknown step: a message and a non-zero exit."""
    results = [
        checker("reset-step", str(STEP.number), "--target", "solutions", env={"YES": "1"}),
        checker("reset-step", str(STEP.number), "--target", str(tmp_path / "nope"), env={"YES": "1"}),
        checker("reset-step", "99", env={"YES": "1"}),
        checker("reset-step", env={"YES": "1"}),
    ]
    for result in results:
        assert result.returncode != 0 and result.stderr.strip() and "Traceback" not in result.stderr
    assert "reference solutions" in results[0].stderr
