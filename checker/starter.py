"""Is a step's folder still the untouched starter? Only then is a failing check expected, not a mistake."""

from pathlib import Path

from . import ROOT
from .reset import NoStarter, find_starter, git

IGNORED = {"__pycache__", ".venv", ".pytest_cache", ".DS_Store"}


def _text(data):
    """File contents with Windows line ends made plain, so a CRLF checkout compares equal."""
    return data.replace(b"\r\n", b"\n")


def learner_files(folder):
    """{path inside `folder`: contents} of every file a learner may edit (READMEs and caches left out)."""
    folder = Path(folder)
    found = {}
    for path in folder.rglob("*"):
        parts = path.relative_to(folder).parts
        if path.is_file() and not IGNORED & set(parts) and not path.name.startswith("README") \
                and path.suffix != ".pyc":
            found["/".join(parts)] = _text(path.read_bytes())
    return found


def committed(step):
    """{path: contents} of the step's starter as git has it, or None when git cannot say."""
    try:
        _commit, files = find_starter(step)
        return {path: _text(git("cat-file", "blob", blob, text=False))
                for _mode, path, blob in files if not path.startswith("README")}
    except NoStarter:
        return None


def untouched(folder, step):
    """True when `folder` holds exactly the step's starter files: the learner has not begun yet."""
    starter = committed(step)
    if starter is None:
        # no git (a downloaded archive): the repository's own steps/ folder is the starter, unless it is the target
        copy = ROOT / "steps" / step.folder
        if not copy.is_dir() or Path(folder).resolve() == copy.resolve():
            return False
        starter = learner_files(copy)
    return learner_files(folder) == starter
