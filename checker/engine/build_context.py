"""Whether a learner's folder changed since its last successful build, so that a check can reuse the image.

A build of unchanged files takes every step from the layer cache and makes the same image; asking the
builder to find that out costs a third of a second each check. The fingerprint covers everything the
build reads from here: every file and folder under the learner's folder (their bytes, names and modes,
whatever .dockerignore says), the builder, and the image ID of every base image the Dockerfile names.
A Dockerfile that reads something else (a remote file with ADD, a parser directive's frontend, a base
image chosen by a build argument) has no fingerprint: it is always built.
"""

import hashlib
import os
import re
import shlex
import time
from pathlib import Path

import docker

from checker.workshop import store

RECORD = "builds.json"  # {tag: {"key": fingerprint, "image": ID, "used": seconds since the epoch}}
MAX_FILES = 2000         # a folder with more (a virtual environment inside it) is built, not fingerprinted
MAX_BYTES = 64_000_000
REMOTE = re.compile(r"^(https?://|git@|git://)", re.IGNORECASE)


def fingerprint(client, folder, builder):
    """A digest of what a build of `folder` with `builder` reads, or None when it cannot be known here."""
    folder = Path(folder)
    try:
        dockerfile = (folder / "Dockerfile").read_text(encoding="utf-8", errors="replace")
        files = _files(folder)
        bases = _base_images(client, dockerfile)
    except OSError:
        return None
    if files is None or bases is None:
        return None
    digest = hashlib.sha256(builder.encode() + b"\0")
    for base in bases:
        digest.update(base.encode() + b"\0")
    for entry in files:
        digest.update(entry)
    return digest.hexdigest()


def _files(folder):
    """One record per file, folder and link under `folder`, in a fixed order; None past the limits."""
    entries, count, size = [], 0, 0
    for root, folders, names in os.walk(folder):
        folders.sort()  # os.walk goes into them in this order
        for name in folders + sorted(names):
            path = Path(root, name)
            count += 1
            if count > MAX_FILES:
                return None
            info = path.lstat()
            head = f"{path.relative_to(folder).as_posix()}\0{info.st_mode}\0".encode()
            if path.is_symlink():
                entries.append(head + os.readlink(path).encode())
            elif path.is_file():
                size += info.st_size
                if size > MAX_BYTES:
                    return None
                entries.append(head + hashlib.sha256(path.read_bytes()).digest())
            else:
                entries.append(head)
    return entries


def _instructions(dockerfile):
    """(instruction, arguments) of each line of a Dockerfile, continuation lines joined."""
    joined, found = "", []
    for line in dockerfile.splitlines():
        stripped = line.strip()
        if not joined and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            joined += stripped[:-1] + " "
            continue
        joined += stripped
        words = joined.split(None, 1)
        found.append((words[0].upper(), words[1] if len(words) > 1 else ""))
        joined = ""
    return found


def _base_images(client, dockerfile):
    """The image IDs of the images the Dockerfile builds from or copies from; None when the build reads
    something a fingerprint cannot cover."""
    if re.search(r"^#\s*syntax\s*=", dockerfile, re.IGNORECASE | re.MULTILINE):
        return None  # BuildKit fetches that frontend image itself
    stages, names = set(), []
    for instruction, arguments in _instructions(dockerfile):
        try:
            words = shlex.split(arguments, posix=True)
        except ValueError:
            return None
        flags = [word for word in words if word.startswith("--")]
        rest = [word for word in words if not word.startswith("--")]
        if instruction == "FROM" and rest:
            if len(rest) >= 3 and rest[1].lower() == "as":
                stages.add(rest[2].lower())
            names.append(rest[0])
        elif instruction in ("COPY", "ADD"):
            names += [flag.split("=", 1)[1] for flag in flags if flag.startswith("--from=")]
            if instruction == "ADD" and any(REMOTE.match(word) for word in rest):
                return None
        elif instruction == "RUN" and any(flag.startswith("--mount") and "from=" in flag for flag in flags):
            return None
    found = []
    for name in names:
        if "$" in name:
            return None  # chosen by a build argument
        if name.lower() in stages or name.isdigit() or name.lower() == "scratch":
            continue
        try:
            found.append(client.images.get(name).id)
        except docker.errors.ImageNotFound:
            return None  # the builder says what is wrong with it
    return found


def reusable(tag, key, image_id):
    """Whether the image `tag` names now (`image_id`) is the one a build with fingerprint `key` made."""
    if key is None or image_id is None:
        return False
    record = store.load(RECORD).get(tag) or {}
    return record.get("key") == key and record.get("image") == image_id


def remember(tag, key, image_id):
    """Note that `tag` (`image_id`) was built, or used, with fingerprint `key` just now."""
    records = store.load(RECORD)
    if key is None:
        records.pop(tag, None)
    else:
        records[tag] = {"key": key, "image": image_id, "used": time.time()}
    store.save(RECORD, records)


def last_used(tag):
    """When a check last built or reused `tag` (seconds since the epoch), or 0."""
    return float((store.load(RECORD).get(tag) or {}).get("used") or 0)
