"""Deterministic invoices in every status, built through the transitions."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final

from hypothesis import settings

from invoicecore import (
    Customer,
    Details,
    Invoice,
    LineItem,
    Status,
    cancel,
    create,
    delete,
    expire,
    issue,
    pay,
    update,
)
from invoicecore.requests import parse_update
from invoicecore.statuses import row

if TYPE_CHECKING:
    from invoicecore.transitions import Outcome

T0: Final = 1_700_000_000
"""When the test invoices are created."""
EXPIRE_BY: Final = T0 + 86_400
ORDER_ID: Final = "order_00000000000001"
SHORT_URL: Final = "https://rzp.io/i/abc1234"

BOOK: Final = LineItem(id="li_00000000000001", name="Book", amount=400)
PEN: Final = LineItem(id="li_00000000000002", name="Pen", amount=100, quantity=2)
CUSTOMER: Final = Customer(
    id="cust_00000000000001",
    name="Gaurav Kumar",
    email="gaurav@example.com",
    contact="+919000090000",
)


def draft(
    *,
    line_items: tuple[LineItem, ...] = (BOOK, PEN),
    customer: Customer | None = CUSTOMER,
    partial_payment: bool = True,
    expire_by: int | None = EXPIRE_BY,
    sms_notify: bool = True,
    email_notify: bool = True,
) -> Invoice:
    """A draft of 400 + 2 x 100 = 600 paise, partial payments on, expiring a day after T0."""
    return create(
        id="inv_00000000000001",
        at=T0,
        customer=customer,
        line_items=line_items,
        details=Details(date=T0, expire_by=expire_by, partial_payment=partial_payment),
        sms_notify=sms_notify,
        email_notify=email_notify,
        draft=True,
    ).invoice


def issued(**kwargs: object) -> Invoice:
    return issue(draft(**kwargs), at=T0 + 10, order_id=ORDER_ID, short_url=SHORT_URL).invoice  # type: ignore[arg-type]


def invoice_in(status: Status) -> Invoice:
    """One invoice in ``status``, reached the way a real one would be."""
    if status is Status.DRAFT:
        return draft()
    if status is Status.DELETED:
        return delete(draft(), at=T0 + 10).invoice
    if status is Status.CANCELLED:
        return cancel(issued(), at=T0 + 20).invoice
    if status is Status.EXPIRED:
        return expire(issued(), at=EXPIRE_BY).invoice
    invoice = issued()
    if status is Status.PARTIALLY_PAID:
        return pay(invoice, amount=200, payment_id="pay_00000000000001", at=T0 + 20).invoice
    if status is Status.PAID:
        return pay(invoice, amount=600, payment_id="pay_00000000000001", at=T0 + 20).invoice
    return invoice


def reference_amount(lines: tuple[LineItem, ...]) -> int | None:
    """The invoice amount by the reference's formula (section 5.1), written out again here.

    Independent of ``invoicecore.amounts``: Fractions, PHP rounding, the rates in basis points.
    """
    if not lines:
        return None
    net = Fraction(0)
    for line in lines:
        gross = line.amount * line.quantity
        flat = sum(t.rate * line.quantity for t in line.taxes if t.rate_type == "flat")
        rates = sum(Fraction(t.rate, 10_000) for t in line.taxes if t.rate_type == "percentage")
        if line.tax_inclusive:
            net += gross
            continue
        net += gross + flat + gross * rates
    whole, rest = divmod(net.numerator, net.denominator)
    return whole + (1 if 2 * rest >= net.denominator else 0)


def parse_and_update(invoice: Invoice, changes: object, **kwargs: Any) -> Outcome:
    """What the book does with a PATCH body: parse it for the invoice's status, then apply it.

    A status that accepts no update (``deleted``) is parsed without a status,
    so that the transition's own refusal answers.
    """
    status = invoice.status if row(invoice.status).updatable_keys else None
    return update(invoice, parse_update(changes, status=status), **kwargs)


def heavy_examples(*, dev: int) -> int:
    """Examples for the heaviest property tests (whole books, state machines): ``dev`` in dev.

    The profile's count everywhere else (200 in ci, 10 in debug), so CI runs them in
    full; the default run keeps them to about half the dev profile's 40, which keeps it
    well under a minute with coverage on (docs/performance.md).
    """
    count = settings().max_examples
    if count < 100:  # dev and debug
        return min(count, dev)
    return count


def sweep_examples(*, ci: int | None = None) -> int:
    """Examples for the broad any-input sweeps: 5 in dev, ``ci`` (or the profile's count) in ci.

    The sweeps call every public name with arbitrary objects, a few hundred
    tests: the default run keeps them light so that it stays under a minute
    with coverage on; CI (a profile of 100 examples or more) runs them in full.
    """
    count = settings().max_examples
    if count < 100:  # dev and debug
        return min(count, 5)
    return count if ci is None else ci
