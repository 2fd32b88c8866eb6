"""The whole course in Chinese: the language finds the learner, and what they read is Chinese.

english_runs() (checker/text/i18n.py) is the rule: a line written for a Chinese reader may keep code,
commands, values and names as they are, but no run of English words.
"""

import ast
import os
import re
import subprocess
import sys

import pytest

from checker import ROOT
from checker.workshop import course
from checker.text.i18n import english_lines, english_runs, resolve
from checker.commands.makehelp import CHINESE, described
from checker.text.messages import MESSAGES

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def state(tmp_path, monkeypatch):
    """A fresh .workshop/ folder, in this process and in the commands it starts."""
    monkeypatch.setenv("WORKSHOP_STATE_DIR", str(tmp_path))
    monkeypatch.setattr("checker.text.i18n.STATE_DIR", tmp_path)
    return tmp_path


def run(*command, env=None):
    """A command in the repository with a clean language environment plus `env`; its stdout+stderr."""
    base = {k: v for k, v in os.environ.items() if k not in ("WORKSHOP_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    done = subprocess.run(command, cwd=ROOT, env={**base, "LANG": "C.UTF-8", **(env or {})},
                          capture_output=True, text=True, timeout=60)
    return done.returncode, done.stdout + done.stderr


# the detector ------------------------------------------------------------------------------------


def test_detector_finds_english_detail_lines():
    """The English lines a Chinese-only learner met are caught."""
    # each one was printed in Chinese mode before the course was translated
    assert english_runs("GET / answered 'Hello, Flask!', expected 'Hello, Flask'")
    assert english_runs("the app in the container listens on 127.0.0.1:5000 only, …")
    assert english_runs("镜像大小合适 (187 MB of 250 MB)")
    assert english_runs("第二次构建很快 (rebuilt in 0.1 s)")
    assert english_runs("无法连接 Docker（unix:///var/run/docker.sock：connection refused）")


def test_detector_keeps_code_values_and_quoted_logs():
    """Code, commands, values, names and the program's own quoted log lines are not English prose."""
    # backticks, options, measured values, product names and make commands stay as they are
    assert english_runs("用 `docker run --rm -p 5000:5000 web:v1` 运行，镜像 187 MB（上限 250 MB）") == []
    assert english_runs("下一步：make check-step 2（也可以 make demo DEMO_PORT=5001）") == []
    assert english_runs("Docker Desktop 已运行；GET /get?key=imooc 返回 'imooc.com'") == []
    # a log line the checker quotes is what a program printed
    assert english_runs("        │ Traceback (most recent call last):") == []


def test_detector_reads_a_whole_output():
    """english_lines() names the lines of a command's output that are not Chinese, and only those."""
    output = "  ✗ 镜像大小不超出预算\n      问题出在：镜像构建\n      the image is 300 MB\n        │ Step 1/8 : FROM python:3\n"
    assert english_lines(output) == [("      the image is 300 MB", ["the image is"])]


# every sentence the learner reads ----------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_message_reads_as_chinese(key):
    """Each checker and command message has a Chinese text with no English run in it."""
    zh = MESSAGES[key].get("zh", "")
    # a missing text would print the English one
    assert zh.strip(), key
    for line in zh.splitlines():
        assert english_runs(line) == [], f"{key}: {line}"


def course_texts():
    """(where, zh text) of every step title, hint and fix in workshop.toml."""
    data = course.load()
    found = [(f"fixes.{key}", texts.get("zh", "")) for key, texts in data["fixes"].items()]
    for step in course.steps():
        found.append((f"{step.folder} title", step.title.get("zh", "")))
        found += [(f"{step.folder} hint {i}", hint.get("zh", "")) for i, hint in enumerate(step.hints, 1)]
        found += [(f"{step.folder} fixes.{key}", texts.get("zh", "")) for key, texts in step.fixes.items()]
    return found


@pytest.mark.parametrize("where,zh", course_texts(), ids=[where for where, _ in course_texts()])
def test_hint_reads_as_chinese(where, zh):
    """Titles, hints and fixes have a Chinese text with no English run in it."""
    assert HAN.search(zh), where
    assert english_runs(zh) == [], where


def check_titles():
    """(check, docstring) of every check function in checks/test_*.py."""
    found = []
    for path in sorted((ROOT / "checks").glob("test_*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                found.append((f"{path.stem}::{node.name}", ast.get_docstring(node) or ""))
    return found


@pytest.mark.parametrize("check,doc", check_titles(), ids=[check for check, _ in check_titles()])
def test_check_title_reads_as_chinese(check, doc):
    """Every check has a `zh:` title, Chinese with no English run in it."""
    titles = [line.strip()[3:].strip() for line in doc.splitlines() if line.strip().startswith("zh:")]
    # without one the learner reads the English title in Chinese mode
    assert titles and HAN.search(titles[0]), check
    assert english_runs(titles[0]) == [], f"{check}: {titles[0]}"


def zh_texts_of_both():
    """(file:line, the zh text with {…} for each value) of every both(en, zh) in checks/ and checker/."""
    found = []
    for path in sorted([*(ROOT / "checks").glob("*.py"), *(ROOT / "checker").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "both" and len(node.args) == 2:
                found.append((f"{path.parent.name}/{path.name}:{node.lineno}", literal_text(node.args[1])))
    return found


def literal_text(node):
    """The text a string expression writes, each computed part shown as {…}."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(literal_text(part) if isinstance(part, ast.Constant) else "{…}" for part in node.values)
    if isinstance(node, ast.BinOp):
        return literal_text(node.left) + literal_text(node.right)
    if isinstance(node, ast.IfExp):
        return literal_text(node.body) + "\n" + literal_text(node.orelse)
    return "{…}"


@pytest.mark.parametrize("where,zh", zh_texts_of_both(), ids=[where for where, _ in zh_texts_of_both()])
def test_failure_message_reads_as_chinese(where, zh):
    """The zh text of every both(en, zh) a check or the checker gives is Chinese, with no English run."""
    # the catalog of wrong answers reaches most of these at run time; this reaches them all
    assert HAN.search(zh) or not re.sub(r"\{…\}|`[^`]*`|[^A-Za-z]", "", zh), f"{where}: {zh}"
    for line in zh.splitlines():
        assert english_runs(line) == [], f"{where}: {line}"


def test_every_make_target_has_chinese_help():
    """`make help` in Chinese describes every target, in Chinese."""
    for target, _english in described():
        # a target without a Chinese line would be listed in English
        assert CHINESE.get(target, "").strip(), target
        assert english_runs(CHINESE[target]) == [], target


# the language finds the learner ------------------------------------------------------------------


@pytest.mark.parametrize("environ,expected", [
    ({"LANG": "zh_CN.UTF-8"}, "zh"),
    ({"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
    ({"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}, "en"),
    ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
    ({"LANGUAGE": "zh_CN:en", "LANG": "en_US.UTF-8"}, "zh"),
    ({"LANG": "fr_FR.UTF-8"}, "en"),
    ({}, "en"),
    ({"WORKSHOP_LANG": "zh", "LANG": "en_US.UTF-8"}, "zh"),
    ({"WORKSHOP_LANG": "en", "LANG": "zh_CN.UTF-8"}, "en"),
])
def test_locale_picks_the_language(state, environ, expected):
    """A zh locale turns Chinese on; WORKSHOP_LANG wins over it."""
    assert resolve(environ)[0] == expected


def test_make_lang_is_stored_and_followed(state):
    """`make lang L=zh` makes every later command Chinese, until L=en; WORKSHOP_LANG still wins."""
    code, out = run("make", "--no-print-directory", "lang", "L=zh")
    assert code == 0, out
    assert (state / "lang").read_text().strip() == "zh"
    # a later command, with an English locale, speaks Chinese
    _code, out = run(sys.executable, "-m", "checker", "hint", "1", env={"LANG": "en_US.UTF-8"})
    assert "步骤 01-hello-flask 的提示" in out, out
    # WORKSHOP_LANG for one command wins over the stored choice
    _code, out = run(sys.executable, "-m", "checker", "hint", "1", env={"WORKSHOP_LANG": "en"})
    assert "Hints for step 01-hello-flask" in out, out
    # the stored choice wins over the locale, both ways
    run("make", "--no-print-directory", "lang", "L=en")
    _code, out = run(sys.executable, "-m", "checker", "hint", "1", env={"LANG": "zh_CN.UTF-8"})
    assert "Hints for step 01-hello-flask" in out, out
    # L=auto forgets it: the locale decides again
    run("make", "--no-print-directory", "lang", "L=auto")
    assert not (state / "lang").exists()
    _code, out = run(sys.executable, "-m", "checker", "hint", "1", env={"LANG": "zh_CN.UTF-8"})
    assert "步骤 01-hello-flask 的提示" in out, out


def test_make_lang_refuses_other_values(state):
    """An unknown language is refused with the way to say it, and nothing is stored."""
    code, out = run("make", "--no-print-directory", "lang", "L=fr")
    assert code != 0
    assert "make lang L=zh" in out
    assert not (state / "lang").exists()


def test_setup_says_the_language_and_how_to_switch(state):
    """`make setup` starts with the language, why, and the command to switch, in that language."""
    _code, out = run("make", "--no-print-directory", "setup-language", env={"LANG": "zh_CN.UTF-8"})
    assert out.startswith("语言：中文（来自 LANG=zh_CN.UTF-8）"), out
    assert "make lang L=en" in out
    # an English learner is told in Chinese too how to switch: a Chinese-only reader must find it
    _code, out = run("make", "--no-print-directory", "setup-language")
    assert "切换到中文：make lang L=zh" in out, out


def test_help_follows_the_language(state):
    """`make` alone lists the commands in Chinese in Chinese mode."""
    _code, out = run("make", "--no-print-directory", env={"LANG": "zh_CN.UTF-8"})
    assert "工作坊命令" in out and "make check-step" in out, out
    for line in out.splitlines():
        assert english_runs(line) == [], line


def test_scripts_ask_the_same_rule(state):
    """The shell scripts take their language from checker.commands.lang, so they follow `make lang` too."""
    run("make", "--no-print-directory", "lang", "L=zh")
    # what scripts/messages.sh runs, from a shell whose locale is English
    _code, out = run("bash", "-c", '. scripts/messages.sh && pick "in English" "用中文"', env={"LANG": "en_US.UTF-8"})
    assert out.strip() == "用中文"
    for script in ("ensure-engine.sh", "podman-service.sh"):
        assert ". " in (ROOT / "scripts" / script).read_text() and "messages.sh" in (ROOT / "scripts" / script).read_text()


@pytest.mark.parametrize("script", ["ensure-engine.sh", "podman-service.sh"])
def test_script_sentences_have_chinese(script):
    """Each sentence a script says (say/fail "English" "中文") carries its Chinese text."""
    joined = (ROOT / "scripts" / script).read_text().replace("\\\n", " ")
    for line in joined.splitlines():
        code = line.strip()
        if code.startswith(("say ", "fail ")) or " say \"" in code or " fail \"" in code:
            assert HAN.search(code), code


# starters and READMEs ----------------------------------------------------------------------------


def starter_files():
    """Every file of every starter but its READMEs (hello.py, Dockerfile, redis.conf, compose files…)."""
    return sorted(path for path in (ROOT / "steps").glob("*/*")
                  if path.is_file() and not path.name.startswith("README"))


@pytest.mark.parametrize("path", starter_files(), ids=lambda path: f"{path.parent.name}/{path.name}")
def test_todo_comments_carry_both_languages(path):
    """Each TODO comment: its English lines, then the same in Chinese on the next comment lines."""
    lines = path.read_text().splitlines()
    for number, line in enumerate(lines):
        if "TODO" not in line or not line.lstrip().startswith("#"):
            continue
        # the comment block the TODO starts: consecutive comment lines
        block = []
        for following in lines[number:]:
            if not following.lstrip().startswith("#") or (block and "TODO" in following):
                break
            block.append(following)
        # a Chinese-only learner finds the same instruction in the block
        assert any(HAN.search(comment) for comment in block), f"{path.name}:{number + 1}: {line.strip()}"


def zh_readmes():
    return [ROOT / "README.zh-CN.md", *sorted(ROOT.glob("steps/*/README.zh-CN.md"))]


@pytest.mark.parametrize("path", zh_readmes(), ids=lambda path: str(path.relative_to(ROOT)))
def test_one_word_for_the_chapter(path):
    """The source chapter is "教程" everywhere (the top README defines it); never "原文" or "原章节"."""
    text = path.read_text()
    for word in ("原文", "原章节", "原教程"):
        assert word not in text, f"{path.relative_to(ROOT)}: {word}"


def test_top_readmes_link_each_other():
    """README.md's first line leads to the Chinese README, which leads back."""
    assert "README.zh-CN.md" in (ROOT / "README.md").read_text().splitlines()[0]
    assert "README.md" in (ROOT / "README.zh-CN.md").read_text().splitlines()[0]


def test_chinese_readme_names_every_target():
    """A learner reading only README.zh-CN.md finds every make target, as in README.md."""
    readme = (ROOT / "README.zh-CN.md").read_text()
    for target, _english in described():
        assert f"`make {target}" in readme, target


def test_step_readme_headings_share_one_style():
    """Every step's Chinese README opens with "# 第 NN 步：标题"."""
    for path in sorted(ROOT.glob("steps/*/README.zh-CN.md")):
        first = path.read_text().splitlines()[0]
        assert re.fullmatch(rf"# 第 {path.parent.name[:2]} 步：\S.*", first), f"{path.parent.name}: {first}"


# spacing ----------------------------------------------------------------------------------------

STRAY_SPACE = re.compile(r"(?<=\S)[ \t\u00a0]+(?=[（），。：；、！？」』】》])")


def zh_readme_lines():
    """(file:line, text) of every prose line of the Chinese READMEs (code blocks left out; indentation kept out)."""
    found = []
    for path in sorted(ROOT.glob("**/README.zh-CN.md")):
        if ".venv" in path.parts or "node_modules" in path.parts:
            continue
        fenced = False
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.lstrip().startswith("```"):
                fenced = not fenced
            elif not fenced:
                found.append((f"{path.relative_to(ROOT)}:{number}", line))
    return found


def all_zh_texts():
    """(where, text) of every Chinese text a learner reads: messages, titles, hints, fixes, failure messages,
    check titles and READMEs."""
    found = [(f"message {key}", texts.get("zh", "")) for key, texts in MESSAGES.items()]
    found += course_texts() + zh_texts_of_both()
    found += [(check, line.strip()[3:]) for check, doc in check_titles()
              for line in doc.splitlines() if line.strip().startswith("zh:")]
    return found + zh_readme_lines() + zh_comment_lines()


def zh_comment_lines():
    """(file:line, text) of every Chinese comment line in the starters and solutions (the `#` left out)."""
    found = []
    for folder in ("steps", "solutions"):
        for path in sorted((ROOT / folder).rglob("*")):
            if not path.is_file() or path.suffix == ".md":
                continue
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except UnicodeDecodeError:
                continue
            found += [(f"{path.relative_to(ROOT)}:{number}", line.split("#", 1)[1])
                      for number, line in enumerate(lines, 1) if "#" in line and HAN.search(line.split("#", 1)[1])]
    return found


def test_no_space_before_full_width_punctuation():
    """Chinese text puts no space before full-width punctuation (`说明 （` reads as a typo): the full-width
    mark carries its own spacing."""
    stray = [f"{where}: {line.strip()}" for where, text in all_zh_texts()
             for line in text.splitlines() if STRAY_SPACE.search(line)]
    assert stray == [], "\n".join(stray)


def test_the_spacing_rule_finds_a_stray_space():
    assert STRAY_SPACE.search("运行 `make doctor` （需要引擎）") and STRAY_SPACE.search("完成了 。")
    assert not STRAY_SPACE.search("  （见下文）") and not STRAY_SPACE.search("运行 `make doctor`（需要引擎）")
