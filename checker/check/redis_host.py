"""Redis as a deployment's web container reaches it: on a user-defined network under the alias
redis-host, its data on a named volume, configured by the learner's redis.conf when there is one.

Below deploy.py (a whole deployment) and warm.py (the Redis `make watch` keeps running), which both
start Redis this way.
"""

from pathlib import Path

from checker.engine import containers

REDIS_ALIAS = "redis-host"  # the name the web container reaches Redis by, as in the chapter
REDIS_PORT = 6379
REDIS_CONF = "/usr/local/etc/redis/redis.conf"  # where the official image's docs mount a conf file
DATA = "/data"  # the official Redis image's working directory: its AOF and RDB files go here


def conf_lines(path):
    """The directives of a redis.conf, as {name: [words]} (the last one wins)."""
    directives = {}
    for line in Path(path).read_text().splitlines():
        words = line.split()
        if words and not words[0].startswith("#"):
            directives[words[0].lower()] = [word.strip("\"'").lower() for word in words[1:]]
    return directives


def remove(resource):
    """Remove a network or volume in the background once the containers on it are gone, ignoring one
    still in use or gone (the run's sweep gets it then); containers.reap() waits for it."""
    def now():
        try:
            if resource is not None:
                resource.remove()
        except Exception:
            pass

    containers.after_discards(now)


def start_redis(network, volume=None, conf=None, aliases=(REDIS_ALIAS,), running=None):
    """Redis on `network` under `aliases`, its data on `volume` (at /data), started with the file `conf`;
    `running` (a threading.Event) is set once its process runs, before it answers PING."""
    volumes = {}
    if volume is not None:
        volumes[volume.name] = {"bind": DATA, "mode": "rw"}
    if conf is not None:
        volumes[str(Path(conf).resolve())] = {"bind": REDIS_CONF, "mode": "ro"}
    return containers.start_redis(network, aliases=aliases, volumes=volumes, running=running,
                                  command=f"redis-server {REDIS_CONF}" if conf is not None else None)


def redis_env(alias=REDIS_ALIAS):
    """The environment that points the app at Redis on the network."""
    return {"REDIS_HOST": alias, "REDIS_PORT": str(REDIS_PORT)}
