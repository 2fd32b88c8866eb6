"""Waiting for a container: bounded, named wait strategies that poll until it is ready and fail at
once, with its log, when it exits or hits a limit (memory, processes); what it listens on, read from
/proc inside it; its log as text.
"""

import re
import time

import docker
import redis
import requests
from testcontainers.core.waiting_utils import WaitStrategy

from checker.engine import limits
from checker.engine.build_output import ANSI
from checker.text.failures import CheckFailure, both, tail

WEB_PORT = 5000  # the app's port in its container, as in the chapter


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


