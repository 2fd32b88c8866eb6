"""The override file the checker writes next to nothing of the learner's (in a temporary folder), given to
Compose after their compose.yaml: this run's labels on every container, network, volume and image; every
published port moved to a random port on 127.0.0.1; fixed names replaced by names inside the project;
no pulls; health probes every PROBE_INTERVAL, at START_INTERVAL during the start period where Compose and
the engine know it.
"""

import json

import docker

from checker.check.compose_cli import run_cli
from checker.engine import labels
from checker.engine.client import probes_at_start_interval, version_tuple

PROBE_INTERVAL = "1s"  # health probes while checking: the learner's interval may be 10 s or more
# Probes during the start period (the learner's, or the image's HEALTHCHECK --start-period): the first
# success there makes the service healthy, so `up --wait` goes on at once; after it, PROBE_INTERVAL.
START_INTERVAL = "100ms"
# The start period given where neither the file nor the image sets one (so that START_INTERVAL applies):
# one PROBE_INTERVAL, so the first failed probe that counts comes no sooner than without it.
START_PERIOD = PROBE_INTERVAL
START_INTERVAL_COMPOSE = (2, 20, 2)  # the first Compose whose file format knows start_interval


def write(project):
    """This run's labels, loopback random ports, project-scoped names, fast probes, no pulls."""
    mine = labels.for_this_run()
    fast_start = knows_start_interval(project)
    out = ["services:"]
    for name, service in project.services().items():
        out.append(f"  {q(name)}:")
        out.append(f"    labels: {json.dumps(mine)}")
        if service.get("container_name"):
            out.append("    container_name: !reset null")
        if name == project.redis and not service.get("ports"):
            # for the check's own client only (the learner's file publishes nothing, as checked)
            out.append(f"    ports: [{q('127.0.0.1::6379/tcp')}]")
        if service.get("ports"):
            out.append("    ports: !override")
            for index, port in enumerate(service["ports"]):
                target, protocol = port["target"], port.get("protocol") or "tcp"
                host = project.host_port if name == project.web and index == 0 and project.host_port else ""
                out.append(f"      - {q(f'127.0.0.1:{host}:{target}/{protocol}')}")
        if service.get("build"):
            # a tag of the project's own (a learner's `image:` would be shared by parallel runs); the
            # build cache keeps the layers, the image goes with the project
            out.append(f"    image: {q(project.image(name))}")
            out.append(f"    build: {{labels: {json.dumps(mine)}}}")
            out.append("    pull_policy: build")
        else:
            out.append("    pull_policy: never")
        health = service.get("healthcheck") or {}
        if name in (project.web, project.redis) and not health.get("disable") and health.get("test") != ["NONE"]:
            start = ""
            if fast_start:
                start = f", start_interval: {START_INTERVAL}"
                start += "" if has_start_period(project, name) else f", start_period: {START_PERIOD}"
            out.append(f"    healthcheck: {{interval: {PROBE_INTERVAL}{start}}}")
    for kind in ("networks", "volumes"):
        declared = {key: value for key, value in (project.config.get(kind) or {}).items()
                    if not (value or {}).get("external")}
        if declared:
            out.append(f"{kind}:")
            for key in declared:
                out.append(f"  {q(key)}:")
                out.append(f"    name: {q(f'{project.name}_{key}')}")
                out.append(f"    labels: {json.dumps(mine)}")
    project.override.write_text("\n".join(out) + "\n")

def knows_start_interval(project):
    """Whether Compose (2.20.2 on) and the engine (API 1.44 on) run health probes at a start interval."""
    if project.fast_start is None:
        answer = run_cli(["version", "--short"], timeout=20)
        plugin = version_tuple(answer.stdout.strip().lstrip("v").split("-")[0]) if answer.returncode == 0 else ()
        project.fast_start = plugin >= START_INTERVAL_COMPOSE and probes_at_start_interval(project.client)
    return project.fast_start

def has_start_period(project, name):
    """Whether the service's probes have a start period: from the file, else from its image's HEALTHCHECK
    (the engine takes each setting the file leaves out from the image)."""
    service = project.services()[name]
    if (service.get("healthcheck") or {}).get("start_period"):
        return True
    try:
        image = project.client.images.get(project.image(name) if service.get("build") else service.get("image"))
    except docker.errors.DockerException:
        return False  # not built yet: `up` writes the override again once it is
    return bool((image.attrs["Config"].get("Healthcheck") or {}).get("StartPeriod"))


def q(text):
    """A YAML scalar for any string (a JSON string is valid YAML)."""
    return json.dumps(str(text))
