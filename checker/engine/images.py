"""The course's base images: use what is present, else pull, else build a stand-in offline."""

import fnmatch
import glob
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import docker

from checker.engine import labels
from checker.workshop import course
from checker.text.messages import msg

BASE_REPOSITORY = "docker-0-to-1/debian-base"
HOST_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
RECIPE = f"{labels.PREFIX}.recipe"  # on a stand-in: the hash of the recipe it was built from

# Like the official Debian slim images (debuerreotype's "slimify"), dpkg leaves documentation, man
# and info pages and translations out of every package it installs; copyright files stay. The
# stand-ins then weigh what the official images weigh: debian:trixie-slim is about 80 MB unpacked.
SLIM_DPKG = """\
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
"""
# apt keeps no package caches in an image layer (the official images configure the same)
SLIM_APT = """\
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
"""
# what debootstrap and apt leave behind that no container needs: logs, backups, caches, lists
LEFTOVERS = ("var/cache/apt/*.bin", "var/cache/apt/archives/*.deb", "var/lib/apt/lists/*", "var/log/*.log",
             "var/log/apt/*", "var/cache/debconf/*-old", "var/lib/dpkg/*-old")
CLEAN = "rm -rf " + " ".join("/" + path for path in LEFTOVERS)
# The mode of the base's root folder, as in the official images. debootstrap fills a temporary folder,
# made 0700, and `docker import` keeps the mode of the archive's "./". Overlay storage never shows it,
# but vfs (what dockerd falls back to inside a container whose /var/lib/docker is on overlayfs) makes
# it the container's "/": every non-root process then fails at "libc.so.6: Permission denied" (the
# Redis stand-in's redis user, step 05's own user).
ROOT_MODE = 0o755

# What each stand-in adds on top of the slim Debian, so that learners' Dockerfiles written for the
# official images build and run unchanged.
RECIPES = {
    # The official python:3.13-slim (Python built into /usr/local on debian:trixie-slim, its byte-code
    # caches removed) is about 41 MB compressed and 120 MB unpacked on amd64; the bookworm-based tags
    # were 120-150 MB. This one aims at 120 MB, within 10 %: Debian's python3 with pip and venv (the
    # official image has `python -m venv` and ensurepip too), its byte-code caches removed likewise.
    # `pip install` works system-wide, `python` exists, the CA bundle of this machine is trusted.
    "python": """\
FROM {base}
ENV LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive
RUN apt-get update \\
 && apt-get install -y --no-install-recommends python3 python3-pip python3-venv python-is-python3 ca-certificates \\
 && rm -f /usr/lib/python3*/EXTERNALLY-MANAGED \\
 && find /usr/lib/python3* -depth -type d -name __pycache__ -exec rm -rf {{}} + \\
 && {clean}
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
ENV DEBIAN_FRONTEND= PIP_ROOT_USER_ACTION=ignore
CMD ["python3"]
""",
    # Like the official redis:8: redis-server runs as the `redis` user from /data, and the entrypoint
    # takes `redis-server /usr/local/etc/redis/redis.conf` as well as bare options (`--appendonly yes`).
    "redis": """\
FROM {base}
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \\
 && apt-get install -y --no-install-recommends redis-server \\
 && mkdir -p /data /usr/local/etc/redis && chown redis:redis /data \\
 && {clean}
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
ENV DEBIAN_FRONTEND=
WORKDIR /data
VOLUME /data
EXPOSE 6379
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["redis-server"]
""",
}

# The Redis stand-in's entrypoint, behaving as the official image's does where a learner can tell:
# - a first argument that is an option (`-…`) or a config file (`….conf`) is given to redis-server;
# - started as root, it hands /data to the redis user and runs redis-server as that user;
# - protected mode is off unless the config file given as first argument sets it: the server is
#   reachable from other containers, which is what a container's published or networked port is for.
REDIS_ENTRYPOINT = """\
#!/bin/sh
set -e

case "$1" in
  -*|*.conf) set -- redis-server "$@" ;;
esac

if [ "$1" = redis-server ] && [ "$(id -u)" = 0 ]; then
  # files the server writes (append-only file, snapshots) belong to the redis user
  find . ! -user redis -exec chown redis:redis {} + 2>/dev/null || true
  exec setpriv --reuid=redis --regid=redis --init-groups "$0" "$@"
fi

if [ "$1" = redis-server ]; then
  shift
  config=
  if [ -f "${1:-}" ]; then
    config="$1"
    shift
  fi
  if [ -n "$config" ] && grep -q '^[[:space:]]*protected-mode' "$config"; then
    set -- redis-server "$config" "$@"
  else
    # given again later on the command line, --protected-mode yes still wins
    set -- redis-server ${config:+"$config"} --protected-mode no "$@"
  fi
  umask 0077
fi

exec "$@"
"""


def _digest(*parts):
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:12]


def outdated(image_labels, role):
    """Whether a stand-in with these labels was built from another recipe than today's for `role`."""
    return (image_labels or {}).get(RECIPE) != recipe_hash(role)


def base_name():
    """The slim Debian base of the stand-ins; its tag changes with the way it is made."""
    return f"{BASE_REPOSITORY}:trixie-{_digest(SLIM_DPKG, SLIM_APT, CLEAN, f'/ {ROOT_MODE:o}')}"


def dockerfile(role):
    """The stand-in's Dockerfile for `role`."""
    return RECIPES[role].format(base=base_name(), clean=CLEAN)


def recipe_hash(role):
    """A short hash of everything a stand-in is made from: a different one means rebuild it."""
    return _digest(dockerfile(role), REDIS_ENTRYPOINT if role == "redis" else "")


def say(text):
    print(text, flush=True)


def present(client, name):
    """The local image called `name`, or None."""
    try:
        return client.images.get(name)
    except docker.errors.ImageNotFound:
        return None


def _pull(client, name):
    """Try the registry; returns None on success or the short reason it failed."""
    say(msg("images.pulling", name=name))
    try:
        client.images.pull(name)
    except Exception as error:
        reason = str(getattr(error, "explanation", None) or error).splitlines()[0]
        # "Get https://…/v2/: dial tcp: lookup registry… on …: no such host" -> the part after "dial tcp:"
        return reason.split("dial tcp:")[-1].strip()[-100:]
    return None


def _debootstrap(target):
    """A minimal Debian trixie root filesystem in `target`, with live progress."""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise RuntimeError(msg("images.no_debootstrap"))
    if not shutil.which("debootstrap"):
        subprocess.run(["apt-get", "update", "-q"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["apt-get", "install", "-y", "-q", "debootstrap"], check=True, stdout=subprocess.DEVNULL)
    process = subprocess.Popen(
        ["debootstrap", "--variant=minbase", "trixie", str(target), "http://deb.debian.org/debian"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    for line in process.stdout:
        if line.startswith("I: Retrieving") or line.startswith("I: Installing core") or line.startswith("I: Base system"):
            say("  │ " + line.strip()[3:])
    if process.wait() != 0:
        raise RuntimeError(msg("images.debootstrap_failed"))


def slim(root):
    """Make a Debian root filesystem as slim as the official images, now and for packages added later."""
    Path(root, "etc/dpkg/dpkg.cfg.d/docker-slim").write_text(SLIM_DPKG)
    Path(root, "etc/apt/apt.conf.d/docker-slim").write_text(SLIM_APT)
    rules = [line.split(None, 1) for line in SLIM_DPKG.splitlines()]
    excluded = [pattern for kind, pattern in rules if kind == "path-exclude"]
    included = [pattern for kind, pattern in rules if kind == "path-include"]
    # what debootstrap's dpkg installed before the rules existed: remove it as dpkg would have
    for pattern in excluded:
        top = os.path.join(root, os.path.dirname(pattern.split("*")[0]).lstrip("/"))
        for folder, folders, files in os.walk(top):
            links = [name for name in folders if os.path.islink(os.path.join(folder, name))]
            for name in files + links:
                inside = "/" + os.path.relpath(os.path.join(folder, name), root)
                if fnmatch.fnmatchcase(inside, pattern) and not any(fnmatch.fnmatchcase(inside, keep)
                                                                   for keep in included):
                    os.remove(os.path.join(folder, name))
    for pattern in LEFTOVERS:
        for path in glob.glob(os.path.join(root, pattern)):
            shutil.rmtree(path) if os.path.isdir(path) and not os.path.islink(path) else os.remove(path)


def _ensure_base(client):
    """Import the slim Debian root filesystem as the base of the stand-ins, once."""
    base = base_name()
    if present(client, base):
        return
    started = time.monotonic()
    say(msg("images.building", name=base))
    with tempfile.TemporaryDirectory(prefix="workshop-rootfs-") as tmp:
        _debootstrap(tmp)
        slim(tmp)
        os.chmod(tmp, ROOT_MODE)
        # not OWNED: images and containers built from a stand-in inherit its labels, and a
        # learner's own `docker run redis:8` must never look like something a sweep may remove
        changes = [f"LABEL {labels.STANDIN}=true"]
        cmd = ["docker", "import"] + sum((["--change", c] for c in changes), []) + ["-", base]
        tar = subprocess.Popen(["tar", "-C", tmp, "-c", "."], stdout=subprocess.PIPE)
        subprocess.run(cmd, stdin=tar.stdout, check=True, stdout=subprocess.DEVNULL)
        tar.wait()
    say(msg("images.built", name=base, seconds=time.monotonic() - started))


def _add(archive, name, text, mode=0o644):
    data = text.encode()
    info = tarfile.TarInfo(name)
    info.size, info.mode = len(data), mode
    archive.addfile(info, io.BytesIO(data))


def _context(dockerfile):
    """A build context holding the Dockerfile, the Redis entrypoint and this machine's CA bundle."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        _add(archive, "Dockerfile", dockerfile)
        _add(archive, "docker-entrypoint.sh", REDIS_ENTRYPOINT, mode=0o755)
        ca = HOST_CA_BUNDLE if os.path.exists(HOST_CA_BUNDLE) else None
        if ca:
            archive.add(ca, arcname="ca-certificates.crt")
        else:
            empty = tarfile.TarInfo("ca-certificates.crt")
            archive.addfile(empty, io.BytesIO(b""))
    buffer.seek(0)
    return buffer


def build_standin(client, role, name):
    """Build the stand-in for `role` ('python' or 'redis') and tag it `name`."""
    _ensure_base(client)
    started = time.monotonic()
    say(msg("images.building", name=name))
    stream = client.api.build(
        fileobj=_context(dockerfile(role)),
        custom_context=True,
        tag=name,
        rm=True,
        forcerm=True,
        decode=True,
        labels={labels.STANDIN: "true", f"{labels.PREFIX}.standin-for": name, RECIPE: recipe_hash(role)},
    )
    recent = []
    for chunk in stream:
        if "error" in chunk:
            # the step's last lines say why (a mirror that does not answer, a package that is gone)
            raise RuntimeError("\n".join([chunk["error"].strip()[:200]] + ["  │ " + line for line in recent[-6:]]))
        line = chunk.get("stream", "").rstrip()
        recent += [text for text in line.splitlines() if text.strip()]
        if line.startswith("Step ") or line.startswith("Setting up") or line.startswith("Successfully"):
            say("  │ " + line)
    say(msg("images.built", name=name, seconds=time.monotonic() - started))


def ensure(client, role, name):
    """Make `name` available locally: present, pulled, or built as a stand-in."""
    image = present(client, name)
    standin = image is not None and labels.STANDIN in (image.labels or {})
    if standin and outdated(image.labels, role):
        # a stand-in from an older recipe: it would not weigh or behave like the official image
        say(msg("images.outdated", name=name))
        build_standin(client, role, name)
        try:
            image.reload()
            if not image.tags:  # the older stand-in, untagged now; a tag of anyone else's keeps it
                client.images.remove(image.id)  # kept while a container uses it
        except docker.errors.APIError:
            pass
        return
    if image:
        say(msg("images.present", name=name, note=msg("images.standin_note") if standin else ""))
        return
    reason = _pull(client, name)
    if reason is None:
        say(msg("images.pulled", name=name))
        return
    say(msg("images.pull_failed", name=name, error=reason))
    build_standin(client, role, name)


def missing(client):
    """Names of course images that are not present locally."""
    return [name for name in course.images().values() if not present(client, name)]


def ensure_all(client):
    """`make images`: every course image, or exit non-zero with the reason."""
    failed = False
    for role, name in course.images().items():
        try:
            ensure(client, role, name)
        except Exception as error:
            say(msg("images.failed", name=name, error=error))
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":  # pragma: no cover - handy for debugging a single build
    from checker.engine.client import connect
    sys.exit(ensure_all(connect()))
