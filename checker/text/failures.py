"""The one exception a check raises: which layer broke, what happened, which hint applies."""

from checker.text.i18n import pick

LAYERS = ("code", "build", "container", "network", "redis", "checker")


class Both(dict):
    """{"en": ..., "zh": ...}; as a string, the text in the learner's language (a note in a junit file too)."""

    def __str__(self):
        return pick(self)


def both(en, zh):
    """A sentence in both languages; the learner sees the one of their language (checker/text/i18n.py).

    Every sentence a check writes for the learner is given this way: measured values, code and
    commands go into both texts unchanged. A check's note (record_property("note", both(...))) too.
    """
    return Both(en=en, zh=zh)


def quoted(text):
    """What a program said (an engine's or a tool's error), set in backticks inside a sentence of ours.

    The learner sees at a glance which words are the program's, in either language; a Chinese sentence
    keeps them as they are, like code.
    """
    return "`" + " ".join(str(text).replace("`", "'").split()) + "`"


class CheckFailure(AssertionError):
    """A failed check, told the way a learner needs it (no traceback)."""

    def __init__(self, layer, message, fix=None, log=None):
        assert layer in LAYERS, layer
        super().__init__(pick(message))
        self.layer = layer
        self.text = message  # a plain string (English only) or both(en, zh)
        self.fix = fix
        self.log = log or ""

    @property
    def message(self):
        """The sentence in the learner's language (English where no translation was given)."""
        return pick(self.text)


def expect(condition, layer, message, fix=None, log=None):
    """Raise CheckFailure(layer, message, fix, log) unless `condition` holds."""
    if not condition:
        raise CheckFailure(layer, message, fix=fix, log=log)


def tail(text, lines=15):
    """The last `lines` non-empty lines of a log, for a failure message."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    kept = [line for line in text.splitlines() if line.strip()]
    return "\n".join(kept[-lines:])


def clip(text, chars=1500):
    """The end of a log in about `chars` characters, as whole lines: an excerpt never begins mid-line.

    A last line longer than `chars` alone is kept from its beginning and ends with " …".
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    kept, size = [], 0
    for line in reversed(text.rstrip("\n").splitlines()):
        if kept and size + len(line) + 1 > chars:
            break
        kept.append(line)
        size += len(line) + 1
    if len(kept) == 1 and len(kept[0]) > chars:
        return kept[0][:chars] + " …"
    return "\n".join(reversed(kept))


def whole_lines(data, dropped):
    """`data`, the end of a longer output when `dropped` is true, from its first whole line on."""
    if not dropped:
        return data
    cut = data.find(b"\n" if isinstance(data, bytes) else "\n")
    return data[cut + 1:] if cut >= 0 else data[:0]
