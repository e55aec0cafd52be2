"""Every (status x operation) cell of the lifecycle, and the exact messages."""

from __future__ import annotations

import copy
import pickle
from typing import TYPE_CHECKING, Any

import attrs
import pytest

from invoicecore import (
    TERMINAL_STATUSES,
    TRANSITIONS,
    Customer,
    InvalidRequestError,
    Invoice,
    InvoiceCancelled,
    InvoiceCreated,
    InvoiceDeleted,
    InvoiceError,
    InvoiceExpired,
    InvoiceIssued,
    InvoicePaid,
    InvoicePartiallyPaid,
    LineItem,
    Medium,
    NotificationRequested,
    NotificationSent,
    NotificationStatus,
    Operation,
    OperationNotAllowedError,
    Outcome,
    Status,
    allowed_operations,
    cancel,
    create,
    delete,
    expire,
    issue,
    mark_notification_sent,
    notify,
    pay,
)
from invoicecore.errors import EmbedderError

if TYPE_CHECKING:
    from collections.abc import Callable

from tests.helpers import (
    BOOK,
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


def _at(invoice: Invoice) -> int:
    """AT, or later when the invoice already records a later change (an expired one)."""
    return max(AT, invoice.last_changed_at)


RUN: dict[Operation, Callable[[Invoice], Outcome]] = {
    Operation.UPDATE: lambda inv: parse_and_update(
        inv, {"notes": {"purpose": "audit"}}, at=_at(inv)
    ),
    Operation.ISSUE: lambda inv: issue(inv, at=_at(inv), order_id=ORDER_ID, short_url=SHORT_URL),
    Operation.CANCEL: lambda inv: cancel(inv, at=_at(inv)),
    Operation.DELETE: lambda inv: delete(inv, at=_at(inv)),
    Operation.EXPIRE: lambda inv: expire(inv, at=max(EXPIRE_BY, inv.last_changed_at)),
    Operation.PAY: lambda inv: pay(inv, amount=100, payment_id="pay_00000000000009", at=_at(inv)),
    Operation.NOTIFY: lambda inv: notify(inv, medium="sms", at=_at(inv)),
    Operation.MARK_NOTIFICATION_SENT: lambda inv: mark_notification_sent(
        inv, medium="sms", at=_at(inv)
    ),
}

_NA = "Operation not allowed for Invoice in {} status."
_NP = "Invoice is not payable in {} status."
S = Status
Op = Operation

# What Razorpay does, written out by hand (not read from TRANSITIONS): a target
# status, or the exact description of the refusal.
EXPECTED: dict[tuple[Status, Operation], Status | str] = {
    (S.DRAFT, Op.UPDATE): S.DRAFT,
    (S.DRAFT, Op.ISSUE): S.ISSUED,
    (S.DRAFT, Op.CANCEL): S.CANCELLED,
    (S.DRAFT, Op.DELETE): S.DELETED,
    (S.DRAFT, Op.EXPIRE): _NA.format("draft"),
    (S.DRAFT, Op.PAY): _NP.format("draft"),
    (S.DRAFT, Op.NOTIFY): _NA.format("draft"),
    (S.DRAFT, Op.MARK_NOTIFICATION_SENT): _NA.format("draft"),
    (S.ISSUED, Op.UPDATE): S.ISSUED,
    (S.ISSUED, Op.ISSUE): _NA.format("issued"),
    (S.ISSUED, Op.CANCEL): S.CANCELLED,
    (S.ISSUED, Op.DELETE): _NA.format("issued"),
    (S.ISSUED, Op.EXPIRE): S.EXPIRED,
    (S.ISSUED, Op.PAY): S.PARTIALLY_PAID,
    (S.ISSUED, Op.NOTIFY): S.ISSUED,
    (S.ISSUED, Op.MARK_NOTIFICATION_SENT): S.ISSUED,
    (S.PARTIALLY_PAID, Op.UPDATE): S.PARTIALLY_PAID,
    (S.PARTIALLY_PAID, Op.ISSUE): _NA.format("partially_paid"),
    (S.PARTIALLY_PAID, Op.CANCEL): _NA.format("partially_paid"),
    (S.PARTIALLY_PAID, Op.DELETE): _NA.format("partially_paid"),
    (S.PARTIALLY_PAID, Op.EXPIRE): _NA.format("partially_paid"),
    (S.PARTIALLY_PAID, Op.PAY): S.PARTIALLY_PAID,
    (S.PARTIALLY_PAID, Op.NOTIFY): S.PARTIALLY_PAID,
    (S.PARTIALLY_PAID, Op.MARK_NOTIFICATION_SENT): S.PARTIALLY_PAID,
    (S.PAID, Op.UPDATE): S.PAID,
    (S.PAID, Op.ISSUE): _NA.format("paid"),
    (S.PAID, Op.CANCEL): _NA.format("paid"),
    (S.PAID, Op.DELETE): _NA.format("paid"),
    (S.PAID, Op.EXPIRE): _NA.format("paid"),
    (S.PAID, Op.PAY): _NP.format("paid"),
    (S.PAID, Op.NOTIFY): _NA.format("paid"),
    (S.PAID, Op.MARK_NOTIFICATION_SENT): S.PAID,
    (S.CANCELLED, Op.UPDATE): S.CANCELLED,
    (S.CANCELLED, Op.ISSUE): _NA.format("cancelled"),
    (S.CANCELLED, Op.CANCEL): _NA.format("cancelled"),
    (S.CANCELLED, Op.DELETE): _NA.format("cancelled"),
    (S.CANCELLED, Op.EXPIRE): _NA.format("cancelled"),
    (S.CANCELLED, Op.PAY): _NP.format("cancelled"),
    (S.CANCELLED, Op.NOTIFY): _NA.format("cancelled"),
    (S.CANCELLED, Op.MARK_NOTIFICATION_SENT): S.CANCELLED,
    (S.EXPIRED, Op.UPDATE): S.EXPIRED,
    (S.EXPIRED, Op.ISSUE): _NA.format("expired"),
    (S.EXPIRED, Op.CANCEL): _NA.format("expired"),
    (S.EXPIRED, Op.DELETE): _NA.format("expired"),
    (S.EXPIRED, Op.EXPIRE): _NA.format("expired"),
    (S.EXPIRED, Op.PAY): _NP.format("expired"),
    (S.EXPIRED, Op.NOTIFY): _NA.format("expired"),
    (S.EXPIRED, Op.MARK_NOTIFICATION_SENT): S.EXPIRED,
    (S.DELETED, Op.UPDATE): _NA.format("deleted"),
    (S.DELETED, Op.ISSUE): _NA.format("deleted"),
    (S.DELETED, Op.CANCEL): _NA.format("deleted"),
    (S.DELETED, Op.DELETE): _NA.format("deleted"),
    (S.DELETED, Op.EXPIRE): _NA.format("deleted"),
    (S.DELETED, Op.PAY): "Invoice is not payable as it is deleted.",
    (S.DELETED, Op.NOTIFY): _NA.format("deleted"),
    (S.DELETED, Op.MARK_NOTIFICATION_SENT): _NA.format("deleted"),
}

# The timestamp each allowed operation sets; every other timestamp stays as it was.
STAMPS: dict[Operation, dict[str, int]] = {
    Op.ISSUE: {"issued_at": AT},
    Op.CANCEL: {"cancelled_at": AT},
    Op.EXPIRE: {"expired_at": EXPIRE_BY},
}


def _timestamps(invoice: Invoice) -> dict[str, int | None]:
    lifecycle = invoice.lifecycle
    return {
        "issued_at": lifecycle.issued_at,
        "paid_at": lifecycle.paid_at,
        "cancelled_at": lifecycle.cancelled_at,
        "expired_at": lifecycle.expired_at,
    }


CELLS = [
    pytest.param(status, operation, id=f"{status}-{operation}") for (status, operation) in EXPECTED
]


def test_the_expected_table_covers_every_status_and_operation() -> None:
    operations = set(Operation) - {Operation.CREATE}

    assert set(EXPECTED) == {(s, o) for s in Status for o in operations}


@pytest.mark.parametrize(("status", "operation"), CELLS)
def test_each_cell_of_the_lifecycle(status: Status, operation: Operation) -> None:
    invoice = invoice_in(status)
    before = copy.deepcopy(invoice)
    expected = EXPECTED[status, operation]

    if isinstance(expected, Status):
        outcome = RUN[operation](invoice)
        assert outcome.invoice.status is expected
        assert expected in TRANSITIONS[operation].targets_from(status)
        assert _timestamps(outcome.invoice) == {**_timestamps(before), **STAMPS.get(operation, {})}
    else:
        with pytest.raises(OperationNotAllowedError) as raised:
            RUN[operation](invoice)
        assert raised.value.description == expected
        assert raised.value == TRANSITIONS[operation].refusal_for(status)

    assert invoice == before


@pytest.mark.parametrize(("status", "operation"), CELLS)
def test_allowed_operations_agrees_with_each_cell(status: Status, operation: Operation) -> None:
    invoice = invoice_in(status)
    at = max(EXPIRE_BY if operation is Operation.EXPIRE else AT, invoice.last_changed_at)
    answers = {
        a.operation: a for a in allowed_operations(invoice, at) if a.medium in (None, Medium.SMS)
    }
    expected = EXPECTED[status, operation]

    answer = answers[operation]

    if isinstance(expected, Status):
        assert answer.allowed
        assert expected in answer.targets
    else:
        assert not answer.allowed
        assert answer.error is not None
        assert answer.error.description == expected
        assert answer.targets == ()


def test_allowed_operations_gives_the_time_dependent_error() -> None:
    answers = {a.operation: a for a in allowed_operations(issued(), AT)}

    error = answers[Operation.EXPIRE].error
    assert error is not None
    assert error.code == "NOT_DUE_FOR_EXPIRY"
    assert answers[Operation.PAY].targets == (S.PARTIALLY_PAID, S.PAID)
    no_partial = {a.operation: a for a in allowed_operations(issued(partial_payment=False), AT)}
    assert no_partial[Operation.PAY].targets == (S.PAID,)


def test_allowed_operations_answers_each_medium() -> None:
    invoice = attrs.evolve(issued(), customer=attrs.evolve(CUSTOMER, email=None))

    answers = {
        a.medium: a for a in allowed_operations(invoice, AT) if a.operation is Operation.NOTIFY
    }

    assert answers[Medium.SMS].allowed
    error = answers[Medium.EMAIL].error
    assert error is not None
    assert error.code == "EMAIL_MISSING"


def test_terminal_statuses_are_read_off_the_table() -> None:
    assert {S.PAID, S.CANCELLED, S.EXPIRED, S.DELETED} == TERMINAL_STATUSES


# -- timestamps and effects of the allowed cells --------------------------------


def test_issue_sets_issued_at_order_and_short_url() -> None:
    outcome = issue(draft(), at=AT, order_id=ORDER_ID, short_url=SHORT_URL)

    invoice = outcome.invoice
    assert (invoice.status, invoice.lifecycle.issued_at) == (S.ISSUED, AT)
    assert (invoice.order_id, invoice.short_url) == (ORDER_ID, SHORT_URL)
    assert (invoice.amount, invoice.amount_paid, invoice.amount_due) == (600, 0, 600)
    assert outcome.events == (
        InvoiceIssued(invoice_id=invoice.id, at=AT, order_id=ORDER_ID, short_url=SHORT_URL),
        NotificationRequested(invoice_id=invoice.id, at=AT, medium=Medium.SMS),
        NotificationRequested(invoice_id=invoice.id, at=AT, medium=Medium.EMAIL),
    )


def test_issue_requests_only_the_notifications_that_are_on() -> None:
    outcome = issue(draft(sms_notify=False), at=AT, order_id=ORDER_ID, short_url=SHORT_URL)

    assert outcome.invoice.notifications.sms_status is None
    assert [e.medium for e in outcome.events if isinstance(e, NotificationRequested)] == [
        Medium.EMAIL
    ]


def test_a_draft_has_no_amount_paid_or_due() -> None:
    invoice = draft()

    assert (invoice.amount, invoice.amount_paid, invoice.amount_due) == (600, None, None)
    assert (invoice.order, invoice.short_url, invoice.lifecycle.issued_at) == (None, None, None)


def test_cancel_sets_cancelled_at_and_keeps_a_cancelled_draft_unissued() -> None:
    outcome = cancel(draft(), at=AT)

    invoice = outcome.invoice
    assert (invoice.status, invoice.lifecycle.cancelled_at) == (S.CANCELLED, AT)
    assert (invoice.order_id, invoice.short_url, invoice.amount_paid) == (None, None, None)
    assert outcome.events == (InvoiceCancelled(invoice_id=invoice.id, at=AT),)


def test_delete_ends_in_deleted_with_an_event() -> None:
    outcome = delete(draft(), at=AT)

    assert outcome.invoice.status is S.DELETED
    assert outcome.events == (InvoiceDeleted(invoice_id=outcome.invoice.id, at=AT),)


def test_expire_records_expire_by_as_expired_at_whenever_the_sweep_runs() -> None:
    outcome = expire(issued(), at=EXPIRE_BY + 5000)

    assert (outcome.invoice.status, outcome.invoice.lifecycle.expired_at) == (S.EXPIRED, EXPIRE_BY)
    assert outcome.events == (InvoiceExpired(invoice_id=outcome.invoice.id, at=EXPIRE_BY),)


def test_expire_is_inclusive_at_expire_by_and_refused_one_second_before() -> None:
    invoice = issued()

    assert expire(invoice, at=EXPIRE_BY).invoice.status is S.EXPIRED
    with pytest.raises(OperationNotAllowedError) as raised:
        expire(invoice, at=EXPIRE_BY - 1)
    assert (raised.value.code, raised.value.field) == ("NOT_DUE_FOR_EXPIRY", "expire_by")


def test_an_invoice_without_expire_by_never_expires() -> None:
    with pytest.raises(OperationNotAllowedError) as raised:
        expire(issued(expire_by=None), at=T0 + 10**9)

    assert raised.value.description == "Invoice cannot be expired before its expire_by time."


# -- payments ---------------------------------------------------------------------


def test_partial_payments_then_the_rest_pays_the_invoice() -> None:
    first = pay(issued(), amount=250, payment_id="pay_1", at=AT)
    second = pay(first.invoice, amount=350, payment_id="pay_2", at=AT + 1)

    assert (first.invoice.status, first.invoice.amount_paid, first.invoice.amount_due) == (
        S.PARTIALLY_PAID,
        250,
        350,
    )
    assert first.invoice.lifecycle.paid_at is None
    assert first.events == (
        InvoicePartiallyPaid(
            invoice_id="inv_00000000000001",
            at=AT,
            payment_id="pay_1",
            payment_amount=250,
            amount_paid=250,
            amount_due=350,
        ),
    )
    paid = second.invoice
    assert (paid.status, paid.amount_paid, paid.amount_due, paid.lifecycle.paid_at) == (
        S.PAID,
        600,
        0,
        AT + 1,
    )
    assert paid.payment_id == "pay_2"
    assert second.events == (
        InvoicePaid(
            invoice_id="inv_00000000000001",
            at=AT + 1,
            payment_id="pay_2",
            payment_amount=350,
            amount_paid=600,
            amount_due=0,
        ),
    )


def test_without_partial_payments_the_amount_must_be_exact() -> None:
    invoice = issued(partial_payment=False)

    with pytest.raises(InvalidRequestError) as raised:
        pay(invoice, amount=599, payment_id="pay_1", at=AT)

    assert raised.value.description == (
        "Your payment amount is different from your order amount. "
        "To pay successfully, please try using right amount."
    )
    assert pay(invoice, amount=600, payment_id="pay_1", at=AT).invoice.status is S.PAID


@pytest.mark.parametrize("partial_payment", [True, False])
def test_overpayment_is_refused_and_changes_nothing(partial_payment: bool) -> None:
    invoice = issued(partial_payment=partial_payment)
    before = copy.deepcopy(invoice)

    with pytest.raises(InvalidRequestError) as raised:
        pay(invoice, amount=601, payment_id="pay_1", at=AT)

    expected = (
        "Payment amount is greater than the amount due for order"
        if partial_payment
        else "Your payment amount is different from your order amount. "
        "To pay successfully, please try using right amount."
    )
    assert (raised.value.description, raised.value.field) == (expected, "amount")
    assert invoice == before


@pytest.mark.parametrize(
    ("amount", "description"),
    [
        pytest.param(True, "The amount must be an integer.", id="bool"),
        pytest.param(100.0, "The amount must be an integer.", id="float"),
        pytest.param("100", "The amount must be an integer.", id="string"),
        pytest.param(0, "The amount must be at least 1.", id="zero"),
        pytest.param(-5, "The amount must be at least 1.", id="negative"),
    ],
)
def test_a_payment_amount_is_a_positive_int(amount: Any, description: str) -> None:
    with pytest.raises(InvalidRequestError) as raised:
        pay(issued(), amount=amount, payment_id="pay_1", at=AT)

    assert (raised.value.description, raised.value.field) == (description, "amount")


# -- issue validation ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "description", "field"),
    [
        pytest.param(
            lambda: draft(line_items=(), customer=None),
            "line_items is required.",
            "line_items",
            id="line-items-checked-first",
        ),
        pytest.param(
            lambda: draft(customer=None), "customer is required.", "customer", id="customer"
        ),
        pytest.param(
            lambda: draft(expire_by=AT + 899),
            "expire_by should be at least 15 minutes after current time",
            "expire_by",
            id="expire-by-899-seconds-ahead",
        ),
    ],
)
def test_issue_validation_messages(
    make: Callable[[], Invoice], description: str, field: str
) -> None:
    invoice = make()

    with pytest.raises(InvalidRequestError) as raised:
        issue(invoice, at=AT, order_id=ORDER_ID, short_url=SHORT_URL)

    assert (raised.value.description, raised.value.field) == (description, field)


def test_expire_by_exactly_900_seconds_ahead_is_enough() -> None:
    invoice = draft(expire_by=AT + 900)

    assert (
        issue(invoice, at=AT, order_id=ORDER_ID, short_url=SHORT_URL).invoice.expire_by == AT + 900
    )


def test_an_amount_above_the_maximum_is_refused_even_in_a_draft() -> None:
    big = LineItem(id="li_00000000000009", name="Yacht", amount=10**12 // 2, quantity=2)

    with pytest.raises(InvalidRequestError) as raised:
        draft(line_items=(big, BOOK))

    assert raised.value.description == "Invoice amount exceeds maximum payment amount allowed."
    assert raised.value.field == "amount"


# -- create ---------------------------------------------------------------------------


def test_create_without_draft_issues_at_once() -> None:
    outcome = create(
        id="inv_1", at=T0, customer=CUSTOMER, line_items=(BOOK,), order_id="order_1", short_url="u"
    )

    assert (outcome.invoice.status, outcome.invoice.lifecycle.issued_at) == (S.ISSUED, T0)
    assert [type(e) for e in outcome.events] == [
        InvoiceCreated,
        InvoiceIssued,
        NotificationRequested,
        NotificationRequested,
    ]
    assert outcome.events[0] == InvoiceCreated(invoice_id="inv_1", at=T0, status=S.ISSUED)


def test_a_blank_draft_is_allowed() -> None:
    outcome = create(id="inv_1", at=T0, draft=True)

    invoice = outcome.invoice
    assert (invoice.status, invoice.line_items, invoice.customer) == (S.DRAFT, (), None)
    assert (invoice.amount, invoice.gross_amount, invoice.taxable_amount) == (None, None, 0)
    assert invoice.notifications.sms_status is NotificationStatus.PENDING
    assert outcome.events == (InvoiceCreated(invoice_id="inv_1", at=T0, status=S.DRAFT),)


def test_create_applies_issue_validation_when_not_a_draft() -> None:
    with pytest.raises(InvalidRequestError) as raised:
        create(id="inv_1", at=T0, customer=CUSTOMER, order_id="order_1", short_url="u")

    assert raised.value.description == "line_items is required."


def test_create_checks_expire_by_even_for_a_draft() -> None:
    with pytest.raises(InvalidRequestError) as raised:
        draft(expire_by=T0 + 60)

    assert raised.value.code == "EXPIRE_BY_TOO_SOON"


def test_create_refuses_more_than_50_line_items() -> None:
    lines = tuple(LineItem(id=f"li_{n}", name="x", amount=100) for n in range(51))

    with pytest.raises(InvalidRequestError) as raised:
        create(id="inv_1", at=T0, line_items=lines, draft=True)

    assert raised.value.description == "The invoice may not have more than 50 items in total."
    assert (
        len(create(id="inv_1", at=T0, line_items=lines[:50], draft=True).invoice.line_items) == 50
    )


def test_issuing_at_create_without_an_order_id_is_the_embedders_mistake() -> None:
    with pytest.raises(EmbedderError) as raised:
        create(id="inv_1", at=T0, customer=CUSTOMER, line_items=(BOOK,), short_url="u")

    assert (raised.value.code, raised.value.description, raised.value.field) == (
        "EMBEDDER_ARGUMENT_MISSING",
        "The embedding program must pass an order_id for this call.",
        "order_id",
    )
    assert not isinstance(raised.value, ValueError)


def test_an_empty_order_id_is_still_refused_as_a_bad_argument() -> None:
    with pytest.raises(InvalidRequestError) as raised:
        create(id="inv_1", at=T0, customer=CUSTOMER, line_items=(BOOK,), order_id="", short_url="u")

    assert raised.value.description == "The order id must be a non-empty string."


def test_line_items_in_another_currency_are_refused() -> None:
    dollars = LineItem(id="li_1", name="Book", amount=400, currency="USD")

    with pytest.raises(InvalidRequestError) as raised:
        create(id="inv_1", at=T0, line_items=(dollars,), draft=True)

    assert raised.value.description == "Currency of all items should be the same as of the invoice."


# -- notifications ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "medium", "customer", "description"),
    [
        pytest.param(
            S.DRAFT, "fax", CUSTOMER, _NA.format("draft"), id="status-checked-before-medium"
        ),
        pytest.param(
            S.ISSUED,
            "fax",
            None,
            "fax is not a valid communication medium.",
            id="medium-before-contact",
        ),
        pytest.param(
            S.ISSUED,
            "SMS",
            CUSTOMER,
            "SMS is not a valid communication medium.",
            id="lowercase-only",
        ),
        pytest.param(
            S.ISSUED,
            "email",
            attrs.evolve(CUSTOMER, email=None),
            "Email can not be sent since email address has not been provided.",
            id="email-needs-an-address",
        ),
        pytest.param(
            S.ISSUED,
            "sms",
            attrs.evolve(CUSTOMER, contact=""),
            "SMS can not be sent since contact number has not been provided.",
            id="sms-needs-a-contact",
        ),
    ],
)
def test_notify_checks_in_razorpay_order(
    status: Status, medium: str, customer: Customer | None, description: str
) -> None:
    invoice = invoice_in(status)
    invoice = attrs.evolve(invoice, customer=customer)

    with pytest.raises(InvoiceError) as raised:
        notify(invoice, medium=medium, at=AT)

    assert raised.value.description == description


def test_notify_makes_a_sent_notification_pending_again() -> None:
    sent = mark_notification_sent(issued(), medium=Medium.EMAIL, at=AT).invoice

    outcome = notify(sent, medium="email", at=AT + 1)

    assert sent.notifications.email_status is NotificationStatus.SENT
    assert outcome.invoice.notifications.email_status is NotificationStatus.PENDING
    assert outcome.events == (
        NotificationRequested(invoice_id=sent.id, at=AT + 1, medium=Medium.EMAIL),
    )


def test_marking_sent_needs_a_pending_notification_of_an_issued_invoice() -> None:
    quiet = issued(sms_notify=False)
    cancelled_draft = cancel(draft(), at=AT).invoice

    outcome = mark_notification_sent(issued(), medium="sms", at=AT)

    assert outcome.invoice.notifications.sms_status is NotificationStatus.SENT
    assert outcome.events == (NotificationSent(invoice_id=quiet.id, at=AT, medium=Medium.SMS),)
    for invoice in (quiet, cancelled_draft, outcome.invoice):
        with pytest.raises(OperationNotAllowedError) as raised:
            mark_notification_sent(invoice, medium="sms", at=AT)
        assert raised.value.description == "There is no pending sms notification for this invoice."


# -- purity of the results ---------------------------------------------------------------


def test_outcomes_pickle_and_compare_equal() -> None:
    outcome = pay(issued(), amount=100, payment_id="pay_1", at=AT)

    assert pickle.loads(pickle.dumps(outcome)) == outcome


def test_an_invoice_is_frozen() -> None:
    invoice = issued()

    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        invoice.id = "inv_2"  # type: ignore[misc]
