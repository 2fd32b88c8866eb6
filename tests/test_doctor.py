"""`make doctor`: one line per part of the setup with ✓/⚠/✗ and a fix; a brief version before checks."""

import os
import shutil
import socket

import pytest

from checker.workshop import course

MARKS = ("✓", "⚠", "✗")


def lines_of(result):
    return [line for line in result.stdout.splitlines() if line[:1] in MARKS]


def test_healthy_machine(checker):
    """Here everything is in place: Python, venv, packages, the engine and which, images, disk, ports."""
    result = checker("doctor")
    lines = lines_of(result)
    text = "\n".join(lines)
    for part in ("Python 3.", "virtual environment", "pinned Python packages", "container engine: ",
                 "course images present", "GB free", "port 5000", "port 6379"):
        assert part in text, (part, result.stdout)
    assert any(kind in text for kind in ("Docker Engine", "Docker Desktop", "Podman"))
    for name in course.images().values():
        assert name in text
    assert not [line for line in lines if line.startswith("✗")], result.stdout
    assert result.returncode == 0


def test_engine_down(checker):
    """No engine: a ✗ line saying where it looked and how to start one; exit 1, no traceback."""
    result = checker("doctor", env={"DOCKER_HOST": "tcp://127.0.0.1:9"})
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    engine = next(line for line in lines_of(result) if "127.0.0.1:9" in line)
    assert engine.startswith("✗") and "systemctl start docker" in engine and "podman system service" in engine
    assert "1 problem(s)" in result.stdout


@pytest.fixture
def busy_port():
    """Something of ours listening on 5000 (if nothing else already does)."""
    server = socket.socket()
    try:
        server.bind(("127.0.0.1", 5000))
        server.listen()
    except OSError:
        pass  # another program has it: the warning is expected all the same
    yield 5000
    server.close()


def test_busy_port_is_a_warning(checker, busy_port):
    """A port in use is ⚠ (checks use random ports), names the program, and suggests another port."""
    result = checker("doctor")
    line = next(line for line in lines_of(result) if f"port {busy_port}" in line)
    assert line.startswith("⚠") and "random ports" in line and "DEMO_PORT=5001" in line
    assert "python" in line.lower() or "pid" in line or "container" in line
    assert result.returncode == 0


def test_chinese(checker):
    """WORKSHOP_LANG=zh: every line in Chinese."""
    result = checker("doctor", env={"WORKSHOP_LANG": "zh"})
    assert "容器引擎" in result.stdout and "虚拟环境" in result.stdout


def test_check_with_engine_down_says_it_once(checker):
    """Before a check, the preflight's paragraph appears once, with a pointer to make doctor."""
    result = checker("check", "2", "--target", "solutions", env={"DOCKER_HOST": "tcp://127.0.0.1:9"})
    assert result.returncode == 2
    assert result.stderr.count("Docker is not reachable") == 1
    assert "make doctor" in result.stderr and "✗" not in result.stderr


@pytest.fixture
def cli_without_plugins(tmp_path):
    """A PATH whose `docker` knows neither `buildx` nor `compose`, like an old Docker install."""
    real = shutil.which("docker")
    wrapper = tmp_path / "docker"
    wrapper.write_text("#!/bin/sh\ncase \"$1\" in buildx|compose) echo \"docker: '$1' is not a docker command.\" >&2; "
                       f"exit 1;; esac\nexec {real} \"$@\"\n")
    wrapper.chmod(0o755)
    return f"{tmp_path}:{os.environ['PATH']}"


def test_engine_without_buildx_or_compose(checker, cli_without_plugins):
    """No buildx, no compose: two warnings saying what it costs and how to upgrade; the checks can run."""
    result = checker("doctor", env={"PATH": cli_without_plugins, "WORKSHOP_BUILDER": ""})
    text = "\n".join(lines_of(result))
    builder = next(line for line in lines_of(result) if "classic builder" in line)
    compose = next(line for line in lines_of(result) if "docker compose" in line)
    assert builder.startswith("⚠") and "Steps 01-05 still work" in builder and "make setup" in builder
    assert compose.startswith("⚠") and "step 06" in compose and "docker-compose-plugin" in compose
    assert "Traceback" not in text and result.returncode == 0
