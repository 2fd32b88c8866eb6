"""Labels on everything the checker creates, and the sweeps that remove it again."""

import hashlib
import os
import re
import socket
import uuid

import docker

PREFIX = "docker-0-to-1"
OWNED = f"{PREFIX}.owned"          # on every container, network, volume and image we make (compose
                                   # projects too: the checker's override file puts them there)
RUN = f"{PREFIX}.run"              # which checker run made it
PID = f"{PREFIX}.pid"              # the process of that run, to find runs that were killed
HOST = f"{PREFIX}.host"            # the machine of that run (a shared engine may serve several)
CACHE = f"{PREFIX}.cache"          # learner images kept for the layer cache, by earlier versions
STANDIN = f"{PREFIX}.standin"      # base images built here because no registry answered (not OWNED)

RUN_ID = os.environ.get("WORKSHOP_RUN_ID") or uuid.uuid4().hex[:12]
os.environ["WORKSHOP_RUN_ID"] = RUN_ID

# Images carry no labels of a run (a label would be a build step of its own and defeat the layer
# cache): their names say what they are. Learner images kept for the layer cache are
# workshop-cache/<step>:<folder hash>; an image a check builds and removes at once is
# workshop-tmp/<what>-<host>-<pid>-<run>:<random>, so a sweep knows whether its run still lives.
CACHE_REPOSITORY = "workshop-cache"
TEMPORARY_REPOSITORY = "workshop-tmp"
TEMPORARY_NAME = re.compile(rf"^{TEMPORARY_REPOSITORY}/[a-z]+-([0-9a-f]{{8}})-(\d+)-([0-9a-z]+):")


def for_this_run(**extra):
    """Labels to put on a resource created by this run."""
    labels = {OWNED: "true", RUN: RUN_ID, PID: str(os.getpid()), HOST: socket.gethostname()}
    labels.update(extra)
    return labels


def _host_key(name=None):
    """The machine's name as a tag may spell it."""
    return hashlib.sha1((name or socket.gethostname()).encode()).hexdigest()[:8]


def _run_key():
    return re.sub(r"[^0-9a-z]", "", RUN_ID.lower())[:24] or "run"


def temporary_image(what):
    """A tag for an image this run builds and removes again (`what`: lowercase letters)."""
    return f"{TEMPORARY_REPOSITORY}/{what}-{_host_key()}-{os.getpid()}-{_run_key()}:{uuid.uuid4().hex[:8]}"


def temporary_owner(tag):
    """The run labels a temporary image's name stands for, or None for another name."""
    found = TEMPORARY_NAME.match(tag)
    if not found:
        return None
    host = socket.gethostname() if found.group(1) == _host_key() else found.group(1)
    run = RUN_ID if found.group(3) == _run_key() else found.group(3)
    return {RUN: run, PID: found.group(2), HOST: host}


def cached_images(client):
    """Learner images kept for the layer cache, as the engine lists them (found by their tag)."""
    return client.api.images(filters={"reference": f"{CACHE_REPOSITORY}/*"})


def _temporary_tags(client):
    """(tag, the run labels it stands for) of every temporary image."""
    try:
        listed = client.api.images(filters={"reference": f"{TEMPORARY_REPOSITORY}/*"})
    except docker.errors.APIError:
        return  # an engine without the reference filter: nothing to find this way
    for image in listed:
        for tag in image.get("RepoTags") or []:
            owner = temporary_owner(tag)
            if owner:
                yield tag, owner


def _pid_alive(pid):
    """Whether a process with this id still runs on this machine."""
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, ValueError):
        return True
    return True


def is_orphan(labels):
    """A resource whose checker run has died (on this machine) and so will never clean it."""
    if labels.get(RUN) == RUN_ID:
        return False
    if labels.get(HOST) != socket.gethostname():
        return False
    return not _pid_alive(labels.get(PID, "0"))


def _containers(client):
    """Owned containers as listed (sparse: no inspect each, which fails for one removed meanwhile)."""
    return client.containers.list(all=True, filters={"label": OWNED}, sparse=True)


def _removed(remove):
    """Call remove(): True, or False when another run removed the object first (or is removing it)."""
    try:
        remove()
    except docker.errors.APIError as error:
        if isinstance(error, docker.errors.NotFound) or error.status_code == 409:
            return False
        raise
    return True


def _remove_all(client, keep):
    """Remove owned containers, then networks, volumes and images, for which keep(labels) is False.

    Other checks may run at the same time and remove their own objects between our listing and our
    removal: everything is listed without inspecting each object, and "already gone" is no error.
    """
    removed = 0
    for container in _containers(client):
        if not keep(container.attrs.get("Labels") or {}):
            removed += _removed(lambda: container.remove(force=True, v=True))
    for network in client.networks.list(filters={"label": OWNED}):
        if not keep(network.attrs.get("Labels") or {}):
            removed += _removed(network.remove)
    for volume in client.volumes.list(filters={"label": OWNED}):
        if not keep(volume.attrs.get("Labels") or {}):
            removed += _removed(lambda: volume.remove(force=True))
    for image in client.api.images(filters={"label": OWNED}):
        labels = image.get("Labels") or {}
        if CACHE not in labels and not keep(labels):
            removed += _removed(lambda: client.images.remove(image["Id"], force=True))
    for tag, owner in _temporary_tags(client):
        if not keep(owner):
            removed += _removed(lambda: client.images.remove(tag))
    return removed


def sweep_orphans(client):
    """Remove what killed runs on this machine left behind; returns how many were removed."""
    return _remove_all(client, keep=lambda labels: not is_orphan(labels))


def sweep_this_run(client):
    """Remove everything this run created (except the image cache)."""
    return _remove_all(client, keep=lambda labels: labels.get(RUN) != RUN_ID)


def _of_process(pid):
    """keep() for _remove_all: everything but what process `pid` of this run made."""
    return lambda labels: labels.get(RUN) != RUN_ID or labels.get(PID) != str(pid)


def sweep_of_process(client, pid):
    """Remove what process `pid` of this run made (processes started by one run share its id)."""
    return _remove_all(client, keep=_of_process(pid))


def of_process(client, pid):
    """What process `pid` of this run made that is still there: containers, networks, volumes, images."""
    mine = {"label": [f"{RUN}={RUN_ID}", f"{PID}={pid}"]}
    found = [container.id for container in client.containers.list(all=True, filters=mine, sparse=True)]
    found += [network.id for network in client.networks.list(filters=mine)]
    found += [volume.name for volume in client.volumes.list(filters=mine)]
    found += [image["Id"] for image in client.api.images(filters=mine)]
    return found + [tag for tag, owner in _temporary_tags(client) if not _of_process(pid)(owner)]


def sweep_everything(client):
    """Remove everything any run created, the image cache included (make clean).

    Stand-in base images are not OWNED, so they stay, like any image a learner pulled.
    """
    removed = _remove_all(client, keep=lambda labels: False)
    for image in client.api.images(filters={"label": CACHE}):
        removed += _removed(lambda: client.images.remove(image["Id"], force=True))
    for image in cached_images(client):
        for tag in image.get("RepoTags") or []:
            removed += _removed(lambda: client.images.remove(tag, force=True))
    return removed


def leftovers(client):
    """Names of owned containers, networks and volumes whose run has ended (leaks; live runs excluded)."""
    names = [(c.attrs.get("Names") or [c.short_id])[0].lstrip("/") for c in _containers(client)
             if is_orphan(c.attrs.get("Labels") or {})]
    names += [n.name for n in client.networks.list(filters={"label": OWNED})
              if is_orphan(n.attrs.get("Labels") or {})]
    names += [v.name for v in client.volumes.list(filters={"label": OWNED})
              if is_orphan(v.attrs.get("Labels") or {})]
    return names
