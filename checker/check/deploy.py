"""A deployment as the checks, the demo and the bench make it: a network, Redis on a named volume
(configured by a redis.conf when there is one) and the app's web container next to it.

Any check from step 04 on uses it through the fixtures of checks/conftest.py (`network`, `volume`,
`deployment`...). URLs are asked for at the moment of each request, so they follow the web container
to the new host port the engine gives it after `docker restart`.
"""

import threading
import weakref
from collections import namedtuple
from concurrent.futures import Future, ThreadPoolExecutor

import requests
import urllib3

# Redis on the network: checks and the bench take these names from here too, with the deployment
from checker.check.redis_host import (DATA, REDIS_ALIAS, REDIS_CONF, REDIS_PORT, conf_lines, redis_env,
                                      remove, start_redis)
from checker.engine import containers
from checker.text.failures import CheckFailure, both, expect, tail

SECOND = 1_000_000_000  # the engine counts healthcheck intervals in nanoseconds


class Background:
    """Containers started in a thread while the check goes on: result() waits for them and raises their
    failure in the check that needs them; close() waits too, then stops what was started.

    `undo` is a list the work may fill with callables that end what it has made so far (a server, a
    container): close() calls them first when nobody took the result, so that a run that stopped early
    (a failed check, Ctrl-C) does not wait for work whose outcome no check will read.
    """

    def __init__(self, start, stop, undo=None):
        self._stop = stop
        self._undo = undo if undo is not None else []
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="workshop-start")
        self._future = self._pool.submit(start)
        self._taken = False
        _pending.add(self)

    def result(self):
        self._taken = True
        return self._future.result()

    def close(self):
        if not self._taken and not self._future.done():
            for end in reversed(self._undo):
                try:
                    end()
                except Exception:
                    pass  # already gone: the work then fails, as it should, and is not waited for long
        try:
            started = self._future.result()
        except BaseException:
            started = None  # a start that failed removed its own container
        finally:
            self._pool.shutdown()
            _pending.discard(self)
        if started is not None:
            self._stop(started)


class Scenario(Background):
    """A Background that goes on, once `start` returned, with `steps` in turn on what it started: part(n)
    waits for step n and raises its failure (or the start's) in the check that asks for it. A close()
    before the last step is done sets the threading.Event `closing` (for a step that can end early) and
    stops what was started, so that a step still waiting on it fails at once; no further step runs."""

    def __init__(self, start, stop, steps, closing=None):
        self.outcomes = [Future() for _ in steps]
        self.closing = closing or threading.Event()
        undo = [self.closing.set]

        def run():
            try:
                started = start()
            except BaseException as error:
                for outcome in self.outcomes:
                    outcome.set_exception(error)
                raise
            undo.insert(0, lambda: stop(started))  # after `closing` is set: undo runs last to first
            for step, outcome in zip(steps, self.outcomes):
                if self.closing.is_set():
                    outcome.cancel()
                    continue
                try:
                    outcome.set_result(step(started))
                except BaseException as error:
                    outcome.set_exception(error)
            return started

        super().__init__(run, stop, undo)

    def part(self, number):
        """What step `number` returned; its failure is raised here."""
        return self.outcomes[number].result()


_pending = weakref.WeakSet()


def soon(work):
    """Run `work(undo)` in the background from now on (see Background); the check that needs its
    outcome calls result(). `work` appends to `undo` what ends each thing it starts."""
    undo = []
    return Background(lambda: work(undo), lambda _: None, undo)


def settle():
    """Wait for every start still running in the background and stop what it started (before a sweep,
    so that no container appears after it)."""
    for started in list(_pending):
        started.close()


class Deployment:
    """Redis (on `volume`, with `conf` if given) and a web container of `image`, both on `network`.

    `env` is the web container's whole environment (redis_env() when None); Redis answers to
    `redis_aliases` on the network; `web_options` go to containers.start_web (e.g. healthcheck=...).
    The network and volume belong to the caller, and so does `redis` if given: a Redis already running
    on the network under those aliases (`make watch` keeps one), used instead of starting one.

    The helpers below (set_and_get, stored_and_served, answered) use only get(), web_log(),
    resolve_in_web() and redis_get(): a deployment made another way (e.g. by Compose) that provides
    these four can use them too.
    """

    def __init__(self, image, network, volume=None, conf=None, env=None, redis_aliases=(REDIS_ALIAS,),
                 redis=None, **web_options):
        self.image, self.network, self.volume, self.conf = image, network, volume, conf
        if redis is None and conf is None and tuple(redis_aliases) == (REDIS_ALIAS,):
            from checker.check import warm  # on the network `make watch` keeps, its Redis is the one called redis-host

            redis = warm.redis_on(network, "deployed")
        self.kept = redis
        self.env = redis_env() if env is None else env
        self.redis_aliases = tuple(redis_aliases)
        self.web_options = web_options
        self.redis = self.web = None
        self._base = None  # the web container's published address, asked again after a restart

    @classmethod
    def around(cls, web, redis):
        """A deployment of containers started elsewhere (e.g. linked on the default bridge)."""
        made = cls(None, None)
        made.web, made.redis = web, redis
        return made

    def start(self):
        """Start Redis, and the web container as soon as Redis's process runs (its name then resolves on
        the network): the app starts up while Redis gets ready. Both answer when this returns."""
        if self.kept is not None:
            self.redis = self.kept
            self.web = containers.start_web(getattr(self.image, "id", self.image), env=self.env,
                                            network=self.network, **self.web_options)
            return self
        running, started, failed = threading.Event(), [], []

        def redis_side():
            try:
                started.append(start_redis(self.network, self.volume, self.conf, self.redis_aliases, running))
            except BaseException as error:
                failed.append(error)
            finally:
                running.set()

        thread = threading.Thread(target=redis_side, daemon=True)
        thread.start()
        try:
            running.wait()
            if not failed:
                self.web = containers.start_web(getattr(self.image, "id", self.image), env=self.env,
                                                network=self.network, **self.web_options)
        finally:
            thread.join()
            self.redis = started[0] if started else None
        if failed:
            raise failed[0]  # Redis's own failure comes first: the web container depends on it
        return self

    def stop(self):
        """Remove both containers, at the same time and in the background (containers.discard)."""
        for container in (self.web, self.redis):
            if container not in (None, self.kept):
                containers.discard(container)

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.stop()  # Redis started, the web container did not: nothing stays behind
            raise

    def __exit__(self, *exc):
        self.stop()

    # --- the web container ---

    def url(self, path="/"):
        """The address of `path` on the web container's published port, as it is now."""
        if self._base is None:
            self._base = containers.url(self.web, "")
        return self._base + path

    def get(self, path, session=None, timeout=15, **params):
        """GET `path` on the web container (through `session` if given)."""
        return (session or requests).get(self.url(path), params=params, timeout=timeout)

    def restart_web(self):
        """`docker restart` the web container; url() and get() follow it to its new host port."""
        self._base = None
        containers.restart(self.web)

    def web_state(self):
        """The web container's State and its RestartCount, as the engine reports them now."""
        wrapped = self.web.get_wrapped_container()
        wrapped.reload()
        return wrapped.attrs["State"], wrapped.attrs.get("RestartCount", 0)

    def web_log(self, lines=10):
        """The last lines of the web container's log, for a failure."""
        return tail(containers.logs(self.web), lines)

    def resolve_in_web(self, name):
        """The address `name` resolves to inside the web container, or None."""
        return containers.resolve(self.web, name)

    def run_in_web(self, code):
        """Run a Python snippet inside the web container; (exit code, output)."""
        result = self.web.get_wrapped_container().exec_run(["python", "-c", code])
        return result.exit_code, result.output.decode("utf-8", "replace").strip()

    # --- Redis ---

    def redis_get(self, key):
        """The value Redis itself holds under `key` (bytes, or None), read from the host."""
        client = containers.redis_client(self.redis)
        try:
            return client.get(key)
        finally:
            client.close()

    def recreate_redis(self):
        """Kill Redis (no chance to save), remove it, start a new one on the same volume and conf. The
        killed one has stopped when kill() returns: the new one starts while it is being removed."""
        self.redis.get_wrapped_container().kill()
        containers.discard(self.redis)
        self.redis = start_redis(self.network, self.volume, self.conf, self.redis_aliases)
        return self.redis


# --- many requests ----------------------------------------------------------------------------------

Answer = namedtuple("Answer", "status_code text headers")


class Pool:
    """A keep-alive HTTP client with the get() of a requests.Session, on urllib3 alone: far less CPU per
    request, for checks that send a thousand. A time-out or a refused connection raises as in requests."""

    def __init__(self):
        self._pool = urllib3.PoolManager(maxsize=1, retries=False)

    def get(self, url, params=None, timeout=None):
        try:
            answer = self._pool.request("GET", url, fields=params, timeout=timeout)
        except urllib3.exceptions.NewConnectionError as error:  # urllib3 counts it as a time-out too
            raise requests.ConnectionError(str(error)) from None
        except urllib3.exceptions.TimeoutError as error:
            raise requests.Timeout(str(error)) from None
        except urllib3.exceptions.HTTPError as error:
            raise requests.ConnectionError(str(error)) from None
        return Answer(answer.status, answer.data.decode("utf-8", "replace"), answer.headers)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._pool.clear()


# --- /set and /get through the app, the value read back from Redis ----------------------------------

def answered(deployment, response, status, fix, host=REDIS_ALIAS):
    """Fail unless `response` has `status`; a 503 says whether `host` resolves in the web container."""
    if response.status_code == status:
        return
    shown = f"{response.status_code} {response.text[:100]!r}"
    where = f"GET {response.request.path_url} answered {shown}, expected {status}"
    where_zh = f"GET {response.request.path_url} 返回了 {shown}，应为 {status}"
    if response.status_code == 503:
        address = deployment.resolve_in_web(host)
        if address:
            raise CheckFailure("code", both(
                f"{where}.\n`{host}` resolves to {address} inside the web container, yet the app did not reach "
                "Redis there: it does not connect to REDIS_HOST",
                f"{where_zh}。\n在 web 容器里 `{host}` 解析到 {address}，应用却没有连上那里的 Redis：它没有去连 "
                "REDIS_HOST 指定的主机"), fix="redis-host-ignored", log=deployment.web_log())
        raise CheckFailure("network", both(f"{where}.\n`{host}` does not resolve inside the web container",
                                           f"{where_zh}。\n在 web 容器里解析不了 `{host}`"),
                           fix="redis-unreachable", log=deployment.web_log())
    raise CheckFailure("code", both(where, where_zh), fix=fix, log=deployment.web_log())


def set_and_get(deployment, key, value, host=REDIS_ALIAS):
    """/set through HTTP (the chapter's answer expected); the value Redis itself then holds (bytes or None)."""
    response = deployment.get("/set", key=key, value=value)
    answered(deployment, response, 200, "set-answer", host)
    # the chapter's exact confirmation text
    expect(response.text.strip() == f"OK. We have set {key} to be {value}", "code",
           both(f"/set answered {response.text[:100]!r}", f"/set 返回了 {response.text[:100]!r}"), fix="set-answer")
    return deployment.redis_get(key)


def stored_and_served(deployment, key, value, host=REDIS_ALIAS):
    """/set `value`, find it in Redis itself, /get it back: the app's whole round trip, or a CheckFailure."""
    stored = set_and_get(deployment, key, value, host)
    # read back from Redis directly: the app must not keep the value to itself
    expect(stored == value.encode(), "redis",
           both(f"Redis holds {stored!r} under {key!r}, expected {value!r}",
                f"Redis 中键 {key!r} 的值是 {stored!r}，应为 {value!r}"), fix="set-not-in-redis")
    response = deployment.get("/get", key=key)
    answered(deployment, response, 200, "get-answer", host)
    expect(response.text == value, "code",
           both(f"/get answered {response.text[:100]!r}, expected {value!r}",
                f"/get 返回了 {response.text[:100]!r}，应为 {value!r}"), fix="get-answer")
