"""Which labelled resources a sweep may remove: only what is provably abandoned."""

import os
import socket
import subprocess
import time

import pytest

from checker.engine import labels, ownership


@pytest.fixture
def dead_pid():
    """The pid of a process that has ended."""
    process = subprocess.Popen(["true"])
    process.wait()
    return str(process.pid)


@pytest.fixture
def marks(tmp_path, monkeypatch):
    """An empty folder of reaper marks of its own."""
    monkeypatch.setattr(ownership, "MARKS", tmp_path)
    return tmp_path


def of_dead_run(pid, age=3600, **extra):
    """Labels of another run's process `pid`, made `age` seconds ago."""
    return {**labels.for_this_run(), labels.RUN: "other", labels.PID: pid, labels.STARTED: "",
            labels.SINCE: str(int(time.time() - age)), **extra}


def test_own_process_is_never_abandoned():
    """What this process made is not swept as abandoned."""
    assert not labels.abandoned(labels.for_this_run(), grace=0)


def test_dead_process_on_this_host_left_abandoned_objects(dead_pid, marks):
    """A process that is gone, with no reaper at work, left abandoned objects."""
    assert labels.abandoned(of_dead_run(dead_pid))


def test_young_objects_wait_for_the_grace_period(dead_pid, marks):
    """A resource younger than the grace period is never taken for abandoned by a check's sweep."""
    young = of_dead_run(dead_pid, age=1)
    assert not labels.abandoned(young)
    # `make clean`, which the learner asks for, does not wait
    assert labels.abandoned(young, grace=0)


def test_live_process_keeps_its_objects():
    """Another live process (here: our parent) keeps its resources."""
    assert not labels.abandoned(of_dead_run(str(os.getppid())))


def test_reused_pid_is_not_the_process_that_made_them(marks):
    """A pid now taken by a process that started later is not the one recorded: its objects are abandoned."""
    assert labels.abandoned(of_dead_run(str(os.getppid()), **{labels.STARTED: "1"}))


def test_objects_of_a_process_of_the_same_run_are_judged_too(dead_pid, marks):
    """A killed check of this same run (a test suite's checks share one run id) left abandoned objects."""
    assert labels.abandoned({**of_dead_run(dead_pid), labels.RUN: labels.RUN_ID})


def test_reaper_at_work_keeps_the_objects(dead_pid, marks):
    """While a finished check's reaper removes its objects, no other run takes them for abandoned."""
    reaper = subprocess.Popen(["sleep", "30"])
    try:
        mark = ownership.mark("other", dead_pid)
        mark.write_text(f"{reaper.pid}\n")
        assert not labels.abandoned(of_dead_run(dead_pid))
        # a mark whose reaper has not written itself in yet counts as a reaper starting
        mark.write_text("")
        assert not labels.abandoned(of_dead_run(dead_pid))
    finally:
        reaper.kill()
        reaper.wait()
    # once its reaper is gone, what is left is abandoned
    mark.write_text(f"{reaper.pid}\n")
    assert labels.abandoned(of_dead_run(dead_pid))


def test_other_hosts_are_left_alone(dead_pid, marks):
    """A shared engine's resources from another machine are not ours to judge."""
    assert not labels.abandoned(of_dead_run(dead_pid, **{labels.HOST: socket.gethostname() + "-elsewhere"}))


def test_temporary_image_names_say_their_process():
    """A temporary image's tag stands for this process, so it is never abandoned while it runs."""
    owner = labels.temporary_owner(labels.temporary_image("edit"))
    assert owner[labels.RUN] == labels.RUN_ID and owner[labels.PID] == str(os.getpid())
    assert owner[labels.HOST] == socket.gethostname()
    assert not labels.abandoned(owner, grace=0)


def test_temporary_image_of_a_dead_process_is_abandoned(dead_pid, marks):
    """The tag of a temporary image whose process has ended marks it for the sweep."""
    tag = labels.temporary_image("edit").replace(f"-{os.getpid()}-", f"-{dead_pid}-")
    assert labels.abandoned(labels.temporary_owner(tag.replace(labels._run_key(), "otherrun")))


def test_temporary_image_of_another_machine_is_left_alone(dead_pid):
    """A temporary image built from another machine on a shared engine is not ours to judge."""
    tag = f"{labels.TEMPORARY_REPOSITORY}/edit-0123abcd-{dead_pid}-otherrun:0-1a2b3c4d"
    assert not labels.abandoned(labels.temporary_owner(tag))


def test_only_the_checkers_tags_are_ours():
    """Learners' own images are never read as the checker's; the cache, temporary and project tags are."""
    assert labels.temporary_owner("workshop-cache/03-dockerfile:0123456789") is None
    assert not labels.ours("myapp:latest")
    assert not labels.ours("web:v1")
    assert not labels.ours("workshop-web:latest")
    assert labels.ours("workshop-cache/03-dockerfile:0123456789")
    assert labels.ours(labels.temporary_image("edit"))
    assert labels.ours("workshop-06-abc-1a2b3c-web:checked")


def test_busy_answers_are_left_to_their_owner():
    """The engine's "in use", "has active endpoints" and "being removed" answers are no error of a sweep."""
    import docker

    class Answer:
        def __init__(self, status):
            self.status_code, self.reason, self.url = status, "", ""

    for status, text in [(403, "network x has active endpoints"), (409, "image is being used by running container"),
                         (500, "removal of container x is already in progress"), (404, "no such network")]:
        error = docker.errors.APIError(text, response=Answer(status), explanation=text)
        if status == 404:
            error = docker.errors.NotFound(text, response=Answer(status), explanation=text)

        def refuse(error=error):
            raise error

        # the sweep leaves the object alone and goes on
        assert labels._removed(refuse) is False


def test_engine_errors_while_cleaning_become_one_readable_line():
    """An engine that stops answering mid-sweep gives one line to print, never an exception."""
    import requests

    from checker.commands.plumbing import sweep_lines

    class Gone:
        def __getattr__(self, name):
            raise requests.exceptions.ConnectionError("Connection refused")

    sweep = labels.sweep_orphans(Gone())
    # nothing removed, one problem, said once
    assert sweep.count == 0 and len(sweep.problems) == 1
    lines = sweep_lines(sweep)
    assert len(lines) == 1 and lines[0].startswith("! could not remove everything the checker made")
