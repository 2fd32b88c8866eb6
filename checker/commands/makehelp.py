"""`make help`: the make targets and what each does, in the learner's language.

The English descriptions are the Makefile's `## ` comments; the Chinese ones are below, one per
target (tests/test_zh.py fails when a target lacks one). Standard library only: `make` runs it
with the system Python, before `make setup` made the virtual environment.
"""

import re
import sys

from checker import ROOT
from checker.text.i18n import lang
from checker.text.messages import msg

CHINESE = {
    "help": "列出这些命令",
    "lang": "选择输出语言并记住它：make lang L=zh（L=en 英文；L=auto 跟随系统区域设置；不带 L 则显示当前语言）",
    "setup": "安装工具、启动容器引擎、准备镜像（只需运行一次）",
    "images": "准备好 python:3.13-slim 和 redis:8（能拉取就拉取，离线时构建本地替代镜像）",
    "check-step": "检查某一步：make check-step 1（FORMAT=json：把结果以 JSON 输出到标准输出）",
    "test": "工作坊自身的测试：检查程序的单元测试，每个参考答案都通过，每份起始代码都不通过",
    "clean": "删除检查创建的所有容器、网络、卷和缓存镜像",
    "test-podman": '用 Podman 的 Docker API 检查参考答案（会启动它；PODMAN_STEPS="1 2 3 4"）',
    "progress": "每一步的状态（尚未开始 / 未通过 / 已通过），以及下一步该做什么",
    "hint": "每运行一次，多显示一条提示：make hint 2",
    "watch": "每次保存文件都重新检查：make watch 2（WATCH_POLL=1 改为轮询）",
    "reset-step": "恢复某一步的起始代码，先备份你的文件：make reset-step 2（YES=1 跳过确认）",
    "lesson": "在浏览器里学：每一步的讲义旁边就是它的实时检查结果（LESSON_PORT=8310）",
    "doctor": "检查 Python、Python 包、容器引擎、镜像、磁盘空间和端口，并给出修复办法",
    "demo": "先看看终点：完成版应用和 Redis 运行在 localhost:5000，按 Ctrl-C 结束（DEMO_PORT= 换端口）",
    "grade": "讲师用：为一份副本或整个班级评分（装着多份副本的目录，或列出路径/git 地址的文件）：make grade DIR=路径",
    "grade-merge": '讲师用：把多个分片的评分结果合并成一张表、一个 CSV 和一个 JUnit 文件：make grade-merge OUT=目录 SHARDS="a b"',
    "new-step": "课程作者用：以上一步的参考答案为底，生成下一步的骨架：make new-step SLUG=visit-counter",
    "bench": "测量 flask run 与 gunicorn 的差距（wrk）、镜像大小、检查耗时与其下限（5 分钟以内）",
}


def described(makefile=ROOT / "Makefile"):
    """[(target, English description)] in the Makefile's order."""
    return re.findall(r"^([a-zA-Z_-]+):.*?## (.*)$", makefile.read_text(), flags=re.M)


def text():
    """The whole help screen."""
    lines = [msg("help.title"), ""]
    for target, english in described():
        described_here = CHINESE.get(target, english) if lang() == "zh" else english
        lines.append(f"  make {target:<14} {described_here}")
    lines += ["", "  " + msg("help.footer"), "  " + msg("help.lang_line")]
    return "\n".join(lines)


if __name__ == "__main__":
    print(text())
    sys.exit(0)
