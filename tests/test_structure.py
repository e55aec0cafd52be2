"""The package's shape: no import cycles, honest ``__all__`` lists, complete tables.

Hypothesis asserts its own ``__all__`` the same way: a public name that is not
listed, or a listed name that does not exist, fails here rather than in a
user's ``from invoicecore.x import *``.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType, ModuleType

import attrs
import pytest

import invoicecore
from invoicecore import errors, statuses, transitions
from invoicecore.entities import Status
from invoicecore.transitions import Operation

PACKAGE = Path(invoicecore.__file__).parent


def _modules() -> list[str]:
    names = ["invoicecore"]
    names.extend(info.name for info in pkgutil.walk_packages([str(PACKAGE)], prefix="invoicecore."))
    return sorted(names)


def _source(module: str) -> Path:
    relative = Path(*module.split(".")[1:])
    package = PACKAGE / relative / "__init__.py"
    return package if package.exists() else PACKAGE / relative.with_suffix(".py")


def _imports(module: str) -> set[str]:
    """Every ``invoicecore`` module ``module`` imports, at any depth of its code."""
    tree = ast.parse(_source(module).read_text(encoding="utf-8"))
    known = set(_modules())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom) and node.module is not None and node.level == 0:
            base = node.module
            if not base.startswith("invoicecore"):
                continue
            for alias in node.names:
                child = f"{base}.{alias.name}"
                found.add(child if child in known else base)
    found.discard(module)
    return found


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle in ``graph`` as a list of modules, or ``None``."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        state[node] = 2
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_the_package_has_no_import_cycle() -> None:
    # The facade imports everything by design; cycles are about the modules below it.
    graph = {m: _imports(m) - {"invoicecore"} for m in _modules() if m != "invoicecore"}

    assert _cycle(graph) is None


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


_OPTIONAL = ("hypothesis", "starlette", "uvicorn", "psycopg", "rich", "jsonschema", "razorpay")


def _importable(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ImportError as error:  # an optional extra that is not installed
        if error.name is not None and error.name.split(".")[0] in _OPTIONAL:
            return None
        raise


def _public_modules() -> list[ModuleType]:
    found = []
    for name in _modules():
        if any(part.startswith("_") for part in name.split(".")):
            continue
        module = _importable(name)
        if module is not None:
            found.append(module)
    return found


@pytest.mark.parametrize("module", _public_modules(), ids=lambda m: m.__name__)
def test_all_lists_exactly_the_public_names_defined_here(module: ModuleType) -> None:
    listed = list(getattr(module, "__all__", ()))
    defined = {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and not isinstance(value, ModuleType)
        and getattr(value, "__module__", module.__name__) == module.__name__
        and (inspect.isclass(value) or inspect.isfunction(value))
    }

    assert hasattr(module, "__all__"), f"{module.__name__} has no __all__"
    assert len(listed) == len(set(listed))
    assert [name for name in listed if not hasattr(module, name)] == []
    assert sorted(defined - set(listed)) == []


def test_the_facade_lists_each_name_once_and_dir_shows_exactly_them() -> None:
    names = list(invoicecore.__all__)

    assert len(names) == len(set(names))  # ruff's RUF022 keeps the list sorted
    assert sorted(dir(invoicecore)) == sorted(names)


# -- the tables are complete, and leaving a row out fails loudly ---------------------------


def test_every_status_has_a_row_and_every_operation_a_rule_and_a_function() -> None:
    assert set(statuses.STATUS_TABLE) == set(Status)
    assert set(transitions.TRANSITIONS) == set(Operation)
    assert set(transitions.OPERATIONS) == set(Operation)


def _with_extra(enum: type[StrEnum], name: str) -> type[StrEnum]:
    members = {member.name: member.value for member in enum}
    return StrEnum(enum.__name__, {**members, name.upper(): name})  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("table", "rows", "enum"),
    [
        pytest.param("STATUS_TABLE", statuses.STATUS_TABLE, Status, id="status-table"),
        pytest.param("TRANSITIONS", transitions.TRANSITIONS, Operation, id="transitions"),
        pytest.param("OPERATIONS", transitions.OPERATIONS, Operation, id="operation-functions"),
    ],
)
def test_a_dummy_member_without_its_row_fails_loudly_naming_the_table(
    table: str, rows: MappingProxyType[object, object], enum: type[StrEnum]
) -> None:
    dummy = _with_extra(enum, "on_hold")
    scratch = {dummy(str(member)): row for member, row in rows.items()}

    with pytest.raises(errors.TableIncompleteError) as raised:
        statuses.check_covers(table, scratch, dummy)

    assert raised.value.description == f"The {table} table has no row for on_hold."
    assert raised.value.code == "TABLE_INCOMPLETE"


def test_the_real_tables_pass_the_same_check() -> None:
    statuses.check_covers("STATUS_TABLE", statuses.STATUS_TABLE, Status)
    statuses.check_covers("TRANSITIONS", transitions.TRANSITIONS, Operation)
    statuses.check_covers("OPERATIONS", transitions.OPERATIONS, Operation)

    assert all(attrs.has(type(row)) for row in statuses.STATUS_TABLE.values())
