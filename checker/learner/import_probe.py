"""Imports a learner's module in a process of its own and reports what the checks ask, as one JSON line.

Run as a script (never imported by the checker): `python import_probe.py < request.json`, with the
learner's folder as the working directory. It uses the standard library only, so it runs the same
in the checker's venv and in the course's python image. The request (one JSON line on stdin):

    {"module": "hello", "nonce": "...", "timeout": 10, "requests": [["GET", "/"]]}

The report goes to the file descriptor that was stdout when the runner started; the learner's own
prints go to stderr, which the checker keeps as the log. The nonce lets the checker tell the
report from anything the learner's code writes.
"""

import faulthandler
import importlib
import json
import os
import sys
import traceback

TEXT_LIMIT = 4000  # characters of a response body kept in the report
FORK_MARK = "runner: a process forked"  # each child says so in the log; the checker counts them


def _say_forked():
    """In each child the learner's code forks: one line in the log. A fork bomb may be killed by the
    memory limit before it meets the process limit and report nothing itself: these lines tell."""
    try:
        os.write(2, ("\n" + FORK_MARK + "\n").encode())
    except OSError:
        pass


def learner_frames(error, folder):
    """The traceback of `error` with the learner's frames only, and the error itself."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename.startswith(folder)]
    return "".join(traceback.format_list(frames) + traceback.format_exception_only(type(error), error))


def flask_report(module, requests):
    """Whether `app` is a Flask app, and the test client's answers to `requests`."""
    from flask import Flask

    app = getattr(module, "app", None)
    if not isinstance(app, Flask):
        return {"is_flask": False, "responses": []}
    answers = []
    client = app.test_client()
    for method, path in requests:
        try:
            response = client.open(path, method=method)
            answers.append({"status": response.status_code, "text": response.get_data(as_text=True)[:TEXT_LIMIT]})
        except Exception as error:  # an error the app lets escape: its last line is what the learner needs
            answers.append({"status": None, "text": "", "error": traceback.format_exception_only(error)[-1].strip()})
    return {"is_flask": True, "responses": answers}


def redis_report(module):
    """The connection settings of each module-level redis.Redis client."""
    if "redis" not in sys.modules:  # the learner's code never imported redis: no client can exist
        return []
    import redis

    found = []
    for value in vars(module).values():
        if isinstance(value, redis.Redis):
            kwargs = value.connection_pool.connection_kwargs
            found.append({key: kwargs.get(key) for key in ("host", "port", "db", "path")})
    return found


def main():
    request = json.loads(sys.stdin.readline())
    sys.stdin.close()
    report_to = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # from here on, what the learner's code prints is log, not report
    sys.stdout = sys.stderr
    folder = os.getcwd()
    # the learner's folder instead of the runner's own: the checker's modules are not importable here
    sys.path[0] = folder
    sys.dont_write_bytecode = True  # no __pycache__ in the learner's folder
    # the stacks of every thread go to the log when the bound expires, then the process ends
    faulthandler.dump_traceback_later(request["timeout"], exit=True)
    os.register_at_fork(after_in_child=_say_forked)
    report = {"nonce": request["nonce"]}
    try:
        module = importlib.import_module(request["module"])
        report.update(flask_report(module, request.get("requests", [])))
        report["redis_clients"] = redis_report(module)
    except BaseException as error:  # SystemExit and KeyboardInterrupt at import are the learner's too
        report["error"] = learner_frames(error, folder)
        report["error_type"] = type(error).__name__
    faulthandler.cancel_dump_traceback_later()
    report_to.write(json.dumps(report, default=repr) + "\n")
    report_to.flush()
    os._exit(0)  # no atexit handlers or threads of the learner's code run after the report


if __name__ == "__main__":
    main()
