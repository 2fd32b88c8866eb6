"""The checker's packages are layers: a module imports its own package or the ones below it, never one
above, and no two modules import each other, even through others or inside a function.

Top to bottom (CONTRIBUTING.md, "Map of the checker"): cli.py, commands/, check/, learner/, engine/,
workshop/, text/; the package's root (checker/__init__.py: ROOT, STATE_DIR) is below them all.
"""

import ast
import sys
import re

import pytest

from checker import ROOT

LAYERS = ("cli", "commands", "check", "learner", "engine", "workshop", "text", "")  # "" is checker/__init__.py
PACKAGE = ROOT / "checker"
# a module named in a string, e.g. sys.modules["checker.engine.containers"] or a monkeypatch target
NAMED = re.compile(r"""["']checker\.([a-z_]+(?:\.[a-z_]+)*)["']""")


def modules():
    """{dotted name: path} of every module of the checker."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = modules()


def imported(path):
    """The checker modules `path` imports, at the top or inside a function, or names in a string."""
    found = set()
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.relative_to(ROOT)}: relative import (the checker imports absolutely)"
            if node.module and node.module.split(".")[0] == "checker":
                for alias in node.names:  # `from checker.engine import containers` imports a module
                    name = f"{node.module}.{alias.name}"
                    found.add(name if name in MODULES else node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "checker"}
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found |= {f"checker.{name}" for name in NAMED.findall(repr(node.value)) if f"checker.{name}" in MODULES}
    return found


def layer(name):
    """The layer of a dotted module name: its package under checker/ (cli for the top modules)."""
    parts = name.split(".")
    if len(parts) == 1:
        return ""
    if len(parts) == 2 and parts[1] in ("cli", "__main__"):
        return "cli"
    return parts[1]


GRAPH = {name: imported(path) & set(MODULES) - {name} for name, path in MODULES.items()}


def test_every_module_is_in_a_layer():
    """No module of the checker lies outside the layers (a new package is added to LAYERS, in its place)."""
    assert {name: layer(name) for name in MODULES if layer(name) not in LAYERS} == {}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_go_down(name):
    """A module imports its own layer or the layers below it, never one above."""
    mine = LAYERS.index(layer(name))
    upward = sorted(other for other in GRAPH[name] if LAYERS.index(layer(other)) < mine)
    # an upward import ties a lower layer to what it serves: move the shared piece down instead
    assert upward == [], f"{name} imports from a layer above it"


def test_no_import_cycle():
    """No module reaches itself by following imports (top-level or lazy): each cycle is named."""
    cycles, state = [], {}

    def visit(name, path):
        state[name] = "open"
        for other in sorted(GRAPH[name]):
            if state.get(other) == "open":
                cycles.append(" → ".join(path[path.index(other):] + [other]))
            elif other not in state:
                visit(other, path + [other])
        state[name] = "done"

    for name in sorted(GRAPH):
        if name not in state:
            visit(name, [name])
    # a cycle means neither module can be understood (or imported) without the other
    assert cycles == []


def test_text_needs_only_the_standard_library():
    """The bottom layer runs with the system Python before `make setup` (the Makefile's messages)."""
    for name, path in MODULES.items():
        if layer(name) == "text":
            tree = ast.parse(path.read_text())
            third = {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                     and node.module and node.module.split(".")[0] not in ("checker", "__future__")}
            third |= {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                      for alias in node.names}
            # a package of requirements-dev.txt would fail `make lang` on a fresh machine
            assert not third - set(sys.stdlib_module_names), name


def test_commands_share_plumbing_not_cli():
    """Every command takes what it shares from commands/plumbing.py, which imports no command but doctor."""
    for name in MODULES:
        if layer(name) == "commands":
            # an import of cli from a module cli imports is a cycle
            assert "checker.cli" not in GRAPH[name], name
    assert {m for m in GRAPH["checker.commands.plumbing"] if layer(m) == "commands"} <= {"checker.commands.doctor"}
