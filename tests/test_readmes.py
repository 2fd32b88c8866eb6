"""What the step READMEs tell a newcomer agrees with what the steps do."""

import re

import pytest

from checker import ROOT
from checker.workshop import course

READMES = ("README.md", "README.zh-CN.md")


def readme(step, name):
    return (ROOT / "steps" / step.folder / name).read_text(encoding="utf-8")


def first_container_step():
    """The number of the first step whose solution has a Dockerfile."""
    return next(step.number for step in course.steps() if (ROOT / "solutions" / step.folder / "Dockerfile").is_file())


def test_step_01_names_the_step_with_the_first_container():
    """Step 01 says in which step the app first runs in a container, and that is the right one."""
    first = course.steps()[0]
    said = {
        "README.md": re.findall(r"in step (\d+) the app runs inside a container", readme(first, "README.md")),
        "README.zh-CN.md": re.findall(r"到了第 (\d+) 步，应用跑在容器里", readme(first, "README.zh-CN.md")),
    }
    for name, numbers in said.items():
        # the learner meets `--host 0.0.0.0` again in that step
        assert [int(n) for n in numbers] == [first_container_step()], (name, numbers)


@pytest.mark.parametrize("step", course.steps(), ids=lambda step: step.folder)
def test_rebuilding_a_tag_says_what_happens_to_the_old_image(step):
    """A README that has the learner build the same tag again explains the untagged image it leaves."""
    for name in READMES:
        text = readme(step, name)
        tags = re.findall(r"docker build -t (\S+) \.", text)
        again = "build again" in text or "再构建一次" in text
        if tags and again:
            # `docker rmi TAG` does not remove the earlier, now untagged, image
            assert "<none>" in text and "docker image prune" in text, name


@pytest.mark.parametrize("step", course.steps(), ids=lambda step: step.folder)
def test_slow_stop_is_explained_where_first_met(step):
    """Where a README first runs `docker restart` or `docker stop` on `flask run`, it says why that takes 10 s."""
    if not (ROOT / "solutions" / step.folder / "Dockerfile").is_file():
        pytest.skip("no container in this step")
    if '"flask", "run"' not in (ROOT / "solutions" / step.folder / "Dockerfile").read_text():
        pytest.skip("the step's image does not run flask as its main process")
    for name in READMES:
        lines = readme(step, name).splitlines()
        first = next((i for i, line in enumerate(lines) if re.search(r"docker (restart|stop) ", line)), None)
        if first is None:
            continue
        # within a few lines of the first such command: the SIGTERM that PID 1 ignores
        assert any("SIGTERM" in line for line in lines[first:first + 12]), (name, lines[first])


def test_step_02_does_not_demand_what_no_check_verifies():
    """decode_responses changes nothing a client of /get can see, so the README offers it, not demands it."""
    step = course.find("2")
    for name, word in (("README.md", "optional"), ("README.zh-CN.md", "可加可不加")):
        text = readme(step, name)
        sentence = next(part for part in re.split(r"(?<=[.。])\s*", text) if "decode_responses=True" in part)
        assert word in sentence, (name, sentence)
