"""Learners' image builds, done the way their own `docker build` does them.

BuildKit through the docker CLI (`docker buildx build --progress=plain --load`) when the engine and
the CLI have it; the engine's classic builder through the docker SDK otherwise (old engines, Podman).
WORKSHOP_BUILDER=buildkit|classic picks one. Nothing of the run goes into what is built (no labels):
a learner's image is found again by its tag, and the layer cache is the one their own builds share.

Both builders' output is read into the same record: the learner's instructions in order, which
came from the cache, which failed and why. Only the learner's own instructions reach the log shown.
"""

import os
import re
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from functools import lru_cache

import docker

from checker.text.failures import CheckFailure, both, quoted, tail
from checker.text.i18n import pick
from checker.text.terminal import progress

DEFAULT_TIMEOUT = 600  # seconds: a first build on a slow network downloads the pinned packages
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")  # colours pip prints inside a build


def timeout():
    """The time bound of one build, in seconds (WORKSHOP_BUILD_TIMEOUT)."""
    try:
        return max(10.0, float(os.environ.get("WORKSHOP_BUILD_TIMEOUT") or DEFAULT_TIMEOUT))
    except ValueError:
        return float(DEFAULT_TIMEOUT)


@dataclass
class Step:
    """One instruction of the learner's Dockerfile as the builder reported it."""

    number: int
    total: int
    instruction: str
    cached: bool = False
    failed: bool = False
    output: list = field(default_factory=list)

    @property
    def line(self):
        """`[4/5] RUN pip install …  CACHED`: one line of the build's summary."""
        return f"[{self.number}/{self.total}] {self.instruction}" + ("  CACHED" if self.cached else "")


class Output:
    """What a build printed, read line by line; both builders fill the same fields."""

    def __init__(self):
        self.steps = []       # Step, in the order the builder started them
        self.lines = []       # the learner-facing log: their instructions' output and the error
        self.error = ""       # the builder's final error text, if the build failed
        self.rejected = False  # the engine refused the Dockerfile before building anything

    @property
    def failed_step(self):
        return next((step for step in self.steps if step.failed), None)

    @property
    def current(self):
        return self.steps[-1] if self.steps else None

    @property
    def mount_needs_buildkit(self):
        """The classic builder refused `RUN --mount`, which only BuildKit builds."""
        return "requires BuildKit" in self.error

    def summary(self):
        """One line per instruction: number, instruction, CACHED."""
        return "\n".join(step.line for step in sorted(self.steps, key=lambda s: s.number))

    def log(self, lines=12):
        return tail("\n".join(self.lines), lines)


# --- BuildKit: `docker buildx build --progress=plain` ---------------------------------------

# "#8 [4/5] RUN pip install …"; a named stage: "#5 [builder 2/4] COPY …"
VERTEX_STEP = re.compile(r"^#(\d+) \[(?:[^\]\s]+ )?(\d+)/(\d+)\] (.*)$")
VERTEX_NAME = re.compile(r"^#(\d+) (\[internal\].*|\S.*)$")
VERTEX_LINE = re.compile(r"^#(\d+) (.*)$")
VERTEX_TIME = re.compile(r"^\d+\.\d+ ")  # "#8 0.617 Collecting …": the seconds since the step began
FINAL_ERROR = re.compile(r"^ERROR: (?:failed to solve: )?(.*)$")


class BuildKitOutput(Output):
    """Reads BuildKit's plain progress: numbered vertices, some of them the learner's instructions."""

    def __init__(self):
        super().__init__()
        self.vertices = {}    # vertex number -> Step (the learner's), or None (internal work)
        self.named = {}       # vertex number -> its name, for an error outside the learner's steps
        self.failed_vertex = None
        self._repeating = False

    def feed(self, raw):
        """Take one output line; returns the Step it started, if any (for progress)."""
        line = ANSI.sub("", raw.rstrip("\n"))
        found = VERTEX_STEP.match(line)
        if found and found.group(1) not in self.vertices:
            number, total, instruction = int(found.group(2)), int(found.group(3)), found.group(4)
            step = Step(number, total, instruction)
            self.vertices[found.group(1)] = step
            self.steps.append(step)
            self.lines.append(f"[{number}/{total}] {instruction}")
            return step
        if found:
            return None  # the same step printed again, after another's lines
        vertex = VERTEX_LINE.match(line)
        if vertex:
            return self._vertex_line(vertex.group(1), vertex.group(2))
        final = FINAL_ERROR.match(line)
        if line == "------":
            self._repeating = not self._repeating  # the failing step's output, printed a second time
        elif final:
            self.error = final.group(1)
            self.lines.append(line)
        elif line.strip() and not self._repeating and not line.startswith("-----"):
            # outside the vertices: the Dockerfile excerpt around the line that failed
            self.lines.append(line)
        return None

    def _vertex_line(self, number, text):
        if number not in self.vertices and number not in self.named:
            self.named[number] = text
            self.vertices.setdefault(number, None)
            return None
        step = self.vertices.get(number)
        if text == "CACHED":
            if step:
                step.cached = True
            return None
        if text.startswith("ERROR"):
            self.failed_vertex = number
            if step:
                step.failed = True
                self.lines.append(text)
            return None
        if step and not text.startswith("DONE ") and text != "DONE":
            text = VERTEX_TIME.sub("", text)
            step.output.append(text)
            self.lines.append(text)
        return None

    @property
    def failed_internal(self):
        """The name of a failing vertex that is not one of the learner's instructions, or ''."""
        if self.failed_vertex is not None and self.vertices.get(self.failed_vertex) is None:
            return self.named.get(self.failed_vertex, "")
        return ""


# --- the classic builder: the engine's /build stream through the SDK ---------------------------

# dockerd prints "Step 2/8 : RUN ...", Podman "STEP 2/8: RUN ..."
STEP_LINE = re.compile(r"^Step (\d+)/(\d+) ?: (.*)$", re.IGNORECASE)
# a step taken from the layer cache: dockerd "---> Using cache", Podman "--> Using cache 54b7812ee718…"
CACHE_HIT = re.compile(r"^-+> Using cache\b")
# the builder's own bookkeeping between a step's output lines
CLASSIC_NOISE = re.compile(r"^(-+> |Removing intermediate container|Successfully (built|tagged)|time=\")")


class ClassicOutput(Output):
    """Reads the classic builder's stream: "Step N/M : …", "---> Using cache", the steps' output."""

    def feed(self, raw):
        line = ANSI.sub("", raw.rstrip("\n")).strip()
        found = STEP_LINE.match(line)
        if found:
            step = Step(int(found.group(1)), int(found.group(2)), found.group(3))
            self.steps.append(step)
            self.lines.append(f"[{step.number}/{step.total}] {step.instruction}")
            return step
        if CACHE_HIT.match(line) and self.steps:
            self.steps[-1].cached = True
        elif line and not CLASSIC_NOISE.match(line) and self.steps:
            self.steps[-1].output.append(line)
            self.lines.append(line)
        return None

    def fail(self, error):
        """The stream's error: the step it happened in failed."""
        self.error = error.strip()
        if self.current:
            self.current.failed = True
        self.lines.append(self.error)


# --- what went wrong, for the learner --------------------------------------------------------

# a Dockerfile the builder cannot parse (BuildKit, dockerd and Podman each word it differently)
UNPARSABLE = re.compile(r"dockerfile parse error|unknown instruction|no FROM statement|no build stage|"
                        r"file with no instructions|Dockerfile cannot be empty|failed to parse|"
                        r"failed to read dockerfile", re.IGNORECASE)


def failure(output):
    """The CheckFailure for a failed build, naming the instruction and the hint that applies."""
    step, error = output.failed_step, output.error or ""
    # the builder's own words, quoted; our words when it gave none
    said = quoted(error) if error.strip() else pick(both("the builder gave no reason", "构建器没有说明原因"))
    if output.mount_needs_buildkit:
        return CheckFailure("build", both(
            "the Dockerfile uses `RUN --mount`, which only BuildKit builds, and this engine builds with the "
            "classic builder",
            "Dockerfile 用了 `RUN --mount`，只有 BuildKit 能构建，而这个引擎用的是经典构建器"),
            fix="buildkit-needed", log=output.log())
    if (output.rejected or UNPARSABLE.search(error)) and (step is None or not step.output):
        reason = quoted(error.split(" &")[0]) if error.strip() else said  # Podman appends its parser state
        return CheckFailure("build", both(f"the engine rejected the Dockerfile: {reason}",
                                          f"引擎拒绝了这个 Dockerfile：{reason}"),
                            fix="dockerfile-invalid", log=output.log(6))
    internal = getattr(output, "failed_internal", "")
    if (step and step.instruction.upper().startswith("FROM")) or "load metadata for" in internal:
        # a FROM that fails names an image that is neither here nor in a reachable registry
        instruction = (step.instruction if step else "FROM " + internal.split("load metadata for ")[-1])
        instruction = instruction.replace("docker.io/library/", "")
        return CheckFailure("build", both(f"the build failed at `{instruction}`: the base image is not available",
                                          f"构建在 `{instruction}` 处失败：基础镜像不可用"),
                            fix="base-image", log=output.log())
    if step:
        return CheckFailure("build", both(f"the build failed at `{step.instruction}`",
                                          f"构建在 `{step.instruction}` 这一步失败"),
                            fix="build-failed", log=output.log())
    return CheckFailure("build", both(f"the build failed: {said}", f"构建失败：{said}"),
                        fix="build-failed", log=output.log())


def timed_out(seconds, output):
    return CheckFailure("build", both(
        f"the build did not finish within {seconds:.0f} s (WORKSHOP_BUILD_TIMEOUT sets the limit)",
        f"构建没有在 {seconds:.0f} 秒内完成（可以用 WORKSHOP_BUILD_TIMEOUT 调整这个上限）"),
        fix="build-slow", log=output.log())


# --- which builder ---------------------------------------------------------------------------

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


# --- building --------------------------------------------------------------------------------

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
