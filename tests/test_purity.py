"""Nothing under invoicecore/ but the CLI reads a clock, randomness, files or the environment."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "invoicecore"
EDGE = {"cli.py", "__main__.py", "portrun.py", "conformance_run.py"}
BANNED_MODULES = {
    "time",
    "random",
    "secrets",
    "uuid",
    "os",
    "pathlib",
    "io",
    "sys",
    "socket",
    "subprocess",
    "shutil",
    "tempfile",
    "datetime",
    "urllib",
    "http",
    "logging",
    "threading",
}
BANNED_CALLS = {"open", "print", "input", "exec", "eval", "compile", "__import__", "breakpoint"}
SANCTIONED = {"_validators.py": ["exec()"] * 4, "fields.py": ["exec()"] * 2}
"""Generated functions: per entity class, its field check, its trusted constructor, its slot
constructor and its evolve, from its field table (as attrs and dataclasses generate
``__init__``); per request table, its fast path, from its rows' own sources (#12), made a
second time with the globals the first made reads bound as its defaults. No input
reaches the source (a body's shape only chooses which of the table's keys the function reads),
and running it does no I/O."""
EDGE_PACKAGES = {"server"}  # the HTTP server (issue #16) is an edge, as a whole package
CORE = sorted(
    path
    for path in PACKAGE.rglob("*.py")
    if path.name not in EDGE and path.relative_to(PACKAGE).parts[0] not in EDGE_PACKAGES
)


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node but those under ``if TYPE_CHECKING:`` (type-only imports do nothing)."""
    nodes: list[ast.AST] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            stack.extend(node.orelse)
            continue
        nodes.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return nodes


def _violations(source: str) -> list[str]:
    found = []
    for node in sorted(_runtime_nodes(ast.parse(source)), key=lambda n: getattr(n, "lineno", 0)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] in BANNED_MODULES]
        elif (
            isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in BANNED_MODULES
        ):
            found.append(node.module or "")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in BANNED_CALLS
        ):
            found.append(f"{node.func.id}()")
    return found


@pytest.mark.parametrize("path", CORE, ids=lambda p: p.name)
def test_core_modules_do_no_io(path: Path) -> None:
    assert _violations(path.read_text(encoding="utf-8")) == SANCTIONED.get(path.name, [])


def test_the_checker_catches_what_it_bans() -> None:
    source = (
        "import os\nfrom time import time\nimport random as r\nopen('x')\nprint(1)\n"
        "if TYPE_CHECKING:\n    from random import Random\n"
    )

    assert _violations(source) == ["os", "time", "random", "open()", "print()"]


def test_importing_the_package_imports_no_hypothesis_and_no_edge() -> None:
    code = (
        "import sys, invoicecore; "
        "edges = ('hypothesis', 'invoicecore.cli', 'invoicecore.portrun'); "
        "print(sorted(m for m in sys.modules if m.startswith(edges)))"
    )

    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "[]"
