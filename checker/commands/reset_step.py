"""`make reset-step N`: put a step's starter back, after a backup of the learner's files.

The starter comes from this repository's git history: the newest commit in which the step's
folder under steps/ still has a TODO (so a learner who committed their own work still gets the
starter, not their commit).
"""

import os
import shutil
import sys
import time

from checker import ROOT, STATE_DIR
from checker.text.messages import msg
from checker.workshop.starters import NoStarter, find_starter, git

BACKUPS = STATE_DIR / "backups"
YES = ("y", "yes", "是", "是的", "好")


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
    from checker.commands.plumbing import resolve_step, resolve_target
    from checker.commands.progress import label

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
