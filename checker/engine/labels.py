"""Labels on everything the checker creates, and the sweeps that remove it again.

A sweep removes only what carries these labels, and of that only what it may: what this process made,
or what is provably abandoned (checker/engine/ownership.py). Images are removed by the tags the checker gave
them, never by ID: an image that also carries a learner's tag keeps it (and so stays).
"""

import os
import re
import socket
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field

import docker
import requests

from checker.engine import ownership, processes
from checker.engine.client import reason

PREFIX = "docker-0-to-1"
OWNED = f"{PREFIX}.owned"          # on every container, network, volume and image we make (compose
                                   # projects too: the checker's override file puts them there)
RUN = f"{PREFIX}.run"              # which checker run made it
PID = f"{PREFIX}.pid"              # the process that made it ...
STARTED = f"{PREFIX}.pid-start"    # ... and when that process started (a reused pid is another process)
HOST = f"{PREFIX}.host"            # the machine of that process (a shared engine may serve several)
PURPOSE = f"{PREFIX}.purpose"      # what that process was doing: check:<step>, watch:<step>, demo, bench
SINCE = f"{PREFIX}.since"          # when it was made (seconds since the epoch)
CACHE = f"{PREFIX}.cache"          # learner images kept for the layer cache, by earlier versions
STANDIN = f"{PREFIX}.standin"      # base images built here because no registry answered (not OWNED)

RUN_ID = os.environ.get("WORKSHOP_RUN_ID") or uuid.uuid4().hex[:12]
os.environ["WORKSHOP_RUN_ID"] = RUN_ID

# Images carry no labels of a run (a label would be a build step of its own and defeat the layer
# cache): their names say what they are. Learner images kept for the layer cache are
# workshop-cache/<step>:<folder hash>; an image a check builds and removes at once is
# workshop-tmp/<what>-<host>-<pid>-<run>:<process start>-<random>, so a sweep knows whether its
# process still lives. A compose project's images are <project>:checked (checker/check/compose.py).
CACHE_REPOSITORY = "workshop-cache"
TEMPORARY_REPOSITORY = "workshop-tmp"
TEMPORARY_NAME = re.compile(
    rf"^{TEMPORARY_REPOSITORY}/[a-z]+-([0-9a-f]{{8}})-(\d+)-([0-9a-z]+):([0-9a-f]+)-[0-9a-f]+$")
PROJECT_IMAGE = re.compile(r"^workshop-\d\d-[a-z0-9_-]+:checked$")

_purpose = os.environ.get("WORKSHOP_PURPOSE", "checker")
_me = {}  # pid -> this process's start (forks get their own)


def set_purpose(purpose):
    """Say what this process does (check:<step folder>, watch:<step folder>, demo, bench): it is
    written on what it makes, so that a sweep can say whose leftovers it removed."""
    global _purpose
    _purpose = purpose


def _started():
    pid = os.getpid()
    if pid not in _me:
        _me[pid] = processes.start_time(pid) or ""
    return _me[pid]


def for_this_run(**extra):
    """Labels to put on a resource created by this process."""
    labels = {OWNED: "true", RUN: RUN_ID, PID: str(os.getpid()), STARTED: _started(), HOST: socket.gethostname(),
              PURPOSE: _purpose, SINCE: str(int(time.time()))}
    labels.update(extra)
    return labels


def _host_key(name=None):
    """The machine's name as a tag may spell it."""
    import hashlib

    return hashlib.sha1((name or socket.gethostname()).encode()).hexdigest()[:8]


def _run_key():
    return re.sub(r"[^0-9a-z]", "", RUN_ID.lower())[:24] or "run"


def temporary_image(what):
    """A tag for an image this process builds and removes again (`what`: lowercase letters)."""
    started = processes.token(_started()) or "0"
    return (f"{TEMPORARY_REPOSITORY}/{what}-{_host_key()}-{os.getpid()}-{_run_key()}:"
            f"{started}-{uuid.uuid4().hex[:8]}")


def temporary_owner(tag):
    """The labels a temporary image's name stands for, or None for another name."""
    found = TEMPORARY_NAME.match(tag)
    if not found:
        return None
    host = socket.gethostname() if found.group(1) == _host_key() else found.group(1)
    run = RUN_ID if found.group(3) == _run_key() else found.group(3)
    started = found.group(4) if found.group(4) != "0" else ""
    return {RUN: run, PID: found.group(2), HOST: host, STARTED: started}


def ours(tag):
    """Whether an image tag is one the checker gives (the only tags it ever removes)."""
    return (tag.startswith((f"{CACHE_REPOSITORY}/", f"{TEMPORARY_REPOSITORY}/"))
            or bool(PROJECT_IMAGE.match(tag)))


def cached_images(client):
    """Learner images kept for the layer cache, as the engine lists them (found by their tag)."""
    return client.api.images(filters={"reference": f"{CACHE_REPOSITORY}/*"})


def owner(labels):
    """The facts of ownership.abandoned() in a resource's labels."""
    return {"host": labels.get(HOST), "run": labels.get(RUN), "pid": labels.get(PID),
            "started": labels.get(STARTED), "since": labels.get(SINCE), "purpose": labels.get(PURPOSE)}


def abandoned(labels, grace=ownership.GRACE):
    """Whether a labelled resource is provably abandoned (its process and its reaper gone, old enough)."""
    return ownership.abandoned(owner(labels), grace=grace)


# --- removing ---------------------------------------------------------------------------------

# the engine's answers for an object that another run still uses or is removing: leave it to that run
BUSY = re.compile(r"in use|active endpoints|being removed|already in progress|is running|conflict", re.I)


def _removed(remove):
    """Call remove(): True, or False when the object is gone already, or in use or being removed by its
    owner (the engine's 404, 409, 403 "has active endpoints", 500 "removal … already in progress")."""
    try:
        remove()
    except docker.errors.NotFound:
        return False
    except docker.errors.APIError as error:
        if error.status_code in (403, 409) or BUSY.search(str(error)):
            return False
        raise
    return True


@dataclass
class Sweep:
    """What a sweep did: the owners of what it removed, what it left to live runs, what failed."""

    removed: list = field(default_factory=list)  # owner() of each container, network, volume, image tag
    cached: int = 0  # tags of the image cache removed (make clean)
    kept: int = 0  # objects left to live runs (make clean)
    problems: list = field(default_factory=list)  # readable lines: what the engine refused, and why

    @property
    def count(self):
        return len(self.removed)

    def runs(self):
        """[(purpose, seconds since it made the first of them, how many)] per run whose objects went."""
        found = OrderedDict()
        for facts in self.removed:
            key = (facts.get("run"), facts.get("pid"))
            purpose, since, n = found.get(key, (facts.get("purpose"), facts.get("since"), 0))
            if facts.get("since") and (not since or float(facts["since"]) < float(since)):
                since = facts["since"]
            found[key] = (purpose or facts.get("purpose"), since, n + 1)
        now = time.time()
        return [(purpose, now - float(since) if since else None, n) for purpose, since, n in found.values()]


def _try(sweep, action):
    """Run one removal (or listing); an engine error becomes a line in sweep.problems."""
    try:
        return action()
    except (docker.errors.DockerException, requests.exceptions.RequestException, OSError) as error:
        problem = reason(error)
        if problem not in sweep.problems:
            sweep.problems.append(problem)
        return None


def _listed(sweep, lister):
    return _try(sweep, lister) or []


def _remove_all(client, select, sweep=None):
    """Remove owned containers, then networks, volumes and images, whose labels select() picks.

    Other checks may run at the same time and remove their own objects between our listing and our
    removal: everything is listed without inspecting each object, and "already gone", "in use" and
    "being removed" are no errors. Any other engine error is written in the Sweep, never raised.
    """
    sweep = sweep or Sweep()

    def remove(labels, action):
        if not select(labels):
            return
        if _try(sweep, lambda: _removed(action)):
            sweep.removed.append(owner(labels))

    mine = {"label": OWNED}
    for container in _listed(sweep, lambda: client.containers.list(all=True, filters=mine, sparse=True)):
        remove(container.attrs.get("Labels") or {}, lambda c=container: c.remove(force=True, v=True))
    for network in _listed(sweep, lambda: client.networks.list(filters=mine)):
        remove(network.attrs.get("Labels") or {}, network.remove)
    for volume in _listed(sweep, lambda: client.volumes.list(filters=mine)):
        remove(volume.attrs.get("Labels") or {}, lambda v=volume: v.remove(force=True))
    for image in _listed(sweep, lambda: client.api.images(filters=mine)):
        labels = image.get("Labels") or {}
        if CACHE in labels:
            continue
        for tag in image.get("RepoTags") or []:
            if ours(tag):
                remove(labels, lambda t=tag: client.images.remove(t))  # the tag only: other tags stay
    for image in _listed(sweep, lambda: client.api.images(filters={"reference": f"{TEMPORARY_REPOSITORY}/*"})):
        for tag in image.get("RepoTags") or []:
            labels = temporary_owner(tag)
            if labels:
                remove(labels, lambda t=tag: client.images.remove(t))
    return sweep


def sweep_orphans(client):
    """Remove what is provably abandoned (ownership.abandoned); a Sweep says what went."""
    return _remove_all(client, abandoned)


def _of_process(pid):
    """select() for _remove_all: what process `pid` of this run made."""
    return lambda labels: labels.get(RUN) == RUN_ID and labels.get(PID) == str(pid)


def sweep_of_process(client, pid):
    """Remove what process `pid` of this run made (processes started by one run share its id)."""
    return _remove_all(client, _of_process(pid))


def sweep_this_run(client):
    """Remove everything this process made (except the image cache); other processes of the same run
    (checks of one `make test` or `make grade` at once) keep theirs."""
    return sweep_of_process(client, os.getpid())


def of_process(client, pid):
    """What process `pid` of this run made that is still there: containers, networks, volumes, images."""
    mine = {"label": [f"{RUN}={RUN_ID}", f"{PID}={pid}"]}
    found = [container.id for container in client.containers.list(all=True, filters=mine, sparse=True)]
    found += [network.id for network in client.networks.list(filters=mine)]
    found += [volume.name for volume in client.volumes.list(filters=mine)]
    found += [tag for image in client.api.images(filters=mine) for tag in image.get("RepoTags") or [] if ours(tag)]
    temporary = client.api.images(filters={"reference": f"{TEMPORARY_REPOSITORY}/*"})
    return found + [tag for image in temporary for tag in image.get("RepoTags") or []
                    if _of_process(pid)(temporary_owner(tag) or {})]


def sweep_everything(client):
    """`make clean`: everything labelled whose process and reaper are gone, however young, and the
    image cache (by its tags). What a live check, watch or demo made stays (Sweep.kept counts it), and
    nothing without the checker's labels or tags is touched (stand-in base images are not OWNED)."""
    sweep = Sweep()

    def select(labels):
        if abandoned(labels, grace=0):
            return True
        sweep.kept += 1
        return False

    _remove_all(client, select, sweep)
    for image in _listed(sweep, lambda: client.api.images(filters={"label": CACHE}) + cached_images(client)):
        for tag in image.get("RepoTags") or []:
            if ours(tag) and _try(sweep, lambda t=tag: _removed(lambda: client.images.remove(t))):
                sweep.cached += 1
    return sweep


def leftovers(client):
    """Names of owned containers, networks and volumes whose process has ended (leaks; live runs and
    runs whose reaper is still at work excluded)."""
    gone = lambda attrs: abandoned(attrs.get("Labels") or {}, grace=0)  # noqa: E731
    mine = {"label": OWNED}
    names = [(c.attrs.get("Names") or [c.short_id])[0].lstrip("/")
             for c in client.containers.list(all=True, filters=mine, sparse=True) if gone(c.attrs)]
    names += [n.name for n in client.networks.list(filters=mine) if gone(n.attrs)]
    names += [v.name for v in client.volumes.list(filters=mine) if gone(v.attrs)]
    return names
