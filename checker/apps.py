"""The learner's Flask app on this machine: imported in isolation, or served by a real process."""

import importlib.util
import os
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from contextlib import contextmanager
from pathlib import Path

import requests

from .failures import CheckFailure, both, tail


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def _isolated(folder):
    """Let `folder` shadow modules of the same name (both steps/ and solutions/ have `hello`)."""
    saved_path = list(sys.path)
    saved_modules = set(sys.modules)
    sys.path.insert(0, str(folder))
    try:
        yield
    finally:
        sys.path[:] = saved_path
        for name in set(sys.modules) - saved_modules:
            module = sys.modules.get(name)
            origin = getattr(module, "__file__", None) or ""
            if origin.startswith(str(folder)):
                del sys.modules[name]


def import_module(folder, name="hello", env=None, unset=()):
    """Import `folder`/`name`.py under a private module name; CheckFailure if it cannot be."""
    path = Path(folder) / f"{name}.py"
    if not path.is_file():
        raise CheckFailure("code", both(f"{path.name} is missing in {folder}", f"{folder} 里没有 {path.name}"),
                           fix="file-missing")
    unique = f"learner_{abs(hash(str(path)))}_{name}"
    saved_env = dict(os.environ)
    os.environ.update(env or {})
    for variable in unset:
        os.environ.pop(variable, None)
    # importing must not leave __pycache__ behind in the learner's folder
    saved_flag, sys.dont_write_bytecode = sys.dont_write_bytecode, True
    try:
        with _isolated(folder):
            spec = importlib.util.spec_from_file_location(unique, path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
    except Exception as error:
        # only the learner's own frames and the error itself: no checker internals, no "Traceback" header
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.startswith(str(folder))]
        mine = traceback.format_list(frames) + traceback.format_exception_only(error)
        raise CheckFailure(
            "code", both(f"importing {path.name} raised an error", f"导入 {path.name} 时出错"), fix="import-error", log=tail("".join(mine), 8)
        ) from None
    finally:
        sys.dont_write_bytecode = saved_flag
        os.environ.clear()
        os.environ.update(saved_env)
    return module


def flask_app(module):
    """The module-level Flask `app`, or CheckFailure."""
    from flask import Flask

    app = getattr(module, "app", None)
    if not isinstance(app, Flask):
        raise CheckFailure("code", both("hello.py has no module-level `app = Flask(__name__)`",
                                        "hello.py 的模块顶层没有 `app = Flask(__name__)`"), fix="no-app")
    return app


class LocalServer:
    """`flask --app hello run` in the learner's folder, on a free loopback port."""

    def __init__(self, folder, env=None, port=None):
        self.folder = Path(folder)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # no __pycache__ in the learner's folder from serving it either
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}
        self.env.pop("FLASK_DEBUG", None)
        self.process = None
        self.log = None

    def start(self, timeout=15):
        """Start the server and wait until it answers HTTP; fail fast if the process exits."""
        command = [sys.executable, "-m", "flask", "--app", "hello", "run",
                   "--host", "127.0.0.1", "--port", str(self.port), "--no-reload"]
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            command, cwd=self.folder, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = self.output()
                self.stop()  # closes the log file too
                raise CheckFailure(
                    "code", both(f"`flask --app hello run` exited with code {self.process.returncode}",
                                 f"`flask --app hello run` 启动后就退出了（退出码 {self.process.returncode}）"),
                    fix="server-exited", log=tail(output, 12),
                )
            try:
                requests.get(self.url + "/", timeout=1)
                return self
            except requests.ConnectionError:
                time.sleep(0.1)
        self.stop()
        raise CheckFailure("code", both(f"the app did not answer on {self.url} within {timeout} s",
                                        f"应用在 {timeout} 秒内没有在 {self.url} 上响应"),
                           fix="server-silent", log=tail(self.output(), 12))

    def output(self):
        """Everything the server printed so far."""
        if self.log is None:
            return ""
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def get(self, path, timeout=20, **params):
        return requests.get(self.url + path, params=params, timeout=timeout)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.log is not None:
            self.log.close()
            self.log = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
