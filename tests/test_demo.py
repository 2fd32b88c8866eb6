"""`make demo`: the finished app in containers on localhost, the chapter's set/get shown, gone after Ctrl-C."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid

import pytest

from checker import ROOT
from checker.engine import labels
from checker.workshop import course
from checker.engine.client import connect


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def owned_by(client, run_id):
    """Containers, networks and volumes of one demo run."""
    wanted = {"label": f"{labels.RUN}={run_id}"}
    return (client.containers.list(all=True, filters=wanted, sparse=True) + client.networks.list(filters=wanted)
            + client.volumes.list(filters=wanted))


def fetch(url):
    """The body at `url`, with curl when it is installed (as a learner would), else Python."""
    if shutil.which("curl"):
        return subprocess.run(["curl", "-s", url], capture_output=True, text=True, timeout=10).stdout
    import requests

    return requests.get(url, timeout=10).text


# the step marked `demo = true` (the default), and the step in containers before it: each one's app must run
DEFAULT = course.demo_step().folder
IN_CONTAINERS = [step.folder for step in course.steps() if (ROOT / "solutions" / step.folder / "Dockerfile").is_file()]
EARLIER = [folder for folder in IN_CONTAINERS if folder < DEFAULT][-1:]


# DEMO=compose: the last solution with a compose.yaml, run by `docker compose`
WITH_COMPOSE = [step.folder for step in course.steps() if (ROOT / "solutions" / step.folder / "compose.yaml").is_file()]
DEMOS = [(DEFAULT, {}), *[(folder, {"DEMO_STEP": folder}) for folder in EARLIER],
         *[(folder, {"DEMO": "compose"}) for folder in WITH_COMPOSE[-1:]]]


@pytest.mark.parametrize("folder, step", DEMOS, ids=[f"{folder}{'-compose' if 'DEMO' in env else ''}" for folder, env in DEMOS])
def test_demo_runs_until_ctrl_c(tmp_path, folder, step):
    """The app answers on DEMO_PORT with the chapter's outputs; Ctrl-C removes everything it made."""
    port, run_id = free_port(), f"demo-test-{uuid.uuid4().hex[:8]}"
    client = connect()
    output = tmp_path / "demo.out"
    with open(output, "w") as sink:
        demo = subprocess.Popen(
            [sys.executable, "-m", "checker", "demo"], cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT,
            env={**os.environ, "WORKSHOP_LANG": "en", "DEMO_PORT": str(port), "WORKSHOP_RUN_ID": run_id,
                 **step},
        )
        try:
            deadline = time.monotonic() + 300
            while "Press Ctrl-C" not in output.read_text() and demo.poll() is None and time.monotonic() < deadline:
                time.sleep(0.2)
            shown = output.read_text()
            assert "Press Ctrl-C" in shown, shown
            assert f" solutions/{folder}" in shown
            # the build's progress lines come in the steps' order, even when BuildKit printed them out of it
            built = [int(line.split("build ")[1].split("/")[0]) for line in shown.splitlines() if "… build " in line]
            assert built == sorted(built), built
            # each request is shown as a curl command with the app's answer
            assert f'$ curl "http://localhost:{port}/set?key=imooc&value=imooc.com"\n' \
                   "OK. We have set imooc to be imooc.com\n" in shown
            assert f'$ curl "http://localhost:{port}/get?key=imooc"\nimooc.com\n' in shown
            # and it keeps running for the learner's own requests
            assert fetch(f"http://localhost:{port}/get?key=imooc").strip() == "imooc.com"
            assert owned_by(client, run_id)
        finally:
            demo.send_signal(signal.SIGINT)
            code = demo.wait(timeout=60)
    assert code == 0, output.read_text()
    assert "removed" in output.read_text()
    assert owned_by(client, run_id) == []


def test_busy_port(checker):
    """A port already in use: the demo says so, names another, and starts nothing."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        result = checker("demo", env={"DEMO_PORT": str(port)})
    assert result.returncode == 2 and f"Port {port} is already in use" in result.stderr
    assert f"DEMO_PORT={port + 1}" in result.stderr


@pytest.mark.parametrize("env, expected", [
    ({"DEMO_PORT": "five thousand"}, "DEMO_PORT must be a port number"),
    ({"DEMO_STEP": "1"}, "has no Dockerfile"),
    ({"DEMO_STEP": "99"}, "There is no step '99'"),
])
def test_bad_input(checker, env, expected):
    """Bad settings: a one-line message and a non-zero exit, no traceback."""
    result = checker("demo", env=env)
    assert result.returncode != 0 and expected in result.stderr and "Traceback" not in result.stderr
