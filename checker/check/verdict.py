"""The results of one step's check as data: the shape `make check-step N FORMAT=json` prints, the lesson
page shows and the grade tools read (docs/results-format.md describes every field).

Like Exercism's results.json: an overall `status` ("pass", "fail", or "error" when the check could not
run), and `rules` in the order they run, each with its name, status, layer, message, hint key and log.
Built from what the pytest plugin (report.py) saw; no pytest here.
"""

import json

VERSION = 1
RULE_STATUSES = ("pass", "fail", "error", "skip", "not_run")
STATUSES = ("pass", "fail", "error")


def rule(name, title, status, layer=None, message=None, hint_key=None, hint=None, log=None):
    """One check's result. `layer`, `message`, `hint_key`, `hint` and `log` only for a failed one."""
    assert status in RULE_STATUSES, status
    return {"name": name, "title": title, "status": status, "layer": layer, "message": message,
            "hint_key": hint_key, "hint": hint, "log": log or None}


def step_info(step):
    """The step a document is about: number, folder, title."""
    return {"number": step.number, "folder": step.folder, "title": step.title_text()}


def document(step, rules, lang, seconds=0.0, next_step=None, starter=False, target=None):
    """The whole result of a check that ran: `pass` when every rule that counts passed, else `fail`."""
    counted = [r for r in rules if r["status"] != "skip"]
    passed = sum(1 for r in counted if r["status"] == "pass")
    status = "pass" if counted and passed == len(counted) else "fail"
    return {"version": VERSION, "status": status, "message": None, "step": step_info(step),
            "target": str(target) if target else None, "lang": lang, "passed": passed, "total": len(counted),
            "seconds": seconds, "next_step": next_step, "starter_untouched": bool(starter), "rules": rules}


def error(step, message, lang, target=None):
    """The result of a check that could not run (no rule ran): `message` says why."""
    return {"version": VERSION, "status": "error", "message": message,
            "step": step_info(step) if step else None, "target": str(target) if target else None, "lang": lang,
            "passed": 0, "total": 0, "seconds": 0.0, "next_step": None, "starter_untouched": False, "rules": []}


def first_failure(doc):
    """The first rule that failed (or broke), or None."""
    return next((r for r in doc.get("rules", []) if r["status"] in ("fail", "error")), None)


def dumps(doc):
    """The document as JSON text (UTF-8 kept readable)."""
    return json.dumps(doc, ensure_ascii=False, indent=2)


def valid(doc):
    """Whether `doc` has the documented shape (what readers of it may rely on)."""
    try:
        return (doc["version"] == VERSION and doc["status"] in STATUSES
                and isinstance(doc["rules"], list)
                and all(r["status"] in RULE_STATUSES and isinstance(r["name"], str) for r in doc["rules"]))
    except (KeyError, TypeError):
        return False
