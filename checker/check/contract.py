"""The /set and /get contract: the app behaves like a dictionary kept in Redis, whatever the text.

A generated sequence of operations (sets through the app, writes and deletes straight into Redis,
reads through several HTTP clients) runs against the live app and is compared with a plain dict
after each operation; Redis itself is read after every /set. hypothesis generates the sequences from
a fixed seed and, when one fails, shrinks it to the shortest failing one, which the learner sees as
curl commands they can paste.

Before the generated sequences, two written by hand always run: the usual tricky texts (TEXTS), and a
value changed behind the app's back, then set again through another client (STALE). An app that keeps values in its own memory answers
an old one there, whatever the generator draws. With two web containers of the same image on one
Redis (`check([url_1, url_2], ...)`), the clients take turns between them, so that a value set
through one container is read through the other.

Any step (or compose service) that serves the app calls `check(base_url, redis_client)`.
"""

import itertools
import threading
from dataclasses import replace

import redis
import requests

from checker.engine import containers
# first: it points hypothesis's caches at the learner's state folder before hypothesis is imported
from checker.check.contract_ops import (CLIENTS, STALE, TEXTS, Stopped, Unreachable, Violation, operations, short,
                                        with_reason)
from checker.text.failures import CheckFailure, both

from hypothesis import HealthCheck, Phase, Verbosity, example, given, settings

SHOWN_URL = "http://127.0.0.1:5000"  # where the learner's own app answers when they try the commands
SHOWN_TWIN = "http://127.0.0.1:5001"  # where a second container of their image would answer
EXAMPLES = 50        # generated sequences when the app keeps the contract
TIMEOUT = 10         # seconds for one HTTP answer


class Run:
    """One sequence against the app, with the dict it must agree with."""

    def __init__(self, base_urls, redis_client, sessions, token=""):
        self.bases = [url.rstrip("/") for url in urls(base_urls)]
        self.redis, self.sessions, self.token = redis_client, sessions, token
        self.model, self.held, self.done, self.sequence = {}, {}, [], []

    def fail(self, kind, text):
        raise Violation(kind, text, self.done, self.sequence)

    def call(self, client, path, params):
        try:
            return self.sessions[client].get(self.bases[client % len(self.bases)] + path, params=params,
                                             timeout=TIMEOUT)
        except requests.RequestException as error:
            self.fail(f"contract-{path[1:]}-failed", both(f"{path} gave no answer ({type(error).__name__})",
                                                           f"{path} 没有响应（{type(error).__name__}）"))

    def direct(self, command, *args):
        """A command on the check's own Redis connection, tried three times; Unreachable if it never answers."""
        for attempt in range(3):
            try:
                return getattr(self.redis, command)(*args)
            except redis.exceptions.RedisError as error:
                if attempt == 2:
                    raise Unreachable(f"{command.upper()} {error}") from None

    def stored(self, key):
        value = self.direct("get", key)
        return value.decode("utf-8", "replace") if isinstance(value, bytes) else value

    def start(self):
        """Remove what an earlier run may have left under this sequence's key prefix."""
        leftovers = list(self.redis.scan_iter(match=self.token.replace("*", "\\*") + "*", count=1000))
        if leftovers:
            self.direct("delete", *leftovers)
        return self

    def apply(self, operation):
        self.sequence.append(operation)
        # a fresh key prefix per sequence: what a wrong app remembers from an earlier one cannot matter
        operation = replace(operation, key=self.token + operation.key)
        self.done.append(operation)
        getattr(self, type(operation).__name__.lower())(operation)

    def set(self, op):
        existed = op.key in self.model
        response = self.call(op.client, "/set", {"key": op.key, "value": op.value})
        if response.status_code != 200:
            if existed:
                self.fail("contract-overwrite", both(
                    f"/set of a key that already exists answered {response.status_code} {short(response.text)}",
                    f"对已存在的键调用 /set 返回了 {response.status_code} {short(response.text)}"))
            self.fail("contract-set-failed", both(
                f"/set answered {response.status_code} {short(response.text)} for key {short(op.key)} "
                f"and value {short(op.value)}",
                f"键 {short(op.key)}、值 {short(op.value)} 的 /set 返回了 {response.status_code} {short(response.text)}"))
        stored = self.stored(op.key)
        # Redis itself must hold exactly what was sent, under exactly the key that was sent
        if stored != op.value:
            if existed and stored == self.model[op.key]:
                self.fail("contract-overwrite", both(
                    f"/set of a key that already exists left the old value {short(stored)} in Redis",
                    f"对已存在的键调用 /set 后，Redis 里仍是旧值 {short(stored)}"))
            if stored is None:
                self.fail("contract-changed", both(
                    f"after /set Redis holds nothing under the key {short(op.key)}: the key was changed on the way",
                    f"/set 之后 Redis 中键 {short(op.key)} 下什么也没有：键在途中被改动了"))
            self.fail("contract-changed", with_reason(
                f"/set sent {short(op.value)}, Redis holds {short(stored)}",
                f"/set 发送的是 {short(op.value)}，Redis 中保存的是 {short(stored)}", op.value, stored))
        confirmation = f"OK. We have set {op.key} to be {op.value}"
        # the chapter's confirmation, with at most a line end after it
        if response.text not in (confirmation, confirmation + "\n"):
            self.fail("contract-set-answer", both(
                f"/set answered {short(response.text, 100)}, expected {short(confirmation, 100)}",
                f"/set 返回了 {short(response.text, 100)}，应为 {short(confirmation, 100)}"))
        self.keep(op.key, op.value)

    def write(self, op):
        self.direct("set", op.key, op.value)
        self.keep(op.key, op.value)

    def keep(self, key, value):
        """Redis now holds `value` under `key`: the model's value, and one more the key has held."""
        self.model[key] = value
        self.held.setdefault(key, set()).add(value)

    def delete(self, op):
        self.direct("delete", op.key)
        self.model.pop(op.key, None)

    def get(self, op):
        expected = self.model.get(op.key)
        for client in range(len(self.sessions)):
            response = self.call(client, "/get", {"key": op.key})
            who = self.who(client)
            got = response.text.rstrip("\n") if response.status_code == 200 else None
            old = got is not None and got != expected and got in self.held.get(op.key, ())
            if old or (expected is None and response.status_code == 200):
                # a value the key held before, or any value for a key that Redis no longer holds
                now = f"Redis holds {short(expected)}" if expected is not None else "Redis holds no such key"
                now_zh = f"Redis 中是 {short(expected)}" if expected is not None else "Redis 中没有这个键"
                self.fail("contract-stale", both(
                    f"/get answered {short(response.text)}{who['en']}, but {now}: the app served a value it kept "
                    "for itself", f"/get 返回了 {short(response.text)}{who['zh']}，但 {now_zh}：应用返回的是它自己留存的值"))
            if expected is None:
                if response.status_code != 404:
                    self.fail("contract-get-failed", both(
                        f"/get of a key Redis does not hold answered {response.status_code}{who['en']}, expected 404",
                        f"对 Redis 中不存在的键调用 /get 返回了 {response.status_code}{who['zh']}，应为 404"))
                continue
            if response.status_code != 200:
                self.fail("contract-get-failed", both(
                    f"/get answered {response.status_code} {short(response.text)}{who['en']}, but Redis holds "
                    f"{short(expected)} under {short(op.key)}",
                    f"/get 返回了 {response.status_code} {short(response.text)}{who['zh']}，但 Redis 中键 "
                    f"{short(op.key)} 的值是 {short(expected)}"))
            # the body is the value, at most followed by a line end the app added
            if response.text not in (expected, expected + "\n"):
                self.fail("contract-get-changed", with_reason(
                    f"/get answered {short(response.text)}{who['en']}, Redis holds {short(expected)}",
                    f"/get 返回了 {short(response.text)}{who['zh']}，Redis 中是 {short(expected)}",
                    expected, response.text))


    def who(self, client):
        """Which client read, and through which web container when there are several, in both languages."""
        clients, webs = len(self.sessions), len(self.bases)
        if webs == 1:
            return both(f" (client {client + 1} of {clients})", f"（第 {client + 1} 个客户端，共 {clients} 个）")
        web = client % webs + 1
        return both(f" (client {client + 1} of {clients}, web container {web} of {webs})",
                    f"（第 {client + 1} 个客户端，共 {clients} 个；经第 {web} 个 web 容器，共 {webs} 个）")


def urls(base_urls):
    """`base_urls` as a list: one address, or the addresses of several web containers on one Redis."""
    return [base_urls] if isinstance(base_urls, str) else list(base_urls)


def explore(base_urls, redis_client, examples=EXAMPLES, stop=None):
    """Run generated sequences; raise the Violation of the shortest failing one, if any (Stopped once the
    threading.Event `stop` is set)."""
    sessions = [requests.Session() for _ in range(CLIENTS)]
    tokens = itertools.count(1)

    def go_on():
        if stop is not None and stop.is_set():
            raise Stopped()

    def play(sequence):
        go_on()
        run = Run(base_urls, redis_client, sessions, token=f"t{next(tokens)}:").start()
        for operation in sequence:
            go_on()
            run.apply(operation)

    # a fixed seed and no example database: the same sequences on every run, nothing written to disk
    @settings(derandomize=True, database=None, max_examples=examples, deadline=None,
              phases=(Phase.explicit, Phase.generate, Phase.shrink), verbosity=Verbosity.quiet,
              print_blob=False, report_multiple_bugs=False, suppress_health_check=list(HealthCheck))
    @given(operations())
    @example(STALE)
    @example(TEXTS)
    def sequences(sequence):
        play(sequence)

    try:
        try:
            sequences()
        except BaseExceptionGroup as group:  # a failure that did not happen again when replayed
            found = group.subgroup(lambda error: isinstance(error, Violation))
            if found is None:
                raise
            raise _first(found) from None
    except Violation as violation:
        raise minimal(play, violation) from None
    finally:
        for session in sessions:
            session.close()


def minimal(play, violation):
    """`violation` after leaving out, one at a time, each operation it does not need (same kind of failure)."""
    for index in reversed(range(len(violation.sequence) - 1)):
        shorter = violation.sequence[:index] + violation.sequence[index + 1:]
        try:
            play(shorter)
        except Violation as again:
            if again.kind == violation.kind:
                violation = again
    return violation


def _first(group):
    """The first leaf exception of an exception group."""
    while isinstance(group, BaseExceptionGroup):
        group = group.exceptions[0]
    return group


def steps_shown(done, url=SHOWN_URL):
    """The operations as commands the learner can run against their own app (at `url`, or the addresses
    of several web containers), numbered."""
    return "\n".join(f"{number}. {op.shown(urls(url))}" for number, op in enumerate(done, 1))


def shown_for(base_urls):
    """Where the learner's own app would answer: one address, or one per web container."""
    return SHOWN_URL if len(urls(base_urls)) == 1 else [SHOWN_URL, SHOWN_TWIN]


def places(shown):
    """Where the shown commands go, in English and in Chinese: your app, or two containers of your image."""
    if len(shown) == 1:
        return f"your app on {shown[0]}", f"运行在 {shown[0]} 上的你的应用"
    return (f"{len(shown)} containers of your image on one Redis, at {' and '.join(shown)}",
            f"同一个 Redis 上你的镜像的 {len(shown)} 个容器（{'、'.join(shown)}）")


def check(base_url, redis_client, layer="code", shown_url=None, stop=None):
    """Hold the app at `base_url` (or at each of a list of web containers on one Redis), backed by the Redis
    of `redis_client`, to the contract; CheckFailure if not. Setting the threading.Event `stop` ends it
    early with Stopped."""
    shown_url = shown_url or shown_for(base_url)
    where, where_zh = places(urls(shown_url))
    try:
        explore(base_url, redis_client, stop=stop)
    except Unreachable as error:
        raise CheckFailure("redis", both(f"Redis stopped answering the check's own connection ({error})",
                                         f"Redis 不再应答检查自己的连接（{error}）")) from None
    except Violation as violation:
        lead = both(
            f"{violation.text['en']}.\nThe shortest sequence that shows it (redis-cli: the check wrote into Redis "
            f"directly), against {where}:",
            f"{violation.text['zh']}。\n能复现它的最短操作序列（redis-cli 表示检查直接写入 Redis），针对{where_zh}：")
        raise CheckFailure(layer, lead, fix=violation.kind, log=steps_shown(violation.done, shown_url)) from None


def check_deployment(deployment, stop=None, also=()):
    """The contract for a running deployment (checker.check.deploy.Deployment): its web container and its Redis,
    and the web containers of the deployments `also` on that same Redis."""
    client = containers.redis_client(deployment.redis)
    try:
        check([running.url("") for running in (deployment, *also)], client, stop=stop)
    finally:
        client.close()


def twin(deployment):
    """A second web container of the deployment's image, with its environment, on its network and Redis
    (a deploy.Deployment whose stop() leaves that Redis alone)."""
    from checker.check.deploy import Deployment

    return Deployment(deployment.image, deployment.network, env=deployment.env, redis=deployment.redis,
                      redis_aliases=deployment.redis_aliases, **deployment.web_options).__enter__()


def in_background(start, stop, twins=False):
    """The contract checked in the background on the deployment start() returns (deploy.Scenario):
    part(0) raises its failure; a close() before that ends it at its next operation, then stop()s.
    With `twins`, a second web container of the same image (twin()) on the same Redis answers every
    other client: a value set through one container is read through the other."""
    from checker.check.deploy import Scenario

    closing = threading.Event()
    if not twins:
        return Scenario(start, stop, [lambda running: check_deployment(running, stop=closing)], closing)

    def started():
        running = start()
        try:
            return running, twin(running)
        except BaseException:
            stop(running)
            raise

    def stopped(pair):
        pair[1].stop()
        stop(pair[0])

    return Scenario(started, stopped, [lambda pair: check_deployment(pair[0], stop=closing, also=pair[1:])],
                    closing)
