"""checker/commands/lesson/worker.py: a check's events folded into the snapshot every open page receives."""

import json

from checker.check import verdict
from checker.workshop import course
from checker.commands.lesson.worker import Worker, page_status

STEP = course.steps()[0]


def listening(tmp_path):
    """A worker on an empty copy of step 01 (not watching, no check started) and a page's queue."""
    (tmp_path / STEP.folder).mkdir()
    worker = Worker(STEP, tmp_path, "en")
    worker.generation = 1  # as if the page's first check had started: subscribing starts none
    return worker, worker.subscribe("en")


def received(listener):
    """Every snapshot sent so far, decoded."""
    found = []
    while not listener.empty():
        found.append(json.loads(listener.get()))
    return found


def test_statuses_as_the_page_shows_them():
    """A rule not run is pending on the page, a broken check is a failure."""
    # not_run and error map onto the page's four states; the rest stay
    assert [page_status(s) for s in ("not_run", "error", "pass", "fail")] == ["pending", "fail", "pass", "fail"]


def test_events_fold_into_snapshots(tmp_path):
    """collected, running, rule and done each send one snapshot; done carries the verdict."""
    worker, listener = listening(tmp_path)
    rules = [verdict.rule("a", "A", "not_run"), verdict.rule("b", "B", "not_run")]
    worker._apply({"event": "collected", "rules": rules})
    worker._apply({"event": "running", "name": "a"})
    worker._apply({"event": "rule", "rule": verdict.rule("a", "A", "pass")})
    final = [verdict.rule("a", "A", "pass"), verdict.rule("b", "B", "fail", layer="code", message="no")]
    finished = worker._apply({"event": "done", "result": verdict.document(STEP, final, "en")})
    sent = received(listener)[1:]  # the first is the snapshot at subscription
    # pending, then a running, then a pass, then the verdict
    assert [[r["status"] for r in s["rules"]] for s in sent] == [
        ["pending", "pending"], ["running", "pending"], ["pass", "pending"], ["pass", "fail"]]
    # only the verdict ends the check, and it is in the last snapshot
    assert finished is True and sent[-1]["result"]["status"] == "fail" and sent[-1]["running"] is False


def test_a_dropped_page_gets_nothing_more(tmp_path):
    """A page that closed is no longer sent snapshots."""
    worker, listener = listening(tmp_path)
    worker.unsubscribe(listener)
    worker._apply({"event": "collected", "rules": []})
    # only the subscription's snapshot was ever sent
    assert len(received(listener)) == 1
