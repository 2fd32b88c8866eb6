"""checker/commands/lesson/words.py: every label of the page exists in English and in Chinese."""

import re

from checker.text.i18n import english_runs
from checker.commands.lesson.words import WORDS, table, word


def test_every_label_in_both_languages():
    """Each label has an English and a Chinese text with the same placeholders."""
    for key, entry in WORDS.items():
        # both languages, neither empty
        assert entry.get("en", "").strip() and entry.get("zh", "").strip(), key
        # the same {placeholders} in both
        assert set(re.findall(r"\{(\w+)", entry["en"])) == set(re.findall(r"\{(\w+)", entry["zh"])), key


def test_chinese_labels_read_as_chinese():
    """No Chinese label keeps English words (the workshop's rule for Chinese text)."""
    for key, entry in WORDS.items():
        # what may stay in English (names, code, commands) aside
        assert english_runs(entry["zh"]) == [], (key, entry["zh"])


def test_page_table_and_filled_label():
    """The script's table holds the panel labels; word() fills placeholders."""
    # the labels the script needs, in the page's language
    assert table("zh")["panel.running"] == WORDS["panel.running"]["zh"]
    # a label with its values
    assert word("step", "en", number="03") == "Step 03"
