"""Real containers for the checks: Redis, web containers, networks, volumes.

Everything made here carries this run's labels, publishes ports on 127.0.0.1 only (random host
ports), and waits with bounded, named wait strategies that fail fast with the container's log
(waits.py). The learner's image they run is built by learner_images.py.
"""

import uuid
from concurrent.futures import ThreadPoolExecutor

import docker
import redis
from testcontainers.core.config import testcontainers_config
from testcontainers.core.container import DockerContainer
from testcontainers.core.network import Network

from checker.engine import labels, limits
from checker.workshop import course
from checker.engine.client import client_kwargs, probes_at_start_interval
from checker.text.failures import CheckFailure, both, quoted

# the names checks and tests use through this module
from checker.engine.learner_images import build, cache_tag, image_file, rebuild_after_edit  # noqa: F401
from checker.engine.waits import WEB_PORT, HttpReady, RedisReady, logs  # noqa: F401

testcontainers_config.ryuk_disabled = True


class _Healthcheck(docker.types.Healthcheck):
    """The docker SDK's Healthcheck (7.1), which drops `start_interval` (API 1.44; docker/docker-py#3157)."""

    def __init__(self, **kwargs):
        start_interval = kwargs.pop("start_interval", kwargs.pop("StartInterval", None))
        super().__init__(**kwargs)
        if start_interval is not None:
            self["StartInterval"] = start_interval


docker.types.containers.Healthcheck = _Healthcheck  # what ContainerConfig builds from a healthcheck dict


def unique(prefix):
    """A resource name that no other run (or the learner's own containers) will use."""
    return f"workshop-{prefix}-{uuid.uuid4().hex[:8]}"


# --- containers ------------------------------------------------------------------------------

def _container(image, **kwargs):
    """A testcontainers DockerContainer carrying this run's labels and the limits of one submission."""
    extra = kwargs.pop("labels", {})
    return DockerContainer(image, docker_client_kw=client_kwargs(), labels=labels.for_this_run(**extra),
                           **{**limits.run_kwargs(), **kwargs})


def publish(container, port):
    """Publish `port` on 127.0.0.1 at a random host port."""
    container.ports[str(port)] = ("127.0.0.1",)
    return container


def network():
    """A user-defined bridge network (created; call .remove())."""
    net = Network(docker_client_kw=client_kwargs(), docker_network_kw={"labels": labels.for_this_run()})
    net.name = unique("net")
    return net.create()


def volume(client):
    """A named volume labelled for this run."""
    return client.volumes.create(name=unique("data"), labels=labels.for_this_run())


def start_redis(network=None, aliases=(), volumes=None, command=None, timeout=20, running=None):
    """Redis (the course image) started and answering PING, published on 127.0.0.1; `running` (an
    Event), if given, is set as soon as the engine has started its process."""
    container = publish(_container(course.images()["redis"], command=command), 6379)
    if network is not None:
        container.with_network(network).with_network_aliases(*aliases)
    for source, mount in (volumes or {}).items():
        # testcontainers passes its own volumes= to the engine: add each mount through it
        container.with_volume_mapping(source, mount["bind"], mount.get("mode", "rw"))
    container.waiting_for(RedisReady(timeout, running))
    return _start(container)


def redis_client(container):
    """A redis-py client for a Redis container, from the host, with short timeouts."""
    return redis.Redis(host=container.get_container_host_ip(), port=container.get_exposed_port(6379),
                       socket_connect_timeout=3, socket_timeout=3)


def quick_probes(client, interval, retries, deadline):
    """Healthcheck options that run the image's own HEALTHCHECK command every `interval` (ns) until its
    first success, and no more before `deadline` (ns) on an engine with start intervals (API 1.44; a probe
    is a process in the container: those that follow it only take CPU from the rest of the check). Else
    every `interval` all along. The engine's start period then spans the deadline: the caller counts
    failed probes in the container's probe log itself."""
    if probes_at_start_interval(client):
        return {"start_period": deadline, "start_interval": interval, "interval": deadline, "retries": retries}
    return {"interval": interval, "retries": retries}


def start_web(image, env=None, network=None, aliases=(), links=None, timeout=20, wait=True, **kwargs):
    """A web container from `image`, published on 127.0.0.1, answering HTTP on WEB_PORT."""
    container = publish(_container(image, env=env or {}), WEB_PORT)
    if network is not None:
        container.with_network(network).with_network_aliases(*aliases)
    run_kwargs = {**container._kwargs, **kwargs}  # keep the labels and limits _container() set
    if links:
        run_kwargs["links"] = links
    container.with_kwargs(**run_kwargs)
    if wait:
        container.waiting_for(HttpReady(timeout))
    return _start(container)


def _start(container):
    """Start a container; an engine error becomes a CheckFailure; a failed start is removed."""
    try:
        return container.start()
    except CheckFailure:
        stop(container)
        raise
    except docker.errors.ImageNotFound as error:
        stop(container)
        raise CheckFailure("container", both(f"image not found: {quoted(error.explanation)}",
                                             f"找不到镜像：{quoted(error.explanation)}"), fix="image-missing") from None
    except docker.errors.APIError as error:
        stop(container)
        # `USER app` with no such user in the image: the engine refuses before anything runs
        missing_user = "unable to find user" in str(error.explanation or error).lower()
        raise CheckFailure("container", both(f"the engine refused to start the container: {quoted(error.explanation)}",
                                             f"引擎拒绝启动这个容器：{quoted(error.explanation)}"),
                           fix="user-missing" if missing_user else "container-exited") from None


def restart(container, timeout=20):
    """`docker restart` a web container and wait until it answers HTTP again.

    No grace period: Flask's development server as PID 1 ignores SIGTERM, so the engine would wait and kill it.
    The engine may publish the port at another host port afterwards: ask url() again rather than keep one
    (deploy.Deployment.url() and get() do).
    """
    container.get_wrapped_container().restart(timeout=0)
    HttpReady(timeout).wait_until_ready(container)
    return container


def resolve(container, name):
    """The address `name` resolves to inside a running container (asked with its own Python), or None."""
    script = f"import socket; print(socket.gethostbyname({name!r}))"
    try:
        result = container.get_wrapped_container().exec_run(["python", "-c", script])
    except docker.errors.APIError:
        return None
    return result.output.decode(errors="replace").strip() if result.exit_code == 0 else None


def stop(container):
    """Remove a container (and its anonymous volumes), ignoring one that is already gone."""
    try:
        container.stop()
    except Exception:
        pass


_removing = []  # removals discard() started and nobody has waited for yet
_remover = ThreadPoolExecutor(4, thread_name_prefix="workshop-remove")


def discard(container):
    """Remove a container the check is done with, in the background: a check's teardown need not
    wait for it. Anything that needs it gone (a network it is on, the end of the run) calls reap()."""
    _removing.append(_remover.submit(stop, container))


_after = ThreadPoolExecutor(1, thread_name_prefix="workshop-remove-after")


def after_discards(remove):
    """Call remove() in the background once the containers handed to discard() so far are removed (a
    network or a volume they use); reap() waits for it too."""
    before = list(_removing)

    def run():
        for removal in before:
            removal.result()
        remove()

    _removing.append(_after.submit(run))


def reap():
    """Wait until every container handed to discard() is removed."""
    while True:
        try:
            removal = _removing.pop()
        except IndexError:  # all done (another thread may have taken the last one)
            return
        removal.result()  # stop() never raises


def url(container, path="/", port=WEB_PORT):
    """The address of `path` on a container's published port."""
    return f"http://{container.get_container_host_ip()}:{container.get_exposed_port(port)}{path}"
