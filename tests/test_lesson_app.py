"""checker/commands/lesson/app.py with Flask's test client: routes, refusals, escaping, the three actions."""

import json
import queue
import shutil

import pytest

from checker import ROOT
from checker.commands import reset_step
from checker.workshop import course
from checker.commands.lesson.app import create_app

PORT = 8310
HOST = {"Host": f"127.0.0.1:{PORT}"}
POSTED = {**HOST, "Origin": f"http://127.0.0.1:{PORT}"}
STEP = course.steps()[0]
EVIL = "<img src=x onerror=alert(1)>"


class FakeWorker:
    """Stands in for a step's checks: records what was asked, sends one snapshot."""

    def __init__(self, folder):
        self.folder, self.polling, self.asked = folder, False, []

    def check(self, reason, name=None):
        self.asked.append(reason)

    def subscribe(self, lang):
        listener = queue.Queue()
        listener.put(json.dumps({"seq": 1, "running": False, "rules": [], "result": None, "lang": lang}))
        return listener

    def unsubscribe(self, listener):
        pass


class FakeWorkers:
    """Hands out one FakeWorker per step; starts no process."""

    def __init__(self, target):
        self.target, self.made = target, {}

    def get(self, step, lang):
        return self.made.setdefault(step.number, FakeWorker(self.target / step.folder))

    def stop(self):
        pass


@pytest.fixture
def target(tmp_path):
    """A learner's copy of step 01's starter in a folder whose name is hostile HTML."""
    folder = tmp_path / EVIL
    shutil.copytree(ROOT / "steps" / STEP.folder, folder / STEP.folder)
    return folder


@pytest.fixture
def client(target):
    """A test client of the lesson app on `target`, with fake workers."""
    app = create_app(target, PORT, workers=FakeWorkers(target))
    return app.test_client()


def test_course_page_lists_every_step(client):
    """The course page names every step of workshop.toml with its state."""
    page = client.get("/?lang=en", headers=HOST)
    html = page.get_data(as_text=True)
    # every step is linked, each with a state from past checks
    assert page.status_code == 200
    for step in course.steps():
        assert f'href="/step/{step.number}?lang=en"' in html
    assert html.count('class="course-step"') == len(course.steps())


def test_step_page_in_both_languages(client):
    """The step page renders its README in the asked language, with <html lang> to match."""
    english = client.get("/step/1?lang=en", headers=HOST).get_data(as_text=True)
    chinese = client.get("/step/1?lang=zh", headers=HOST).get_data(as_text=True)
    # the English README, under <html lang="en">
    assert '<html lang="en">' in english and "Hello, Flask" in english
    # the Chinese README and labels, under <html lang="zh-CN">
    assert '<html lang="zh-CN">' in chinese and "第 01 步" in chinese and "再检查一次" in chinese


def test_learner_made_text_is_escaped(client):
    """A folder name that is HTML shows as text on both pages and in the page's data."""
    for path in ("/?lang=en", "/step/1?lang=en"):
        html = client.get(path, headers=HOST).get_data(as_text=True)
        # the hostile name never reaches the page as markup
        assert EVIL not in html, path


def test_foreign_host_and_origin_are_refused(client):
    """DNS rebinding (another Host) and another site's POST get 403."""
    # a rebinding name
    assert client.get("/", headers={"Host": f"evil.example:{PORT}"}).status_code == 403
    # another site's form posting a check
    assert client.post("/step/1/check", headers={**HOST, "Origin": "http://evil.example"}).status_code == 403
    # a POST without Origin
    assert client.post("/step/1/check", headers=HOST).status_code == 403


def test_check_again_asks_the_worker(client):
    """POST /step/1/check starts a check of that step."""
    answer = client.post("/step/1/check", headers=POSTED)
    # accepted, and the step's worker was asked
    assert answer.status_code == 202
    assert client.application.extensions["lesson_workers"].made[1].asked == ["button"]


def test_events_stream_the_snapshot(client):
    """The events route is a server-sent event stream, starting with the current snapshot."""
    answer = client.get("/step/1/events?lang=en", headers=HOST, buffered=False)
    first = next(answer.response)
    answer.close()
    # text/event-stream, one data: line carrying JSON
    assert answer.mimetype == "text/event-stream"
    assert json.loads(first.decode().removeprefix("data: "))["seq"] == 1


def test_hints_as_make_hint(client):
    """Hints come one more at a time, in the page's language; nothing is written."""
    answer = client.get("/step/1/hints?shown=1&lang=zh", headers=HOST).get_json()
    # the first hint only, in Chinese, and how many there are
    assert len(answer["hints"]) == 1 and answer["total"] == len(STEP.hints)
    assert any("\u4e00" <= char <= "\u9fff" for char in answer["hints"][0])
    # a count that is no number is a bad request
    assert client.get("/step/1/hints?shown=x", headers=HOST).status_code == 400


def test_reset_needs_confirmation_and_keeps_a_backup(client, target, tmp_path, monkeypatch):
    """Reset without confirmation does nothing; with it, the files are backed up and the starter is back."""
    monkeypatch.setattr(reset_step, "BACKUPS", tmp_path / "backups")
    hello = target / STEP.folder / "hello.py"
    hello.write_text("# my own work\n")
    # unconfirmed: refused, the file untouched
    assert client.post("/step/1/reset", headers=POSTED, json={}).status_code == 400
    assert hello.read_text() == "# my own work\n"
    answer = client.post("/step/1/reset", headers=POSTED, json={"confirmed": True}).get_json()
    # done: the starter is back and the learner's file is in the backup
    assert answer["done"] and "TODO" in hello.read_text()
    backup = next((tmp_path / "backups").iterdir())
    assert (backup / "hello.py").read_text() == "# my own work\n"


def test_unknown_step_is_404(client):
    """A step that does not exist is a 404 page, not an error."""
    # no step 99
    assert client.get("/step/99", headers=HOST).status_code == 404
