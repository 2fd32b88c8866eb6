"""The compose CLI as the checker runs it (`docker compose`, without the COMPOSE_* variables of the
learner's shell, bounded in time), whether it can run at all, and the learner's file as it reads it:
which file, and the learner's own lines a `docker compose config` error points at.
"""

import os
import re
import shutil
import subprocess
import uuid
from pathlib import Path


from checker.engine import labels
from checker.text.failures import both, quoted, tail
from checker.text.i18n import pick

FILES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
# A docker CLI without the Compose v2 plugin takes `compose` for no command of its own: Docker 20.10 and
# 28 answer `compose version --short` with "unknown flag: --short" and their usage text, other
# versions with "'compose' is not a docker command" or "unknown command: docker compose"
NO_COMPOSE_COMMAND = re.compile(r"unknown flag: --short|'compose' is not a docker command|"
                                r"unknown command: docker compose")


class ComposeUnavailable(Exception):
    """`docker compose` is missing or cannot reach the engine; str() is the paragraph to show."""


class ConfigInvalid(Exception):
    """`docker compose config` rejected the file: .reason (its last line) and .lines (the learner's)."""

    def __init__(self, reason, lines):
        super().__init__(reason)
        self.reason, self.lines = reason, lines


def find_file(folder):
    """The compose file of `folder`, in the order Compose itself looks for one; None if none."""
    return next((Path(folder) / name for name in FILES if (Path(folder) / name).is_file()), None)


def project_name(step):
    """A project name no learner and no other check uses (lowercase, as Compose requires)."""
    run = re.sub(r"[^a-z0-9_-]", "", labels.RUN_ID.lower())[:8]
    return f"workshop-{step.number:02d}-{run}-{uuid.uuid4().hex[:6]}"


def _environment():
    """The checker's environment without the COMPOSE_* variables of the learner's shell."""
    return {key: value for key, value in os.environ.items() if not key.startswith("COMPOSE_")}


def run_cli(args, timeout=60, cwd=None):
    """`docker compose ARGS`; the CompletedProcess (text), or ComposeUnavailable."""
    if shutil.which("docker") is None:
        raise ComposeUnavailable(pick(both("there is no `docker` command", "找不到 `docker` 命令")))
    try:
        return subprocess.run(["docker", "compose", *args], capture_output=True, text=True, timeout=timeout,
                              cwd=cwd, env=_environment(), stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as expired:
        out = (expired.stdout or b"") + (expired.stderr or b"")
        out = out.decode(errors="replace") if isinstance(out, bytes) else out
        return subprocess.CompletedProcess(expired.cmd, 124, out, f"timed out after {timeout:.0f} s")


def preflight():
    """Raise ComposeUnavailable (with its reason) unless `docker compose` runs and reaches the engine."""
    version = run_cli(["version", "--short"], timeout=20)
    if version.returncode != 0 and NO_COMPOSE_COMMAND.search(version.stderr):
        # the last line would be the CLI's usage text, which says nothing about Compose
        raise ComposeUnavailable(pick(both("this docker CLI has no `compose` command",
                                           "这个 docker CLI 没有 `compose` 命令")))
    if version.returncode != 0:
        said = quoted(tail(version.stderr, 1)) if version.stderr.strip() else pick(both("no output", "没有输出"))
        raise ComposeUnavailable(pick(both(f"`docker compose version` failed: {said}",
                                           f"`docker compose version` 失败了：{said}")))
    listing = run_cli(["ls", "--all", "--quiet"], timeout=30)
    if listing.returncode != 0:
        said = quoted(tail(listing.stderr, 1)) if listing.stderr.strip() else pick(both("no output", "没有输出"))
        raise ComposeUnavailable(pick(both(f"`docker compose ls` got no answer from the engine: {said}",
                                           f"`docker compose ls` 没有得到引擎的回答：{said}")))
    return version.stdout.strip()


# --- the learner's file ------------------------------------------------------------------------

def config_error_line(path, error):
    """The learner's line(s) that a `docker compose config` error points at, numbered, or ''."""
    lines = Path(path).read_text(errors="replace").splitlines()
    numbers = [int(n) for n in re.findall(r"\bline (\d+)", error)]
    if not numbers:
        # a schema error names a key path: services.web Additional property bulid is not allowed
        found = re.search(r"(?:property|Additional property) (\S+) is not allowed", error) or \
            re.search(r"[\w.-]+\.([\w-]+) (?:must be|is required|Additional)", error)
        key = found.group(1) if found else None
        numbers = [i + 1 for i, line in enumerate(lines) if key and re.match(rf"\s*-?\s*{re.escape(key)}\s*:", line)]
    if error.startswith("yaml:"):
        # the parser names where the enclosing block began; a line indented off the grid is the usual cause
        numbers = off_grid(lines) + numbers
    shown, pointed = [], set(numbers[:2])
    for number in numbers[:2]:
        for index in range(max(number - 2, 0), min(number + 1, len(lines))):
            entry = f"{'>' if index + 1 in pointed else ' '}{index + 1:3d} | {lines[index]}"
            if entry not in shown:
                shown.append(entry)
    return "\n".join(shown)


def off_grid(lines):
    """Numbers of the lines indented with a tab, or by a number of spaces the file's step does not divide."""
    indents = [len(line) - len(line.lstrip(" ")) for line in lines if line.strip() and not line.lstrip().startswith("#")]
    step = min((n for n in indents if n), default=2)
    return [i + 1 for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")
            and (line[:len(line) - len(line.lstrip())].count("\t") or (len(line) - len(line.lstrip(" "))) % step)]
