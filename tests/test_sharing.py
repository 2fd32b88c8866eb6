"""Several checks on one engine at once: each touches only what it made, and a learner's own objects survive."""

import os
import shutil
import subprocess
import sys
import time
import uuid

import docker
import pytest

from checker import ROOT
from checker.engine import labels, reaper
from checker.workshop import course
from checker.engine.client import connect

BUSY_WORDS = ("Traceback", "ended without removing")  # a traceback, or a false word of someone else's leftovers


@pytest.fixture
def client():
    """A docker client."""
    return connect()


def start(step, target="solutions", run_id=None, env=None):
    """Start `python -m checker check STEP` as a learner in a terminal of their own would."""
    return subprocess.Popen(
        [sys.executable, "-m", "checker", "check", str(step), "--target", str(target)], cwd=ROOT, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        env={**os.environ, "WORKSHOP_LANG": "en", "WORKSHOP_RUN_ID": run_id or f"share-{uuid.uuid4().hex[:8]}",
             **(env or {})})


def finish(process, timeout=600):
    """(exit code, output) of a started check (ended by force after `timeout` s)."""
    try:
        out, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate()
    return process.returncode, out


def of_runs(client, run_ids):
    """Names of the containers, networks and volumes the runs `run_ids` made that are still there."""
    found = []
    for run_id in run_ids:
        mine = {"label": f"{labels.RUN}={run_id}"}
        found += [c.name for c in client.containers.list(all=True, filters=mine, sparse=True) if c.attrs]
        found += [n.name for n in client.networks.list(filters=mine)]
        found += [v.name for v in client.volumes.list(filters=mine)]
    return found


ROUNDS = [
    # the same step twice at once, beside a starter of it that must still fail
    [(3, "solutions", 0), (3, "solutions", 0), (3, "steps", 1)],
    # the three steps with the most containers at once
    [(4, "solutions", 0), (5, "solutions", 0), (6, "solutions", 0)],
    [(6, "solutions", 0), (6, "solutions", 0), (4, "solutions", 0), (5, "steps", 1)],
]


@pytest.mark.parametrize("checks", ROUNDS, ids=["same-step", "different-steps", "compose-twice"])
def test_checks_at_once_get_their_true_verdicts(client, checks):
    """Checks started together (other terminals, other learners) each get their own verdict and clean up."""
    run_ids = [f"share-{uuid.uuid4().hex[:8]}" for _ in checks]
    started = [start(step, target, run_id) for (step, target, _), run_id in zip(checks, run_ids)]
    ended = [finish(process) for process in started]
    for (step, target, expected), (code, out) in zip(checks, ended):
        # each check's verdict is the one its files deserve, not another run's doing
        assert code == expected, f"step {step} on {target}:\n{out}"
        # no traceback, and no word of having removed another run's objects
        assert not [word for word in BUSY_WORDS if word in out], out
    reaper.wait_for_reapers()
    # every run removed all it made
    assert of_runs(client, run_ids) == []


def test_check_while_another_is_being_reaped_says_nothing_false(client):
    """Right after a check hands its clean-up to a reaper, the next check neither touches nor reports it."""
    code, out = finish(start(4))
    assert code == 0, out
    code, out = finish(start(6))
    # the reaper's objects were left to it: no "removed … left behind" line
    assert code == 0 and "removed" not in out, out


@pytest.fixture
def learner_objects(client):
    """A learner's own container, network and named volume, made without the checker's labels."""
    name = f"learner-{uuid.uuid4().hex[:6]}"
    network = client.networks.create(name)
    volume = client.volumes.create(name)
    container = client.containers.run(course.images()["python"], ["sleep", "600"], name=name, detach=True,
                                      network=name, volumes={name: {"bind": "/data", "mode": "rw"}})
    yield {"container": container.name, "network": network.name, "volume": volume.name}
    container.remove(force=True)
    network.remove()
    volume.remove(force=True)


def still_there(client, objects):
    """Which of the learner's objects the engine still has."""
    found = {}
    for kind, getter in (("container", client.containers.get), ("network", client.networks.get),
                         ("volume", client.volumes.get)):
        try:
            getter(objects[kind])
            found[kind] = True
        except docker.errors.NotFound:
            found[kind] = False
    return found


def test_learners_own_objects_survive(client, checker, learner_objects, tmp_path):
    """A tag sharing an ID with the checker's cache, a container, a network and a volume of the learner's own
    outlive checks, a rebuild, sweeps, the reaper and `make clean`."""
    step = course.find("3")
    copy = tmp_path / "copy"
    shutil.copytree(ROOT / "solutions" / step.folder, copy / step.folder)
    code, out = finish(start(3, copy))
    assert code == 0, out
    # the learner tags the image the checker built (`docker build -t web:v1 .` from the same files gives this ID)
    from checker.engine.containers import cache_tag

    mine = f"learner-web-{uuid.uuid4().hex[:6]}:v1"
    image = client.images.get(cache_tag(copy / step.folder, step))
    image.tag(*mine.split(":"))
    try:
        # an edit makes the next check build again and drop its older build
        with open(copy / step.folder / "hello.py", "a") as handle:
            handle.write("\n# an edit\n")
        code, out = finish(start(3, copy))
        assert code == 0, out
        reaper.wait_for_reapers()
        assert checker("sweep").returncode == 0
        clean = checker("sweep", "--all")
        # `make clean` says it touched nothing of the learner's
        assert clean.returncode == 0 and "nothing without the checker's labels" in clean.stdout, clean.stdout
        # the learner's tag still names their image, and their container, network and volume are there
        assert client.images.get(mine).id == image.id
        assert still_there(client, learner_objects) == {"container": True, "network": True, "volume": True}
    finally:
        client.images.remove(mine, force=True)  # by its tag: another check's container may use the image


def test_abandoned_objects_are_named_truly(client, checker):
    """A sweep removes what a killed check left, and says which step's check made it and how long ago."""
    gone = subprocess.Popen(["true"])
    gone.wait()
    owner = {**labels.for_this_run(), labels.RUN: f"share-{uuid.uuid4().hex[:8]}", labels.PID: str(gone.pid),
             labels.STARTED: "", labels.PURPOSE: "check:04-web-and-redis", labels.SINCE: str(int(time.time() - 7200))}
    name = f"workshop-abandoned-{uuid.uuid4().hex[:6]}"
    client.networks.create(name, labels=owner)
    result = checker("sweep")
    # removed, and named for what it was
    assert "removed 1 container(s)/network(s)/volume(s) that a check of step 04 made 2 h ago" in result.stdout, \
        result.stdout
    assert not client.networks.list(names=[name])


def test_network_in_use_is_left_without_a_traceback(client, checker, learner_objects):
    """An abandoned network that a learner's container still uses is left alone, with no error."""
    gone = subprocess.Popen(["true"])
    gone.wait()
    owner = {**labels.for_this_run(), labels.RUN: f"share-{uuid.uuid4().hex[:8]}", labels.PID: str(gone.pid),
             labels.STARTED: "", labels.SINCE: str(int(time.time() - 3600))}
    network = client.networks.create(f"workshop-busy-{uuid.uuid4().hex[:6]}", labels=owner)
    network.connect(learner_objects["container"])
    try:
        result = checker("sweep")
        # the engine's "has active endpoints" is the owner's business: exit 0, no traceback
        assert result.returncode == 0 and "Traceback" not in result.stdout + result.stderr, result.stderr
        assert client.networks.get(network.id)
    finally:
        network.disconnect(learner_objects["container"], force=True)
        network.remove()


def test_grade_with_jobs_beside_a_learners_check(checker, tmp_path):
    """An instructor's `make grade` with GRADE_JOBS=4 and a learner's check on the same engine: both true."""
    classroom = tmp_path / "class"
    for name, tree in (("solved-a", "solutions"), ("solved-b", "solutions"), ("untouched", "steps")):
        for number in ("3", "4"):
            folder = course.find(number).folder
            shutil.copytree(ROOT / tree / folder, classroom / name / folder)
    learner = start(4)
    graded = checker("grade", str(classroom), "--out", str(tmp_path / "out"),
                     env={"GRADE_JOBS": "4", "WORKSHOP_STATE_DIR": str(tmp_path / "state")})
    code, out = finish(learner)
    # the learner's check passed, untouched by the grading beside it
    assert code == 0, out
    # the class is graded truly: the untouched copy fails, nothing crashed
    assert graded.returncode == 1 and "Traceback" not in graded.stdout + graded.stderr, graded.stdout
    rows = (tmp_path / "out" / "class.csv").read_text()
    assert rows.count("passed") >= 4 and "failing" in rows, rows
