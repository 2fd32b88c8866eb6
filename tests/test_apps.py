"""Importing and serving learners' apps in isolation."""

import sys

import pytest

from checker import ROOT, apps
from checker.failures import CheckFailure


def test_steps_and_solutions_do_not_shadow_each_other():
    """Both trees have a module `hello`; each import gets its own file."""
    starter = apps.import_module(ROOT / "steps" / "01-hello-flask")
    solution = apps.import_module(ROOT / "solutions" / "01-hello-flask")
    # two different files, two different modules
    assert starter.__file__ != solution.__file__
    # and nothing named plainly `hello` leaks into sys.modules
    assert "hello" not in sys.modules


def test_import_error_is_a_check_failure(tmp_path):
    """A syntax error in hello.py is reported as the learner's code, with its line."""
    (tmp_path / "hello.py").write_text("app = (\n")
    with pytest.raises(CheckFailure) as caught:
        apps.import_module(tmp_path)
    assert caught.value.layer == "code"
    assert "SyntaxError" in caught.value.log


def test_missing_file_is_a_check_failure(tmp_path):
    """No hello.py names the missing file."""
    with pytest.raises(CheckFailure, match="hello.py is missing"):
        apps.import_module(tmp_path)


def test_server_that_exits_fails_fast(tmp_path):
    """An app that crashes at import fails within seconds, with its output."""
    (tmp_path / "hello.py").write_text("raise SystemExit('boom at import')\n")
    with pytest.raises(CheckFailure) as caught:
        apps.LocalServer(tmp_path).start(timeout=10)
    assert "boom at import" in caught.value.log


def test_import_leaves_no_bytecode(tmp_path, monkeypatch):
    """Importing a learner's hello.py writes no __pycache__ into their folder."""
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    (tmp_path / "hello.py").write_text("from flask import Flask\napp = Flask(__name__)\n")
    apps.import_module(tmp_path)
    # the folder holds only what the learner wrote
    assert [p.name for p in tmp_path.iterdir()] == ["hello.py"]
    # and the interpreter's own setting is back as it was
    assert sys.dont_write_bytecode is False


def test_server_leaves_no_bytecode(tmp_path, monkeypatch):
    """Serving a learner's app with `flask run` writes no __pycache__ either."""
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)
    (tmp_path / "hello.py").write_text("from flask import Flask\napp = Flask(__name__)\n")
    with apps.LocalServer(tmp_path):
        pass
    # the server process imported hello.py without caching it
    assert [p.name for p in tmp_path.iterdir()] == ["hello.py"]
