"""Results of past checks, kept in .workshop/results.json for `make progress`."""

import hashlib
import time

from checker.workshop import store
from checker.workshop.starters import learner_files

RESULTS = "results.json"


def load():
    """{target: {step_folder: {"state", "when", "passed", "total", "seconds", "files", "fixes"}}}."""
    return store.load(RESULTS)


def fingerprint(folder):
    """A hash of the files a learner edits in `folder`: it changes when any of them does."""
    digest = hashlib.sha256()
    for path, data in sorted(learner_files(folder).items()):
        digest.update(path.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def record(target, step, summary, files=None):
    """Remember the outcome of checking `step` in `target`, and which files it checked (`files`: their
    fingerprint when the check began; else taken now)."""
    data = load()
    passed = summary["total"] > 0 and summary["passed"] == summary["total"]
    data.setdefault(str(target), {})[step.folder] = {
        "state": "passed" if passed else "failing",
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "passed": summary["passed"],
        "total": summary["total"],
        "seconds": summary["seconds"],
        "files": files or fingerprint(target / step.folder),
        "fixes": list(summary.get("fixes") or []),  # the hint keys its failures printed, for `make hint`
    }
    store.save(RESULTS, data)


def last_failure_hints(target, step):
    """The hint keys of `step`'s last check of `target` when it failed ([] when it passed or never ran)."""
    record = load().get(str(target), {}).get(step.folder) or {}
    return list(record.get("fixes") or []) if record.get("state") == "failing" else []
