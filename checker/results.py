"""Results of past checks, kept in .workshop/results.json for `make progress`."""

import time

from . import state

RESULTS = "results.json"


def load():
    """{target: {step_folder: {"state", "when", "passed", "total"}}}."""
    return state.load(RESULTS)


def record(target, step, summary):
    """Remember the outcome of checking `step` in `target`."""
    data = load()
    passed = summary["total"] > 0 and summary["passed"] == summary["total"]
    data.setdefault(str(target), {})[step.folder] = {
        "state": "passed" if passed else "failing",
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "passed": summary["passed"],
        "total": summary["total"],
        "seconds": summary["seconds"],
    }
    state.save(RESULTS, data)
