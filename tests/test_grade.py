"""`make grade DIR=path`: every step's check on a learner's copy, a score table, one JUnit XML file."""

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

from checker import ROOT, course

STEPS = course.steps()


def checks_of(step):
    """How many checks pytest collects from a step's module."""
    listing = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                              str(step.check_file)], cwd=ROOT, capture_output=True, text=True).stdout
    return sum(1 for line in listing.splitlines() if "::" in line)


def row(result, step):
    """The score-table line of `step`."""
    return next(line for line in result.stdout.splitlines()
                if line.startswith(f"  {step.folder} ") and ("✓" in line or "✗" in line))


def test_partial_copy(checker, tmp_path):
    """A solved step 1, an untouched step 2, the rest missing: scores, states, XML, exit 1."""
    first, second = STEPS[:2]
    learner = tmp_path / "learner"
    shutil.copytree(ROOT / "solutions" / first.folder, learner / first.folder)
    shutil.copytree(ROOT / "steps" / second.folder, learner / second.folder)
    xml = tmp_path / "grade.xml"
    result = checker("grade", str(learner), "--xml", str(xml), env={"WORKSHOP_STATE_DIR": str(tmp_path / "s")})
    assert result.returncode == 1, result.stdout + result.stderr
    # progress lines while it runs, then the table
    assert f"[1/{len(STEPS)}] grading {first.folder}" in result.stdout
    assert row(result, first).split()[1:] == ["3/3", "✓", "passed"]
    assert row(result, second).split()[2:] == ["✗", "failing"]
    for step in STEPS[2:]:
        assert row(result, step).split()[2:] == ["✗", "missing"]
        # its checks still count in the total
        assert row(result, step).split()[1] == f"0/{checks_of(step)}"
    # one JUnit file with a suite per step; a missing step is a failed case
    suites = {suite.get("name"): suite for suite in ET.parse(xml).getroot().iter("testsuite")}
    assert list(suites) == [step.folder for step in STEPS]
    assert suites[first.folder].get("failures") == "0"
    assert suites[second.folder].get("failures") == "1"
    for step in STEPS[2:]:
        assert suites[step.folder].find("testcase/failure") is not None


def test_every_solution_scores_full(checker, tmp_path):
    """Grading solutions/: every step passed, exit 0, the XML in .workshop/ by default."""
    result = checker("grade", "solutions", env={"WORKSHOP_STATE_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stdout + result.stderr
    for step in STEPS:
        score = row(result, step).split()[1]
        assert score.split("/")[0] == score.split("/")[1] and "✓" in row(result, step)
    suites = list(ET.parse(tmp_path / "grade-junit.xml").getroot().iter("testsuite"))
    assert len(suites) == len(STEPS) and all(s.get("failures") == "0" == s.get("errors") for s in suites)


def test_bad_dir(checker, tmp_path):
    """No DIR, a missing one, or one without step folders: a clear message and a non-zero exit."""
    (tmp_path / "empty").mkdir()
    results = {
        "Say which folder": checker("grade", env={"DIR": ""}),
        "does not exist": checker("grade", str(tmp_path / "nope")),
        "has none of the step folders": checker("grade", str(tmp_path / "empty")),
    }
    for expected, result in results.items():
        assert result.returncode != 0 and expected in result.stderr, result.stderr
        assert "Traceback" not in result.stderr + result.stdout
