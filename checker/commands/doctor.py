"""`make doctor`: one line per part of the learner's setup, ✓ / ⚠ / ✗, each with its fix.

brief() runs the checks that need no engine and prints only what is wrong; a check calls it
first, next to its own preflight (engine reachable, images present), which it does not repeat.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from checker import ROOT
from checker.text.messages import msg

OK, WARN, FAIL = "✓", "⚠", "✗"
PORTS = (5000, 6379)
DISK_LOW_GB = 3.0


def python_line():
    version = ".".join(map(str, sys.version_info[:3]))
    if sys.version_info < (3, 11):
        return FAIL, msg("doctor.python_old", version=version)
    return OK, msg("doctor.python_ok", version=version)


def venv_line():
    venv = ROOT / ".venv"
    label = os.path.relpath(venv, Path.cwd()) if venv.is_relative_to(Path.cwd()) else str(venv)
    if Path(sys.prefix).resolve() != venv.resolve():
        return FAIL, msg("doctor.venv_missing", path=label)
    return OK, msg("doctor.venv_ok", path=label)


def pins(path=ROOT / "requirements-dev.txt"):
    """{name: version} pinned in requirements-dev.txt."""
    found = {}
    for line in path.read_text().splitlines():
        match = re.match(r"^\s*([A-Za-z0-9_.\-\[\]]+)\s*==\s*([^\s;#]+)", line)
        if match:
            found[match.group(1).split("[")[0]] = match.group(2)
    return found


def packages_line():
    wanted = pins()
    missing, drift = [], []
    for name, version in wanted.items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            missing.append(name)
            continue
        if installed != version:
            drift.append(msg("doctor.pinned", name=name, installed=installed, version=version))
    if missing:
        return FAIL, msg("doctor.packages_missing", names=", ".join(missing))
    if drift:
        return WARN, msg("doctor.packages_drift", names=", ".join(drift))
    return OK, msg("doctor.packages_ok", n=len(wanted))


def disk_line(path=ROOT):
    free = shutil.disk_usage(path).free / 1e9
    if free < DISK_LOW_GB:
        return (FAIL if free < 1 else WARN), msg("doctor.disk_low", free=free, path=path)
    return OK, msg("doctor.disk_ok", free=free, path=path)


def engine_line():
    """(mark, text, client or None)."""
    import docker

    from checker.engine.client import client_kwargs, kind, reason

    where = os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"
    try:
        client = docker.from_env(**{**client_kwargs(), "timeout": 5})
        client.ping()
        name, version = kind(client)
    except Exception as error:  # any failure means: no engine to use
        return FAIL, msg("doctor.engine_down", where=where, reason=reason(error)), None
    return OK, msg("doctor.engine_ok", kind=name, version=version), client


def _cli(*args):
    """The first line the docker CLI prints for `args`, or None when it is missing or fails."""
    if not shutil.which("docker"):
        return None
    try:
        result = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return (result.stdout.strip().splitlines() or [""])[0] if result.returncode == 0 else None


def builder_line(client):
    """How learners' images are built here: BuildKit (like their `docker build`) or the classic builder."""
    from checker.engine import builds
    from checker.engine.client import kind

    if client is None:
        return None
    if kind(client)[0] == "Podman":
        return OK, msg("doctor.builder_podman")
    if builds.builder(client) == "buildkit":
        words = (_cli("buildx", "version") or "").split()  # "github.com/docker/buildx 0.13.1 …"
        return OK, msg("doctor.builder_buildkit", version="buildx " + (words[1] if len(words) > 1 else "?"))
    if os.environ.get("WORKSHOP_BUILDER", "").strip().lower() == "classic":
        return OK, msg("doctor.builder_chosen")
    return WARN, msg("doctor.builder_classic")


def compose_line(client):
    """Whether `docker compose` (Compose v2) is there: step 06 needs it."""
    if client is None:
        return None
    version = _cli("compose", "version", "--short")
    if version:
        return OK, msg("doctor.compose_ok", version=version)
    return WARN, msg("doctor.compose_missing")


def registry_answers(client, name):
    """Whether the engine reaches a registry that knows `name` (asks for its manifest only)."""
    try:
        client.api.inspect_distribution(name)
        return True
    except Exception:
        return False


def images_line(client):
    from checker.workshop import course
    from checker.engine.images import missing

    if client is None:
        return WARN, msg("doctor.images_unknown")
    absent = missing(client)
    if not absent:
        return OK, msg("doctor.images_ok", names=", ".join(course.images().values()))
    names = ", ".join(absent)
    if registry_answers(client, absent[0]):
        return WARN, msg("doctor.images_pullable", names=names)
    return FAIL, msg("doctor.images_offline", names=names)


def listener(port):
    """Whether something accepts connections on localhost:`port`."""
    for family, address in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
        try:
            with socket.socket(family, socket.SOCK_STREAM) as probe:
                probe.settimeout(0.5)
                if probe.connect_ex((address, port)) == 0:
                    return True
        except OSError:
            continue
    return False


def who_listens(port, client=None):
    """A few words on the program on `port`: a container's name, or a process name (Linux)."""
    if client is not None:
        try:
            for container in client.containers.list():
                for bindings in (container.ports or {}).values():
                    if any(b.get("HostPort") == str(port) for b in bindings or []):
                        return msg("doctor.port_container", name=container.name)
        except Exception:
            pass
    return process_on(port)


def process_on(port):
    """The name of the local process listening on `port`, from /proc (Linux only), or ''."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) > 9 and fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            for fd in (proc / "fd").iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:[") and target[8:-1] in inodes:
                    return msg("doctor.port_process", name=(proc / "comm").read_text().strip(), pid=proc.name)
        except OSError:
            continue
    return ""


def port_lines(client):
    lines = []
    for port in PORTS:
        if not listener(port):
            lines.append((OK, msg("doctor.port_free", port=port)))
            continue
        who = who_listens(port, client)
        lines.append((WARN, msg("doctor.port_busy", port=port, other=port + 1,
                                who=msg("doctor.port_who", who=who) if who else "")))
    return lines


def full():
    """Every line of `make doctor`, in order."""
    lines = [python_line(), venv_line(), packages_line()]
    mark, text, client = engine_line()
    lines.append((mark, text))
    lines += [line for line in (builder_line(client), compose_line(client)) if line]
    lines.append(images_line(client))
    lines.append(disk_line())
    lines += port_lines(client)
    return lines


def cmd_doctor(args):
    lines = full()
    for mark, text in lines:
        print(f"{mark} {text}")
    failed = sum(1 for mark, _ in lines if mark == FAIL)
    warned = sum(1 for mark, _ in lines if mark == WARN)
    print()
    if failed:
        print(msg("doctor.summary_bad", failed=failed, warned=warned))
    elif warned:
        print(msg("doctor.summary_warn", warned=warned))
    else:
        print(msg("doctor.summary_ok"))
    return 1 if failed else 0


_briefed = False


def brief():
    """Before a check: print (to stderr) what is wrong among the checks that need no engine."""
    global _briefed
    if _briefed:
        return
    _briefed = True
    for mark, text in (python_line(), packages_line(), disk_line()):
        if mark != OK:
            print(f"{mark} {text}", file=sys.stderr)


def add_parser(sub):
    sub.add_parser("doctor", help="check Python, packages, engine, images, disk, ports").set_defaults(func=cmd_doctor)
