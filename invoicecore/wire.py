"""Razorpay's JSON out (and back in): entities rendered with every key in Razorpay's order.

Renderers give Razorpay's entities; ``load_invoice`` reads an entity back. The
requests (what a client sends) are parsed by ``invoicecore.requests``, from
ordered rule tables. Work is bounded by the limits, not by the input.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from invoicecore import _validators as v
from invoicecore import errors, limits
from invoicecore.amounts import Tax
from invoicecore.entities import (
    INVOICE_TYPE,
    Address,
    Customer,
    Details,
    Invoice,
    Lifecycle,
    LineItem,
    Notes,
    Notifications,
    Order,
)
from invoicecore.invariants import check_invariants

__all__ = [
    "ADDRESS_KEYS",
    "CUSTOMER_DETAILS_KEYS",
    "INVOICE_KEYS",
    "LINE_ITEM_ENTITY_KEYS",
    "TAX_ENTITY_KEYS",
    "load_invoice",
    "render_collection",
    "render_customer_details",
    "render_error",
    "render_invoice",
    "render_line_item",
]

INVOICE_KEYS: Final = (
    "id",
    "entity",
    "receipt",
    "invoice_number",
    "customer_id",
    "customer_details",
    "order_id",
    "line_items",
    "payment_id",
    "status",
    "expire_by",
    "issued_at",
    "paid_at",
    "cancelled_at",
    "expired_at",
    "sms_status",
    "email_status",
    "date",
    "terms",
    "partial_payment",
    "gross_amount",
    "tax_amount",
    "taxable_amount",
    "amount",
    "amount_paid",
    "amount_due",
    "currency",
    "currency_symbol",
    "description",
    "notes",
    "comment",
    "short_url",
    "view_less",
    "billing_start",
    "billing_end",
    "type",
    "group_taxes_discounts",
    "created_at",
    "idempotency_key",
)
"""The 39 keys of Razorpay's invoice entity, in its order (reference section 1.1)."""

LINE_ITEM_ENTITY_KEYS: Final = (
    "id",
    "item_id",
    "ref_id",
    "ref_type",
    "name",
    "description",
    "amount",
    "unit_amount",
    "gross_amount",
    "tax_amount",
    "taxable_amount",
    "net_amount",
    "currency",
    "type",
    "tax_inclusive",
    "hsn_code",
    "sac_code",
    "tax_rate",
    "unit",
    "quantity",
    "taxes",
)
"""The 21 keys of a line item in the entity (reference section 1.2)."""

CUSTOMER_DETAILS_KEYS: Final = (
    "id",
    "name",
    "email",
    "contact",
    "gstin",
    "billing_address",
    "shipping_address",
    "customer_name",
    "customer_email",
    "customer_contact",
)
ADDRESS_KEYS: Final = (
    "id",
    "type",
    "primary",
    "line1",
    "line2",
    "zipcode",
    "city",
    "state",
    "country",
)
TAX_ENTITY_KEYS: Final = (
    "tax_id",
    "name",
    "rate",
    "rate_type",
    "group_id",
    "group_name",
    "tax_amount",
)

_ERROR_ENVELOPE: Final = {
    "code": "BAD_REQUEST_ERROR",
    "source": "business",
    "step": "payment_initiation",
    "reason": "input_validation_failed",
}


# ---------------------------------------------------------------------------
# Entities
# ---------------------------------------------------------------------------


def render_invoice(invoice: Invoice) -> dict[str, Any]:
    """Razorpay's invoice entity: the 39 keys in order, derived fields filled in."""
    v.check_type(invoice, Invoice, "invoice", "an Invoice")
    lifecycle = invoice.lifecycle
    details = invoice.details
    notifications = invoice.notifications
    totals = invoice.totals
    return {
        "id": invoice.id,
        "entity": "invoice",
        "receipt": details.receipt,
        "invoice_number": details.receipt,
        "customer_id": invoice.customer_id,
        "customer_details": render_customer_details(invoice.customer),
        "order_id": invoice.order_id,
        "line_items": [render_line_item(line) for line in invoice.line_items],
        "payment_id": invoice.payment_id,
        "status": lifecycle.status.value,
        "expire_by": details.expire_by,
        "issued_at": lifecycle.issued_at,
        "paid_at": lifecycle.paid_at,
        "cancelled_at": lifecycle.cancelled_at,
        "expired_at": lifecycle.expired_at,
        "sms_status": _value(notifications.sms_status),
        "email_status": _value(notifications.email_status),
        "date": details.date,
        "terms": details.terms,
        "partial_payment": details.partial_payment,
        "gross_amount": totals.gross_amount,
        "tax_amount": totals.tax_amount,
        "taxable_amount": totals.taxable_amount,
        "amount": totals.amount,
        "amount_paid": invoice.amount_paid,
        "amount_due": invoice.amount_due,
        "currency": invoice.currency,
        "currency_symbol": invoice.currency_symbol,
        "description": details.description,
        "notes": dict(details.notes) if details.notes else [],
        "comment": details.comment,
        "short_url": invoice.short_url,
        "view_less": details.view_less,
        "billing_start": details.billing_start,
        "billing_end": details.billing_end,
        "type": INVOICE_TYPE,
        "group_taxes_discounts": details.group_taxes_discounts,
        "created_at": invoice.created_at,
        "idempotency_key": invoice.idempotency_key,
    }


def render_line_item(line: LineItem) -> dict[str, Any]:
    """One line item of the entity: 21 keys, amounts derived."""
    if not isinstance(line, LineItem):
        raise errors.MUST_BE.error(field="line", attribute="line", expected="a LineItem")
    totals = line.totals
    return {
        "id": line.id,
        "item_id": line.item_id,
        "ref_id": line.ref_id,
        "ref_type": line.ref_type,
        "name": line.name,
        "description": line.description,
        "amount": line.amount,
        "unit_amount": line.amount,
        "gross_amount": totals.gross_amount,
        "tax_amount": totals.tax_amount,
        "taxable_amount": totals.taxable_amount,
        "net_amount": totals.net_amount,
        "currency": line.currency,
        "type": line.type,
        "tax_inclusive": line.tax_inclusive,
        "hsn_code": line.hsn_code,
        "sac_code": line.sac_code,
        "tax_rate": line.tax_rate,
        "unit": line.unit,
        "quantity": line.quantity,
        "taxes": [
            {
                "tax_id": tax.tax_id,
                "name": tax.name,
                "rate": tax.rate,
                "rate_type": tax.rate_type.value,
                "group_id": tax.group_id,
                "group_name": tax.group_name,
                "tax_amount": amount,
            }
            for tax, amount in zip(line.taxes, totals.tax_amounts, strict=True)
        ],
    }


def render_collection(invoices: Iterable[Invoice]) -> dict[str, Any]:
    """Razorpay's collection envelope; ``count`` is the number of items returned."""
    if not isinstance(invoices, Iterable):
        raise errors.MUST_BE.error(
            field="invoices", attribute="invoices", expected="an iterable of Invoice"
        )
    items = [render_invoice(invoice) for invoice in invoices]
    return {"entity": "collection", "count": len(items), "items": items}


def render_error(error: errors.InvoiceError) -> dict[str, Any]:
    """Razorpay's error envelope (decisions.md): BAD_REQUEST_ERROR, business, validation."""
    if not isinstance(error, errors.InvoiceError):
        raise errors.MUST_BE.error(field="error", attribute="error", expected="an InvoiceError")
    return {
        "error": {
            "code": _ERROR_ENVELOPE["code"],
            "description": error.description,
            "field": error.field,
            "source": _ERROR_ENVELOPE["source"],
            "step": _ERROR_ENVELOPE["step"],
            "reason": _ERROR_ENVELOPE["reason"],
            "metadata": {},
        }
    }


def load_invoice(entity: object) -> Invoice:
    """An ``Invoice`` from Razorpay's entity JSON (as Razorpay or ``render_invoice`` gives it).

    Derived fields (amounts, ``invoice_number``, ``customer_*`` copies,
    ``currency_symbol``) are checked against what the rest implies; a
    mismatch is refused. Two inconsistencies of Razorpay's published samples
    are read leniently: an empty ``currency`` means INR (Razorpay's default),
    and an empty line-item currency means the invoice's; a line item without
    ``ref_id``/``ref_type`` (older samples) has them null.
    """
    data = _object(entity, "invoice")
    currency = _get(data, "currency") or "INR"
    order_id = _get(data, "order_id")
    lines = _get(data, "line_items")
    if not isinstance(lines, list):
        raise errors.MUST_BE.error(field="line_items", attribute="line items", expected="an array")
    if len(lines) > limits.MAX_LINE_ITEMS:
        raise errors.TOO_MANY_LINE_ITEMS.error(field="line_items", limit=limits.MAX_LINE_ITEMS)
    invoice = Invoice(
        id=_get(data, "id"),
        created_at=_get(data, "created_at"),
        currency=currency,
        lifecycle=Lifecycle(
            status=_get(data, "status"),
            issued_at=_get(data, "issued_at"),
            paid_at=_get(data, "paid_at"),
            cancelled_at=_get(data, "cancelled_at"),
            expired_at=_get(data, "expired_at"),
        ),
        details=Details(
            receipt=_get(data, "receipt"),
            description=_get(data, "description"),
            terms=_get(data, "terms"),
            comment=_get(data, "comment"),
            notes=Notes(_get(data, "notes")),
            date=_get(data, "date"),
            expire_by=_get(data, "expire_by"),
            partial_payment=_get(data, "partial_payment"),
            view_less=_get(data, "view_less"),
            billing_start=_get(data, "billing_start"),
            billing_end=_get(data, "billing_end"),
            group_taxes_discounts=_get(data, "group_taxes_discounts"),
        ),
        customer=_load_customer(_get(data, "customer_details")),
        line_items=tuple(
            _load_line_item(line, currency, f"line_items[{index}]")
            for index, line in enumerate(lines)
        ),
        order=None
        if order_id is None
        else Order(
            id=order_id,
            amount_paid=_get(data, "amount_paid"),
            payment_id=_get(data, "payment_id"),
        ),
        short_url=_get(data, "short_url"),
        notifications=Notifications(
            sms_status=_get(data, "sms_status"), email_status=_get(data, "email_status")
        ),
        idempotency_key=_get(data, "idempotency_key"),
    )
    _check_derived(
        data,
        render_invoice(invoice),
        ("invoice_number", "customer_id", "amount_paid", "payment_id", *_DERIVED),
    )
    check_invariants(invoice)
    return invoice


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

_DERIVED: Final = (
    "gross_amount",
    "tax_amount",
    "taxable_amount",
    "amount",
    "amount_due",
    "entity",
    "type",
)
_LINE_DERIVED: Final = ("unit_amount", "gross_amount", "tax_amount", "taxable_amount", "net_amount")


def _object(value: object, name: str) -> dict[str, object]:
    if not v.is_object(value):
        raise errors.MUST_BE.error(field=name or None, attribute=name, expected="an object")
    return dict(value)


def _value(member: object) -> object:
    return getattr(member, "value", member)


def _get(data: Mapping[str, object], key: str) -> Any:  # noqa: ANN401 - the entities check types
    if key not in data:
        raise errors.REQUIRED.error(field=key, attribute=v.attribute_label(key))
    return data[key]


def render_customer_details(customer: Customer | None) -> dict[str, Any]:
    """``customer_details``: ten keys, all null without a customer."""
    if customer is None:
        return dict.fromkeys(CUSTOMER_DETAILS_KEYS)
    return {
        "id": customer.id,
        "name": customer.name,
        "email": customer.email,
        "contact": customer.contact,
        "gstin": customer.gstin,
        "billing_address": _render_address(customer.billing_address),
        "shipping_address": _render_address(customer.shipping_address),
        "customer_name": customer.name,
        "customer_email": customer.email,
        "customer_contact": customer.contact,
    }


def _render_address(address: Address | None) -> dict[str, Any] | None:
    if address is None:
        return None
    return {
        "id": address.id,
        "type": address.type.value,
        "primary": address.primary,
        "line1": address.line1,
        "line2": address.line2,
        "zipcode": address.zipcode,
        "city": address.city,
        "state": address.state,
        "country": address.country,
    }


def _load_customer(value: object) -> Customer | None:
    if value is None:
        return None
    data = _object(value, "customer_details")
    fields = {key: data.get(key) for key in CUSTOMER_DETAILS_KEYS[:7]}
    if all(field is None for field in fields.values()):
        return None
    customer = Customer(
        id=fields["id"],  # type: ignore[arg-type]
        name=fields["name"],  # type: ignore[arg-type]
        email=fields["email"],  # type: ignore[arg-type]
        contact=fields["contact"],  # type: ignore[arg-type]
        gstin=fields["gstin"],  # type: ignore[arg-type]
        billing_address=_load_address(fields["billing_address"], "billing_address"),
        shipping_address=_load_address(fields["shipping_address"], "shipping_address"),
    )
    _check_derived(
        data,
        render_customer_details(customer),
        ("customer_name", "customer_email", "customer_contact"),
    )
    return customer


def _load_address(value: object, where: str) -> Address | None:
    if value is None:
        return None
    data = _object(value, where)
    return Address(**{key: _get(data, key) for key in ADDRESS_KEYS})


def _load_line_item(value: object, currency: str, where: str) -> LineItem:
    data = _object(value, where)
    taxes = _get(data, "taxes")
    if not isinstance(taxes, list) or len(taxes) > limits.MAX_TAXES:
        raise errors.MUST_BE.error(field=f"{where}.taxes", attribute="taxes", expected="an array")
    line = LineItem(
        id=_get(data, "id"),
        item_id=_get(data, "item_id"),
        ref_id=data.get("ref_id"),  # type: ignore[arg-type]
        ref_type=data.get("ref_type"),  # type: ignore[arg-type]
        name=_get(data, "name"),
        description=_get(data, "description"),
        amount=_get(data, "amount"),
        currency=_get(data, "currency") or currency,
        type=_get(data, "type"),
        tax_inclusive=_get(data, "tax_inclusive"),
        hsn_code=_get(data, "hsn_code"),
        sac_code=_get(data, "sac_code"),
        tax_rate=_get(data, "tax_rate"),
        unit=_get(data, "unit"),
        quantity=_get(data, "quantity"),
        taxes=tuple(_load_tax(tax, f"{where}.taxes[{n}]") for n, tax in enumerate(taxes)),
    )
    _check_derived(data, render_line_item(line), _LINE_DERIVED)
    return line


def _load_tax(value: object, where: str) -> Tax:
    data = _object(value, where)
    return Tax(**{key: _get(data, key) for key in TAX_ENTITY_KEYS if key != "tax_amount"})


def _check_derived(
    given: Mapping[str, object], rendered: Mapping[str, object], keys: tuple[str, ...]
) -> None:
    for key in keys:
        if key in given and given[key] != rendered[key]:
            raise errors.ENTITY_INCONSISTENT.error(field=key, attribute=key)
