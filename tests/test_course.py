"""The course metadata and the step folders agree."""

from checker import ROOT, course


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
