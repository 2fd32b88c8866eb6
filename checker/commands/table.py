"""Columns of the tables grade and classroom print, in a terminal where Chinese characters take two."""

import unicodedata


def width(text):
    """Columns `text` takes in a terminal (Chinese characters take two)."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def pad(text, columns, right=False):
    """`text` padded with spaces to `columns` columns, on the right (or on the left with right=True)."""
    space = " " * max(columns - width(text), 0)
    return space + text if right else text + space
