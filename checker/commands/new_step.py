"""`make new-step SLUG=name`: the next step, scaffolded from the last step's solution.

It writes the starter and the solution (copies of the last solution, their first-line headers naming
the new step), both READMEs with the sections to fill, the workshop.toml entry, README's table row,
the classroom's autograding workflow, a check module of the last step's kind (its `docker run`
deployment, or its compose project) with real checks of what the last step built, and a catalog folder
with a first case. The starter gets one edit point (/set no longer writes to Redis) so that, untouched,
it fails the check with a hint. What only the author can write it marks AUTHOR_TODO;
tests/test_lint.py names each such place until it is done.
"""

import os
import re
import shutil
import sys

from checker import ROOT
from checker.check import compose
from checker.workshop import autograding, course
from checker.text.messages import msg

AUTHOR_TODO = "TODO(author)"
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
COPY_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".venv", ".pytest_cache")

# the case every scaffolded catalog starts with: /set answers but never writes to Redis
SKIPPED_WRITE = "    redis_client.set(key, value)\n"

README_EN = """# Step {nn} — {todo}: the step's title

*中文版：[README.zh-CN.md](README.zh-CN.md)*

{todo}: two or three sentences: where the app stands after step {prev}, and what this step adds.

The folder holds the step-{prev} solution. Work through the `TODO`s:

| File | What to do |
|---|---|
| `{todo}` | {todo}: one line per file the learner edits or creates. |

## What changes, and why

{todo}: one short section per change: the command or code, then why it is done this way.

## Run it yourself

{todo}: the commands that build and run this step by hand, with the answers they print.

## The check

```bash
make check-step {n}
```

{todo}: what the check starts and what it proves, in the order of its checks.
"""

README_ZH = """# 第 {nn} 步：{todo}：步骤标题

*English: [README.md](README.md) · 术语表、准备工作和全部命令：[总 README](../../README.zh-CN.md)*

{todo}：用两三句话说明第 {prev} 步结束时应用是什么样子，这一步要加上什么。

目录里是第 {prev} 步的答案。按 `TODO` 逐个完成：

| 文件 | 要做什么 |
|---|---|
| `{todo}` | {todo}：学员要修改或新建的每个文件各写一行。 |

## 改了什么，为什么要改

{todo}：每项改动一小节：先给命令或代码，再说明为什么这样做。

## 自己动手运行

{todo}：手动构建、运行这一步的命令，以及它们输出的结果。

## 检查

```bash
make check-step {n}
```

{todo}：检查会启动什么、依次验证什么。
"""

# The check's first part: what the last step built still works, deployed the way the last step deploys it.
CHECK_RUN = '''"""Step {nn}: {todo} one line: what this step's checks prove."""

from checker.check.deploy import stored_and_served

KEY, VALUE = "imooc", "imooc.com"


def test_set_and_get_still_work(deployment):
    """what step {prev} built still works: /set then /get through your image, the value kept in Redis
    zh: 第 {prev} 步完成的功能依然可用：通过你的镜像先 /set 再 /get，值保存在 Redis 中
    """
    # /set, the value read from Redis itself, /get: each with its own hint
    stored_and_served(deployment, KEY, VALUE)
'''

CHECK_COMPOSE = '''"""Step {nn}: {todo} one line: what this step's checks prove."""

from checker.check.deploy import stored_and_served
from checker.check.stack import come_up, redis_host

KEY, VALUE = "imooc", "imooc.com"


def test_project_comes_up(project):
    """`docker compose up --wait` builds and starts what step {prev} built, healthy
    zh: `docker compose up --wait` 构建并启动第 {prev} 步完成的部署，且都健康
    """
    # the learner's compose file, run under a project name of the check's own
    come_up(project)


def test_set_and_get_still_work(project):
    """what step {prev} built still works: /set then /get through the compose project, the value kept in Redis
    zh: 第 {prev} 步完成的功能依然可用：通过 compose 项目先 /set 再 /get，值保存在 Redis 中
    """
    # /set, the value read from Redis itself, /get: each with its own hint
    stored_and_served(project, KEY, VALUE, host=redis_host(project))
'''

CHECK_REST = '''

# {todo}: this step's own checks, below, in the order a learner meets the mistakes: checks stop at
# the first failure, and the catalog's cases expect that first failure to name their hint.
'''

ENTRY = '''
[[step]]
folder = "{folder}"
title = {{ en = "{todo}: the step's title", zh = "{todo}：步骤标题" }}
docker = {docker}
hints = [
  {{ en = "{todo}: the first hint, the smallest nudge", zh = "{todo}：第一条提示，只点一下方向" }},
]
'''

CASE = '''fix = "set-not-in-redis"
why = "/set answers OK but never writes the value to Redis"

[[edit]]
file = "hello.py"
find = """
{find}"""
replace = """
    pass  # the value is never written
"""
'''

CASE_TODO = '''fix = "{todo}"
why = "{todo}: one line: the mistake a learner plausibly makes"
'''

# The starter's one edit point until the author writes this step's own: /set no longer writes to Redis,
# so the untouched starter fails the scaffolded check (with its hint), as every starter must.
STARTER_WRITE = ("    # TODO: keep the value in Redis under its key: redis_client.set(key, value)\n"
                 "    # 待办：把这个值以它的键存进 Redis：redis_client.set(key, value)\n")

# "Step 05:" in the first line of a copied file (a comment or a docstring) names the step it was written for
HEADER = re.compile(r"^(\W*)Step (\d\d)(?=[:\s])")

STARTER_TODO = ("# {todo}: mark each edit point of this step with a TODO for the learner (English, then\n"
                "# Chinese on the next comment lines), then remove these three lines.\n"
                "# 作者待办：给学员要改的每个地方加一条待办注释（先英文，下一行起写中文），然后删掉这三行。\n")


def plan(slug):
    """The new step's number and folder, and the step it grows from; or exit 2 with the reason."""
    if not slug or not SLUG.match(slug):
        print(msg("new_step.bad_slug", slug=slug or ""), file=sys.stderr)
        sys.exit(2)
    steps = course.steps()
    previous = steps[-1]
    if any(step.slug == slug for step in steps):
        print(msg("new_step.exists", slug=slug), file=sys.stderr)
        sys.exit(2)
    number = previous.number + 1
    folder = f"{number:02d}-{slug}"
    for tree in ("steps", "solutions"):
        if (ROOT / tree / folder).exists():
            print(msg("new_step.exists", slug=f"{tree}/{folder}"), file=sys.stderr)
            sys.exit(2)
    return number, folder, previous


def kind(previous):
    """"compose" when the last step's solution is a compose project, else "run" (a `docker run` deployment)."""
    return "compose" if compose.find_file(ROOT / "solutions" / previous.folder) else "run"


def rename_headers(folder, values):
    """A copied file whose first line names its step ("# Step 05: ...") names the new one, and where it came from."""
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.name.startswith("README"):
            continue
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue
        first, newline, rest = text.partition("\n")
        renamed = HEADER.sub(lambda m: f"{m.group(1)}Step {values['nn']} (as in step {m.group(2)})", first, count=1)
        if renamed != first:
            path.write_text(renamed + newline + rest)


def write_folders(folder, previous, values):
    """steps/NN-slug and solutions/NN-slug: the previous solution, the starter with its READMEs."""
    source = ROOT / "solutions" / previous.folder
    starter, solution = ROOT / "steps" / folder, ROOT / "solutions" / folder
    shutil.copytree(source, solution, ignore=COPY_IGNORE)
    shutil.copytree(source, starter, ignore=COPY_IGNORE)
    rename_headers(solution, values)
    rename_headers(starter, values)
    hello = starter / "hello.py"
    if hello.is_file() and hello.read_text().count(SKIPPED_WRITE) == 1:
        hello.write_text(hello.read_text().replace(SKIPPED_WRITE, STARTER_WRITE))
    (starter / "README.md").write_text(README_EN.format(**values))
    (starter / "README.zh-CN.md").write_text(README_ZH.format(**values))
    edited = starter / "hello.py"
    if not edited.is_file():
        edited = min(path for path in starter.rglob("*") if path.is_file() and not path.name.startswith("README"))
    edited.write_text(STARTER_TODO.format(**values) + edited.read_text())


ROWS = {"README.md": "{todo}: what the learner learns", "README.zh-CN.md": "{todo}：学员在这一步学到什么"}


def write_metadata(folder, previous, values):
    """The workshop.toml entry (after the last step), a row in each README's table of steps, and the
    classroom's autograding workflow written again from workshop.toml."""
    with open(course.METADATA, "a") as handle:
        handle.write(ENTRY.format(folder=folder, docker="true" if previous.docker else "false", **values))
    for name, text in ROWS.items():
        readme = ROOT / name
        lines = readme.read_text().splitlines(keepends=True)
        last = max(i for i, line in enumerate(lines) if line.startswith(f"| {previous.number:02d} | `{previous.folder}`"))
        lines.insert(last + 1, f"| {values['nn']} | `{folder}` | {text.format(**values)} |\n")
        readme.write_text("".join(lines))
    autograding.write(course.steps())


def write_check_and_catalog(number, folder, slug, values, how):
    """checks/test_NN_slug.py (a check of the last step's kind: `how`) and tests/wrong_answers/NN-slug/
    with a first case."""
    check = ROOT / "checks" / f"test_{number:02d}_{slug.replace('-', '_')}.py"
    check.write_text((CHECK_COMPOSE if how == "compose" else CHECK_RUN).format(**values) + CHECK_REST.format(**values))
    hello = ROOT / "solutions" / folder / "hello.py"
    usable = hello.is_file() and hello.read_text().count(SKIPPED_WRITE) == 1
    case = ROOT / "tests" / "wrong_answers" / folder / ("set-skips-redis" if usable else "first-case")
    case.mkdir(parents=True)
    (case / "expect.toml").write_text(CASE.format(find=SKIPPED_WRITE) if usable else CASE_TODO.format(**values))
    return check, case


def new_step(slug):
    """Scaffold the step after the last one; the list of what was written."""
    number, folder, previous = plan(slug)
    values = {"n": number, "nn": f"{number:02d}", "prev": f"{previous.number:02d}", "todo": AUTHOR_TODO}
    write_folders(folder, previous, values)
    write_metadata(folder, previous, values)
    check, case = write_check_and_catalog(number, folder, slug, values, kind(previous))
    return [f"steps/{folder}/", f"solutions/{folder}/", "workshop.toml", *ROWS,
            autograding.WORKFLOW.relative_to(ROOT).as_posix(),
            check.relative_to(ROOT).as_posix(), case.relative_to(ROOT).as_posix() + "/"]


def cmd_new_step(args):
    written = new_step(args.slug)
    print(msg("new_step.done", n=len(written)))
    for path in written:
        print(f"  {path}")
    print(msg("new_step.next", todo=AUTHOR_TODO))
    return 0


def add_parser(sub):
    command = sub.add_parser("new-step", help="scaffold the next step from the last step's solution")
    command.add_argument("slug", nargs="?", default=os.environ.get("SLUG") or None)
    command.set_defaults(func=cmd_new_step)
