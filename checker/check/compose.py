"""A learner's compose.yaml run for real with the compose CLI, as a project of the check's own.

The learner's file is used as written, plus an override file the checker writes next to nothing of
theirs (in a temporary folder): this run's labels on every container, network, volume and image;
every published port moved to a random port on 127.0.0.1 (a fixed "5000:5000" collides neither with
the learner's own stack nor with a parallel check); fixed names (container_name, a volume's or
network's `name:`) replaced by names inside the project; no pulls. Services are found by what they
are: the one built from the step folder, the one running the Redis image.
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import docker
import redis
import requests

from checker.engine import labels
from checker.engine.client import probes_at_start_interval, version_tuple
from checker.text.failures import both, quoted, tail
from checker.text.i18n import pick

FILES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
PROJECT = "com.docker.compose.project"
SERVICE = "com.docker.compose.service"
PROBE_INTERVAL = "1s"  # health probes while checking: the learner's interval may be 10 s or more
# A docker CLI without the Compose v2 plugin takes `compose` for no command of its own: Docker 20.10 and
# 28 answer `compose version --short` with "unknown flag: --short" and their usage text, other
# versions with "'compose' is not a docker command" or "unknown command: docker compose"
NO_COMPOSE_COMMAND = re.compile(r"unknown flag: --short|'compose' is not a docker command|"
                                r"unknown command: docker compose")
# Probes during the start period (the learner's, or the image's HEALTHCHECK --start-period): the first
# success there makes the service healthy, so `up --wait` goes on at once; after it, PROBE_INTERVAL.
START_INTERVAL = "100ms"
# The start period given where neither the file nor the image sets one (so that START_INTERVAL applies):
# one PROBE_INTERVAL, so the first failed probe that counts comes no sooner than without it.
START_PERIOD = PROBE_INTERVAL
START_INTERVAL_COMPOSE = (2, 20, 2)  # the first Compose whose file format knows start_interval


class ComposeUnavailable(Exception):
    """`docker compose` is missing or cannot reach the engine; str() is the paragraph to show."""


class ConfigInvalid(Exception):
    """`docker compose config` rejected the file: .reason (its last line) and .lines (the learner's)."""

    def __init__(self, reason, lines):
        super().__init__(reason)
        self.reason, self.lines = reason, lines


def find_file(folder):
    """The compose file of `folder`, in the order Compose itself looks for one; None if none."""
    return next((Path(folder) / name for name in FILES if (Path(folder) / name).is_file()), None)


def project_name(step):
    """A project name no learner and no other check uses (lowercase, as Compose requires)."""
    run = re.sub(r"[^a-z0-9_-]", "", labels.RUN_ID.lower())[:8]
    return f"workshop-{step.number:02d}-{run}-{uuid.uuid4().hex[:6]}"


def _environment():
    """The checker's environment without the COMPOSE_* variables of the learner's shell."""
    return {key: value for key, value in os.environ.items() if not key.startswith("COMPOSE_")}


def run_cli(args, timeout=60, cwd=None):
    """`docker compose ARGS`; the CompletedProcess (text), or ComposeUnavailable."""
    if shutil.which("docker") is None:
        raise ComposeUnavailable(pick(both("there is no `docker` command", "找不到 `docker` 命令")))
    try:
        return subprocess.run(["docker", "compose", *args], capture_output=True, text=True, timeout=timeout,
                              cwd=cwd, env=_environment(), stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as expired:
        out = (expired.stdout or b"") + (expired.stderr or b"")
        out = out.decode(errors="replace") if isinstance(out, bytes) else out
        return subprocess.CompletedProcess(expired.cmd, 124, out, f"timed out after {timeout:.0f} s")


def preflight():
    """Raise ComposeUnavailable (with its reason) unless `docker compose` runs and reaches the engine."""
    version = run_cli(["version", "--short"], timeout=20)
    if version.returncode != 0 and NO_COMPOSE_COMMAND.search(version.stderr):
        # the last line would be the CLI's usage text, which says nothing about Compose
        raise ComposeUnavailable(pick(both("this docker CLI has no `compose` command",
                                           "这个 docker CLI 没有 `compose` 命令")))
    if version.returncode != 0:
        said = quoted(tail(version.stderr, 1)) if version.stderr.strip() else pick(both("no output", "没有输出"))
        raise ComposeUnavailable(pick(both(f"`docker compose version` failed: {said}",
                                           f"`docker compose version` 失败了：{said}")))
    listing = run_cli(["ls", "--all", "--quiet"], timeout=30)
    if listing.returncode != 0:
        said = quoted(tail(listing.stderr, 1)) if listing.stderr.strip() else pick(both("no output", "没有输出"))
        raise ComposeUnavailable(pick(both(f"`docker compose ls` got no answer from the engine: {said}",
                                           f"`docker compose ls` 没有得到引擎的回答：{said}")))
    return version.stdout.strip()


# --- the learner's file ------------------------------------------------------------------------

def config_error_line(path, error):
    """The learner's line(s) that a `docker compose config` error points at, numbered, or ''."""
    lines = Path(path).read_text(errors="replace").splitlines()
    numbers = [int(n) for n in re.findall(r"\bline (\d+)", error)]
    if not numbers:
        # a schema error names a key path: services.web Additional property bulid is not allowed
        found = re.search(r"(?:property|Additional property) (\S+) is not allowed", error) or \
            re.search(r"[\w.-]+\.([\w-]+) (?:must be|is required|Additional)", error)
        key = found.group(1) if found else None
        numbers = [i + 1 for i, line in enumerate(lines) if key and re.match(rf"\s*-?\s*{re.escape(key)}\s*:", line)]
    if error.startswith("yaml:"):
        # the parser names where the enclosing block began; a line indented off the grid is the usual cause
        numbers = off_grid(lines) + numbers
    shown, pointed = [], set(numbers[:2])
    for number in numbers[:2]:
        for index in range(max(number - 2, 0), min(number + 1, len(lines))):
            entry = f"{'>' if index + 1 in pointed else ' '}{index + 1:3d} | {lines[index]}"
            if entry not in shown:
                shown.append(entry)
    return "\n".join(shown)


def off_grid(lines):
    """Numbers of the lines indented with a tab, or by a number of spaces the file's step does not divide."""
    indents = [len(line) - len(line.lstrip(" ")) for line in lines if line.strip() and not line.lstrip().startswith("#")]
    step = min((n for n in indents if n), default=2)
    return [i + 1 for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")
            and (line[:len(line) - len(line.lstrip())].count("\t") or (len(line) - len(line.lstrip(" "))) % step)]


class Project:
    """One compose project: the learner's file plus the checker's override, run under its own name."""

    def __init__(self, client, folder, step):
        self.client, self.folder, self.step = client, Path(folder).resolve(), step
        self.file = find_file(self.folder)
        self.name = project_name(step)
        self.tmp = Path(tempfile.mkdtemp(prefix="workshop-compose-"))
        self.override = self.tmp / "compose.checker.yaml"
        self.config = None
        self.web = self.redis = None  # service names, found by what the services are
        self.seen_volumes = set()
        self.gone = False
        self.fast_start = None  # whether Compose and the engine both know start_interval; asked once
        self.host_port = 0  # where the web service is published on 127.0.0.1; 0 for a random port
        self.web_port = 5000  # the web container's port that is published

    # the CLI ----------------------------------------------------------------------------------

    def cli(self, *args, timeout=60, override=True):
        files = ["-f", str(self.file)] + (["-f", str(self.override)] if override else [])
        return run_cli(["--project-name", self.name, "--project-directory", str(self.folder), *files, *args],
                       timeout=timeout)

    def load_config(self):
        """The learner's file as Compose understands it (JSON), or ConfigInvalid with their lines."""
        result = self.cli("config", "--format", "json", override=False)
        if result.returncode != 0:
            error = tail(result.stderr, 4)
            raise ConfigInvalid(error.splitlines()[-1] if error else "?", config_error_line(self.file, error))
        self.config = json.loads(result.stdout)
        return self.config

    # finding services by what they are ---------------------------------------------------------

    def services(self):
        return (self.config or {}).get("services", {})

    def built_here(self):
        """Names of the services built from the step folder itself."""
        found = []
        for name, service in self.services().items():
            build = service.get("build")
            context = build.get("context") if isinstance(build, dict) else build
            if context and Path(context).resolve() == self.folder:
                found.append(name)
        return found

    def running_redis(self):
        """Names of the services that run the Redis image (any tag, any registry prefix)."""
        return [name for name, service in self.services().items()
                if not service.get("build") and image_repository(service.get("image", "")) == "redis"]

    # the override -----------------------------------------------------------------------------

    def write_override(self):
        """This run's labels, loopback random ports, project-scoped names, fast probes, no pulls."""
        mine = labels.for_this_run()
        fast_start = self.knows_start_interval()
        out = ["services:"]
        for name, service in self.services().items():
            out.append(f"  {q(name)}:")
            out.append(f"    labels: {json.dumps(mine)}")
            if service.get("container_name"):
                out.append("    container_name: !reset null")
            if name == self.redis and not service.get("ports"):
                # for the check's own client only (the learner's file publishes nothing, as checked)
                out.append(f"    ports: [{q('127.0.0.1::6379/tcp')}]")
            if service.get("ports"):
                out.append("    ports: !override")
                for index, port in enumerate(service["ports"]):
                    target, protocol = port["target"], port.get("protocol") or "tcp"
                    host = self.host_port if name == self.web and index == 0 and self.host_port else ""
                    out.append(f"      - {q(f'127.0.0.1:{host}:{target}/{protocol}')}")
            if service.get("build"):
                # a tag of the project's own (a learner's `image:` would be shared by parallel runs); the
                # build cache keeps the layers, the image goes with the project
                out.append(f"    image: {q(self.image(name))}")
                out.append(f"    build: {{labels: {json.dumps(mine)}}}")
                out.append("    pull_policy: build")
            else:
                out.append("    pull_policy: never")
            health = service.get("healthcheck") or {}
            if name in (self.web, self.redis) and not health.get("disable") and health.get("test") != ["NONE"]:
                start = ""
                if fast_start:
                    start = f", start_interval: {START_INTERVAL}"
                    start += "" if self.has_start_period(name) else f", start_period: {START_PERIOD}"
                out.append(f"    healthcheck: {{interval: {PROBE_INTERVAL}{start}}}")
        for kind in ("networks", "volumes"):
            declared = {key: value for key, value in (self.config.get(kind) or {}).items()
                        if not (value or {}).get("external")}
            if declared:
                out.append(f"{kind}:")
                for key in declared:
                    out.append(f"  {q(key)}:")
                    out.append(f"    name: {q(f'{self.name}_{key}')}")
                    out.append(f"    labels: {json.dumps(mine)}")
        self.override.write_text("\n".join(out) + "\n")

    def knows_start_interval(self):
        """Whether Compose (2.20.2 on) and the engine (API 1.44 on) run health probes at a start interval."""
        if self.fast_start is None:
            answer = run_cli(["version", "--short"], timeout=20)
            plugin = version_tuple(answer.stdout.strip().lstrip("v").split("-")[0]) if answer.returncode == 0 else ()
            self.fast_start = plugin >= START_INTERVAL_COMPOSE and probes_at_start_interval(self.client)
        return self.fast_start

    def has_start_period(self, name):
        """Whether the service's probes have a start period: from the file, else from its image's HEALTHCHECK
        (the engine takes each setting the file leaves out from the image)."""
        service = self.services()[name]
        if (service.get("healthcheck") or {}).get("start_period"):
            return True
        try:
            image = self.client.images.get(self.image(name) if service.get("build") else service.get("image"))
        except docker.errors.DockerException:
            return False  # not built yet: `up` writes the override again once it is
        return bool((image.attrs["Config"].get("Healthcheck") or {}).get("StartPeriod"))

    def image(self, service):
        """The tag the override gives the image built for `service`."""
        return f"{self.name}-{service}:checked"

    # running ----------------------------------------------------------------------------------

    def containers(self, service=None):
        """The project's containers (all states), of one service if given."""
        wanted = [f"{PROJECT}={self.name}"] + ([f"{SERVICE}={service}"] if service else [])
        return self.client.containers.list(all=True, filters={"label": wanted})

    def container(self, service):
        found = self.containers(service)
        return found[0] if found else None

    def remember_volumes(self):
        """Note the volumes the containers use: anonymous ones outlive a `down` without -v."""
        for container in self.containers():
            for mount in container.attrs.get("Mounts") or []:
                if mount.get("Type") == "volume" and mount.get("Name"):
                    self.seen_volumes.add(mount["Name"])

    def logs(self, service, lines=12):
        container = self.container(service)
        if container is None:
            return ""
        try:
            return tail(container.logs(tail=200), lines)
        except docker.errors.APIError:
            return ""

    def exec(self, service, command):
        """Run `command` in the service's container: (exit code, output)."""
        container = self.container(service)
        if container is None:
            return None, ""
        result = container.exec_run(command)
        return result.exit_code, result.output.decode("utf-8", "replace").strip()

    def published(self, service, port):
        """(host, port) where the service's container `port` is published, or None."""
        container = self.container(service)
        if container is None:
            return None
        container.reload()
        for binding in (container.attrs["NetworkSettings"].get("Ports") or {}).get(f"{port}/tcp") or []:
            if binding.get("HostPort"):
                return docker_host(), int(binding["HostPort"])
        return None

    # what checker.check.deploy's shared /set-/get round trip asks of a deployment ---------------------

    def url(self, path="/"):
        """The address of `path` on the web service's published port, as it is now."""
        host, port = self.published(self.web, self.web_port)
        return f"http://{host}:{port}{path}"

    def get(self, path, session=None, timeout=15, **params):
        """GET `path` on the web service (through `session` if given)."""
        return (session or requests).get(self.url(path), params=params, timeout=timeout)

    def web_log(self, lines=10):
        return self.logs(self.web, lines)

    def resolve_in_web(self, name):
        """The address `name` resolves to inside the web container (asked with its own Python), or None."""
        code, output = self.exec(self.web, ["python", "-c", f"import socket; print(socket.gethostbyname({name!r}))"])
        return output if code == 0 else None

    def redis_client(self):
        """A client of the project's Redis through the loopback port the override publishes for the check
        (the learner's file publishes none); None while its container publishes nothing (not running)."""
        where = self.published(self.redis, 6379)
        if where is None:
            return None
        return redis.Redis(host=where[0], port=where[1], socket_connect_timeout=3, socket_timeout=3)

    def ask_redis(self, question):
        """question(client) asked of the project's Redis, or None when Redis gives no answer."""
        client = self.redis_client()
        if client is None:
            return None
        try:
            return question(client)
        except redis.RedisError:
            return None
        finally:
            client.close()

    def redis_get(self, key):
        """The value Redis itself holds under `key` (bytes, or None)."""
        return self.ask_redis(lambda client: client.get(key))

    def leftovers(self):
        """Names of the project's containers, networks and volumes that still exist."""
        wanted = {"label": f"{PROJECT}={self.name}"}
        names = [c.name for c in self.client.containers.list(all=True, filters=wanted)]
        names += [n.name for n in self.client.networks.list(filters=wanted)]
        names += [v.name for v in self.client.volumes.list(filters=wanted)]
        names += [name for name in self.seen_volumes if _exists(self.client.volumes, name)]
        return names

    def build(self, timeout=600):
        """`docker compose build` with the override written: the CompletedProcess."""
        self.write_override()
        return self.cli("--progress", "plain", "build", timeout=timeout)

    def up(self, timeout=60):
        """`docker compose up --wait`, never pulling nor building: the CompletedProcess."""
        self.write_override()  # the built image's HEALTHCHECK is known now
        result = self.cli("up", "--detach", "--wait", "--wait-timeout", str(timeout), "--pull", "never",
                          "--no-build", timeout=timeout + 60)
        self.remember_volumes()
        return result

    def find_services(self):
        """Set .web and .redis from what the services are; False when one is missing."""
        built, redis = self.built_here(), self.running_redis()
        self.web, self.redis = (built or [None])[0], (redis or [None])[0]
        return bool(built and redis)

    def down(self):
        """`docker compose down -v` and the anonymous volumes a plain `down` left; never raises."""
        if self.gone:
            return
        self.gone = True
        try:
            self.remember_volumes()
            self.cli("down", "--volumes", "--remove-orphans", "--timeout", "3", timeout=90)
        except Exception:
            pass
        for name in self.seen_volumes:
            try:
                self.client.volumes.get(name).remove(force=True)
            except Exception:
                pass
        for service in self.built_here() if self.config else ():
            try:
                self.client.images.remove(self.image(service))
            except Exception:
                pass
        shutil.rmtree(self.tmp, ignore_errors=True)


def _exists(collection, name):
    try:
        collection.get(name)
        return True
    except docker.errors.NotFound:
        return False


def q(text):
    """A YAML scalar for any string (a JSON string is valid YAML)."""
    return json.dumps(str(text))


def image_repository(image):
    """'redis' for redis:8, docker.io/library/redis:8 or redis@sha256:…"""
    name = image.split("@")[0]
    if ":" in name.rsplit("/", 1)[-1]:
        name = name.rsplit(":", 1)[0]
    for prefix in ("docker.io/library/", "docker.io/", "library/"):
        if name.startswith(prefix):
            name = name[len(prefix):]
    return name


def docker_host():
    """The address where the engine publishes ports (127.0.0.1 for a local engine)."""
    from testcontainers.core.docker_client import DockerClient

    host = DockerClient().host()
    return "127.0.0.1" if host in ("localhost", "::1") else host
