"""What a learner sees: one line per check (✓/✗), and for a failure its layer, log and hint.

Used as a pytest plugin by the checker's `check` command; pytest's own output is hidden unless
V=1 is given.
"""

import time

import pytest

from checker.check import verdict
from checker.text import terminal
from checker.text.failures import CheckFailure
from checker.text.i18n import lang
from checker.text.messages import msg

def readme_name():
    """The README a learner reads in their language: README.zh-CN.md in Chinese, else README.md."""
    return "README.zh-CN.md" if lang() == "zh" else "README.md"


def title_of(item):
    """A check's one-line title: the first line of its docstring, or in Chinese its `zh:` line."""
    doc = (getattr(item, "function", None) and item.function.__doc__) or item.name
    lines = [line.strip() for line in doc.strip().splitlines()]
    title = lines[0]
    if lang() == "zh":
        # a second docstring line `zh: <title>` translates the title; English when there is none
        title = next((line[3:].strip() for line in lines[1:] if line.startswith("zh:")), "") or title
    # a check may add what it measured: record_property("note", both("280 MB of 300 MB", "280 MB，上限 300 MB"))
    # -> "title (280 MB of 300 MB)", in Chinese "标题（280 MB，上限 300 MB）"
    notes = [str(value) for key, value in getattr(item, "user_properties", ()) if key == "note"]
    if not notes:
        return title
    return f"{title}（{'；'.join(notes)}）" if lang() == "zh" else f"{title} ({', '.join(notes)})"


class Reporter:
    """pytest plugin printing the learner's view of a step's checks."""

    def __init__(self, step, target_label, fresh_starter=lambda: False, on_event=None):
        self.step = step
        self.target_label = target_label
        self.fresh_starter = fresh_starter  # asked after a failure: are these the starter's files?
        self.items = []
        self.results = {}
        self.started = time.monotonic()
        self.failures = []
        self.rules = {}  # nodeid -> verdict.rule(...), the results shape (verdict.py)
        self.on_event = on_event  # called with each event of the run (the lesson page follows them)
        self.document = None

    def _event(self, kind, **data):
        if self.on_event is not None:
            self.on_event({"event": kind, **data})

    def say(self, text=""):
        terminal.clear_progress()
        terminal.write(text + "\n")

    # pytest hooks -------------------------------------------------------------------------------

    def pytest_collection_finish(self, session):
        # after collection: a check started ahead of time (`make watch`) waits for its cue before this
        self.started = time.monotonic()
        self.say(msg("check.header", step=self.step.folder, title=self.step.title_text(), target=self.target_label))
        self.items = list(session.items)
        self._event("collected", rules=[verdict.rule(i.name, title_of(i), "not_run") for i in self.items])

    def pytest_runtest_logstart(self, nodeid, location):
        item = next((i for i in self.items if i.nodeid == nodeid), None)
        if item is not None:
            self._event("running", name=item.name)

    def pytest_runtest_logreport(self, report):
        if report.when == "call" or (report.failed and report.when == "setup"):
            if report.nodeid in self.results:
                return
            self.results[report.nodeid] = report
            item = next((i for i in self.items if i.nodeid == report.nodeid), None)
            title = title_of(item) if item else report.nodeid
            if report.passed:
                self.say(f"  ✓ {title}")
            elif report.skipped:
                self.say(f"  – {title}")
            else:
                self.say(f"  ✗ {title}")
                self.explain(report)
                self.failures.append(report)
            self.rules[report.nodeid] = self._rule(item, report, title)
            self._event("rule", rule=self.rules[report.nodeid])

    def pytest_sessionfinish(self, session, exitstatus):
        for item in self.items:
            if item.nodeid not in self.results:
                self.say(f"  – {title_of(item)}{msg('label.colon')}{msg('check.not_run')}")
        self.say()
        # a check skipped on purpose (say, a feature this engine lacks) counts neither way
        total = len(self.items) - sum(1 for r in self.results.values() if r.skipped)
        passed = sum(1 for r in self.results.values() if r.passed)
        if total == 0:
            self.say(msg("check.no_tests", step=self.step.folder))
        elif passed == total:
            self.say(msg("check.passed_last", n=total) if self.next_step is None
                     else msg("check.passed", n=total, next=f"make check-step {self.next_step}"))
        starter = passed < total and self.fresh_starter()
        if total and passed < total:
            self.say(msg("check.failed", passed=passed, n=total, step=self.step.number))
            if starter:
                self.say(msg("check.expected_first", readme=f"steps/{self.step.folder}/{readme_name()}"))
        self.summary = {"passed": passed, "total": total, "seconds": round(time.monotonic() - self.started, 2),
                        "fixes": self.fix_keys()}
        rules = [self.rules.get(i.nodeid) or verdict.rule(i.name, title_of(i), "not_run") for i in self.items]
        self.document = (verdict.document(self.step, rules, lang(), self.summary["seconds"], self.next_step, starter)
                         if total else verdict.error(self.step, msg("check.no_tests", step=self.step.folder), lang()))
        self.summary["result"] = self.document
        self._event("done", result=self.document)

    next_step = None

    # failure details ----------------------------------------------------------------------------

    def explain(self, report):
        """Layer, message, log and hint of a failed check, without a traceback."""
        failure = self._failure_of(report)
        if failure is None:
            text = report.longreprtext.strip().splitlines()
            self.say(f"      {msg('label.where')}{msg('label.colon')}{msg('layer.checker')}")
            self.say("      " + (text[-1] if text else msg("check.unknown_error")))
            self.say("      " + msg("check.verbose"))
            return
        self.say(f"      {msg('label.where')}{msg('label.colon')}{msg('layer.' + failure.layer)}")
        for line in failure.message.splitlines():
            self.say(f"      {line}")
        if failure.log:
            self.say(f"      {msg('label.log')}{msg('label.colon').rstrip()}")
            for line in failure.log.splitlines():
                self.say(f"        │ {line}")
        if failure.fix:
            self.say(f"      {msg('label.hint')} [{failure.fix}]{msg('label.colon')}{self._fix_text(failure.fix)}")

    def _fix_text(self, key):
        return self.step.fix(key)

    def fix_keys(self):
        """The hint keys the failed checks printed ([key] after a ✗), in order: `make hint` starts with them."""
        keys = [failure.fix for failure in map(self._failure_of, self.failures) if failure and failure.fix]
        return list(dict.fromkeys(keys))

    def _rule(self, item, report, title):
        """The results-shape record of one check's report (verdict.rule)."""
        name = item.name if item else report.nodeid
        if report.passed:
            return verdict.rule(name, title, "pass")
        if report.skipped:
            return verdict.rule(name, title, "skip")
        failure = self._failure_of(report)
        if failure is None:
            text = report.longreprtext.strip().splitlines()
            return verdict.rule(name, title, "error", layer="checker",
                                message=text[-1] if text else msg("check.unknown_error"))
        try:
            hint = self._fix_text(failure.fix) if failure.fix else None
        except KeyError:
            hint = None
        return verdict.rule(name, title, "fail", layer=failure.layer, message=failure.message,
                            hint_key=failure.fix, hint=hint, log=failure.log)

    @staticmethod
    def _failure_of(report):
        excinfo = getattr(report, "_excinfo", None)
        if excinfo is not None and isinstance(excinfo.value, CheckFailure):
            return excinfo.value
        return None

    # keep the exception object: pytest only keeps its text on the report
    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item, call):
        report = yield
        if call.excinfo is not None:
            report._excinfo = call.excinfo
        return report
