"""The update transition: every status x key cell, customers, draft "0", the limits."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from invoicecore import (
    UPDATABLE_KEYS,
    Address,
    AddressType,
    Customer,
    InvalidRequestError,
    InvoiceError,
    InvoiceIssued,
    InvoiceUpdated,
    Notes,
    NotificationStatus,
    OperationNotAllowedError,
    Status,
    pay,
)
from invoicecore.wire import render_invoice
from tests.helpers import (
    CUSTOMER,
    EXPIRE_BY,
    ORDER_ID,
    SHORT_URL,
    T0,
    draft,
    invoice_in,
    issued,
    parse_and_update,
)

AT = T0 + 100
S = Status

# A valid value for every key an update can carry, and some it never accepts.
VALID: dict[str, object] = {
    "sms_notify": False,
    "email_notify": True,
    "date": T0,
    "terms": "Pay within 7 days",
    "notes": {"purpose": "audit"},
    "comment": "Thanks",
    "receipt": "rcpt-42",
    "customer": {"name": "Gaurav K."},
    "customer_id": None,
    "line_items": [{"id": "li_00000000000001", "quantity": 3}],
    "partial_payment": False,
    "first_payment_min_amount": 100,
    "amount": 100,
    "description": "Books",
    "billing_start": T0,
    "billing_end": T0 + 1,
    "expire_by": EXPIRE_BY + 100,
    "draft": "1",
    "currency": "USD",
    "type": "link",
    "invoice_number": "rcpt-43",
    "callback_url": "https://example.com",
}

# Written out by hand from the reference (section 3.1), not read from UPDATABLE_KEYS.
ACCEPTS: dict[Status, set[str]] = {
    S.DRAFT: set(VALID) - {"currency", "type", "invoice_number", "callback_url"},
    S.ISSUED: {
        "partial_payment",
        "receipt",
        "comment",
        "terms",
        "notes",
        "expire_by",
        "first_payment_min_amount",
    },
    S.PARTIALLY_PAID: {"notes", "expire_by"},
    S.PAID: {"notes"},
    S.DELETED: set(),
    S.CANCELLED: {"notes"},
    S.EXPIRED: {"notes"},
}
SPECIFIC = {
    "amount": "amount can be only sent for ecod or link types.",
    "first_payment_min_amount": "First payment min amount can be only sent for ecod or link types.",
}
ALIASES = {"invoice_number": "receipt"}
CELLS = [
    pytest.param(status, key, id=f"{status}-{key}")
    for status in ACCEPTS
    if status is not S.DELETED
    for key in VALID
]


def _at(status: Status) -> int:
    # The expired fixture expired at EXPIRE_BY; its clock has moved past it.
    return EXPIRE_BY + 10 if status is S.EXPIRED else AT


def test_the_update_table_is_as_the_reference_says() -> None:
    assert {status: set(keys) for status, keys in UPDATABLE_KEYS.items()} == ACCEPTS


@pytest.mark.parametrize(("status", "key"), CELLS)
def test_each_status_and_key(status: Status, key: str) -> None:
    invoice = invoice_in(status)
    before = copy.deepcopy(invoice)
    value = VALID[key]
    if key == "expire_by":
        value = _at(status) + 10_000
    name = ALIASES.get(key, key)  # the wire renames an alias before the keys are checked

    if name in ACCEPTS[status] and key not in SPECIFIC:
        outcome = parse_and_update(invoice, {key: value}, at=_at(status))
        assert outcome.invoice.status is status
        old, new = render_invoice(invoice), render_invoice(outcome.invoice)
        changed = {name: value for name, value in new.items() if old[name] != value}
        assert outcome.events == (
            InvoiceUpdated(invoice_id=invoice.id, at=_at(status), keys=(name,), changes=changed),
        )
    else:
        with pytest.raises(InvalidRequestError) as raised:
            parse_and_update(invoice, {key: value}, at=_at(status))
        expected = (
            SPECIFIC[key]
            if key in ACCEPTS[status]
            else f"{name} is/are not required and should not be sent"
        )
        assert (raised.value.description, raised.value.field) == (expected, name)
    assert invoice == before


def test_a_deleted_invoice_cannot_be_updated() -> None:
    with pytest.raises(OperationNotAllowedError) as raised:
        parse_and_update(invoice_in(S.DELETED), {"notes": {}}, at=AT)

    assert raised.value.description == "Operation not allowed for Invoice in deleted status."


def test_extra_keys_are_listed_in_request_order() -> None:
    changes = {
        "customer": {"name": "X"},
        "notes": {},
        "line_items": [],
        "sms_notify": True,
        "email_notify": True,
        "draft": "0",
        "date": T0,
    }

    with pytest.raises(InvalidRequestError) as raised:
        parse_and_update(issued(), changes, at=AT)

    assert raised.value.description == (
        "customer, line_items, sms_notify, email_notify, draft, date "
        "is/are not required and should not be sent"
    )


def test_notes_replace_rather_than_merge() -> None:
    invoice = parse_and_update(draft(), {"notes": {"a": "1", "b": "2"}}, at=AT).invoice

    outcome = parse_and_update(invoice, {"notes": {"c": "3"}}, at=AT)

    assert outcome.invoice.notes == Notes({"c": "3"})


def test_draft_false_issues_the_draft_with_the_issue_checks() -> None:
    outcome = parse_and_update(
        draft(), {"draft": "0", "terms": "Net 7"}, at=AT, order_id=ORDER_ID, short_url=SHORT_URL
    )

    assert (outcome.invoice.status, outcome.invoice.lifecycle.issued_at) == (S.ISSUED, AT)
    assert outcome.invoice.details.terms == "Net 7"
    assert [type(e) for e in outcome.events][:2] == [InvoiceUpdated, InvoiceIssued]
    with pytest.raises(InvalidRequestError) as raised:
        parse_and_update(
            draft(customer=None), {"draft": "0"}, at=AT, order_id=ORDER_ID, short_url=SHORT_URL
        )
    assert raised.value.description == "customer is required."


def test_issue_checks_run_on_the_updated_invoice() -> None:
    invoice = draft()

    with pytest.raises(InvalidRequestError) as raised:
        parse_and_update(
            invoice,
            {"customer_id": None, "draft": "0"},
            at=AT,
            order_id=ORDER_ID,
            short_url=SHORT_URL,
        )

    assert raised.value.description == "customer is required."
    assert invoice.customer == CUSTOMER


def test_notify_flags_on_a_draft_reset_the_notification_statuses() -> None:
    outcome = parse_and_update(draft(), {"sms_notify": False, "email_notify": True}, at=AT)

    assert outcome.invoice.notifications.sms_status is None
    assert outcome.invoice.notifications.email_status is NotificationStatus.PENDING


def test_customer_edits_change_only_the_snapshot() -> None:
    outcome = parse_and_update(
        draft(), {"customer": {"name": "Gaurav K.", "email": "gk@example.com"}}, at=AT
    )

    customer = outcome.invoice.customer
    assert customer is not None
    assert (customer.id, customer.name, customer.email, customer.contact) == (
        CUSTOMER.id,
        "Gaurav K.",
        "gk@example.com",
        CUSTOMER.contact,
    )


@pytest.mark.parametrize(
    "changes", [{"customer_id": None}, {"customer": {"id": None}}, {"customer": None}]
)
def test_the_customer_can_be_unset(changes: dict[str, Any]) -> None:
    assert parse_and_update(draft(), changes, at=AT).invoice.customer is None


def test_customer_id_links_a_customer_from_the_directory() -> None:
    other = Customer(id="cust_2", name="Asha", email="asha@example.com")

    outcome = parse_and_update(
        draft(), {"customer_id": "cust_2"}, at=AT, customers={"cust_2": other}
    )
    nested = parse_and_update(
        draft(),
        {"customer": {"id": "cust_2", "contact": "+9100"}},
        at=AT,
        customers={"cust_2": other},
    )

    assert outcome.invoice.customer == other
    assert outcome.invoice.customer_id == "cust_2"
    assert nested.invoice.customer == Customer(
        id="cust_2", name="Asha", email="asha@example.com", contact="+9100"
    )


def test_a_new_customer_gets_an_id_and_addresses_get_theirs() -> None:
    outcome = parse_and_update(
        draft(customer=None),
        {
            "customer": {
                "name": "Asha",
                "billing_address": {
                    "line1": "Bakers Street",
                    "city": "Bengaluru",
                    "country": "India",
                },
            }
        },
        at=AT,
        new_id=lambda prefix: f"{prefix}_00000000000007",
    )

    customer = outcome.invoice.customer
    assert customer is not None
    assert (customer.id, customer.name) == ("cust_00000000000007", "Asha")
    assert customer.billing_address == Address(
        id="addr_00000000000007",
        type=AddressType.BILLING,
        line1="Bakers Street",
        city="Bengaluru",
        country="in",
    )


@pytest.mark.parametrize(
    ("changes", "description", "field"),
    [
        pytest.param(
            {"customer_id": "cust_9", "customer": {"name": "X"}},
            "Either of customer_id or customer must be sent in input",
            "customer_id",
            id="both-customer-keys",
        ),
        pytest.param(
            {"customer_id": "cust_9"},
            "The id provided does not exist",
            "customer_id",
            id="unknown-customer",
        ),
        pytest.param(
            {"customer": {"name": "X", "age": 3}},
            "customer.age is/are not required and should not be sent",
            "customer.age",
            id="customer-extra-key",
        ),
        pytest.param(
            {"customer": {"name": "x" * 51}},
            "The name may not be greater than 50 characters.",
            "customer.name",
            id="customer-name-51",
        ),
        pytest.param(
            {"receipt": ""},
            "The receipt must be at least 1 characters.",
            "receipt",
            id="receipt-empty",
        ),
        pytest.param(
            {"receipt": "r" * 41},
            "The receipt may not be greater than 40 characters.",
            "receipt",
            id="receipt-41",
        ),
        pytest.param(
            {"terms": "t" * 2049},
            "The terms may not be greater than 2048 characters.",
            "terms",
            id="terms-2049",
        ),
        pytest.param({"comment": 5}, "The comment must be a string.", "comment", id="comment-int"),
        pytest.param(
            {"notes": {f"k{n}": n for n in range(16)}},
            "Number of fields in notes should be less than or equal to 15",
            "notes",
            id="notes-16-keys",
        ),
        pytest.param(
            {"notes": {"k" * 256: "v"}},
            "Notes key cannot be greater 255 characters",
            "notes",
            id="notes-key-256",
        ),
        pytest.param(
            {"notes": {"k": "v" * 513}},
            "Notes value cannot be greater 512 characters",
            "notes",
            id="notes-value-513",
        ),
        pytest.param(
            {"notes": {"k": ["v"]}},
            "Notes values themselves should not be an array",
            "notes",
            id="notes-nested",
        ),
        pytest.param(
            {"notes": "text"}, "Notes should be provided as a dictionary", "notes", id="notes-text"
        ),
        pytest.param(
            {"expire_by": AT + 899},
            "expire_by should be at least 15 minutes after current time",
            "expire_by",
            id="expire-by-899",
        ),
        pytest.param(
            {"partial_payment": "yes"},
            "The partial payment field must be true or false.",
            "partial_payment",
            id="partial-payment-string",
        ),
        pytest.param({"date": -1}, "The date must be at least 0.", "date", id="date-negative"),
    ],
)
def test_update_limits_and_their_exact_messages(
    changes: dict[str, Any], description: str, field: str
) -> None:
    invoice = draft()
    before = copy.deepcopy(invoice)

    with pytest.raises(InvoiceError) as raised:
        parse_and_update(invoice, changes, at=AT)

    assert (raised.value.description, raised.value.field) == (description, field)
    assert invoice == before


def test_limits_at_their_edges_are_accepted() -> None:
    changes = {
        "receipt": "r" * 40,
        "terms": "t" * 2048,
        "notes": {"k" * 255: "v" * 512, **{f"n{i}": i for i in range(14)}},
        "expire_by": AT + 900,
    }

    outcome = parse_and_update(draft(), changes, at=AT)

    assert outcome.invoice.receipt == "r" * 40
    assert len(outcome.invoice.notes) == 15


def test_turning_partial_payments_off_on_an_issued_invoice_requires_the_full_amount() -> None:
    invoice = parse_and_update(issued(), {"partial_payment": False}, at=AT).invoice

    with pytest.raises(InvalidRequestError) as raised:
        pay(invoice, amount=100, payment_id="pay_1", at=AT)

    assert raised.value.code == "PAYMENT_AMOUNT_MISMATCH"
    assert pay(invoice, amount=600, payment_id="pay_1", at=AT).invoice.status is S.PAID


def test_a_partially_paid_invoice_can_move_its_expiry() -> None:
    invoice = invoice_in(S.PARTIALLY_PAID)

    outcome = parse_and_update(
        invoice, {"expire_by": AT + 5000, "notes": {"why": "extension"}}, at=AT
    )

    assert outcome.invoice.expire_by == AT + 5000
    assert outcome.events[0] == InvoiceUpdated(
        invoice_id=invoice.id,
        at=AT,
        keys=("expire_by", "notes"),
        changes={"expire_by": AT + 5000, "notes": {"why": "extension"}},
    )
