"""`make hint N`: after a failed check, the hint of that failure first; then a step's hints from
workshop.toml, one more each time it is asked."""

import os

from checker.workshop import results, store
from checker.text.messages import msg

COUNTER = "hints.json"


def shown_counts():
    """{step_folder: how many hints have been shown}."""
    return store.load(COUNTER)


def reveal(step):
    """Show one more hint of `step` (up to all of them); returns how many are shown now."""
    counts = shown_counts()
    shown = min(counts.get(step.folder, 0) + 1, len(step.hints))
    counts[step.folder] = shown
    store.save(COUNTER, counts)
    return shown


def failure_hints(step, target):
    """[(key, text)] of the hints the last failed check of `step` in `target` printed, in order."""
    found = []
    for key in results.last_failure_hints(target, step):
        try:
            found.append((key, step.fix(key)))
        except KeyError:
            pass  # a key workshop.toml no longer has
    return found


def cmd_hint(args):
    from checker.commands.plumbing import resolve_step, resolve_target

    step = resolve_step(args.step, "hint")
    hints = step.hint_list()
    failed = failure_hints(step, resolve_target(args.target))
    if not hints and not failed:
        print(msg("hint.none", step=step.folder))
        return 1
    print(msg("hint.header", step=step.folder, title=step.title_text()))
    if failed:
        # the hint of what failed comes first: it names the fix; the general hints follow
        print(msg("hint.last_check"))
        for key, text in failed:
            print(msg("hint.failure", fix=key, text=text))
        if not hints:
            return 0
        print(msg("hint.general"))
    shown = reveal(step)
    for number, text in enumerate(hints[:shown], start=1):
        print(msg("hint.item", i=number, n=len(hints), text=text))
    print()
    if shown == len(hints):
        print(msg("hint.all_shown", n=len(hints)))
    else:
        print(msg("hint.more", left=len(hints) - shown, number=step.number))
    return 0


def add_parser(sub):
    command = sub.add_parser("hint", help="one more hint of a step each time")
    command.add_argument("step", nargs="?")
    command.add_argument("--target", default=os.environ.get("TARGET") or "steps")
    command.set_defaults(func=cmd_hint)
