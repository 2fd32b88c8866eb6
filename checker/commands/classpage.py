"""`make grade DIR=class` also writes class.html: one self-contained page (no script, no file beside
it), learners × steps, each cell linking to that copy's first failure below the table. Built from each
step's results document (verdict.py), kept by the grade in its results."""

from html import escape

from checker.check import verdict
from checker.commands.grading import step_timeout
from checker.text.i18n import lang, pick
from checker.text.messages import msg

WORDS = {
    "title": {"en": "Docker from 0 to 1: class grade", "zh": "Docker 从 0 到 1：班级评分"},
    "copy": {"en": "copy", "zh": "副本"},
    "steps": {"en": "steps passed", "zh": "通过的步骤"},
    "failures": {"en": "What failed first", "zh": "最先失败的地方"},
    "missing": {"en": "no folder for this step", "zh": "没有这一步的目录"},
    "timeout": {"en": "timed out after {seconds} s", "zh": "超过 {seconds} 秒，已中止"},
    "error": {"en": "the check could not run", "zh": "检查无法运行"},
    "not_graded": {"en": "not graded", "zh": "未评分"},
    "written": {"en": "Class page: {path}", "zh": "班级页面：{path}"},
}
STYLE = """body{font:15px/1.5 system-ui,sans-serif;margin:1.5rem;color:#1f2328}
table{border-collapse:collapse}th,td{border:1px solid #d0d7de;padding:.25rem .6rem;text-align:center}
th:first-child,td:first-child{text-align:left}.pass{background:#dafbe1}.fail{background:#ffebe9}
.none{background:#f6f8fa;color:#5f6368}a{color:inherit}section{margin:1rem 0;padding:.5rem 1rem;
border-left:4px solid #cf222e;background:#f6f8fa}pre{background:#1f2328;color:#f6f8fa;padding:.5rem;
white-space:pre-wrap}"""


def _w(key, **values):
    return pick(WORDS[key]).format(**values)


def anchor(name, folder):
    """The id of one copy's failure of one step (names may hold anything: only safe characters)."""
    safe = "".join(char if char.isalnum() else "-" for char in f"{name}--{folder}")
    return f"f-{safe}"


def _cell(result, row, folder):
    """(css class, text, failure section html or None) of one copy's step."""
    if row is None:
        return "none", "–", None
    score = f"{row['passed'] or 0}/{row['total'] if row['total'] is not None else '–'}"
    if row["state"] == "passed":
        return "pass", f"✓ {score}", None
    doc = row.get("result")
    failed = verdict.first_failure(doc) if doc else None
    reason = {"missing": _w("missing"), "timeout": _w("timeout", seconds=step_timeout()),
              "error": (doc or {}).get("message") or _w("error")}.get(row["state"])
    parts = [f"<h3>{escape(result['name'])} · {escape(folder)} · {escape(score)}</h3>"]
    if failed:
        parts.append(f"<p><strong>✗ {escape(failed['title'])}</strong></p>")
        parts.append(f"<p>{escape(msg('label.where'))}: {escape(msg('layer.' + failed['layer']) if failed['layer'] else '')}</p>")
        parts.append(f"<p>{escape(failed['message'] or '')}</p>")
        if failed.get("log"):
            parts.append(f"<p>{escape(msg('label.log'))}:</p><pre>{escape(failed['log'])}</pre>")
        if failed.get("hint_key"):
            parts.append(f"<p>{escape(msg('label.hint'))} [{escape(failed['hint_key'])}]: {escape(failed['hint'] or '')}</p>")
    else:
        parts.append(f"<p>{escape(reason or _w('error'))}</p>")
    return "fail", f"✗ {score}", "\n".join(parts)


def page(results, folders):
    """The whole class.html text."""
    head = "".join(f"<th>{escape(folder)}</th>" for folder in folders)
    rows, sections = [], []
    for result in sorted(results, key=lambda r: r["name"]):
        by_step = {s["step"]: s for s in result.get("steps") or []}
        cells = []
        for folder in folders:
            kind, text, section = _cell(result, by_step.get(folder), folder)
            if section:
                ident = anchor(result["name"], folder)
                sections.append(f'<section id="{ident}">{section}</section>')
                text = f'<a href="#{ident}">{escape(text)}</a>'
            else:
                text = escape(text)
            cells.append(f'<td class="{kind}">{text}</td>')
        if result.get("error") and not by_step:
            cells = [f'<td class="fail" colspan="{len(folders)}">{escape(result["error"])}</td>']
        passed = sum(1 for s in by_step.values() if s["state"] == "passed")
        rows.append(f"<tr><td>{escape(result['name'])}</td>{''.join(cells)}<td>{passed}/{len(folders)}</td></tr>")
    language = "zh-CN" if lang() == "zh" else "en"
    return (f'<!doctype html>\n<html lang="{language}"><head><meta charset="utf-8"><title>{escape(_w("title"))}</title>'
            f"<style>{STYLE}</style></head><body><h1>{escape(_w('title'))}</h1>\n"
            f"<table><thead><tr><th>{escape(_w('copy'))}</th>{head}<th>{escape(_w('steps'))}</th></tr></thead>\n"
            f"<tbody>{''.join(rows)}</tbody></table>\n"
            + (f"<h2>{escape(_w('failures'))}</h2>\n" + "\n".join(sections) if sections else "")
            + "\n</body></html>\n")


def write(results, out, folders):
    """Write out/class.html; its path."""
    path = out / "class.html"
    path.write_text(page(results, folders), encoding="utf-8")
    return path
