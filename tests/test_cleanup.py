"""Containers are removed on Ctrl-C, on SIGTERM, and after a run that was killed outright."""

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest

from checker import ROOT, labels
from checker.engine import connect


RUN_ID = f"cleanup-test-{uuid.uuid4().hex[:8]}"


def owned_containers(client):
    """Containers made by the check runs this module starts."""
    return client.containers.list(all=True, filters={"label": f"{labels.RUN}={RUN_ID}"}, sparse=True)


def start_check_and_wait_for_a_container(client):
    """Start step 2's check on the solutions; return once its Redis container exists."""
    process = subprocess.Popen(
        [sys.executable, "-m", "checker", "check", "2", "--target", "solutions"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "WORKSHOP_RUN_ID": RUN_ID},
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not owned_containers(client):
        time.sleep(0.05)
    assert owned_containers(client), "the check never created a container"
    return process


@pytest.fixture
def client():
    """A docker client."""
    return connect()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_check_cleans_up(client, signum):
    """Ctrl-C or SIGTERM in the middle of a check removes its containers before exiting."""
    process = start_check_and_wait_for_a_container(client)
    process.send_signal(signum)
    process.wait(timeout=30)
    # interrupted is not passed
    assert process.returncode != 0
    # nothing the check made survives it
    assert owned_containers(client) == []


def test_killed_check_is_swept_by_the_next(client, checker):
    """After kill -9 (no chance to clean), the next check sweeps the orphans first."""
    process = start_check_and_wait_for_a_container(client)
    process.kill()
    process.wait(timeout=10)
    assert owned_containers(client), "kill -9 should leave the container behind"
    result = checker("check", "2", "--target", "solutions")
    # the orphan is removed and the learner is told so
    assert "left by an interrupted earlier check" in result.stdout
    assert owned_containers(client) == []
