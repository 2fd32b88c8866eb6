"""What grade, classroom and classpage share: the time one step's check may take, and the columns of
their tables in a terminal where Chinese characters take two."""

import os
import unicodedata


def step_timeout():
    """Seconds one step's check may take when grading (GRADE_STEP_TIMEOUT, default 600)."""
    return int(os.environ.get("GRADE_STEP_TIMEOUT") or 600)


def width(text):
    """Columns `text` takes in a terminal (Chinese characters take two)."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def pad(text, columns, right=False):
    """`text` padded with spaces to `columns` columns, on the right (or on the left with right=True)."""
    space = " " * max(columns - width(text), 0)
    return space + text if right else text + space
