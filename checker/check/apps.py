"""The learner's Flask app: imported by the import probe in a process that reports back, or served by `flask run`.

No learner code runs in the checker's own process (see sandbox.py).
"""

import socket
import subprocess
import time
from pathlib import Path

import requests

from checker.learner import inspection, launch, sandbox
from checker.text.failures import CheckFailure, both, tail


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def inspect(folder, name="hello", requests=(), env=None, unset=()):
    """Import `folder`/`name`.py in a process of its own (inspection.inspect); its report, or CheckFailure.

    The report says whether `app` is a Flask app (`is_flask`), the test client's answers to
    `requests` ([method, path] pairs) in `responses`, and the module-level Redis clients' settings.
    """
    path = Path(folder) / f"{name}.py"
    if not path.is_file():
        raise CheckFailure("code", both(f"{path.name} is missing in {folder}", f"{folder} 里没有 {path.name}"),
                           fix="file-missing")
    return inspection.inspect(folder, module=name, requests=requests, env=env, unset=unset)


def flask_app(report):
    """Fail unless the report found a module-level Flask `app`."""
    if not report.get("is_flask"):
        raise CheckFailure("code", both("hello.py has no module-level `app = Flask(__name__)`",
                                        "hello.py 的模块顶层没有 `app = Flask(__name__)`"), fix="no-app")
    return report


class LocalServer:
    """`flask --app hello run` in the learner's folder, on a free loopback port."""

    def __init__(self, folder, env=None, port=None):
        self.folder = Path(folder).resolve()
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.extra_env = dict(env or {})
        self.process = None
        self.launch = None
        self.log = None
        self._output = ""

    def start(self, timeout=15):
        """Start the server and wait until it answers HTTP; fail fast if the process exits."""
        try:
            return self._start(timeout)
        except BaseException:
            self.stop()  # Ctrl-C or SIGTERM while it starts: the server goes too
            raise

    def _start(self, timeout):
        # in a container, the host's network: the check reaches it on 127.0.0.1 as it does a local one
        self.launch = launch.launch(self.folder, launch.server_args(self.port), env=self.extra_env,
                                     network="host")
        self.process = sandbox.spawn(self.launch.command, cwd=self.folder, env=self.launch.env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.log = sandbox.LogTail(self.process.stdout, self.process)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.log.flooded:
                self.stop()
                raise self.log.failure("`flask --app hello run`")
            if self.process.poll() is not None:
                output = self.output()
                code = self.process.returncode
                self.stop()  # ends the whole tree
                raise CheckFailure(
                    "code", both(f"`flask --app hello run` exited with code {code}",
                                 f"`flask --app hello run` 启动后就退出了（退出码 {code}）"),
                    fix="server-exited", log=tail(output, 12),
                )
            try:
                requests.get(self.url + "/", timeout=1)
                return self
            except requests.ReadTimeout:
                return self  # it listens and accepted the request: a slow route is for the checks to judge
            except requests.ConnectionError:
                time.sleep(0.1)
        output = self.output()
        self.stop()
        raise CheckFailure("code", both(f"the app did not answer on {self.url} within {timeout} s",
                                        f"应用在 {timeout} 秒内没有在 {self.url} 上响应"),
                           fix="server-silent", log=tail(output, 12))

    def output(self):
        """What the server printed so far (its last 64 KB)."""
        return self.log.text() if self.log is not None else self._output

    def get(self, path, timeout=20, **params):
        """GET `path` from the server; a server that floods its log fails here, naming the cap."""
        try:
            return requests.get(self.url + path, params=params, timeout=timeout)
        finally:
            if self.log is not None and self.log.flooded:
                raise self.log.failure("`flask --app hello run`")

    def stop(self):
        """End the server's whole process tree (and its container, when grading)."""
        if self.process is not None:
            sandbox.end(self.process)
        if self.launch is not None:
            self.launch.remove()
            self.launch = None
        if self.log is not None:
            self.log.join(5)
            self._output = self.log.text()  # still there for a failure message after the stop
            self.log = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
