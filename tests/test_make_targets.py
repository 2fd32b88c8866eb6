"""Every make target is listed by `make help` and described in README.md."""

import re
import subprocess

from checker import ROOT


def described_targets():
    """Targets with a `## description` in the Makefile (the ones `make help` lists)."""
    return re.findall(r"^([a-zA-Z_-]+):.*## ", (ROOT / "Makefile").read_text(), flags=re.M)


def test_help_lists_every_target():
    """`make` alone (help is the default goal) names every described target."""
    shown = subprocess.run(["make", "--no-print-directory"], cwd=ROOT, capture_output=True, text=True).stdout
    for target in described_targets():
        assert f"make {target} " in shown, target


def test_readme_names_every_target():
    """A newcomer reading only README.md finds every target."""
    readme = (ROOT / "README.md").read_text()
    for target in described_targets():
        assert f"`make {target}" in readme, target


def test_learner_commands_are_there():
    """The learner and instructor commands exist as targets."""
    for target in ("progress", "hint", "watch", "reset-step", "doctor", "demo", "grade"):
        assert target in described_targets()
