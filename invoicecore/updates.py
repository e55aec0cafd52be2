"""What an update may change in each status, and how each key changes the invoice.

``UPDATABLE_KEYS`` is the per-status table (data that the code, the docs and
the tests read). Keys outside it fail with Razorpay's extra-field error, listing
the offending keys in request order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Final

import attrs

from invoicecore import _validators as v
from invoicecore import errors, limits
from invoicecore.entities import (
    Address,
    AddressType,
    Customer,
    Invoice,
    Notes,
    NotificationStatus,
    Status,
)
from invoicecore.patch import Catalogue, IdSource, LineItemsPlan, id_source, merge_line_items

__all__ = [
    "CUSTOMER_KEYS",
    "UPDATABLE_KEYS",
    "CustomerDirectory",
    "UpdatePlan",
    "check_invoice_only_keys",
    "check_update_keys",
    "plan_update",
    "resolve_customer",
]

CustomerDirectory = Mapping[str, Customer]
"""Where ``customer_id`` is looked up: any mapping from customer id to ``Customer``."""

_DRAFT_KEYS: Final = (
    "sms_notify",
    "email_notify",
    "date",
    "terms",
    "notes",
    "comment",
    "receipt",
    "customer",
    "customer_id",
    "line_items",
    "partial_payment",
    "first_payment_min_amount",
    "amount",
    "description",
    "billing_start",
    "billing_end",
    "expire_by",
    "draft",
)
UPDATABLE_KEYS: Final[Mapping[Status, tuple[str, ...]]] = MappingProxyType(
    {
        Status.DRAFT: _DRAFT_KEYS,
        Status.ISSUED: (
            "partial_payment",
            "receipt",
            "comment",
            "terms",
            "notes",
            "expire_by",
            "first_payment_min_amount",
        ),
        Status.PARTIALLY_PAID: ("notes", "expire_by"),
        Status.PAID: ("notes",),
        Status.CANCELLED: ("notes",),
        Status.EXPIRED: ("notes",),
    }
)
"""The keys an update accepts in each status (Razorpay's server rule sets).

``amount`` and ``first_payment_min_amount`` are accepted as keys only to fail
with Razorpay's own messages: they belong to payment links, not invoices.
"""

CUSTOMER_KEYS: Final = (
    "id",
    "name",
    "email",
    "contact",
    "gstin",
    "billing_address",
    "shipping_address",
)
_ADDRESS_KEYS: Final = ("id", "line1", "line2", "zipcode", "city", "state", "country")
_DETAIL_CHECKS: Final[Mapping[str, Callable[[object, str], object]]] = MappingProxyType(
    {
        "date": limits.check_optional_integer,
        "billing_start": limits.check_optional_integer,
        "billing_end": limits.check_optional_integer,
        "terms": limits.check_text,
        "comment": limits.check_text,
        "description": limits.check_text,
        "receipt": limits.check_receipt,
        "notes": lambda value, field: Notes(value, field=field),  # type: ignore[arg-type]
        "partial_payment": limits.check_boolean,
    }
)
"""Keys that set one field of ``Details``, with the check each value passes."""


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
    changes: object,
    *,
    at: int,
    new_id: IdSource | None = None,
    customers: CustomerDirectory | None = None,
    items: Catalogue | None = None,
) -> UpdatePlan:
    """Check ``changes`` against the status's rules and build the updated invoice.

    ``changes`` holds Razorpay's request keys with typed values (``draft`` and the
    notify flags as booleans; aliases already renamed). Order of checks: keys
    the status does not accept, then the customer pair, then each key in
    request order.
    """
    v.check_type(invoice, Invoice, "invoice", "an Invoice")
    v.check_integer(at, "at")
    new_id = id_source(new_id)
    changes = check_update_keys(invoice.status, changes)

    details: dict[str, object] = {}
    notifications = {}
    customer = invoice.customer
    lines: LineItemsPlan | None = None
    issue = False
    for key, value in changes.items():
        if key in _DETAIL_CHECKS:
            details[key] = _DETAIL_CHECKS[key](value, key)
        elif key in ("sms_notify", "email_notify"):
            on = limits.check_boolean(value, key)
            notifications[key.replace("notify", "status")] = (
                NotificationStatus.PENDING if on else None
            )
        elif key == "expire_by":
            details[key] = limits.check_expire_by(value, at)
        elif key in ("customer_id", "customer"):
            customer = resolve_customer(customer, key, value, customers, new_id)
        elif key == "line_items":
            lines = merge_line_items(
                invoice.line_items, value, currency=invoice.currency, new_id=new_id, items=items
            )
        else:  # "draft", the only key left in the table
            issue = not limits.check_boolean(value, "draft")

    updated = attrs.evolve(
        invoice,
        details=attrs.evolve(invoice.details, **details) if details else invoice.details,  # type: ignore[arg-type]
        notifications=(
            attrs.evolve(invoice.notifications, **notifications)
            if notifications
            else invoice.notifications
        ),
        customer=customer,
        line_items=invoice.line_items if lines is None else lines.line_items,
    )
    return UpdatePlan(invoice=updated, keys=tuple(changes), issue=issue, line_items=lines)


def check_update_keys(status: Status, changes: object) -> Mapping[str, object]:
    """The request-wide checks of an update in ``status``, before any value is looked at."""
    if not v.is_object(changes):
        raise errors.MUST_BE.error(field="changes", attribute="changes", expected="an object")
    accepted = UPDATABLE_KEYS.get(status, ())
    extras = [key for key in changes if key not in accepted]
    if extras:
        raise errors.EXTRA_FIELDS.error(field=extras[0], keys=", ".join(extras))
    check_invoice_only_keys(changes)
    return changes


def check_invoice_only_keys(body: Mapping[str, object]) -> None:
    """Keys of payment links refused with their own messages, and the customer pair.

    Shared by create and update, which Razorpay checks the same way.
    """
    if "amount" in body:
        raise errors.AMOUNT_NOT_FOR_INVOICE.error(field="amount")
    if "first_payment_min_amount" in body:
        raise errors.FIRST_PAYMENT_MIN_AMOUNT_NOT_FOR_INVOICE.error(
            field="first_payment_min_amount"
        )
    if "customer" in body and "customer_id" in body:
        raise errors.EITHER_CUSTOMER.error(field="customer_id")


def resolve_customer(
    current: Customer | None,
    key: str,
    value: object,
    customers: CustomerDirectory | None,
    new_id: IdSource,
) -> Customer | None:
    """The invoice's customer after a ``customer_id`` or ``customer`` request key."""
    if key == "customer_id":
        return _customer_by_id(value, customers)
    return _edit_customer(current, value, customers, new_id)


def _customer_by_id(value: object, customers: CustomerDirectory | None) -> Customer | None:
    if value is None:
        return None  # customer_id: null unsets the customer
    if customers is not None and not isinstance(customers, Mapping):
        raise errors.MUST_BE.error(field="customers", attribute="customers", expected="a mapping")
    found = customers.get(value) if isinstance(value, str) and customers is not None else None
    if not isinstance(found, Customer):
        raise errors.ID_DOES_NOT_EXIST.error(field="customer_id")
    return found


def _edit_customer(
    current: Customer | None,
    value: object,
    customers: CustomerDirectory | None,
    new_id: IdSource,
) -> Customer | None:
    """Razorpay's customer resolution on a draft (reference section 2.2, item 4)."""
    if value is None:
        return None
    value = _refuse_extras(value, CUSTOMER_KEYS, "customer")
    if "id" in value:
        if value["id"] is None:
            return None  # customer: {id: null} unsets it too
        base = _customer_by_id(value["id"], customers)
    elif current is not None:
        base = current  # edits touch only the invoice's snapshot
    else:
        base = Customer(id=new_id("cust"))  # a new customer, created with the invoice
    fields: dict[str, object] = {}
    for key in ("name", "email", "contact", "gstin"):
        if key in value:
            fields[key] = limits.check_text(
                value[key], f"customer.{key}", maximum=_CUSTOMER_LIMITS[key]
            )
    for key, kind in (
        ("billing_address", AddressType.BILLING),
        ("shipping_address", AddressType.SHIPPING),
    ):
        if key in value:
            fields[key] = _address(value[key], kind, getattr(base, key), new_id)
    return attrs.evolve(base, **fields)  # type: ignore[misc]


_CUSTOMER_LIMITS: Final = {
    "name": limits.MAX_CUSTOMER_NAME_LENGTH,
    "email": limits.MAX_EMAIL_LENGTH,
    "contact": limits.MAX_CONTACT_LENGTH,
    "gstin": limits.MAX_GSTIN_LENGTH,
}


def _address(
    value: object, kind: AddressType, current: Address | None, new_id: IdSource
) -> Address | None:
    where = f"customer.{kind.value}"
    if value is None:
        return None
    value = _refuse_extras(value, _ADDRESS_KEYS, where)
    fields = {
        key: limits.check_text(value[key], f"{where}.{key}", maximum=limits.MAX_ADDRESS_LENGTH)
        for key in _ADDRESS_KEYS
        if key in value and key != "id"
    }
    if isinstance(fields.get("country"), str):
        fields["country"] = _country(str(fields["country"]))
    base = current if current is not None else Address(id=new_id("addr"), type=kind)
    return attrs.evolve(base, **fields)  # type: ignore[arg-type]


def _refuse_extras(value: object, keys: tuple[str, ...], where: str) -> Mapping[str, object]:
    """``value`` itself, which must be an object whose keys are all in ``keys``."""
    if not v.is_object(value):
        raise errors.MUST_BE.error(
            field=where, attribute=where.rsplit(".", 1)[-1].replace("_", " "), expected="an object"
        )
    extras = [key for key in value if key not in keys]
    if extras:
        raise errors.EXTRA_FIELDS.error(
            field=f"{where}.{extras[0]}", keys=", ".join(f"{where}.{k}" for k in extras)
        )
    return value


def _country(name: str) -> str:
    """Razorpay returns lowercase ISO codes: ``"IN"`` and ``"India"`` become ``"in"``."""
    lowered = name.strip().lower()
    return {"india": "in"}.get(lowered, lowered)
