"""What step 05's checks do with the image and the deployment, by concern: the image's configuration and
users; the health probes and /health; gunicorn's workers, threads and debug switch, read inside the
container; answers while Redis is stopped or frozen; keys written through the app and read back after
Redis is recreated. The checks themselves, in the order a learner meets them, are test_05_production.py."""

import json
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from checker.engine import containers
from checker.check.deploy import Pool
from checker.text.failures import CheckFailure, both, expect

WORKERS = 3          # the web container is started with GUNICORN_WORKERS set to this
THREADS = 3          # and with GUNICORN_THREADS set to this (the README's default is 4)
KEYS = 1000          # keys written through the app before Redis is recreated
CLIENTS = 16         # HTTP clients writing and reading them at the same time (bounded: 1000 requests each way)


def directive_lines(folder, name):
    """[(line number, line)] of every `name` directive in the learner's redis.conf, in file order."""
    lines = (folder / "redis.conf").read_text().splitlines()
    return [(number, line.strip()) for number, line in enumerate(lines, 1)
            if line.split()[:1] and line.split()[0].lower() == name]


def config(image):
    """The image's configuration (User, Env, Cmd, Healthcheck...)."""
    return image.attrs.get("Config") or {}


def environment(image):
    """The image's ENV, as a dict."""
    return dict(item.split("=", 1) for item in config(image).get("Env") or [] if "=" in item)


def user_id(passwd, name):
    """The uid of `name` in the text of /etc/passwd, or None."""
    for line in passwd.splitlines():
        fields = line.split(":")
        if len(fields) > 2 and fields[0] == name:
            return fields[2]
    return None


def probes_since(health, seen):
    """The healthcheck results in `health`'s log that are not in `seen` (by start time), oldest first."""
    return [probe for probe in health.get("Log") or [] if probe.get("Start") not in seen]


def health_of(deployment):
    """/health's answer: (status code, parsed JSON or None)."""
    response = deployment.get("/health")
    try:
        return response.status_code, response.json()
    except ValueError:
        return response.status_code, None


def shown_json(body, otherwise):
    """/health's body for a failure message: its JSON, or `otherwise` when it was not JSON."""
    return json.dumps(body) if body is not None else otherwise


def debug_switched_off(deployment):
    """Neither the Werkzeug debugger nor `app.debug` is on in the running container."""
    probe = deployment.get("/", __debugger__="yes", cmd="resource", f="debugger.js")
    # the Werkzeug debugger runs Python code typed into the browser by whoever reaches it
    expect("javascript" not in probe.headers.get("Content-Type", ""), "container",
           both("the Werkzeug debugger answers requests", "Werkzeug 调试器在响应请求"), fix="debug-on")
    code, output = deployment.run_in_web("import hello; print(hello.app.debug)")
    # debug mode also shows internals in errors and may reload code; off is the only safe setting
    expect(not (code == 0 and output.splitlines()[-1:] == ["True"]), "code",
           both("hello.app.debug is True inside the container", "容器里的 hello.app.debug 是 True"), fix="debug-on")


def gunicorn_processes(deployment):
    """Count gunicorn's processes in the web container until there are WORKERS + 1 (10 s at most)."""
    # every process whose command line names gunicorn, except this counting one itself
    count_gunicorn = ("import os, pathlib; print(sum(b'gunicorn' in p.read_bytes() for p in "
                      "pathlib.Path('/proc').glob('[0-9]*/cmdline') if p.parent.name != str(os.getpid())))")
    deadline, count = time.monotonic() + 10, 0
    while time.monotonic() < deadline and count != WORKERS + 1:
        _, output = deployment.run_in_web(count_gunicorn)
        count = int(output) if output.isdigit() else 0
        time.sleep(0.1)
    # one master process plus the workers; the number is the operator's choice, not baked in
    expect(count == WORKERS + 1, "container", both(
           f"with GUNICORN_WORKERS={WORKERS} the container runs {count} gunicorn processes, expected "
           f"{WORKERS + 1} (the master and {WORKERS} workers)",
           f"GUNICORN_WORKERS={WORKERS} 时，容器里有 {count} 个 gunicorn 进程，应为 {WORKERS + 1} 个"
           f"（1 个主进程加 {WORKERS} 个工作进程）"), fix="workers-env", log=deployment.web_log())


def gunicorn_threads(deployment):
    """gunicorn.conf.py run the way gunicorn runs it, in the web container and its environment: its `threads`."""
    read_threads = "import runpy; print(runpy.run_path('gunicorn.conf.py').get('threads'))"
    code, output = deployment.run_in_web(read_threads)
    found = output.splitlines()[-1] if code == 0 and output else None
    # the operator sizes the threads for the machine, as the workers, without a rebuild
    expect(found == str(THREADS), "container", both(
           f"with GUNICORN_THREADS={THREADS} gunicorn.conf.py sets threads = {found}",
           f"GUNICORN_THREADS={THREADS} 时，gunicorn.conf.py 里 threads = {found}"), fix="threads-env",
           log=None if code == 0 else output)


def answers(deployment, path, status, fix, session=None, **params):
    """GET `path`; fail with `fix` unless it answers `status` (a time-out counts as no answer)."""
    try:
        response = deployment.get(path, session=session, **params)
    except requests.Timeout:
        raise CheckFailure("code", both(f"{path} gave no answer within 15 s while Redis did not respond",
                                        f"Redis 没有响应，{path} 等了 15 秒也没有回答"),
                           fix="redis-timeouts", log=deployment.web_log()) from None
    shown = f"{response.status_code} {response.text[:100]!r}"
    expect(response.status_code == status, "code",
           both(f"{path} answered {shown}, expected {status}", f"{path} 返回了 {shown}，应为 {status}"),
           fix=fix, log=deployment.web_log() if response.status_code >= 500 else None)
    return response


def redis_stopped_then_back(deployment):
    """Stop Redis: the app answers 503 with a sentence; start it again: 200, without a restart."""
    before, _ = deployment.web_state()
    answers(deployment, "/set", 200, "set-route", key="outage", value="before")
    deployment.redis.get_wrapped_container().stop(timeout=5)
    # /get of a key the app never set: only Redis could answer it, whatever the app remembers
    for path, params in (("/set", {"key": "outage", "value": "during"}), ("/get", {"key": "asked-while-down"})):
        response = answers(deployment, path, 503, "redis-down", **params)
        # a sentence for people, not an empty body or a traceback
        expect(response.text.strip() and "Traceback" not in response.text, "code",
               both(f"{path} answered 503 with {response.text[:100]!r}", f"{path} 返回了 503，内容是 {response.text[:100]!r}"),
               fix="redis-down")
    status, body = health_of(deployment)
    # the health route tells Redis's state instead of failing with it
    expect(isinstance(body, dict) and body.get("redis") == "down", "code",
           both(f"with Redis stopped /health answered {status} {shown_json(body, '(not JSON)')}",
                f"Redis 停掉后，/health 返回了 {status} {shown_json(body, '（不是 JSON）')}"),
           fix="health-route")
    deployment.redis.get_wrapped_container().start()
    deadline, status = time.monotonic() + 20, None
    while time.monotonic() < deadline and status != 200:
        status = deployment.get("/get", key="outage").status_code
        time.sleep(0.1)
    # redis-py opens new connections by itself; nobody restarts the web container
    expect(status == 200, "code", both(f"20 s after Redis came back /get still answers {status}",
                                       f"Redis 恢复 20 秒后，/get 仍然返回 {status}"),
           fix="redis-recover", log=deployment.web_log())
    after, restarts = deployment.web_state()
    expect(after.get("StartedAt") == before.get("StartedAt") and restarts == 0, "container",
           both("the web container was restarted while Redis was away", "Redis 停掉期间，web 容器被重启过"),
           fix="redis-recover")


def redis_frozen(deployment):
    """Pause Redis: the app answers 503 once its client times out."""
    deployment.redis.get_wrapped_container().pause()
    try:
        # without socket timeouts a request waits for an answer that never comes
        answers(deployment, "/get", 503, "redis-down", key="asked-while-frozen")
    finally:
        deployment.redis.get_wrapped_container().unpause()


def write_durable_keys(deployment):
    """Check that the running Redis read your redis.conf, then write KEYS keys through the app."""
    direct = containers.redis_client(deployment.redis)
    appendonly = next(iter(direct.config_get("appendonly").values()), None)
    fsync = next(iter(direct.config_get("appendfsync").values()), None)
    direct.close()
    # the running Redis must have read your redis.conf
    expect(appendonly in (b"yes", "yes"), "redis", both(f"the running Redis has appendonly={appendonly!r}",
                                                        f"运行中的 Redis 的 appendonly={appendonly!r}"), fix="aof-off")
    expect(fsync in (b"always", "always"), "redis", both(f"the running Redis has appendfsync={fsync!r}",
                                                         f"运行中的 Redis 的 appendfsync={fsync!r}"), fix="aof-fsync")
    # a few clients at once, as real traffic comes: Redis then syncs several writes with one fsync
    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(lambda share: write_keys(deployment, share), shares()))


def keys_read_back(deployment):
    """Recreate Redis on its volume, find every key written in it, and read each back through the app."""
    deployment.recreate_redis()
    direct = containers.redis_client(deployment.redis)
    stored = direct.mget([f"durable:{number}" for number in range(KEYS)])
    direct.close()
    lost = [number for number, value in enumerate(stored) if value != f"value {number}".encode()]
    # every write Redis acknowledged must be on the volume, not only in the killed process
    first = f"durable:{lost[0]}" if lost else ""
    expect(not lost, "redis", both(f"{len(lost)} of {KEYS} keys are gone after Redis was recreated (first: {first})",
                                   f"Redis 重建之后，{KEYS} 个键丢了 {len(lost)} 个（第一个是 {first}）"),
           fix="aof-lost")
    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(lambda share: read_keys(deployment, share), shares()))


def shares():
    """The key numbers 0..KEYS-1, dealt out to CLIENTS clients."""
    return [range(first, KEYS, CLIENTS) for first in range(CLIENTS)]


def write_keys(deployment, numbers):
    """/set each key through the app on one keep-alive connection; each must be acknowledged."""
    with Pool() as session:
        for number in numbers:
            answers(deployment, "/set", 200, "set-route", session, key=f"durable:{number}", value=f"value {number}")


def read_keys(deployment, numbers):
    """/get each key through the app; each must come back as written."""
    with Pool() as session:
        for number in numbers:
            response = deployment.get("/get", session=session, key=f"durable:{number}")
            # the same web container reads them from the new Redis
            if response.status_code != 200 or response.text != f"value {number}":
                shown = f"{response.status_code} {response.text[:80]!r}"
                raise CheckFailure("code", both(f"/get?key=durable:{number} answered {shown}",
                                                f"/get?key=durable:{number} 返回了 {shown}"),
                                   fix="redis-recover", log=deployment.web_log())
