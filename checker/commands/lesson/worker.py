"""One step's checks for the lesson page: a check runs when a file of the step is saved (the watcher of
`make watch`), when a page opens and on "Check again"; a newer request drops the check it makes stale.

Each check is `python -m checker check N --format events` started ahead of time (watch.Primed), one JSON
line per event; the step's state is kept as one snapshot and sent whole to every open page.
"""

import json
import queue
import signal
import subprocess
import threading
import uuid

from checker.commands.lesson import actions

RUN_BASE = uuid.uuid4().hex[:10]  # the run id of each check is this server's, numbered


def page_status(status):
    """A rule's results-shape status as the page shows it (data-status)."""
    return {"not_run": "pending", "error": "fail"}.get(status, status)


class Worker:
    """The checks of one step in one target, shared by every page open on it."""

    def __init__(self, step, target, lang):
        self.step, self.target, self.lang = step, target, lang
        self.folder = (target / step.folder).resolve()
        self.lock = threading.Lock()
        self.listeners = []
        self.generation = 0
        self.current = self.primed = None
        self.children = []
        self.numbers = iter(range(1, 1 << 30))
        self.stopped = False
        self.observer = None
        self.polling = actions.needs_polling(self.folder)
        self.snapshot = {"seq": 0, "generation": 0, "running": False, "reason": None, "lang": lang, "rules": [],
                         "result": None, "polling": self.polling}

    # watching the step's files ------------------------------------------------------------------

    def start(self):
        """Watch the step's folder (file events, or polling where they do not arrive)."""
        if not self.folder.is_dir():
            return  # the check says so itself
        changes = actions.Changes(self.folder)
        self.observer = actions.observer_for(self.polling)
        self.observer.schedule(changes, str(self.folder), recursive=True)
        self.observer.start()
        threading.Thread(target=self._watch, args=(changes,), daemon=True).start()

    def _watch(self, changes):
        while not self.stopped:
            name = changes.wait()
            if not self.stopped:
                self.check("save", name)

    # pages following it -------------------------------------------------------------------------

    def subscribe(self, lang):
        """A queue of snapshots (JSON texts) for one open page, the current one first. The first page
        of a step, or one in another language than the last verdict, starts a check."""
        listener = queue.Queue()
        with self.lock:
            self.listeners.append(listener)
            self.lang = lang
            listener.put(json.dumps(self.snapshot, ensure_ascii=False))
            fresh = self.generation == 0 or (not self.snapshot["running"] and self.snapshot["lang"] != lang)
        if fresh:
            self.check("open")
        return listener

    def unsubscribe(self, listener):
        with self.lock:
            if listener in self.listeners:
                self.listeners.remove(listener)

    def _publish(self, **changes):
        """Change the snapshot and send it to every page (with the lock held)."""
        self.snapshot = {**self.snapshot, **changes, "seq": self.snapshot["seq"] + 1}
        text = json.dumps(self.snapshot, ensure_ascii=False)
        for listener in self.listeners:
            listener.put(text)

    # running checks -----------------------------------------------------------------------------

    def check(self, reason, name=None):
        """Check the step now; a check still running is dropped (stopped, its verdict never shown)."""
        with self.lock:
            if self.stopped:
                return
            self.generation += 1
            generation, lang = self.generation, self.lang
            dropped, self.current = self.current, None
        if dropped is not None and dropped.child.poll() is None:
            dropped.child.send_signal(signal.SIGINT)  # it removes what it started, then ends
        threading.Thread(target=self._run, args=(generation, reason, name, lang), daemon=True).start()

    def _spawn(self, lang):
        """A check process started ahead of time, waiting for its cue."""
        self.children = [c for c in self.children if c.child.poll() is None]
        primed = actions.Primed(self.step, self.target, False, args=("--format", "events"),
                                env={"WORKSHOP_LANG": lang, "WORKSHOP_RUN_ID": f"{RUN_BASE}-{next(self.numbers)}"},
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        primed.lang = lang
        self.children.append(primed)
        return primed

    def _take(self, lang):
        """The primed check for `lang` (a new one if the waiting one has another language)."""
        primed, self.primed = self.primed, None
        if primed is not None and (primed.lang != lang or primed.child.poll() is not None):
            threading.Thread(target=primed.cancel, daemon=True).start()
            primed = None
        return primed or self._spawn(lang)

    def _run(self, generation, reason, name, lang):
        with self.lock:
            if generation != self.generation or self.stopped:
                return  # a newer request came first
            primed = self.current = self._take(lang)
            rules = [{**rule, "status": "pending"} for rule in self.snapshot["rules"]]
            self._publish(generation=generation, running=True, reason=reason, file=name, lang=lang, rules=rules,
                          result=None)
        try:
            primed.child.stdin.write(b"go\n")
            primed.child.stdin.close()
        except OSError:
            pass  # it ended already; its output says why
        primed.told.close()
        finished = False
        for line in primed.child.stdout:  # to its end: a dropped check's events are read and ignored
            try:
                event = json.loads(line)
            except ValueError:
                continue
            with self.lock:
                if generation == self.generation:
                    finished = self._apply(event) or finished
                    if finished and self.current is primed:
                        self.current = None  # removing its containers now: never interrupted
                        if self.primed is None and not self.stopped:
                            self.primed = self._spawn(lang)  # ready before the next save, as in `make watch`
        primed.child.stdout.close()
        with self.lock:
            if generation == self.generation and not finished:
                error = actions.verdict.error(None, "the check ended without a verdict", lang)
                self._publish(running=False, result=error)
                self.current = None
        primed.end()

    def _apply(self, event):
        """Fold one event of the check into the snapshot; True for its verdict."""
        kind = event.get("event")
        if kind == "collected":
            self._publish(rules=[{**rule, "status": "pending"} for rule in event["rules"]])
        elif kind == "running":
            self._publish(rules=[{**rule, "status": "running"} if rule["name"] == event["name"] else rule
                                 for rule in self.snapshot["rules"]])
        elif kind == "rule":
            done = {**event["rule"], "status": page_status(event["rule"]["status"])}
            self._publish(rules=[done if rule["name"] == done["name"] else rule for rule in self.snapshot["rules"]])
        elif kind == "done":
            result = event["result"]
            rules = [{**rule, "status": page_status(rule["status"]), "outcome": rule["status"]}
                     for rule in result["rules"]]
            self._publish(running=False, rules=rules, result=result)
            return True
        return False

    def stop(self):
        """End every check process it started (each removes its containers) and the watching."""
        with self.lock:
            self.stopped = True
            self.generation += 1
            primed, self.primed, self.current = self.primed, None, None
            children = list(self.children)
        if primed is not None:
            primed.cancel()
        for primed in children:
            if primed.child.poll() is None:
                primed.child.send_signal(signal.SIGINT)
        for primed in children:
            primed.end()
        if self.observer is not None:
            self.observer.stop()
            self.observer.join(timeout=5)


class Workers:
    """The workers of every step a page has opened; the Redis and network checks of container steps
    share while the server runs (as in `make watch`)."""

    def __init__(self, target):
        self.target = target
        self.lock = threading.Lock()
        self.by_step = {}
        self.stop_warm = None

    def get(self, step, lang):
        with self.lock:
            worker = self.by_step.get(step.number)
            if worker is None:
                if step.docker and self.stop_warm is None:
                    self.stop_warm = actions.kept_run(step)
                    actions.keep_warm(step)
                worker = self.by_step[step.number] = Worker(step, self.target, lang)
                worker.start()
        return worker

    def stop(self):
        with self.lock:
            workers, self.by_step = list(self.by_step.values()), {}
        for worker in workers:
            worker.stop()
        if self.stop_warm is not None:
            self.stop_warm()
