"""checker/commands/lesson/command.py: the port, the browser, and `make lesson` from start to Ctrl-C."""

import os
import signal
import socket
import subprocess
import sys

import pytest
import requests

from checker import ROOT
from checker.commands.lesson import command


def test_port_setting():
    """LESSON_PORT picks the port; no value is the default; a bad value is refused."""
    # unset: the default, not chosen by the learner
    assert command.port_setting({}) == (command.DEFAULT_PORT, False)
    # set: that port, chosen
    assert command.port_setting({"LESSON_PORT": "9000"}) == (9000, True)
    # words and privileged ports are no choice
    for bad in ("web", "80", "70000"):
        with pytest.raises(ValueError):
            command.port_setting({"LESSON_PORT": bad})


def test_browser_only_where_one_opens():
    """Never in CI or without a display on Linux; on a desktop, yes."""
    # CI never opens one, even with a display
    assert not command.can_open_browser({"CI": "true", "DISPLAY": ":0"}, "linux")
    # a Linux terminal without a display would get a text browser
    assert not command.can_open_browser({}, "linux")
    # a desktop session and macOS do
    assert command.can_open_browser({"DISPLAY": ":0"}, "linux") and command.can_open_browser({}, "darwin")


def free_port():
    """A port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(env):
    """`python -m checker lesson` with `env`, as `make lesson` runs it."""
    return subprocess.Popen([sys.executable, "-m", "checker", "lesson", "--target", "steps"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "WORKSHOP_LANG": "en", "CI": "1", **env})


def test_taken_port_chosen_is_refused_clearly():
    """LESSON_PORT on a taken port: one clear line naming another port, exit 2."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = start({"LESSON_PORT": str(port)})
        out, err = process.communicate(timeout=30)
    # exit 2, the port named, no traceback
    assert process.returncode == 2 and f"LESSON_PORT={port} is taken" in err and "Traceback" not in err


def test_serves_then_stops_on_ctrl_c():
    """It prints its URL, answers there, and Ctrl-C ends it with exit 0."""
    port = free_port()
    process = start({"LESSON_PORT": str(port)})
    try:
        line = process.stdout.readline()
        # the URL, on 127.0.0.1 and the chosen port
        assert f"http://127.0.0.1:{port}/" in line, line
        # the course page answers there
        assert requests.get(f"http://127.0.0.1:{port}/", timeout=10).status_code == 200
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    # a clean stop, no traceback
    assert process.returncode == 0 and "stopped" in out and "Traceback" not in err, err


def test_bad_port_value_is_refused():
    """LESSON_PORT=web: a clear message and exit 2."""
    process = start({"LESSON_PORT": "web"})
    out, err = process.communicate(timeout=30)
    # one line saying what LESSON_PORT must be
    assert process.returncode == 2 and "LESSON_PORT must be" in err and "Traceback" not in err


def test_default_port_taken_moves_on(monkeypatch, capsys):
    """The default port taken: the next free one, and it says which."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        sock = command.free_socket(port, False, "en")
    try:
        # another port, named on the terminal
        assert sock.getsockname()[1] != port
        assert f"Port {port} is taken; using {sock.getsockname()[1]}" in capsys.readouterr().out
    finally:
        sock.close()
