"""The catalog of hostile submissions: each fails with its own message, and grading goes on.

A case is a folder tests/hostile/<case>/ laid out like a learner's copy (step folders), graded
as one class with small bounds. Its expect.toml:

    why = "one line: what the submission does"
    step = "01-hello-flask"     # the step it attacks
    state = "failing"           # its state in the class results (a list: any of them)
    fix = "import-blocked"      # the hint the first failing check names (a list: any; "" for none)
    message = "..."             # optional: text the failure must show
"""

import json
import re
import tomllib
from pathlib import Path

import pytest
from conftest import run_checker

CATALOG = Path(__file__).parent / "hostile"
CASES = sorted(path.parent.name for path in CATALOG.glob("*/expect.toml"))
HINT = re.compile(r"hint \[([a-z0-9-]+)\]")
# small bounds, so that the whole catalog is graded in about a minute
BOUNDS = {"WORKSHOP_IMPORT_TIMEOUT": "3", "WORKSHOP_LOG_MB": "1", "WORKSHOP_BUILD_TIMEOUT": "20",
          "GRADE_STEP_TIMEOUT": "60", "GRADE_JOBS": "2"}


def as_list(value):
    return value if isinstance(value, list) else [value]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The catalog graded as one class: (the grade's process result, its results folder)."""
    out = tmp_path_factory.mktemp("hostile")
    result = run_checker("grade", str(CATALOG), "--out", str(out),
                         env={**BOUNDS, "WORKSHOP_STATE_DIR": str(out / "state")}, timeout=900)
    return result, out


def test_grader_goes_on(graded):
    """Every hostile copy gets a result line, and the class grade ends with a table, not a crash."""
    result, out = graded
    # some copies failed: exit 1, no traceback
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    # each copy of the catalog has its result
    assert sorted(p.stem for p in (out / "results").glob("*.json")) == CASES


@pytest.mark.parametrize("case", CASES)
def test_hostile_submission_fails_with_its_own_message(graded, case):
    """The attacked step is not passed, and its failure names the intended hint."""
    _result, out = graded
    with open(CATALOG / case / "expect.toml", "rb") as handle:
        expected = tomllib.load(handle)
    result = json.loads((out / "results" / f"{case}.json").read_text())
    state = {s["step"]: s["state"] for s in result["steps"]}[expected["step"]]
    # the step it attacks is never passed
    assert state in as_list(expected["state"]), f"{case}: {state}"
    log = (out / "logs" / f"{case}.log").read_text()
    section = log.split(f"Step {expected['step']}", 1)[1].split("\nStep ", 1)[0]
    hints = HINT.findall(section)
    # the first failing check names the hint meant for this attack
    if "fix" in expected:
        assert (hints[0] if hints else "") in as_list(expected["fix"]), f"{case}: {hints}\n{section}"
    if "message" in expected:
        assert expected["message"] in section, section
