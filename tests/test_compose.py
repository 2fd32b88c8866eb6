"""checker/check/compose.py: the learner's compose file run under the check's own name, labels and ports."""

import json
import os
import shutil
import socket
import subprocess
import uuid

import pytest

from checker import ROOT
from checker.check import compose, compose_override
from checker.engine import labels
from checker.workshop import course
from checker.engine.client import START_INTERVAL_API, version_tuple

STEP = next((step for step in course.steps() if (ROOT / "solutions" / step.folder / "compose.yaml").is_file()), None)
pytestmark = pytest.mark.skipif(STEP is None, reason="no step has a compose.yaml")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def copy(tmp_path):
    """A copy of the compose step's solution, laid out like steps/."""
    target = tmp_path / STEP.folder
    shutil.copytree(ROOT / "solutions" / STEP.folder, target)
    return target


def edit(folder, find, replace):
    path = folder / "compose.yaml"
    text = path.read_text()
    assert text.count(find) == 1, find
    path.write_text(text.replace(find, replace))


@pytest.mark.parametrize("image, repository", [
    ("redis:8", "redis"), ("docker.io/library/redis:8", "redis"), ("redis", "redis"),
    ("redis@sha256:0123", "redis"), ("bitnami/redis:7", "bitnami/redis"), ("localhost:5000/redis:8", "localhost:5000/redis"),
])
def test_image_repository(image, repository):
    """The Redis service is recognised by its repository, whatever tag or registry prefix it is written with."""
    assert compose.image_repository(image) == repository


def test_project_names_are_valid_and_unique():
    """Project names follow Compose's rule (lowercase, digits, - and _) and never repeat."""
    names = {compose.project_name(STEP) for _ in range(20)}
    assert len(names) == 20
    assert all(name[0].isalnum() and set(name) <= set("abcdefghijklmnopqrstuvwxyz0123456789-_") for name in names)


def test_yaml_error_points_at_the_line_off_the_grid(tmp_path):
    """A YAML error names where the block began; the line indented off the grid is shown and marked."""
    path = tmp_path / "compose.yaml"
    path.write_text("services:\n  web:\n    build: .\n   ports:\n      - \"5000:5000\"\n")
    shown = compose.config_error_line(path, "yaml: line 2: did not find expected key")
    # the learner's own line, numbered and marked, comes first
    assert shown.splitlines()[1] == ">  4 |    ports:"


def test_schema_error_points_at_the_key(tmp_path):
    """A schema error names a key path; the line with that key is shown."""
    path = tmp_path / "compose.yaml"
    path.write_text("services:\n  web:\n    bulid: .\n")
    shown = compose.config_error_line(path, "validating compose.yaml: services.web Additional property bulid is not allowed")
    assert ">  3 |     bulid: ." in shown


@pytest.fixture
def engine():
    """A docker client."""
    from checker.engine.client import connect

    return connect()


def test_override_isolates_the_learners_file(engine, copy):
    """Fixed ports, container names, volume and network names give way to the project's own; all labelled."""
    edit(copy, '"127.0.0.1:5000:5000"', '"5000:5000"')
    edit(copy, "    build: .\n", "    build: .\n    image: myweb\n    container_name: web\n")
    edit(copy, "volumes:\n  redis-data:\n", "volumes:\n  redis-data:\n    name: redis-data\n")
    edit(copy, "      start_period: 5s\n", "")  # Redis's probes: no start period (the redis image sets none)
    project = compose.Project(engine, copy, STEP)
    try:
        project.load_config()
        assert project.find_services()
        project.write_override()
        merged = json.loads(project.cli("config", "--format", "json").stdout)
    finally:
        project.down()
    web = merged["services"][project.web]
    # a random port on loopback, whatever the file asked for
    assert [(port["host_ip"], port.get("published", ""), port["target"]) for port in web["ports"]] == [("127.0.0.1", "", 5000)]
    # names no other run and no stack of the learner's uses
    assert "container_name" not in web and web["image"].startswith(project.name)
    assert merged["volumes"]["redis-data"]["name"] == f"{project.name}_redis-data"
    # this run's labels on what the project creates, so a sweep finds them after kill -9
    for labelled in (web, merged["services"][project.redis], merged["volumes"]["redis-data"], merged["networks"]["default"]):
        assert labelled["labels"][labels.RUN] == labels.RUN_ID
    assert web["build"]["labels"][labels.OWNED] == "true"
    # never a pull: the course images are local
    assert merged["services"][project.redis]["pull_policy"] == "never"
    # probes come sooner, yet they are still the learner's own
    learner = json.loads(project.cli("config", "--format", "json", override=False).stdout)["services"]
    for name in (project.web, project.redis):
        health = merged["services"][name]["healthcheck"]
        assert health["test"] == learner[name]["healthcheck"]["test"]
        assert health["interval"] == compose_override.PROBE_INTERVAL
        # an engine older than 25 would refuse start_interval: it gets none
        assert health.get("start_interval") == (compose_override.START_INTERVAL if project.knows_start_interval() else None)
    # a start period of the learner's is kept; where there is none, one in which start_interval applies
    assert merged["services"][project.web]["healthcheck"]["start_period"] == "10s"
    if project.knows_start_interval():
        assert merged["services"][project.redis]["healthcheck"]["start_period"] == compose_override.START_PERIOD


def test_versions_compare_as_numbers():
    """API 1.100 is later than 1.44, Compose 2.100.0 than 2.20.2; an answer that is no version is earlier than any."""
    assert version_tuple("1.100") > START_INTERVAL_API > version_tuple("1.43")
    assert version_tuple("2.100.0") > compose_override.START_INTERVAL_COMPOSE > version_tuple("2.20")
    assert version_tuple("") < START_INTERVAL_API
    assert version_tuple("v2") < compose_override.START_INTERVAL_COMPOSE


def test_check_passes_beside_the_learners_own_stack(checker, copy):
    """The learner's own `docker compose up` of the same file keeps running, and the check still passes."""
    port, mine = free_port(), f"learner-{uuid.uuid4().hex[:8]}"
    edit(copy, '"127.0.0.1:5000:5000"', f'"127.0.0.1:{port}:5000"')
    edit(copy, "    build: .\n", f"    build: .\n    container_name: {mine}-web\n")
    # labelled like everything the tests make, so that a killed run is swept; a run id of its own, so that
    # the check (which inherits this process's run id) does not take it for its own
    tags = json.dumps(labels.for_this_run(**{labels.RUN: mine}))
    (copy.parent / "labels.yaml").write_text(f"services:\n  web: {{labels: {tags}}}\n  redis: {{labels: {tags}}}\n"
                                             f"volumes:\n  redis-data: {{labels: {tags}}}\n")
    up = ["docker", "compose", "-p", mine, "-f", "compose.yaml", "-f", str(copy.parent / "labels.yaml")]
    try:
        started = subprocess.run(up + ["up", "--wait", "--pull", "never"], cwd=copy, capture_output=True, text=True,
                                 timeout=300)
        assert started.returncode == 0, started.stderr
        result = checker("check", str(STEP.number), "--target", str(copy.parent))
        # the same port and container name are taken by the learner's stack: the check used its own
        assert result.returncode == 0, result.stdout + result.stderr
        # and the learner's stack was not touched
        listed = subprocess.run(up + ["ps", "--format", "json"], cwd=copy, capture_output=True, text=True, timeout=60)
        assert f"{mine}-web" in listed.stdout
    finally:
        subprocess.run(up + ["down", "-v", "--rmi", "local"], cwd=copy, capture_output=True, timeout=120)


# What a docker CLI without the Compose v2 plugin answers to `docker compose version --short`
# (stderr, exit code): Docker 20.10 (Debian 12's docker.io) and 28 print their usage text after the error
CLI_WITHOUT_COMPOSE = {
    "docker-20.10": ("unknown flag: --short\nSee 'docker --help'.\n\nUsage:  docker [OPTIONS] COMMAND\n\n"
                     "A self-sufficient runtime for containers\n\nOptions:\n  -v, --version  Print version "
                     "information and quit\n\nTo get more help with docker, check out our guides at "
                     "https://docs.docker.com/go/guides/\n", 125),
    "docker-28": ("unknown flag: --short\n\nUsage:  docker [OPTIONS] COMMAND [ARG...]\n\n"
                  "Run 'docker --help' for more information\n", 125),
    "not-a-command": ("docker: 'compose' is not a docker command.\nSee 'docker --help'\n", 1),
}


@pytest.fixture
def docker_answering(tmp_path, monkeypatch):
    """A function putting first on PATH a `docker` whose `compose` prints the given stderr and exits."""
    def install(stderr, code):
        (tmp_path / "stderr").write_text(stderr)
        script = tmp_path / "docker"
        script.write_text(f"#!/bin/sh\ncat '{tmp_path}/stderr' >&2\nexit {code}\n")
        script.chmod(0o755)
        monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    return install


@pytest.mark.parametrize("cli", sorted(CLI_WITHOUT_COMPOSE))
def test_cli_without_compose_is_named(cli, docker_answering):
    """A docker CLI without Compose v2: the reason says so, not the last line of the CLI's usage text."""
    docker_answering(*CLI_WITHOUT_COMPOSE[cli])
    with pytest.raises(compose.ComposeUnavailable) as raised:
        compose.preflight()
    # the learner reads that `compose` is missing, and none of the usage text
    assert str(raised.value) == "this docker CLI has no `compose` command"


def test_other_compose_failure_is_quoted(docker_answering):
    """Any other failure of `docker compose version` is quoted in the CLI's own last words."""
    docker_answering("Error: fork/exec docker-compose: permission denied\n", 1)
    with pytest.raises(compose.ComposeUnavailable) as raised:
        compose.preflight()
    # the plugin's own error, in backticks
    assert "`Error: fork/exec docker-compose: permission denied`" in str(raised.value)
