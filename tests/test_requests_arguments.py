"""The request-table building blocks refuse a wrong argument with this library's error (#11).

Every factory of ``requests.fields``, ``Rule``, ``Table``, ``Context``, ``run`` and
``requests.render_page`` checks its arguments before any work and raises
``The <parameter> must be ...`` with the parameter as ``field``: never a bare
``TypeError``, ``KeyError`` or ``AttributeError``. The property test over every
public name is tests/test_any_arguments.py; these rows pin the exact messages.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

import attrs
import pytest

from invoicecore import errors, requests
from invoicecore.commands import CreateInvoice
from invoicecore.entities import Details
from invoicecore.errors import InvoiceError
from invoicecore.requests import fields

if TYPE_CHECKING:
    from collections.abc import Callable


def _check(_body: object, _out: object, _prefix: object, _ctx: object) -> None:
    return


def _rule(**changes: object) -> fields.Rule:
    arguments: dict[str, Any] = {"name": "name", "kind": "string", "check": _check}
    return fields.Rule(**{**arguments, **changes})


def _table(**changes: object) -> fields.Table:
    arguments: dict[str, Any] = {
        "name": "t",
        "title": "T",
        "path": "",
        "rules": (fields.string_value("name"),),
        "build": dict,
    }
    return fields.Table(**{**arguments, **changes})


F: Any = fields
"""The modules as untyped values: the calls below are wrong on purpose."""
R: Any = requests

CASES: list[tuple[str, Callable[[], object], str, str]] = [
    # (case, the call, the error's field, its message)
    ("text: name", lambda: F.text(7, max_length=5), "name", "The name must be a string."),
    (
        "text: max_length a float",
        lambda: F.text("x", max_length=5.0),
        "max_length",
        "The max length must be an integer.",
    ),
    (
        "text: min_length above max_length",
        lambda: F.text("x", max_length=5, min_length=6),
        "min_length",
        "The min length may not be greater than 5.",
    ),
    (
        "text: nullable not a bool",
        lambda: F.text("x", max_length=5, nullable=1),
        "nullable",
        "The nullable field must be true or false.",
    ),
    (
        "integer: maximum below minimum",
        lambda: F.integer("x", minimum=5, maximum=4),
        "maximum",
        "The maximum must be at least 5.",
    ),
    (
        "integer: a bool minimum",
        lambda: F.integer("x", minimum=True),
        "minimum",
        "The minimum must be an integer.",
    ),
    (
        "query_integer: default out of bounds",
        lambda: F.query_integer("count", minimum=1, maximum=100, default=101),
        "default",
        "The default may not be greater than 100.",
    ),
    (
        "refused: message not a Message",
        lambda: F.refused("amount", "AMOUNT"),
        "message",
        "The message must be a Message.",
    ),
    (
        "required: names a list",
        lambda: F.required(["name"]),
        "names",
        "The names must be a tuple of strings.",
    ),
    (
        "enum_value: a choice not a string",
        lambda: F.enum_value("rate_type", ("flat", 1), default="flat"),
        "choices",
        "The choices must be a tuple of strings.",
    ),
    (
        "selection: choices a list",
        lambda: F.selection("draft", ["1", "0"]),
        "choices",
        "The choices must be an object.",
    ),
    (
        "nested: table not callable",
        lambda: F.nested("customer", requests.CUSTOMER_RULES, table_name="customer"),
        "table",
        "The table must be a callable.",
    ),
    (
        "array: too_many not a Message",
        lambda: F.array(
            "taxes",
            lambda _element: requests.TAX_RULES,
            maximum=10,
            too_many=None,
            min_one=False,
            element_label="tax",
            table_name="tax",
        ),
        "too_many",
        "The too many must be a Message.",
    ),
    (
        "record: cls not an attrs class",
        lambda: F.record(dict),
        "cls",
        "The cls must be an attrs class.",
    ),
    (
        "record: a part not a record",
        lambda: F.record(CreateInvoice, details=Details),
        "details",
        "The details must be a record.",
    ),
    (
        "record: a part that is not a field",
        lambda: F.record(CreateInvoice, extra=F.record(Details)),
        "extra",
        "The extra must be a field of CreateInvoice.",
    ),
    (
        "record: a part taking a value a field takes",
        lambda: F.record(Details, notes=F.record(Details)),
        "notes",
        "The notes must be a record of values no other field takes.",
    ),
    (
        "record: unused a list",
        lambda: F.record(Details, unused=["type"]),
        "unused",
        "The unused must be a tuple of strings.",
    ),
    (
        "every: table not callable",
        lambda: F.every(requests.TAX_RULES),
        "table",
        "The table must be a callable.",
    ),
    (
        "string_value: into not a string",
        lambda: F.string_value("customer_id", into=1),
        "into",
        "The into must be a string.",
    ),
    (
        "string_value: make not callable",
        lambda: F.string_value("customer_id", make="CustomerRef"),
        "make",
        "The make must be a callable.",
    ),
    (
        "extra_keys: accepted a set",
        lambda: F.extra_keys({"a"}),
        "accepted",
        "The accepted must be a tuple of strings.",
    ),
    (
        "flag: default a string",
        lambda: F.flag("draft", default="1"),
        "default",
        "The default field must be true or false.",
    ),
    (
        "Rule: name",
        lambda: _rule(name=None),
        "name",
        "The name must be a string.",
    ),
    (
        "Rule: limits not an object",
        lambda: _rule(limits=[("a", 1)]),
        "limits",
        "The limits must be an object.",
    ),
    (
        "Rule: check not callable",
        lambda: _rule(check=None),
        "check",
        "The check must be a callable.",
    ),
    (
        "Rule: errors not RuleErrors",
        lambda: _rule(errors=("MUST_BE",)),
        "errors",
        "The errors must be a tuple of RuleError.",
    ),
    (
        "RuleError: field",
        lambda: F.RuleError(code="C", description="D", field=None),
        "field",
        "The field must be a string.",
    ),
    (
        "Table: rules a list",
        lambda: _table(rules=[fields.string_value("name")]),
        "rules",
        "The rules must be a tuple of Rule.",
    ),
    (
        "Table: aliases to a number",
        lambda: _table(aliases={"unit_amount": 1}),
        "aliases",
        "The aliases must be an object of strings.",
    ),
    (
        "Table: build not callable",
        lambda: _table(build="dict"),
        "build",
        "The build must be a callable.",
    ),
    (
        "Context: at a string",
        lambda: F.Context(at="1"),
        "at",
        "The at must be an integer.",
    ),
    (
        "Context: accepted a set",
        lambda: F.Context(accepted={"a"}),
        "accepted",
        "The accepted must be a frozenset of keys.",
    ),
    (
        "run: table",
        lambda: F.run("create", {}, "", fields.Context()),
        "table",
        "The table must be a Table.",
    ),
    (
        "run: body",
        lambda: F.run(requests.PAYMENT_RULES, [], "", fields.Context()),
        "body",
        "The body must be an object.",
    ),
    (
        "run: prefix",
        lambda: F.run(requests.PAYMENT_RULES, {}, None, fields.Context()),
        "prefix",
        "The prefix must be a string.",
    ),
    (
        "run: context",
        lambda: F.run(requests.PAYMENT_RULES, {}, "", {}),
        "context",
        "The context must be a Context.",
    ),
    (
        "render_page: unknown slug",
        lambda: R.render_page("invoices"),
        "slug",
        "The slug must be one of create, update, line-item, customer, payment, query, item.",
    ),
    (
        "render_page: unhashable slug",
        lambda: R.render_page(["create"]),
        "slug",
        "The slug must be one of create, update, line-item, customer, payment, query, item.",
    ),
]


@pytest.mark.parametrize(
    ("call", "field", "message"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_a_wrong_argument_is_refused_with_its_parameter_named(
    call: Callable[[], object], field: str, message: str
) -> None:
    with pytest.raises(InvoiceError) as raised:
        call()

    assert raised.value.field == field
    assert str(raised.value) == message
    assert raised.value.code in {errors.MUST_BE.code, errors.MUST_BE_BOOLEAN.code} | {
        errors.MIN_VALUE.code,
        errors.MAX_VALUE.code,
    }


def test_every_table_is_rebuilt_identically_from_its_own_arguments() -> None:
    # The checks refuse nothing the library's own tables use: each table's rows,
    # rebuilt through the validating constructors, document the same rules.
    for table in requests.TABLES:
        rebuilt = fields.Table(
            name=table.name,
            title=table.title,
            path=table.path,
            rules=tuple(
                fields.Rule(
                    name=rule.name,
                    kind=rule.kind,
                    required=rule.required,
                    nullable=rule.nullable,
                    limits=dict(rule.limits),
                    default=rule.default,
                    errors=rule.errors,
                    note=rule.note,
                    table=rule.table,
                    check=rule.check,
                    key=rule.key,
                    default_value=rule.default_value,
                    fast=rule.fast,
                )
                for rule in table.rules
            ),
            note=table.note,
            aliases=dict(table.aliases),
            build=table.build,
            prepare=table.prepare,
        )
        assert rebuilt.to_json() == table.to_json()
        assert (rebuilt.fast_run is None) == (table.fast_run is None)


def test_a_table_makes_its_fast_path_on_its_first_run_and_keeps_it() -> None:
    """``fast_run`` is a plain slot (no class ``__getattr__``, which would slow every
    read of a table): a function that makes the path on the first run, then the path."""
    table = attrs.evolve(requests.PAYMENT_RULES)  # a new table: nothing made yet
    body = {"amount": 100, "payment_id": "pay_1"}

    first = table.fast_run
    assert first is not None
    assert first(body, fields.Context()) == requests.parse_payment(body)
    made = table.fast_run

    assert made is not first
    assert made is not None
    assert made(body, fields.Context()) == requests.parse_payment(body)
    assert table.fast_run is made
    assert not any("__getattr__" in vars(klass) for klass in type(table).__mro__)


@pytest.mark.parametrize("duplicate", [copy.copy, copy.deepcopy])
def test_a_copied_table_runs_as_the_table(duplicate: Any) -> None:
    table = duplicate(requests.PAYMENT_RULES)
    body = {"amount": 100, "payment_id": "pay_1"}

    assert table == requests.PAYMENT_RULES
    assert fields.run(table, body, "", fields.Context()) == requests.parse_payment(body)
