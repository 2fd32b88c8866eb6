"""What the learner sees of a check, however its output is read."""

import os
import shutil
import subprocess
import sys
from types import SimpleNamespace

from checker import ROOT
from checker.text.failures import both
from checker.check.pytest_plugin import title_of


def test_output_piped_into_head():
    """`make check-step 1 | head -1`: the check still runs to its end, with no traceback."""
    process = subprocess.Popen(
        [sys.executable, "-m", "checker", "check", "1", "--target", "solutions"], cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "WORKSHOP_LANG": "en"},
    )
    first = process.stdout.readline()
    process.stdout.close()  # the reader goes away, as head does after its lines
    errors = process.stderr.read().decode()
    process.stderr.close()
    process.wait(timeout=60)
    # the header was printed before the pipe closed
    assert first.startswith(b"Step 01-hello-flask")
    # the exit code is the check's own, and nothing was dumped on stderr
    assert process.returncode == 0, errors
    assert "Traceback" not in errors and "BrokenPipe" not in errors, errors


def measured(en_title, zh_title, *notes):
    """A stand-in for a pytest item: a check function with a bilingual docstring and its notes."""
    def check():
        pass
    check.__doc__ = f"{en_title}\n    zh: {zh_title}\n    "
    return SimpleNamespace(function=check, name="check", user_properties=[("note", note) for note in notes])


def test_title_carries_its_note_in_the_learners_language(monkeypatch):
    """A note recorded as both(en, zh) follows the title in the learner's language."""
    item = measured("the image stays small", "镜像大小在上限以内", both("187 MB of 200 MB", "187 MB，上限 200 MB"))
    monkeypatch.setenv("WORKSHOP_LANG", "en")
    assert title_of(item) == "the image stays small (187 MB of 200 MB)"
    monkeypatch.setenv("WORKSHOP_LANG", "zh")
    # Chinese brackets around a Chinese note
    assert title_of(item) == "镜像大小在上限以内（187 MB，上限 200 MB）"
    # a plain string note is shown as it is
    assert title_of(measured("t", "标题", "0.1 s")) == "标题（0.1 s）"


def test_expected_failure_only_for_the_untouched_starter(checker, tmp_path):
    """'This is expected' follows a failing check of the untouched starter, not of a learner's edit."""
    step = "01-hello-flask"
    shutil.copytree(ROOT / "steps" / step, tmp_path / step)
    result = checker("check", "1", "--target", str(tmp_path))
    # a fresh copy of the starter fails, as it should, and the learner is told that this is normal
    assert result.returncode == 1 and "This is expected" in result.stdout, result.stdout
    with open(tmp_path / step / "hello.py", "a") as handle:
        handle.write("# my first try; the TODO above is still there\n")
    result = checker("check", "1", "--target", str(tmp_path))
    # once the learner has edited the files, a failure is theirs to fix, TODOs or not
    assert result.returncode == 1 and "This is expected" not in result.stdout, result.stdout


def test_expected_failure_points_to_the_chinese_readme(checker, tmp_path):
    """In Chinese mode the footer of a fresh starter names README.zh-CN.md."""
    step = "01-hello-flask"
    shutil.copytree(ROOT / "steps" / step, tmp_path / step)
    result = checker("check", "1", "--target", str(tmp_path), env={"WORKSHOP_LANG": "zh"})
    assert f"steps/{step}/README.zh-CN.md" in result.stdout, result.stdout
