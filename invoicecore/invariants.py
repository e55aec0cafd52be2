"""What must hold for every invoice the transitions can build, as one checkable function.

Services call ``check_invariants`` in their own tests; the library's stateful
tests call it after every step.
"""

from __future__ import annotations

from invoicecore import _validators as v
from invoicecore import amounts, errors, statuses
from invoicecore.amounts import _unchecked_line_totals
from invoicecore.entities import Invoice, Status
from invoicecore.errors import InvariantViolation
from invoicecore.limits import MAX_LINE_ITEMS

__all__ = ["InvariantViolation", "check_invariants"]


def check_invariants(invoice: Invoice) -> None:
    """Raise ``InvariantViolation`` naming the first broken invariant, or return ``None``."""
    v.check_type(invoice, Invoice, "invoice", "an Invoice")
    for problem in _problems(invoice):
        raise errors.INVARIANT_VIOLATION.error(problem=problem)


def _check_just_built(invoice: Invoice) -> None:
    """``check_invariants`` for an invoice its constructor has just built (``load_invoice``).

    Every check but one: the cached totals are not recomputed from scratch, as
    the constructor computed them moments ago, with the same function, from
    the same frozen line items (nothing can have changed them since).
    """
    for problem in _problems(invoice, recompute=False):
        raise errors.INVARIANT_VIOLATION.error(problem=problem)


def _problems(invoice: Invoice, *, recompute: bool = True) -> list[str]:  # noqa: C901, PLR0912
    found: list[str] = []
    lifecycle = invoice.lifecycle
    status = lifecycle.status
    entry = statuses.row(status)
    if recompute:
        fresh = amounts.invoice_totals(_unchecked_line_totals(line) for line in invoice.line_items)
        if invoice.totals != fresh:
            found.append(f"totals {invoice.totals} differ from a fresh computation {fresh}")
    if len(invoice.line_items) > MAX_LINE_ITEMS:
        found.append(f"{len(invoice.line_items)} line items, more than {MAX_LINE_ITEMS}")
    ids = [line.id for line in invoice.line_items]
    if len(set(ids)) != len(ids):
        found.append(f"line item ids repeat: {ids}")
    issued = lifecycle.issued_at is not None
    if (invoice.order is not None) != issued:
        found.append("an order exists exactly when the invoice was issued")
    if (invoice.short_url is not None) != issued:
        found.append("a short_url exists exactly when the invoice was issued")
    if entry.issuance is statuses.Issuance.ALWAYS and not issued:
        found.append(f"status {status} without issued_at")
    if entry.issuance is statuses.Issuance.NEVER and issued:
        found.append(f"status {status} with issued_at set")
    for other in statuses.STATUS_TABLE.values():
        name = other.timestamp
        if name is None or name == "issued_at":
            continue
        if (getattr(lifecycle, name) is not None) != (status is other.status):
            found.append(f"{name} is set exactly when the status is {other.status}")
    if status is Status.EXPIRED and lifecycle.expired_at != invoice.details.expire_by:
        found.append("expired_at equals expire_by")
    if issued and (invoice.customer is None or not invoice.line_items):
        found.append("an issued invoice has a customer and line items")
    order = invoice.order
    amount = invoice.amount
    if order is not None and amount is not None:
        paid = order.amount_paid
        if not 0 <= paid <= amount:
            found.append(f"amount_paid {paid} is outside 0..{amount}")
        expected = {
            statuses.Payments.ALL: paid == amount,
            statuses.Payments.PART: 0 < paid < amount,
            statuses.Payments.NONE: paid == 0,
        }[entry.payments]
        if not expected:
            found.append(f"amount_paid {paid} of {amount} does not fit status {status}")
        if (order.payment_id is not None) != (paid > 0):
            found.append("payment_id is set exactly when something was paid")
    return found
