"""Results of past checks, kept in .workshop/results.json for `make progress`."""

import json
import time

from . import STATE_DIR

RESULTS = STATE_DIR / "results.json"


def load():
    """{target: {step_folder: {"state", "when", "passed", "total"}}}."""
    try:
        return json.loads(RESULTS.read_text())
    except (FileNotFoundError, ValueError):
        return {}


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
    STATE_DIR.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(data, indent=2, ensure_ascii=False))
