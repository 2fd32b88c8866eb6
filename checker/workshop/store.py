"""The learner's local state in .workshop/: small JSON files (check results, hint counters, build records).

The one-word setting of the language is kept by checker/text/i18n.py, below this layer."""

import json

from checker import STATE_DIR


def load(name):
    """The contents of .workshop/<name>, or {} when it is missing or unreadable."""
    try:
        return json.loads((STATE_DIR / name).read_text())
    except (FileNotFoundError, ValueError):
        return {}


def save(name, data):
    """Write `data` to .workshop/<name>, creating the folder if needed."""
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    (STATE_DIR / name).write_text(json.dumps(data, indent=2, ensure_ascii=False))
