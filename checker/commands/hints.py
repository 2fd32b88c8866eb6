"""`make hint N`: a step's hints from workshop.toml, one more each time it is asked."""

from checker.workshop import store
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


def cmd_hint(args):
    from checker.commands.plumbing import resolve_step

    step = resolve_step(args.step, "hint")
    hints = step.hint_list()
    if not hints:
        print(msg("hint.none", step=step.folder))
        return 1
    shown = reveal(step)
    print(msg("hint.header", step=step.folder, title=step.title_text()))
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
    command.set_defaults(func=cmd_hint)
