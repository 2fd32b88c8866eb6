"""Every label of the lesson page and of `make lesson`, in English and Chinese."""

from checker.text.messages import MESSAGES

WORDS = {
    "course": {"en": "Docker from 0 to 1", "zh": "Docker 从 0 到 1"},
    "course.steps": {"en": "Steps", "zh": "步骤"},
    "course.next": {"en": "Next: step {number}, {title}", "zh": "下一步：步骤 {number}，{title}"},
    "course.done": {"en": "Every step passed: well done!", "zh": "所有步骤都已通过：干得漂亮！"},
    "course.changed": {"en": "changed since its last check", "zh": "上次检查之后文件有改动"},
    "course.back": {"en": "All steps", "zh": "全部步骤"},
    "step": {"en": "Step {number}", "zh": "第 {number} 步"},
    "lang.other": {"en": "中文", "zh": "English"},
    "panel.title": {"en": "Checks", "zh": "检查"},
    "panel.again": {"en": "Check again", "zh": "再检查一次"},
    "panel.watching": {"en": "Checks run on every save of a file in {folder} (file events).",
                       "zh": "{folder} 里的文件每保存一次就检查一次（文件事件）。"},
    "panel.polling": {"en": "Checks run on every save of a file in {folder}: file events do not work here, so it "
                            "looks for changes every {seconds:g} s.",
                      "zh": "{folder} 里的文件每保存一次就检查一次：这里收不到文件事件，所以每 {seconds:g} 秒查看一次改动。"},
    "panel.waiting": {"en": "No check yet.", "zh": "还没有检查。"},
    "panel.running": {"en": "Checking…", "zh": "正在检查……"},
    "panel.passed": {"en": "{passed} of {total} checks passed", "zh": "{total} 项检查通过了 {passed} 项"},
    "panel.error": {"en": "The check could not run", "zh": "检查无法运行"},
    "panel.done": {"en": "Step done ✓", "zh": "本步完成 ✓"},
    "panel.next": {"en": "Next: step {number}, {title} →", "zh": "下一步：第 {number} 步，{title} →"},
    "panel.last": {"en": "That was the last step: well done!", "zh": "这是最后一步：干得漂亮！"},
    "panel.starter": {"en": "This is expected: these are the starter's files, untouched. Work through the TODOs.",
                      "zh": "检查不通过很正常：这些还是原封未动的起始文件。把其中的 TODO（待办）一个一个完成。"},
    "panel.offline": {"en": "Lost the connection to `make lesson`: is it still running?",
                      "zh": "与 `make lesson` 的连接断开了：它还在运行吗？"},
    "status.pending": {"en": "pending", "zh": "等待"},
    "status.running": {"en": "running", "zh": "运行中"},
    "status.pass": {"en": "passed", "zh": "通过"},
    "status.fail": {"en": "failed", "zh": "未通过"},
    "status.skip": {"en": "skipped", "zh": "跳过"},
    "status.not_run": {"en": "not run (fix the failure above first)", "zh": "未运行（请先修复上面的失败）"},
    # the verdict's words, as the terminal prints them
    **{key: MESSAGES[key] for key in ("label.where", "label.log", "label.hint", "layer.code", "layer.build",
                                      "layer.container", "layer.network", "layer.redis", "layer.checker")},
    "hints.title": {"en": "Hints", "zh": "提示"},
    "hints.more": {"en": "Show a hint ({left} left)", "zh": "再看一条提示（还有 {left} 条）"},
    "hints.all": {"en": "All hints are shown.", "zh": "提示已全部显示。"},
    "hints.none": {"en": "This step has no hints.", "zh": "这一步没有提示。"},
    "reset.button": {"en": "Reset this step…", "zh": "重置这一步……"},
    "reset.question": {"en": "Put the starter of {folder} back? Your files are copied to {backups} first.",
                       "zh": "要恢复 {folder} 的起始代码吗？会先把你的文件复制到 {backups}。"},
    "reset.done": {"en": "The starter is back; your files are in {path}.", "zh": "起始代码已恢复；你的文件在 {path}。"},
    "reset.done_empty": {"en": "The starter is back.", "zh": "起始代码已恢复。"},
    "reset.refused": {"en": "The solutions are never reset.", "zh": "参考答案不能重置。"},
    "reset.failed": {"en": "Reset failed: {reason}", "zh": "重置失败：{reason}"},
    "copy": {"en": "Copy", "zh": "复制"},
    "copied": {"en": "Copied", "zh": "已复制"},
    "refused": {"en": "Refused: this page answers only at {hosts}.", "zh": "已拒绝：本页面只在 {hosts} 上响应。"},
    "not_found": {"en": "There is no such step.", "zh": "没有这个步骤。"},
    # make lesson in the terminal
    "serve.url": {"en": "The lesson is at {url}  (Ctrl-C stops it)", "zh": "课程页面：{url}（按 Ctrl-C 停止）"},
    "serve.forwarded": {"en": "Forwarded address: {url}", "zh": "转发地址：{url}"},
    "serve.port_taken": {"en": "Port {port} is taken; using {free} instead.", "zh": "端口 {port} 已被占用，改用 {free}。"},
    "serve.port_busy": {"en": "LESSON_PORT={port} is taken by another program: choose another, e.g. LESSON_PORT={free}.",
                        "zh": "LESSON_PORT={port} 已被别的程序占用：换一个，例如 LESSON_PORT={free}。"},
    "serve.bad_port": {"en": "LESSON_PORT must be a port number from 1024 to 65535, not '{value}'.",
                       "zh": "LESSON_PORT 必须是 1024 到 65535 之间的端口号，不能是 '{value}'。"},
    "serve.stopping": {"en": "Stopping: ending the checks it started and removing their containers…",
                       "zh": "正在停止：结束它启动的检查，并删除它们的容器……"},
    "serve.stopped": {"en": "The lesson page stopped.", "zh": "课程页面已停止。"},
}


def word(key, lang, **values):
    """The label `key` in `lang` ('en' or 'zh'), with `values` filled in."""
    entry = WORDS[key]
    return (entry.get(lang) or entry["en"]).format(**values)


def table(lang, prefixes=("status.", "label.", "layer.", "panel.", "hints.", "reset.", "copy")):
    """The labels the page's script needs, in `lang` (placeholders left for it to fill)."""
    return {key: entry.get(lang) or entry["en"] for key, entry in WORDS.items() if key.startswith(prefixes)}
