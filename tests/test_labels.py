"""Which labelled resources a sweep may remove."""

import os
import socket

from checker import labels


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
