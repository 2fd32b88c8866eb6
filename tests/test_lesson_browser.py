"""`make lesson` end to end in a real browser: Debian's Chromium driven by Playwright, on a copy of the
starters. Skipped where Chromium or Playwright is missing (`.ci/run` installs Chromium)."""

import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from checker import ROOT
from checker.workshop import course

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def all_pass(also="true"):
    """A page condition: every rule and the summary passed (and `also`)."""
    return f"""() => {{ const rules = document.querySelectorAll('[data-rule]');
      return rules.length > 0 && [...rules].every(rule => rule.dataset.status === 'pass')
        && document.getElementById('summary').dataset.status === 'pass' && ({also}); }}"""


ALL_PASS = all_pass()
A_FAILURE = """() => document.querySelector('[data-rule][data-status="fail"]') !== null
    && document.getElementById('summary').dataset.status === 'fail'"""
RUNNING = "() => document.getElementById('summary').dataset.status === 'running'"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    """A learner's copy of the starters of steps 01 and 03."""
    target = tmp_path_factory.mktemp("lesson") / "steps"
    for step in course.steps()[:3]:
        shutil.copytree(ROOT / "steps" / step.folder, target / step.folder)
    return target


@pytest.fixture(scope="module")
def server(copy):
    """`python -m checker lesson` on the copy, on a free port; its URL. Stopped with Ctrl-C at the end."""
    state = copy.parent / "state"
    process = subprocess.Popen(
        [sys.executable, "-m", "checker", "lesson", "--target", str(copy)], cwd=ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "LESSON_PORT": "0", "CI": "1", "WORKSHOP_LANG": "en", "WORKSHOP_STATE_DIR": str(state)})
    line = process.stdout.readline()
    found = re.search(r"http://127\.0\.0\.1:\d+/", line)
    assert found, line + process.stdout.read() if process.poll() is not None else line
    yield found.group(0)
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=120)
    # Ctrl-C ends it cleanly, with the checks it started
    assert process.returncode == 0 and "Traceback" not in out, out


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, under Playwright (never a downloaded browser)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A new tab that collects console errors and uncaught exceptions."""
    context = browser.new_context()
    tab = context.new_page()
    tab.errors = []
    tab.on("console", lambda message: tab.errors.append(message.text) if message.type == "error" else None)
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    yield tab
    context.close()


def write_solution(copy, step):
    """Write the solution's files of `step` into the copy, as a learner's save."""
    for path in (ROOT / "solutions" / step.folder).iterdir():
        if path.is_file():
            (copy / step.folder / path.name).write_bytes(path.read_bytes())


def test_step_01_from_starter_to_done(server, copy, page):
    """The starter shows ✗; a save of the solution turns every rule ✓ without a reload; 'step done'."""
    step = course.steps()[0]
    page.goto(f"{server}step/1?lang=en")
    page.wait_for_function(A_FAILURE, timeout=60_000)
    failed = page.locator('[data-rule][data-status="fail"]').first
    # the failed rule is marked ✗ as text, with its layer and hint as the terminal shows them
    assert failed.locator(".mark").inner_text() == "✗"
    assert "where: your code" in failed.inner_text() and "hint [" in failed.inner_text()
    page.evaluate("window.notReloaded = true")
    write_solution(copy, step)
    page.wait_for_function(ALL_PASS, timeout=60_000)
    # every rule passed in the same page, which now says the step is done and links the next one
    assert page.evaluate("window.notReloaded") is True
    assert page.locator("#done").is_visible() and page.locator("#next-link").get_attribute("href").startswith("/step/2")
    # nothing went wrong in the page
    assert page.errors == []


def test_chinese_toggle(server, page):
    """The toggle shows the Chinese README and labels, under <html lang="zh-CN">."""
    page.goto(f"{server}step/1?lang=en")
    page.click("#lang-toggle")
    # the verdict in Chinese: the check ran again in the page's language
    page.wait_for_function(all_pass("/[\\u4e00-\\u9fff]/.test(document.querySelector('.rule .title').textContent)"),
                           timeout=60_000)
    # the page's language, its README and its labels are Chinese
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert "第 01 步" in page.locator("article.readme h1").inner_text()
    assert page.locator("#check-again").inner_text() == "再检查一次"
    assert "第" in page.title() and page.locator(".rule .status").first.inner_text() == "通过"
    assert page.errors == []


def test_last_save_wins(server, copy, page):
    """A save while a check runs drops that check: the page ends with the verdict of the last save."""
    step = course.steps()[0]
    page.goto(f"{server}step/1?lang=en")
    page.wait_for_function(ALL_PASS, timeout=60_000)
    shutil.copy(ROOT / "steps" / step.folder / "hello.py", copy / step.folder / "hello.py")
    page.wait_for_function(RUNNING, timeout=30_000)
    write_solution(copy, step)  # while the starter's check runs
    page.wait_for_function(ALL_PASS, timeout=60_000)
    page.wait_for_timeout(1500)  # a dropped check's verdict would arrive by now
    # still every rule passed: the starter's verdict never replaced the last save's
    assert page.evaluate(ALL_PASS) is True
    assert page.errors == []


def test_check_again_button(server, page):
    """'Check again' runs the check once more and ends in the same verdict."""
    page.goto(f"{server}step/1?lang=en")
    page.wait_for_function(ALL_PASS, timeout=60_000)
    page.click("#check-again")
    page.wait_for_function(RUNNING, timeout=30_000)
    page.wait_for_function(ALL_PASS, timeout=60_000)
    # the button's check ran and passed; no error in the page
    assert page.errors == []


def engine_ready():
    """Whether a container engine answers (step 03 builds and runs an image)."""
    return subprocess.run(["docker", "info"], capture_output=True).returncode == 0


@pytest.mark.skipif(not engine_ready(), reason="no container engine")
def test_step_03_with_containers(server, copy, page):
    """A step with containers the same way: ✗ for the starter, then ✓ for every rule after a save."""
    step = course.steps()[2]
    page.goto(f"{server}step/{step.number}?lang=en")
    page.wait_for_function(A_FAILURE, timeout=180_000)
    # the starter's failure is shown as ✗
    assert page.locator('[data-rule][data-status="fail"] .mark').first.inner_text() == "✗"
    write_solution(copy, step)
    page.wait_for_function(ALL_PASS, timeout=300_000)
    # every rule passed, no reload, no error
    assert page.locator("#done").is_visible() and page.errors == []
