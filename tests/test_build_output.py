"""Reading both builders' output: real captures of `docker buildx build --progress=plain` and of the
classic builder's stream (tests/build_output/), each read into steps, cache hits and the hint that applies.

A classic capture writes the engine's error chunk as `ERROR-CHUNK: …` and an HTTP refusal of the whole
Dockerfile as `API-ERROR: …`, the two ways the SDK hands them over.
"""

from pathlib import Path

import pytest

from checker.engine import build_output, builds

SAMPLES = Path(__file__).parent / "build_output"


def read(name):
    """Feed a captured build into the matching reader, as the builder would have printed it."""
    output = build_output.BuildKitOutput() if name.startswith("buildkit") else build_output.ClassicOutput()
    for line in (SAMPLES / f"{name}.txt").read_text().splitlines():
        if line.startswith("ERROR-CHUNK: "):
            output.fail(line.removeprefix("ERROR-CHUNK: "))
        elif line.startswith("API-ERROR: "):
            output.fail(line.removeprefix("API-ERROR: "))
            output.rejected = True
        else:
            output.feed(line)
    return output


def cached(output):
    return {step.instruction: step.cached for step in output.steps}


def test_buildkit_steps_are_the_learners_instructions():
    """BuildKit's numbered steps become the instructions, in order, without its internal work."""
    output = read("buildkit-first")
    assert [step.line for step in output.steps] == [
        "[1/5] FROM docker.io/library/python:3.13-slim", "[2/5] WORKDIR /app", "[3/5] COPY requirements.txt .",
        "[4/5] RUN pip install --no-cache-dir -r requirements.txt", "[5/5] COPY . ."]


def test_buildkit_log_holds_only_the_learners_steps():
    """The log a learner is shown has their instructions' output, not BuildKit's own steps."""
    log = "\n".join(read("buildkit-first").lines)
    assert "Successfully installed Flask-3.1.3" in log
    # BuildKit's internal vertices, the exporter and its timestamps are not the learner's
    assert "[internal]" not in log and "exporting" not in log and "#8 " not in log and "0.617 " not in log


def test_buildkit_cache_hits_after_a_code_edit():
    """After a hello.py edit, BuildKit takes pip install from the cache and copies the code again."""
    steps = cached(read("buildkit-edit"))
    assert steps["RUN pip install --no-cache-dir -r requirements.txt"] is True
    assert steps["COPY . ."] is False


def test_classic_cache_hits_after_a_code_edit():
    """The classic builder's "Using cache" marks the same steps, ENV, EXPOSE and CMD included."""
    output = read("classic-edit")
    steps = cached(output)
    assert steps["RUN pip install --no-cache-dir -r requirements.txt"] is True
    assert steps["COPY . ."] is False
    assert len(output.steps) == 8 and output.failed_step is None


@pytest.mark.parametrize("name", ["buildkit-parse", "classic-parse"])
def test_misspelled_instruction_is_an_invalid_dockerfile(name):
    """`FORM` instead of `FROM` is reported as a Dockerfile the engine cannot read."""
    failure = build_output.failure(read(name))
    assert failure.fix == "dockerfile-invalid"
    assert "unknown instruction: FORM" in failure.message


def test_buildkit_parse_error_shows_the_line():
    """BuildKit's excerpt of the Dockerfile around the bad line reaches the log."""
    log = build_output.failure(read("buildkit-parse")).log
    assert ">>> FORM python:3.13-slim" in log


@pytest.mark.parametrize("name", ["buildkit-run-failed", "classic-run-failed"])
def test_failed_run_names_the_instruction(name):
    """A RUN that exits non-zero names that instruction and shows its own output."""
    failure = build_output.failure(read(name))
    assert failure.fix == "build-failed"
    assert "`RUN pip install --no-cache-dir -r requirement.txt`" in failure.message
    assert "Could not open requirements file" in failure.log
    # the output is shown once, not again from BuildKit's summary of the failure
    assert failure.log.count("Could not open requirements file") == 1


def test_buildkit_copy_of_a_missing_file_names_the_copy():
    """A COPY of a file that is not in the build context names that COPY."""
    failure = build_output.failure(read("buildkit-copy-missing"))
    assert failure.fix == "build-failed" and "`COPY requirement.txt .`" in failure.message
    assert '"/requirement.txt": not found' in failure.log


@pytest.mark.parametrize("name", ["buildkit-no-base", "classic-no-base"])
def test_missing_base_image_points_at_from(name):
    """A FROM image that is neither local nor pullable gets the base-image hint."""
    failure = build_output.failure(read(name))
    assert failure.fix == "base-image"
    assert "python:3.99-nope" in failure.message


def test_cache_mount_builds_on_buildkit():
    """`RUN --mount=type=cache` is an ordinary step for BuildKit."""
    output = read("buildkit-cache-mount")
    assert output.failed_step is None and output.error == ""
    assert any(step.instruction.startswith("RUN --mount=type=cache") for step in output.steps)


def test_cache_mount_on_the_classic_builder_says_what_to_do():
    """The classic builder's refusal of `RUN --mount` gets its own hint, not a generic build failure."""
    failure = build_output.failure(read("classic-cache-mount"))
    assert failure.fix == "buildkit-needed"


def test_summary_lists_steps_with_cache_hits():
    """The summary shown with the layer-order failure has one line per step, CACHED marked."""
    summary = read("buildkit-edit").summary().splitlines()
    assert "[4/5] RUN pip install --no-cache-dir -r requirements.txt  CACHED" in summary
    assert "[5/5] COPY . ." in summary


def test_builder_follows_workshop_builder(monkeypatch):
    """WORKSHOP_BUILDER picks the builder whatever the engine offers."""
    monkeypatch.setenv("WORKSHOP_BUILDER", "classic")
    assert builds.builder(client=None) == "classic"
    monkeypatch.setenv("WORKSHOP_BUILDER", "buildkit")
    assert builds.builder(client=None) == "buildkit"


def test_build_timeout_from_the_environment(monkeypatch):
    """WORKSHOP_BUILD_TIMEOUT bounds a build; nonsense falls back to the default."""
    monkeypatch.setenv("WORKSHOP_BUILD_TIMEOUT", "90")
    assert builds.timeout() == 90
    monkeypatch.setenv("WORKSHOP_BUILD_TIMEOUT", "soon")
    assert builds.timeout() == builds.DEFAULT_TIMEOUT


def test_buildkit_steps_are_shown_in_order():
    """BuildKit prints the steps it takes from its cache as they come (here 1, 4, 2, 3, 5, 6); the progress
    lines (a check's, `make demo`'s) name them in order all the same."""
    lines = (SAMPLES / "buildkit-cached-out-of-order.txt").read_text().splitlines()
    output, shown = build_output.BuildKitOutput(), []
    in_order = builds.InOrder(lambda step: shown.append(step.number))
    started = []
    for line in lines:
        step = output.feed(line)
        if step:
            started.append(step.number)
        in_order.add(step)
    in_order.flush()
    assert started != sorted(started)  # the capture is out of order, as BuildKit printed it
    assert shown == [1, 2, 3, 4, 5, 6]


def test_steps_of_several_stages_are_each_in_order():
    """Each stage's steps in order; a step the builder never printed is shown at the end."""
    shown = []
    in_order = builds.InOrder(lambda step: shown.append((step.total, step.number)))
    for total, number in [(4, 1), (3, 1), (4, 3), (4, 2), (3, 3), (4, 4), (3, 2)]:
        in_order.add(build_output.Step(number, total, "RUN true"))
    assert shown == [(4, 1), (3, 1), (4, 2), (4, 3), (4, 4), (3, 2), (3, 3)]
    in_order.add(build_output.Step(3, 2, "RUN late"))  # 2/2 never came
    in_order.flush()
    assert shown[-1] == (2, 3)
