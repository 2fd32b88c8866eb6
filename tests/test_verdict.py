"""The results document (checker/check/verdict.py): its statuses and what readers may rely on."""

from checker.check import verdict
from checker.workshop import course

STEP = course.steps()[0]


def test_every_rule_passing_is_a_pass():
    """All rules pass: the document passes; a skipped rule counts neither way."""
    rules = [verdict.rule("a", "A", "pass"), verdict.rule("b", "B", "skip")]
    doc = verdict.document(STEP, rules, "en")
    # a skip neither fails the step nor counts in its total
    assert doc["status"] == "pass" and (doc["passed"], doc["total"]) == (1, 1)
    # the shape is the documented one
    assert verdict.valid(doc)


def test_a_failure_is_a_fail_and_named_first():
    """One failed rule makes the document fail; first_failure finds it before later breakage."""
    broken = verdict.rule("b", "B", "fail", layer="code", message="GET / answered 404", hint_key="root-route")
    rules = [verdict.rule("a", "A", "pass"), broken, verdict.rule("c", "C", "error", layer="checker")]
    doc = verdict.document(STEP, rules, "en")
    # the step fails, with one of three rules passed
    assert doc["status"] == "fail" and (doc["passed"], doc["total"]) == (1, 3)
    # the first failure is the one the learner fixes first
    assert verdict.first_failure(doc) is broken


def test_a_check_that_could_not_run_is_an_error():
    """No rule ran: status error, with the reason as message."""
    doc = verdict.error(None, "There is no step '9'.", "en")
    # error, no rules, the reason kept
    assert doc["status"] == "error" and doc["rules"] == [] and "no step" in doc["message"]
    assert verdict.valid(doc)


def test_invalid_documents_are_told_apart():
    """A document with an unknown status, or none at all, is not valid."""
    doc = verdict.document(STEP, [verdict.rule("a", "A", "pass")], "en")
    # an unknown overall status breaks the contract
    assert not verdict.valid({**doc, "status": "green"})
    # so does a document that is not one
    assert not verdict.valid({"rules": None})
