"""The one exception a check raises: which layer broke, what happened, which hint applies."""

LAYERS = ("code", "build", "container", "network", "redis", "checker")


class CheckFailure(AssertionError):
    """A failed check, told the way a learner needs it (no traceback)."""

    def __init__(self, layer, message, fix=None, log=None):
        assert layer in LAYERS, layer
        super().__init__(message)
        self.layer = layer
        self.message = message
        self.fix = fix
        self.log = log or ""


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
