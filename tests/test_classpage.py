"""class.html (checker/commands/classpage.py): learners × steps from the results documents, failures linked."""

from checker.commands import classpage, classroom
from checker.check import verdict
from checker.workshop import course

STEP = course.steps()[0]
FOLDERS = [step.folder for step in course.steps()]
EVIL = "<script>alert('x')</script>"


def failing_result(name):
    """A copy whose step 01 failed on a rule with a log, and whose other steps are missing."""
    rule = verdict.rule("test_root", "GET / answers", "fail", layer="code", message=f"answered {EVIL}",
                        hint_key="root-route", hint="Add the route.", log=f"Traceback\n{EVIL}")
    doc = verdict.document(STEP, [verdict.rule("test_app", "app", "pass"), rule], "en")
    steps = [{"step": STEP.folder, "state": "failing", "passed": 1, "total": 2, "result": doc}]
    steps += [{"step": folder, "state": "missing", "passed": 0, "total": 3, "result": None} for folder in FOLDERS[1:]]
    return {"name": name, "source": name, "steps": steps, "error": None}


def passing_result(name):
    """A copy that passed every step."""
    return {"name": name, "source": name, "error": None,
            "steps": [{"step": folder, "state": "passed", "passed": 3, "total": 3, "result": None} for folder in FOLDERS]}


def test_cells_link_to_the_first_failure():
    """A failed cell links to a section with the failed rule's layer, message, log and hint."""
    html = classpage.page([failing_result("ann"), passing_result("bob")], FOLDERS)
    ident = classpage.anchor("ann", STEP.folder)
    # the cell links to the section, which names the rule, the hint key and the log
    assert f'href="#{ident}"' in html and f'id="{ident}"' in html
    section = html.split(f'id="{ident}"', 1)[1]
    assert "GET / answers" in section and "[root-route]" in section and "Traceback" in section
    # the passing copy has every step ✓
    assert html.count("✓ 3/3") == len(FOLDERS)


def test_learner_text_is_escaped_and_page_self_contained():
    """Names, messages and logs from a copy are text; the page loads nothing from elsewhere."""
    html = classpage.page([failing_result(f"eve{EVIL}")], FOLDERS)
    # no markup from the learner's side
    assert EVIL not in html and "&lt;script&gt;" in html
    # no script, stylesheet or image from another file
    assert "<script" not in html and "src=" not in html and "<link" not in html


def test_write_class_writes_the_page(tmp_path):
    """write_class (grade and grade-merge) writes class.html next to the CSV."""
    classroom.write_class([failing_result("ann"), passing_result("bob")], tmp_path)
    # the page is there, with both copies
    text = (tmp_path / "class.html").read_text()
    assert "ann" in text and "bob" in text
