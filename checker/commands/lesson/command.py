"""`make lesson`: serve the lesson page on 127.0.0.1 until Ctrl-C, then end every check it started."""

import errno
import os
import signal
import socket
import sys
import threading

from checker.commands.lesson import actions
from checker.commands.lesson.words import word

DEFAULT_PORT = 8310
TRIES = 20  # the default port taken: the next free one of these


def port_setting(environ=None):
    """(port, chosen by the learner?) from LESSON_PORT; ValueError for a value that is no port.
    0 means any free port."""
    environ = os.environ if environ is None else environ
    value = environ.get("LESSON_PORT", "").strip()
    if not value:
        return DEFAULT_PORT, False
    if not value.isdigit() or not (int(value) == 0 or 1024 <= int(value) <= 65535):
        raise ValueError(value)
    return int(value), True


def listen(port):
    """A socket listening on 127.0.0.1:`port`; OSError when it is taken."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        sock.listen(64)
    except OSError:
        sock.close()
        raise
    return sock


def free_socket(port, chosen, lang):
    """A listening socket on `port`, or (not chosen) on the next free port; None after saying why."""
    for candidate in ([port] if chosen else range(port, port + TRIES)):
        try:
            sock = listen(candidate)
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                print(f"127.0.0.1:{candidate}: {error.strerror}", file=sys.stderr)
                return None
            continue
        if candidate != port:
            print(word("serve.port_taken", lang, port=port, free=candidate))
        return sock
    print(word("serve.port_busy", lang, port=port, free=port + 1 if chosen else port + TRIES), file=sys.stderr)
    return None


def can_open_browser(environ=None, platform=None):
    """Whether a browser window can be opened here: never in CI, over SSH without a display, or in a
    terminal-only Linux (a text browser would take the terminal over)."""
    environ = os.environ if environ is None else environ
    platform = platform or sys.platform
    if environ.get("CI") or environ.get("LESSON_BROWSER", "").strip() == "0" or environ.get("CODESPACES"):
        return False
    if platform in ("darwin", "win32"):
        return True
    return bool(environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def serve(target, lang):
    from werkzeug.serving import WSGIRequestHandler, make_server

    from checker.commands.lesson.app import create_app

    try:
        port, chosen = port_setting()
    except ValueError as error:
        print(word("serve.bad_port", lang, value=error), file=sys.stderr)
        return 2
    sock = free_socket(port, chosen, lang)
    if sock is None:
        return 2

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args):  # the terminal shows the URL, not every request
            pass

    app_of = {}
    server = make_server("127.0.0.1", 0, lambda environ, start: app_of["app"](environ, start), threaded=True,
                         request_handler=Quiet, fd=sock.fileno())
    sock.close()
    port = server.server_address[1]
    app = app_of["app"] = create_app(target, port)
    url = f"http://127.0.0.1:{port}/"
    print(word("serve.url", lang, url=url), flush=True)
    for host in app.config["ALLOWED_HOSTS"][2:]:
        print(word("serve.forwarded", lang, url=f"https://{host}/"), flush=True)
    if can_open_browser():
        import webbrowser

        threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
    for signum in (signal.SIGTERM, signal.SIGHUP):  # kill, or the terminal closed: stop like Ctrl-C
        signal.signal(signum, _interrupt)
    try:
        server.serve_forever()  # werkzeug's returns on Ctrl-C
    except KeyboardInterrupt:
        pass
    finally:
        print("\n" + word("serve.stopping", lang), flush=True)
        server.server_close()
        app.extensions["lesson_workers"].stop()
    print(word("serve.stopped", lang), flush=True)
    return 0


def cmd_lesson(args):
    lang = actions.language()
    target = actions.resolve_target(args.target)
    if not target.is_dir():
        print(actions.say("target.missing", lang, path=target), file=sys.stderr)
        return 2
    try:
        actions.needs_polling(target)
    except ValueError as error:
        print(actions.say("watch.bad_poll", lang, value=error), file=sys.stderr)
        return 2
    return serve(target, lang)


def add_parser(sub):
    command = sub.add_parser("lesson", help="the lesson page: each step's README next to its live checks")
    command.add_argument("--target", default=os.environ.get("TARGET") or "steps")
    command.set_defaults(func=cmd_lesson)
