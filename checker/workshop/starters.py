"""A step's starter: where git history keeps it (the newest commit in which the step's folder under
steps/ still has a TODO), and whether a learner's folder is still that untouched starter (only then
is a failing check expected, not a mistake). `make reset-step` puts it back (commands/reset_step.py)."""

import subprocess
from pathlib import Path

from checker import ROOT
from checker.text.messages import msg

class NoStarter(Exception):
    """Git cannot give the starter; str() says why."""


def git(*args, text=True):
    """Output of a git command in the repository, or NoStarter."""
    try:
        done = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=text, check=False)
    except FileNotFoundError:
        raise NoStarter(msg("reset.git_missing")) from None
    if done.returncode != 0:
        error = done.stderr if text else done.stderr.decode(errors="replace")
        raise NoStarter((error.strip().splitlines() or ["git failed"])[0])
    return done.stdout


def starter_files(commit, source):
    """[(mode, path inside the step folder, blob id)] of `source` at `commit`."""
    files = []
    for line in git("ls-tree", "-r", commit, "--", source).splitlines():
        meta, path = line.split("\t", 1)
        mode, _kind, blob = meta.split()
        files.append((mode, path[len(source) + 1:], blob))
    return files


def has_todo(files):
    return any(b"TODO" in git("cat-file", "blob", blob, text=False)
               for _mode, path, blob in files if not path.startswith("README"))


def find_starter(step):
    """(commit, files) of the step's starter in git history, or NoStarter."""
    source = f"steps/{step.folder}"
    commits = git("log", "--format=%H", "--", source).split()
    if not commits:
        raise NoStarter(msg("reset.never_committed", source=source))
    for commit in commits:
        files = starter_files(commit, source)
        if files and has_todo(files):
            return commit, files
    return commits[0], starter_files(commits[0], source)


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
