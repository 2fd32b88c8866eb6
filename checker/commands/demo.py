"""`make demo`: the finished app (the solution of the step marked `demo = true` in workshop.toml) with
Redis, in containers, on localhost.

It builds the solution's image, starts Redis (with the solution's redis.conf and a named volume
when it has one) and the web app on one network, publishes the app on localhost:DEMO_PORT
(5000), performs the chapter's /set and /get, and keeps it all running until Ctrl-C; then it
removes every container, network and volume it made (they carry this run's labels).

DEMO=compose runs the last solution that has a compose.yaml through `docker compose` instead (the
checker's override gives it this run's labels and publishes the app on localhost:DEMO_PORT).
"""

import os
import signal
import socket
import sys
import time

import requests

from checker import ROOT
from checker.engine import labels
from checker.workshop import course
from checker.text.failures import tail
from checker.text.messages import msg

KEY, VALUE = "imooc", "imooc.com"
REDIS_ALIAS = "redis"


def solution_step(wanted=None):
    """The step to demonstrate: DEMO_STEP if given, else the one marked `demo = true` in workshop.toml."""
    step = course.find(wanted) if wanted else course.demo_step()
    return [step] if step else []


def port_busy(port):
    """Whether something on this machine already has `port` on localhost."""
    from checker.commands.doctor import listener

    if listener(port):
        return True
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def parse_port(text):
    try:
        port = int(text)
    except ValueError:
        return None
    return port if 0 < port < 65536 else None


def start_redis(client, network, folder):
    """Redis on the network as `redis`; with the solution's redis.conf and a named volume if it has one."""
    from checker.check import deploy
    from checker.engine import containers

    conf = folder / "redis.conf"
    image = course.images()["redis"]
    if not conf.is_file():
        print(msg("demo.redis", image=image, extra=""), flush=True)
        return deploy.start_redis(network, aliases=(REDIS_ALIAS,))
    volume = containers.volume(client)
    print(msg("demo.redis", image=image, extra=msg("demo.redis_volume", volume=volume.name)), flush=True)
    return deploy.start_redis(network, volume, conf, aliases=(REDIS_ALIAS,))


def start_web(image, network, port):
    """The app's container, published on 127.0.0.1:`port`, answering HTTP."""
    from testcontainers.core.container import DockerContainer

    from checker.engine import containers
    from checker.engine.client import client_kwargs

    print(msg("demo.web", port=port), flush=True)
    web = DockerContainer(image.id, docker_client_kw=client_kwargs(), labels=labels.for_this_run(),
                          env={"REDIS_HOST": REDIS_ALIAS, "REDIS_PORT": "6379"})
    web.ports[str(containers.WEB_PORT)] = ("127.0.0.1", port)
    web.with_network(network).with_network_aliases("web")
    web.waiting_for(containers.HttpReady(60))
    return web.start()


def show_request(port, path, expected):
    """Print the curl command for `path` and the app's answer, as a learner would see them."""
    print(f'$ curl "http://localhost:{port}{path}"')
    try:
        answer = requests.get(f"http://127.0.0.1:{port}{path}", timeout=10).text.strip()
    except requests.RequestException as error:
        answer = str(error)
    print(answer)
    if answer != expected:
        print(msg("demo.unexpected", expected=expected))
    return answer == expected


def run(step, port):
    """Build, start, show, wait for Ctrl-C; the exit code."""
    import docker

    from checker.engine import containers
    from checker.commands.plumbing import engine_or_exit
    from checker.engine.client import reason
    from checker.text.failures import CheckFailure
    from checker.engine.images import missing

    client = engine_or_exit()
    for name in missing(client):
        print(msg("images.missing", name=name), file=sys.stderr)
        return 2
    labels.set_purpose("demo")
    labels.sweep_orphans(client)
    folder = ROOT / "solutions" / step.folder
    signal.signal(signal.SIGTERM, _interrupt)
    code = 0
    try:
        print(msg("demo.building", folder=f"solutions/{step.folder}"), flush=True)
        started = time.monotonic()
        image = containers.build(client, folder, step)
        if sys.__stdout__.isatty():
            sys.__stdout__.write("\r\033[2K")  # the build's last live progress line
        print(msg("demo.built", seconds=time.monotonic() - started), flush=True)
        network = containers.network()
        start_redis(client, network, folder)
        start_web(image, network, port)
        serve_until_interrupted(port)
    except KeyboardInterrupt:
        print()
    except CheckFailure as failure:
        report(failure)
        code = 1
    except docker.errors.APIError as error:
        print(msg("demo.failed", layer=msg("layer.container"), message=error.explanation or error), file=sys.stderr)
        code = 1
    except (docker.errors.DockerException, requests.RequestException) as error:  # the engine went away
        print(msg("demo.failed", layer=msg("layer.container"), message=reason(error)), file=sys.stderr)
        code = 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not stop the clean-up
        print(msg("demo.stopping"), flush=True)
        code = clean_up(client) or code
    return code


def run_compose(step, port):
    """DEMO=compose: the step's own compose.yaml, `up --wait` with the web port on localhost:`port`."""
    from checker.check import compose
    from checker.commands.plumbing import engine_or_exit
    from checker.text.failures import CheckFailure, both

    folder = ROOT / "solutions" / step.folder
    if compose.find_file(folder) is None:
        print(msg("demo.no_compose", folder=f"solutions/{step.folder}"), file=sys.stderr)
        return 2
    client = engine_or_exit()
    labels.sweep_orphans(client)
    project = compose.Project(client, folder, step)
    project.host_port = port
    signal.signal(signal.SIGTERM, _interrupt)
    code = 0
    try:
        version = compose.preflight()
        print(msg("demo.compose_up", folder=f"solutions/{step.folder}", version=f"Compose {version}",
                  project=project.name), flush=True)
        project.load_config()
        if not project.find_services():
            raise CheckFailure("checker", both(
                f"{project.file.name} has no service built from . and one running redis",
                f"{project.file.name} 里要有一个由 . 构建的服务和一个运行 redis 的服务，现在没有"))
        for result in (project.build(), project.up()):
            if result.returncode != 0:
                raise CheckFailure("container", both("docker compose failed", "docker compose 失败了"),
                                   log=tail(result.stdout + result.stderr, 12))
        serve_until_interrupted(port)
    except KeyboardInterrupt:
        print()
    except compose.ConfigInvalid as error:
        print(msg("demo.failed", layer=msg("layer.code"), message=f"docker compose config: {error.reason}"),
              file=sys.stderr)
        code = 1
    except compose.ComposeUnavailable as error:
        print(msg("demo.failed", layer=msg("layer.checker"), message=f"docker compose: {error}"), file=sys.stderr)
        code = 1
    except CheckFailure as failure:
        report(failure)
        code = 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not stop the clean-up
        print(msg("demo.stopping"), flush=True)
        project.down()
        code = clean_up(client) or code
    return code


def serve_until_interrupted(port):
    """Show the chapter's /set and /get against the running app, then wait for Ctrl-C."""
    print()
    show_request(port, f"/set?key={KEY}&value={VALUE}", f"OK. We have set {KEY} to be {VALUE}")
    show_request(port, f"/get?key={KEY}", VALUE)
    print()
    print(msg("demo.running", port=port), flush=True)
    while True:
        signal.pause()


def report(failure):
    """A CheckFailure as the demo tells it: the layer, the message and the quoted log."""
    print(msg("demo.failed", layer=msg("layer." + failure.layer), message=failure.message), file=sys.stderr)
    for line in failure.log.splitlines():
        print(f"    │ {line}", file=sys.stderr)


def clean_up(client):
    """Remove what this run made; 1 (with the way out) if the engine no longer answers."""
    sweep = labels.sweep_this_run(client)
    if sweep.problems:  # the engine went away meanwhile: say so instead of a traceback
        print(msg("demo.cleanup_failed", reason="; ".join(sweep.problems)), file=sys.stderr)
        return 1
    print(msg("demo.removed", n=sweep.count), flush=True)
    return 0


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def cmd_demo(args):
    port = parse_port(args.port)
    if port is None:
        print(msg("demo.bad_port", value=args.port), file=sys.stderr)
        return 2
    if args.mode == "compose":
        steps = solution_step(args.step) if args.step else [
            step for step in reversed(course.steps()) if (ROOT / "solutions" / step.folder / "compose.yaml").is_file()][:1]
        if not steps:
            print(msg("demo.no_solution"), file=sys.stderr)
            return 2
        if port_busy(port):
            print(msg("demo.port_busy", port=port, other=port + 1), file=sys.stderr)
            return 2
        return run_compose(steps[0], port)
    steps = solution_step(args.step)
    if args.step and not steps:
        from checker.commands.plumbing import resolve_step

        resolve_step(args.step, "demo DEMO_STEP=")
    if not steps:
        print(msg("demo.no_solution"), file=sys.stderr)
        return 2
    if not (ROOT / "solutions" / steps[0].folder / "Dockerfile").is_file():
        print(msg("demo.no_dockerfile", folder=f"solutions/{steps[0].folder}"), file=sys.stderr)
        return 2
    if port_busy(port):
        print(msg("demo.port_busy", port=port, other=port + 1), file=sys.stderr)
        return 2
    return run(steps[0], port)


def add_parser(sub):
    command = sub.add_parser("demo", help="run the finished app on localhost until Ctrl-C")
    command.add_argument("--port", default=os.environ.get("DEMO_PORT") or "5000")
    command.add_argument("--step", default=os.environ.get("DEMO_STEP") or None,
                         help="demonstrate this step's solution instead of the one marked demo = true")
    command.add_argument("--mode", choices=("run", "compose"), default=os.environ.get("DEMO") or "run",
                         help="compose: run the solution's compose.yaml with docker compose (DEMO=compose)")
    command.set_defaults(func=cmd_demo)
