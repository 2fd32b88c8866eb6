"""Builds are bounded: one that runs too long stops with a message, and Ctrl-C stops the builder too."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from checker import ROOT
from checker.engine import builds
from checker.workshop import course
from checker.engine.client import connect

SLOW = "FROM {image}\nRUN sleep 120 # {run}\n"


@pytest.fixture
def slow_target(tmp_path):
    """A target whose step 03 Dockerfile has a RUN that takes two minutes."""
    folder = tmp_path / "03-dockerfile"
    folder.mkdir()
    # a comment of its own per run, so no earlier run's layer cache finishes the build at once
    (folder / "Dockerfile").write_text(SLOW.format(image=course.images()["python"], run=tmp_path.name))
    return tmp_path


def builders_of(folder):
    """Processes whose command line names `folder` (the docker CLI and its buildx plugin)."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if str(folder) in command and "checker" not in command:
            found.append(command)
    return found


def test_build_past_its_time_limit_stops_with_a_hint(checker, slow_target):
    """WORKSHOP_BUILD_TIMEOUT=10 stops a two-minute build after about 10 s, naming the limit."""
    started = time.monotonic()
    result = checker("check", "3", "--target", str(slow_target), env={"WORKSHOP_BUILD_TIMEOUT": "10"})
    # well before the RUN would have finished by itself
    assert time.monotonic() - started < 60
    assert result.returncode == 1 and "did not finish within 10 s" in result.stdout
    assert "hint [build-slow]" in result.stdout and "Traceback" not in result.stdout + result.stderr
    assert not builders_of(slow_target / "03-dockerfile")


def test_ctrl_c_stops_the_build(slow_target):
    """Ctrl-C during a BuildKit build ends the check and the docker CLI's build with it."""
    if builds.builder(connect()) != "buildkit":
        pytest.skip("the classic builder runs inside the engine, which stops it when the request ends")
    folder = slow_target / "03-dockerfile"
    process = subprocess.Popen([sys.executable, "-m", "checker", "check", "3", "--target", str(slow_target)],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not builders_of(folder):
        time.sleep(0.1)
    assert builders_of(folder), "the build never started"
    time.sleep(1)
    process.send_signal(signal.SIGINT)
    process.wait(timeout=30)
    assert process.returncode != 0
    # the builder goes with the check
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and builders_of(folder):
        time.sleep(0.2)
    assert not builders_of(folder)
