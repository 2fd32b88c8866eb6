"""The audit in CONTRIBUTING.md: every demand of a step is checked, and the catalog proves the check.

Its table has one row per demand: | Step | Demand | Asked in | Check [hint] | Catalog cases |. A demand a
starter's TODO makes says so in "Asked in" as TODO `file`: followed by the first words of the TODO's
English line; its catalog cases are names of folders in tests/wrong_answers/<step folder>/. A demand
reworded as a suggestion has no check and no case ("—").
"""

import re

import pytest

from checker import ROOT
from checker.workshop import course

CONTRIBUTING = ROOT / "CONTRIBUTING.md"
CATALOG = ROOT / "tests" / "wrong_answers"
HEADING = "## The audit"
ROW = re.compile(r"^\| (\d\d) \| (.+?) \| (.+?) \| (.+?) \| (.+?) \|$")
ASKED = re.compile(r"TODO `([^`]+)`: (.+)")
TODO = re.compile(r"#\s*TODO: (.+)")
CASE = re.compile(r"`([a-z0-9-]+)`")


def starter_todos():
    """(step number, file name, the TODO's first English line) of every TODO comment in the starters."""
    found = []
    for step in course.steps():
        for path in sorted((ROOT / "steps" / step.folder).iterdir()):
            if not path.is_file() or path.name.startswith("README"):
                continue
            for line in path.read_text(encoding="utf-8").splitlines():
                match = TODO.search(line)
                if match:
                    found.append((step.number, path.name, match.group(1).strip()))
    return found


def audit_rows():
    """The rows of the audit table: dicts of step, demand, asked, check and cases (a list of names)."""
    text = CONTRIBUTING.read_text(encoding="utf-8")
    assert HEADING in text, f"CONTRIBUTING.md has no section `{HEADING}`"
    section = text.split(HEADING, 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        match = ROW.match(line.strip())
        if match and match.group(1).isdigit():
            step, demand, asked, check, cases = (part.strip() for part in match.groups())
            rows.append({"step": int(step), "demand": demand, "asked": asked, "check": check,
                         "cases": CASE.findall(cases)})
    return rows


def todo_rows():
    """(row, file, the words it quotes) of every row whose demand a starter TODO makes."""
    found = []
    for row in audit_rows():
        match = ASKED.search(row["asked"])
        if match:
            found.append((row, match.group(1), match.group(2).rstrip("…").strip()))
    return found


def folder_of(number):
    """The step folder of step `number`."""
    return next(step.folder for step in course.steps() if step.number == number)


@pytest.mark.parametrize("todo", starter_todos(), ids=lambda todo: f"{todo[0]:02d}/{todo[1]}/{todo[2][:30]}")
def test_each_starter_todo_has_a_row_with_cases(todo):
    """A TODO in a starter is a demand: its row names the catalog cases that prove its check."""
    number, name, text = todo
    rows = [row for row, file, words in todo_rows() if row["step"] == number and file == name
            and text.startswith(words)]
    # a TODO nobody listed may be a demand nothing checks
    assert rows, f"step {number:02d} {name}: no audit row in CONTRIBUTING.md for the TODO `{text}`"
    # and a listed one needs a wrong answer that leaves it out
    assert any(row["cases"] for row in rows), f"step {number:02d} {name}: the row of `{text}` names no catalog case"


def test_each_todo_row_names_a_todo_of_its_starter():
    """No row quotes a TODO the starter no longer has (a reworded or removed TODO updates the table)."""
    todos = starter_todos()
    for row, file, words in todo_rows():
        found = [text for number, name, text in todos if number == row["step"] and name == file
                 and text.startswith(words)]
        # a stale row would let a new, unlisted TODO of the same file go unnoticed
        assert found, f"step {row['step']:02d}: no TODO in {file} starts with `{words}`"


def test_each_case_named_exists():
    """Every catalog case the table names is a case folder of that step."""
    for row in audit_rows():
        for case in row["cases"]:
            # a misspelt case name would prove nothing
            assert (CATALOG / folder_of(row["step"]) / case / "expect.toml").is_file(), \
                f"step {row['step']:02d} `{row['demand']}`: no catalog case {case}"


def test_each_row_is_checked_or_a_suggestion():
    """A row either names a check and cases, or says it was reworded as a suggestion (— in both)."""
    for row in audit_rows():
        suggestion = row["check"].startswith("—")
        # an unchecked demand must have been reworded, and a checked one proved by the catalog
        assert suggestion == (not row["cases"]), f"step {row['step']:02d} `{row['demand']}`"
