"""`make hint N`: one more hint each time, from workshop.toml, until all are shown."""

from checker.workshop import course


def test_hints_are_progressive(checker, tmp_path):
    """Each call shows one hint more than the last; after the last it says all are shown."""
    step = course.steps()[1]
    hints = [hint["en"] for hint in step.hints]
    env = {"WORKSHOP_STATE_DIR": str(tmp_path)}
    for shown in range(1, len(hints) + 1):
        result = checker("hint", str(step.number), env=env)
        assert result.returncode == 0, result.stderr
        assert all(hint in result.stdout for hint in hints[:shown])
        assert not any(hint in result.stdout for hint in hints[shown:])
        assert ("All" in result.stdout and "hints are shown" in result.stdout) == (shown == len(hints))
    # asking again keeps showing all of them
    again = checker("hint", str(step.number), env=env)
    assert all(hint in again.stdout for hint in hints) and "hints are shown" in again.stdout


def test_counters_are_per_step(checker, tmp_path):
    """Hints of one step do not advance another step's counter."""
    first, second = course.steps()[:2]
    env = {"WORKSHOP_STATE_DIR": str(tmp_path)}
    checker("hint", str(first.number), env=env)
    checker("hint", str(first.number), env=env)
    result = checker("hint", str(second.number), env=env)
    assert f"1/{len(second.hints)}" in result.stdout and f"2/{len(second.hints)}" not in result.stdout


def test_chinese_hints(checker, tmp_path):
    """WORKSHOP_LANG=zh shows the Chinese hint text."""
    step = course.steps()[0]
    result = checker("hint", str(step.number), env={"WORKSHOP_STATE_DIR": str(tmp_path), "WORKSHOP_LANG": "zh"})
    assert step.hints[0]["zh"] in result.stdout and "提示" in result.stdout


def test_bad_step(checker, tmp_path):
    """No step, or an unknown one: a clear message and a non-zero exit."""
    for args in (("hint",), ("hint", "99")):
        result = checker(*args, env={"WORKSHOP_STATE_DIR": str(tmp_path)})
        assert result.returncode != 0 and "Traceback" not in result.stderr
        assert "make hint 1" in result.stderr or "There is no step" in result.stderr
