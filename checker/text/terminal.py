"""The learner's terminal: lines written to it, and a live progress line (an image build's current
instruction) that the next line replaces. Used by the pytest plugin and by the builds below it."""

import os
import sys

_stream = sys.__stdout__
_progress_shown = False


def progress(text):
    """A live progress line for a long operation (an image build); replaced by the next one."""
    global _progress_shown
    if _stream.isatty():
        write("\r\033[2K    … " + text[:100])
        _progress_shown = True
    else:
        write("    … " + text + "\n")


def write(text):
    """Write to the terminal; a reader that went away (`| head`) ends the output, not the check."""
    try:
        _stream.write(text)
        _stream.flush()
    except BrokenPipeError:
        # as Python's documentation advises: point stdout at devnull so no later flush fails
        os.dup2(os.open(os.devnull, os.O_WRONLY), _stream.fileno())


def clear_progress():
    """Take the live progress line away before a line that stays."""
    global _progress_shown
    if _progress_shown:
        write("\r\033[2K")
        _progress_shown = False
