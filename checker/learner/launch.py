"""Where learner code runs: here, or in a container of the course's python image (WORKSHOP_SANDBOX=container,
which `make grade` sets); its environment, and the process that runs it there (`flask run`, the import probe)."""

import os
import subprocess
import sys
from pathlib import Path

RUNNER = Path(__file__).with_name("import_probe.py")
CONTAINER_FOLDER = "/learner"
CONTAINER_SITE = "/opt/checker-site"
CONTAINER_RUNNER = "/opt/import_probe.py"


def in_container():
    """Whether learner code runs in a container (WORKSHOP_SANDBOX=container; `make grade` sets it)."""
    return os.environ.get("WORKSHOP_SANDBOX", "").strip().lower() == "container"


def learner_env(extra=None, unset=()):
    """The environment of a local learner process: the checker's, without its debug switches, plus `extra`."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1", **(extra or {})}
    for name in ("FLASK_DEBUG", "PYTHONSTARTUP", "PYTHONINSPECT", *unset):
        env.pop(name, None)
    return env


class Launch:
    """How to start one learner process: its command, environment, and the path of the folder it sees."""

    def __init__(self, command, env, where, container=None):
        self.command, self.env, self.where, self.container = command, env, where, container

    def remove(self):
        """Remove the container (if any); the docker client's end does not stop it."""
        if self.container:
            subprocess.run(["docker", "rm", "-f", self.container], capture_output=True, timeout=60)


def launch(folder, args, env=None, unset=(), network="none"):
    """Run `python ARGS` on the learner's `folder`: a local process, or a bounded container (grading).

    In a container the folder and the checker's site-packages are mounted read-only: the code sees
    no file of the grader and can change none (the packages are pure Python, so the image's Python
    imports them offline, without installing anything).
    """
    if not in_container():
        return Launch([sys.executable, *args], learner_env(env, unset), str(folder))
    import sysconfig

    from checker.engine import labels, limits
    from checker.workshop import course
    from checker.engine.containers import unique

    name = unique("learner")
    site = sysconfig.get_paths()["purelib"]
    command = ["docker", "run", "--rm", "-i", "--name", name, f"--network={network}", "--read-only",
               "--tmpfs", "/tmp", "-v", f"{folder}:{CONTAINER_FOLDER}:ro", "-v", f"{site}:{CONTAINER_SITE}:ro",
               "-v", f"{RUNNER}:{CONTAINER_RUNNER}:ro", "-w", CONTAINER_FOLDER,
               "-e", f"PYTHONPATH={CONTAINER_SITE}", "-e", "PYTHONUNBUFFERED=1", "-e", "PYTHONDONTWRITEBYTECODE=1",
               *limits.cli_flags()]
    for key, value in labels.for_this_run().items():
        command += ["--label", f"{key}={value}"]
    for key, value in (env or {}).items():
        command += ["-e", f"{key}={value}"]
    command += [course.images()["python"], "python", *args]
    return Launch(command, {**os.environ}, CONTAINER_FOLDER, container=name)


def server_args(port):
    """`python -m flask --app hello run` on 127.0.0.1:`port`, no reloader (one process to end)."""
    return ["-m", "flask", "--app", "hello", "run", "--host", "127.0.0.1", "--port", str(port), "--no-reload"]
