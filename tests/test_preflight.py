"""With no engine, a check prints one paragraph on how to start one, and nothing else."""

import pytest


@pytest.mark.parametrize("docker_host", ["tcp://127.0.0.1:9", "unix:///nonexistent/docker.sock"])
def test_unreachable_engine(checker, docker_host):
    """An engine that does not answer gives the preflight message and exit code 2."""
    result = checker("check", "2", "--target", "solutions", env={"DOCKER_HOST": docker_host})
    assert result.returncode == 2
    # the message says what is wrong and how to fix it on each platform
    assert "Docker is not reachable" in result.stderr
    for platform in ("Linux", "macOS / Windows", "Podman"):
        assert platform in result.stderr
    # and nothing else: no check lines, no traceback
    assert result.stdout == "" and "Traceback" not in result.stderr


def test_step_without_docker_needs_no_engine(checker):
    """Step 01 runs no container, so it works with the engine down."""
    result = checker("check", "1", "--target", "solutions", env={"DOCKER_HOST": "tcp://127.0.0.1:9"})
    assert result.returncode == 0, result.stdout + result.stderr


def test_unknown_step_and_target(checker, tmp_path):
    """Bad input gets a one-line message and a non-zero exit."""
    unknown = checker("check", "42")
    assert unknown.returncode != 0 and "There is no step '42'" in unknown.stderr
    missing = checker("check", "1", "--target", str(tmp_path / "nope"))
    assert missing.returncode != 0 and "does not exist" in missing.stderr
    assert "Traceback" not in unknown.stderr + missing.stderr


def test_compose_step_without_compose(checker, tmp_path):
    """A docker CLI without the compose plugin (Podman's `docker` alias, an old install): one paragraph."""
    import os
    from pathlib import Path

    from checker.workshop import course

    step = next(step for step in course.steps() if (Path("solutions") / step.folder / "compose.yaml").is_file())
    fake = tmp_path / "docker"
    fake.write_text("#!/bin/sh\necho \"docker: 'compose' is not a docker command.\" >&2\nexit 1\n")
    fake.chmod(0o755)
    result = checker("check", str(step.number), "--target", "solutions",
                     env={"PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}"})
    # a plain failure with the hint that says what to install, and no traceback
    assert result.returncode == 1, result.stdout + result.stderr
    assert "hint [compose-unavailable]" in result.stdout and "has no `compose` command" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
