"""Containers are removed on Ctrl-C, on SIGTERM, and after a run that was killed outright."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from checker import ROOT
from checker.learner import sandbox
from checker.engine import labels
from checker.workshop import course
from checker.engine.client import connect


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
    # nothing the check made survives it: no container, no app process
    assert owned_containers(client) == []
    assert sandbox.leftovers() == []


def test_killed_check_is_swept_by_the_next(client, checker):
    """After kill -9 (no chance to clean), the next check sweeps the orphans first."""
    process = start_check_and_wait_for_a_container(client)
    process.kill()
    process.wait(timeout=10)
    assert owned_containers(client), "kill -9 should leave the container behind"
    # no grace period (tests/test_labels.py has its own test): the next check removes them at once
    result = checker("check", "2", "--target", "solutions", env={"WORKSHOP_SWEEP_GRACE": "0"})
    # the orphan is removed and the learner is told whose it was
    assert "that a check of step 02 made" in result.stdout, result.stdout
    assert owned_containers(client) == []


# --- step 06: a compose project ---------------------------------------------------------------------

COMPOSE_STEP = next((step for step in course.steps() if (ROOT / "solutions" / step.folder / "compose.yaml").is_file()),
                    None)


def of_run(client, run_id):
    """Containers, networks and volumes carrying one run's label."""
    wanted = {"label": f"{labels.RUN}={run_id}"}
    return (client.containers.list(all=True, filters=wanted, sparse=True) + client.networks.list(filters=wanted)
            + client.volumes.list(filters=wanted))


def projects_of(client, run_id):
    """Names of the compose projects whose containers carry the run's label."""
    wanted = {"label": [f"{labels.RUN}={run_id}", "com.docker.compose.project"]}
    return {c.labels["com.docker.compose.project"] for c in client.containers.list(all=True, filters=wanted)}


def start_compose_check(client, run_id):
    """Start the compose step's check on the solutions; return once its project has a container."""
    process = subprocess.Popen(
        [sys.executable, "-m", "checker", "check", str(COMPOSE_STEP.number), "--target", "solutions"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "WORKSHOP_RUN_ID": run_id},
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not projects_of(client, run_id) and process.poll() is None:
        time.sleep(0.1)
    assert projects_of(client, run_id), "the check never started its compose project"
    return process


def compose_running(run_prefix):
    """Whether a `docker compose` process of a project of this run is still alive (from /proc)."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            words = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if b"compose" in words and any(run_prefix.encode() in word for word in words):
            return True
    return False


@pytest.mark.skipif(COMPOSE_STEP is None, reason="no step has a compose.yaml")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_compose_check_leaves_no_project(client, signum):
    """Ctrl-C or SIGTERM while the compose project runs: its containers, network and volumes are gone."""
    run_id = f"c{uuid.uuid4().hex[:7]}-cleanup"  # its first 8 characters name the check's compose project
    process = start_compose_check(client, run_id)
    process.send_signal(signum)
    process.wait(timeout=120)
    # interrupted is not passed
    assert process.returncode != 0
    # `down -v` and the run's sweep left nothing of the project
    assert of_run(client, run_id) == []


@pytest.mark.skipif(COMPOSE_STEP is None, reason="no step has a compose.yaml")
def test_killed_compose_check_is_swept_by_its_labels(client, checker):
    """After kill -9 in the middle of `docker compose up`, the next run's sweep removes the project."""
    run_id = f"c{uuid.uuid4().hex[:7]}-cleanup"  # its first 8 characters name the check's compose project
    process = start_compose_check(client, run_id)
    process.kill()
    process.wait(timeout=10)
    # the killed check's `docker compose` child may still be finishing what it started: let it
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and compose_running(run_id[:8]):
        time.sleep(0.2)
    assert of_run(client, run_id), "kill -9 should leave the project behind"
    result = checker("sweep", env={"WORKSHOP_SWEEP_GRACE": "0"})
    # the labels the override put on containers, networks and volumes find all of them
    assert result.returncode == 0, result.stdout + result.stderr
    assert of_run(client, run_id) == []


# an app that starts a process of its own when served: it outlives `flask run` unless its group is ended
SPAWNING_APP = """
import subprocess, sys, time
from flask import Flask

if "run" in sys.argv:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    open("child.pid", "w").write(str(child.pid))
app = Flask(__name__)


@app.route("/")
def hello():
    if "run" in sys.argv:
        time.sleep(30)  # holds the check here, served by flask run, while the test kills it
    return "Hello, Flask"
"""


def running(pid):
    """Whether `pid` runs (a zombie waiting to be reaped does not)."""
    try:
        return (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]) != "Z"
    except FileNotFoundError:
        return False


def test_killed_check_leaves_no_process_behind_the_next_run(checker, tmp_path):
    """kill -9 of a check while it serves the app: the next run ends what the app had started."""
    learner = tmp_path / "learner"
    (learner / "01-hello-flask").mkdir(parents=True)
    (learner / "01-hello-flask" / "hello.py").write_text(SPAWNING_APP)
    pid_file = learner / "01-hello-flask" / "child.pid"
    process = subprocess.Popen([sys.executable, "-m", "checker", "check", "1", "--target", str(learner)],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not pid_file.exists() and process.poll() is None:
        time.sleep(0.05)
    time.sleep(0.3)  # the pid is written in full, the check is waiting for GET /
    process.kill()
    assert pid_file.exists(), "the check never served the app"
    child = int(pid_file.read_text())
    process.wait(timeout=10)
    time.sleep(0.5)
    assert running(child), "kill -9 should leave the app's own process behind"
    pid_file.unlink()
    result = checker("check", "1", "--target", str(learner))
    # the orphan is ended and the learner is told so
    assert "left running by an interrupted earlier check" in result.stdout, result.stdout + result.stderr
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and running(child):
        time.sleep(0.05)
    assert not running(child)
    # and the second run's own app and child are gone too
    assert sandbox.leftovers() == []
