"""The course metadata (workshop.toml): steps in order, titles, hints, images."""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from checker import ROOT
from checker.text.i18n import pick

METADATA = ROOT / "workshop.toml"


@dataclass
class Step:
    number: int
    slug: str
    title: dict
    docker: bool
    hints: dict = field(default_factory=dict)
    fixes: dict = field(default_factory=dict)
    demo: bool = False  # `make demo` runs this step's solution (`demo = true` on one step)
    points: int = 20  # what its check is worth in the classroom's autograding (checker/workshop/autograding.py)

    @property
    def folder(self):
        return f"{self.number:02d}-{self.slug}"

    @property
    def check_file(self):
        return ROOT / "checks" / f"test_{self.number:02d}_{self.slug.replace('-', '_')}.py"

    def title_text(self):
        return pick(self.title)

    def hint_list(self):
        return [pick(h) for h in self.hints]

    def all_fixes(self):
        """{key: {en, zh}} of every hint a check of this step can name: its own, else the nearest earlier
        step's, else the shared [fixes]."""
        merged = dict(load().get("fixes", {}))
        for step in steps():
            if step.number <= self.number:
                merged.update(step.fixes)  # later steps override earlier ones
        return merged

    def fix(self, key):
        """The hint printed when a check of this step fails with `key` (see all_fixes)."""
        return pick(self.all_fixes()[key])


def load(path=METADATA):
    """Everything in workshop.toml, parsed."""
    with open(path, "rb") as handle:
        return tomllib.load(handle)


def steps():
    """All steps, in course order."""
    data = load()
    found = [
        Step(
            number=int(entry["folder"][:2]),
            slug=entry["folder"][3:],
            title=entry["title"],
            docker=entry.get("docker", True),
            hints=entry.get("hints", []),
            fixes=entry.get("fixes", {}),
            demo=entry.get("demo", False),
            points=entry.get("points", 20),
        )
        for entry in data["step"]
    ]
    return sorted(found, key=lambda step: step.number)


def demo_step():
    """The step `make demo` shows: the one marked `demo = true` in workshop.toml (None if none is)."""
    return next((step for step in steps() if step.demo), None)


def images():
    """The images the course uses: {role: name}."""
    return dict(load()["images"])


def find(arg):
    """The step that `arg` names: '2', '02', '02-flask-redis' or 'flask-redis'; None if none."""
    arg = str(arg).strip().strip("/")
    arg = Path(arg).name
    for step in steps():
        if arg in (str(step.number), f"{step.number:02d}", step.folder, step.slug):
            return step
    return None
