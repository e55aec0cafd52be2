"""The pure API keeps the book's promises: time, expiry, payment ids, notifications.

Each test here failed before issue #11 (decisions.md, second set).
"""

from __future__ import annotations

import attrs
import pytest

from invoicecore import (
    Customer,
    InvoiceError,
    Medium,
    NotificationRequested,
    NotificationStatus,
    Operation,
    Status,
    allowed_operations,
    cancel,
    expire,
    issue,
    mark_notification_sent,
    notify,
    pay,
)
from tests.helpers import (
    CUSTOMER,
    EXPIRE_BY,
    ORDER_ID,
    SHORT_URL,
    T0,
    draft,
    issued,
    parse_and_update,
)


def _error(call: object) -> InvoiceError:
    with pytest.raises(InvoiceError) as raised:
        call()  # type: ignore[operator]
    return raised.value


# -- expiry is honoured by every pure function, not only by the book's sweep -------------


@pytest.mark.parametrize("at", [EXPIRE_BY, EXPIRE_BY + 1, EXPIRE_BY + 10**6])
def test_a_payment_on_an_issued_invoice_past_expire_by_is_refused_as_expired(at: int) -> None:
    error = _error(lambda: pay(issued(), amount=100, payment_id="pay_1", at=at))

    assert (error.code, error.description) == (
        "NOT_PAYABLE",
        "Invoice is not payable in expired status.",
    )


def test_one_second_before_expire_by_the_payment_goes_through() -> None:
    outcome = pay(issued(), amount=100, payment_id="pay_1", at=EXPIRE_BY - 1)

    assert outcome.invoice.status is Status.PARTIALLY_PAID


@pytest.mark.parametrize(
    ("call", "description"),
    [
        pytest.param(
            lambda: cancel(issued(), at=EXPIRE_BY),
            "Operation not allowed for Invoice in expired status.",
            id="cancel",
        ),
        pytest.param(
            lambda: notify(issued(), medium="sms", at=EXPIRE_BY),
            "Operation not allowed for Invoice in expired status.",
            id="notify",
        ),
        pytest.param(
            lambda: parse_and_update(issued(), {"notes": {"a": "b"}}, at=EXPIRE_BY),
            "Operation not allowed for Invoice in expired status.",
            id="update",
        ),
        pytest.param(
            lambda: mark_notification_sent(issued(), medium="sms", at=EXPIRE_BY),
            "Operation not allowed for Invoice in expired status.",
            id="mark-sent",
        ),
    ],
)
def test_every_operation_but_expire_is_refused_once_expire_by_has_come(
    call: object, description: str
) -> None:
    assert _error(call).description == description


def test_allowed_operations_offers_expire_alone_once_expire_by_has_come() -> None:
    answers = allowed_operations(issued(), EXPIRE_BY)

    allowed = {(a.operation, a.medium) for a in answers if a.allowed}
    assert allowed == {(Operation.EXPIRE, None)}
    assert expire(issued(), at=EXPIRE_BY).invoice.status is Status.EXPIRED


def test_partially_paid_invoices_do_not_expire_in_the_pure_api_either() -> None:
    part = pay(issued(), amount=100, payment_id="pay_1", at=T0 + 20).invoice

    outcome = pay(part, amount=100, payment_id="pay_2", at=EXPIRE_BY + 5)

    assert outcome.invoice.amount_paid == 200


# -- time goes forward -------------------------------------------------------------------


def test_issuing_before_the_draft_was_created_is_refused() -> None:
    error = _error(lambda: issue(draft(), at=T0 - 500, order_id=ORDER_ID, short_url=SHORT_URL))

    assert (error.code, error.field) == ("AT_BEFORE_LAST_CHANGE", "at")
    assert error.description == f"The at may not be before the invoice's last change ({T0})."


def test_paying_before_the_invoice_was_issued_is_refused() -> None:
    error = _error(lambda: pay(issued(), amount=100, payment_id="pay_1", at=1))

    assert error.description == f"The at may not be before the invoice's last change ({T0 + 10})."


def test_an_operation_at_the_last_change_itself_is_allowed() -> None:
    invoice = issued()

    outcome = cancel(invoice, at=invoice.last_changed_at)

    assert outcome.invoice.lifecycle.cancelled_at == T0 + 10


# -- payment ids ---------------------------------------------------------------------------


def test_the_same_payment_id_captured_twice_is_refused_and_counted_once() -> None:
    first = pay(issued(), amount=300, payment_id="pay_1", at=T0 + 20).invoice

    error = _error(lambda: pay(first, amount=300, payment_id="pay_1", at=T0 + 30))

    assert (error.code, error.description, error.field) == (
        "PAYMENT_ID_CAPTURED",
        "The payment id has already been captured.",
        "payment_id",
    )
    assert first.amount_paid == 300


def test_a_ledger_passed_as_captured_refuses_an_id_seen_elsewhere_after_the_status() -> None:
    seen = {"pay_9"}.__contains__

    error = _error(lambda: pay(issued(), amount=1, payment_id="pay_9", at=T0 + 20, captured=seen))
    cancelled = cancel(issued(), at=T0 + 20).invoice
    first = _error(lambda: pay(cancelled, amount=1, payment_id="pay_9", at=T0 + 30, captured=seen))
    paid = pay(issued(), amount=300, payment_id="pay_1", at=T0 + 20, captured=seen).invoice

    # Before the amount's check (1 is not the amount due), after the status's.
    assert (error.code, error.field) == ("PAYMENT_ID_CAPTURED", "payment_id")
    assert first.code == "NOT_PAYABLE"
    assert paid.amount_paid == 300


# -- notifications at issue ------------------------------------------------------------------


def test_issuing_requests_only_the_media_the_customer_can_receive() -> None:
    no_contact = attrs.evolve(CUSTOMER, contact=None)

    outcome = issue(draft(customer=no_contact), at=T0 + 10, order_id=ORDER_ID, short_url=SHORT_URL)

    requested = [e.medium for e in outcome.events if isinstance(e, NotificationRequested)]
    assert requested == [Medium.EMAIL]
    assert outcome.invoice.notifications.sms_status is NotificationStatus.PENDING
    assert _error(lambda: notify(outcome.invoice, medium="sms", at=T0 + 20)).code == (
        "CONTACT_MISSING"
    )


def test_a_customer_with_neither_email_nor_contact_gets_no_request() -> None:
    nobody = Customer(id="cust_1", name="Asha")

    outcome = issue(draft(customer=nobody), at=T0 + 10, order_id=ORDER_ID, short_url=SHORT_URL)

    assert not any(isinstance(e, NotificationRequested) for e in outcome.events)
