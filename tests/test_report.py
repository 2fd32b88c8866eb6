"""What the learner sees of a check, however its output is read."""

import os
import subprocess
import sys

from checker import ROOT


def test_output_piped_into_head():
    """`make check-step 1 | head -1`: the check still runs to its end, with no traceback."""
    process = subprocess.Popen(
        [sys.executable, "-m", "checker", "check", "1", "--target", "solutions"], cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "WORKSHOP_LANG": "en"},
    )
    first = process.stdout.readline()
    process.stdout.close()  # the reader goes away, as head does after its lines
    errors = process.stderr.read().decode()
    process.stderr.close()
    process.wait(timeout=60)
    # the header was printed before the pipe closed
    assert first.startswith(b"Step 01-hello-flask")
    # the exit code is the check's own, and nothing was dumped on stderr
    assert process.returncode == 0, errors
    assert "Traceback" not in errors and "BrokenPipe" not in errors, errors
