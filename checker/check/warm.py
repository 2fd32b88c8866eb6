"""Redis and a network that `make watch` keeps running between its checks, so a re-check does not
start them again.

The watcher starts them (labelled with its own run and process: a later run sweeps them if the watcher
dies) and names them to each check in WORKSHOP_WARM. A check uses them only where a fresh one would
behave the same: Redis without the learner's redis.conf, emptied (FLUSHALL) when the check takes it.
"""

import json
import os
import uuid

from testcontainers.core.container import DockerContainer
from testcontainers.core.network import Network

from checker.check import redis_host
from checker.engine import containers
from checker.workshop import course
from checker.engine.client import client_kwargs

ENV = "WORKSHOP_WARM"


def keep():
    """Start the kept network and Redis containers; (the value for WORKSHOP_WARM, stop function).
    They carry the run labels of the calling process (`make watch` sweeps its run when it ends)."""
    network = containers.network()
    alias = f"cache-{uuid.uuid4().hex[:6]}"
    started = []
    try:
        started.append(containers.start_redis())               # published, on the default bridge
        started.append(redis_host.start_redis(network))             # `redis-host` on the network
        started.append(redis_host.start_redis(network, aliases=(alias,)))  # another name on the network
    except BaseException:
        stop(started, network)
        raise
    shared, deployed, routed = (container.get_wrapped_container().id for container in started)
    value = json.dumps({"network": network.name, "shared": shared, "deployed": deployed, "routed": routed,
                        "alias": alias})
    return value, lambda: stop(started, network)


def stop(started, network):
    for container in started:
        containers.stop(container)
    redis_host.remove(network)


def _kept():
    try:
        return json.loads(os.environ.get(ENV) or "null")
    except ValueError:
        return None


def network():
    """The kept network, or None outside a watch."""
    kept = _kept()
    if not kept:
        return None
    found = Network(docker_client_kw=client_kwargs())
    found.name = kept["network"]
    return found


def alias():
    """The name the kept `routed` Redis answers to on the kept network, or None."""
    kept = _kept()
    return kept["alias"] if kept else None


def redis_on(network, role):
    """The kept Redis of `role` (deployed, routed) if `network` is the kept one, emptied; else None."""
    kept = _kept()
    return redis(role) if kept and getattr(network, "name", None) == kept["network"] else None


def redis(role):
    """The kept Redis of `role` (shared, deployed, routed), emptied, or None outside a watch."""
    kept = _kept()
    if not kept:
        return None
    container = DockerContainer(course.images()["redis"], docker_client_kw=client_kwargs())
    container._container = container.get_docker_client().client.containers.get(kept[role])
    client = containers.redis_client(container)
    try:
        client.flushall()  # what an earlier check left must not answer for this one
    finally:
        client.close()
    return container
