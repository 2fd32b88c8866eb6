"""Which labelled resources a sweep may remove."""

import os
import socket

from checker.engine import labels


def test_own_run_is_never_an_orphan():
    """Resources of this run are not swept as orphans."""
    assert not labels.is_orphan(labels.for_this_run())


def test_dead_pid_on_this_host_is_an_orphan():
    """A run whose process is gone left orphans."""
    dead = {**labels.for_this_run(), labels.RUN: "other", labels.PID: "999999999"}
    assert labels.is_orphan(dead)


def test_live_run_is_not_an_orphan():
    """Another live run (here: our parent process) keeps its resources."""
    alive = {**labels.for_this_run(), labels.RUN: "other", labels.PID: str(os.getppid())}
    assert not labels.is_orphan(alive)


def test_other_hosts_are_left_alone():
    """A shared engine's resources from another machine are not ours to judge."""
    foreign = {**labels.for_this_run(), labels.RUN: "other", labels.PID: "999999999",
               labels.HOST: socket.gethostname() + "-elsewhere"}
    assert not labels.is_orphan(foreign)


def test_temporary_image_names_say_their_run():
    """A temporary image's tag stands for this run's labels, so it is never an orphan of its own run."""
    owner = labels.temporary_owner(labels.temporary_image("edit"))
    assert owner == {labels.RUN: labels.RUN_ID, labels.PID: str(os.getpid()), labels.HOST: socket.gethostname()}
    assert not labels.is_orphan(owner)


def test_temporary_image_of_a_dead_run_is_an_orphan():
    """The tag of a temporary image whose process has ended marks it for the sweep."""
    tag = labels.temporary_image("edit").replace(f"-{os.getpid()}-", "-999999999-")
    assert labels.is_orphan(labels.temporary_owner(tag.replace(labels._run_key(), "otherrun")))


def test_temporary_image_of_another_machine_is_left_alone():
    """A temporary image built from another machine on a shared engine is not ours to judge."""
    tag = f"{labels.TEMPORARY_REPOSITORY}/edit-0123abcd-999999999-otherrun:1a2b3c4d"
    assert not labels.is_orphan(labels.temporary_owner(tag))


def test_other_names_are_not_temporary():
    """Learners' own images and the layer cache are never read as temporary images."""
    assert labels.temporary_owner("workshop-cache/03-dockerfile:0123456789") is None
    assert labels.temporary_owner("myapp:latest") is None
