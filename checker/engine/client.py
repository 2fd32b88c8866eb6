"""Reaching the container engine: one client, a preflight with a readable failure, its kind."""

import os

import docker

from checker.text.messages import msg

# Podman answers /version slowly; naming the API version skips that call on every client.
API_VERSION = os.environ.get("WORKSHOP_DOCKER_API") or None
START_INTERVAL_API = (1, 44)  # Docker Engine 25: health probes at a start interval until the first success


class EngineUnreachable(Exception):
    """The engine did not answer; str() is the paragraph to show the learner."""


REASONS = (
    ("Connection refused", "engine.refused"),
    ("No such file", "engine.no_socket"),
    ("Permission denied", "engine.permission"),
    ("timed out", "engine.timed_out"),
    ("Name or service not known", "engine.unknown_host"),
)


def reason(error):
    """A few words on why the engine did not answer, instead of a nested exception text."""
    text = str(error)
    for needle, key in REASONS:
        if needle.lower() in text.lower():
            return msg(key)
    return text.splitlines()[0][:100] if text else type(error).__name__


def client_kwargs():
    """Keyword arguments for docker.DockerClient / testcontainers' docker_client_kw."""
    kwargs = {"timeout": 60}
    if API_VERSION:
        kwargs["version"] = API_VERSION
    return kwargs


def connect(timeout=5):
    """A docker client that has answered a ping, or EngineUnreachable with the how-to-fix text."""
    where = os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"
    try:
        client = docker.from_env(**{**client_kwargs(), "timeout": timeout})
        client.ping()
    except Exception as error:  # any failure here means the same thing to a learner
        raise EngineUnreachable(msg("engine.unreachable", where=where, error=reason(error))) from None
    client.api.timeout = 120
    return client


def kind(client):
    """'Podman', 'Docker Desktop' or 'Docker Engine', and the version string."""
    info = client.version()
    names = " ".join(c.get("Name", "") for c in info.get("Components", []))
    if "podman" in names.lower():
        return "Podman", info.get("Version", "?")
    operating_system = client.info().get("OperatingSystem", "")
    if "Docker Desktop" in operating_system:
        return "Docker Desktop", info.get("Version", "?")
    return "Docker Engine", info.get("Version", "?")


def version_tuple(text):
    """(1, 44) for "1.44"; () for anything that is not a version."""
    try:
        return tuple(int(part) for part in text.split("."))
    except ValueError:
        return ()


def probes_at_start_interval(client):
    """Whether the engine runs health probes at a start interval during the start period (API 1.44 on:
    Docker Engine 25; not an older Docker, nor Podman's compatible API)."""
    try:
        return version_tuple(str(client.version().get("ApiVersion", ""))) >= START_INTERVAL_API
    except docker.errors.APIError:
        return False
