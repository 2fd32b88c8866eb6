"""What a build prints, read as the learner's instructions: BuildKit's plain progress or the classic
builder's stream, each instruction with its number, whether the cache had it and its log; and what went
wrong, told for the learner (the failing instruction, a Dockerfile the engine cannot read, a time-out)."""

import re
from dataclasses import dataclass, field

from checker.text.failures import CheckFailure, both, quoted, tail
from checker.text.i18n import pick

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")  # colours pip prints inside a build


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
