"""Apply parsed requests: one call shape, ``apply(command, *, at/id, <what the book holds>)``.

The parse step (``invoicecore.requests``) has checked every value; what is
left here needs the book's contents or the clock: looking up ``customer_id``
and ``item_id``, giving ids, the create and issue checks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from invoicecore import _validators as v
from invoicecore import errors, limits, transitions
from invoicecore.commands import (
    CapturePayment,
    CreateCustomer,
    CreateInvoice,
    CreateItem,
    CustomerInput,
)
from invoicecore.entities import Customer, Invoice, Item, LineItem
from invoicecore.patch import Catalogue, IdSource, build_line_item, id_source
from invoicecore.updates import CustomerDirectory, resolve_customer

if TYPE_CHECKING:
    from collections.abc import Callable

    from invoicecore.transitions import Outcome

__all__ = ["capture_payment", "create_customer", "create_invoice", "create_item"]


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
    if command.customer is not None:
        customer = resolve_customer(None, command.customer, customers, ids)
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


def capture_payment(
    invoice: Invoice,
    command: CapturePayment,
    *,
    at: int,
    captured: Callable[[str], bool] | None = None,
) -> Outcome:
    """``transitions.pay`` with a parsed payment (``captured``: the book's ledger, if any)."""
    if not isinstance(command, CapturePayment):
        raise errors.MUST_BE.error(
            field="command", attribute="command", expected="a CapturePayment"
        )
    return transitions.pay(
        invoice, amount=command.amount, payment_id=command.payment_id, at=at, captured=captured
    )


def create_customer(command: CreateCustomer, *, new_id: IdSource) -> Customer:
    """The customer a ``POST /v1/customers`` makes: a fresh id, addresses with theirs."""
    if not isinstance(command, CreateCustomer):
        raise errors.MUST_BE.error(
            field="command", attribute="command", expected="a CreateCustomer"
        )
    inline = CustomerInput(
        name=command.name,
        email=command.email,
        contact=command.contact,
        gstin=command.gstin,
        billing_address=command.billing_address,
        shipping_address=command.shipping_address,
    )
    customer = resolve_customer(None, inline, None, id_source(new_id))
    if customer is None:  # pragma: no cover - an inline customer without id always makes one
        raise errors.REQUIRED.error(field="name", attribute="name")
    return customer


def create_item(command: CreateItem, *, id: str) -> Item:
    """The item a ``POST /v1/items`` makes, with the given id."""
    if not isinstance(command, CreateItem):
        raise errors.MUST_BE.error(field="command", attribute="command", expected="a CreateItem")
    return Item(
        id=v.check_id(id, "id"),
        name=command.name,
        description=command.description,
        amount=command.amount,
        currency=command.currency,
        active=command.active,
        unit=command.unit,
    )
