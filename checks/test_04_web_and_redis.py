"""Step 04: the learner's image next to a Redis container, found by network alias, by link and by REDIS_HOST."""

import uuid

import pytest

from checker.check import contract, warm
from checker.engine import containers
from checker.check.deploy import REDIS_ALIAS as ALIAS
from checker.check.deploy import Background, Deployment, answered, set_and_get, stored_and_served
from checker.engine.client import kind
from checker.text.failures import both, expect

KEY, VALUE = "imooc", "imooc.com"


@pytest.fixture(scope="module")
def web_env():
    """No REDIS_* variables in the web container: the image's defaults apply."""
    return {}


@pytest.fixture(scope="module", autouse=True)
def routed(image, network):
    """A second Redis under a name of its own and your app told its name by REDIS_HOST, started in the background."""
    kept = warm.redis_on(network, "routed")
    alias = warm.alias() if kept else f"cache-{uuid.uuid4().hex[:6]}"
    routed = Deployment(image, network, env={"REDIS_HOST": alias}, redis_aliases=(alias,), redis=kept)
    started = Background(lambda: restarted(routed.__enter__(), alias), lambda found: found[0].stop())
    started.alias = alias
    yield started
    started.close()


def restarted(running, alias):
    """/set a value, `docker restart` the web container, /get it again: (the deployment, that answer)."""
    answered(running, running.get("/set", key=KEY, value=VALUE), 200, "set-answer", alias)
    running.restart_web()
    return running, running.get("/get", key=KEY)


@pytest.fixture(scope="module", autouse=True)
def linked(engine, image, redis_container):
    """Your app linked to the shared Redis as `redis-host`, started in the background (None on Podman: no links)."""
    if kind(engine)[0] == "Podman":
        yield None
        return
    name = redis_container.get_wrapped_container().name
    started = Background(lambda: containers.start_web(image.id, links={name: ALIAS}), containers.discard)
    yield started
    started.close()


def test_image_builds(image):
    """the Dockerfile builds into an image
    zh: Dockerfile 能构建出镜像
    """
    # the fixture raised with the failing instruction and the build log if the build broke
    expect(image.id, "build", both("the build produced no image", "构建没有产出镜像"), fix="build-failed")


def test_redis_host_default(image):
    """the image's default REDIS_HOST is `redis-host`, so the chapter's `--link redis-test:redis-host` works
    zh: 镜像里 REDIS_HOST 默认是 `redis-host`，教程的 `--link redis-test:redis-host` 因此能用
    """
    env = dict(item.split("=", 1) for item in image.attrs["Config"].get("Env") or [])
    # ENV in the Dockerfile is the only way a container started with no -e option gets the name
    expect("REDIS_HOST" in env, "build", both("the image sets no REDIS_HOST (no ENV line for it in the Dockerfile)",
                                              "镜像没有设置 REDIS_HOST（Dockerfile 里没有对应的 ENV 行）"),
           fix="redis-host-default")
    # a line is there: its value must be the alias, not another name
    expect(env["REDIS_HOST"] == ALIAS, "build",
           both(f"the image sets REDIS_HOST={env['REDIS_HOST']!r}, expected {ALIAS!r}",
                f"镜像把 REDIS_HOST 设成了 {env['REDIS_HOST']!r}，应为 {ALIAS!r}"), fix="redis-host-wrong")


@pytest.fixture(scope="module")
def contract_kept(deployment):
    """The /set and /get contract checked on the deployment and a second web container on its Redis, in the
    background while the checks go on (its keys carry prefixes of their own)."""
    scenario = contract.in_background(lambda: deployment, lambda running: None, twins=True)
    yield scenario
    scenario.close()


@pytest.mark.usefixtures("contract_kept")  # starts once the deployment answers
def test_set_and_get_on_a_network(deployment):
    """on a user-defined network, /set and /get work and the value is in the Redis container
    zh: 在自定义网络上，/set 和 /get 正常工作，值存进了 Redis 容器
    """
    # /set, the value read from Redis itself, /get: each with its own hint
    stored_and_served(deployment, KEY, VALUE)


def test_restarted_web_keeps_data(routed):
    """after `docker restart` of the web container, /get still answers the value (it lives in Redis)
    zh: `docker restart` web 容器之后，/get 还能取回那个值（值在 Redis 里）
    """
    # the deployment started in the background (REDIS_HOST names its Redis) was restarted meanwhile
    deployment, response = routed.result()
    # a new process has an empty memory: only a value kept in Redis survives
    expect(response.status_code == 200 and response.text == VALUE, "code",
           both(f"after the restart /get?key={KEY} answered {response.status_code} {response.text[:100]!r}",
                f"重启之后 /get?key={KEY} 返回了 {response.status_code} {response.text[:100]!r}"),
           fix="lost-on-restart", log=deployment.web_log())


def test_redis_host_is_read(routed, deployment):
    """with REDIS_HOST=cache-… the app uses that Redis, not a host name written in the code
    zh: REDIS_HOST=cache-… 时，应用连的是那个 Redis，而不是代码里写死的主机名
    """
    alias = routed.alias
    key = f"routed-{uuid.uuid4().hex[:6]}"
    stored = set_and_get(routed.result()[0], key, "by REDIS_HOST", host=alias)
    elsewhere = deployment.redis_get(key)
    # the value must land in the Redis that REDIS_HOST names
    expect(stored == b"by REDIS_HOST", "code", both(
        f"with REDIS_HOST={alias} the value did not reach the Redis called {alias}"
        + (f"; it went to the one called {ALIAS}: that name is written in hello.py" if elsewhere else ""),
        f"设置了 REDIS_HOST={alias}，值却没有写进名为 {alias} 的 Redis"
        + (f"，而是写进了名为 {ALIAS} 的那个：这个名字是 hello.py 里写死的" if elsewhere else "")),
        fix="redis-host-ignored")


def test_legacy_link(linked, redis_container, redis_db, record_property):
    """as the chapter deploys it: `--link <redis>:redis-host` on the default bridge, no -e option
    zh: 按教程的方式部署：默认 bridge 网络上用 `--link <redis>:redis-host`，不加 -e 参数
    """
    if linked is None:
        # Podman's Docker API refuses links ("link is not supported"): nothing the learner could fix
        record_property("note", both("skipped: Podman has no --link; the network checks above stand for it",
                                     "已跳过：Podman 不支持 --link，上面几项网络检查已经覆盖了它"))
        pytest.skip("Podman refuses legacy links")
    linked = Deployment.around(linked.result(), redis_container)
    stored = set_and_get(linked, KEY, VALUE)
    # the link writes `redis-host` into the web container's /etc/hosts; the image's default does the rest
    expect(stored == VALUE.encode(), "redis", both(f"through the link, Redis holds {stored!r} under {KEY!r}",
                                                   f"通过 link 写入后，Redis 中键 {KEY!r} 的值是 {stored!r}"),
           fix="link-failed")
    response = linked.get("/get", key=KEY)
    answered(linked, response, 200, "link-failed")
    expect(response.text == VALUE, "code",
           both(f"/get answered {response.text[:100]!r}", f"/get 返回了 {response.text[:100]!r}"), fix="link-failed")


def test_contract(contract_kept):
    """/set and /get behave like a dictionary kept in Redis, for any key and value and from any client
    zh: 对任意键和值、任意客户端，/set 和 /get 的行为都像一个保存在 Redis 中的字典
    """
    # generated sequences of sets, direct Redis writes and reads, each compared with a dict
    contract_kept.part(0)
