"""A learner's compose.yaml run for real with the compose CLI, as a project of the check's own.

The learner's file is used as written, plus an override file the checker writes next to nothing of
theirs (in a temporary folder): this run's labels on every container, network, volume and image;
every published port moved to a random port on 127.0.0.1 (a fixed "5000:5000" collides neither with
the learner's own stack nor with a parallel check); fixed names (container_name, a volume's or
network's `name:`) replaced by names inside the project; no pulls. Services are found by what they
are: the one built from the step folder, the one running the Redis image.
"""

import json
import shutil
import tempfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import docker
import redis
import requests
from testcontainers.compose import DockerCompose

from checker.text.failures import tail

# the CLI and the override: checks and tests use these names through this module too
from checker.check import compose_override
from checker.check.compose_cli import (FILES, ComposeUnavailable, ConfigInvalid, config_error_line,  # noqa: F401
                                       find_file, preflight, project_name, run_cli)

PROJECT = "com.docker.compose.project"
SERVICE = "com.docker.compose.service"


@dataclass
class CommandLine(DockerCompose):
    """testcontainers' DockerCompose as the checker uses it: the compose command line for several files (the
    learner's, then the override), plus the project's own name and folder, which DockerCompose does not set.

    The checker runs that command line itself (compose_cli.run_cli) rather than through DockerCompose's
    start/stop/get_*: those raise on any failure instead of returning what Compose said (a check turns it
    into the learner's hint), run without a time limit and with the learner's COMPOSE_* variables, cannot
    pass `up --no-build --wait-timeout` (the override's `pull_policy: build` would rebuild at every `up`)
    nor `down --timeout 3 --remove-orphans`, and ask the CLI (`compose ps`, `compose exec`) where a check
    asks at every request: the docker SDK on the project's labels answers that in milliseconds.
    """

    project_name: str = ""

    @cached_property
    def compose_command_property(self):
        command = super().compose_command_property
        return [*command[:2], "--project-name", self.project_name, "--project-directory", str(self.context),
                *command[2:]]


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
        """`docker compose` on the learner's file (and the override): the CompletedProcess, whatever it says."""
        files = [str(self.file)] + ([str(self.override)] if override else [])
        command = CommandLine(context=self.folder, compose_file_name=files, project_name=self.name,
                              docker_command_path="docker")
        return run_cli([*command.compose_command_property[2:], *args], timeout=timeout)

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
        compose_override.write(self)

    def knows_start_interval(self):
        """Whether Compose (2.20.2 on) and the engine (API 1.44 on) run health probes at a start interval."""
        return compose_override.knows_start_interval(self)

    def has_start_period(self, name):
        """Whether the service's probes have a start period (compose_override.has_start_period)."""
        return compose_override.has_start_period(self, name)

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
