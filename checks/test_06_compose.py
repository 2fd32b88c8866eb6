"""Step 06: the whole deployment as one compose.yaml, run for real with `docker compose`."""

import fnmatch
import shlex
import time
from pathlib import Path

import requests

from checker.check import compose, contract
from checker.workshop import course
from checker.check.compose import ComposeUnavailable
from checker.check.deploy import stored_and_served
from checker.check.stack import BUILD_SECONDS, REDIS, UP_SECONDS, WEB, come_up, find_services, load_config, redis_host
from checker.text.failures import CheckFailure, both, expect, tail

KEY, VALUE = "imooc", "imooc.com"          # the chapter's example
RESTART_POLICIES = ("always", "unless-stopped", "on-failure")
LOOPBACK = ("127.0.0.1", "::1", "localhost")
SOURCE = "hello.py"                        # the file of the app's code a watch rule must cover


# --- the file and the CLI ------------------------------------------------------------------------

def test_compose_file_exists(folder):
    """there is a compose.yaml in the step folder
    zh: 步骤目录里有 compose.yaml
    """
    # `docker compose` looks for compose.yaml first (compose.yml, docker-compose.yaml also work)
    expect(compose.find_file(folder) is not None, "code",
           both(f"there is no compose.yaml in {folder}", f"{folder} 里没有 compose.yaml"), fix="compose-missing")


def test_compose_reaches_the_engine(project):
    """`docker compose` runs and reaches the container engine
    zh: `docker compose` 能运行，并且连得上容器引擎
    """
    try:
        compose.preflight()
    except ComposeUnavailable as error:
        # the rest of the step needs the compose CLI talking to the engine the checker uses
        raise CheckFailure("checker", both(
            f"`docker compose` cannot run your file here ({error}): the Compose v2 plugin of the docker CLI "
            "must be installed and able to talk to the same engine as the checker (on Podman, its "
            "Docker-compatible socket in DOCKER_HOST).",
            f"这里无法用 `docker compose` 运行你的文件（{error}）：需要安装 docker CLI 的 Compose v2 插件，"
            "并且它要连到检查程序使用的同一个引擎（Podman 下要把 DOCKER_HOST 指向它的 Docker 兼容套接字）。"),
            fix="compose-unavailable") from None


def test_compose_file_is_valid(project):
    """`docker compose config` accepts the file
    zh: `docker compose config` 能解析这个文件
    """
    # a YAML or schema error is shown with your own lines
    load_config(project)


def test_services_are_found(project):
    """one service is built from this folder (`build: .`), one runs redis:8
    zh: 有一个服务由本目录构建（`build: .`），有一个服务运行 redis:8
    """
    # the app's image comes from the Dockerfile next to compose.yaml; Redis runs the course's image
    find_services(project)
    image = project.services()[project.redis]["image"]
    wanted = course.images()["redis"]
    # another tag would need a registry; the course's image is already on your machine
    expect(compose.image_repository(image) + ":" + image.split(":")[-1] == wanted or image == wanted, "code",
           both(f"the Redis service `{project.redis}` runs {image}, the course uses {wanted}",
                f"Redis 服务 `{project.redis}` 使用 {image}，而课程用的是 {wanted}"), fix="redis-image")


def test_web_is_published_on_loopback_only(project):
    """the app is published on 127.0.0.1 only
    zh: 应用只发布在 127.0.0.1 上
    """
    ports = project.services()[project.web].get("ports") or []
    # without a published port nothing outside the project's network reaches the app
    expect(ports, "network", both(f"the web service `{project.web}` publishes no port",
                                  f"web 服务 `{project.web}` 没有发布端口"), fix="web-published")
    everywhere = [port for port in ports if (port.get("host_ip") or "0.0.0.0") not in LOOPBACK]
    shown = ", ".join(f"{port.get('host_ip') or '0.0.0.0'}:{port.get('published') or '?'}->{port['target']}"
                      for port in everywhere)
    # a port without an address is open to every machine that reaches yours
    expect(not everywhere, "network", both(
        f"the web service `{project.web}` is published on every interface: {shown}",
        f"web 服务 `{project.web}` 发布在所有网卡上：{shown}"), fix="web-published")
    project.web_port = next((port["target"] for port in ports if port["target"] == 5000), ports[0]["target"])


def test_redis_publishes_nothing(project):
    """Redis publishes no port on the host
    zh: Redis 没有在宿主机上发布任何端口
    """
    ports = project.services()[project.redis].get("ports") or []
    shown = ", ".join(f"{port.get('host_ip') or '0.0.0.0'}:{port.get('published') or '?'}->{port['target']}"
                      for port in ports)
    # the app reaches Redis over the project's network; a published Redis is open to the host (or more)
    expect(not ports, "network", both(f"the Redis service `{project.redis}` publishes {shown}",
                                      f"Redis 服务 `{project.redis}` 发布了 {shown}"), fix="redis-published")


def mounts(project, service):
    return project.services()[service].get("volumes") or []


def test_redis_uses_your_conf(project, folder):
    """Redis gets your redis.conf mounted and is started with it
    zh: Redis 挂载了你的 redis.conf，并用它启动
    """
    conf = (Path(folder) / "redis.conf").resolve()
    binds = [mount for mount in mounts(project, project.redis) if mount.get("type") == "bind"]
    mine = [mount for mount in binds if Path(mount["source"]).resolve() == conf]
    others = ", ".join(mount["source"] for mount in binds)
    # the file must come from the step folder; a missing source becomes an empty directory
    expect(mine, "redis", both(
        f"the Redis service `{project.redis}` does not mount {conf.name} of the step folder"
        + (f" (it mounts {others})" if others else ""),
        f"Redis 服务 `{project.redis}` 没有挂载步骤目录里的 {conf.name}" + (f"（挂载的是 {others}）" if others else "")),
        fix="redis-conf")
    target = mine[0]["target"]
    service = project.services()[project.redis]
    words = []
    for key in ("entrypoint", "command"):
        value = service.get(key) or []
        words += shlex.split(value) if isinstance(value, str) else list(value)
    # redis-server reads a config file only when it is given on its command line
    expect(target in words, "redis", both(
        f"the Redis service `{project.redis}` mounts redis.conf at {target} but its command does not name it"
        f" (command: {' '.join(words) or 'the image default'})",
        f"Redis 服务 `{project.redis}` 把 redis.conf 挂载到了 {target}，但启动命令里没有用它"
        f"（命令：{' '.join(words) or '镜像默认命令'}）"), fix="redis-conf")
    # Redis can rewrite the file it was started with (CONFIG REWRITE): your copy stays yours with `:ro`
    expect(mine[0].get("read_only"), "redis", both(
        f"the Redis service `{project.redis}` mounts redis.conf writable (no `:ro` at the end of the line)",
        f"Redis 服务 `{project.redis}` 挂载的 redis.conf 是可写的（那一行末尾没有 `:ro`）"), fix="redis-conf-ro")
    project.conf_target = target


def test_redis_data_on_named_volume(project):
    """Redis keeps /data on a named volume
    zh: Redis 的 /data 放在具名卷上
    """
    found = [mount for mount in mounts(project, project.redis) if mount.get("target") == "/data"]
    declared = project.config.get("volumes") or {}
    named = [mount for mount in found if mount.get("type") == "volume" and mount.get("source") in declared]
    source = found[0].get("source") if found else None
    what = f"{found[0].get('type')} {source or '(anonymous)'}" if found else "nothing"
    what_zh = f"挂载的是 {found[0].get('type')} {source or '（匿名卷）'}" if found else "什么也没有挂载"
    # an anonymous volume is left behind by `down` and a new one is made by the next `up`: the data is lost
    expect(named, "redis", both(
        f"the Redis service `{project.redis}` mounts {what} at /data, not a volume declared under `volumes:`",
        f"Redis 服务 `{project.redis}` 在 /data 上{what_zh}，应该挂载在顶层 `volumes:` 里声明的卷"),
        fix="redis-volume")


def test_health_checks_on_both(project):
    """Redis has a health check, and the web service's is not switched off
    zh: Redis 有健康检查，web 服务的健康检查也没有被关闭
    """
    for name, what, fix in ((project.redis, REDIS, "redis-healthcheck"), (project.web, WEB, "web-healthcheck")):
        health = project.services()[name].get("healthcheck")
        off = health is not None and (health.get("disable") or health.get("test") == ["NONE"])
        # the redis image has no HEALTHCHECK of its own; the app's image has one, which compose may refine
        missing = off or (name == project.redis and not (health or {}).get("test"))
        expect(not missing, "container", both(
            f"the {what[0]} service `{name}` has no health check",
            f"{what[1]}服务 `{name}` 没有健康检查"), fix=fix)


def test_web_waits_for_healthy_redis(project):
    """the web service starts once Redis is healthy (`condition: service_healthy`)
    zh: web 服务在 Redis 健康之后才启动（`condition: service_healthy`）
    """
    depends = project.services()[project.web].get("depends_on") or {}
    condition = (depends.get(project.redis) or {}).get("condition")
    # `depends_on: [redis]` only waits until the container has started, not until Redis answers
    expect(condition == "service_healthy", "container", both(
        f"the web service `{project.web}` waits for `{project.redis}` with condition {condition or '(none)'}",
        f"web 服务 `{project.web}` 等待 `{project.redis}` 的条件是 {condition or '（无）'}"), fix="depends-on-healthy")


def test_restart_policy(project):
    """both services have a restart policy
    zh: 两个服务都有重启策略
    """
    for name in (project.web, project.redis):
        service = project.services()[name]
        policy = service.get("restart") or ((service.get("deploy") or {}).get("restart_policy") or {}).get(
            "condition")
        # without one, a crash or a reboot of the engine leaves the service down
        expect(policy and policy.split(":")[0] in RESTART_POLICIES + ("any",), "container", both(
            f"the service `{name}` has restart policy {policy or '`no` (the default)'}",
            f"服务 `{name}` 的重启策略是 {policy or '`no`（默认值）'}"), fix="restart-policy")


# --- the running project -------------------------------------------------------------------------------

def test_stack_comes_up(project):
    """`docker compose up --wait` builds and starts everything, healthy, within 60 s
    zh: `docker compose up --wait` 在 60 秒内构建并启动全部服务，且都健康
    """
    come_up(project, BUILD_SECONDS, UP_SECONDS)


def test_web_is_healthy(project):
    """the web service is `healthy`
    zh: web 服务的状态是 `healthy`
    """
    container = project.container(project.web)
    container.reload()
    health = container.attrs["State"].get("Health") or {}
    # `up --wait` waits for healthy only where there is a health check
    expect(health.get("Status") == "healthy", "container", both(
        f"the web service `{project.web}` is {health.get('Status', 'without health status')}",
        f"web 服务 `{project.web}` 的状态是 {health.get('Status', '无健康状态')}"), fix="web-healthcheck")


def test_redis_host_reaches_redis(project):
    """REDIS_HOST, inside the web container, is the Redis service's address
    zh: 在 web 容器里，REDIS_HOST 解析到 Redis 服务的地址
    """
    host = redis_host(project)
    address = project.resolve_in_web(host)
    code = 0 if address else 1
    redis = project.container(project.redis)
    addresses = [net.get("IPAddress") for net in redis.attrs["NetworkSettings"]["Networks"].values()]
    # on the project's network every service name is a host name; REDIS_HOST must be Redis's
    expect(code == 0 and address in addresses, "network", both(
        f"REDIS_HOST={host} in the web container " + (f"resolves to {address}" if code == 0 else "resolves to nothing")
        + f", the Redis service `{project.redis}` is at {', '.join(filter(None, addresses))}",
        f"web 容器里的 REDIS_HOST={host} " + (f"解析到 {address}" if code == 0 else "无法解析")
        + f"，而 Redis 服务 `{project.redis}` 的地址是 {', '.join(filter(None, addresses))}"), fix="redis-host")


def test_redis_runs_with_your_conf(project):
    """the running Redis read your redis.conf (append-only file on)
    zh: 运行中的 Redis 读取了你的 redis.conf（AOF 已开启）
    """
    config_file = (project.ask_redis(lambda client: client.info("server")) or {}).get("config_file", "")
    # Redis says which file it was started with
    expect(config_file == project.conf_target, "redis", both(
        f"Redis runs with config file {config_file or '(none)'}, not {project.conf_target}",
        f"Redis 使用的配置文件是 {config_file or '（无）'}，而不是 {project.conf_target}"), fix="redis-conf")
    appendonly = (project.ask_redis(lambda client: client.config_get("appendonly")) or {}).get("appendonly", "?")
    expect(appendonly == "yes", "redis", both(f"the running Redis has appendonly={appendonly}",
                                             f"运行中的 Redis 的 appendonly={appendonly}"), fix="redis-conf")


def test_set_and_get(project):
    """the chapter's /set and /get answer as in the chapter, and the value is in Redis
    zh: 教程里的 /set 和 /get 给出教程里的结果，而且值确实存进了 Redis
    """
    # the round trip of step 04, now through compose: the value is read back from Redis itself too
    stored_and_served(project, KEY, VALUE, host=redis_host(project))


def test_data_survives_down_and_up(project):
    """the value survives `docker compose down` and `up` (without -v)
    zh: 执行 `docker compose down` 再 `up`（不加 -v）之后，值依然还在
    """
    project.remember_volumes()
    down = project.cli("down", "--timeout", "10", timeout=90)
    expect(down.returncode == 0, "container", both("`docker compose down` failed", "`docker compose down` 失败了"),
           fix="compose-up", log=tail(down.stderr, 6))
    up = project.up(UP_SECONDS)
    expect(up.returncode == 0, "container", both("`docker compose up --wait` failed the second time",
                                                 "第二次 `docker compose up --wait` 失败了"),
           fix="compose-up", log=tail(up.stderr, 10))
    stored = (project.redis_get(KEY) or b"").decode()
    # containers are gone after `down`; only what is on a named volume is still there
    expect(stored == VALUE, "redis", both(
        f"after `down` and `up`, Redis holds {repr(stored) if stored else 'nothing'} under {KEY}",
        f"`down` 再 `up` 之后，Redis 中 {KEY} " + (f"的值是 {stored!r}" if stored else "已经没有值了")), fix="data-lost")
    answer = project.get("/get", key=KEY)
    expect(answer.status_code == 200 and answer.text.strip() == VALUE, "code", both(
        f"after `down` and `up`, /get?key={KEY} answered {answer.status_code} {answer.text[:100]!r}",
        f"`down` 再 `up` 之后，/get?key={KEY} 返回了 {answer.status_code} {answer.text[:100]!r}"), fix="data-lost")


def test_redis_stopped_then_back(project):
    """Redis stopped: 503; Redis started again: 200, without restarting the web container
    zh: Redis 停止时返回 503；Redis 重新启动后返回 200，web 容器无需重启
    """
    web = project.container(project.web)
    before = (web.attrs["State"].get("StartedAt"), web.attrs.get("RestartCount", 0))
    redis = project.container(project.redis)
    redis.stop(timeout=5)
    try:
        answer = project.get("/get", key=KEY)
    except requests.Timeout:
        answer = None
    # a value answered while Redis is away came from somewhere else: a copy kept in the app
    expect(answer is None or answer.status_code != 200, "code", both(
        "with Redis stopped /get still answered 200 with the value: the app keeps values outside Redis, so a "
        "value changed in Redis is not seen",
        "Redis 停止时 /get 仍然返回 200 和那个值：应用在 Redis 之外留了一份值，Redis 里的值变了它也看不到"),
        fix="contract-stale", log=project.logs(project.web, 8))
    # the app tells its client that Redis is away instead of failing or hanging
    expect(answer is not None and answer.status_code == 503, "code", both(
        "with Redis stopped /get " + (f"answered {answer.status_code}" if answer is not None else "gave no answer in 15 s")
        + ", expected 503",
        "Redis 停止时 /get " + (f"返回了 {answer.status_code}" if answer is not None else "15 秒内没有响应")
        + "，应为 503"), fix="redis-down", log=project.logs(project.web, 8))
    redis.start()
    deadline, status = time.monotonic() + 20, None
    while time.monotonic() < deadline and status != 200:
        try:
            status = project.get("/get", key=KEY).status_code
        except requests.RequestException:
            status = None
        if status != 200:
            time.sleep(0.1)
    web.reload()
    after = (web.attrs["State"].get("StartedAt"), web.attrs.get("RestartCount", 0))
    # the client reconnects by itself; nobody restarts the app
    expect(status == 200 and after == before, "code", both(
        f"20 s after Redis came back /get answers {status}" + ("" if after == before else ", and the web container was restarted"),
        f"Redis 恢复 20 秒后 /get 返回 {status}" + ("" if after == before else "，而且 web 容器被重启过")),
        fix="redis-recover", log=project.logs(project.web, 8))


def test_contract(project):
    """/set and /get keep to the contract under generated keys and values, Redis checked directly
    zh: 用生成的键和值检验 /set 与 /get 的约定，并直接核对 Redis
    """
    client = project.redis_client()
    try:
        # the same contract as steps 02-05, against the stack your compose.yaml describes
        contract.check(project.url(""), client)
    finally:
        client.close()


def watch_rules(project):
    """The web service's `develop.watch` rules that cover hello.py, with the path each rule gives it."""
    source = project.folder / SOURCE
    found = []
    for rule in ((project.services()[project.web].get("develop") or {}).get("watch") or []):
        path = Path(rule.get("path") or "").resolve()
        if path != source and path not in source.parents:
            continue
        inside = source.relative_to(path).as_posix() if path != source else ""
        # an `ignore` pattern leaves hello.py out of the rule
        if inside and any(fnmatch.fnmatch(inside, pattern.rstrip("/")) or fnmatch.fnmatch(SOURCE, pattern)
                          for pattern in rule.get("ignore") or []):
            continue
        found.append((rule, inside))
    return found


def test_watch_syncs_the_code(project):
    """`develop.watch` of the web service puts a saved hello.py into the running app
    zh: web 服务的 `develop.watch` 会把保存后的 hello.py 送进正在运行的应用
    """
    rules = watch_rules(project)
    # without a rule, `docker compose watch` refuses: "none of the selected services is configured for watch"
    expect(rules, "code", both(
        f"the web service `{project.web}` has no `develop.watch` rule for {SOURCE}",
        f"web 服务 `{project.web}` 没有针对 {SOURCE} 的 `develop.watch` 规则"), fix="develop-watch")
    workdir = project.container(project.web).attrs["Config"].get("WorkingDir") or "/"
    wrong = []
    for rule, inside in rules:
        action, target = rule.get("action"), (rule.get("target") or "").rstrip("/")
        expected = workdir.rstrip("/") if inside else f"{workdir.rstrip('/')}/{SOURCE}"
        # a rebuild makes a new image with the code; a sync must land where the image keeps the code,
        # and gunicorn reads the code only when it starts
        if action == "rebuild" or (action == "sync+restart" and target == expected):
            return
        wrong.append(f"{action} → {target or '?'}")
    expect(False, "code", both(
        f"the web service's watch rules for {SOURCE} ({', '.join(wrong)}) do not reach the app: it runs from "
        f"{workdir} and loads the code when it starts",
        f"web 服务针对 {SOURCE} 的 watch 规则（{'，'.join(wrong)}）到不了应用：应用在 {workdir} 里运行，"
        "而且只在启动时加载代码"), fix="watch-sync")


def test_nothing_left_after_down(project):
    """`docker compose down -v` leaves no container, network or volume of the project
    zh: `docker compose down -v` 之后，项目的容器、网络和卷都不再存在
    """
    project.down()
    left = project.leftovers()
    # the check cleans up after itself, as your `down -v` does
    expect(not left, "checker", both(f"left behind: {', '.join(left)}", f"残留：{', '.join(left)}"), fix="compose-up")
