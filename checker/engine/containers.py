"""Real containers for the checks: learner image builds, Redis, web containers, networks, volumes.

Everything made here carries this run's labels, publishes ports on 127.0.0.1 only (random host
ports), and waits with bounded, named wait strategies that fail fast with the container's log.
"""

import datetime
import hashlib
import re
import shutil
import tarfile
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import docker
import redis
import requests
from testcontainers.core.config import testcontainers_config
from testcontainers.core.container import DockerContainer
from testcontainers.core.network import Network
from testcontainers.core.waiting_utils import WaitStrategy

from checker.engine import build_context, builds, labels, limits
from checker.workshop import course
from checker.engine.builds import ANSI
from checker.engine.client import client_kwargs, probes_at_start_interval
from checker.text.failures import CheckFailure, both, quoted, tail

testcontainers_config.ryuk_disabled = True


class _Healthcheck(docker.types.Healthcheck):
    """The docker SDK's Healthcheck (7.1), which drops `start_interval` (API 1.44; docker/docker-py#3157)."""

    def __init__(self, **kwargs):
        start_interval = kwargs.pop("start_interval", kwargs.pop("StartInterval", None))
        super().__init__(**kwargs)
        if start_interval is not None:
            self["StartInterval"] = start_interval


docker.types.containers.Healthcheck = _Healthcheck  # what ContainerConfig builds from a healthcheck dict

WEB_PORT = 5000
CACHE_KEEP = 10  # learner images kept for their layer cache (oldest pruned after each build)
CACHE_GRACE = 900  # seconds a freshly tagged learner image is never pruned: a check may be using it


def unique(prefix):
    """A resource name that no other run (or the learner's own containers) will use."""
    return f"workshop-{prefix}-{uuid.uuid4().hex[:8]}"


# --- wait strategies -------------------------------------------------------------------------

class _FailFastWait(WaitStrategy):
    """Poll `ready()` until it holds; stop at once (with the log) if the container exits."""

    layer = "container"

    def __init__(self, timeout):
        super().__init__()
        self.with_startup_timeout(timeout).with_poll_interval(0.1)

    def exited(self, container):
        wrapped = container.get_wrapped_container()
        wrapped.reload()
        if wrapped.status in ("exited", "dead"):
            code = wrapped.attrs["State"].get("ExitCode")
            return code, logs(container)
        return None

    def wait_until_ready(self, container):
        deadline = time.monotonic() + self._startup_timeout
        while time.monotonic() < deadline:
            gone = self.exited(container)
            if gone:
                over = over_limit(container, gone[1])
                if over:
                    raise over
                self.on_exit(container, *gone)
            try:
                if self.ready(container):
                    return
            except Finding:
                raise  # not a "not yet": HttpReady turns it into its own failure
            except Exception:
                pass
            time.sleep(self._poll_interval)
        self.on_timeout(container)

    def on_exit(self, container, code, log):
        raise CheckFailure(self.layer, both(f"the container exited with code {code} while starting",
                                            f"容器在启动过程中退出了（退出码 {code}）"),
                           fix="container-exited", log=tail(log))

    def on_timeout(self, container):
        over = over_limit(container, logs(container))  # a fork bomb keeps running, failing to fork
        if over:
            raise over
        raise CheckFailure(self.layer, both(f"the container did not become ready within {self._startup_timeout:.0f} s",
                                            f"容器在 {self._startup_timeout:.0f} 秒内没有就绪"),
                           fix="container-silent", log=tail(logs(container)))


# what a process prints when it may not start another one (the pids limit)
FORK_FAILED = re.compile(r"Resource temporarily unavailable|can't start new thread|fork: retry|"
                         r"BlockingIOError|Cannot allocate memory.*fork", re.IGNORECASE)


def over_limit(container, log):
    """The CheckFailure naming the limit a stopped container hit (memory, processes), or None."""
    try:
        state = container.get_wrapped_container().attrs.get("State", {})
    except Exception:
        state = {}
    # a fork bomb also runs out of memory: its fork failures say what it did
    if FORK_FAILED.search(log or ""):
        return CheckFailure("container", both(
            f"the app could not start another process: a container in the checks may hold {limits.pids()}",
            f"应用无法再启动新的进程：检查中每个容器最多只能有 {limits.pids()} 个进程"),
            fix="pids-limit", log=tail(log, 6))
    if state.get("OOMKilled"):
        return CheckFailure("container", both(
            f"the app used more than {limits.memory_mb()} MB of memory, the limit of a container in the checks, "
            "and the engine stopped it",
            f"应用用掉的内存超过了 {limits.memory_mb()} MB（检查中每个容器的上限），引擎终止了它"),
            fix="memory-limit", log=tail(log, 6))
    return None


class RedisReady(_FailFastWait):
    """Redis answers PING through its published port; `running` (an Event) is set when waiting begins."""

    layer = "redis"

    def __init__(self, timeout, running=None):
        super().__init__(timeout)
        self.running = running

    def wait_until_ready(self, container):
        if self.running is not None:
            self.running.set()  # the engine started the process: its network aliases resolve now
        super().wait_until_ready(container)

    def ready(self, container):
        client = redis.Redis(host=container.get_container_host_ip(), port=container.get_exposed_port(6379),
                             socket_connect_timeout=1, socket_timeout=1)
        try:
            return client.ping()
        finally:
            client.close()

    def on_exit(self, container, code, log):
        raise CheckFailure("redis", both(f"the Redis container exited with code {code}",
                                         f"Redis 容器退出了（退出码 {code}）"), fix="redis-exited", log=tail(log))


class HttpReady(_FailFastWait):
    """The web container answers any HTTP response on its published port; detects a loopback bind."""

    def __init__(self, timeout, port=WEB_PORT):
        super().__init__(timeout)
        self.port = port
        self.started = None

    def ready(self, container):
        self.started = self.started or time.monotonic()
        url = f"http://{container.get_container_host_ip()}:{container.get_exposed_port(self.port)}/"
        try:
            requests.get(url, timeout=2)
            return True
        except requests.ConnectionError:
            waited = time.monotonic() - self.started
            if waited > 1.0:
                ports = listening(container)
                if ports.get(self.port) and all(address in LOOPBACK for address in ports[self.port]):
                    raise LoopbackOnly() from None
                # something listens, but not on our port: give a slow start 2 s before saying so
                if waited > 2.0 and ports and self.port not in ports:
                    raise OtherPort(sorted(ports)) from None
            return False

    def wait_until_ready(self, container):
        try:
            super().wait_until_ready(container)
        except LoopbackOnly:
            raise CheckFailure(
                "network", both(f"the app in the container listens on 127.0.0.1:{self.port} only, so nothing "
                                "outside the container can reach it",
                                f"容器里的应用只监听 127.0.0.1:{self.port}，容器外面谁也连不上它"),
                fix="loopback-only", log=tail(logs(container), 6)) from None
        except OtherPort as found:
            ports = ", ".join(str(port) for port in found.ports)
            raise CheckFailure(
                "container", both(f"the app in the container listens on port {ports}, not on {self.port}, the "
                                  "port that is published",
                                  f"容器里的应用监听的是 {ports} 端口，而发布的是 {self.port} 端口"),
                fix="wrong-port", log=tail(logs(container), 6)) from None


class Finding(Exception):
    """What a wait found out about a container: waiting longer would not change it."""


class LoopbackOnly(Finding):
    """The process in the container listens on 127.0.0.1 only."""


class OtherPort(Finding):
    """The process in the container listens, but on other ports."""

    def __init__(self, ports):
        super().__init__(ports)
        self.ports = ports


LOOPBACK = {"0100007F", "00000000000000000000000001000000"}  # 127.0.0.1 and ::1 as /proc/net/tcp* spell them
ENGINE_DNS = "0B00007F"  # 127.0.0.11: the engine's DNS server inside containers on user-defined networks


def listening(container):
    """{port: [addresses]} of the TCP sockets listening inside the container, the engine's DNS left out."""
    try:
        result = container.get_wrapped_container().exec_run(["cat", "/proc/net/tcp", "/proc/net/tcp6"])
    except docker.errors.APIError:
        return {}
    found = {}
    for line in result.output.decode(errors="replace").splitlines():
        fields = line.split()
        if len(fields) > 3 and fields[3] == "0A" and ":" in fields[1]:
            address, hex_port = fields[1].rsplit(":", 1)
            if address != ENGINE_DNS:
                found.setdefault(int(hex_port, 16), []).append(address)
    return found


def logs(container):
    """Both output streams of a container, as text."""
    try:
        out, err = container.get_logs()
        return ANSI.sub("", (out + err).decode("utf-8", "replace"))
    except Exception:
        return ""


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


# --- images ----------------------------------------------------------------------------------


def cache_tag(folder, step):
    """The tag under which the learner's image of `folder` is cached (the tag finds it again)."""
    digest = hashlib.sha1(str(Path(folder).resolve()).encode()).hexdigest()[:10]
    return f"{labels.CACHE_REPOSITORY}/{step.folder}:{digest}"


def build(client, folder, step):
    """Build the learner's Dockerfile in `folder`; the image, or CheckFailure naming the instruction."""
    folder = Path(folder)
    if not (folder / "Dockerfile").is_file():
        raise CheckFailure("build", both(f"there is no Dockerfile in {folder}", f"{folder} 里没有 Dockerfile"),
                           fix="dockerfile-missing")
    tag = cache_tag(folder, step)
    previous = _image_id(client, tag)
    # taken before the build: a file saved while it runs makes the next check build again
    key = build_context.fingerprint(client, folder, builds.builder(client))
    if build_context.reusable(tag, key, previous):
        build_context.remember(tag, key, previous)  # its last use keeps it in the cache (prune_cache)
        return client.images.get(previous)
    # the older build of this folder keeps a tag of this run's while the new one takes `tag`: removing
    # that tag afterwards removes the older image only if no other tag (a learner's `web:v1` built from
    # the same files has the same ID) still names it
    older = _hold(client, previous, tag)
    try:
        builds.run_build(client, folder, tag)
    finally:
        if older:
            _remove_quietly(client, older)
    image = client.images.get(tag)
    build_context.remember(tag, key, image.id)
    if previous is None:
        # only a new tag can push the cache over CACHE_KEEP: a rebuild spares the engine the listing
        try:
            prune_cache(client)
        except docker.errors.APIError:
            pass  # keeping a few images too many is no reason to fail the learner's check
    return image


def _image_id(client, tag):
    try:
        return client.images.get(tag).id
    except docker.errors.ImageNotFound:
        return None


def _hold(client, image_id, tag):
    """Give image `image_id` (the older build under `tag`) a tag of this run's; that tag, or None."""
    if image_id is None:
        return None
    older = f"{tag}-older-{uuid.uuid4().hex[:8]}"
    try:
        client.api.tag(image_id, *older.rsplit(":", 1))
    except docker.errors.APIError:
        return None  # gone meanwhile: nothing to remove later
    return older


def _remove_quietly(client, tag):
    """Remove the checker's tag `tag` (never an image ID: other tags of the image stay, and so does it)."""
    try:
        client.images.remove(tag)
    except docker.errors.APIError:
        pass  # still used by a container, or already gone


def prune_cache(client, keep=CACHE_KEEP, grace=CACHE_GRACE):
    """Keep the `keep` most recently built learner images (found by their tag); remove older ones.

    Recency is when the engine last tagged the image (a build taken wholly from the cache keeps its
    old creation time), or when a check last reused it unbuilt, whichever is later. An image used within
    `grace` seconds may serve a check running right now.
    """
    cached = labels.cached_images(client)
    if sum(len(image.get("RepoTags") or []) for image in cached) <= keep:
        return  # nothing to prune: spare the engine an inspect of each image
    tagged = []
    for image in cached:
        try:
            when = _tag_time(client.api.inspect_image(image["Id"]))
        except docker.errors.NotFound:
            continue  # another run removed it meanwhile
        tagged += [(max(when, build_context.last_used(tag)), tag) for tag in image.get("RepoTags") or []]
    tagged.sort(reverse=True)
    settled = time.time() - grace
    for when, tag in tagged[keep:]:
        if when < settled:
            _remove_quietly(client, tag)


def _tag_time(attrs):
    """When the engine last tagged an image (seconds since the epoch), from inspect's Metadata."""
    text = (attrs.get("Metadata") or {}).get("LastTagTime") or ""
    if not text or text.startswith("0001-"):  # Go's zero time: never tagged since the engine started
        text = attrs.get("Created") or ""
    found = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?", text)
    if not found:
        return 0.0
    moment = datetime.datetime.fromisoformat(found.group(1)).replace(tzinfo=datetime.timezone.utc)
    return moment.timestamp() + float(found.group(2) or 0)


def rebuild_after_edit(client, folder, edit):
    """Build a copy of `folder` changed by `edit(copy)`: [(instruction, from cache?)], seconds, summary.

    The copy's image is removed again at once; the layers it shares with the learner's cached image stay.
    """
    tag = labels.temporary_image("edit")
    with tempfile.TemporaryDirectory(prefix="workshop-edit-") as tmp:
        copy = Path(tmp) / Path(folder).name
        shutil.copytree(folder, copy, symlinks=True, ignore=shutil.ignore_patterns(".venv", ".git"))
        edit(copy)
        try:
            output, seconds = builds.run_build(client, copy, tag, show=False)
        finally:
            # only the build's log was wanted: drop the image now rather than at the end of the run
            _remove_quietly(client, tag)
    steps = [(step.instruction, step.cached) for step in sorted(output.steps, key=lambda s: s.number)]
    return steps, seconds, output.summary()


def image_file(client, image_id, path):
    """The text of `path` inside an image (read from a container that is created, never started), or None."""
    container = client.containers.create(image_id, labels=labels.for_this_run())
    try:
        stream, _ = container.get_archive(path)
        with tempfile.TemporaryFile() as archive:
            for chunk in stream:
                archive.write(chunk)
            archive.seek(0)
            with tarfile.open(fileobj=archive) as tar:
                member = tar.next()
                handle = tar.extractfile(member) if member is not None else None
                return handle.read().decode("utf-8", "replace") if handle is not None else None
    except docker.errors.NotFound:
        return None
    finally:
        container.remove(force=True)
