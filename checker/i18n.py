"""Pick English or Chinese for every message the checker prints."""

import os

LANGS = ("en", "zh")


def lang():
    """The language to print in: WORKSHOP_LANG wins, then LANG / LC_ALL, else English."""
    wanted = os.environ.get("WORKSHOP_LANG") or os.environ.get("LC_ALL") or os.environ.get("LANG") or ""
    return "zh" if wanted.lower().startswith("zh") else "en"


def pick(text):
    """Text in the current language from a {"en": ..., "zh": ...} mapping (or a plain string)."""
    if isinstance(text, str):
        return text
    return text.get(lang()) or text["en"]
