"""Sentences of the learner and instructor commands (help, lang, setup, progress, hint, watch,
reset-step, doctor, demo, grade, new-step), in English and Chinese. messages.py merges them into MESSAGES."""

COMMAND_MESSAGES = {
    # make help: the English descriptions are the Makefile's `## ` comments; these are the Chinese ones
    "help.title": {"en": "Docker from 0 to 1 — workshop commands", "zh": "Docker 从 0 到 1：工作坊命令"},
    "help.footer": {
        "en": "Step commands take the step number: make check-step 1 (TARGET=solutions or any folder like steps/).",
        "zh": "步骤命令要带上步骤编号：make check-step 1（TARGET=solutions，或任何结构与 steps/ 相同的目录）。",
    },
    "help.lang_line": {
        "en": "Messages in Chinese / 中文输出：make lang L=zh",
        "zh": "改用英文输出：make lang L=en",
    },
    # make lang L=zh|en|auto
    "lang.name.en": {"en": "English", "zh": "英文"},
    "lang.name.zh": {"en": "Chinese", "zh": "中文"},
    "lang.stored": {
        "en": "Every command now prints in {name} (stored in .workshop/lang; `make lang L=auto` follows the locale again).",
        "zh": "之后的每条命令都用{name}输出（保存在 .workshop/lang；`make lang L=auto` 恢复为跟随系统区域设置）。",
    },
    "lang.overridden": {
        "en": "WORKSHOP_LANG is set in this shell and wins over the stored choice, so here you still get {name}: "
              "`unset WORKSHOP_LANG`.",
        "zh": "当前 shell 里设置了 WORKSHOP_LANG，它比保存的选择优先，所以这里仍然输出{name}：运行 `unset WORKSHOP_LANG`。",
    },
    "lang.cleared": {
        "en": "No stored language any more: messages are in {name} ({where}).",
        "zh": "已删除保存的语言选择：现在输出{name}（{where}）。",
    },
    "lang.unknown": {
        "en": "L must be zh, en or auto (follow the locale); got '{value}'. For example: make lang L=zh",
        "zh": "L 只能是 zh、en 或 auto（跟随系统区域设置），现在是 '{value}'。例如：make lang L=zh",
    },
    "lang.current": {
        "en": "Language: {name} ({where}). 切换到中文：make lang L=zh",
        "zh": "语言：{name}（{where}）。改用英文：make lang L=en",
    },
    "lang.from_variable": {"en": "from {variable}", "zh": "来自 {variable}"},
    "lang.from_stored": {"en": "stored by `make lang`", "zh": "由 `make lang` 保存"},
    "lang.from_default": {"en": "the default", "zh": "默认"},
    # make test
    "test.none_collected": {
        "en": "pytest collected no tests: the suite is broken",
        "zh": "pytest 一个测试也没有收集到：测试套件本身坏了",
    },
    # make setup
    "setup.installing": {
        "en": "… installing pinned Python packages into {venv}",
        "zh": "… 正在把固定版本的 Python 包安装到 {venv}",
    },
    "setup.installed": {"en": "✓ Python packages installed", "zh": "✓ Python 包已安装"},
    "setup.done": {
        "en": "✓ Ready. Next: make check-step 1 (first, if you like, make demo shows the finished app).",
        "zh": "✓ 准备就绪。下一步：make check-step 1（想先看看最终效果，可以运行 make demo）。",
    },
    # make progress
    "progress.header": {"en": "Progress in {target}", "zh": "{target} 的进度"},
    "progress.not_started": {"en": "not started", "zh": "尚未开始"},
    "progress.failing": {
        "en": "failing: {passed} of {total} checks passed ({when})",
        "zh": "未通过：{total} 项检查中通过了 {passed} 项（{when}）",
    },
    "progress.passed": {"en": "passed ({when})", "zh": "已通过（{when}）"},
    "progress.changed": {
        "en": "{state}; changed since the last check: run `make check-step {number}`",
        "zh": "{state}；上次检查之后文件有改动：运行 `make check-step {number}`",
    },
    "progress.next": {"en": "Next: step {step}, {title}. Run `make check-step {number}`.",
                      "zh": "下一步：步骤 {step}，{title}。运行 `make check-step {number}`。"},
    "progress.done": {"en": "Every step passed: well done!", "zh": "所有步骤都已通过：干得漂亮！"},
    # make hint N
    "hint.header": {"en": "Hints for step {step}: {title}", "zh": "步骤 {step} 的提示：{title}"},
    "hint.item": {"en": "  {i}/{n}  {text}", "zh": "  {i}/{n}  {text}"},
    "hint.more": {
        "en": "{left} more hint(s): run `make hint {number}` again for the next one.",
        "zh": "还有 {left} 条提示：再次运行 `make hint {number}` 查看下一条。",
    },
    "hint.all_shown": {
        "en": "All {n} hints are shown. The check's own hint ([key] after a ✗) names the exact fix.",
        "zh": "全部 {n} 条提示都已显示。检查失败时 ✗ 后面的提示（[key]）会指出具体的改法。",
    },
    "hint.none": {"en": "Step {step} has no hints.", "zh": "步骤 {step} 没有提示。"},
    "hint.last_check": {"en": "Your last check failed; its hint first:", "zh": "上次检查没有通过，先看它给的提示："},
    "hint.failure": {"en": "  ✗ [{fix}] {text}", "zh": "  ✗ [{fix}] {text}"},
    "hint.general": {"en": "Then the step's hints:", "zh": "再看这一步的提示："},
    # make watch N
    "watch.start": {
        "en": "Watching {folder} ({how}). Save a file to check again; Ctrl-C stops.",
        "zh": "正在监视 {folder}（{how}）。保存文件即重新检查；按 Ctrl-C 停止。",
    },
    "watch.native": {"en": "file events", "zh": "文件事件"},
    "watch.polling": {"en": "polling every {seconds:g} s", "zh": "每 {seconds:g} 秒轮询一次"},
    "watch.changed": {"en": "── {time}  {name} changed: checking again ──",
                      "zh": "── {time}  {name} 已修改：重新检查 ──"},
    "watch.waiting": {"en": "Waiting for changes in {folder}…", "zh": "等待 {folder} 中的修改……"},
    "watch.stopped": {"en": "Stopped watching.", "zh": "已停止监视。"},
    "watch.bad_poll": {
        "en": "WATCH_POLL must be 1 (always poll), 0 (never) or empty (decide by the file system); got '{value}'.",
        "zh": "WATCH_POLL 只能是 1（总是轮询）、0（从不轮询）或留空（按文件系统自动判断），现在是 '{value}'。",
    },
    # make reset-step N
    "reset.question": {
        "en": "Replace every file in {folder} with the starter from commit {commit} ({date}, \"{subject}\")?\n"
              "Your current files are copied to {backups} first. [y/N] ",
        "zh": "要用提交 {commit}（{date}，\"{subject}\"）中的起始代码替换 {folder} 中的所有文件吗？\n"
              "你当前的文件会先复制到 {backups}。[y/N] ",
    },
    "reset.cancelled": {
        "en": "Nothing changed. (Answer y, or run with YES=1 to skip the question.)",
        "zh": "没有做任何修改。（回答 y，或加上 YES=1 跳过确认。）",
    },
    "reset.backup": {"en": "Your previous files are in {path}", "zh": "你之前的文件保存在 {path}"},
    "reset.done": {"en": "✓ {folder} holds the starter again.", "zh": "✓ {folder} 已恢复为起始代码。"},
    "reset.no_git": {
        "en": "Cannot find the starter of {folder}: {reason}. The starters come from this repository's git history; "
              "clone the workshop with git (not as a zip) to use reset-step.",
        "zh": "找不到 {folder} 的起始代码：{reason}。起始代码来自本仓库的 git 历史；"
              "请用 git 克隆工作坊（不要下载 zip），才能使用 reset-step。",
    },
    "reset.git_missing": {"en": "git is not installed", "zh": "没有安装 git"},
    "reset.never_committed": {"en": "{source} was never committed", "zh": "{source} 从未提交过"},
    "reset.solutions": {
        "en": "{path} holds the reference solutions; reset-step only restores your own copy (TARGET=steps).",
        "zh": "{path} 是参考答案；reset-step 只恢复你自己的副本（TARGET=steps）。",
    },
    # make doctor
    "doctor.python_ok": {"en": "Python {version}", "zh": "Python {version}"},
    "doctor.python_old": {
        "en": "Python {version} is too old: install Python 3.11 or newer, then `make setup PYTHON=python3.11`",
        "zh": "Python {version} 版本太旧：请安装 Python 3.11 或更新版本，然后运行 `make setup PYTHON=python3.11`",
    },
    "doctor.venv_ok": {"en": "virtual environment {path}", "zh": "虚拟环境 {path}"},
    "doctor.venv_missing": {
        "en": "not running from the workshop's virtual environment ({path}): run `make setup`, then use the make commands",
        "zh": "没有在工作坊的虚拟环境（{path}）中运行：请运行 `make setup`，然后使用 make 命令",
    },
    "doctor.packages_ok": {"en": "{n} pinned Python packages installed", "zh": "已安装 {n} 个固定版本的 Python 包"},
    "doctor.packages_missing": {
        "en": "Python packages missing: {names}: run `make setup`",
        "zh": "缺少 Python 包：{names}：请运行 `make setup`",
    },
    "doctor.packages_drift": {
        "en": "Python packages at other versions than requirements-dev.txt pins: {names}: run `touch requirements-dev.txt && make setup`",
        "zh": "这些 Python 包的版本与 requirements-dev.txt 不一致：{names}：运行 `touch requirements-dev.txt && make setup`",
    },
    "doctor.engine_ok": {"en": "container engine: {kind} {version}", "zh": "容器引擎：{kind} {version}"},
    "doctor.engine_down": {
        "en": "no container engine answers at {where} ({reason}): start Docker (`sudo systemctl start docker` or Docker Desktop) "
              "or Podman (`podman system service --time=0`), then `docker info`",
        "zh": "{where} 上没有容器引擎响应（{reason}）：启动 Docker（`sudo systemctl start docker` 或 Docker Desktop）"
              "或 Podman（`podman system service --time=0`），再运行 `docker info` 确认",
    },
    "doctor.builder_buildkit": {
        "en": "builds with BuildKit, like your own `docker build` ({version})",
        "zh": "用 BuildKit 构建镜像，和你自己运行 `docker build` 一样（{version}）",
    },
    "doctor.builder_podman": {
        "en": "builds with Podman's own builder (Buildah) through its Docker-compatible API",
        "zh": "通过 Podman 的 Docker 兼容接口，用它自带的构建器（Buildah）构建镜像",
    },
    "doctor.builder_chosen": {
        "en": "builds with the classic builder, as WORKSHOP_BUILDER=classic asks",
        "zh": "按 WORKSHOP_BUILDER=classic 的设置，用经典构建器构建镜像",
    },
    "doctor.builder_classic": {
        "en": "no BuildKit here (the docker CLI lacks buildx, or the engine is older than Docker 20.10): images "
              "are built with the classic builder. Steps 01-05 still work; builds are slower on the containerd "
              "image store and `RUN --mount` cannot be built. Upgrade to Docker 23 or newer: `make setup` does "
              "it on Debian/Ubuntu as root; elsewhere install the `docker-buildx-plugin` package (Docker's apt "
              "repository) or `docker-buildx` (Debian 13, Ubuntu 24.04), or update Docker Desktop",
        "zh": "这里没有 BuildKit（docker 命令行缺少 buildx，或者引擎早于 Docker 20.10）：镜像改用经典构建器构建。"
              "步骤 01-05 照样能用，只是在 containerd 镜像存储上构建更慢，也构建不了 `RUN --mount`。"
              "建议升级到 Docker 23 或更新版本：Debian/Ubuntu 上以 root 运行 `make setup` 即可；其他系统请安装 "
              "`docker-buildx-plugin`（Docker 官方 apt 源）或 `docker-buildx`（Debian 13、Ubuntu 24.04），"
              "或者更新 Docker Desktop",
    },
    "doctor.compose_ok": {"en": "Compose v2: docker compose {version}", "zh": "Compose v2：docker compose {version}"},
    "doctor.compose_missing": {
        "en": "no `docker compose` (Compose v2): step 06 needs it; steps 01-05 work without it. Install the "
              "`docker-compose-plugin` package (Docker's apt repository) or `docker-compose` (Debian 13; "
              "`docker-compose-v2` on Ubuntu 24.04), or update Docker Desktop; on Debian/Ubuntu as root "
              "`make setup` does it",
        "zh": "没有 `docker compose`（Compose v2）：步骤 06 要用到它，步骤 01-05 不受影响。请安装 "
              "`docker-compose-plugin`（Docker 官方 apt 源）或 `docker-compose`（Debian 13；Ubuntu 24.04 上是 "
              "`docker-compose-v2`），或者更新 Docker Desktop；在 Debian/Ubuntu 上以 root 运行 `make setup` 也会装好",
    },
    "doctor.images_ok": {"en": "course images present: {names}", "zh": "课程镜像已就绪：{names}"},
    "doctor.images_pullable": {
        "en": "{names} missing, but a registry answers: `make images` pulls them",
        "zh": "缺少 {names}，但镜像仓库可以访问：运行 `make images` 拉取",
    },
    "doctor.images_offline": {
        "en": "{names} missing and no registry answers: `make images` builds stand-ins offline (needs root on Debian/Ubuntu)",
        "zh": "缺少 {names}，且无法访问镜像仓库：运行 `make images` 离线构建替代镜像（需要在 Debian/Ubuntu 上以 root 运行）",
    },
    "doctor.images_unknown": {
        "en": "course images not checked: the container engine does not answer (see above)",
        "zh": "未检查课程镜像：容器引擎没有响应（见上）",
    },
    "doctor.disk_ok": {"en": "{free:.0f} GB free in {path}", "zh": "{path} 还有 {free:.0f} GB 可用空间"},
    "doctor.disk_low": {
        "en": "only {free:.1f} GB free in {path}: image builds need a few GB; free some space (`make clean`, `docker system prune`)",
        "zh": "{path} 只剩 {free:.1f} GB 可用空间：构建镜像需要几 GB；请释放空间（`make clean`、`docker system prune`）",
    },
    "doctor.port_free": {"en": "port {port} is free", "zh": "端口 {port} 空闲"},
    "doctor.port_busy": {
        "en": "port {port} is in use by another program{who}: fine for checks (they use random ports); "
              "for `make demo` use DEMO_PORT={other}, and `docker run -p {other}:{port}` in your own experiments",
        "zh": "端口 {port} 被其他程序占用{who}：检查不受影响（检查使用随机端口）；"
              "`make demo` 请用 DEMO_PORT={other}，自己实验时用 `docker run -p {other}:{port}`",
    },
    "doctor.port_who": {"en": " ({who})", "zh": "（{who}）"},
    "doctor.port_container": {"en": "container {name}", "zh": "容器 {name}"},
    "doctor.port_process": {"en": "{name}, pid {pid}", "zh": "{name}，pid {pid}"},
    "doctor.pinned": {"en": "{name} {installed} (pinned {version})", "zh": "{name} {installed}（固定版本 {version}）"},
    "doctor.summary_ok": {"en": "Everything needed is in place.", "zh": "所需的一切都已就绪。"},
    "doctor.summary_bad": {
        "en": "{failed} problem(s) and {warned} warning(s): fix the ✗ lines first.",
        "zh": "{failed} 个问题，{warned} 个警告：先处理标着 ✗ 的行。",
    },
    "doctor.summary_warn": {"en": "{warned} warning(s); the checks can run.", "zh": "{warned} 个警告；检查可以运行。"},
    "doctor.more": {"en": "Run `make doctor` to check your whole setup.", "zh": "运行 `make doctor` 检查整个环境。"},
    # make demo
    "demo.no_solution": {
        "en": "No step in workshop.toml is marked `demo = true`: mark the step whose solution has the full stack, or name one with DEMO_STEP=.",
        "zh": "workshop.toml 里没有标记 `demo = true` 的步骤：请给参考答案包含完整应用栈的那一步加上这个标记，或者用 DEMO_STEP= 指定一步。",
    },
    "demo.no_dockerfile": {
        "en": "{folder} has no Dockerfile: that step does not run in containers. Leave DEMO_STEP out to run the finished app.",
        "zh": "{folder} 中没有 Dockerfile：这个步骤不在容器里运行。去掉 DEMO_STEP 即可运行完成版应用。",
    },
    "demo.bad_port": {"en": "DEMO_PORT must be a port number (1-65535); got '{value}'.",
                      "zh": "DEMO_PORT 必须是端口号（1-65535），现在是 '{value}'。"},
    "demo.port_busy": {
        "en": "Port {port} is already in use on this machine (another program, or a demo still running). "
              "Pick another: make demo DEMO_PORT={other}",
        "zh": "本机的 {port} 端口已被占用（其他程序，或仍在运行的演示）。换一个端口：make demo DEMO_PORT={other}",
    },
    "demo.building": {"en": "… building the finished app from {folder}", "zh": "… 正在用 {folder} 构建完成版应用"},
    "demo.built": {"en": "✓ image built in {seconds:.0f} s", "zh": "✓ 镜像构建完成，用时 {seconds:.0f} 秒"},
    "demo.redis": {"en": "… starting Redis ({image}{extra})", "zh": "… 正在启动 Redis（{image}{extra}）"},
    "demo.redis_volume": {"en": ", data in volume {volume}", "zh": "，数据保存在卷 {volume}"},
    "demo.web": {"en": "… starting the web app on http://localhost:{port}", "zh": "… 正在启动 Web 应用：http://localhost:{port}"},
    "demo.compose_up": {"en": "… docker compose up --wait in {folder} ({version}), project {project}",
                        "zh": "… 在 {folder} 中运行 docker compose up --wait（{version}），项目名 {project}"},
    "demo.no_compose": {
        "en": "{folder} has no compose.yaml: DEMO=compose runs a step that has one. Leave DEMO out to run the finished app with docker run.",
        "zh": "{folder} 中没有 compose.yaml：DEMO=compose 需要一个带 compose.yaml 的步骤。去掉 DEMO 即可用 docker run 运行完成版应用。",
    },
    "demo.failed": {"en": "✗ the demo could not start ({layer}): {message}", "zh": "✗ 演示无法启动（{layer}）：{message}"},
    "demo.unexpected": {"en": "⚠ expected: {expected}", "zh": "⚠ 预期输出：{expected}"},
    "demo.running": {
        "en": "The finished app runs at http://localhost:{port}: try it in a browser or with curl.\n"
              "Press Ctrl-C to stop it and remove its containers.",
        "zh": "完成版应用运行在 http://localhost:{port}：可以用浏览器或 curl 试试。\n按 Ctrl-C 停止并删除它的容器。",
    },
    "demo.stopping": {"en": "Stopping: removing the demo's containers, network and volume…",
                      "zh": "正在停止：删除演示的容器、网络和卷……"},
    "demo.removed": {"en": "✓ removed {n} container(s)/network(s)/volume(s)", "zh": "✓ 已删除 {n} 个容器/网络/卷"},
    "demo.cleanup_failed": {
        "en": "✗ could not remove the demo's containers: the engine stopped answering ({reason}). "
              "Once it answers again, `make clean` removes them.",
        "zh": "✗ 无法删除演示的容器：容器引擎不再响应（{reason}）。等它恢复后，运行 `make clean` 删除它们。",
    },
    # make grade DIR=...
    "grade.no_dir": {
        "en": "Say which folder to grade, laid out like steps/: make grade DIR=path/to/learner/steps",
        "zh": "请指定要评分的目录（结构与 steps/ 相同）：make grade DIR=学员目录/steps",
    },
    "grade.no_steps": {
        "en": "{path} has none of the step folders ({expected}): point DIR at the folder that holds them.",
        "zh": "{path} 中没有任何步骤目录（{expected}）：请把 DIR 指向包含它们的目录。",
    },
    "grade.step": {"en": "[{i}/{n}] grading {folder}", "zh": "[{i}/{n}] 正在评分 {folder}"},
    "grade.header": {"en": "Score of {path}", "zh": "{path} 的评分"},
    "grade.columns": {"en": "step|checks|state", "zh": "步骤|检查|状态"},
    "grade.passed": {"en": "passed", "zh": "通过"},
    "grade.failing": {"en": "failing", "zh": "未通过"},
    "grade.missing": {"en": "missing", "zh": "缺失"},
    "grade.error": {"en": "not checked", "zh": "未检查"},
    "grade.timeout": {"en": "timed out", "zh": "超时"},
    "grade.timeout_case": {
        "en": "the check took longer than {seconds} s (GRADE_STEP_TIMEOUT) and was stopped: a build or app that runs for ever?",
        "zh": "检查用时超过 {seconds} 秒（GRADE_STEP_TIMEOUT），已被终止：是不是有永远不结束的构建或应用？",
    },
    "grade.total": {"en": "{passed} of {n} steps passed, {checks} of {total} checks.",
                    "zh": "{n} 个步骤中通过了 {passed} 个，检查通过 {checks}/{total} 项。"},
    "grade.junit": {"en": "JUnit XML: {path}", "zh": "JUnit XML：{path}"},
    "grade.missing_case": {"en": "the folder {folder} is missing", "zh": "缺少目录 {folder}"},
    # make new-step SLUG=name
    "new_step.bad_slug": {
        "en": "SLUG={slug!r} cannot name a step: use lower-case letters, digits and dashes, e.g. make new-step SLUG=visit-counter",
        "zh": "SLUG={slug!r} 不能用作步骤名：只能用小写字母、数字和连字符，例如 make new-step SLUG=visit-counter",
    },
    "new_step.exists": {
        "en": "{slug} already exists: pick another SLUG, nothing was written.",
        "zh": "{slug} 已经存在：请换一个 SLUG，这次什么都没有写入。",
    },
    "new_step.done": {"en": "Scaffolded the new step ({n} places):", "zh": "新步骤的骨架已生成（{n} 处）："},
    "new_step.next": {
        "en": "Next: write everything marked {todo}; `.venv/bin/pytest tests/test_lint.py` lists what is left. "
              "CONTRIBUTING.md walks through it.",
        "zh": "接下来：把标记为 {todo} 的地方逐一写好；`.venv/bin/pytest tests/test_lint.py` 会列出还剩哪些。"
              "详细步骤见 CONTRIBUTING.md。",
    },
    # make grade DIR=class (classroom.py)
    "class.start": {"en": "Grading {n} copies, {jobs} at a time (GRADE_JOBS)…",
                    "zh": "正在评分 {n} 份作业，每次同时评 {jobs} 份（GRADE_JOBS）……"},
    "class.steps": {"en": "steps", "zh": "个步骤"},
    "class.resumed": {"en": "unchanged since the last grade, kept", "zh": "自上次评分后未改动，沿用结果"},
    "class.columns": {"en": "copy|steps|checks|state", "zh": "作业|步骤|检查|状态"},
    "class.total": {"en": "{n} copies graded in {seconds} s.", "zh": "共评分 {n} 份作业，用时 {seconds} 秒。"},
    "class.files": {"en": "CSV: {csv}\nJUnit XML: {junit}", "zh": "CSV：{csv}\nJUnit XML：{junit}"},
    "class.clone_failed": {"en": "git clone failed: {reason}", "zh": "git clone 失败：{reason}"},
    "class.no_steps": {"en": "no step folders in {path}", "zh": "{path} 中没有步骤目录"},
    "class.grade_failed": {"en": "the grader stopped (exit code {code}): see {log}",
                           "zh": "评分进程中途退出（退出码 {code}）：见 {log}"},
    "class.bad_shard": {"en": "GRADE_SHARD must be i/N with 1 <= i <= N, for example 2/4 (got {value}).",
                        "zh": "GRADE_SHARD 的格式应为 i/N，且 1 <= i <= N，例如 2/4（当前为 {value}）。"},
    "class.empty": {"en": "{path} lists no learner copies (none in this shard).",
                    "zh": "{path} 中没有学员作业（或本分片中没有）。"},
    "class.nothing_to_merge": {"en": "None of these folders holds results/*.json: nothing to merge.",
                               "zh": "这些目录里都没有 results/*.json：没有可合并的结果。"},
}
