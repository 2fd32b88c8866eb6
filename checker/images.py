"""The course's base images: use what is present, else pull, else build a stand-in offline."""

import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time

import docker

from . import course, labels
from .messages import msg

BASE = "docker-0-to-1/debian-base:trixie"
HOST_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"

# What each stand-in adds on top of a minimal Debian, so that learners' Dockerfiles written for
# the official images build unchanged: `pip install` works system-wide, `python` exists, the CA
# bundle of this machine is trusted, Redis answers outside clients on 6379 from /data.
RECIPES = {
    "python": """\
FROM {base}
ENV LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive
RUN apt-get update \\
 && apt-get install -y --no-install-recommends python3 python3-pip python-is-python3 ca-certificates \\
 && rm -f /usr/lib/python3*/EXTERNALLY-MANAGED \\
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
ENV DEBIAN_FRONTEND= PIP_ROOT_USER_ACTION=ignore
CMD ["python3"]
""",
    "redis": """\
FROM {base}
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \\
 && apt-get install -y --no-install-recommends redis-server \\
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/* \\
 && mkdir -p /data && chown redis:redis /data
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
ENV DEBIAN_FRONTEND=
WORKDIR /data
VOLUME /data
EXPOSE 6379
CMD ["redis-server", "--protected-mode", "no"]
""",
}


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


def _ensure_base(client):
    """Import the minimal Debian root filesystem as BASE, once."""
    if present(client, BASE):
        return
    started = time.monotonic()
    say(msg("images.building", name=BASE))
    with tempfile.TemporaryDirectory(prefix="workshop-rootfs-") as tmp:
        _debootstrap(tmp)
        # debootstrap keeps the packages it downloaded; the image does not need them
        subprocess.run(f"rm -rf {tmp}/var/cache/apt/archives/*.deb {tmp}/var/lib/apt/lists/*", shell=True, check=True)
        # not OWNED: images and containers built from a stand-in inherit its labels, and a
        # learner's own `docker run redis:8` must never look like something a sweep may remove
        changes = [f"LABEL {labels.STANDIN}=true"]
        cmd = ["docker", "import"] + sum((["--change", c] for c in changes), []) + ["-", BASE]
        tar = subprocess.Popen(["tar", "-C", tmp, "-c", "."], stdout=subprocess.PIPE)
        subprocess.run(cmd, stdin=tar.stdout, check=True, stdout=subprocess.DEVNULL)
        tar.wait()
    say(msg("images.built", name=BASE, seconds=time.monotonic() - started))


def _context(dockerfile):
    """A build context holding the Dockerfile and this machine's CA bundle."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        data = dockerfile.encode()
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
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
        fileobj=_context(RECIPES[role].format(base=BASE)),
        custom_context=True,
        tag=name,
        rm=True,
        forcerm=True,
        decode=True,
        labels={labels.STANDIN: "true", f"{labels.PREFIX}.standin-for": name},
    )
    for chunk in stream:
        if "error" in chunk:
            raise RuntimeError(chunk["error"].strip())
        line = chunk.get("stream", "").rstrip()
        if line.startswith("Step ") or line.startswith("Setting up") or line.startswith("Successfully"):
            say("  │ " + line)
    say(msg("images.built", name=name, seconds=time.monotonic() - started))


def ensure(client, role, name):
    """Make `name` available locally: present, pulled, or built as a stand-in."""
    image = present(client, name)
    if image:
        note = msg("images.standin_note") if labels.STANDIN in (image.labels or {}) else ""
        say(msg("images.present", name=name, note=note))
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
    from .engine import connect
    sys.exit(ensure_all(connect()))
