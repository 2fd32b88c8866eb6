"""The checker's modules import downwards only: cli wires the commands, session sits below them all."""

import ast

import pytest

from checker import ROOT

COMMANDS = ("demo", "grade", "hints", "progress", "reset", "scaffold", "watch")


def imported(name):
    """The checker modules that checker/<name>.py imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse((ROOT / "checker" / f"{name}.py").read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found |= {node.module} if node.module else {alias.name for alias in node.names}
    return found


@pytest.mark.parametrize("name", COMMANDS)
def test_commands_do_not_import_cli(name):
    """A command module takes what it shares from session.py, never from cli.py (which imports it)."""
    # an import of cli from a module cli imports is a cycle
    assert "cli" not in imported(name)


def test_session_imports_no_command():
    """session.py, shared by the commands, imports none of them and not cli."""
    # below every command: each can import it without a cycle
    assert not imported("session") & {"cli", *COMMANDS}
