"""The learner's image: built from their Dockerfile as their own `docker build` does it, kept under a tag
per folder so that a re-check reuses it (build_context.py says when nothing changed), the oldest such
images pruned; a rebuild after an edit, and a file read out of an image.
"""

import datetime
import hashlib
import re
import shutil
import tarfile
import tempfile
import time
import uuid
from pathlib import Path

import docker

from checker.engine import build_context, builds, labels
from checker.text.failures import CheckFailure, both


CACHE_KEEP = 10  # learner images kept for their layer cache (oldest pruned after each build)
CACHE_GRACE = 900  # seconds a freshly tagged learner image is never pruned: a check may be using it


def cache_tag(folder, step):
    """The tag under which the learner's image of `folder` is cached (the tag finds it again)."""
    digest = hashlib.sha1(str(Path(folder).resolve()).encode()).hexdigest()[:10]
    return f"{labels.CACHE_REPOSITORY}/{step.folder}:{digest}"


def build(client, folder, step):
    """Build the learner's Dockerfile in `folder`; the image, or CheckFailure naming the instruction."""
    folder = Path(folder)
    if not (folder / "Dockerfile").is_file():
        raise CheckFailure("build", both(f"there is no Dockerfile in {folder}", f"{folder} 里没有 Dockerfile"),
                           fix="dockerfile-missing")
    tag = cache_tag(folder, step)
    previous = _image_id(client, tag)
    # taken before the build: a file saved while it runs makes the next check build again
    key = build_context.fingerprint(client, folder, builds.builder(client))
    if build_context.reusable(tag, key, previous):
        build_context.remember(tag, key, previous)  # its last use keeps it in the cache (prune_cache)
        return client.images.get(previous)
    # the older build of this folder keeps a tag of this run's while the new one takes `tag`: removing
    # that tag afterwards removes the older image only if no other tag (a learner's `web:v1` built from
    # the same files has the same ID) still names it
    older = _hold(client, previous, tag)
    try:
        builds.run_build(client, folder, tag)
    finally:
        if older:
            _remove_quietly(client, older)
    image = client.images.get(tag)
    build_context.remember(tag, key, image.id)
    if previous is None:
        # only a new tag can push the cache over CACHE_KEEP: a rebuild spares the engine the listing
        try:
            prune_cache(client)
        except docker.errors.APIError:
            pass  # keeping a few images too many is no reason to fail the learner's check
    return image


def _image_id(client, tag):
    try:
        return client.images.get(tag).id
    except docker.errors.ImageNotFound:
        return None


def _hold(client, image_id, tag):
    """Give image `image_id` (the older build under `tag`) a tag of this run's; that tag, or None."""
    if image_id is None:
        return None
    older = f"{tag}-older-{uuid.uuid4().hex[:8]}"
    try:
        client.api.tag(image_id, *older.rsplit(":", 1))
    except docker.errors.APIError:
        return None  # gone meanwhile: nothing to remove later
    return older


def _remove_quietly(client, tag):
    """Remove the checker's tag `tag` (never an image ID: other tags of the image stay, and so does it)."""
    try:
        client.images.remove(tag)
    except docker.errors.APIError:
        pass  # still used by a container, or already gone


def prune_cache(client, keep=CACHE_KEEP, grace=CACHE_GRACE):
    """Keep the `keep` most recently built learner images (found by their tag); remove older ones.

    Recency is when the engine last tagged the image (a build taken wholly from the cache keeps its
    old creation time), or when a check last reused it unbuilt, whichever is later. An image used within
    `grace` seconds may serve a check running right now.
    """
    cached = labels.cached_images(client)
    if sum(len(image.get("RepoTags") or []) for image in cached) <= keep:
        return  # nothing to prune: spare the engine an inspect of each image
    tagged = []
    for image in cached:
        try:
            when = _tag_time(client.api.inspect_image(image["Id"]))
        except docker.errors.NotFound:
            continue  # another run removed it meanwhile
        tagged += [(max(when, build_context.last_used(tag)), tag) for tag in image.get("RepoTags") or []]
    tagged.sort(reverse=True)
    settled = time.time() - grace
    for when, tag in tagged[keep:]:
        if when < settled:
            _remove_quietly(client, tag)


def _tag_time(attrs):
    """When the engine last tagged an image (seconds since the epoch), from inspect's Metadata."""
    text = (attrs.get("Metadata") or {}).get("LastTagTime") or ""
    if not text or text.startswith("0001-"):  # Go's zero time: never tagged since the engine started
        text = attrs.get("Created") or ""
    found = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?", text)
    if not found:
        return 0.0
    moment = datetime.datetime.fromisoformat(found.group(1)).replace(tzinfo=datetime.timezone.utc)
    return moment.timestamp() + float(found.group(2) or 0)


def rebuild_after_edit(client, folder, edit):
    """Build a copy of `folder` changed by `edit(copy)`: [(instruction, from cache?)], seconds, summary.

    The copy's image is removed again at once; the layers it shares with the learner's cached image stay.
    """
    tag = labels.temporary_image("edit")
    with tempfile.TemporaryDirectory(prefix="workshop-edit-") as tmp:
        copy = Path(tmp) / Path(folder).name
        shutil.copytree(folder, copy, symlinks=True, ignore=shutil.ignore_patterns(".venv", ".git"))
        edit(copy)
        try:
            output, seconds = builds.run_build(client, copy, tag, show=False)
        finally:
            # only the build's log was wanted: drop the image now rather than at the end of the run
            _remove_quietly(client, tag)
    steps = [(step.instruction, step.cached) for step in sorted(output.steps, key=lambda s: s.number)]
    return steps, seconds, output.summary()


def image_file(client, image_id, path):
    """The text of `path` inside an image (read from a container that is created, never started), or None."""
    container = client.containers.create(image_id, labels=labels.for_this_run())
    try:
        stream, _ = container.get_archive(path)
        with tempfile.TemporaryFile() as archive:
            for chunk in stream:
                archive.write(chunk)
            archive.seek(0)
            with tarfile.open(fileobj=archive) as tar:
                member = tar.next()
                handle = tar.extractfile(member) if member is not None else None
                return handle.read().decode("utf-8", "replace") if handle is not None else None
    except docker.errors.NotFound:
        return None
    finally:
        container.remove(force=True)
