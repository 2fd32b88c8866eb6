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


def test_after_a_failed_check_its_hint_comes_first(checker, tmp_path):
    """After a failed check, `make hint N` starts with the hint that check printed ([key] after the ✗), then
    goes on with the general hints in order; once the check passes, only the general hints are shown."""
    import shutil

    from checker import ROOT

    step = course.steps()[0]
    target = tmp_path / "work"
    shutil.copytree(ROOT / "solutions" / step.folder, target / step.folder)
    hello = target / step.folder / "hello.py"
    right = hello.read_text()
    hello.write_text(right.replace("app = Flask(", "application = Flask("))  # a name error at import
    env = {"WORKSHOP_STATE_DIR": str(tmp_path / "state")}
    check = checker("check", str(step.number), "--target", str(target), env=env)
    assert check.returncode == 1 and "hint [import-error]" in check.stdout, check.stdout
    failure_hint = step.fix("import-error")
    general = [hint["en"] for hint in step.hints]
    for shown in (1, 2):
        result = checker("hint", str(step.number), "--target", str(target), env=env)
        assert result.returncode == 0, result.stderr
        text = result.stdout
        assert "[import-error]" in text and failure_hint in text
        assert text.index(failure_hint) < text.index(general[0])
        assert all(hint in text for hint in general[:shown]) and not any(hint in text for hint in general[shown:])
    # in Chinese too
    zh = checker("hint", str(step.number), "--target", str(target), env={**env, "WORKSHOP_LANG": "zh"})
    assert zh.stdout.index(step.all_fixes()["import-error"]["zh"]) < zh.stdout.index(step.hints[0]["zh"])
    # the target's own results decide: another target's failure is not this one's
    other = checker("hint", str(step.number), "--target", str(ROOT / "solutions"), env=env)
    assert "[import-error]" not in other.stdout
    # fixed and passed: the failure's hint is gone, the general ones continue where they were
    hello.write_text(right)
    assert checker("check", str(step.number), "--target", str(target), env=env).returncode == 0
    result = checker("hint", str(step.number), "--target", str(target), env=env)
    assert "[import-error]" not in result.stdout and general[-1] in result.stdout


def all_hint_texts():
    """(where, text) of every hint and fix in workshop.toml, in both languages."""
    data = course.load()
    found = [(f"fixes.{key}.{lang}", text) for key, fix in data.get("fixes", {}).items() for lang, text in fix.items()]
    for step in data["step"]:
        found += [(f"{step['folder']}.hints.{lang}", hint[lang]) for hint in step.get("hints", []) for lang in hint]
        found += [(f"{step['folder']}.fixes.{key}.{lang}", text)
                  for key, fix in step.get("fixes", {}).items() for lang, text in fix.items()]
    return found


def test_timeout_error_is_named_fully():
    """A hint naming TimeoutError says which one: redis.exceptions.TimeoutError (Python's own is another class,
    and a handler for it never sees Redis's)."""
    import re

    loose = re.compile(r"(?<!redis\.exceptions\.)(?<!Python's own )(?<!Python 自带的 )`?TimeoutError")
    assert [(where, text) for where, text in all_hint_texts() if loose.search(text)] == []
    assert any("redis.exceptions.TimeoutError" in text for _, text in all_hint_texts())


def test_host_ignored_hint_names_the_mistake():
    """redis-host-ignored fires when the app connects to a host written into its code: the hint says so, and
    speaks of localhost only in the line to write."""
    fix = course.steps()[3].all_fixes()["redis-host-ignored"]
    assert "written into hello.py" in fix["en"] and "写死" in fix["zh"]
    for text in fix.values():
        assert "localhost" not in text.replace('os.environ.get("REDIS_HOST", "localhost")', ""), text
