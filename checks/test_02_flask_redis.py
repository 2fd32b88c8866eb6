"""Step 02: /set and /get keep values in a real Redis, with clear status codes."""

import time

import docker
import pytest
import requests

from checker.check import apps, contract, deploy
from checker.engine import containers
from checker.text.failures import CheckFailure, both, clip, expect

KEY, VALUE = "imooc", "imooc.com"
FROZEN_BOUND = 10  # seconds a request may take while Redis does not answer; 1 s timeouts and one retry take 2


@pytest.fixture(scope="module")
def module(folder):
    """What a runner process found importing the learner's hello.py with no REDIS_* variables set."""
    return apps.inspect(folder, unset=("REDIS_HOST", "REDIS_PORT"))


@pytest.fixture(scope="module")
def server(folder, redis_container):
    """The learner's app served by `flask run`, pointed at the shared Redis."""
    env = {"REDIS_HOST": redis_container.get_container_host_ip(),
           "REDIS_PORT": str(redis_container.get_exposed_port(6379))}
    with apps.LocalServer(folder, env=env) as running:
        yield running


def answered(server, response, status, fix):
    """Fail unless `response` has `status`; a 500 brings the app's traceback along."""
    if response.status_code != status:
        log = server.output() if response.status_code >= 500 else ""
        shown = f"{response.status_code} {response.text[:100]!r}"
        raise CheckFailure("code", both(f"GET {response.request.path_url} answered {shown}, expected {status}",
                                        f"GET {response.request.path_url} 返回了 {shown}，应为 {status}"),
                           fix=fix, log=clip(log, 1500))


def test_app_is_defined(module):
    """hello.py imports and defines `app = Flask(__name__)`
    zh: hello.py 能被导入，并定义了 `app = Flask(__name__)`
    """
    apps.flask_app(module)


def test_connection_defaults(module):
    """the Redis connection defaults to localhost:6379, db 0
    zh: Redis 连接的默认值是 localhost:6379、db 0
    """
    clients = module["redis_clients"]
    # a module-level client is how the chapter connects; read where it points
    expect(clients, "code", both("hello.py has no module-level redis.Redis(...) client",
                                 "hello.py 的模块顶层没有 redis.Redis(...) 客户端"), fix="redis-client")
    kwargs = clients[0]
    where = (kwargs.get("host"), int(kwargs.get("port") or 0), int(kwargs.get("db") or 0))
    expect(where == ("localhost", 6379, 0), "code",
           both(f"with no REDIS_HOST/REDIS_PORT set the client points at {where}, expected ('localhost', 6379, 0)",
                f"没有设置 REDIS_HOST/REDIS_PORT 时，客户端连的是 {where}，应为 ('localhost', 6379, 0)"),
           fix="redis-env")


def test_set_stores_in_redis(server, redis_db):
    """/set answers `OK. We have set K to be V` and the value is in Redis
    zh: /set 返回 `OK. We have set K to be V`，而且值已经写进 Redis
    """
    response = server.get("/set", key=KEY, value=VALUE)
    answered(server, response, 200, "set-route")
    # the chapter's exact confirmation text
    expect(response.text.strip() == f"OK. We have set {KEY} to be {VALUE}", "code",
           both(f"/set answered {response.text[:100]!r}", f"/set 返回了 {response.text[:100]!r}"), fix="set-text")
    # the value must be in Redis itself, not only in the app's memory
    stored = redis_db.get(KEY)
    expect(stored == VALUE.encode(), "redis", both(f"Redis holds {stored!r} under {KEY!r}, expected {VALUE!r}",
                                                   f"Redis 中键 {KEY!r} 的值是 {stored!r}，应为 {VALUE!r}"),
           fix="set-not-in-redis")


def test_get_reads_from_redis(server, redis_db):
    """/get answers the value that is in Redis, as plain UTF-8 text
    zh: /get 把 Redis 里的值以 UTF-8 纯文本返回
    """
    redis_db.set("written-by-the-check", "straight into Redis")
    response = server.get("/get", key="written-by-the-check")
    answered(server, response, 200, "get-not-from-redis")
    # a value written to Redis by someone else is visible: the app reads Redis, not a dict
    expect(response.text == "straight into Redis", "code",
           both(f"/get answered {response.text[:100]!r}", f"/get 返回了 {response.text[:100]!r}"),
           fix="get-bytes" if response.text.startswith("b'") else "get-not-from-redis")


def test_unicode_round_trip(server, redis_db):
    """Unicode keys and values go through /set, Redis and /get unchanged
    zh: 非 ASCII 的键和值经 /set 存进 Redis、再由 /get 读出，一字不差
    """
    key, value = "键-ключ-🔑", "值 ✓ ünïcödé"
    answered(server, server.get("/set", key=key, value=value), 200, "set-route")
    # Redis stores the UTF-8 bytes of what was sent
    expect(redis_db.get(key) == value.encode(), "redis",
           both(f"Redis holds {redis_db.get(key)!r}", f"Redis 里存的是 {redis_db.get(key)!r}"), fix="unicode")
    response = server.get("/get", key=key)
    answered(server, response, 200, "unicode")
    # and /get gives the same text back
    expect(response.text == value, "code", both(f"/get answered {response.text!r}, expected {value!r}",
                                                f"/get 返回了 {response.text!r}，应为 {value!r}"), fix="unicode")


def test_missing_parameters_are_400(server, redis_db):
    """missing key or value answers 400 with a message, and writes nothing
    zh: 缺少 key 或 value 时返回 400 和一句说明，而且什么也不写入
    """
    for path, params in (("/set", {"key": "only-key"}), ("/set", {"value": "only-value"}), ("/get", {})):
        response = server.get(path, **params)
        answered(server, response, 400, "missing-params")
        # a short message says what is missing
        expect(response.text.strip(), "code", both(f"{path} answered 400 with an empty body",
                                                   f"{path} 返回了 400，但响应体是空的"), fix="missing-params")
    # nothing was written for the half-given request
    expect(redis_db.dbsize() == 0, "redis", both(f"Redis has {redis_db.keys()} after requests that lacked a parameter",
                                                 f"发了几个缺参数的请求之后，Redis 里出现了 {redis_db.keys()}"),
           fix="missing-params")


def test_unknown_key_is_404(server, redis_db):
    """/get of a key that does not exist answers 404 with a message (not the chapter's 500)
    zh: /get 一个不存在的键，返回 404 和一句说明（教程的代码这里是 500）
    """
    response = server.get("/get", key="never-set")
    answered(server, response, 404, "unknown-key")
    expect(response.text.strip(), "code", both("/get answered 404 with an empty body", "/get 返回了 404，但响应体是空的"),
           fix="unknown-key")


def test_redis_down_is_503(folder):
    """with Redis unreachable, /set and /get answer 503 with a message, never a traceback
    zh: Redis 连不上时，/set 和 /get 返回 503 和一句说明，不会把 Python 的报错堆栈发给客户端
    """
    closed = str(apps.free_port())
    with apps.LocalServer(folder, env={"REDIS_HOST": "127.0.0.1", "REDIS_PORT": closed}) as down:
        for path, params in (("/set", {"key": "k", "value": "v"}), ("/get", {"key": "k"})):
            response = down.get(path, **params)
            answered(down, response, 503, "redis-down")
            # the body is a message for people, not a debugger page
            expect(response.text.strip() and "Traceback" not in response.text, "code",
                   both(f"{path} answered 503 with {response.text[:100]!r}", f"{path} 返回了 503，内容是 {response.text[:100]!r}"),
                   fix="redis-down")


def frozen_redis(folder, undo):
    """Your app on a Redis of its own that the check then freezes: the answer to /get, and how long it took.

    It runs in the background from the start of the checks (a frozen Redis is waited out, not skipped).
    """
    frozen = containers.start_redis()
    undo.append(lambda: containers.stop(frozen))
    env = {"REDIS_HOST": frozen.get_container_host_ip(), "REDIS_PORT": str(frozen.get_exposed_port(6379))}
    try:
        with apps.LocalServer(folder, env=env) as app:
            undo.append(app.stop)
            answered(app, app.get("/set", key=KEY, value=VALUE), 200, "set-route")
            frozen.get_wrapped_container().pause()
            started = time.monotonic()
            try:
                # a key the app never saw: only Redis could answer for it
                response = app.get("/get", key="asked-while-frozen", timeout=FROZEN_BOUND + 2)
            except requests.Timeout:
                response = None
            return app, response, time.monotonic() - started
    finally:
        try:
            frozen.get_wrapped_container().unpause()
        except docker.errors.APIError:
            pass  # not paused: the check failed before it froze Redis
        containers.stop(frozen)


@pytest.fixture(scope="module", autouse=True)
def frozen(folder):
    """Your app in front of a frozen Redis, asked for a key in the background while the other checks run."""
    started = deploy.soon(lambda undo: frozen_redis(folder, undo))
    yield started
    started.close()


def test_redis_frozen_is_503(frozen):
    """with Redis frozen (paused: it accepts connections and never answers), /get answers 503 within 10 s
    zh: Redis 被冻结（暂停：接受连接但从不应答）时，/get 在 10 秒内返回 503
    """
    app, response, waited = frozen.result()
    # without socket timeouts redis-py waits for an answer that never comes
    expect(response is not None and waited <= FROZEN_BOUND, "code",
           both(f"/get gave no answer within {waited:.0f} s while Redis was frozen",
                f"Redis 被冻结时，/get 在 {waited:.0f} 秒内没有应答"), fix="redis-timeouts")
    # the client's TimeoutError needs its handler, as ConnectionError does
    answered(app, response, 503, "redis-down")


def test_contract(server, redis_db):
    """/set and /get behave like a dictionary kept in Redis, for any key and value and from any client
    zh: 对任意键和值、任意客户端，/set 和 /get 的行为都像一个保存在 Redis 中的字典
    """
    # generated sequences of sets, direct Redis writes and reads, each compared with a dict
    contract.check(server.url, redis_db)
