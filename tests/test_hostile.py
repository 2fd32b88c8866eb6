"""The catalog of hostile submissions: each fails with its own message, and grading goes on.

A case is a folder tests/hostile/<case>/ laid out like a learner's copy (step folders), graded
as one class with small bounds. Its expect.toml:

    why = "one line: what the submission does"
    step = "01-hello-flask"     # the step it attacks
    state = "failing"           # its state in the class results (a list: any of them)
    fix = "import-blocked"      # the hint the first failing check names (a list: any; "" for none)
    message = "..."             # optional: text the failure must show
    base = "steps/02-flask-redis"  # optional: the folder the case's step folder is laid over
    prepend = ["hello.py"]      # optional: case files put in front of the base's file of that name
"""

import json
import re
import shutil
import tomllib
from pathlib import Path

import pytest
from conftest import run_checker

from checker import ROOT

CATALOG = Path(__file__).parent / "hostile"
CASES = sorted(path.parent.name for path in CATALOG.glob("*/expect.toml"))
HINT = re.compile(r"hint \[([a-z0-9-]+)\]")
# small bounds, so that the whole catalog is graded in about a minute
BOUNDS = {"WORKSHOP_IMPORT_TIMEOUT": "8", "WORKSHOP_LOG_MB": "1", "WORKSHOP_BUILD_TIMEOUT": "20",
          "GRADE_STEP_TIMEOUT": "60", "GRADE_JOBS": "2"}


def lay_out(case, copy):
    """Write the learner's copy of `case` to `copy`: its base, then its own files laid over it."""
    with open(case / "expect.toml", "rb") as handle:
        expected = tomllib.load(handle)
    step = copy / expected["step"]
    if "base" in expected:
        shutil.copytree(ROOT / expected["base"], step)
    for path in (case / expected["step"]).iterdir():
        before = (step / path.name).read_text() if path.name in expected.get("prepend", []) else ""
        step.mkdir(parents=True, exist_ok=True)
        (step / path.name).write_text(path.read_text() + before)


def as_list(value):
    return value if isinstance(value, list) else [value]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The catalog graded as one class: (the grade's process result, its results folder)."""
    out = tmp_path_factory.mktemp("hostile")
    copies = out / "class"
    for case in CASES:
        lay_out(CATALOG / case, copies / case)
    result = run_checker("grade", str(copies), "--out", str(out),
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
