"""Typed requests: what a parsed payload asks for, before a transition applies it.

``wire.py`` turns Razorpay's JSON into these; the functions here apply the
ones that need more than one transition's arguments (a create resolves its
customer and builds its line items first).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

import attrs

from invoicecore import _validators as v
from invoicecore import errors, limits, transitions
from invoicecore.entities import Customer, Details, Invoice, LineItem, Status
from invoicecore.patch import Catalogue, IdSource, build_line_item, id_source
from invoicecore.updates import CustomerDirectory, resolve_customer

if TYPE_CHECKING:
    from invoicecore.transitions import Outcome

__all__ = [
    "FETCH_DEFAULT_COUNT",
    "FETCH_MAX_COUNT",
    "CapturePayment",
    "CreateInvoice",
    "FetchQuery",
    "UpdateInvoice",
    "create_invoice",
]

FETCH_DEFAULT_COUNT: Final = 10
FETCH_MAX_COUNT: Final = 100


@attrs.frozen(kw_only=True)
class CreateInvoice:
    """``POST /v1/invoices``, checked: typed values, line items still as elements.

    ``customer_id`` and ``customer`` are ``None`` when the request did not
    send them (sending both is refused while parsing).
    """

    draft: bool = attrs.field(default=False, validator=v.boolean)
    currency: str = attrs.field(default="INR", validator=v.string)
    details: Details = attrs.field(factory=Details, validator=v.instance_of(Details, "Details"))
    sms_notify: bool = attrs.field(default=True, validator=v.boolean)
    email_notify: bool = attrs.field(default=True, validator=v.boolean)
    customer_id: str | None = attrs.field(default=None, validator=v.optional_string)
    customer: Mapping[str, object] | None = attrs.field(
        default=None, validator=v.instance_of(Mapping, "an object", optional=True)
    )
    line_items: tuple[Mapping[str, object], ...] = attrs.field(
        default=(), validator=v.tuple_of(Mapping, "objects")
    )
    idempotency_key: str | None = attrs.field(default=None, validator=v.optional_string)


@attrs.frozen(kw_only=True)
class UpdateInvoice:
    """``PATCH /v1/invoices/{id}``: the request's keys, in request order, with typed values."""

    changes: Mapping[str, object]


@attrs.frozen(kw_only=True)
class CapturePayment:
    """A captured payment (the simulator's ``POST /sim/invoices/{id}/payments``)."""

    amount: int
    payment_id: str


@attrs.frozen(kw_only=True)
class FetchQuery:
    """``GET /v1/invoices``: exact-match filters, an inclusive ``created_at`` range, a page."""

    type: str | None = attrs.field(default=None, validator=v.optional_string)
    payment_id: str | None = attrs.field(default=None, validator=v.optional_string)
    receipt: str | None = attrs.field(default=None, validator=v.optional_string)
    customer_id: str | None = attrs.field(default=None, validator=v.optional_string)
    from_: int | None = attrs.field(default=None, validator=v.optional_integer())
    to: int | None = attrs.field(default=None, validator=v.optional_integer())
    count: int = attrs.field(
        default=FETCH_DEFAULT_COUNT, validator=v.integer(minimum=1, maximum=FETCH_MAX_COUNT)
    )
    skip: int = attrs.field(default=0, validator=v.integer())

    def matches(self, invoice: Invoice) -> bool:
        """Whether ``invoice`` passes every filter (deleted invoices never do)."""
        v.check_type(invoice, Invoice, "invoice", "an Invoice")
        if invoice.status is Status.DELETED:
            return False
        if self.type is not None and self.type != invoice.type:
            return False
        pairs = (
            (self.payment_id, invoice.payment_id),
            (self.receipt, invoice.receipt),
            (self.customer_id, invoice.customer_id),
        )
        if any(wanted is not None and wanted != actual for wanted, actual in pairs):
            return False
        if self.from_ is not None and invoice.created_at < self.from_:
            return False
        return self.to is None or invoice.created_at <= self.to


def create_invoice(
    command: CreateInvoice,
    *,
    id: str,
    at: int,
    new_id: IdSource | None = None,
    customers: CustomerDirectory | None = None,
    items: Catalogue | None = None,
    order_id: str | None = None,
    short_url: str | None = None,
) -> Outcome:
    """Resolve the customer, build the line items, then ``transitions.create``.

    ``new_id`` gives the ids of the line items and of a customer (and its
    addresses) created with the invoice.
    """
    if not isinstance(command, CreateInvoice):
        raise errors.MUST_BE.error(field="command", attribute="command", expected="a CreateInvoice")
    ids = id_source(new_id)
    customer: Customer | None = None
    if command.customer_id is not None:
        customer = resolve_customer(None, "customer_id", command.customer_id, customers, ids)
    elif command.customer is not None:
        customer = resolve_customer(None, "customer", command.customer, customers, ids)
    if len(command.line_items) > limits.MAX_LINE_ITEMS:
        raise errors.TOO_MANY_LINE_ITEMS.error(field="line_items", limit=limits.MAX_LINE_ITEMS)
    lines: list[LineItem] = [
        build_line_item(
            element,
            id=ids("li"),
            currency=command.currency,
            items=items,
            field=f"line_items[{index}]",
        )
        for index, element in enumerate(command.line_items)
    ]
    return transitions.create(
        id=id,
        at=at,
        currency=command.currency,
        customer=customer,
        line_items=tuple(lines),
        details=command.details,
        sms_notify=command.sms_notify,
        email_notify=command.email_notify,
        idempotency_key=command.idempotency_key,
        draft=command.draft,
        order_id=order_id,
        short_url=short_url,
    )
