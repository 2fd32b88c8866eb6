"""Fixtures for the workshop's own tests."""

import os
import subprocess
import sys

import pytest

from checker import ROOT

# English unless a test asks for Chinese: the tester's own `make lang L=zh` or zh locale must not
# change what the tests read (WORKSHOP_LANG wins over both)
os.environ["WORKSHOP_LANG"] = "en"


def run_checker(*args, env=None, timeout=600):
    """Run `python -m checker ARGS` as a learner would; returns the CompletedProcess."""
    return subprocess.run(
        [sys.executable, "-m", "checker", *args], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "WORKSHOP_LANG": "en", **(env or {})}, timeout=timeout,
    )


@pytest.fixture
def checker():
    """A function that runs the checker CLI in a subprocess."""
    return run_checker


@pytest.fixture(scope="session", autouse=True)
def no_leftovers():
    """After the whole run, no labelled container, network or volume and no learner process may remain."""
    yield
    from checker.learner import sandbox

    # the tests' own servers and runners have all been ended
    assert sandbox.running() == [], f"learner processes still running: {sandbox.running()}"
    result = run_checker("leftovers")
    # every check removes what it made, on pass and on fail, and ends every process it started
    assert result.returncode == 0, f"labelled resources or learner processes left behind:\n{result.stdout}"
