"""`make reset-step N`: put a step's starter back, after a backup of the learner's files.

The starter comes from this repository's git history: the newest commit in which the step's
folder under steps/ still has a TODO (so a learner who committed their own work still gets the
starter, not their commit).
"""

import os
import shutil
import subprocess
import sys
import time

from . import ROOT, STATE_DIR
from .messages import msg

BACKUPS = STATE_DIR / "backups"
YES = ("y", "yes", "是", "是的", "好")


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


def backup(folder, step):
    """Copy the learner's folder to .workshop/backups/<step>-<time>/; its path."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    place = BACKUPS / f"{step.folder}-{stamp}"
    number = 2
    while place.exists():
        place = BACKUPS / f"{step.folder}-{stamp}-{number}"
        number += 1
    BACKUPS.mkdir(parents=True, exist_ok=True)
    shutil.copytree(folder, place, symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
    return place


def restore(folder, files):
    """Make `folder` hold exactly `files` (from git)."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for mode, path, blob in files:
        data = git("cat-file", "blob", blob, text=False)
        destination = folder / path
        destination.parent.mkdir(parents=True, exist_ok=True)
        if mode == "120000":
            os.symlink(data.decode(), destination)
            continue
        destination.write_bytes(data)
        if mode == "100755":
            destination.chmod(0o755)


def confirmed(question):
    """The learner's answer to a y/N question (YES=1 answers for them; no input means no)."""
    if os.environ.get("YES", "").strip().lower() in ("1", "y", "yes", "true"):
        return True
    print(question, end="", flush=True)
    try:
        answer = input()
    except EOFError:
        print()
        return False
    return answer.strip().lower() in YES


def cmd_reset(args):
    from .session import resolve_step, resolve_target
    from .progress import label

    step = resolve_step(args.step, "reset-step")
    target = resolve_target(args.target)
    if target == (ROOT / "solutions").resolve():
        print(msg("reset.solutions", path=label(target)), file=sys.stderr)
        return 2
    if not target.is_dir():
        print(msg("target.missing", path=target), file=sys.stderr)
        return 2
    folder = target / step.folder
    try:
        commit, files = find_starter(step)
        date, subject = git("log", "-1", "--format=%cs%x00%s", commit).strip().split("\0", 1)
    except NoStarter as error:
        print(msg("reset.no_git", folder=step.folder, reason=error), file=sys.stderr)
        return 2
    question = msg("reset.question", folder=label(folder), commit=commit[:7], date=date, subject=subject,
                   backups=label(BACKUPS))
    if not confirmed(question):
        print(msg("reset.cancelled"))
        return 1
    saved = backup(folder, step) if folder.exists() else None
    restore(folder, files)
    print(msg("reset.done", folder=label(folder)))
    if saved:
        print(msg("reset.backup", path=label(saved)))
    return 0


def add_parser(sub):
    command = sub.add_parser("reset-step", help="restore a step's starter (after a backup of your files)")
    command.add_argument("step", nargs="?")
    command.add_argument("--target", default=os.environ.get("TARGET") or "steps")
    command.set_defaults(func=cmd_reset)
