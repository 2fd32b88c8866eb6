"""The GitHub Classroom autograding workflow (classroom/.github/workflows/classroom.yml), rendered from
workshop.toml: one grader per step running its `make check-step N`, worth the step's `points`
(20 when it names none), and the reporter that collects them. `make new-step` writes it again, so a new
step is graded without a hand edit; tests/test_workflows.py checks it lists every step.
"""

from checker import ROOT

WORKFLOW = ROOT / "classroom" / ".github" / "workflows" / "classroom.yml"

HEAD = """\
# GitHub Classroom autograding for a learner's repository made from this workshop: on each push,
# one test per step (its `make check-step N`), each worth its points; the reporter sends the score
# to GitHub Classroom. Copy this file to .github/workflows/ of the assignment's template repository.
# Written from workshop.toml by `make new-step` (checker/workshop/autograding.py): edit the steps there.
name: Autograding Tests

on:
  - push
  - workflow_dispatch
  - repository_dispatch

permissions:
  checks: write
  actions: read
  contents: read

jobs:
  run-autograding-tests:
    runs-on: ubuntu-latest
    # GitHub Classroom's own commit (creating the repository) is not a submission
    if: github.actor != 'github-classroom[bot]'
    timeout-minutes: 45
    steps:
      - name: Checkout code
        uses: actions/checkout@v4

      # Docker is running on the hosted runner: setup installs the pinned packages and the base images
"""

GRADER = """\
      - name: {name}
        id: step{n}
        uses: classroom-resources/autograding-command-grader@v1
        with:
          test-name: {name}
          setup-command: {setup}
          command: make check-step {n}
          timeout: {timeout}
          max-score: {points}

"""

REPORTER = """\
      - name: Autograding Reporter
        uses: classroom-resources/autograding-grading-reporter@v1
        env:
{env}
        with:
          runners: {runners}
"""


def render(steps):
    """The workflow's text for `steps` (course.steps())."""
    graders = []
    for index, step in enumerate(steps):
        first = index == 0  # the first grader also runs `make setup` (15 minutes), the others 10
        name = f"Step {step.number} - {step.title['en']}".replace(":", " -")
        graders.append(GRADER.format(name=name, n=step.number, setup="make setup" if first else "''",
                                     timeout=15 if first else 10, points=step.points))
    env = "\n".join(f'          STEP{s.number}_RESULTS: "${{{{ steps.step{s.number}.outputs.result }}}}"' for s in steps)
    return (HEAD + "".join(graders)
            + REPORTER.format(env=env, runners=",".join(f"step{s.number}" for s in steps)))


def write(steps):
    """Write the workflow for `steps`; its path."""
    WORKFLOW.write_text(render(steps))
    return WORKFLOW
