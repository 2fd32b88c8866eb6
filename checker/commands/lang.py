"""`make lang L=zh|en|auto`: keep the learner's choice of language, and the Makefile's and the shell
scripts' way to ask for the language and print one message, with the system Python (standard library
only: this runs before `make setup` made the virtual environment)."""

import os
import sys

from checker.text.i18n import forget, keep, lang, normalize, resolve
from checker.text.messages import msg


def choose(value):
    """`make lang L=…`: keep `value` ('zh', 'en', or 'auto' to forget the choice); the exit code."""
    if (value or "").strip().lower() in ("auto", "locale", "default", "none"):
        forget()
        language, where = resolve()
        print(msg("lang.cleared", where=source_text(where), name=msg("lang.name." + language)))
        return 0
    language = normalize(value)
    if language is None:
        print(msg("lang.unknown", value=value or ""), file=sys.stderr)
        return 2
    keep(language)
    now, _where = resolve()
    print(msg("lang.stored", name=msg("lang.name." + language)))
    if now != language:  # WORKSHOP_LANG set in this shell still wins
        print(msg("lang.overridden", name=msg("lang.name." + now)))
    return 0


def source_text(where, environ=None):
    """Where the language came from, in words: 'from LANG=zh_CN.UTF-8', 'stored by `make lang`'…"""
    environ = os.environ if environ is None else environ
    if where == "make lang":
        return msg("lang.from_stored")
    if where == "default":
        return msg("lang.from_default")
    return msg("lang.from_variable", variable=f"{where}={environ.get(where, '')}")


def explain():
    """One line for `make setup`: the language in use, where it came from, how to switch."""
    language, where = resolve()
    return msg("lang.current", name=msg("lang.name." + language), where=source_text(where))


def main(argv):
    """The Makefile's and ensure-engine.sh's way in (standard library only, no virtual environment):

    `python3 -m checker.commands.lang` prints en or zh; `… set zh|en|auto` stores the choice; `… explain`
    says which language and why; `… say KEY name=value…` prints one message of messages.py.
    """
    if not argv:
        print(lang())
        return 0
    if argv[0] == "set" and len(argv) > 1 and argv[1].strip():
        return choose(argv[1])
    if argv[0] == "set":  # `make lang` without L=: say which language is in use and how to switch
        print(explain())
        return 0
    if argv[0] == "explain":
        print(explain())
        return 0
    if argv[0] == "say" and len(argv) > 1:
        print(msg(argv[1], **dict(pair.split("=", 1) for pair in argv[2:])))
        return 0
    print("usage: python -m checker.commands.lang [set zh|en|auto | explain | say KEY [name=value ...]]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
