"""Every message and hint exists in English and Chinese."""

from checker.workshop import course
from checker.text.messages import MESSAGES


def test_checker_messages_are_translated():
    """Each checker message has a non-empty en and zh text."""
    for key, texts in MESSAGES.items():
        assert texts.get("en") and texts.get("zh"), key


def test_hints_and_fixes_are_translated():
    """Each step title, hint and fix has en and zh."""
    data = course.load()
    for key, texts in data["fixes"].items():
        assert texts.get("en") and texts.get("zh"), key
    for step in course.steps():
        assert step.title.get("en") and step.title.get("zh"), step.folder
        assert step.hints, step.folder
        for hint in step.hints:
            assert hint.get("en") and hint.get("zh"), step.folder
        for key, texts in step.fixes.items():
            assert texts.get("en") and texts.get("zh"), f"{step.folder}: {key}"


def test_fix_keys_used_by_checks_exist():
    """Every fix= named in a check module has a text (step's own or common)."""
    import re

    for step in course.steps():
        text = step.check_file.read_text()
        # and the helper modules next to it that the check imports (checks/helpers_05_production.py)
        for helper in re.findall(r"^from checks\.(\w+) import", text, re.M):
            text += (step.check_file.parent / f"{helper}.py").read_text()
        used = set(re.findall(r'\bfix="([a-z0-9-]+)"', text))
        for key in used:
            # a missing text would print a KeyError instead of a hint
            assert step.fix(key), f"{step.folder}: {key}"


# The checker's modules whose helpers name a step's hint key (not a shared one), and those helpers: a step
# whose check imports one of them must know every key the module names (its own, or an earlier step's).
STEP_KEYS = {
    "check/deploy.py": ("answered", "set_and_get", "stored_and_served"),  # set-not-in-redis… (step 04)
    "check/stack.py": ("come_up", "load_config", "find_services"),        # compose-invalid… (step 06)
}


def test_common_fix_keys_exist():
    """Every fix= raised by the checker's own modules has a common text; a module of STEP_KEYS may name a
    step's keys instead, as long as every step whose check imports its helpers knows them."""
    import re

    from checker import ROOT

    common = course.load()["fixes"]
    modules = sorted((ROOT / "checker").rglob("*.py"))
    assert {path.relative_to(ROOT / "checker").as_posix() for path in modules} >= set(STEP_KEYS)
    for module in modules:
        name = module.relative_to(ROOT / "checker").as_posix()
        keys = re.findall(r'\bfix="([a-z0-9-]+)"', module.read_text())
        if name in STEP_KEYS:
            dotted = "checker." + name[:-3].replace("/", ".")
            raising = rf"from {re.escape(dotted)} import [^\n]*\b({'|'.join(STEP_KEYS[name])})\b"
            users = [step for step in course.steps() if re.search(raising, step.check_file.read_text())]
            # the module's helpers are used, and each step that uses them knows their keys (Step.fix)
            assert users, name
            for key in keys:
                assert all(key in step.all_fixes() for step in users), f"{name}: {key}"
        else:
            for key in keys:
                assert key in common, f"{name}: {key}"


def test_check_titles_are_translated():
    """Every check's docstring has an English first line and a non-empty `zh:` line."""
    import ast

    from checker import ROOT

    for module in sorted((ROOT / "checks").glob("test_*.py")):
        for node in ast.walk(ast.parse(module.read_text())):
            if not (isinstance(node, ast.FunctionDef) and node.name.startswith("test")):
                continue
            where = f"{module.name}: {node.name}"
            lines = [line.strip() for line in (ast.get_docstring(node) or "").splitlines()]
            # without a docstring the learner would see the bare function name
            assert lines, where
            # the English title comes first; it is what an English run prints
            assert lines[0] and not lines[0].startswith("zh:"), where
            # a Chinese run prints the text after `zh:`, so it must not be empty
            zh = [line[3:].strip() for line in lines[1:] if line.startswith("zh:")]
            assert zh and zh[0], where
