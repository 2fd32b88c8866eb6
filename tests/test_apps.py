"""Importing and serving learners' apps in processes of their own."""

import sys
import time
from pathlib import Path

import pytest

from checker import ROOT
from checker.check import apps
from checker.learner import sandbox
from checker.text.failures import CheckFailure


def gone(pid, within=5.0):
    """Whether process `pid` ends (or is a zombie waiting to be reaped) within `within` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                return True
        except FileNotFoundError:
            return True
        time.sleep(0.05)
    return False


def test_steps_and_solutions_do_not_shadow_each_other():
    """Both trees have a module `hello`; each import reports on its own file, none enters the checker."""
    starter = apps.inspect(ROOT / "steps" / "01-hello-flask", requests=[("GET", "/")])
    solution = apps.inspect(ROOT / "solutions" / "01-hello-flask", requests=[("GET", "/")])
    # two different files, two different answers
    assert starter["responses"] != solution["responses"]
    # the learner's module was imported elsewhere: nothing named `hello` in this process
    assert "hello" not in sys.modules


def test_import_error_is_a_check_failure(tmp_path):
    """A syntax error in hello.py is reported as the learner's code, with its line."""
    (tmp_path / "hello.py").write_text("app = (\n")
    with pytest.raises(CheckFailure) as caught:
        apps.inspect(tmp_path)
    assert caught.value.layer == "code"
    assert "SyntaxError" in caught.value.log


def test_missing_file_is_a_check_failure(tmp_path):
    """No hello.py names the missing file."""
    with pytest.raises(CheckFailure, match="hello.py is missing"):
        apps.inspect(tmp_path)


def test_import_cannot_patch_the_checker(tmp_path):
    """Code at import that reaches for the checker's modules finds none: it fails, the checker is untouched."""
    (tmp_path / "hello.py").write_text("import sys\nsys.modules['checker.check.apps'].flask_app = None\n")
    with pytest.raises(CheckFailure) as caught:
        apps.inspect(tmp_path)
    # the learner's process has no checker in it
    assert "KeyError" in caught.value.log
    # and the checker's own function is still its own
    assert callable(apps.flask_app)


def test_import_that_blocks_names_the_line(tmp_path, monkeypatch):
    """A hello.py that sleeps at import fails after the bound, naming the line it was on."""
    monkeypatch.setenv("WORKSHOP_IMPORT_TIMEOUT", "1")
    (tmp_path / "hello.py").write_text("import time\n\ndef wait():\n    time.sleep(600)\n\nwait()\n")
    with pytest.raises(CheckFailure) as caught:
        apps.inspect(tmp_path)
    assert caught.value.fix == "import-blocked"
    # the stack when time ran out: the learner's sleeping line, then the call at module level
    assert "line 4 in wait" in caught.value.message and "line 6" in caught.value.log


def test_import_that_takes_gigabytes_hits_the_memory_limit(tmp_path, monkeypatch):
    """A hello.py that allocates several GB fails with the memory limit named."""
    monkeypatch.setenv("WORKSHOP_PROCESS_MEMORY", "512")
    (tmp_path / "hello.py").write_text("hoard = bytearray(4 * 1024 ** 3)\n")
    with pytest.raises(CheckFailure) as caught:
        apps.inspect(tmp_path)
    assert caught.value.fix == "memory-limit" and "512 MB" in caught.value.message


def test_server_that_exits_fails_fast(tmp_path):
    """An app that crashes at import fails within seconds, with its output."""
    (tmp_path / "hello.py").write_text("raise SystemExit('boom at import')\n")
    with pytest.raises(CheckFailure) as caught:
        apps.LocalServer(tmp_path).start(timeout=10)
    assert "boom at import" in caught.value.log


def test_server_tree_is_ended(tmp_path):
    """Stopping the server ends the processes its app started too, not only `flask run`."""
    (tmp_path / "hello.py").write_text(
        "import subprocess, sys\nfrom flask import Flask\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\n"
        "open('child.pid', 'w').write(str(child.pid))\napp = Flask(__name__)\n")
    with apps.LocalServer(tmp_path):
        child = int((tmp_path / "child.pid").read_text())
    # the app's own child is gone with it
    assert gone(child)
    assert sandbox.leftovers() == []


def test_import_leaves_no_bytecode(tmp_path):
    """Importing a learner's hello.py writes no __pycache__ into their folder."""
    (tmp_path / "hello.py").write_text("from flask import Flask\napp = Flask(__name__)\n")
    apps.inspect(tmp_path)
    # the folder holds only what the learner wrote
    assert [p.name for p in tmp_path.iterdir()] == ["hello.py"]


def test_server_leaves_no_bytecode(tmp_path, monkeypatch):
    """Serving a learner's app with `flask run` writes no __pycache__ either."""
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)
    (tmp_path / "hello.py").write_text("from flask import Flask\napp = Flask(__name__)\n")
    with apps.LocalServer(tmp_path):
        pass
    # the server process imported hello.py without caching it
    assert [p.name for p in tmp_path.iterdir()] == ["hello.py"]
