"""The learner's local state in .workshop/: small JSON files (check results, hint counters) and
one-word settings (the language `make lang` stored)."""

import json

from . import STATE_DIR


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


def read(name):
    """The text of the setting .workshop/<name>, stripped, or '' when it is missing or unreadable."""
    try:
        return (STATE_DIR / name).read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""


def write(name, text):
    """Keep the setting `text` in .workshop/<name>, creating the folder if needed."""
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    (STATE_DIR / name).write_text(text + "\n", encoding="utf-8")


def remove(name):
    """Forget the setting .workshop/<name> (nothing happens when there is none)."""
    try:
        (STATE_DIR / name).unlink()
    except FileNotFoundError:
        pass
