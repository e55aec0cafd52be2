"""What must hold for every invoice the transitions can build, as one checkable function.

Services call ``check_invariants`` in their own tests; the library's stateful
tests call it after every step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from invoicecore import _validators as v
from invoicecore import amounts, errors, statuses
from invoicecore.amounts import _unchecked_line_totals
from invoicecore.entities import Invoice, Status
from invoicecore.errors import InvariantViolation
from invoicecore.limits import MAX_LINE_ITEMS

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

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


_STAMPS: Final = tuple(
    (row.timestamp, row.status)
    for row in statuses.STATUS_TABLE.values()
    if row.timestamp is not None and row.timestamp != "issued_at"
)
"""Each status's own timestamp (``issued_at`` aside): set exactly when in that status."""

_PAYMENTS_FIT: Final[Mapping[statuses.Payments, Callable[[int, int], bool]]] = {
    statuses.Payments.ALL: lambda paid, amount: paid == amount,
    statuses.Payments.PART: lambda paid, amount: 0 < paid < amount,
    statuses.Payments.NONE: lambda paid, _amount: paid == 0,
}
"""What ``amount_paid`` must be, of ``amount``, for each kind of status (a missing row fails)."""


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
    for name, stamped in _STAMPS:
        if (getattr(lifecycle, name) is not None) != (status is stamped):
            found.append(f"{name} is set exactly when the status is {stamped}")
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
        if not _PAYMENTS_FIT[entry.payments](paid, amount):
            found.append(f"amount_paid {paid} of {amount} does not fit status {status}")
        if (order.payment_id is not None) != (paid > 0):
            found.append("payment_id is set exactly when something was paid")
    return found
