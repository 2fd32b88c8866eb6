"""Every sentence the checker itself prints, in English and Chinese."""

from checker.text.command_messages import COMMAND_MESSAGES
from checker.text.i18n import pick

MESSAGES = {
    "engine.unreachable": {
        "en": (
            "Docker is not reachable ({where}: {error}).\n"
            "This step's checks run real containers, so they need a running container engine.\n"
            "  Linux:   start it (`sudo systemctl start docker`, or `make setup` on Debian/Ubuntu as root),\n"
            "           and make sure your user may use it (`sudo usermod -aG docker $USER`, then log in again).\n"
            "  macOS / Windows: start Docker Desktop and wait until it reports that it is running.\n"
            "  Podman:  run `podman system service --time=0` and point DOCKER_HOST at its socket.\n"
            "Then `docker info` should answer; run this command again."
        ),
        "zh": (
            "无法连接 Docker（{where}：{error}）。\n"
            "本步骤的检查会运行真实的容器，需要一个正在运行的容器引擎。\n"
            "  Linux：  启动它（`sudo systemctl start docker`；在 Debian/Ubuntu 上以 root 运行 `make setup` 也可以），\n"
            "           并确认当前用户有权限使用（`sudo usermod -aG docker $USER`，然后重新登录）。\n"
            "  macOS / Windows：启动 Docker Desktop，等它显示已运行。\n"
            "  Podman： 运行 `podman system service --time=0`，并把 DOCKER_HOST 指向它的 socket。\n"
            "之后 `docker info` 应该能正常输出；再重新运行本命令。"
        ),
    },
    "engine.refused": {"en": "connection refused", "zh": "连接被拒绝"},
    "engine.no_socket": {"en": "no socket at that path", "zh": "该路径下没有 socket"},
    "engine.permission": {
        "en": "permission denied: is your user in the docker group?",
        "zh": "权限不足：当前用户在 docker 组里吗？",
    },
    "engine.timed_out": {"en": "timed out", "zh": "等待超时"},
    "engine.unknown_host": {"en": "unknown host name", "zh": "无法解析主机名"},
    "engine.found": {"en": "container engine: {kind} {version}", "zh": "容器引擎：{kind} {version}"},
    "step.unknown": {
        "en": "There is no step '{arg}'. Steps: {choices}.",
        "zh": "没有步骤 '{arg}'。可用的步骤：{choices}。",
    },
    "step.missing_arg": {
        "en": "Say which step, for example: make {command} 1",
        "zh": "请指定步骤，例如：make {command} 1",
    },
    "target.missing": {
        "en": "The folder {path} does not exist (TARGET should be laid out like steps/).",
        "zh": "目录 {path} 不存在（TARGET 的结构应与 steps/ 相同）。",
    },
    "target.step_missing": {
        "en": "{path} has no folder for this step; expected {expected}.",
        "zh": "{path} 中没有本步骤的目录，应为 {expected}。",
    },
    "check.header": {"en": "Step {step}: {title}  ({target})", "zh": "步骤 {step}：{title}（{target}）"},
    "check.passed": {
        "en": "All {n} checks passed. Next: {next}",
        "zh": "全部 {n} 项检查通过。下一步：{next}",
    },
    "check.passed_last": {
        "en": "All {n} checks passed. That was the last step: well done!",
        "zh": "全部 {n} 项检查通过。这是最后一步：干得漂亮！",
    },
    "check.failed": {
        "en": "{passed} of {n} checks passed. Fix the first ✗ above and run `make check-step {step}` again.",
        "zh": "{n} 项检查通过了 {passed} 项。先改好上面第一个 ✗，再运行 `make check-step {step}`。",
    },
    "check.not_run": {"en": "not run (fix the failure above first)", "zh": "未运行（请先修复上面的失败）"},
    "check.expected_first": {
        "en": "This is expected: these are the starter's files, untouched. Open {readme} and work through its TODOs.",
        "zh": "检查不通过很正常：这些还是原封未动的起始文件。打开 {readme}，把其中的 TODO（待办）一个一个完成。",
    },
    "check.verbose": {
        "en": "(run with V=1 to see the full pytest output)",
        "zh": "（加上 V=1 可以看到完整的 pytest 输出）",
    },
    "check.interrupted": {
        "en": "Interrupted: removing the containers this check created…",
        "zh": "已中断：正在删除本次检查创建的容器……",
    },
    "check.no_tests": {
        "en": "No checks were collected for step {step}: this is a bug in the workshop.",
        "zh": "步骤 {step} 没有收集到任何检查：这是工作坊本身的错误。",
    },
    "layer.code": {"en": "your code", "zh": "你的代码"},
    "layer.build": {"en": "image build", "zh": "镜像构建"},
    "layer.container": {"en": "container", "zh": "容器"},
    "layer.network": {"en": "network", "zh": "网络"},
    "layer.redis": {"en": "Redis", "zh": "Redis"},
    "layer.checker": {"en": "the checker itself", "zh": "检查程序本身"},
    "label.where": {"en": "where", "zh": "问题出在"},
    "label.hint": {"en": "hint", "zh": "提示"},
    "label.log": {"en": "log", "zh": "日志"},
    "label.colon": {"en": ": ", "zh": "："},
    "sweep.clean": {
        "en": "✓ removed {n} container(s)/network(s)/volume(s)/image tag(s) the checker made and {cached} tag(s) of "
              "its image cache; nothing without the checker's labels or tags was touched",
        "zh": "✓ 已删除检查程序创建的 {n} 个容器/网络/卷/镜像标签，以及镜像缓存的 {cached} 个标签；"
              "没有检查程序标签的对象一概没动",
    },
    "sweep.clean_kept": {
        "en": "  left {n} in place: they belong to checks still running (another terminal, `make watch`, "
              "`make lesson`) or still being removed by them",
        "zh": "  保留了 {n} 个：它们属于仍在运行的检查（另一个终端、`make watch` 或 `make lesson`），"
              "或正由这些检查自己删除",
    },
    "sweep.problem": {
        "en": "! could not remove everything the checker made: {reason}. It stays until its owner or `make clean` "
              "removes it. No check's verdict depends on it.",
        "zh": "! 没能删除检查程序创建的全部对象：{reason}。这些对象会留到创建者或 `make clean` 删除为止；"
              "检查结论不受影响。",
    },
    "check.unknown_error": {"en": "unknown error", "zh": "未知错误"},
    "sweep.processes": {
        "en": "Ended {n} app process(es) left running by an interrupted earlier check.",
        "zh": "已结束之前被中断的检查遗留的 {n} 个应用进程。",
    },
    "sweep.removed": {
        "en": "removed {n} container(s)/network(s)/volume(s) that {what} made {ago} ago: it ended without removing them",
        "zh": "已删除 {n} 个容器/网络/卷：它们是{what}在 {ago}前创建的，那次运行结束时没能删掉它们",
    },
    "sweep.removed_undated": {
        "en": "removed {n} container(s)/network(s)/volume(s) that {what} made: it ended without removing them",
        "zh": "已删除 {n} 个容器/网络/卷：它们是{what}创建的，那次运行结束时没能删掉它们",
    },
    "purpose.check": {"en": "a check of step {step}", "zh": "第 {step} 步的一次检查"},
    "purpose.watch": {"en": "`make watch` of step {step}", "zh": "第 {step} 步的 `make watch`"},
    "purpose.demo": {"en": "`make demo`", "zh": "`make demo`"},
    "purpose.bench": {"en": "`make bench`", "zh": "`make bench`"},
    "purpose.other": {"en": "an earlier checker run", "zh": "之前的一次检查程序运行"},
    "ago.s": {"en": "{n} s", "zh": "{n} 秒"},
    "ago.min": {"en": "{n} min", "zh": "{n} 分钟"},
    "ago.h": {"en": "{n} h", "zh": "{n} 小时"},
    "ago.d": {"en": "{n} days", "zh": "{n} 天"},
    "images.present": {"en": "✓ {name} is present{note}", "zh": "✓ {name} 已存在{note}"},
    "images.standin_note": {"en": " (local stand-in)", "zh": "（本地替代镜像）"},
    "images.outdated": {"en": "… {name} is a stand-in from an older recipe: building it again",
                        "zh": "… {name} 是按旧配方构建的替代镜像，现在重新构建"},
    "images.pulling": {"en": "… pulling {name}", "zh": "… 正在拉取 {name}"},
    "images.pulled": {"en": "✓ pulled {name}", "zh": "✓ 已拉取 {name}"},
    "images.pull_failed": {
        "en": "  no registry answered ({error}); building a stand-in for {name} from Debian packages",
        "zh": "  无法访问镜像仓库（{error}）；改用 Debian 软件包构建 {name} 的本地替代镜像",
    },
    "images.building": {"en": "… building {name} (this takes about a minute, once)", "zh": "… 正在构建 {name}（约一分钟，只需一次）"},
    "images.built": {"en": "✓ built stand-in {name} in {seconds:.0f} s", "zh": "✓ 已构建替代镜像 {name}，用时 {seconds:.0f} 秒"},
    "images.no_debootstrap": {
        "en": "Cannot build stand-in images here: debootstrap needs root on Debian/Ubuntu. Connect to a registry and run `make images` again.",
        "zh": "无法在这里构建替代镜像：debootstrap 需要在 Debian/Ubuntu 上以 root 运行。请连接镜像仓库后重新运行 `make images`。",
    },
    "images.debootstrap_failed": {
        "en": "debootstrap failed (is the Debian mirror reachable?)",
        "zh": "debootstrap 失败（Debian 镜像源能访问吗？）",
    },
    "images.failed": {"en": "✗ could not prepare {name}: {error}", "zh": "✗ 无法准备 {name}：{error}"},
    "images.missing": {
        "en": "The image {name} is missing. Run `make images` first.",
        "zh": "缺少镜像 {name}。请先运行 `make images`。",
    },
}

MESSAGES.update(COMMAND_MESSAGES)  # progress, hint, watch, reset-step, doctor, demo, grade


def msg(key, **values):
    """The message `key` in the current language, with `values` filled in."""
    return pick(MESSAGES[key]).format(**values)
