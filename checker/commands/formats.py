"""Machine-readable output of `check`: FORMAT=json prints the results document (verdict.py) on stdout;
`--format events` (the lesson page's checks) one JSON line per event of the run, the document last.

What the checker prints for people then goes to stderr, so stdout holds nothing but JSON.
"""

import argparse
import json
import os
import sys

from checker.check import verdict
from checker.workshop import course
from checker.text.i18n import lang, pick

FORMATS = ("text", "json", "events")
BAD_FORMAT = {"en": "FORMAT must be text or json, not '{value}'", "zh": "FORMAT 只能是 text 或 json，不能是 '{value}'"}


def format_name(value):
    """argparse type of --format (also applied to its default, FORMAT from the environment)."""
    value = (value or "text").strip().lower()
    if value not in FORMATS:
        raise argparse.ArgumentTypeError(pick(BAD_FORMAT).format(value=value))
    return value


class _Tee:
    """sys.stderr that also keeps what was written: the reason of a check that could not run."""

    def __init__(self, stream):
        self.stream, self.kept = stream, []

    def write(self, text):
        self.kept.append(text)
        return self.stream.write(text)

    def __getattr__(self, name):
        return getattr(self.stream, name)


def _real_stdout():
    """A writer of the process's stdout, with fd 1 pointed at stderr from now on."""
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    return os.fdopen(saved, "w", encoding="utf-8")


def machine(args, check):
    """Run `check(args, on_event)` (cli.cmd_check) with JSON output; returns its exit code."""
    out = _real_stdout()
    events = args.format == "events"
    done = {}

    def on_event(event):
        if event["event"] == "done":
            done["result"] = event["result"]
        if events:
            out.write(json.dumps(event, ensure_ascii=False) + "\n")
            out.flush()

    tee = sys.stderr = _Tee(sys.stderr)
    try:
        code = check(args, on_event)
    except SystemExit as exit:  # a bad step name, no engine: said on stderr, and in the document
        if isinstance(exit.code, str):
            print(exit.code, file=sys.stderr)
        code = exit.code if isinstance(exit.code, int) else 2
    finally:
        sys.stderr = tee.stream
    result = done.get("result")
    if result is None:
        reason = "".join(tee.kept).strip() or "the check could not run"
        result = verdict.error(course.find(args.step) if args.step else None, reason, lang())
        if events:
            on_event({"event": "done", "result": result})
    if result.get("target") is None and args.target:
        from checker.commands.plumbing import resolve_target

        result["target"] = str(resolve_target(args.target))
    if not events:
        out.write(verdict.dumps(result) + "\n")
    out.flush()
    return code
