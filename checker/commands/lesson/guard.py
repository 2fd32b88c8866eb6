"""Which Host and Origin the page answers: the local address it serves, and the forwarded host a dev
container or Codespaces names in its environment. Anything else is refused (DNS rebinding, other sites)."""

import os
from urllib.parse import urlsplit

LOCAL_NAMES = ("127.0.0.1", "localhost")


def forwarded_hosts(port, environ=None):
    """Hosts a port forwarder serves this port at, from the environment:
    Codespaces (CODESPACE_NAME, GITHUB_CODESPACES_PORT_FORWARDING_DOMAIN): <name>-<port>.<domain>;
    any dev container or proxy: LESSON_HOSTS, a comma-separated list of host[:port]."""
    environ = os.environ if environ is None else environ
    hosts = []
    name, domain = environ.get("CODESPACE_NAME", ""), environ.get("GITHUB_CODESPACES_PORT_FORWARDING_DOMAIN", "")
    if name.strip() and domain.strip():
        hosts.append(f"{name.strip()}-{port}.{domain.strip()}".lower())
    hosts += [host.strip().lower() for host in environ.get("LESSON_HOSTS", "").split(",") if host.strip()]
    return hosts


def allowed_hosts(port, environ=None):
    """Every Host header value the page accepts."""
    return [f"{name}:{port}" for name in LOCAL_NAMES] + forwarded_hosts(port, environ)


def host_ok(host, allowed):
    """Whether a Host header names an allowed host (a forwarded one may come without its port)."""
    host = (host or "").strip().lower()
    if host in allowed:
        return True
    bare = host.rsplit(":", 1)[0]
    return any(":" not in entry and bare == entry for entry in allowed)


def origin_ok(origin, allowed):
    """Whether an Origin header is one of the page's own (None: the browser sent none)."""
    if origin is None:
        return True
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and host_ok(parts.netloc, allowed)


def refusal(headers, method, allowed):
    """None when a request may be answered, else why not: its Host, or its Origin. A request that
    changes anything (POST) must name its Origin: browsers always do."""
    if not host_ok(headers.get("Host"), allowed):
        return "host"
    origin = headers.get("Origin")
    if method not in ("GET", "HEAD") and origin is None:
        return "origin"
    if not origin_ok(origin, allowed):
        return "origin"
    return None
