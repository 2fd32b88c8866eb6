"""checker/commands/lesson/guard.py: the page answers its own address and a named forwarded host only."""

from checker.commands.lesson import guard

ALLOWED = guard.allowed_hosts(8310, environ={})


def test_local_address_is_allowed():
    """127.0.0.1 and localhost on the served port are the page's own."""
    # both local names, with the port served
    assert guard.refusal({"Host": "127.0.0.1:8310"}, "GET", ALLOWED) is None
    assert guard.refusal({"Host": "localhost:8310"}, "GET", ALLOWED) is None


def test_other_hosts_and_ports_are_refused():
    """A rebinding name or another port is refused by its Host."""
    # a DNS-rebinding attacker's name pointing at 127.0.0.1
    assert guard.refusal({"Host": "evil.example:8310"}, "GET", ALLOWED) == "host"
    # the right name on another port is another server
    assert guard.refusal({"Host": "127.0.0.1:9999"}, "GET", ALLOWED) == "host"
    # no Host at all
    assert guard.refusal({}, "GET", ALLOWED) == "host"


def test_foreign_origin_and_posts_without_origin_are_refused():
    """Another site's Origin is refused; a POST must name its Origin."""
    # a page of another site posting to the lesson
    assert guard.refusal({"Host": "127.0.0.1:8310", "Origin": "http://evil.example"}, "POST", ALLOWED) == "origin"
    # a POST that hides where it comes from
    assert guard.refusal({"Host": "127.0.0.1:8310"}, "POST", ALLOWED) == "origin"
    # the page's own POST
    assert guard.refusal({"Host": "127.0.0.1:8310", "Origin": "http://127.0.0.1:8310"}, "POST", ALLOWED) is None


def test_codespaces_forwarded_host_is_allowed():
    """Codespaces names its forwarded host in the environment; only that one is added."""
    environ = {"CODESPACE_NAME": "fuzzy-space", "GITHUB_CODESPACES_PORT_FORWARDING_DOMAIN": "app.github.dev"}
    allowed = guard.allowed_hosts(8310, environ=environ)
    host = "fuzzy-space-8310.app.github.dev"
    # the forwarded host, with its https Origin
    assert guard.refusal({"Host": host, "Origin": f"https://{host}"}, "POST", allowed) is None
    # another codespace's host is still refused
    assert guard.refusal({"Host": "other-8310.app.github.dev"}, "GET", allowed) == "host"


def test_lesson_hosts_names_a_dev_container_forward():
    """LESSON_HOSTS adds the hosts a dev container forwards the port to."""
    allowed = guard.allowed_hosts(8310, environ={"LESSON_HOSTS": "localhost:18310, box.internal"})
    # a forwarded port on the host machine
    assert guard.refusal({"Host": "localhost:18310"}, "GET", allowed) is None
    # a name without a port accepts that name on any port
    assert guard.refusal({"Host": "box.internal:443"}, "GET", allowed) is None
