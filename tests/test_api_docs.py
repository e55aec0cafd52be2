"""docs/api.md names every public name of every public module, and where it comes from.

Each public module has a generated block in docs/api.md: one row per name in
its ``__all__``, with its kind and the first line of its docstring. The facade's
block says which module each re-exported name is defined in. Regenerate after
adding, removing or re-documenting a public name with
``INVOICECORE_WRITE_DOCS=1 python -m pytest tests/test_api_docs.py``.
"""

from __future__ import annotations

import ast
import enum
import importlib
import inspect
import os
import pkgutil
import re
from collections.abc import Sized
from pathlib import Path
from types import GenericAlias, ModuleType, UnionType

import pytest

import invoicecore
from invoicecore.errors import Message
from tests.test_docs import BLOCK

DOCS = Path(__file__).resolve().parent.parent / "docs"
PAGE = DOCS / "api.md"
PACKAGE = Path(invoicecore.__file__).parent


_OPTIONAL = ("hypothesis", "starlette", "uvicorn", "psycopg", "rich", "jsonschema", "razorpay")


def _importable(name: str) -> bool:
    """False for a module whose optional extra is not installed (as in tests/test_structure.py)."""
    try:
        importlib.import_module(name)
    except ImportError as error:
        if error.name is not None and error.name.split(".")[0] in _OPTIONAL:
            return False
        raise
    return True


def public_modules() -> list[str]:
    """Every importable module of the package whose dotted name has no part starting with ``_``."""
    names = ["invoicecore"]
    names += [
        info.name
        for info in pkgutil.walk_packages([str(PACKAGE)], prefix="invoicecore.")
        if not any(part.startswith("_") for part in info.name.split(".")) and _importable(info.name)
    ]
    return sorted(names)


def _attribute_docstrings(module: ModuleType) -> dict[str, str]:
    """``NAME = value`` then a string literal: the string documents ``NAME``, as in autodoc."""
    source = inspect.getsource(module)
    found: dict[str, str] = {}
    body = ast.parse(source).body
    for node, following in zip(body, [*body[1:], None], strict=True):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        if (
            isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            for target in targets:
                if isinstance(target, ast.Name):
                    found[target.id] = following.value.value
    for index, line in enumerate(source.splitlines()):
        stripped = line.strip()
        if stripped.startswith("#:"):
            rest = source.splitlines()[index + 1 :]
            name = rest[0].split("=")[0].split(":")[0].strip() if rest else ""
            found.setdefault(name, stripped[2:].strip())
    return found


def _first_line(text: str) -> str:
    line = inspect.cleandoc(text).split("\n\n")[0].replace("\n", " ").strip()
    return line.replace("|", "\\|")


def _is_alias(value: object) -> bool:
    return isinstance(value, GenericAlias | UnionType) or type(value).__module__ == "typing"


def _kind(value: object) -> str:
    if _is_alias(value):
        return "type alias"
    if isinstance(value, ModuleType):
        return "module"
    if inspect.isclass(value):
        if issubclass(value, BaseException):
            return "exception"
        if issubclass(value, enum.Enum):
            return "enum"
        return "class"
    if inspect.isfunction(value) or inspect.isbuiltin(value):
        return "function"
    if callable(value) and not isinstance(value, Message):
        return "callable"
    return "constant"


def summary(module: ModuleType, name: str) -> str:
    """One line about ``module.name``: its own docstring, else its attribute docstring."""
    value = getattr(module, name)
    if isinstance(value, Message):
        return f"`{value.kind.__name__}`: `{value.template}`".replace("|", "\\|")
    routine = inspect.isfunction(value) or inspect.isbuiltin(value)
    own = (
        _own_doc(value)
        if routine or inspect.isclass(value) or isinstance(value, ModuleType)
        else None
    )
    if own:
        return _first_line(own)
    defined = getattr(value, "__module__", None)
    home = defined if isinstance(defined, str) and defined.startswith("invoicecore") else None
    for candidate in (module, importlib.import_module(home or home_of(module, name))):
        documented = _attribute_docstrings(candidate).get(name)
        if documented:
            return _first_line(documented)
    return _value_summary(value)


def _own_doc(value: object) -> str | None:
    """Its own docstring, never one a class inherits from its base."""
    if inspect.isclass(value):
        doc = value.__dict__.get("__doc__")
        return doc if isinstance(doc, str) else None
    return inspect.getdoc(value)


def _value_summary(value: object) -> str:
    """A constant without a docstring of its own: its type, and its value when short."""
    if _is_alias(value):
        return "`" + repr(value).replace("typing.", "").replace("collections.abc.", "") + "`"
    if isinstance(value, bool | int | str) and len(repr(value)) <= 40:
        return f"`{type(value).__name__}`, `{value!r}`"
    size = f" of {len(value)}" if isinstance(value, Sized) else ""
    return f"`{type(value).__name__}`{size}"


def home_of(module: ModuleType, name: str) -> str:
    """The module a user imports ``name`` from when not from ``module``: where it is defined."""
    value = getattr(module, name)
    if isinstance(value, ModuleType):
        return value.__name__
    defined = getattr(value, "__module__", None)
    if (inspect.isclass(value) or inspect.isfunction(value)) and defined:
        return str(defined)
    for candidate in public_modules():
        if candidate in {module.__name__, "invoicecore"}:
            continue
        other = importlib.import_module(candidate)
        if name in getattr(other, "__all__", ()) and getattr(other, name) is value:
            return candidate
    return module.__name__


def block_name(module: str) -> str:
    return "api-" + module.replace(".", "-")


def table(module_name: str) -> str:
    """The generated block for one module: an import line and one row per public name."""
    module = importlib.import_module(module_name)
    names = list(module.__all__)
    if module_name == "invoicecore":
        rows = ["| name | kind | defined in | summary |", "| --- | --- | --- | --- |"]
        rows += [
            f"| `{name}` | {_kind(getattr(module, name))} | `{home_of(module, name)}` "
            f"| {summary(module, name)} |"
            for name in names
        ]
        lead = "`from invoicecore import NAME` for every name below.\n\n"
    else:
        rows = ["| name | kind | summary |", "| --- | --- | --- |"]
        for name in names:
            home = home_of(module, name)
            also = "" if home == module_name else f" (defined in `{home}`)"
            rows.append(
                f"| `{name}` | {_kind(getattr(module, name))} | {summary(module, name)}{also} |"
            )
        lead = f"`from {module_name} import NAME` for every name below.\n\n"
    return lead + "\n".join(rows) + "\n"


def _blocks(text: str) -> dict[str, str]:
    return {m["name"]: m["body"] for m in BLOCK.finditer(text)}


@pytest.mark.parametrize("module", public_modules())
def test_the_module_block_in_api_md_is_current(module: str) -> None:
    text = PAGE.read_text(encoding="utf-8")
    name = block_name(module)
    expected = table(module)

    if os.environ.get("INVOICECORE_WRITE_DOCS") == "1" and name in _blocks(text):
        match = next(m for m in BLOCK.finditer(text) if m["name"] == name)
        text = text[: match.start("body")] + expected + text[match.end("body") :]
        PAGE.write_text(text, encoding="utf-8")

    blocks = _blocks(text)
    assert name in blocks, (
        f"docs/api.md has no block for the public module {module}: add "
        f"<!-- BEGIN GENERATED: {name} --> ... <!-- END GENERATED: {name} --> "
        "and run INVOICECORE_WRITE_DOCS=1 python -m pytest tests/test_api_docs.py"
    )
    assert blocks[name] == expected, (
        f"docs/api.md block {name} is stale: "
        "run INVOICECORE_WRITE_DOCS=1 python -m pytest tests/test_api_docs.py"
    )


@pytest.mark.parametrize("module", public_modules())
def test_every_public_name_is_on_the_page_with_a_summary(module: str) -> None:
    text = PAGE.read_text(encoding="utf-8")
    body = _blocks(text).get(block_name(module), "")
    imported = importlib.import_module(module)

    missing = [name for name in imported.__all__ if f"| `{name}` |" not in body]
    undocumented = [
        name
        for name in imported.__all__
        if _kind(getattr(imported, name)) not in {"constant", "type alias"}
        and not _own_doc(getattr(imported, name))
    ]

    assert missing == [], f"docs/api.md does not document {module}: {missing}"
    assert undocumented == [], f"{module}: no docstring to summarise for {undocumented}"


def test_a_missing_name_is_caught_by_name() -> None:
    body = table("invoicecore.statuses")
    without = "\n".join(line for line in body.splitlines() if "`check_covers`" not in line)

    assert "| `check_covers` |" in body
    assert "| `check_covers` |" not in without


def test_the_page_states_the_import_rule() -> None:
    text = PAGE.read_text(encoding="utf-8")

    assert "everything is importable from its module" in text.lower()
    assert all(f"`{name}`" in text for name in invoicecore.__all__)


def test_every_block_on_the_page_names_a_public_module() -> None:
    known = {block_name(module) for module in public_modules()}

    assert sorted(set(_blocks(PAGE.read_text(encoding="utf-8"))) - known) == []


def test_the_tutorial_comes_first_and_every_page_is_in_a_toctree() -> None:
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    listed = re.findall(r"^([\w/-]+)$", index, re.MULTILINE)
    pages = sorted(
        str(path.relative_to(DOCS).with_suffix(""))
        for path in DOCS.rglob("*.md")
        if "_build" not in path.parts and path.parent.name != "requests" and path.stem != "index"
    )

    assert listed[0] == "tutorial"
    assert [page for page in pages if page not in listed] == []
