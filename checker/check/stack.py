"""A compose project as a check sees it once it runs: `up` with a failure that names the service that
is not up and why, the roles of its services, and the environment of its containers.

Step 06's checks use it, and so does the check `make new-step` writes after a compose step
(checks/conftest.py gives them the `project` fixture).
"""

from checker.check.compose import ConfigInvalid
from checker.text.failures import CheckFailure, both, expect, quoted, tail

BUILD_SECONDS = 600  # a first build installs the requirements
UP_SECONDS = 60      # `up --wait` gives up after this

WEB = ("web", "web ")
REDIS = ("Redis", "Redis ")


def role(name, what):
    """"the web service `name`" in both languages; `what` is WEB or REDIS."""
    return both(f"the {what[0]} service `{name}`", f"{what[1]}服务 `{name}`")


def load_config(project):
    """The learner's file as Compose reads it, or a CheckFailure quoting Compose and their own lines."""
    try:
        return project.load_config()
    except ConfigInvalid as error:
        raise CheckFailure("code", both(
            f"`docker compose config` rejects {project.file.name}: {quoted(error.reason)}",
            f"`docker compose config` 不接受 {project.file.name}：{quoted(error.reason)}"),
            fix="compose-invalid", log=error.lines) from None


def find_services(project):
    """Set project.web and project.redis by what the services are, or a CheckFailure naming the missing one."""
    project.find_services()
    # the app's image comes from the Dockerfile next to compose.yaml, not from a registry
    expect(project.web, "code", both(
        "no service is built from the step folder: the app's service needs `build: .`",
        "没有任何服务由步骤目录构建：应用的服务需要 `build: .`"), fix="web-service")
    # Redis runs the course's image, under whatever service name you chose
    expect(project.redis, "code", both("no service runs the redis image", "没有任何服务运行 redis 镜像"),
           fix="redis-service")


def why_not_up(project):
    """(service, its role, what is wrong with it, its log, whether it exited) of the first one not up."""
    for name, what in ((project.redis, REDIS), (project.web, WEB)):
        container = project.container(name)
        if container is None:
            return name, what, both("was never created", "根本没有被创建"), "", False
        container.reload()
        state = container.attrs["State"]
        health = state.get("Health") or {}
        last = (health.get("Log") or [{}])[-1]
        probe = tail(last.get("Output", ""), 4)
        restarts = container.attrs.get("RestartCount", 0)
        if restarts:
            # the restart policy starts a crashing container again and again: it is never healthy
            return name, what, both(f"keeps exiting (its restart policy started it again {restarts} time(s))",
                                    f"反复退出（重启策略已经把它重启了 {restarts} 次）"), project.logs(name, 16), True
        if state.get("Status") in ("exited", "dead") or state.get("Restarting"):
            code = state.get("ExitCode")
            return name, what, both(f"exited with code {code}", f"以退出码 {code} 退出了"), project.logs(name), True
        if health.get("Status") not in (None, "healthy"):
            return name, what, both(
                f"is {health['Status']} (last probe: exit code {last.get('ExitCode', '?')})",
                f"状态是 {health['Status']}（最后一次探测：退出码 {last.get('ExitCode', '?')}）"), \
                "\n".join(part for part in (probe, project.logs(name, 6)) if part), False
    return None


def come_up(project, build_seconds=BUILD_SECONDS, up_seconds=UP_SECONDS):
    """`docker compose build`, then `up --wait`; a CheckFailure naming the first service not up and why.
    The file is read and its services found first when no check did it before."""
    if project.config is None:
        load_config(project)
    if project.web is None or project.redis is None:
        find_services(project)
    built = project.build(build_seconds)
    # the app's image builds from your Dockerfile, as `docker compose build` does it
    expect(built.returncode == 0, "build", both("`docker compose build` failed", "`docker compose build` 失败了"),
           fix="build-failed", log=tail(built.stdout + built.stderr, 12))
    up = project.up(up_seconds)
    if up.returncode != 0:
        found = why_not_up(project)
        if found:
            name, what, state, log, exited = found
            raise CheckFailure("container", both(
                f"`docker compose up --wait` failed: {role(name, what)['en']} {state['en']}",
                f"`docker compose up --wait` 失败：{role(name, what)['zh']} {state['zh']}"),
                fix="redis-unhealthy" if what is REDIS else "web-exited" if exited else "web-unhealthy", log=log)
        raise CheckFailure("container", both("`docker compose up --wait` failed", "`docker compose up --wait` 失败了"),
                           fix="compose-up", log=tail(up.stderr, 10))


def environment(container):
    """{name: value} of a container's environment, as its configuration has it."""
    return dict(item.split("=", 1) for item in container.attrs["Config"].get("Env") or [] if "=" in item)


def redis_host(project):
    """REDIS_HOST as the web container has it (the image's default when compose.yaml sets none)."""
    return environment(project.container(project.web)).get("REDIS_HOST", "localhost")
