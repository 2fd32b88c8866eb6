"""The /set-/get contract: what it generates, how it shows a failure, and that the solution keeps it."""

import threading

import pytest

from checker import ROOT
from checker.check import apps, contract, contract_ops
from checker.engine import containers


@pytest.fixture(scope="module")
def redis_container():
    """A Redis of its own for these tests."""
    container = containers.start_redis()
    yield container
    containers.stop(container)


@pytest.fixture(scope="module")
def solution(redis_container):
    """The step-02 solution served by `flask run` against that Redis."""
    env = {"REDIS_HOST": redis_container.get_container_host_ip(),
           "REDIS_PORT": str(redis_container.get_exposed_port(6379))}
    with apps.LocalServer(ROOT / "solutions" / "02-flask-redis", env=env) as server:
        yield server


def test_solution_keeps_the_contract_and_every_kind_of_operation_is_tried(solution, redis_container, monkeypatch):
    """The solution passes, and the fixed seed's sequences contain every case the contract names."""
    seen = []
    original = contract.Run.apply
    monkeypatch.setattr(contract.Run, "apply", lambda run, op: (seen.append((run.token, op)), original(run, op)))
    client = containers.redis_client(redis_container)
    try:
        contract.check(solution.url, client)
    finally:
        client.close()
    values = [op.value for _, op in seen if isinstance(op, (contract_ops.Set, contract_ops.Write))]
    texts = values + [op.key for _, op in seen]
    # the characters a URL or a careless app changes
    for needle in (" ", "&", "=", "%", "+", "\n"):
        assert any(needle in text for text in texts), repr(needle)
    assert any(text != text.strip() for text in values), "no value with spaces at an end"
    assert any(not text.isascii() for text in texts), "no unicode"
    assert any(len(text) > 1000 for text in values), "no long value"

    def pairs(first, then):
        """Whether some sequence has an operation of type `first` followed later by one of `then` on its key."""
        for index, (token, op) in enumerate(seen):
            if isinstance(op, first) and any(t == token and isinstance(o, then) and o.key == op.key
                                             for t, o in seen[index + 1:]):
                return True
        return False

    # a key set again, values written straight into Redis then read through the app, deleted keys read
    assert pairs(contract_ops.Set, contract_ops.Set) and pairs(contract_ops.Write, contract_ops.Get) and pairs(contract_ops.Delete, contract_ops.Get)
    assert pairs(contract_ops.Set, contract_ops.Write)


def test_commands_are_url_encoded():
    """A failing sequence is shown as commands that reproduce it when pasted."""
    steps = [contract_ops.Set(0, "a ", "b&c=d+e%f\ng"), contract_ops.Write("a ", "it's"), contract_ops.Get("键")]
    shown = contract.steps_shown(steps, "http://127.0.0.1:5000").splitlines()
    assert shown[0] == "1. curl 'http://127.0.0.1:5000/set?key=a%20&value=b%26c%3Dd%2Be%25f%0Ag'"
    # a shell word with the quote escaped
    assert shown[1] == "2. redis-cli SET 'a ' 'it'\\''s'"
    assert shown[2] == "3. curl 'http://127.0.0.1:5000/get?key=%E9%94%AE'"
    # a newline stays on one line, as $'…'
    assert contract_ops.shell("a\nb") == "$'a\\nb'"


def test_differences_name_the_usual_mistakes():
    """The failure names what happened to the text when a usual mistake explains it, in both languages."""
    assert "spaces" in contract_ops.difference(" v ", "v")["en"]
    assert "`+`" in contract_ops.difference("1+1", "1 1")["en"]
    assert "%XX" in contract_ops.difference("%41", "A")["en"]
    assert "newline" in contract_ops.difference("a\nb", "ab")["en"]
    assert "first line" in contract_ops.difference("a\nb", "a")["en"]
    assert "repr" in contract_ops.difference("v", "b'v'")["en"]
    assert contract_ops.difference("v", "w") is None
    assert "空格" in contract_ops.difference(" v ", "v")["zh"]


def test_a_set_stop_event_ends_the_check_before_any_request():
    """With `stop` set, the check raises Stopped at once: nothing is asked of an app that may be gone."""
    stop = threading.Event()
    stop.set()
    # port 9 (discard) on loopback: a request that went out would fail, not raise Stopped
    with pytest.raises(contract_ops.Stopped):
        contract.check("http://127.0.0.1:9", None, stop=stop)


def test_commands_name_the_web_container_of_each_client():
    """With two web containers, a /set goes to its client's container and a /get is shown on each."""
    steps = [contract_ops.Set(1, "k", "v"), contract_ops.Get("k")]
    shown = contract.steps_shown(steps, ["http://a", "http://b"]).splitlines()
    # client 2 of the sequence reads and writes through the second container
    assert shown[0] == "1. curl 'http://b/set?key=k&value=v'"
    # every client reads: the same key through both containers
    assert shown[1] == "2. curl 'http://a/get?key=k'; curl 'http://b/get?key=k'"
