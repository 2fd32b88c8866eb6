"""`make progress`: each step's state from past checks of the current TARGET, and the next step."""

import shutil

from checker import ROOT
from checker.workshop import course


def test_fresh_learner_has_not_started(checker, tmp_path):
    """With no check run yet every step is 'not started' and the next step is the first."""
    result = checker("progress", env={"WORKSHOP_STATE_DIR": str(tmp_path / "state")})
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("not started") == len(course.steps())
    first = course.steps()[0]
    assert f"Next: step {first.folder}" in result.stdout


def test_passed_and_failing_steps(checker, tmp_path):
    """A passed check shows 'passed' with its time; a failing one its score; next is the failing one."""
    target = tmp_path / "work"
    first, second = course.steps()[:2]
    shutil.copytree(ROOT / "solutions" / first.folder, target / first.folder)
    shutil.copytree(ROOT / "steps" / first.folder, target / "other" / first.folder)
    env = {"WORKSHOP_STATE_DIR": str(tmp_path / "state")}
    assert checker("check", str(first.number), "--target", str(target), env=env).returncode == 0
    result = checker("progress", "--target", str(target), env=env)
    line = next(line for line in result.stdout.splitlines() if first.folder in line)
    assert line.lstrip().startswith("✓") and "passed (20" in line
    assert f"Next: step {second.folder}" in result.stdout
    # the starter of step 1, checked in another target, fails: that target's progress says so
    other = target / "other"
    assert checker("check", str(first.number), "--target", str(other), env=env).returncode == 1
    result = checker("progress", "--target", str(other), env=env)
    line = next(line for line in result.stdout.splitlines() if first.folder in line)
    assert line.lstrip().startswith("✗") and "failing:" in line and "checks passed" in line
    assert f"Next: step {first.folder}" in result.stdout


def test_chinese(checker, tmp_path):
    """LANG=zh_CN.UTF-8 switches the table to Chinese."""
    result = checker("progress", env={"WORKSHOP_STATE_DIR": str(tmp_path), "WORKSHOP_LANG": "", "LANG": "zh_CN.UTF-8"})
    assert "尚未开始" in result.stdout and "下一步" in result.stdout


def test_missing_target(checker, tmp_path):
    """A TARGET that does not exist is a one-line message and a non-zero exit."""
    result = checker("progress", "--target", str(tmp_path / "nope"))
    assert result.returncode != 0 and "does not exist" in result.stderr and "Traceback" not in result.stderr


def test_changed_since_last_check(checker, tmp_path):
    """A step whose files changed after its check says so, instead of a stale verdict alone."""
    target = tmp_path / "work"
    first = course.steps()[0]
    shutil.copytree(ROOT / "steps" / first.folder, target / first.folder)
    env = {"WORKSHOP_STATE_DIR": str(tmp_path / "state")}
    assert checker("check", str(first.number), "--target", str(target), env=env).returncode == 1
    line = next(line for line in checker("progress", "--target", str(target), env=env).stdout.splitlines()
                if first.folder in line)
    # right after the check the verdict stands on its own
    assert "failing:" in line and "changed since" not in line
    with open(target / first.folder / "hello.py", "a") as handle:
        handle.write("# fixed, perhaps\n")
    line = next(line for line in checker("progress", "--target", str(target), env=env).stdout.splitlines()
                if first.folder in line)
    # the files the learner saved since then were never checked
    assert "failing:" in line and f"changed since the last check: run `make check-step {first.number}`" in line
    zh = checker("progress", "--target", str(target), env={**env, "WORKSHOP_LANG": "zh"}).stdout
    assert "上次检查之后文件有改动" in zh
