"""checker/engine/reaper.py: a finished check hands the removal of its containers to a process of its own."""

import os
import subprocess
import sys
import time
import uuid

import pytest

from checker import ROOT
from checker.engine import labels, ownership, reaper
from checker.engine.client import connect


@pytest.fixture
def client():
    """A docker client."""
    return connect()


def of_run(client, run_id):
    """Containers, networks and volumes labelled with `run_id`."""
    mine = {"label": f"{labels.RUN}={run_id}"}
    return (client.containers.list(all=True, filters=mine, sparse=True) + client.networks.list(filters=mine)
            + client.volumes.list(filters=mine))


def test_finished_check_leaves_its_removal_to_a_reaper(client, checker):
    """`make check-step 4` returns after its verdict; the reaper then removes all it made, and `leftovers` waits for it."""
    run_id = f"reaper-test-{uuid.uuid4().hex[:8]}"
    result = subprocess.run([sys.executable, "-m", "checker", "check", "4", "--target", "solutions"], cwd=ROOT,
                            capture_output=True, text=True, env={**os.environ, "WORKSHOP_RUN_ID": run_id}, timeout=300)
    # the verdict and the exit code are those of the check
    assert result.returncode == 0, result.stdout + result.stderr
    assert "checks passed" in result.stdout
    # once `leftovers` has waited for the reaper, nothing of the run is left
    assert checker("leftovers").returncode == 0
    assert of_run(client, run_id) == []
    assert not [mark for mark in ownership.MARKS.glob(f"{run_id}-*")]


def test_stale_mark_is_not_waited_for(tmp_path, monkeypatch):
    """A mark left by a reaper that died long ago is dropped, not waited for."""
    monkeypatch.setattr(ownership, "MARKS", tmp_path)
    mark = tmp_path / "dead-run"
    mark.touch()
    old = time.time() - reaper.LIMIT - 60
    os.utime(mark, (old, old))
    started = time.monotonic()
    reaper.wait_for_reapers(timeout=10)
    # it returns at once and forgets the mark
    assert time.monotonic() - started < 1
    assert not mark.exists()


def test_live_mark_is_waited_for(tmp_path, monkeypatch):
    """A mark of a removal still going on holds `leftovers` back until it is gone (or the time is up)."""
    monkeypatch.setattr(ownership, "MARKS", tmp_path)
    mark = tmp_path / "live-run"
    mark.touch()
    started = time.monotonic()
    reaper.wait_for_reapers(timeout=0.5)
    # still there: waited for the whole time
    assert time.monotonic() - started >= 0.5
