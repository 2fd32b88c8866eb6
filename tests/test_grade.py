"""`make grade DIR=path`: every step's check on a learner's copy, a score table, one JUnit XML file."""

import csv
import os
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from checker import ROOT
from checker.workshop import course

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


def copy_of(tmp_path, name, tree, inside=""):
    """A learner's copy with step 1 from `tree` (solutions or steps), its step folders under `inside`."""
    copy = tmp_path / name
    shutil.copytree(ROOT / tree / STEPS[0].folder, copy / inside / STEPS[0].folder)
    return copy


def csv_rows(path):
    """The rows of a class CSV, by copy name."""
    with open(path, newline="") as handle:
        return {row["copy"]: row for row in csv.DictReader(handle)}


def test_class_from_a_list_resumes(checker, tmp_path):
    """A list of paths and a git URL: each copy graded, one CSV and JUnit file; a re-run keeps unchanged copies."""
    copy_of(tmp_path / "class", "solved", "solutions")
    copy_of(tmp_path / "class", "untouched", "steps")
    fork = copy_of(tmp_path, "fork", "solutions", inside="steps")  # a fork of the workshop: steps/ inside
    for command in (["init", "-q"], ["add", "."], ["-c", "user.name=l", "-c", "user.email=l@x", "commit", "-qm", "1"]):
        subprocess.run(["git", *command], cwd=fork, check=True, capture_output=True)
    listing = tmp_path / "class.txt"
    listing.write_text(f"# the class\nclass/solved\nclass/untouched\n\nfile://{fork}\n")
    out = tmp_path / "out"
    env = {"GRADE_JOBS": "2", "WORKSHOP_STATE_DIR": str(tmp_path / "state")}
    result = checker("grade", str(listing), "--out", str(out), env=env)
    # one copy fails step 1: exit 1, and a table with every copy
    assert result.returncode == 1, result.stdout + result.stderr
    rows = csv_rows(out / "class.csv")
    assert sorted(rows) == ["fork", "solved", "untouched"]
    # step 1 passed by the solved copy and the cloned fork, not by the untouched starter
    assert rows["solved"][STEPS[0].folder].endswith("passed") and rows["fork"][STEPS[0].folder].endswith("passed")
    assert rows["untouched"][STEPS[0].folder].endswith("failing")
    suites = [suite.get("name") for suite in ET.parse(out / "class-junit.xml").getroot().iter("testsuite")]
    assert f"fork/{STEPS[0].folder}" in suites and len(suites) == 3 * len(STEPS)
    # a re-run grades nothing again: the files did not change
    again = checker("grade", str(listing), "--out", str(out), env=env)
    assert again.stdout.count("unchanged since the last grade") == 3, again.stdout
    # a changed copy is graded again, the others are kept
    (tmp_path / "class" / "untouched" / STEPS[0].folder / "hello.py").write_text(
        (ROOT / "solutions" / STEPS[0].folder / "hello.py").read_text())
    third = checker("grade", str(listing), "--out", str(out), env=env)
    assert third.stdout.count("unchanged since the last grade") == 2, third.stdout
    assert csv_rows(out / "class.csv")["untouched"][STEPS[0].folder].endswith("passed")


def test_shards_and_merge(checker, tmp_path):
    """GRADE_SHARD=i/N grades every N-th copy of a folder; grade-merge joins the shards into one result."""
    for name, tree in (("ann", "solutions"), ("bob", "steps"), ("cai", "solutions")):
        copy_of(tmp_path / "class", name, tree)
    env = {"GRADE_JOBS": "1", "WORKSHOP_STATE_DIR": str(tmp_path / "state")}
    for shard in ("1/2", "2/2"):
        checker("grade", str(tmp_path / "class"), "--out", str(tmp_path / shard.replace("/", "-")),
                env={**env, "GRADE_SHARD": shard})
    # the first shard has the 1st and 3rd copy, the second the 2nd
    assert sorted(csv_rows(tmp_path / "1-2" / "class.csv")) == ["ann", "cai"]
    assert sorted(csv_rows(tmp_path / "2-2" / "class.csv")) == ["bob"]
    merged = checker("grade-merge", str(tmp_path / "all"), str(tmp_path / "1-2"), str(tmp_path / "2-2"))
    assert merged.returncode == 1, merged.stdout + merged.stderr
    assert sorted(csv_rows(tmp_path / "all" / "class.csv")) == ["ann", "bob", "cai"]
    # a shard that does not exist is refused with a message
    bad = checker("grade", str(tmp_path / "class"), env={**env, "GRADE_SHARD": "3/2"})
    assert bad.returncode == 2 and "GRADE_SHARD must be i/N" in bad.stderr


def processes_naming(text):
    """Pids of the processes whose command line contains `text`."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if text in cmdline.read_bytes().decode(errors="replace"):
                found.append(int(cmdline.parent.name))
        except OSError:
            pass
    return found


def test_sigterm_stops_the_whole_class(tmp_path):
    """SIGTERM to the class grade alone (a cancelled CI job) stops every grade it started, and their apps."""
    for name in ("slow-1", "slow-2"):
        copy = copy_of(tmp_path / "class", name, "steps")
        (copy / STEPS[0].folder / "hello.py").write_text("import time\ntime.sleep(600)\n")
    env = {**os.environ, "GRADE_JOBS": "2", "WORKSHOP_IMPORT_TIMEOUT": "300", "WORKSHOP_LANG": "en",
           "WORKSHOP_STATE_DIR": str(tmp_path / "state")}
    grader = subprocess.Popen([sys.executable, "-m", "checker", "grade", str(tmp_path / "class"), "--out",
                               str(tmp_path / "out")], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(processes_naming(str(tmp_path / "class" / "slow-"))) < 2:
        time.sleep(0.2)
    time.sleep(3)  # both grades are importing the sleeping hello.py now
    grader.send_signal(signal.SIGTERM)
    grader.communicate(timeout=120)
    # interrupted is not passed
    assert grader.returncode != 0
    # no grade of the class and nothing they started is left
    assert processes_naming(str(tmp_path / "class")) == []
