"""Fixtures shared by the step checks: the step, the learner's folder, the engine, Redis."""

import os
from pathlib import Path

import pytest

from checker import ROOT, containers, course
from checker.engine import connect


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
    """One Redis for the whole run, published on 127.0.0.1 at a random port."""
    container = containers.start_redis()
    yield container
    containers.stop(container)


@pytest.fixture
def redis_db(redis_container):
    """A client of the shared Redis, emptied before the check."""
    client = containers.redis_client(redis_container)
    client.flushdb()
    yield client
    client.close()
