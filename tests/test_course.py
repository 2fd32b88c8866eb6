"""The course metadata and the step folders agree."""

import re

from checker import ROOT
from checker.workshop import course


def test_steps_are_numbered_in_folder_order():
    """Step folders in steps/ and solutions/ are exactly the metadata's steps, in order."""
    expected = [step.folder for step in course.steps()]
    for top in ("steps", "solutions"):
        folders = sorted(p.name for p in (ROOT / top).iterdir() if p.is_dir())
        # the metadata is the single source of step order
        assert folders == expected, top


def test_find_accepts_every_spelling():
    """A step can be named by number, padded number, folder or slug."""
    for arg in ("2", "02", "02-flask-redis", "flask-redis", "steps/02-flask-redis/"):
        # all spellings name the same step
        assert course.find(arg).folder == "02-flask-redis", arg
    assert course.find("99") is None


def test_every_step_has_a_check_module():
    """Each step has checks/test_NN_slug.py."""
    for step in course.steps():
        assert step.check_file.is_file(), step.check_file


def test_images_are_defined_once():
    """The course images come from workshop.toml."""
    assert set(course.images()) == {"python", "redis"}


def test_fixes_fall_back_to_earlier_steps():
    """A step names any hint of an earlier step or of [fixes]; its own win over both."""
    steps = {step.number: step for step in course.steps()}
    # step 05 inherits step 04's hint for a dict kept in the app
    assert steps[5].fix("set-not-in-redis") == steps[4].fix("set-not-in-redis")
    # and the shared ones
    assert steps[5].fix("build-failed")
    # a later step's hint is not known to an earlier one
    assert "health-route" not in steps[4].all_fixes()
    # a step's own hint wins over the shared one of the same key
    for key, texts in steps[2].fixes.items():
        assert steps[2].all_fixes()[key] == texts


def all_fixes():
    """(key, {"en", "zh"}) of every failure hint: the shared ones and each step's own."""
    found = list(course.load()["fixes"].items())
    for step in course.steps():
        found += list(step.fixes.items())
    return found


def test_fix_commands_work_as_written():
    """No failure hint puts a placeholder (IMAGE, 镜像名) in a command the learner would paste."""
    for key, text in all_fixes():
        for language in ("en", "zh"):
            commands = re.findall(r"`([^`]*)`", text[language])
            # `docker history IMAGE` fails as typed; the hint must name what to build and run
            assert not [c for c in commands if re.search(r"\b[A-Z]{4,}\b(?!=)|镜像名|容器名", c)
                        and c.startswith("docker")], (key, language, commands)


def test_fix_commands_name_containers_they_start():
    """A hint that inspects or enters a container also starts it: the checker's own are gone by then."""
    for key in ("unhealthy", "container-exited"):
        text = next(text for name, text in all_fixes() if name == key)
        for language in ("en", "zh"):
            started = set(re.findall(r"--name (\S+)", text[language]))
            used = set(re.findall(r"docker (?:exec(?: -it)?|inspect --format '[^']*') (\S+?)[` ]", text[language]))
            assert used <= started, (key, language, used, started)


def test_container_exited_needs_no_log():
    """The hint of a container that never started does not refer to a log "above" that may not exist."""
    text = next(text for name, text in all_fixes() if name == "container-exited")
    assert "above" not in text["en"] and "上面" not in text["zh"]
