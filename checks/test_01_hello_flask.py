"""Step 01: the smallest Flask app answers `Hello, Flask` on GET /."""

import pytest

from checker.check import apps
from checker.text.failures import both, expect


@pytest.fixture(scope="module")
def module(folder):
    """What a runner process found importing the learner's hello.py: `app`, and its answer to GET /."""
    return apps.inspect(folder, requests=[("GET", "/")])


def test_app_is_defined(module):
    """hello.py imports and defines `app = Flask(__name__)`
    zh: hello.py 能被导入，并定义了 `app = Flask(__name__)`
    """
    apps.flask_app(module)


def test_root_answers_hello(module):
    """GET / answers 200 with the text `Hello, Flask` (Flask's test client, in a process of its own)
    zh: GET / 返回 200 和文本 `Hello, Flask`（在独立进程中用 Flask 测试客户端请求）
    """
    response = apps.flask_app(module)["responses"][0]
    # a route that is missing makes Flask itself answer 404
    expect(response["status"] == 200, "code", both(
        f"GET / answered {response['status']}, expected 200", f"GET / 返回了 {response['status']}，应为 200"),
        fix="root-route")
    text = response["text"]
    # the chapter's exact text, no HTML around it
    expect(text.strip() == "Hello, Flask", "code", both(
        f"GET / answered {text[:80]!r}, expected 'Hello, Flask'", f"GET / 返回了 {text[:80]!r}，应为 'Hello, Flask'"),
        fix="root-text")


def test_served_by_flask_run(folder):
    """`flask --app hello run` serves GET / over real HTTP
    zh: 用 `flask --app hello run` 真正启动后，HTTP 请求 GET / 能拿到回答
    """
    with apps.LocalServer(folder) as server:
        response = server.get("/")
    # the same answer through a real server process and socket as through the test client
    expect(response.status_code == 200 and response.text.strip() == "Hello, Flask", "code",
           both(f"{server.url}/ answered {response.status_code} {response.text[:80]!r}",
                f"{server.url}/ 返回了 {response.status_code} {response.text[:80]!r}"), fix="root-text")
