"""The copies of a class for `make grade DIR=class`: a folder of copies (each laid out like steps/, or a fork
with steps/ inside) or a file listing paths and git URLs; each copy's name, its fetch into a cache, its
digest (an unchanged copy is not graded again), and which copies one shard of GRADE_SHARD=i/N grades."""

import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

from checker import ROOT
from checker.workshop import course

SKIPPED = {".git", ".venv", "venv", "__pycache__", ".workshop", ".pytest_cache", "node_modules"}
GIT_URL = re.compile(r"^(https?://|ssh://|git://|git@|file://)|\.git$")


def step_folders():
    return [step.folder for step in course.steps()]


def learner_root(path):
    """The folder of a copy that holds the step folders (the copy itself, or its steps/), or None."""
    for candidate in (path, path / "steps"):
        if candidate.is_dir() and any((candidate / folder).is_dir() for folder in step_folders()):
            return candidate
    return None


def is_class(arg):
    """Whether `arg` names a class (a list file, or a folder of copies) rather than one copy."""
    path = Path(os.path.expanduser(arg))
    if path.is_file():
        return True
    return path.is_dir() and learner_root(path) is None and any(
        learner_root(child) for child in path.iterdir() if child.is_dir())


def _unique(name, taken):
    """`name`, or name-2, name-3… if another copy already has it."""
    base, n = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "copy", 1
    name = base
    while name in taken:
        n += 1
        name = f"{base}-{n}"
    taken.add(name)
    return name


def submissions(arg):
    """[(name, source)] of a class: source is a folder path or a git URL, in a stable order."""
    path = Path(os.path.expanduser(arg)).resolve()
    taken, found = set(), []
    if path.is_dir():
        for child in sorted(path.iterdir()):
            if child.is_dir() and learner_root(child):
                found.append((_unique(child.name, taken), str(child)))
        return found
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if GIT_URL.search(line):
            name = line.rstrip("/").removesuffix(".git").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
            found.append((_unique(name, taken), line))
        else:
            local = Path(os.path.expanduser(line))
            local = local if local.is_absolute() else path.parent / local
            found.append((_unique(local.name, taken), str(local.resolve())))
    return found


def shard(items, setting=None):
    """The items of GRADE_SHARD=i/N: every N-th one, starting at the i-th (all of them when unset)."""
    setting = (os.environ.get("GRADE_SHARD", "") if setting is None else setting).strip()
    if not setting:
        return items
    found = re.fullmatch(r"(\d+)/(\d+)", setting)
    if not found or not 1 <= int(found.group(1)) <= int(found.group(2)):
        raise ValueError(setting)
    index, count = int(found.group(1)), int(found.group(2))
    return items[index - 1::count]


def jobs(setting=None):
    """How many copies to grade at a time: GRADE_JOBS, else half the machine's cores (at least 1)."""
    setting = (os.environ.get("GRADE_JOBS", "") if setting is None else setting).strip()
    if setting:
        return max(1, int(setting))
    return max(1, (os.cpu_count() or 2) // 2)


def fetch(url, cache):
    """A local clone of `url` in `cache` (cloned once, then updated); the folder, or an error text."""
    folder = cache / hashlib.sha1(url.encode()).hexdigest()[:12]
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}  # a private repository fails instead of asking
    if (folder / ".git").is_dir():
        command = ["git", "-C", str(folder), "pull", "--ff-only", "--depth", "1", "-q"]
    else:
        shutil.rmtree(folder, ignore_errors=True)
        cache.mkdir(parents=True, exist_ok=True)
        command = ["git", "clone", "--depth", "1", "-q", url, str(folder)]
    try:
        result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as error:
        return None, str(error)
    if result.returncode != 0:
        return None, (result.stderr.strip().splitlines() or ["git failed"])[-1]
    return folder, None


def digest(folder):
    """A hash of a copy's files and of the checks that grade it: equal hashes, equal grades."""
    hasher = hashlib.sha256()
    trees = [(Path(folder), "copy"), (ROOT / "checker", "checker"), (ROOT / "checks", "checks")]
    for tree, tag in trees:
        for path in sorted(tree.rglob("*")):
            relative = path.relative_to(tree)
            if path.is_file() and not SKIPPED & set(relative.parts):
                hasher.update(f"{tag}/{relative.as_posix()}\0".encode())
                hasher.update(path.read_bytes())
    hasher.update((ROOT / "workshop.toml").read_bytes())
    return hasher.hexdigest()
