"""`make check-step N FORMAT=json`: the results document on stdout, people's text on stderr."""

import json
import shutil

from checker import ROOT
from checker.check import verdict

STEP = "01-hello-flask"


def test_json_of_an_untouched_starter(checker, tmp_path):
    """The starter of step 01 fails: stdout is one valid document naming the failed rule."""
    shutil.copytree(ROOT / "steps" / STEP, tmp_path / STEP)
    result = checker("check", "1", "--target", str(tmp_path), env={"FORMAT": "json"})
    doc = json.loads(result.stdout)
    # the exit code is the check's, and the document says the same
    assert result.returncode == 1 and doc["status"] == "fail" and verdict.valid(doc)
    failed = verdict.first_failure(doc)
    # the failure carries its layer, message and hint key, as the terminal shows them
    assert failed["layer"] == "code" and failed["message"] and failed["hint_key"], failed
    # the people's view went to stderr
    assert "✗" in result.stderr and doc["starter_untouched"] is True


def test_json_of_a_solution_in_chinese(checker):
    """The solution passes; every text field is in the learner's language."""
    result = checker("check", "1", "--target", "solutions", "--format", "json", env={"WORKSHOP_LANG": "zh"})
    doc = json.loads(result.stdout)
    # every rule passed
    assert result.returncode == 0 and doc["status"] == "pass" and doc["passed"] == doc["total"] > 0
    # the language is named, and the titles are Chinese
    assert doc["lang"] == "zh" and any("\u4e00" <= char <= "\u9fff" for char in doc["rules"][0]["title"])


def test_unknown_step_is_an_error_document(checker):
    """A step that does not exist: status error with the reason, exit 2, no traceback."""
    result = checker("check", "9", "--format", "json")
    doc = json.loads(result.stdout)
    # error, not fail: no rule ran
    assert result.returncode == 2 and doc["status"] == "error" and "9" in doc["message"]
    assert "Traceback" not in result.stderr


def test_unknown_format_is_refused(checker):
    """FORMAT=xml: a one-line reason and exit 2."""
    result = checker("check", "1", env={"FORMAT": "xml"})
    # argparse's usage error, naming the allowed formats
    assert result.returncode == 2 and "text or json" in result.stderr and "Traceback" not in result.stderr
