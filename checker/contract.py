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
import os
import threading
from dataclasses import dataclass, replace
from urllib.parse import quote, unquote, unquote_plus

import redis
import requests

from . import STATE_DIR, containers

# hypothesis keeps caches of its own: in the learner's state folder, not in the folder they work in
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(STATE_DIR / "hypothesis"))

from hypothesis import HealthCheck, Phase, Verbosity, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from .failures import CheckFailure, both

SHOWN_URL = "http://127.0.0.1:5000"  # where the learner's own app answers when they try the commands
SHOWN_TWIN = "http://127.0.0.1:5001"  # where a second container of their image would answer
CLIENTS = 3          # HTTP clients (keep-alive sessions) that read after every write
EXAMPLES = 50        # generated sequences when the app keeps the contract
OPERATIONS = 8       # operations at most in one sequence
LONG = 2500          # a long value's length: below gunicorn's 4094-byte request line once encoded
TIMEOUT = 10         # seconds for one HTTP answer

# the characters a URL or a careless app is most likely to change
TRICKY = list(" &=%+#?;/\\'\"\n\t") + ["%20", "%2B", "+", "\u00a0", "é", "键", "✓", "🔑"]
# the simplest sample comes first: a failing sequence shrinks towards it
SAMPLES = ["v", " padded ", "a b", "1+1=2", "a&b=c", "100%", "%41", "line 1\nline 2", "值 ✓", "🔑"]


def _text(max_size, first):
    """Text made of tricky characters and any printable unicode, with something other than spaces."""
    characters = st.one_of(st.sampled_from(TRICKY), st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Co", "Cn")))
    made = st.lists(characters, min_size=1, max_size=max_size).map("".join)
    return st.one_of(st.sampled_from([first] + SAMPLES[1:]), made).filter(lambda text: text.strip())


KEYS = _text(12, "k")
VALUES = st.one_of(_text(20, "v"), st.builds(lambda start, fill: start + "v" * fill + start, _text(6, "v"),
                                        st.integers(LONG - 100, LONG)))


# --- operations --------------------------------------------------------------------------------

@dataclass
class Set:
    """/set?key=K&value=V through one client; Redis must then hold exactly V under K."""

    client: int
    key: str
    value: str

    def shown(self, urls):
        return f"curl '{urls[self.client % len(urls)]}/set?key={encode(self.key)}&value={encode(self.value)}'"


@dataclass
class Write:
    """SET K V straight into Redis, as another program would."""

    key: str
    value: str

    def shown(self, urls):
        return f"redis-cli SET {shell(self.key)} {shell(self.value)}"


@dataclass
class Delete:
    """DEL K straight in Redis."""

    key: str

    def shown(self, urls):
        return f"redis-cli DEL {shell(self.key)}"


@dataclass
class Get:
    """/get?key=K through every client, one after the other."""

    key: str

    def shown(self, urls):
        return "; ".join(f"curl '{url}/get?key={encode(self.key)}'" for url in urls)


def encode(text):
    """`text` percent-encoded for a query string (every reserved character, spaces as %20)."""
    return quote(text, safe="")


def shell(text):
    """`text` as one shell word: single quotes, or $'…' when it holds a newline or a tab."""
    if any(c in text for c in "\n\t"):
        escaped = text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\t", "\\t")
        return f"$'{escaped}'"
    return "'" + text.replace("'", "'\\''") + "'"


@st.composite
def operations(draw):
    """A list of operations on a few keys, so that keys are set again, overwritten and read back."""
    key = st.sampled_from(draw(st.lists(KEYS, min_size=1, max_size=3, unique=True)))
    one = st.one_of(
        st.builds(Set, st.integers(0, CLIENTS - 1), key, VALUES),
        st.builds(Get, key),
        st.builds(Write, key, VALUES),
        st.builds(Delete, key),
    )
    return draw(st.lists(one, min_size=1, max_size=OPERATIONS))


# a value the app has seen, then changed in Redis behind its back, then set through another client
# (another web container when there are two), then deleted: each read must give what Redis holds now
STALE = [Set(0, "k", "v"), Get("k"), Write("k", "w"), Get("k"), Set(1, "k", "x"), Get("k"), Delete("k"), Get("k")]
# the texts a URL or a careless app most often changes, each set and read back, whatever the generator draws
TEXTS = [operation for value in (" padded ", "1+1=2", "%41", "a&b=c", "line 1\nline 2", "值 ✓ 🔑", "v" * LONG)
         for operation in (Set(len(value) % CLIENTS, "k", value), Get("k"))]


# --- what went wrong ---------------------------------------------------------------------------

class Unreachable(BaseException):
    """The check's own connection to Redis failed: not the app's doing, so not a case to shrink.

    A BaseException, which hypothesis passes straight through instead of treating it as a failing example.
    """


class Stopped(BaseException):
    """The caller's `stop` event was set (the check is ending): no further operation, nothing to shrink."""


class Violation(Exception):
    """The app broke the contract: a kind (the hint key), a sentence in both languages, the operations so far."""

    def __init__(self, kind, text, done, sequence=()):
        super().__init__(text["en"])
        self.kind, self.text, self.done, self.sequence = kind, text, list(done), list(sequence)


def short(text, limit=60):
    """repr() of `text`, cut in the middle when it is long."""
    shown = repr(text)
    return shown if len(shown) <= limit else f"{shown[:limit // 2]}…{shown[-limit // 2:]} ({len(text)} characters)"


def difference(sent, got):
    """Why `got` is not `sent`, in both languages, when a usual mistake explains it."""
    if got.strip() == sent.strip():
        return both("the spaces at its ends were removed", "两端的空格被去掉了")
    if got == sent.replace("+", " "):
        return both("`+` became a space: the text was URL-decoded a second time",
                    "`+` 变成了空格：文本被多做了一次 URL 解码")
    if got in (unquote(sent), unquote_plus(sent)):
        return both("`%XX` became another character: the text was URL-decoded a second time",
                    "`%XX` 变成了别的字符：文本被多做了一次 URL 解码")
    if "\n" in sent and got == sent.replace("\n", ""):
        return both("the newline was lost", "换行符丢了")
    if "\n" in sent and got == sent.split("\n")[0]:
        return both("only the first line was kept", "只保留了第一行")
    if got in (repr(sent.encode()), str(sent.encode())):
        return both("the bytes' repr came back instead of the text", "返回的是 bytes 的 repr，而不是文本")
    if len(got) < len(sent) and sent.startswith(got):
        return both(f"it was cut after {len(got)} characters", f"它在第 {len(got)} 个字符处被截断了")
    return None


def with_reason(en, zh, sent, got):
    """A failure sentence, followed by why `got` differs from `sent` when a usual mistake explains it."""
    reason = difference(sent, got) if isinstance(got, str) else None
    if reason:
        return both(f"{en}: {reason['en']}", f"{zh}：{reason['zh']}")
    return both(en, zh)


# --- running a sequence ------------------------------------------------------------------------

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


# --- the check ---------------------------------------------------------------------------------

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
    """The contract for a running deployment (checker.deploy.Deployment): its web container and its Redis,
    and the web containers of the deployments `also` on that same Redis."""
    client = containers.redis_client(deployment.redis)
    try:
        check([running.url("") for running in (deployment, *also)], client, stop=stop)
    finally:
        client.close()


def twin(deployment):
    """A second web container of the deployment's image, with its environment, on its network and Redis
    (a deploy.Deployment whose stop() leaves that Redis alone)."""
    from .deploy import Deployment

    return Deployment(deployment.image, deployment.network, env=deployment.env, redis=deployment.redis,
                      redis_aliases=deployment.redis_aliases, **deployment.web_options).__enter__()


def in_background(start, stop, twins=False):
    """The contract checked in the background on the deployment start() returns (deploy.Scenario):
    part(0) raises its failure; a close() before that ends it at its next operation, then stop()s.
    With `twins`, a second web container of the same image (twin()) on the same Redis answers every
    other client: a value set through one container is read through the other."""
    from .deploy import Scenario

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
