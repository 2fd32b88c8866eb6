"""What every measurement of the bench shares: its output, the solutions' images it builds and pins for the
run, containers started bare with the docker CLI, waiting for them, free ports, medians."""

import socket
import subprocess
import time

import docker
import requests

from checker import ROOT
from checker.engine import builds, containers, labels
from checker.workshop import course
from checker.check.deploy import Deployment, redis_env, remove


PIN = "workshop-bench/"          # repository of the tags that keep the bench's images during the run


def say(text=""):
    print(text, flush=True)


def interrupt(signum, frame):
    raise KeyboardInterrupt


def deploy(client, image, folder, env=None, redis_conf=True):
    """A network, a volume, Redis on them (with the step's redis.conf if it has one), the web container; timed."""
    started = time.monotonic()
    conf = folder / "redis.conf"
    running = Deployment(image, containers.network(), containers.volume(client),
                         conf if redis_conf and conf.is_file() else None, {**redis_env(), **(env or {})})
    running.start()
    running.seconds = time.monotonic() - started
    return running


def undeploy(running):
    running.stop()
    remove(running.volume)
    remove(running.network)
    containers.reap()  # gone before the next scenario is measured


def solution(number):
    step = course.find(number)
    return step, ROOT / "solutions" / step.folder


def pinned_build(client, number, pins):
    """Build a solution's image and give it a tag of this run, so that a check running meanwhile
    (which rebuilds the same folder and removes the image it replaces) cannot remove it."""
    step, folder = solution(number)
    image = containers.build(client, folder, step)
    image.tag(f"{PIN}{step.folder}", labels.RUN_ID)
    pins.append(f"{PIN}{step.folder}:{labels.RUN_ID}")
    return client.images.get(pins[-1])


def available(client, number, images, pins):
    """images[number], built again if something outside the bench removed it meanwhile (`make clean`)."""
    try:
        client.images.get(images[number].id)
    except docker.errors.ImageNotFound:
        images[number] = pinned_build(client, number, pins)
    return images[number]


def unpin(client, pins):
    for tag in pins:
        try:
            client.images.remove(tag)
        except Exception:
            pass


def cli(*args):
    """The docker CLI, aimed at the engine the checker uses; its output."""
    done = subprocess.run(["docker", *args], check=True, capture_output=True, text=True, timeout=120,
                          env=builds._cli_environment())
    return done.stdout.strip()


def label_options():
    """--label options carrying this run's labels (the sweeps find what the floor leaves)."""
    return [f"--label={key}={value}" for key, value in labels.for_this_run().items()]


def published(container, port):
    """The 127.0.0.1 host port the engine published `port` of `container` on."""
    return int(cli("port", container, str(port)).splitlines()[0].rsplit(":", 1)[1])


def until(ready, timeout=60):
    """Poll `ready()` every 20 ms until it holds (errors count as not yet)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if ready():
                return
        except Exception:
            pass
        time.sleep(0.02)
    raise RuntimeError("the floor's containers did not answer within 60 s")


def pings(port):
    """Redis on 127.0.0.1:`port` answers PING."""
    with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
        connection.sendall(b"PING\r\n")
        return connection.recv(16).startswith(b"+PONG")


def answers(port):
    """Something on 127.0.0.1:`port` answers HTTP."""
    requests.get(f"http://127.0.0.1:{port}/", timeout=1)
    return True


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def in_containers():
    """The numbers of the steps whose solution has a Dockerfile: the bench builds each one's image."""
    return [step.number for step in course.steps() if (ROOT / "solutions" / step.folder / "Dockerfile").is_file()]


def median(values):
    ordered = sorted(values)
    return ordered[len(ordered) // 2]
