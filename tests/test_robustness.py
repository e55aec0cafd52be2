"""Whatever a caller passes, the only exceptions that come out are InvoiceErrors."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import invoicecore
from invoicecore import (
    Address,
    Customer,
    Details,
    Invoice,
    InvoiceError,
    Lifecycle,
    LineItem,
    Notes,
    Notifications,
    Order,
    Tax,
    apply,
    book,
    commands,
    errors,
    events,
    limits,
    replay,
    requests,
    webhooks,
    wire,
)
from tests.anything import ARGUMENT
from tests.helpers import sweep_examples
from tests.test_any_arguments import PUBLIC

_COMMAND = requests.parse_create(
    {"line_items": [{"name": "Pen", "amount": 500}], "customer": {"name": "Asha"}}, at=0
)


if TYPE_CHECKING:
    from collections.abc import Callable

# Every public callable with the keyword arguments it takes.
FUNCTIONS: dict[str, tuple[Callable[..., Any], tuple[str, ...]]] = {
    "create": (
        invoicecore.create,
        (
            "id",
            "at",
            "currency",
            "customer",
            "line_items",
            "details",
            "sms_notify",
            "email_notify",
            "idempotency_key",
            "draft",
            "order_id",
            "short_url",
        ),
    ),
    "update": (
        invoicecore.update,
        ("invoice", "command", "at", "new_id", "customers", "items", "order_id", "short_url"),
    ),
    "plan_update": (
        invoicecore.plan_update,
        ("invoice", "command", "at", "new_id", "customers", "items"),
    ),
    "plan_line_items_patch": (invoicecore.plan_line_items_patch, ("invoice", "patch", "items")),
    "issue": (invoicecore.issue, ("invoice", "at", "order_id", "short_url")),
    "cancel": (invoicecore.cancel, ("invoice", "at")),
    "delete": (invoicecore.delete, ("invoice", "at")),
    "expire": (invoicecore.expire, ("invoice", "at")),
    "pay": (invoicecore.pay, ("invoice", "amount", "payment_id", "at")),
    "notify": (invoicecore.notify, ("invoice", "medium", "at")),
    "mark_notification_sent": (invoicecore.mark_notification_sent, ("invoice", "medium", "at")),
    "allowed_operations": (invoicecore.allowed_operations, ("invoice", "at")),
    "check_invariants": (invoicecore.check_invariants, ("invoice",)),
    "get_currency": (invoicecore.get_currency, ("code",)),
    "line_totals": (invoicecore.line_totals, ("line",)),
    "invoice_totals": (invoicecore.invoice_totals, ("lines",)),
    "round_half_away_from_zero": (invoicecore.round_half_away_from_zero, ("value",)),
    "Currency.format": (invoicecore.CURRENCIES["INR"].format, ("amount",)),
    "Message.error": (errors.OPERATION_NOT_ALLOWED.error, ("field", "status")),
    "Notes": (Notes, ("items",)),
    "requests.parse_create": (requests.parse_create, ("payload", "at")),
    "requests.parse_update": (requests.parse_update, ("payload",)),
    "requests.parse_update(status, currency, at)": (
        requests.parse_update,
        ("payload", "status", "currency", "at"),
    ),
    "requests.parse_line_items_patch": (
        requests.parse_line_items_patch,
        ("payload", "currency"),
    ),
    "requests.parse_fetch_by_id_query": (requests.parse_fetch_by_id_query, ("query",)),
    "requests.parse_customer": (requests.parse_customer, ("payload",)),
    "requests.parse_item": (requests.parse_item, ("payload",)),
    "limits.refuse_extras": (limits.refuse_extras, ("body", "accepted", "prefix")),
    "apply.capture_payment": (apply.capture_payment, ("invoice", "command", "at")),
    "apply.create_customer": (apply.create_customer, ("command", "new_id")),
    "apply.create_item": (apply.create_item, ("command", "id")),
    "requests.parse_payment": (requests.parse_payment, ("payload",)),
    "requests.parse_fetch_query": (requests.parse_fetch_query, ("query",)),
    "wire.load_invoice": (wire.load_invoice, ("entity",)),
    "wire.render_invoice": (wire.render_invoice, ("invoice",)),
    "wire.render_line_item": (wire.render_line_item, ("line",)),
    "wire.render_collection": (wire.render_collection, ("invoices",)),
    "wire.render_error": (wire.render_error, ("error",)),
    "wire.render_error(include_code)": (
        lambda error, include_code: wire.render_error(error, include_code=include_code),
        ("error", "include_code"),
    ),
    "wire.render_customer": (wire.render_customer, ("customer", "created_at")),
    "wire.load_customer": (wire.load_customer, ("entity",)),
    "wire.render_item": (wire.render_item, ("item", "created_at")),
    "wire.load_item": (wire.load_item, ("entity",)),
    "errors.http_status": (errors.http_status, ("error",)),
    "http_status": (invoicecore.http_status, ("error",)),
    "deliverable": (invoicecore.deliverable, ("invoice", "medium")),
    "events.to_dict": (events.to_dict, ("event",)),
    "events.from_dict": (events.from_dict, ("data",)),
    "events.with_ids": (events.with_ids, ("events", "new_id")),
    "webhooks.render_webhook": (
        lambda event, invoice, account_id, created_at: webhooks.render_webhook(
            event, invoice, account_id=account_id, created_at=created_at
        ),
        ("event", "invoice", "account_id", "created_at"),
    ),
    "webhooks.sign": (webhooks.sign, ("body", "secret")),
    "webhooks.verify": (webhooks.verify, ("body", "signature", "secret")),
    "replay.replay": (lambda lines, book: list(replay.replay(lines, book=book)), ("lines", "book")),
    "Replayer.step": (lambda line: replay.Replayer().step(line), ("line",)),
    "Book.handle": (lambda call: book.Book().handle(call), ("call",)),
    "FetchQuery.matches": (lambda invoice: commands.FetchQuery().matches(invoice), ("invoice",)),
    "Book.expire_due": (lambda at: book.Book().expire_due(at), ("at",)),
    "book.Call": (book.Call, ("at", "method", "path", "body", "query")),
    "apply.create_invoice": (
        apply.create_invoice,
        ("command", "id", "at", "new_id", "customers", "items", "order_id", "short_url"),
    ),
}
POSITIONAL = {
    "FetchQuery.matches",
    "Book.expire_due",
    "Replayer.step",
    "Book.handle",
    "requests.parse_update",
    "requests.parse_payment",
    "requests.parse_fetch_query",
    "requests.parse_fetch_by_id_query",
    "requests.parse_customer",
    "requests.parse_item",
    "wire.load_invoice",
    "wire.render_invoice",
    "wire.render_line_item",
    "wire.render_collection",
    "wire.render_error",
    "wire.load_customer",
    "wire.load_item",
    "errors.http_status",
    "http_status",
    "events.to_dict",
    "events.from_dict",
    "allowed_operations",
    "check_invariants",
    "get_currency",
    "line_totals",
    "invoice_totals",
    "round_half_away_from_zero",
    "Currency.format",
    "Notes",
}

SWEPT_THERE: Final = frozenset(id(function) for function, _, _ in PUBLIC.values())
"""What tests/test_any_arguments.py already calls with arbitrary arguments (module-level
functions and classes, entities included). Here those run in the slow set only (CI, 200
examples each, as before); the default run sweeps the rest of the table, the methods and
the calls with a fixed argument, which that sweep cannot reach."""

ONLY_HERE: Final = sorted(name for name, (f, _) in FUNCTIONS.items() if id(f) not in SWEPT_THERE)

ENTITIES: Final[dict[type, tuple[str, ...]]] = {
    cls: tuple(field.name for field in attrs.fields(cls))
    for cls in (
        Address,
        Customer,
        Tax,
        LineItem,
        Lifecycle,
        Order,
        Notifications,
        Details,
        Invoice,
        commands.CreateInvoice,
        commands.UpdateInvoice,
        commands.LineItemInput,
        commands.CustomerInput,
        commands.FetchQuery,
    )
}


def _marks(function: object) -> tuple[pytest.MarkDecorator, ...]:
    return (pytest.mark.slow,) if id(function) in SWEPT_THERE else ()


@pytest.mark.parametrize(
    "name",
    [pytest.param(name, marks=_marks(FUNCTIONS[name][0]), id=name) for name in sorted(FUNCTIONS)],
)
@settings(max_examples=sweep_examples())
@given(data=st.data())
def test_public_functions_raise_only_invoice_errors(name: str, data: st.DataObject) -> None:
    function, parameters = FUNCTIONS[name]
    kwargs = {p: data.draw(ARGUMENT, label=p) for p in parameters}

    try:
        if name in POSITIONAL:
            function(*kwargs.values())
        else:
            function(**kwargs)
    except InvoiceError as error:
        assert error.description
        assert error.code
    # Anything else propagates and fails the test.


@pytest.mark.parametrize(
    "cls", [pytest.param(cls, marks=_marks(cls), id=cls.__name__) for cls in ENTITIES]
)
@settings(max_examples=sweep_examples())
@given(data=st.data())
def test_entity_constructors_raise_only_invoice_errors(cls: type, data: st.DataObject) -> None:
    kwargs = {name: data.draw(ARGUMENT, label=name) for name in ENTITIES[cls]}

    try:
        cls(**kwargs)
    except InvoiceError as error:
        assert error.description


def test_every_public_function_is_swept_here_or_by_the_any_argument_sweep() -> None:
    public_functions = {
        name
        for name in invoicecore.__all__
        if callable(getattr(invoicecore, name))
        and not isinstance(getattr(invoicecore, name), type)
        and name != "Event"
    }
    swept = set(FUNCTIONS) | {
        name for name in public_functions if id(getattr(invoicecore, name)) in SWEPT_THERE
    }

    assert public_functions <= swept
    assert "Book.handle" in ONLY_HERE
    assert "requests.parse_create" not in ONLY_HERE  # swept there


def test_a_message_missing_a_parameter_refuses_rather_than_show_its_placeholder() -> None:
    with pytest.raises(errors.MessageParameterError) as raised:
        errors.OPERATION_NOT_ALLOWED.format()
    assert raised.value.description == (
        "The message OPERATION_NOT_ALLOWED was formatted without status."
    )
    assert invoicecore.round_half_away_from_zero(Fraction(3, 2)) == 2
