"""The dev container (.devcontainer/): what devcontainer.json asks for, and the course run inside it.

The long test runs the dev container the way VS Code and Codespaces do, through the reference
implementation of the spec (the Dev Containers CLI, @devcontainers/cli from npm, pinned below): the
image built from .devcontainer/Dockerfile, the container privileged with a clean clone of this
repository at /workspaces/docker-0-to-1 and the engine's own volume, postCreateCommand (`make setup`)
and postStartCommand run. Inside it `make doctor` is all ✓, steps 03 and 06 pass on the solutions,
step 01 fails readably on the starter, and the engine starts again after the container restarts.
It clones what is committed (HEAD), takes minutes, and so runs only on `make test-devcontainer`
(CI runs it once). Everything it makes is labelled and removed on pass, failure and Ctrl-C.

By default the course images are passed in from this machine's engine (docker save | docker load),
which saves building the stand-ins again inside (about 3 minutes); DEVCONTAINER_IMAGES=build leaves
them to `make setup` inside, as a learner's first start does.
"""

import hashlib
import json
import os
import shutil
import subprocess
import time

import pytest

from checker import ROOT
from checker.engine import labels
from checker.workshop import course

CONFIG = ROOT / ".devcontainer" / "devcontainer.json"
CLI_VERSION = "0.89.0"
CLI_HOME = ROOT / ".cache" / "devcontainer-cli"
WORKSPACE = "docker-0-to-1"  # the clone's folder name: the container sees it at /workspaces/docker-0-to-1
LESSON_PORT = 8310  # `make lesson`'s default port (checker/commands/lesson/command.py)


def config():
    return json.loads(CONFIG.read_text())


def test_devcontainer_json_asks_for_what_the_course_needs():
    """An engine of its own (privileged, its data on a volume per dev container, the image's entrypoint
    kept), `make setup` once and the engine again at every start, the two ports labelled, Python and
    Docker extensions, and the course's own Python image as base."""
    found = config()
    assert (CONFIG.parent / found["build"]["dockerfile"]).is_file()
    assert found["privileged"] is True and found["overrideCommand"] is False
    # /var/lib/docker on the container's overlayfs would leave dockerd only vfs: slow, and a copy per layer
    assert {"type": "volume", "source": "docker-0-to-1-engine-${devcontainerId}", "target": "/var/lib/docker"} \
        in found["mounts"]
    assert found["postCreateCommand"] == "make setup"
    assert found["postStartCommand"] == "bash scripts/ensure-engine.sh"
    assert set(found["forwardPorts"]) == {5000, LESSON_PORT}
    assert all(found["portsAttributes"][str(port)]["label"] for port in found["forwardPorts"])
    assert {"ms-python.python", "ms-azuretools.vscode-docker"} <= set(found["customizations"]["vscode"]["extensions"])
    dockerfile = (CONFIG.parent / found["build"]["dockerfile"]).read_text()
    assert f"FROM {course.images()['python']}\n" in dockerfile


def test_lesson_port_is_the_lessons_default():
    """The port forwarded for `make lesson` is the one it serves on unless LESSON_PORT says otherwise."""
    command = pytest.importorskip("checker.commands.lesson.command")
    assert command.DEFAULT_PORT == LESSON_PORT


def devcontainer_id(id_labels):
    """${devcontainerId} for these id labels, as the spec's reference implementation computes it."""
    text = json.dumps({key: id_labels[key] for key in sorted(id_labels)}, separators=(",", ":"))
    number = int.from_bytes(hashlib.sha256(text.encode()).digest(), "big")
    digits = ""
    while number:
        number, digit = divmod(number, 32)
        digits = "0123456789abcdefghijklmnopqrstuv"[digit] + digits
    return digits.rjust(52, "0")


def test_devcontainer_id_is_computed_as_the_cli_does():
    """A value seen from @devcontainers/cli 0.89.0 for one id label."""
    assert devcontainer_id({"docker-0-to-1.devcontainer-trial": "1"}) == \
        "06iojvftmim6u2b598ok2dsauq5p5hq9kkqlqu08dgj0htpaikve"


# --- the course inside the dev container --------------------------------------------------------

def run(command, timeout=900, **kwargs):
    """Run a command; returns (exit code, output)."""
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, **kwargs)
    return result.returncode, result.stdout + result.stderr


def cli():
    """The pinned Dev Containers CLI, installed once from npm into .cache/ (git ignores it)."""
    binary = CLI_HOME / "node_modules" / ".bin" / "devcontainer"
    if binary.exists() and run([str(binary), "--version"])[1].strip() == CLI_VERSION:
        return str(binary)
    if not (shutil.which("node") and shutil.which("npm")):
        message = "the dev container test needs Node.js and npm (for @devcontainers/cli)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    code, output = run(["npm", "install", "--prefix", str(CLI_HOME), "--no-audit", "--no-fund", "--silent",
                        f"@devcontainers/cli@{CLI_VERSION}"], timeout=300)
    assert code == 0, output
    return str(binary)


class DevContainer:
    """One dev container of a clone, and the removal of everything it made."""

    def __init__(self, clone):
        self.clone = clone
        self.id_labels = labels.for_this_run(**{labels.PURPOSE: "devcontainer"})
        self.volume = f"docker-0-to-1-engine-{devcontainer_id(self.id_labels)}"
        # the name the CLI gives the image it builds for a folder (removed by name: a failed start has no container)
        self.image = f"vsc-{clone.name}-{hashlib.sha256(str(clone).encode()).hexdigest()}"
        self.container = None
        self.times = {}

    def devcontainer(self, command, *args, timeout=1200):
        started = time.monotonic()
        ids = [arg for key, value in self.id_labels.items() for arg in ("--id-label", f"{key}={value}")]
        result = subprocess.run([cli(), command, "--workspace-folder", str(self.clone), *ids, *args],
                                capture_output=True, text=True, timeout=timeout)
        self.times[command] = self.times.get(command, 0) + time.monotonic() - started
        # the log goes to stderr, the verdict to stdout: {"outcome": "success", "containerId": …}
        verdict = json.loads(result.stdout.strip().splitlines()[-1]) if result.stdout.strip() else {}
        assert result.returncode == 0 and verdict.get("outcome") == "success", result.stderr[-4000:] + result.stdout
        self.container = verdict.get("containerId", self.container)
        return result.stderr

    def exec(self, command, timeout=900, stdin=None):
        started = time.monotonic()
        code, output = run(["docker", "exec", *(["-i"] if stdin else []), "-w", f"/workspaces/{WORKSPACE}",
                            self.container, "bash", "-c", command], timeout=timeout, stdin=stdin)
        self.times[command] = time.monotonic() - started
        return code, output

    def up(self, *args):
        # the engine's volume, made first so that it carries this run's labels (a sweep finds it)
        run(["docker", "volume", "create", *[f"--label={k}={v}" for k, v in self.id_labels.items()], self.volume])
        output = self.devcontainer("up", *args)
        assert run(["docker", "inspect", "-f", "{{.Config.Image}}", self.container])[1].strip() == self.image
        return output

    def remove(self):
        """The container, its volume and its image, and the clone (whose files the container's root made)."""
        mine = [f"--filter=label={key}={self.id_labels[key]}" for key in (labels.RUN, labels.PID, labels.PURPOSE)]
        for container in run(["docker", "ps", "-aq", *mine])[1].split():  # also one whose start failed
            run(["docker", "start", container])
            run(["docker", "exec", container, "find", f"/workspaces/{WORKSPACE}", "-mindepth", "1", "-delete"])
            run(["docker", "rm", "-f", "-v", container])
        run(["docker", "volume", "rm", "-f", self.volume])
        run(["docker", "image", "rm", self.image])
        shutil.rmtree(self.clone, ignore_errors=True)


@pytest.fixture
def devcontainer(tmp_path):
    if os.environ.get("WORKSHOP_DEVCONTAINER") != "1":
        pytest.skip("takes minutes: `make test-devcontainer` runs it (CI does, once)")
    clone = tmp_path / WORKSPACE
    code, output = run(["git", "clone", "--quiet", str(ROOT), str(clone)])
    assert code == 0, output
    container = DevContainer(clone)
    try:
        yield container
    finally:  # on pass, failure and Ctrl-C
        container.remove()
        print("\n" + "\n".join(f"  {seconds:6.1f} s  {what}" for what, seconds in container.times.items()))


def pass_course_images_in(container):
    """Start the engine inside, then load this machine's python and redis images into it."""
    code, output = container.exec("bash scripts/ensure-engine.sh")
    assert code == 0, output
    names = list(course.images().values())
    save = subprocess.Popen(["docker", "save", *names], stdout=subprocess.PIPE)
    code, output = container.exec("docker load", stdin=save.stdout)
    save.stdout.close()
    assert save.wait() == 0 and code == 0, output


def test_the_course_runs_in_the_dev_container(devcontainer):
    if os.environ.get("DEVCONTAINER_IMAGES", "host") == "host":
        devcontainer.up("--skip-post-create")
        pass_course_images_in(devcontainer)
        setup = devcontainer.devcontainer("run-user-commands")
    else:
        setup = devcontainer.up()
    # the CLI used the labelled volume for /var/lib/docker, and dockerd inside stores on overlay2, not vfs
    mounts = json.loads(run(["docker", "inspect", "-f", "{{json .Mounts}}", devcontainer.container])[1])
    assert {"Name": devcontainer.volume, "Destination": "/var/lib/docker"}.items() <= \
        next(m for m in mounts if m["Destination"] == "/var/lib/docker").items()
    code, driver = devcontainer.exec("docker info --format '{{.Driver}}'")
    assert code == 0 and driver.strip() in ("overlay2", "overlayfs"), driver + setup

    code, doctor = devcontainer.exec("make doctor")
    lines = [line for line in doctor.splitlines() if line[:1] in ("✓", "⚠", "✗")]
    assert code == 0 and lines and all(line.startswith("✓") for line in lines), doctor

    for step in (3, 6):
        code, output = devcontainer.exec(f"make check-step {step} TARGET=solutions")
        assert code == 0 and "checks passed" in output, output

    code, output = devcontainer.exec("make check-step 1")
    assert code != 0 and "✗" in output and "hint" in output and "Traceback" not in output, output

    # a stopped and started again dev container: postStartCommand starts the engine, the images stay
    assert run(["docker", "stop", "-t", "5", devcontainer.container])[0] == 0
    devcontainer.up()
    code, output = devcontainer.exec("docker image inspect " + " ".join(course.images().values()) + " >/dev/null")
    assert code == 0, output
