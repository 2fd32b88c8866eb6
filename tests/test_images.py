"""The offline stand-ins: slimmed like the official images, rebuilt when their recipe changes."""

import json
import tarfile

import pytest

from checker.engine import containers, images, labels
from checker.workshop import course
from checker.engine.client import connect


def test_slim_drops_docs_and_translations_but_keeps_copyright(tmp_path):
    """Documentation, man pages and translations go, as dpkg's path excludes say; copyrights stay."""
    files = ["usr/share/doc/bash/README", "usr/share/doc/bash/copyright", "usr/share/man/man1/ls.1.gz",
             "usr/share/locale/de/LC_MESSAGES/apt.mo", "usr/share/locale/locale.alias", "usr/bin/bash",
             "var/lib/apt/lists/deb.debian.org_InRelease", "var/cache/apt/pkgcache.bin"]
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    (tmp_path / "etc/dpkg/dpkg.cfg.d").mkdir(parents=True)
    (tmp_path / "etc/apt/apt.conf.d").mkdir(parents=True)
    images.slim(str(tmp_path))
    left = {name for name in files if (tmp_path / name).exists()}
    assert left == {"usr/share/doc/bash/copyright", "usr/share/locale/locale.alias", "usr/bin/bash"}
    # packages installed later are slimmed by dpkg itself
    assert "path-exclude /usr/share/doc/*" in (tmp_path / "etc/dpkg/dpkg.cfg.d/docker-slim").read_text()


def test_a_changed_recipe_means_a_rebuild():
    """A stand-in labelled with another recipe hash is outdated; one with today's is not."""
    for role in images.RECIPES:
        assert not images.outdated({labels.STANDIN: "true", images.RECIPE: images.recipe_hash(role)}, role)
        assert images.outdated({labels.STANDIN: "true", images.RECIPE: "0123456789ab"}, role)
        assert images.outdated({labels.STANDIN: "true"}, role)


def test_base_tag_follows_the_way_it_is_made():
    """The base's tag carries a hash of its slimming rules, so a new recipe never reuses an old base."""
    assert images.base_name().startswith(images.BASE_REPOSITORY + ":trixie-")
    assert images.base_name() in images.dockerfile("python") and images.base_name() in images.dockerfile("redis")


def test_base_root_folder_is_open_to_every_user(tmp_path):
    """The base's "/" is 0755 as in the official images: a 0700 one (the temporary folder debootstrap
    filled) stops every non-root process at libc on vfs, the storage of an engine inside a container."""
    client = connect()
    base = images.present(client, images.base_name())
    if base is None:
        pytest.skip("no stand-in base on this engine (the official images were pulled)")
    saved = tmp_path / "base.tar"
    with saved.open("wb") as out:
        for chunk in base.save(named=False):
            out.write(chunk)
    with tarfile.open(saved) as image:
        first = json.load(image.extractfile("manifest.json"))[0]["Layers"][0]
        with tarfile.open(fileobj=image.extractfile(first)) as layer:
            root = next(member for member in layer if member.name in (".", "./"))
    assert root.mode & 0o777 == images.ROOT_MODE == 0o755
    client.close()


def test_redis_entrypoint_hands_options_to_redis_server():
    """Like the official image: `--appendonly yes` or a .conf file alone run redis-server."""
    assert '-*|*.conf) set -- redis-server "$@"' in images.REDIS_ENTRYPOINT
    assert 'ENTRYPOINT ["docker-entrypoint.sh"]' in images.dockerfile("redis")


@pytest.fixture
def redis_standin():
    """The course's Redis image, which must be today's stand-in when it is a stand-in at all."""
    client = connect()
    name = course.images()["redis"]
    image_labels = client.images.get(name).labels or {}
    if labels.STANDIN not in image_labels:
        pytest.skip(f"{name} is the official image, not a stand-in")
    assert not images.outdated(image_labels, "redis"), f"{name} is from an older recipe: run `make images`"
    yield name
    client.close()


def served(container, setting):
    """A setting as the running Redis reports it."""
    client = containers.redis_client(container)
    try:
        return client.config_get(setting)[setting]
    finally:
        client.close()


def test_redis_standin_takes_bare_options(redis_standin):
    """`docker run redis:8 --appendonly yes` runs redis-server with that option, as the redis user."""
    container = containers.start_redis(command=["--appendonly", "yes"])
    try:
        assert served(container, "appendonly") == "yes"
        # reachable from other containers: protected mode is off without a config file saying otherwise
        assert served(container, "protected-mode") == "no"
        # the server process belongs to the redis user, not root
        owner = container.get_wrapped_container().exec_run(["stat", "-c", "%U", "/proc/1"]).output.decode().strip()
        assert owner == "redis"
    finally:
        containers.stop(container)


def test_redis_standin_runs_a_config_file(redis_standin, tmp_path):
    """`redis-server /usr/local/etc/redis/redis.conf` with a mounted file uses that file."""
    conf = tmp_path / "redis.conf"
    conf.write_text("port 6379\nappendonly yes\ndir /data\n")
    conf.chmod(0o644)
    container = containers.start_redis(command="redis-server /usr/local/etc/redis/redis.conf",
                                       volumes={str(conf): {"bind": "/usr/local/etc/redis/redis.conf", "mode": "ro"}})
    try:
        assert served(container, "appendonly") == "yes" and served(container, "protected-mode") == "no"
    finally:
        containers.stop(container)
