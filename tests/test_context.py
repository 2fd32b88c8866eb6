"""checker/engine/build_context.py: a build of unchanged files reuses the last image; any change builds again."""

import shutil

import pytest

from checker import ROOT
from checker.engine import build_context, builds, containers
from checker.workshop import course, store
from checker.engine.client import connect

STEP = course.find(3)
PYTHON = course.images()["python"]


@pytest.fixture(scope="module")
def engine():
    """A docker client for the whole module."""
    client = connect()
    yield client
    client.close()


@pytest.fixture(autouse=True)
def records(tmp_path, monkeypatch):
    """The record of builds kept in a state folder of the test's own."""
    monkeypatch.setattr(store, "STATE_DIR", tmp_path / "state")


@pytest.fixture
def folder(tmp_path):
    """A copy of the step 03 solution."""
    copy = tmp_path / "learner" / STEP.folder
    shutil.copytree(ROOT / "solutions" / STEP.folder, copy)
    return copy


def key(engine, folder):
    return build_context.fingerprint(engine, folder, "buildkit")


def test_same_files_same_fingerprint(engine, folder, tmp_path):
    """Two folders with the same files (another path, another time) have the same fingerprint."""
    twin = tmp_path / "twin" / STEP.folder
    shutil.copytree(folder, twin)
    # what a build reads is the same: the image it makes is too
    assert key(engine, folder) == key(engine, twin) is not None


@pytest.mark.parametrize("change", ["edit", "new file", "new folder", "mode", "readme", "dockerignore"])
def test_any_change_changes_the_fingerprint(engine, folder, change):
    """A changed byte, a new file or folder, an executable bit: the next check builds again."""
    before = key(engine, folder)
    if change == "edit":
        (folder / "hello.py").write_text((folder / "hello.py").read_text().replace("Hello", "Hellp"))
    elif change == "new file":
        (folder / "notes.txt").write_text("x")
    elif change == "new folder":
        (folder / "static").mkdir()
    elif change == "mode":
        (folder / "hello.py").chmod(0o755)
    elif change == "readme":  # even a file .dockerignore may leave out: its rules are the builder's to apply
        (folder / "README.md").write_text("mine")
    else:
        (folder / ".dockerignore").write_text("*\n")
    # anything the build could read counts
    assert key(engine, folder) != before


def test_builder_and_base_image_count(engine, folder):
    """The other builder, or a Dockerfile on another base image, is another build."""
    before = key(engine, folder)
    # the classic builder refuses what BuildKit takes (RUN --mount, heredocs)
    assert build_context.fingerprint(engine, folder, "classic") != before
    dockerfile = folder / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace(f"FROM {PYTHON}", f"FROM {course.images()['redis']}"))
    # the same words with another image behind them would be another image too: IDs count, not names
    assert key(engine, folder) not in (before, None)


@pytest.mark.parametrize("dockerfile", [
    "# syntax=docker/dockerfile:1\nFROM {python}\n",
    "ARG VERSION=3.13-slim\nFROM python:${{VERSION}}\n",
    "FROM {python}\nADD https://example.com/app.tar.gz /app/\n",
    "FROM {python}\nCOPY --from=workshop-no-such-image:1 /x /x\n",
    "FROM workshop-no-such-image:1\n",
])
def test_what_a_fingerprint_cannot_cover_is_always_built(engine, folder, dockerfile):
    """A frontend, a build argument in FROM, a remote file, a missing image: no fingerprint."""
    (folder / "Dockerfile").write_text(dockerfile.format(python=PYTHON))
    # each is read by the builder from elsewhere, or may be: only a build knows
    assert key(engine, folder) is None


def test_stages_are_not_images(engine, folder):
    """A multi-stage Dockerfile names its stages in FROM and COPY --from: those are no images to look up."""
    (folder / "Dockerfile").write_text(f"FROM {PYTHON} AS base\nFROM base\nCOPY --from=base /etc/hostname /x\n"
                                       "COPY --from=0 /etc/hostname /y\nFROM scratch\n")
    assert key(engine, folder) is not None


def test_unchanged_folder_reuses_its_image(engine, folder, monkeypatch):
    """The second check of an unchanged folder reuses the image; after a change it builds again."""
    built = []
    real = builds.run_build
    monkeypatch.setattr(builds, "run_build", lambda *args, **kwargs: built.append(1) or real(*args, **kwargs))
    try:
        first = containers.build(engine, folder, STEP)
        again = containers.build(engine, folder, STEP)
        # nothing changed: the builder is not asked again, and the image is the same
        assert (len(built), again.id) == (1, first.id)
        (folder / "hello.py").write_text((folder / "hello.py").read_text() + "# changed\n")
        containers.build(engine, folder, STEP)
        # a changed file: built again
        assert len(built) == 2
        engine.images.remove(containers.cache_tag(folder, STEP), force=True)
        containers.build(engine, folder, STEP)
        # an image removed meanwhile (`make clean`, another image store) is built again too
        assert len(built) == 3
    finally:
        try:
            engine.images.remove(containers.cache_tag(folder, STEP), force=True)
        except Exception:
            pass
