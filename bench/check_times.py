"""Warm `make check-step N TARGET=solutions` per step next to its floor (the same containers started bare
until they answer), medians of CHECK_RUNS rounds in turns; and a cold check after the requirements changed."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import docker

from checker import ROOT
from checker.engine import builds, containers, labels, reaper
from checker.workshop import course
from checker.check.deploy import DATA, REDIS_ALIAS, REDIS_CONF, redis_env
from bench.common import (answers, available, cli, free_port, in_containers, label_options, median, pings,
                          published, say, solution, until)


CHECK_RUNS = 3                   # warm checks (and floors) per step, taken in turns; the median counts


def bare_start(number, image):
    """Seconds to start, with the docker CLI and nothing else, the containers step `number`'s check
    needs until they answer; and the commands that remove them again."""
    step, folder = solution(number)
    redis_image = course.images()["redis"]
    made, started = [], time.monotonic()
    try:
        if image is None:  # Redis and `flask run` of the app on the host, as the step's check runs them
            redis_id = cli("run", "-d", *label_options(), "-p", "127.0.0.1::6379", redis_image)
            made.append(("rm", "-f", "-v", redis_id))
            redis_port = published(redis_id, 6379)
            web_port = free_port()
            flask = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "hello", "run", "--port", str(web_port)], cwd=folder,
                env={**os.environ, "REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(redis_port)},
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
            made.append(flask)
            until(lambda: pings(redis_port) and answers(web_port))
        elif number == min(in_containers()):  # the image alone
            web_id = cli("run", "-d", *label_options(), "-p", "127.0.0.1::5000", image.id)
            made.append(("rm", "-f", "-v", web_id))
            until(lambda: answers(published(web_id, 5000)))
        else:  # a network, a volume, Redis (with the step's redis.conf) and the web container on it
            network = cli("network", "create", *label_options(), containers.unique("net"))
            made.append(("network", "rm", network))
            volume = cli("volume", "create", *label_options(), containers.unique("data"))
            made.append(("volume", "rm", "-f", volume))
            conf = folder / "redis.conf"
            mounts = ["-v", f"{volume}:{DATA}"] + (["-v", f"{conf}:{REDIS_CONF}:ro"] if conf.is_file() else [])
            command = ["redis-server", REDIS_CONF] if conf.is_file() else []
            redis_id = cli("run", "-d", *label_options(), "--network", network, "--network-alias", REDIS_ALIAS,
                              "-p", "127.0.0.1::6379", *mounts, redis_image, *command)
            made.insert(0, ("rm", "-f", "-v", redis_id))
            environment = [f"--env={key}={value}" for key, value in redis_env().items()]
            web_id = cli("run", "-d", *label_options(), "--network", network, "-p", "127.0.0.1::5000",
                            *environment, image.id)
            made.insert(0, ("rm", "-f", "-v", web_id))
            redis_port, web_port = published(redis_id, 6379), published(web_id, 5000)
            until(lambda: pings(redis_port) and answers(web_port))
        return time.monotonic() - started
    finally:
        for undo in made:
            if isinstance(undo, subprocess.Popen):
                undo.terminate()
                undo.wait(timeout=30)
            else:
                subprocess.run(["docker", *undo], capture_output=True, timeout=120, env=builds._cli_environment())


def floor(client, number, images, pins):
    """The floor of step `number`'s check (see bare_start); None for a step outside containers."""
    step = course.find(number)
    if not step.docker:
        return None
    return bare_start(number, available(client, number, images, pins) if number in images else None)


def run_check(number, env):
    """`make check-step N TARGET=solutions` in its own process group; on Ctrl-C it is interrupted too
    (and removes its containers itself) before the bench goes on to clean up."""
    process = subprocess.Popen(["make", "--no-print-directory", "check-step", str(number), "TARGET=solutions"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        return process.wait(timeout=300)
    except BaseException:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        raise


def bench_checks(client, images, pins):
    """Warm `make check-step N TARGET=solutions` (images already built) next to its floor, CHECK_RUNS
    rounds taken in turns; the medians and their ratio."""
    env = {key: value for key, value in os.environ.items() if key != "WORKSHOP_RUN_ID"}
    env["WORKSHOP_LANG"] = "en"
    runs = {}
    for round_number in range(1, CHECK_RUNS + 1):
        say(f"… warm checks and their floors, round {round_number}/{CHECK_RUNS}")
        for step in course.steps():
            started = time.monotonic()
            code = run_check(step.number, env)
            seconds = time.monotonic() - started  # the prompt is back; the check's reaper goes on removing
            reaper.wait_for_reapers()  # the floor is taken on a quiet engine, as the check was
            bare = floor(client, step.number, images, pins)
            found = runs.setdefault(step.folder, {"passed": True, "check": [], "floor": []})
            found["passed"] = found["passed"] and code == 0
            found["check"].append(seconds)
            if bare is not None:
                found["floor"].append(bare)
    checks = {}
    for folder, found in runs.items():
        seconds, bare = median(found["check"]), median(found["floor"]) if found["floor"] else None
        checks[folder] = {"passed": found["passed"], "check_s": round(seconds, 2),
                          "floor_s": round(bare, 2) if bare is not None else None,
                          "ratio": round(seconds / bare, 1) if bare else None,
                          "check_runs_s": [round(run, 2) for run in found["check"]]}
    return checks


def copy_of_solutions(tmp):
    """A copy of solutions/ to change (no virtualenvs or caches)."""
    copy = Path(tmp) / "solutions"
    shutil.copytree(ROOT / "solutions", copy, ignore=shutil.ignore_patterns(".venv", "__pycache__", ".git"))
    return copy


def forget_image(client, target, number):
    """Remove the cached image a check of a copy left (its folder is gone after the bench)."""
    try:
        client.images.remove(containers.cache_tag(target / course.find(number).folder, course.find(number)))
    except docker.errors.APIError:
        pass


def bench_cold(client, env):
    """The first check of step 03's solution after its requirements changed: pip install fetches the
    packages again (what a fresh machine pays, the base image aside). Reported, not targeted."""
    number = min(in_containers())
    with tempfile.TemporaryDirectory(prefix="workshop-bench-") as tmp:
        target = copy_of_solutions(tmp)
        with open(target / course.find(number).folder / "requirements.txt", "a") as handle:
            handle.write(f"# cold check {labels.RUN_ID}\n")
        say(f"… cold check of step {number:02d} (pip install runs again)")
        started = time.monotonic()
        code = subprocess.run([sys.executable, "-m", "checker", "check", str(number), "--target", str(target)],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        seconds = time.monotonic() - started
        reaper.wait_for_reapers()  # its containers go before its image does
        forget_image(client, target, number)
    return {"step": f"{number:02d}", "check_s": round(seconds, 2), "passed": code == 0}
