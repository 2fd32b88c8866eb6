"""Learners' image builds, done the way their own `docker build` does them.

BuildKit through the docker CLI (`docker buildx build --progress=plain --load`) when the engine and
the CLI have it; the engine's classic builder through the docker SDK otherwise (old engines, Podman).
WORKSHOP_BUILDER=buildkit|classic picks one. Nothing of the run goes into what is built (no labels):
a learner's image is found again by its tag, and the layer cache is the one their own builds share.

Both builders' output is read into the same record (build_output.py): the learner's instructions in
order, which came from the cache, which failed and why. Only the learner's own instructions reach the
log shown.
"""

import os
import shutil
import signal
import subprocess
import time
from functools import lru_cache

import docker

from checker.text.failures import both
from checker.text.i18n import pick
from checker.text.terminal import progress
from checker.engine.build_output import BuildKitOutput, ClassicOutput, failure, timed_out

DEFAULT_TIMEOUT = 600  # seconds: a first build on a slow network downloads the pinned packages


def timeout():
    """The time bound of one build, in seconds (WORKSHOP_BUILD_TIMEOUT)."""
    try:
        return max(10.0, float(os.environ.get("WORKSHOP_BUILD_TIMEOUT") or DEFAULT_TIMEOUT))
    except ValueError:
        return float(DEFAULT_TIMEOUT)


@lru_cache(maxsize=None)
def _cli_has_buildx():
    """Whether a docker CLI with the buildx plugin is on PATH."""
    if not shutil.which("docker"):
        return False
    try:
        return subprocess.run(["docker", "buildx", "version"], capture_output=True, timeout=15).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _engine_builds_with_buildkit(client):
    """A Docker engine (not Podman's compatible API) recent enough for BuildKit's docker driver."""
    try:
        version = client.version()
    except docker.errors.APIError:
        return False
    names = " ".join(component.get("Name", "") for component in version.get("Components", []))
    api = tuple(int(part) for part in str(version.get("ApiVersion", "0.0")).split(".")[:2])
    return "podman" not in names.lower() and api >= (1, 41)


def builder(client):
    """'buildkit' or 'classic': WORKSHOP_BUILDER if set, else what this engine and CLI offer."""
    chosen = (os.environ.get("WORKSHOP_BUILDER") or "").strip().lower()
    if chosen in ("buildkit", "classic"):
        return chosen
    return "buildkit" if _cli_has_buildx() and _engine_builds_with_buildkit(client) else "classic"


def _cli_environment():
    """The docker CLI's environment, aimed at the engine the SDK talks to."""
    environment = dict(os.environ)
    if os.name != "nt":
        # the SDK's default socket: the CLI's current context might name another engine
        environment["DOCKER_HOST"] = os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"
        environment.pop("DOCKER_CONTEXT", None)
    environment["BUILDKIT_PROGRESS"] = "plain"
    return environment


def run_build(client, folder, tag, show=True):
    """Build `folder` into `tag` with the engine's builder: (Output, seconds); CheckFailure on failure."""
    started = time.monotonic()
    if builder(client) == "buildkit":
        output = _buildkit(folder, tag, show)
    else:
        output = _classic(client, folder, tag, show)
    return output, time.monotonic() - started


def _show(step, show):
    if step and show:
        progress(pick(both(f"build {step.number}/{step.total}: {step.instruction[:70]}",
                           f"构建 {step.number}/{step.total}：{step.instruction[:70]}")))


class InOrder:
    """Passes a build's steps on in their numbers' order. BuildKit starts the steps it finds in its cache
    at once and prints them as they come (1, 3, 4, 2, 5, 6): a step waits here until those before it
    are passed on. Steps are counted per stage (a stage's steps share their total)."""

    def __init__(self, show):
        self.show = show
        self.next = {}      # total -> the number of the step to pass on next
        self.waiting = {}   # (total, number) -> [Step]

    def add(self, step):
        if step is None:
            return
        self.waiting.setdefault((step.total, step.number), []).append(step)
        expected = self.next.setdefault(step.total, 1)
        while (step.total, expected) in self.waiting:
            for ready in self.waiting.pop((step.total, expected)):
                self.show(ready)
            expected += 1
        self.next[step.total] = expected

    def flush(self):
        """Pass on what still waits (a step the builder never printed), in order."""
        for key in sorted(self.waiting):
            for step in self.waiting[key]:
                self.show(step)
        self.waiting.clear()


def _buildkit(folder, tag, show):
    output, limit = BuildKitOutput(), timeout()
    command = ["docker", "buildx", "build", "--progress=plain", "--load", "--tag", tag, str(folder)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               errors="replace", env=_cli_environment(), start_new_session=True)
    deadline = time.monotonic() + limit
    watchdog = _Watchdog(process, limit)
    in_order = InOrder(lambda step: _show(step, show))
    try:
        for line in process.stdout:
            in_order.add(output.feed(line))
        in_order.flush()
        code = process.wait(timeout=max(1.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        code = None
    except BaseException:
        _stop(process)  # Ctrl-C: the CLI going away cancels the build in the engine
        raise
    finally:
        watchdog.cancel()
        process.stdout.close()
    if watchdog.fired or code is None:
        _stop(process)
        raise timed_out(limit, output)
    if code != 0:
        raise failure(output)
    return output


class _Watchdog:
    """Stops a build process that runs past its time bound (its output may be silent meanwhile)."""

    def __init__(self, process, seconds):
        import threading

        self.fired = False
        self.process = process
        self.timer = threading.Timer(seconds, self._fire)
        self.timer.daemon = True
        self.timer.start()

    def _fire(self):
        self.fired = True
        _stop(self.process)

    def cancel(self):
        self.timer.cancel()


def _stop(process):
    """End a build process and its children (the CLI and its buildx plugin)."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired, PermissionError):
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


def _classic(client, folder, tag, show):
    output, limit = ClassicOutput(), timeout()
    deadline = time.monotonic() + limit
    try:
        # `timeout` bounds each wait for the engine's next chunk; the deadline bounds the whole build
        for chunk in client.api.build(path=str(folder), tag=tag, rm=True, forcerm=True, decode=True,
                                      pull=False, timeout=limit):
            if "error" in chunk:
                output.fail(chunk["error"])
                raise failure(output)
            for line in chunk.get("stream", "").splitlines():
                _show(output.feed(line), show)
            if time.monotonic() > deadline:
                raise timed_out(limit, output)
    except docker.errors.APIError as error:
        # dockerd refuses a Dockerfile it cannot parse before building anything
        output.fail(str(error.explanation or error))
        output.rejected = True
        raise failure(output) from None
    except OSError as error:  # the engine's read timed out: the build was silent for the whole bound
        if "timed out" in str(error).lower():
            raise timed_out(limit, output) from None
        raise
    return output
