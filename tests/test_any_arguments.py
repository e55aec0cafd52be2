"""Every public function and class of every public core module, called with arbitrary
arguments, raises nothing but the documented error types (#11).

The table is built from each module's ``__all__``, so a new public name is covered
the day it is added. The edges (I/O, processes, servers) are left to their own
tests: calling them with arbitrary arguments would touch files, ports and
processes.
"""

from __future__ import annotations

import enum
import importlib
import inspect
import pkgutil
from typing import TYPE_CHECKING, Any, Final

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import invoicecore
from invoicecore.book import Response
from invoicecore.errors import InvoiceError
from invoicecore.replay import encode
from tests.anything import ARGUMENT
from tests.helpers import sweep_examples

if TYPE_CHECKING:
    from collections.abc import Callable

EDGES: Final = frozenset(
    {
        "invoicecore.cli",
        "invoicecore.conformance_run",
        "invoicecore.portrun",
        "invoicecore.server",
        "invoicecore.stores",  # open_store(spec) opens files and connections
        "invoicecore.stores.postgres",
        "invoicecore.stores.sqlite",
        "invoicecore.testing.fuzzing",  # starts the port under test
    }
)
"""Modules that read files, start processes or serve (and every module of the
server package): tested by their own files. The in-memory store is not one."""


def _edge(name: str) -> bool:
    return name in EDGES or name.startswith("invoicecore.server.")


DOCUMENTED: Final = {
    "invoicecore.testing": (InvoiceError, InvalidArgument),
}
"""The testing kit refuses bad arguments as Hypothesis does (InvalidArgument)."""


def _private(module: str) -> bool:
    return any(part.startswith("_") for part in module.split("."))


def _is_callable_public(value: object, module: str) -> bool:
    home = getattr(value, "__module__", None)
    if home != module and not (isinstance(home, str) and _private(home)):
        return False  # re-exported from a public module: covered there
    if inspect.isfunction(value):
        return True
    if not inspect.isclass(value):
        return False
    if issubclass(value, (enum.Enum, BaseException)):
        return False  # closed sets and the errors themselves
    return not getattr(value, "_is_protocol", False)


def _module_names() -> list[str]:
    walked = pkgutil.walk_packages(invoicecore.__path__, prefix="invoicecore.")
    return ["invoicecore", *(info.name for info in walked)]


def _public_callables() -> dict[str, tuple[Callable[..., Any], tuple[str, ...], str]]:
    found: dict[str, tuple[Callable[..., Any], tuple[str, ...], str]] = {}
    for name in _module_names():
        if _edge(name) or name.endswith("__main__"):
            continue
        if _private(name):
            continue
        module = importlib.import_module(name)
        for public in module.__all__:
            value = getattr(module, public)
            if not _is_callable_public(value, name):
                continue
            parameters = tuple(
                parameter.name
                for parameter in inspect.signature(value).parameters.values()
                if parameter.kind not in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD)
            )
            if any(value is seen for seen, _, _ in found.values()):
                continue  # defined in a private module, exported twice: covered once
            found[f"{name.removeprefix('invoicecore.')}.{public}"] = (value, parameters, name)
    return found


PUBLIC: Final = _public_callables()
"""name -> (the callable, its parameter names, the public module it is tested under)."""


def _documented(module: str) -> tuple[type[BaseException], ...]:
    for prefix, kinds in DOCUMENTED.items():
        if module.startswith(prefix):
            return kinds
    return (InvoiceError,)


WHOLE_SUITE: Final = frozenset({"conformance.coverage"})
"""Callables that run every request table's faults (seconds a call, a cached value
after): swept in the slow set (CI). ``conformance.generate`` runs the same faults once
here, without arguments."""


def _call(name: str, kwargs: dict[str, Any]) -> None:
    function, _, module = PUBLIC[name]
    try:
        function(**kwargs)
    except _documented(module) as error:
        assert str(error), name
        if isinstance(error, InvoiceError):
            assert error.code, name
    # Anything else (TypeError, KeyError, AttributeError ...) propagates and fails.


def _sweep(name: str, data: st.DataObject) -> None:
    _call(name, {parameter: data.draw(ARGUMENT, label=parameter) for parameter in PUBLIC[name][1]})


def _names(*, parameters: bool, whole_suite: bool = False) -> list[str]:
    return sorted(
        name
        for name, (_, taken, _) in PUBLIC.items()
        if bool(taken) is parameters and (name in WHOLE_SUITE) is whole_suite
    )


@pytest.mark.parametrize("name", _names(parameters=False))
def test_every_public_callable_without_parameters_raises_nothing_undocumented(name: str) -> None:
    _call(name, {})


@pytest.mark.parametrize("name", _names(parameters=True))
@settings(max_examples=sweep_examples(ci=50))
@given(data=st.data())
def test_every_public_callable_raises_only_documented_errors(
    name: str, data: st.DataObject
) -> None:
    _sweep(name, data)


@pytest.mark.slow
@pytest.mark.parametrize("name", _names(parameters=True, whole_suite=True))
@settings(max_examples=sweep_examples(ci=50))
@given(data=st.data())
def test_the_whole_suite_builders_raise_only_documented_errors(
    name: str, data: st.DataObject
) -> None:
    _sweep(name, data)


def test_the_whole_suite_builders_are_in_the_table() -> None:
    assert set(PUBLIC) >= WHOLE_SUITE
    assert _names(parameters=False, whole_suite=True) == []
    assert _names(parameters=True, whole_suite=True) == ["conformance.coverage"]


def test_the_table_reaches_every_public_core_module() -> None:
    modules = {module for _, _, module in PUBLIC.values()}
    walked = {
        name
        for name in _module_names()
        if not _edge(name) and not name.endswith("__main__") and not _private(name)
    }
    with_callables = {
        name
        for name in walked
        if any(
            _is_callable_public(getattr(importlib.import_module(name), public), name)
            for public in importlib.import_module(name).__all__
        )
    }
    assert modules == with_callables
    assert {"invoicecore.wire", "invoicecore.limits", "invoicecore.replay"} <= modules
    assert "book.Book" in PUBLIC


# -- the exact refusal of a few helpers, by table ------------------------------------------

REFUSALS: Final = (
    (
        "amounts.amount_due",
        {"amount": "100", "amount_paid": 0},
        "amount",
        "The amount must be an integer.",
    ),
    (
        "amounts.amount_due",
        {"amount": 100, "amount_paid": 101},
        "amount_paid",
        "The amount paid may not be greater than 100.",
    ),
    (
        "amounts.inclusive_taxable_exact",
        {"gross": 100, "quantity": 1, "taxes": None},
        "taxes",
        "The taxes must be a tuple of Tax.",
    ),
    (
        "amounts.inclusive_taxable_exact",
        {"gross": 100, "quantity": 0, "taxes": ()},
        "quantity",
        "The quantity must be at least 1.",
    ),
    ("limits.check_text", {"value": "x", "field": None}, "field", "The field must be a string."),
    (
        "limits.check_text",
        {"value": "x", "field": "terms", "nullable": 1},
        "nullable",
        "The nullable field must be true or false.",
    ),
    ("limits.check_expire_by", {"value": None, "at": 1.5}, "at", "The at must be an integer."),
    (
        "limits.check_line_amount",
        {"value": 100, "currency": "INR"},
        "currency",
        "The currency must be a Currency.",
    ),
    ("view.utc_time", {"at": True}, "at", "The at must be an integer."),
    (
        "wire.render_customer_details",
        {"customer": {"name": "Asha"}},
        "customer",
        "The customer must be a Customer or None.",
    ),
    (
        "replay.encode",
        {"response": {"status": 200}},
        "response",
        "The response must be a Response.",
    ),
    ("diagram.render", {"format": "png"}, "format", "The selected format is invalid."),
    ("diagram.describe_edges", {"rule": "pay"}, "rule", "The rule must be a transitions.Rule."),
    ("statuses.row", {"status": "paid"}, "status", "The status must be a Status."),
    (
        "patch.merge_line_items",
        {"existing": None, "elements": (), "currency": "INR", "new_id": str},
        "existing",
        "The existing must be a tuple of LineItem.",
    ),
    (
        "events.InvoiceUpdated",
        {"invoice_id": "inv_1", "at": 1, "keys": "notes"},
        "keys",
        "The keys must be a tuple of strings.",
    ),
)


@pytest.mark.parametrize(("name", "kwargs", "field", "description"), REFUSALS)
def test_a_helper_names_the_bad_argument(
    name: str, kwargs: dict[str, object], field: str, description: str
) -> None:
    function, _, _ = PUBLIC[name]

    with pytest.raises(InvoiceError) as raised:
        function(**kwargs)

    assert (raised.value.field, raised.value.description) == (field, description)


def test_replay_encode_refuses_a_body_that_is_not_json() -> None:
    assert encode(Response(status=200, body={"a": [1]})) == '{"status": 200, "body": {"a": [1]}}'
    with pytest.raises(InvoiceError) as raised:
        encode(Response(status=200, body={"a": {1, 2}}))
    assert raised.value.field == "body"
