"""Whatever a caller passes, the only exceptions that come out are InvoiceErrors."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any

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
from invoicecore.testing.strategies import invoices, line_items
from tests.helpers import BOOK, CUSTOMER, issued, sweep_examples

_COMMAND = requests.parse_create(
    {"line_items": [{"name": "Pen", "amount": 500}], "customer": {"name": "Asha"}}, at=0
)


def _ids(prefix: str) -> str:
    return f"{prefix}_00000000000099"


ANYTHING: st.SearchStrategy[Any] = st.deferred(
    lambda: (
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats()
        | st.fractions()
        | st.text(max_size=10)
        | st.binary(max_size=10)
        | st.sampled_from(
            [
                object(),
                BOOK,
                CUSTOMER,
                issued(),
                Details(),
                events.InvoicePaid(
                    invoice_id="inv_00000000000001",
                    at=1,
                    payment_id="pay_1",
                    payment_amount=1,
                    amount_paid=1,
                    amount_due=0,
                ),
                events.InvoiceExpired(invoice_id="inv_00000000000001", at=1),
                {"name": "invoice.expired", "invoice_id": "inv_1", "at": 1},
                errors.URL_NOT_FOUND.error(),
                Notes(),
                [BOOK],
                (BOOK,),
                "sms",
                "INR",
                _ids,
            ]
        )
        | st.sampled_from(list(invoicecore.Status))
        | st.lists(ANYTHING, max_size=3)
        | st.tuples(ANYTHING, ANYTHING)
        | st.dictionaries(st.text(max_size=5) | st.integers(), ANYTHING, max_size=3)
        | st.fixed_dictionaries(
            {},
            optional={
                "notes": ANYTHING,
                "line_items": st.lists(
                    st.fixed_dictionaries(
                        {},
                        optional={
                            "id": st.just("li_00000000000001") | ANYTHING,
                            "name": ANYTHING,
                            "amount": ANYTHING,
                            "item_id": ANYTHING,
                            "taxes": ANYTHING,
                        },
                    ),
                    max_size=3,
                ),
                "customer": ANYTHING,
                "customer_id": ANYTHING,
                "draft": ANYTHING,
                "expire_by": ANYTHING,
            },
        )
        | invoices(max_line_items=2)
        | line_items()
    )
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

ENTITIES: dict[type, tuple[str, ...]] = {
    cls: tuple(field.name for field in __import__("attrs").fields(cls))
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


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@settings(max_examples=sweep_examples())
@given(data=st.data())
def test_public_functions_raise_only_invoice_errors(name: str, data: st.DataObject) -> None:
    function, parameters = FUNCTIONS[name]
    kwargs = {p: data.draw(ANYTHING, label=p) for p in parameters}

    try:
        if name in POSITIONAL:
            function(*kwargs.values())
        else:
            function(**kwargs)
    except InvoiceError as error:
        assert error.description
        assert error.code
    # Anything else propagates and fails the test.


@pytest.mark.parametrize("cls", list(ENTITIES), ids=lambda c: c.__name__)
@settings(max_examples=sweep_examples())
@given(data=st.data())
def test_entity_constructors_raise_only_invoice_errors(cls: type, data: st.DataObject) -> None:
    kwargs = {name: data.draw(ANYTHING, label=name) for name in ENTITIES[cls]}

    try:
        cls(**kwargs)
    except InvoiceError as error:
        assert error.description


def test_the_robustness_table_covers_every_public_function() -> None:
    public_functions = {
        name
        for name in invoicecore.__all__
        if callable(getattr(invoicecore, name))
        and not isinstance(getattr(invoicecore, name), type)
        and name != "Event"
    }

    assert public_functions <= set(FUNCTIONS)


def test_a_message_missing_a_parameter_refuses_rather_than_show_its_placeholder() -> None:
    with pytest.raises(errors.MessageParameterError) as raised:
        errors.OPERATION_NOT_ALLOWED.format()
    assert raised.value.description == (
        "The message OPERATION_NOT_ALLOWED was formatted without status."
    )
    assert invoicecore.round_half_away_from_zero(Fraction(3, 2)) == 2
