"""Every GitHub Actions workflow of the repository is valid, and the classroom template scores each step."""

import subprocess
import sys
from pathlib import Path

import pytest

from checker import ROOT
from checker.workshop import course

WORKFLOWS = sorted([*ROOT.glob(".github/workflows/*.yml"), *ROOT.glob("classroom/.github/workflows/*.yml")])
CLASSROOM = ROOT / "classroom" / ".github" / "workflows" / "classroom.yml"


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: str(path.relative_to(ROOT)))
def test_workflow_is_valid(workflow):
    """The workflow matches GitHub's schema (vendored in check-jsonschema: no network needed)."""
    checker = Path(sys.executable).with_name("check-jsonschema")
    result = subprocess.run([str(checker), "--builtin-schema", "vendor.github-workflows", str(workflow)],
                            capture_output=True, text=True)
    # a workflow GitHub would refuse fails here, with the schema's reason
    assert result.returncode == 0, result.stdout + result.stderr


def test_classroom_scores_every_step():
    """One autograding test per step of workshop.toml, each running its check and worth points."""
    from ruamel.yaml import YAML

    steps = YAML(typ="safe").load(CLASSROOM.read_text())["jobs"]["run-autograding-tests"]["steps"]
    graders = [s for s in steps if s.get("uses", "").startswith("classroom-resources/autograding-command-grader")]
    # every step of the course, in order, by its own check
    assert [g["with"]["command"] for g in graders] == [f"make check-step {s.number}" for s in course.steps()]
    assert all(int(g["with"]["max-score"]) > 0 for g in graders)
    # the reporter collects each grader's result
    reporter = next(s for s in steps if "autograding-grading-reporter" in s.get("uses", ""))
    assert reporter["with"]["runners"].split(",") == [g["id"] for g in graders]
    assert set(reporter["env"]) == {f"{g['id'].upper()}_RESULTS" for g in graders}
