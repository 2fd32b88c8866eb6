"""The command line as a whole: whatever the command, its output may be cut short by the reader."""

import os
import subprocess
import sys

import pytest

from checker import ROOT


@pytest.mark.parametrize("command", [["doctor"], ["hint", "2"], ["progress"]], ids=" ".join)
def test_reader_that_leaves_gets_no_traceback(command):
    """`make doctor | true`: a reader that closes the pipe at once ends the command quietly."""
    process = subprocess.Popen(
        [sys.executable, "-m", "checker", *command], cwd=ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, env={**os.environ, "WORKSHOP_LANG": "en"},
    )
    process.stdout.close()  # the reader goes away before the first line
    errors = process.stderr.read().decode()
    process.stderr.close()
    process.wait(timeout=60)
    # nothing of Python's internals reaches the terminal
    assert "Traceback" not in errors and "BrokenPipe" not in errors, errors
