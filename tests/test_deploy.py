"""The deployment helpers the step checks share (checker/check/deploy.py), against real containers."""

import threading
import time

import pytest
import requests

from checker.check import deploy
from checker.engine import containers
from checker.workshop import course
from checker.engine.client import connect

# a web container that answers any path on port 5000, from the course's Python image
SERVE = {"entrypoint": ["python", "-m", "http.server", str(containers.WEB_PORT)]}
CONF = "appendonly yes\nappendfsync always\ndir /data\nbind 0.0.0.0\nprotected-mode no\n"


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    """A deployment: Redis with an AOF conf on a named volume, a plain HTTP server as the web container."""
    conf = tmp_path_factory.mktemp("conf") / "redis.conf"
    conf.write_text(CONF)
    client = connect()
    network, volume = containers.network(), containers.volume(client)
    running = deploy.Deployment(course.images()["python"], network, volume, conf, **SERVE)
    try:
        yield running.start()
    finally:
        running.stop()
        deploy.remove(volume)
        deploy.remove(network)
        client.close()


def test_conf_lines_reads_directives(tmp_path):
    """conf_lines gives {directive: [words]}, comments skipped, the last one of a name winning."""
    path = tmp_path / "redis.conf"
    path.write_text("# a comment\nappendonly no\nAPPENDONLY yes\nbind 127.0.0.1 -::1\n\n")
    # names are lower-cased, words unquoted and lower-cased
    assert deploy.conf_lines(path) == {"appendonly": ["yes"], "bind": ["127.0.0.1", "-::1"]}


def test_url_follows_a_restart(running):
    """After `docker restart` the engine may publish another host port: url() and get() follow it."""
    assert running.get("/").status_code == 200
    running.restart_web()
    published = running.web.get_wrapped_container()
    published.reload()
    port = published.attrs["NetworkSettings"]["Ports"][f"{containers.WEB_PORT}/tcp"][0]["HostPort"]
    # the URL is made from the port published now, not from one stored before the restart
    assert running.url("/").endswith(f":{port}/")
    assert requests.get(running.url("/"), timeout=10).status_code == 200


def test_recreated_redis_keeps_its_data(running):
    """Redis killed, removed and started again on the volume, with the conf, still has its keys."""
    client = containers.redis_client(running.redis)
    client.set("kept", "yes")
    client.close()
    old = running.redis.get_wrapped_container().id
    running.recreate_redis()
    # a new container, on the same network alias and volume
    assert running.redis.get_wrapped_container().id != old
    assert running.redis_get("kept") == b"yes"


def test_discard_removes_in_the_background_and_reap_waits():
    """discard() hands a container's removal to a thread; after reap() the container is gone."""
    redis = containers.start_redis()
    name = redis.get_wrapped_container().name
    containers.discard(redis)
    containers.reap()
    client = connect()
    try:
        # nothing of that name is left once reap() returns
        assert not client.containers.list(all=True, filters={"name": name})
    finally:
        client.close()


def test_background_work_nobody_waits_for_is_ended_first():
    """close() on work whose outcome no check took runs its undo list first, so it ends early."""
    registered, ended = threading.Event(), threading.Event()

    def work(undo):
        undo.append(ended.set)
        registered.set()
        return ended.wait(timeout=30)

    started = deploy.soon(work)
    registered.wait(timeout=10)
    began = time.monotonic()
    started.close()
    # the undo ran, and the work saw it at once instead of waiting out its 30 s
    assert ended.is_set() and time.monotonic() - began < 10


def test_scenario_reports_each_step_on_its_own():
    """part(n) gives step n's result or raises its failure; a failing step does not keep the next from running."""
    stopped = []

    def fails(started):
        raise ValueError(f"{started} failed")

    scenario = deploy.Scenario(lambda: "up", stopped.append, [lambda started: started + "!", fails, str.upper])
    assert scenario.part(0) == "up!"
    with pytest.raises(ValueError, match="up failed"):
        scenario.part(1)
    assert scenario.part(2) == "UP"
    scenario.close()
    # what the start made is stopped when the scenario closes
    assert stopped and set(stopped) == {"up"}


def test_closing_a_scenario_stops_first_and_runs_no_further_step():
    """close() stops what was started while a step still waits on it, so the step ends; later steps never run."""
    entered, released, ran = threading.Event(), threading.Event(), []

    def waits(started):
        entered.set()
        assert released.wait(10), "the step was not released by the stop"

    scenario = deploy.Scenario(lambda: "up", lambda started: released.set(), [waits, ran.append])
    assert entered.wait(10)
    scenario.close()
    # the waiting step ended because of the stop, not after its own time-out
    assert scenario.part(0) is None
    assert ran == [] and scenario.outcomes[1].cancelled()


def test_a_failed_start_fails_every_step():
    """Each check that needs the scenario sees the start's failure."""
    def start():
        raise RuntimeError("no deployment")

    scenario = deploy.Scenario(start, lambda started: None, [str, str])
    for number in (0, 1):
        with pytest.raises(RuntimeError, match="no deployment"):
            scenario.part(number)
    scenario.close()


def test_pool_answers_like_requests(running):
    """Pool.get gives status_code, text and headers, with the query encoded; a closed port raises ConnectionError."""
    with deploy.Pool() as pool:
        answer = pool.get(running.url("/"), params={"key": "a b&c"}, timeout=10)
        assert answer.status_code == 200 and "Directory listing" in answer.text
        assert answer.headers["Content-Type"].startswith("text/html")
        # port 9 on loopback: nothing listens there
        with pytest.raises(requests.ConnectionError):
            pool.get("http://127.0.0.1:9/", timeout=5)
