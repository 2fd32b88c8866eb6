"""Every step in both directions: the solution passes its check, the untouched starter fails."""

import pytest

from checker.workshop import course

STEPS = [step.number for step in course.steps()]


@pytest.mark.parametrize("number", STEPS)
def test_solution_passes(checker, number):
    """`make check-step N TARGET=solutions` exits 0 with every check ✓."""
    result = checker("check", str(number), "--target", "solutions")
    # a solution that fails its own step's check is a broken workshop
    assert result.returncode == 0, result.stdout + result.stderr
    assert "✗" not in result.stdout


@pytest.mark.parametrize("number", STEPS)
def test_starter_fails_readably(checker, number):
    """`make check-step N` on the untouched starter fails with ✗, a hint, and no traceback."""
    result = checker("check", str(number), "--target", "steps")
    # a starter that passes teaches nothing
    assert result.returncode == 1, result.stdout + result.stderr
    assert "✗" in result.stdout and "hint [" in result.stdout, result.stdout
    # the learner sees what to do, not pytest internals
    assert "Traceback" not in result.stdout + result.stderr
    assert "This is expected" in result.stdout


def test_step_03_passes_with_the_classic_builder(checker):
    """WORKSHOP_BUILDER=classic, the builder of engines without BuildKit (and Podman): step 03's solution passes."""
    result = checker("check", "3", "--target", "solutions", env={"WORKSHOP_BUILDER": "classic"})
    # the cache-reuse check reads the classic builder's "Using cache" instead of BuildKit's CACHED
    assert result.returncode == 0, result.stdout + result.stderr
    assert "✗" not in result.stdout
