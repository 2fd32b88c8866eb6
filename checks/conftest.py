"""Fixtures shared by the step checks: the step, the learner's folder, the engine, Redis, the learner's
image and a deployment of it (network, Redis on a named volume with the learner's redis.conf, web).

A check module changes what its deployment gets by defining its own `web_env` or `web_options`.
"""

import os
from pathlib import Path

import pytest

from checker import ROOT
from checker.check import deploy, warm
from checker.check.compose import Project
from checker.engine import containers
from checker.workshop import course
from checker.engine.client import connect


@pytest.fixture(scope="module")
def step(request):
    """The step whose checks this module holds (from its file name, test_NN_slug.py)."""
    return course.find(Path(request.module.__file__).stem.split("_")[1])


@pytest.fixture(scope="module")
def folder(step):
    """The learner's folder of this step, inside the target being checked."""
    return Path(os.environ.get("WORKSHOP_TARGET", ROOT / "steps")) / step.folder


@pytest.fixture(scope="session")
def engine():
    """A docker client that answered a ping."""
    client = connect()
    yield client
    client.close()


@pytest.fixture(scope="session")
def redis_container():
    """One Redis for the whole run, published on 127.0.0.1 at a random port (kept by `make watch`)."""
    kept = warm.redis("shared")
    if kept is not None:
        yield kept
        return
    container = containers.start_redis()
    yield container
    containers.discard(container)


@pytest.fixture
def redis_db(redis_container):
    """A client of the shared Redis, emptied before the check."""
    client = containers.redis_client(redis_container)
    client.flushdb()
    yield client
    client.close()


@pytest.fixture(scope="module")
def image(engine, folder, step):
    """The learner's image, built from their Dockerfile with the layer cache of earlier checks."""
    return containers.build(engine, folder, step)


@pytest.fixture(scope="module")
def network(redis_conf):
    """A user-defined bridge network: its containers find each other by name (kept by `make watch`)."""
    kept = warm.network() if redis_conf is None else None  # a Redis with your redis.conf is started anew
    if kept is not None:
        yield kept
        return
    created = containers.network()
    yield created
    deploy.remove(created)


@pytest.fixture(scope="module")
def volume(engine):
    """A named volume for Redis's data; it outlives any one Redis container."""
    created = containers.volume(engine)
    yield created
    deploy.remove(created)


@pytest.fixture(scope="module")
def redis_conf(folder):
    """The learner's redis.conf, or None when the step folder has none (Redis's defaults apply)."""
    path = folder / "redis.conf"
    return path if path.is_file() else None


@pytest.fixture(scope="module")
def web_env():
    """The web container's environment: REDIS_HOST and REDIS_PORT of the Redis on the network."""
    return deploy.redis_env()


@pytest.fixture(scope="module")
def web_options():
    """More options for starting the web container (e.g. a healthcheck interval); none by default."""
    return {}


@pytest.fixture(scope="module")
def deployment(image, network, volume, redis_conf, web_env, web_options):
    """Redis (your redis.conf, on the volume) and your image on one network, both running."""
    running = deploy.Deployment(image, network, volume, redis_conf, web_env, **web_options)
    try:
        yield running.start()
    finally:
        running.stop()


@pytest.fixture(scope="module")
def project(engine, folder, step):
    """The learner's compose project under a name of the check's own; `down -v` at the end, always."""
    running = Project(engine, folder, step)
    try:
        yield running
    finally:
        running.down()
