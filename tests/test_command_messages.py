"""The commands' sentences: each in English and Chinese, with the same placeholders, all reachable."""

import string

from checker.text.command_messages import COMMAND_MESSAGES
from checker.text.messages import MESSAGES


def fields(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_same_placeholders_in_both_languages():
    """A placeholder missing in one language would fail only for the learners who read it."""
    for key, texts in COMMAND_MESSAGES.items():
        assert texts["en"].strip() and texts["zh"].strip(), key
        assert fields(texts["en"]) == fields(texts["zh"]), key


def test_merged_into_messages():
    """msg() finds every command sentence."""
    for key, texts in COMMAND_MESSAGES.items():
        assert MESSAGES[key] is texts, key
