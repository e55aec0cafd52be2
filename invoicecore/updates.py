"""What an update may change in each status, and how each key changes the invoice.

The keys each status accepts are a column of the status table
(``statuses.STATUS_TABLE``, read here through ``statuses.row``). Keys outside
it fail with Razorpay's extra-field error, listing the offending keys in
request order. ``plan_update`` applies a parsed
``commands.UpdateInvoice``; the request checks live in ``invoicecore.requests``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import attrs

from invoicecore import _validators as v
from invoicecore import errors, limits, statuses
from invoicecore.commands import UNSET, AddressInput, CustomerInput, CustomerRef, UpdateInvoice
from invoicecore.entities import (
    Address,
    AddressType,
    Customer,
    Invoice,
    NotificationStatus,
    Status,
)
from invoicecore.patch import Catalogue, IdSource, LineItemsPlan, id_source, merge_line_items

__all__ = [
    "CustomerDirectory",
    "UpdatePlan",
    "check_update_keys",
    "plan_update",
    "resolve_customer",
]

CustomerDirectory = Mapping[str, Customer]
"""Where ``customer_id`` is looked up: any mapping from customer id to ``Customer``."""

_DETAIL_KEYS: Final = frozenset(
    {
        "date",
        "billing_start",
        "billing_end",
        "terms",
        "comment",
        "description",
        "receipt",
        "notes",
        "partial_payment",
    }
)
"""Keys that set one field of ``Details`` as they are (the parser checked them)."""


@attrs.frozen(kw_only=True)
class UpdatePlan:
    """What an update would make of the invoice, checked but not yet issued.

    ``issue`` is true when the request asked for ``draft: "0"``; ``line_items``
    is the patch plan when the request had ``line_items``.
    """

    invoice: Invoice
    keys: tuple[str, ...]
    issue: bool
    line_items: LineItemsPlan | None


def plan_update(
    invoice: Invoice,
    command: UpdateInvoice,
    *,
    at: int,
    new_id: IdSource | None = None,
    customers: CustomerDirectory | None = None,
    items: Catalogue | None = None,
) -> UpdatePlan:
    """Apply a parsed update (``requests.parse_update``) to ``invoice``, unissued.

    What the parser could not check runs here, in this order: the keys the
    invoice's status accepts, ``expire_by`` against ``at``, then each key in
    request order (customer lookups, the line-item patch against the invoice).
    """
    v.check_type(invoice, Invoice, "invoice", "an Invoice")
    v.check_type(command, UpdateInvoice, "command", "an UpdateInvoice")
    v.check_integer(at, "at")
    new_id = id_source(new_id)
    check_update_keys(invoice.status, command.keys)

    details: dict[str, object] = {}
    notifications = {}
    customer = invoice.customer
    lines: LineItemsPlan | None = None
    for key in command.keys:
        value = getattr(command, key)
        if key in _DETAIL_KEYS:
            details[key] = value
        elif key in ("sms_notify", "email_notify"):
            notifications[key.replace("notify", "status")] = (
                NotificationStatus.PENDING if value else None
            )
        elif key == "expire_by":
            details[key] = limits.check_expire_by(value, at)
        elif key == "customer_id":
            customer = (
                None
                if value is None
                else resolve_customer(customer, CustomerRef(id=value), customers, new_id)
            )
        elif key == "customer":
            customer = resolve_customer(customer, value, customers, new_id)
        elif key == "line_items":
            lines = merge_line_items(
                invoice.line_items, value, currency=invoice.currency, new_id=new_id, items=items
            )

    updated = v.evolve(
        invoice,
        details=v.evolve(invoice.details, **details) if details else invoice.details,
        notifications=(
            v.evolve(invoice.notifications, **notifications)
            if notifications
            else invoice.notifications
        ),
        customer=customer,
        line_items=invoice.line_items if lines is None else lines.line_items,
    )
    return UpdatePlan(
        invoice=updated, keys=command.keys, issue=command.draft is False, line_items=lines
    )


def check_update_keys(status: Status, keys: object) -> tuple[str, ...]:
    """The keys of an update that ``status`` does not accept, refused (the extra-field error).

    ``keys`` are the request's keys in request order (``UpdateInvoice.keys``).
    """
    status = v.to_enum(Status, status, "status")
    if isinstance(keys, Mapping) or not isinstance(keys, (tuple, list)):
        raise errors.MUST_BE.error(field="keys", attribute="keys", expected="a tuple of keys")
    if not all(isinstance(key, str) for key in keys):
        raise errors.MUST_BE.error(field="keys", attribute="keys", expected="a tuple of keys")
    accepted = statuses.row(status).updatable_keys
    limits.refuse_extras(dict.fromkeys(keys), frozenset(accepted))
    return tuple(keys)


def resolve_customer(
    current: Customer | None,
    value: CustomerRef | CustomerInput | None,
    customers: CustomerDirectory | None,
    new_id: IdSource,
) -> Customer | None:
    """The invoice's customer after a parsed ``customer_id`` or ``customer``.

    A ``CustomerRef`` links a customer of ``customers``; a ``CustomerInput``
    with ``id`` links one and applies its fields over it, without ``id`` edits
    ``current`` (only the snapshot) or, with no current customer, makes one. An
    input with no field set changes nothing and makes no customer. ``None``
    unsets the customer.
    """
    if value is None:
        return None
    if isinstance(value, CustomerRef):
        return _customer_by_id(value.id, customers)
    if not isinstance(value, CustomerInput):
        raise errors.MUST_BE.error(
            field="customer", attribute="customer", expected="a CustomerRef or CustomerInput"
        )
    if value.id is None:
        return None  # customer: {id: null} unsets it too
    if isinstance(value.id, str):
        base = _customer_by_id(value.id, customers)
    elif current is not None:
        base = current  # edits touch only the invoice's snapshot
    elif value == CustomerInput():
        return None  # {} is missing (Laravel): no nameless customer is made
    else:
        base = Customer(id=new_id("cust"))  # a new customer, created with the invoice
    return _with_fields(base, value, new_id)


def _with_fields(base: Customer, value: CustomerInput, new_id: IdSource) -> Customer:
    fields: dict[str, object] = {}
    for key in ("name", "email", "contact", "gstin"):
        given = getattr(value, key)
        if given is not UNSET:
            fields[key] = given
    for key, kind in (
        ("billing_address", AddressType.BILLING),
        ("shipping_address", AddressType.SHIPPING),
    ):
        given = getattr(value, key)
        if given is not UNSET:
            fields[key] = _address(given, kind, getattr(base, key), new_id)
    return v.evolve(base, **fields)


def _customer_by_id(value: str, customers: CustomerDirectory | None) -> Customer:
    if customers is not None and not isinstance(customers, Mapping):
        raise errors.MUST_BE.error(field="customers", attribute="customers", expected="a mapping")
    found = customers.get(value) if customers is not None else None
    if not isinstance(found, Customer):
        raise errors.ID_DOES_NOT_EXIST.error(field="customer_id")
    return found


def _address(
    value: AddressInput | None, kind: AddressType, current: Address | None, new_id: IdSource
) -> Address | None:
    if value is None:
        return None
    base = current if current is not None else Address(id=new_id("addr"), type=kind)
    return v.evolve(base, **value.fields())
