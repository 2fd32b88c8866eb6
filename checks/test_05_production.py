"""Step 05: a production-fit image: gunicorn, no debug, not root, a healthcheck, Redis that keeps its data."""

import re
import time
from concurrent.futures import wait

import pytest

from checker.check import contract
from checker.engine import containers, sizes
from checker.workshop import course
from checker.check.deploy import SECOND, Deployment, Scenario, conf_lines, redis_env, remove
from checker.text.failures import both, expect, tail
from checks.helpers_05_production import (THREADS, WORKERS, config, debug_switched_off, directive_lines,
                                          environment, gunicorn_processes, gunicorn_threads, health_of,
                                          keys_read_back, probes_since, redis_frozen,
                                          redis_stopped_then_back, shown_json, user_id, write_durable_keys)

USER_ID = "10001"    # the fixed user id the README and the starter's TODO give
MAX_GROWTH_MB = 150  # what the image may add on top of python:3.13-slim
PROBE_NS = SECOND // 2  # how often the engine runs the image's own HEALTHCHECK (engines before API 1.44)
PROBE_RETRIES = 3       # failed probes in a row, while the app answers, that make the container unhealthy
HEALTHY_WITHIN = 30     # seconds the container has to become healthy


def test_requirements_are_pinned(folder):
    """requirements.txt pins every package with `==`, gunicorn included
    zh: requirements.txt 用 `==` 固定每个包的版本，包括 gunicorn
    """
    path = folder / "requirements.txt"
    expect(path.is_file(), "code", both(f"there is no requirements.txt in {folder}", f"{folder} 里没有 requirements.txt"),
           fix="file-missing")
    lines = [line.split("#")[0].strip() for line in path.read_text().splitlines()]
    lines = [line for line in lines if line]
    loose = [line for line in lines if not re.fullmatch(r"[A-Za-z0-9_.\-\[\],]+==[A-Za-z0-9_.\-+!]+", line)]
    # an unpinned line installs whatever is newest on the day of the build
    expect(not loose, "code", both(f"requirements.txt has lines without an exact version: {', '.join(loose)}",
                                   f"requirements.txt 里这几行没有用 == 固定版本：{', '.join(loose)}"),
           fix="pin-requirements")
    names = {re.split(r"[=\[]", line)[0].lower() for line in lines}
    # the production server is a dependency like any other
    expect("gunicorn" in names, "code", both("requirements.txt does not list gunicorn", "requirements.txt 里没有 gunicorn"),
           fix="gunicorn-missing")


def test_dockerignore_exists(folder):
    """a .dockerignore keeps caches and local files out of the build context
    zh: 有 .dockerignore，把缓存和本地文件挡在构建上下文之外
    """
    path = folder / ".dockerignore"
    patterns = [line.strip() for line in path.read_text().splitlines()] if path.is_file() else []
    patterns = [line for line in patterns if line and not line.startswith("#")]
    # without it, `COPY . .` ships __pycache__, virtualenvs and secrets into the image
    expect(patterns, "build", both(f"there is no .dockerignore (or it is empty) in {folder}",
                                   f"{folder} 里没有 .dockerignore（或者它是空的）"), fix="dockerignore")


def test_redis_conf_keeps_data(folder):
    """redis.conf turns on the append-only file and lets the web container connect
    zh: redis.conf 打开了 AOF 持久化，并允许 web 容器连接
    """
    expect((folder / "redis.conf").is_file(), "redis", both(f"there is no redis.conf in {folder}",
                                                            f"{folder} 里没有 redis.conf"),
           fix="redis-conf-missing")
    directives = conf_lines(folder / "redis.conf")
    settings = directive_lines(folder, "appendonly")
    shown = ", ".join(f"line {number}: `{line}`" for number, line in settings)
    shown_zh = "、".join(f"第 {number} 行 `{line}`" for number, line in settings)
    # an `appendonly yes` that a later line takes back: Redis keeps the last one it reads
    said_yes = any(line.split()[1:2] and line.split()[1].strip("\"'").lower() == "yes" for _, line in settings)
    expect(directives.get("appendonly") == ["yes"] or not said_yes,
           "redis", both(f"redis.conf sets appendonly more than once ({shown}); the last one wins, so the "
                         "append-only file is off", f"redis.conf 多次设置了 appendonly（{shown_zh}）；以最后一行为准，"
                         "所以 AOF 是关闭的"), fix="aof-overridden")
    # without AOF, everything written since the last snapshot is lost when Redis is killed
    appendonly = " ".join(directives.get("appendonly", []))
    expect(directives.get("appendonly") == ["yes"], "redis",
           both(f"redis.conf sets appendonly to {appendonly} ({shown})" if settings
                else "redis.conf has no appendonly line, so it is off (the default)",
                f"redis.conf 里 appendonly 是 {appendonly}（{shown_zh}）" if settings
                else "redis.conf 里没有 appendonly 这一行，所以它是关闭的（默认值）"), fix="aof-off")
    fsync = " ".join(directives.get("appendfsync", []))
    # `everysec` (the default) acknowledges a write up to a second before it is on disk: a killed Redis loses it
    expect(directives.get("appendfsync") == ["always"], "redis",
           both(f"redis.conf sets appendfsync to {fsync or 'everysec (the default)'}: a write is acknowledged "
                "before it is on disk", f"redis.conf 里 appendfsync 是 {fsync or 'everysec（默认值）'}："
                "写入还没落盘，Redis 就已经确认了"), fix="aof-fsync")
    # protected mode (the default) refuses every client that is not on Redis's own loopback
    expect(directives.get("protected-mode") == ["no"] or "requirepass" in directives, "redis",
           both("redis.conf keeps protected mode on without a password: the web container would be refused",
                "redis.conf 没有设密码，却保留了保护模式（protected-mode）：web 容器会被拒绝连接"),
           fix="redis-conf-network")
    bind = directives.get("bind", ["*"])
    # a bind to loopback only cannot be reached from another container
    expect(not all(address.lstrip("-") in ("127.0.0.1", "::1", "localhost") for address in bind), "redis",
           both(f"redis.conf binds Redis to {' '.join(bind)} only", f"redis.conf 让 Redis 只监听 {' '.join(bind)}"),
           fix="redis-conf-network")


@pytest.mark.usefixtures("outages")  # Redis's outages start on their own deployment as soon as the image exists
def test_image_builds(image):
    """the image builds from your Dockerfile
    zh: 你的 Dockerfile 能构建出镜像
    """
    expect(image is not None, "build", both("the build produced no image", "构建没有产出镜像"), fix="build-failed")


def test_user_is_not_root(engine, image):
    """the image runs as a user other than root
    zh: 镜像不用 root 用户运行
    """
    user = (config(image).get("User") or "").split(":")[0]
    # an attacker who gets into the app gets the app's user; root can do anything in the container
    expect(user not in ("", "root", "0"), "build",
           both(f"the image's user is {user or 'not set (so root)'}",
                f"镜像的用户是 {user}" if user else "镜像没有设置用户（所以是 root）"), fix="runs-as-root")
    if not user.isdigit():
        passwd = containers.image_file(engine, image.id, "/etc/passwd") or ""
        # a name the engine cannot look up stops every container of the image before it starts
        expect(user in {line.split(":")[0] for line in passwd.splitlines()}, "build",
               both(f"the image's USER is {user}, but no user of that name exists in the image (/etc/passwd)",
                    f"镜像的 USER 是 {user}，但镜像里没有这个用户（/etc/passwd 中没有）"), fix="user-missing")
    uid = user if user.isdigit() else user_id(passwd, user)
    # an id useradd picks by itself depends on the users created before: files on volumes change owner
    expect(uid == USER_ID, "build", both(f"the image's user {user} has the id {uid}, expected the fixed id {USER_ID}",
                                         f"镜像的用户 {user} 的 ID 是 {uid}，应为固定的 {USER_ID}"), fix="user-id")


def test_healthcheck_is_defined(image):
    """the image has a HEALTHCHECK that runs without curl
    zh: 镜像有 HEALTHCHECK，而且不靠 curl
    """
    test = (config(image).get("Healthcheck") or {}).get("Test") or []
    # without a healthcheck the engine only knows whether the process runs, not whether it answers
    expect(test and test[0] != "NONE", "build", both("the image has no HEALTHCHECK", "镜像没有 HEALTHCHECK"),
           fix="no-healthcheck")
    command = " ".join(test[1:])
    # python:3.13-slim ships neither curl nor wget: such a probe fails forever
    expect(not re.search(r"\b(curl|wget)\b", command), "build",
           both(f"the HEALTHCHECK runs `{command}`, a tool the slim image does not have",
                f"HEALTHCHECK 执行的是 `{command}`，而 slim 镜像里没有这个工具"), fix="healthcheck-curl")
    # the probe asks the route made for it, which also reports Redis
    expect("/health" in command, "build", both(f"the HEALTHCHECK runs `{command}`, which does not ask /health",
                                               f"HEALTHCHECK 执行的是 `{command}`，没有请求 /health"),
           fix="healthcheck-path")


def test_no_debug_in_image(image):
    """nothing in the image turns Flask's debug mode on
    zh: 镜像里没有任何地方打开 Flask 的调试模式
    """
    env = environment(image)
    flags = {name: env[name] for name in ("FLASK_DEBUG", "FLASK_ENV") if name in env}
    shown = ", ".join(f"{k}={v}" for k, v in flags.items())
    # FLASK_DEBUG=1 (or FLASK_ENV=development) makes Flask run in debug mode, under any server
    expect(not any(value.lower() not in ("", "0", "false", "no", "production") for value in flags.values()),
           "build", both(f"the image sets {shown}", f"镜像设置了 {shown}"), fix="debug-on")
    command = " ".join((config(image).get("Entrypoint") or []) + (config(image).get("Cmd") or []))
    # `flask run --debug` starts the interactive debugger
    expect("--debug" not in command.split(), "build", both(f"the image starts `{command}`", f"镜像的启动命令是 `{command}`"),
           fix="debug-on")


def test_python_is_unbuffered(image):
    """PYTHONUNBUFFERED is set, so log lines reach `docker logs` at once
    zh: 设置了 PYTHONUNBUFFERED，日志一写出来就能在 `docker logs` 里看到
    """
    # a buffered stdout holds log lines back until a buffer fills or the process ends
    expect(environment(image).get("PYTHONUNBUFFERED", "") not in ("", "0"), "build",
           both("PYTHONUNBUFFERED is not set in the image", "镜像里没有设置 PYTHONUNBUFFERED"), fix="unbuffered")


def test_no_flask_app(image):
    """the image leaves out step 04's FLASK_APP: gunicorn is told the app on its command line
    zh: 镜像里去掉了第 04 步的 FLASK_APP：gunicorn 在命令行上就知道应用在哪
    """
    env = environment(image)
    # a leftover setting for a server the image no longer runs misleads whoever reads the image
    expect("FLASK_APP" not in env, "build", both(f"the image still sets FLASK_APP={env.get('FLASK_APP')}",
                                                 f"镜像里还设置着 FLASK_APP={env.get('FLASK_APP')}"),
           fix="flask-app-left")


def test_image_is_small(engine, image):
    """the image adds little on top of python:3.13-slim
    zh: 镜像在 python:3.13-slim 的基础上只多出很少的体积
    """
    base = course.images()["python"]
    # unpacked sizes, the same on every image store
    growth = sizes.unpacked_mb(engine, image) - sizes.unpacked_mb(engine, base)
    # compilers, apt lists and pip's cache belong in no runtime image
    expect(growth < MAX_GROWTH_MB, "build", both(
        f"the image is {growth:.0f} MB larger than {base} (at most {MAX_GROWTH_MB} MB)",
        f"镜像比 {base} 大了 {growth:.0f} MB（最多只能大 {MAX_GROWTH_MB} MB）"),
        fix="image-size")


@pytest.fixture(scope="module")
def web_env():
    """Redis on the network, and the gunicorn worker and thread counts the check then looks for."""
    return {**redis_env(), "GUNICORN_WORKERS": str(WORKERS), "GUNICORN_THREADS": str(THREADS)}


@pytest.fixture(scope="module")
def web_options(engine):
    """The image's own healthcheck command, probed often so the check need not wait long."""
    return {"healthcheck": containers.quick_probes(engine, PROBE_NS, PROBE_RETRIES, HEALTHY_WITHIN * SECOND)}


@pytest.mark.usefixtures("keys_written", "contract_kept", "inspected")  # all go on while the engine probes
def test_becomes_healthy(deployment):
    """the web container becomes `healthy`
    zh: web 容器的状态变为 `healthy`
    """
    deadline = time.monotonic() + HEALTHY_WITHIN
    state, _ = deployment.web_state()
    # probes that ran while the app was still starting do not count against it
    seen = {probe.get("Start") for probe in (state.get("Health") or {}).get("Log") or []}
    failed = []
    while time.monotonic() < deadline and state.get("Health", {}).get("Status") != "healthy":
        new = probes_since(state.get("Health") or {}, seen)
        seen.update(probe.get("Start") for probe in new)
        failed = [] if any(probe.get("ExitCode") == 0 for probe in new) else failed + new
        if len(failed) >= PROBE_RETRIES:
            break  # as many failed probes in a row as make a container unhealthy, all while the app answers
        time.sleep(0.1)
        state, _ = deployment.web_state()
    health = state.get("Health") or {}
    last = (health.get("Log") or [{}])[-1]
    code = last.get("ExitCode", "?")
    status = health.get("Status")
    # the engine ran the image's own HEALTHCHECK often; the last probe's output says why it failed
    expect(status == "healthy", "container", both(
           f"the HEALTHCHECK failed {len(failed)} times in a row while the app answered (last probe: exit code {code})"
           if len(failed) >= PROBE_RETRIES else
           f"the container is {status or 'without health status'} (last probe: exit code {code})",
           f"HEALTHCHECK 在应用正常应答时连续失败了 {len(failed)} 次（最后一次探测的退出码：{code}）"
           if len(failed) >= PROBE_RETRIES else
           f"容器的状态是 {status or '无健康状态'}（最后一次探测的退出码：{code}）"),
           fix="unhealthy", log=tail(last.get("Output", ""), 6))


def test_served_by_gunicorn(deployment):
    """responses come from gunicorn, not from Flask's development server
    zh: 响应来自 gunicorn，而不是 Flask 自带的开发服务器
    """
    server = deployment.get("/").headers.get("Server", "")
    # Werkzeug's server is single-process and says itself it is not for production
    expect("gunicorn" in server.lower(), "container",
           both(f"responses carry `Server: {server or '(none)'}`, expected gunicorn",
                f"响应头是 `Server: {server or '（无）'}`，应为 gunicorn"), fix="dev-server")


def test_health_reports_redis(deployment):
    """/health answers JSON that reports Redis as up
    zh: /health 返回 JSON，其中 Redis 的状态是 up
    """
    status, body = health_of(deployment)
    # the route the healthcheck calls also says whether the app can reach Redis
    expect(status == 200 and isinstance(body, dict) and body.get("redis") == "up", "code",
           both(f"/health answered {status} {shown_json(body, '(not JSON)')}",
                f"/health 返回了 {status} {shown_json(body, '（不是 JSON）')}"),
           fix="health-route", log=deployment.web_log())


@pytest.fixture(scope="module")
def inspected(deployment):
    """Debug mode and gunicorn's processes looked at inside your web container, in the background."""
    # `docker exec` starts a Python each time: these go on while the engine probes and the keys are written
    scenario = Scenario(lambda: deployment, Deployment.stop, [debug_switched_off, gunicorn_processes, gunicorn_threads])
    yield scenario
    scenario.close()


@pytest.mark.usefixtures("durability")  # the deployment's Redis is not needed up by the checks above any more
def test_debug_is_off(inspected):
    """debug mode is off: no debugger, `app.debug` is False in the container
    zh: 调试模式是关着的：容器里没有调试器，`app.debug` 是 False
    """
    inspected.part(0)


def test_workers_come_from_environment(inspected):
    """gunicorn starts as many workers as GUNICORN_WORKERS says
    zh: gunicorn 按 GUNICORN_WORKERS 的值启动相应数量的工作进程
    """
    inspected.part(1)


def test_threads_come_from_environment(inspected):
    """gunicorn's settings take the thread count from GUNICORN_THREADS
    zh: gunicorn 的配置从 GUNICORN_THREADS 读取线程数
    """
    inspected.part(2)


@pytest.fixture(scope="module")
def outages(image, redis_conf, web_env):
    """Your image and Redis on a network of their own, where Redis is stopped, then frozen, in the background."""
    def start():
        network = containers.network()
        try:
            # one worker is enough to see Redis go and come back, and starts sooner next to the other deployment
            env = {**web_env, "GUNICORN_WORKERS": "1"}
            return Deployment(image, network, conf=redis_conf, env=env).__enter__()
        except BaseException:
            remove(network)
            raise

    def stop(running):
        running.stop()
        remove(running.network)

    # once Redis came back from both, nothing uses this deployment: its containers go before the check ends
    scenario = Scenario(start, stop, [redis_stopped_then_back, redis_frozen, Deployment.stop])
    yield scenario
    scenario.close()


@pytest.fixture(scope="module")
def keys_written(deployment):
    """The 1000 keys written through your app, in the background while the checks go on."""
    scenario = Scenario(lambda: deployment, Deployment.stop, [write_durable_keys])
    yield scenario
    scenario.close()


@pytest.fixture(scope="module")
def contract_kept(deployment):
    """The /set and /get contract checked on your app, in the background while the checks go on."""
    scenario = contract.in_background(lambda: deployment, Deployment.stop)
    yield scenario
    scenario.close()


@pytest.fixture(scope="module")
def durability(deployment, keys_written, contract_kept, inspected):
    """Redis recreated on its volume and the 1000 keys read back, in the background while Redis's outages run."""
    def start():
        wait(contract_kept.outcomes)  # nothing else needs this Redis any more
        keys_written.part(0)  # the keys were written, or the reason they were not is this check's failure
        return deployment

    def done(running):
        wait(inspected.outcomes)  # nor the web container, once the looks inside it are done too
        running.stop()

    # once the keys are read back nothing uses the deployment: it goes before the check ends
    scenario = Scenario(start, Deployment.stop, [keys_read_back, done])
    yield scenario
    scenario.close()


def test_redis_stopped_then_back(outages):
    """Redis stopped: 503 with a message; Redis started again: 200, same web container
    zh: Redis 停掉时返回 503 和一句说明；Redis 重新启动后恢复 200，web 容器无需重启
    """
    # on a deployment of its own, run while the checks above ran
    outages.part(0)


def test_redis_frozen_is_503(outages):
    """Redis frozen (paused): 503 after the client's time-outs, not a request that hangs
    zh: Redis 被冻结（docker pause）时，客户端超时后返回 503，请求不会一直卡住
    """
    outages.part(1)


def test_keys_survive_new_redis_container(durability):
    """1000 keys written through the app survive Redis killed, removed and recreated on its volume
    zh: 通过应用写入的 1000 个键，在 Redis 容器被杀掉、删除、用同一个卷重建之后，一个不少
    """
    durability.part(0)


def test_contract(contract_kept):
    """/set and /get behave like a dictionary kept in Redis, for any key and value and from any client
    zh: 对任意键和值、任意客户端，/set 和 /get 的行为都像一个保存在 Redis 中的字典
    """
    # checked in the background while the keys were written; gunicorn's workers answer in turn: a value
    # one of them keeps for itself shows up here
    contract_kept.part(0)
