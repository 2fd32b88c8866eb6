"""Pick English or Chinese for every message the workshop prints.

The language, first match wins:
  1. WORKSHOP_LANG (zh or en), for one command: `WORKSHOP_LANG=zh make check-step 1`;
  2. the choice stored by `make lang L=zh` (or L=en) in .workshop/lang;
  3. the locale: LANGUAGE (its first entry), LC_ALL, LC_MESSAGES, LANG, as gettext reads them;
     zh_CN.UTF-8, zh_TW, zh… mean Chinese;
  4. English.

This module needs nothing but the standard library: the Makefile and scripts/ensure-engine.sh ask
it (through `python3 -m checker.commands.lang`) before the virtual environment exists. The sentences
are in messages.py, which imports this module; `make lang` itself is checker/commands/lang.py.
"""

import os
import re

from checker import STATE_DIR

LANGS = ("en", "zh")
STORED = "lang"  # .workshop/lang holds "en" or "zh"
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def normalize(value):
    """'zh', 'zh_CN.UTF-8', 'ZH' -> 'zh'; 'en', 'en_US', 'C' -> 'en'; '' or unknown -> None."""
    value = (value or "").strip().split(":")[0].lower()
    if value.startswith("zh"):
        return "zh"
    if value.startswith("en") or value in ("c", "posix") or value.startswith("c."):
        return "en"
    return None


def from_locale(environ=None):
    """(language, variable) that the locale asks for, or (None, None)."""
    environ = os.environ if environ is None else environ
    for variable in LOCALE_VARIABLES:
        if environ.get(variable, "").strip():
            return normalize(environ[variable]) or "en", variable
    return None, None


def stored():
    """The language stored by `make lang`, or None."""
    try:
        return normalize((STATE_DIR / STORED).read_text(encoding="utf-8", errors="replace").strip())
    except OSError:
        return None


def keep(language):
    """Store `language` ('en' or 'zh') for every later command (`make lang L=…`)."""
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    (STATE_DIR / STORED).write_text(language + "\n", encoding="utf-8")


def forget():
    """Forget the stored language: the locale decides again."""
    try:
        (STATE_DIR / STORED).unlink()
    except FileNotFoundError:
        pass


def resolve(environ=None):
    """(language, where it came from): 'WORKSHOP_LANG', 'make lang', a locale variable or 'default'."""
    environ = os.environ if environ is None else environ
    forced = normalize(environ.get("WORKSHOP_LANG"))
    if forced:
        return forced, "WORKSHOP_LANG"
    chosen = stored()
    if chosen:
        return chosen, "make lang"
    language, variable = from_locale(environ)
    if language:
        return language, variable
    return "en", "default"


def lang():
    """The language to print in: 'en' or 'zh'."""
    return resolve()[0]


def pick(text):
    """Text in the current language from a {"en": ..., "zh": ...} mapping (or a plain string)."""
    if isinstance(text, str):
        return text
    return text.get(lang()) or text["en"]


# Words that stay as they are in a Chinese sentence: names of products and tools, units, and a few
# loanwords Chinese engineers write in English. All-capital words (TODO, HTTP, MB, GET) count too.
KEPT_WORDS = {
    "docker", "redis", "flask", "python", "podman", "debian", "ubuntu", "linux", "macos", "windows",
    "desktop", "engine", "compose", "buildkit", "buildx", "github", "pypi", "junit", "gunicorn", "werkzeug",
    "dockerfile", "dockerignore", "make", "pip", "git", "curl", "wrk", "sudo", "root", "socket", "shell",
    "pid", "venv", "pytest", "testcontainers", "trixie", "bookworm", "debootstrap", "systemd", "dockerd",
    "containerd", "ctrl-c", "apt-get", "localhost", "web", "slim", "ms", "s", "kb", "mb", "gb",
    "killercoda", "rustlings", "wsl", "json", "xml", "yaml", "toml", "urllib", "hello", "key", "value",
}
# English glue words: one of them alone already makes a line half English ("187 MB of 250 MB")
GLUE_WORDS = {"of", "in", "the", "a", "an", "and", "or", "to", "is", "are", "at", "on", "with", "for",
              "from", "by", "not", "into", "than", "only", "was", "be", "it", "this", "that"}
_KEPT_SPANS = re.compile(r"`[^`]*`|\{[^{}]*\}|'[^'\n]*'|\"[^\"\n]*\"|[a-z]+://[\x21-\x7e]+")
_TOKEN = re.compile(r"[A-Za-z][A-Za-z]*(?:[-'][A-Za-z]+)*(?![\w./=:@+-])|[\w./=:@+-]+|[^\x00-\x7f]")
_ASCII_WORD = re.compile(r"[A-Za-z]+(?:[-'][A-Za-z]+)*")


def english_runs(line):
    """The runs of two or more English words in `line`, a line written for a Chinese reader.

    What stays as is does not count: a quoted log line (it starts with │), `code` in backticks,
    'quoted' or "quoted" values, {placeholders}, URLs, tokens with digits or symbols (paths,
    options, measured values: 127.0.0.1:5000, --host, 187), all-capital words (TODO, GET, MB) and
    KEPT_WORDS. Any Chinese character ends a run. A glue word alone (of, in, the…) is a run too.
    [] means the line reads as Chinese.
    """
    if line.lstrip().startswith("│"):
        return []
    runs, current = [], []
    for token in _TOKEN.findall(_KEPT_SPANS.sub(" ", line)):
        if not token.isascii():  # a Chinese character or punctuation mark ends the run
            runs += _run(current)
            current = []
        elif _ASCII_WORD.fullmatch(token) and not token.isupper() and token.lower() not in KEPT_WORDS:
            current.append(token)
    return runs + _run(current)


def english_lines(output):
    """[(line, its English runs)] for each line of `output` (a command's whole text) that has any."""
    found = [(line, english_runs(line)) for line in output.splitlines()]
    return [(line, runs) for line, runs in found if runs]


def _run(words):
    """[the words as one run] if they make English text: two or more, or one glue word."""
    if len(words) > 1 or (words and words[0].lower() in GLUE_WORDS):
        return [" ".join(words)]
    return []
