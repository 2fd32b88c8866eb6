"""What the lesson page may do and read, and nothing else: the checker's own actions (check, hint,
reset) and facts (steps, progress, messages). The one module of this package that imports the rest of
the checker."""

import os

from checker import ROOT
from checker.commands import hints, progress
from checker.commands import reset_step as reset_command  # reset_step() below is this page's action
from checker.check import verdict
from checker.workshop import course, starters
from checker.text.messages import MESSAGES
from checker.commands.plumbing import resolve_target
from checker.commands.watch import POLL_SECONDS, Changes, Primed, keep_warm, kept_run, needs_polling, observer_for

__all__ = ["ROOT", "POLL_SECONDS", "Changes", "Primed", "keep_warm", "kept_run", "needs_polling", "observer_for",
           "resolve_target", "verdict"]

LANGS = ("en", "zh")


def language():
    """The workshop's language choice (WORKSHOP_LANG > `make lang` > locale > English)."""
    from checker.text.i18n import lang

    return lang()


def pick(text, lang):
    """`text` ({"en", "zh"} or a plain string) in `lang`."""
    if isinstance(text, str):
        return text
    return text.get(lang) or text["en"]


def say(key, lang, **values):
    """The checker's message `key` in `lang` (not the process's language: each page has its own)."""
    return pick(MESSAGES[key], lang).format(**values)


def steps():
    return course.steps()


def find(arg):
    """The step `arg` names, or None."""
    return course.find(arg)


def title(step, lang):
    return pick(step.title, lang)


def readme(step, lang):
    """The text of the step's README in `lang` (the starters' copy, as the learner reads it)."""
    name = "README.zh-CN.md" if lang == "zh" else "README.md"
    path = ROOT / "steps" / step.folder / name
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def course_state(target, lang):
    """[{step, title, state, text, changed}] for every step, as `make progress` says it, and the next step."""
    rows = []
    for step, record in progress.rows(target):
        folder = target / step.folder
        if record is None:
            state, text = "not_started", say("progress.not_started", lang)
        elif record.get("state") == "passed":
            state, text = "passed", say("progress.passed", lang, when=record.get("when", "?"))
        else:
            state = "failing"
            text = say("progress.failing", lang, passed=record.get("passed", 0), total=record.get("total", "?"),
                       when=record.get("when", "?"))
        changed = record is not None and progress.changed(record, folder)
        rows.append({"step": step, "title": title(step, lang), "state": state, "text": text, "changed": changed})
    todo = next((row["step"] for row in rows if row["state"] != "passed"), None)
    return rows, todo


def next_step(step):
    later = [s for s in course.steps() if s.number > step.number]
    return later[0] if later else None


def hint_list(step, lang):
    """Every hint of the step in `lang`, smallest nudge first."""
    return [pick(text, lang) for text in step.hints]


def hints_shown(step):
    """How many hints `make hint N` has shown so far (the page starts there; it writes no counter)."""
    return hints.shown_counts().get(step.folder, 0)


def can_reset(target):
    """Reset works on a learner's folder, never on the solutions."""
    return target != (ROOT / "solutions").resolve()


def reset_step(step, target):
    """`make reset-step N` after its confirmation: the same backup, then the starter; the backup's path
    (None when there was no folder). Raises starters.NoStarter when git cannot give the starter."""
    _commit, files = starters.find_starter(step)
    folder = target / step.folder
    saved = reset_command.backup(folder, step) if folder.exists() else None
    reset_command.restore(folder, files)
    return saved


NoStarter = starters.NoStarter


def backups():
    """The folder `make reset-step` keeps its backups in."""
    return reset_command.BACKUPS


def label(path):
    return progress.label(path)


def run_env():
    """The run id a lesson's checks derive theirs from (each check gets its own: a dropped check's
    clean-up then never touches the next one's containers)."""
    return os.environ.get("WORKSHOP_RUN_ID", "lesson")
