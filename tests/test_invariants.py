"""check_invariants: silent on every reachable invoice, precise on each broken one."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given

import invoicecore
from invoicecore import (
    InvalidRequestError,
    InvariantViolation,
    Invoice,
    Order,
    Status,
    check_invariants,
)
from invoicecore.testing.strategies import invoices
from tests.helpers import EXPIRE_BY, T0, draft, invoice_in, issued


@given(invoices())
def test_every_reachable_invoice_holds_every_invariant(invoice: Invoice) -> None:
    check_invariants(invoice)

    assert (invoice.order is None) == (invoice.amount_paid is None)


def _status(invoice: Invoice, status: Status, **timestamps: int | None) -> Invoice:
    return attrs.evolve(
        invoice, lifecycle=attrs.evolve(invoice.lifecycle, status=status, **timestamps)
    )


BROKEN = [
    pytest.param(
        lambda: attrs.evolve(draft(), order=Order(id="order_1")),
        "an order exists exactly when the invoice was issued",
        id="draft-with-order",
    ),
    pytest.param(
        lambda: attrs.evolve(issued(), short_url=None),
        "a short_url exists exactly when the invoice was issued",
        id="issued-without-short-url",
    ),
    pytest.param(
        lambda: _status(draft(), Status.ISSUED),
        "status issued without issued_at",
        id="issued-status-without-issue",
    ),
    pytest.param(
        lambda: _status(issued(), Status.DRAFT),
        "status draft with issued_at set",
        id="draft-with-issued-at",
    ),
    pytest.param(
        lambda: _status(issued(), Status.PAID),
        "paid_at is set exactly when the status is paid",
        id="paid-without-paid-at",
    ),
    pytest.param(
        lambda: _status(issued(), Status.EXPIRED, expired_at=EXPIRE_BY + 1),
        "expired_at equals expire_by",
        id="expired-at-not-expire-by",
    ),
    pytest.param(
        lambda: attrs.evolve(issued(), customer=None),
        "an issued invoice has a customer and line items",
        id="issued-without-customer",
    ),
    pytest.param(
        lambda: attrs.evolve(issued(), order=Order(id="order_1", amount_paid=700, payment_id="p")),
        "amount_paid 700 is outside 0..600",
        id="overpaid",
    ),
    pytest.param(
        lambda: attrs.evolve(issued(), order=Order(id="order_1", amount_paid=100, payment_id="p")),
        "amount_paid 100 of 600 does not fit status issued",
        id="paid-something-but-issued",
    ),
    pytest.param(
        lambda: attrs.evolve(
            invoice_in(Status.PARTIALLY_PAID), order=Order(id="order_1", amount_paid=200)
        ),
        "payment_id is set exactly when something was paid",
        id="payment-without-payment-id",
    ),
    pytest.param(
        lambda: _status(draft(), Status.DELETED, cancelled_at=T0),
        "cancelled_at is set exactly when the status is cancelled",
        id="deleted-with-cancelled-at",
    ),
]


@pytest.mark.parametrize(("make", "problem"), BROKEN)
def test_each_broken_invariant_is_named(make: object, problem: str) -> None:
    invoice = make()  # type: ignore[operator]

    with pytest.raises(InvariantViolation) as raised:
        check_invariants(invoice)

    assert problem in raised.value.description
    assert raised.value.code == "INVARIANT_VIOLATION"


def test_a_totals_cache_that_disagrees_with_the_lines_is_caught() -> None:
    invoice = issued()
    object.__setattr__(invoice, "_totals", attrs.evolve(invoice.totals, amount=1))

    with pytest.raises(InvariantViolation) as raised:
        check_invariants(invoice)

    assert "differ from a fresh computation" in raised.value.description


def test_check_invariants_refuses_what_is_not_an_invoice() -> None:
    with pytest.raises(InvalidRequestError) as raised:
        check_invariants("inv_1")  # type: ignore[arg-type]

    assert raised.value.description == "The invoice must be an Invoice."


def test_the_facade_lists_exactly_its_public_names() -> None:
    assert dir(invoicecore) == sorted(invoicecore.__all__)
    assert all(hasattr(invoicecore, name) for name in invoicecore.__all__)
