"""Razorpay's JSON out (and back in): entities rendered with every key in Razorpay's order.

Renderers give Razorpay's entities; ``load_invoice`` reads an entity back. The
requests (what a client sends) are parsed by ``invoicecore.requests``, from
ordered rule tables. Work is bounded by the limits, not by the input.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

import attrs

from invoicecore import _validators as v
from invoicecore import errors, limits
from invoicecore.amounts import Tax
from invoicecore.entities import (
    INVOICE_TYPE,
    Address,
    Customer,
    Details,
    Invoice,
    Item,
    Lifecycle,
    LineItem,
    Notes,
    Notifications,
    NotificationStatus,
    Order,
    Status,
)
from invoicecore.invariants import _check_just_built

__all__ = [
    "ADDRESS_KEYS",
    "CUSTOMER_DETAILS_KEYS",
    "CUSTOMER_ENTITY_KEYS",
    "INVOICE_KEYS",
    "ITEM_ENTITY_KEYS",
    "LINE_ITEM_ENTITY_KEYS",
    "SERVER_ERROR_DESCRIPTION",
    "TAX_ENTITY_KEYS",
    "changed_entity_values",
    "load_customer",
    "load_invoice",
    "load_item",
    "render_collection",
    "render_customer",
    "render_customer_details",
    "render_error",
    "render_invoice",
    "render_item",
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
CUSTOMER_ENTITY_KEYS: Final = (
    "id",
    "entity",
    "name",
    "email",
    "contact",
    "gstin",
    "billing_address",
    "shipping_address",
    "notes",
    "created_at",
)
"""The keys of the customer entity ``render_customer`` gives, in order."""

ITEM_ENTITY_KEYS: Final = (
    "id",
    "active",
    "name",
    "description",
    "amount",
    "unit_amount",
    "currency",
    "type",
    "unit",
    "tax_inclusive",
    "hsn_code",
    "sac_code",
    "tax_rate",
    "tax_id",
    "tax_group_id",
    "created_at",
)
"""The keys of the item entity ``render_item`` gives, in order."""

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
_SERVER_ERROR_STATUS: Final = 500
SERVER_ERROR_DESCRIPTION: Final = "The server could not complete the request."
"""The description ``render_error`` gives an error that is not the client's (a 500)."""


# ---------------------------------------------------------------------------
# Entities
# ---------------------------------------------------------------------------


def render_invoice(invoice: Invoice) -> dict[str, Any]:
    """Razorpay's invoice entity: the 39 keys in order, derived fields filled in.

    Each call gives a new value the caller may change. The last few invoices
    rendered are remembered by identity (entities are immutable): rendering the
    same object again (the response after a write, then the next call's
    "before", a fetch) copies the remembered entity, and an invoice that holds
    a remembered invoice's very line items (a transition keeps them) reuses
    their rendering.
    """
    v.check_type(invoice, Invoice, "invoice", "an Invoice")
    return _fresh(_remembered(invoice))


def changed_entity_values(before: Invoice, after: Invoice) -> dict[str, Any]:
    """The keys of ``after``'s entity whose value differs from ``before``'s, in entity order.

    The values are ``after``'s, new values the caller may change (what
    ``InvoiceUpdated.changes`` holds); the two entities are compared as
    remembered, not copied.
    """
    v.check_type(before, Invoice, "invoice", "an Invoice")  # render_invoice's own message
    v.check_type(after, Invoice, "invoice", "an Invoice")
    old = _remembered(before)
    new = _remembered(after)
    return _fresh({key: value for key, value in new.items() if old[key] != value})


def _remembered(invoice: Invoice) -> dict[str, Any]:
    """The invoice's entity, remembered or rendered now (and remembered): never handed out."""
    lines: list[dict[str, Any]] | None = None
    for remembered, entity in _RECENT:
        if remembered is invoice:
            return entity
        if remembered is not None and remembered.line_items is invoice.line_items:
            lines = entity["line_items"]
    entity = _render_invoice(invoice, lines)
    _RECENT[next(_SLOT)] = (invoice, entity)
    return entity


_RECENT: Final[list[tuple[Invoice | None, dict[str, Any]]]] = [(None, {})] * 4
"""The last invoices rendered and their entities, never handed out (``_fresh`` copies).

The module's only state, a cache that changes no result. Threads may share it:
a slot is replaced by one whole ``(invoice, entity)`` tuple, so a reader sees
an invoice with its own entity or misses."""
_SLOT: Final = itertools.cycle(range(len(_RECENT)))
"""Where the next rendered invoice is remembered: the oldest slot."""


def _fresh(entity: dict[str, Any]) -> dict[str, Any]:
    """A copy of a rendered invoice entity, or of some of its keys, that shares no dict or
    list with it.

    Written for the entity's shape (its nested objects and arrays are named in
    ``_NESTED``), which is several times cheaper than a generic deep copy; a
    property test holds it to "equal, and nothing shared" for every drawn invoice.
    """
    copy = entity.copy()
    for key, fresh in _NESTED:
        if key in copy:
            copy[key] = fresh(copy[key])
    return copy


def _fresh_customer(details: dict[str, Any]) -> dict[str, Any]:
    copy = details.copy()
    for key in ("billing_address", "shipping_address"):
        if copy[key] is not None:
            copy[key] = copy[key].copy()
    return copy


def _fresh_lines(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**line, "taxes": [tax.copy() for tax in line["taxes"]]} for line in lines]


def _fresh_notes(notes: dict[str, Any] | list[Any]) -> dict[str, Any] | list[Any]:
    return notes.copy()  # an object of notes, or [] for none (Razorpay's empty notes)


_NESTED: Final = (
    ("customer_details", _fresh_customer),
    ("line_items", _fresh_lines),
    ("notes", _fresh_notes),
)
"""The entity's keys whose values hold dicts or lists, each with its copier (``_fresh``)."""


def _render_invoice(invoice: Invoice, lines: list[dict[str, Any]] | None) -> dict[str, Any]:
    """The entity; ``lines``: the rendering of ``invoice.line_items`` if already made."""
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
        "line_items": [render_line_item(line) for line in invoice.line_items]
        if lines is None
        else lines,
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


def render_error(error: errors.InvoiceError, *, include_code: bool = False) -> dict[str, Any]:
    """Razorpay's error envelope (decisions.md): BAD_REQUEST_ERROR, business, validation.

    ``include_code=True`` puts the stable code in ``metadata``
    (``{"code": "..."}``) for clients that branch on it; by default the envelope
    is Razorpay's exactly. An error that is not the client's (``http_status``
    500: ``EmbedderError``, ``CorruptEntityError``) renders as Razorpay's
    ``SERVER_ERROR`` with a fixed description, so no internal detail reaches
    the client; the exception keeps the detail for the service's log.
    """
    if not isinstance(error, errors.InvoiceError):
        raise errors.MUST_BE.error(field="error", attribute="error", expected="an InvoiceError")
    metadata: dict[str, Any] = {"code": error.code} if include_code else {}
    if errors.http_status(error) >= _SERVER_ERROR_STATUS:
        return {
            "error": {
                "code": "SERVER_ERROR",
                "description": SERVER_ERROR_DESCRIPTION,
                "field": None,
                "source": "internal",
                "step": "NA",
                "reason": "NA",
                "metadata": metadata,
            }
        }
    return {
        "error": {
            "code": _ERROR_ENVELOPE["code"],
            "description": error.description,
            "field": error.field,
            "source": _ERROR_ENVELOPE["source"],
            "step": _ERROR_ENVELOPE["step"],
            "reason": _ERROR_ENVELOPE["reason"],
            "metadata": metadata,
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

    The derived fields are compared with the figures the entities already
    hold (computed once, cached), not with a second rendering, so loading
    costs about what building the entities costs.
    """
    data: dict[str, Any] = _object(entity, "invoice")
    _require(data, _INVOICE_READ_KEYS)
    currency = data["currency"] or "INR"
    order_id = data["order_id"]
    lines = data["line_items"]
    if not isinstance(lines, list):
        raise errors.MUST_BE.error(field="line_items", attribute="line items", expected="an array")
    if len(lines) > limits.MAX_LINE_ITEMS:
        raise errors.TOO_MANY_LINE_ITEMS.error(field="line_items", limit=limits.MAX_LINE_ITEMS)
    line_data = [
        line if type(line) is dict else _object(line, f"line_items[{index}]")
        for index, line in enumerate(lines)
    ]
    customer_data = _customer_details_data(data["customer_details"])
    invoice: Invoice = _NEW_INVOICE(  # the fields in Invoice's order, then its checks
        data["id"],  # id
        data["created_at"],  # created_at
        currency,
        Lifecycle(
            status=_member(_STATUSES, data["status"]),
            issued_at=data["issued_at"],
            paid_at=data["paid_at"],
            cancelled_at=data["cancelled_at"],
            expired_at=data["expired_at"],
        ),
        Details(
            receipt=data["receipt"],
            description=data["description"],
            terms=data["terms"],
            comment=data["comment"],
            notes=Notes(data["notes"]),
            date=data["date"],
            expire_by=data["expire_by"],
            partial_payment=data["partial_payment"],
            view_less=data["view_less"],
            billing_start=data["billing_start"],
            billing_end=data["billing_end"],
            group_taxes_discounts=data["group_taxes_discounts"],
        ),
        None if customer_data is None else _customer_from(customer_data),  # customer
        tuple(  # line_items
            [_line_item_from(line, currency, index) for index, line in enumerate(line_data)]
        ),
        None  # order
        if order_id is None
        else Order(
            id=order_id,
            amount_paid=_get(data, "amount_paid"),
            payment_id=_get(data, "payment_id"),
        ),
        data["short_url"],  # short_url
        Notifications(
            sms_status=_member(_NOTIFICATION_STATUSES, data["sms_status"]),
            email_status=_member(_NOTIFICATION_STATUSES, data["email_status"]),
        ),
        data["idempotency_key"],  # idempotency_key
    )
    _check_invoice_derived(invoice, data, customer_data, line_data)
    _check_just_built(invoice)
    return invoice


def render_customer(customer: Customer, *, created_at: int) -> dict[str, Any]:
    """Razorpay's customer entity (``POST /v1/customers``), as the book answers it.

    ``created_at`` is passed in (the customer snapshot does not hold it); the
    snapshot has no notes, so ``notes`` renders as Razorpay's empty ``[]``.
    """
    v.check_type(customer, Customer, "customer", "a Customer")
    created_at = v.check_integer(created_at, "created_at")
    return {
        "id": customer.id,
        "entity": "customer",
        "name": customer.name,
        "email": customer.email,
        "contact": customer.contact,
        "gstin": customer.gstin,
        "billing_address": _render_address(customer.billing_address),
        "shipping_address": _render_address(customer.shipping_address),
        "notes": [],
        "created_at": created_at,
    }


def load_customer(entity: object) -> Customer:
    """A ``Customer`` from the entity ``render_customer`` gives; ``load(render(c)) == c``.

    Every key is required; ``entity`` must be ``"customer"`` and ``notes``
    empty (the snapshot keeps none, so loading other notes would lose them).
    """
    data = _object(entity, "customer")
    for key in CUSTOMER_ENTITY_KEYS:
        _get(data, key)
    limits.refuse_extras(data, CUSTOMER_ENTITY_KEYS)
    if data["entity"] != "customer":
        raise errors.ENTITY_INCONSISTENT.error(field="entity", attribute="entity")
    if data["notes"] not in ([], {}):
        raise errors.ENTITY_INCONSISTENT.error(field="notes", attribute="notes")
    v.check_integer(data["created_at"], "created_at")
    return _customer_from(data)


def render_item(item: Item, *, created_at: int) -> dict[str, Any]:
    """Razorpay's item entity (``POST /v1/items``), as the book answers it.

    ``unit_amount`` repeats ``amount``; ``tax_id`` and ``tax_group_id`` are
    null, since items here carry no tax references.
    """
    v.check_type(item, Item, "item", "an Item")
    created_at = v.check_integer(created_at, "created_at")
    return {
        "id": item.id,
        "active": item.active,
        "name": item.name,
        "description": item.description,
        "amount": item.amount,
        "unit_amount": item.amount,
        "currency": item.currency,
        "type": item.type,
        "unit": item.unit,
        "tax_inclusive": item.tax_inclusive,
        "hsn_code": item.hsn_code,
        "sac_code": item.sac_code,
        "tax_rate": item.tax_rate,
        "tax_id": None,
        "tax_group_id": None,
        "created_at": created_at,
    }


def load_item(entity: object) -> Item:
    """An ``Item`` from the entity ``render_item`` gives; ``load(render(i)) == i``.

    Every key is required; ``unit_amount`` must equal ``amount`` and the tax
    references must be null, as ``render_item`` writes them.
    """
    data: dict[str, Any] = _object(entity, "item")
    for key in ITEM_ENTITY_KEYS:
        _get(data, key)
    limits.refuse_extras(data, ITEM_ENTITY_KEYS)
    item = Item(**{key: data[key] for key in ITEM_ENTITY_KEYS if key in _ITEM_FIELDS})
    v.check_integer(data["created_at"], "created_at")
    _check_derived(data, render_item(item, created_at=data["created_at"]), _ITEM_DERIVED)
    return item


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

_STATUSES: Final[Mapping[object, object]] = {status.value: status for status in Status}
_NOTIFICATION_STATUSES: Final[Mapping[object, object]] = {
    status.value: status for status in NotificationStatus
}


def _member(members: Mapping[object, object], value: object) -> Any:  # noqa: ANN401
    """The enum member a string names, found by one lookup; anything else as given.

    The entity's converter then has nothing to search, and still refuses what
    names no member with its own message.
    """
    try:
        return members.get(value, value)
    except TypeError:  # an unhashable value: the converter refuses it
        return value


def _read_keys(*ordered: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """Keys a loader reads: in the order their absence is reported, and as a set to test at once."""
    return ordered, frozenset(ordered)


_INVOICE_READ_KEYS: Final = _read_keys(
    "currency",
    "order_id",
    "line_items",
    "customer_details",
    "id",
    "created_at",
    "status",
    "issued_at",
    "paid_at",
    "cancelled_at",
    "expired_at",
    "receipt",
    "description",
    "terms",
    "comment",
    "notes",
    "date",
    "expire_by",
    "partial_payment",
    "view_less",
    "billing_start",
    "billing_end",
    "group_taxes_discounts",
    "short_url",
    "sms_status",
    "email_status",
    "idempotency_key",
)
_LINE_READ_KEYS: Final = _read_keys(
    "taxes",
    "id",
    "item_id",
    "name",
    "description",
    "amount",
    "currency",
    "type",
    "tax_inclusive",
    "hsn_code",
    "sac_code",
    "tax_rate",
    "unit",
    "quantity",
)
_LINE_VALUES: Final = operator.itemgetter(*_LINE_READ_KEYS[0])
_ITEM_DERIVED: Final = ("unit_amount", "tax_id", "tax_group_id")
_ITEM_FIELDS: Final = frozenset(attrs.fields_dict(Item))


def _object(value: object, name: str) -> dict[str, object]:
    if not v.is_object(value):
        raise errors.MUST_BE.error(field=name or None, attribute=name, expected="an object")
    # Loaders only read it: a plain dict is read in place, another mapping once.
    return value if type(value) is dict else dict(value)


def _value(member: object) -> object:
    return getattr(member, "value", member)


def _require(data: Mapping[str, object], keys: tuple[tuple[str, ...], frozenset[str]]) -> None:
    """Every key of ``keys`` present (one set comparison), else the first missing one's error."""
    ordered, present = keys
    if not present <= data.keys():
        for key in ordered:
            _get(data, key)


def _get(data: Mapping[str, object], key: str) -> Any:  # noqa: ANN401 - the entities check types
    if key not in data:
        raise errors.REQUIRED.error(field=key, attribute=v.attribute_label(key))
    return data[key]


def render_customer_details(customer: Customer | None) -> dict[str, Any]:
    """``customer_details``: ten keys, all null without a customer."""
    if customer is None:
        return dict.fromkeys(CUSTOMER_DETAILS_KEYS)
    v.check_type(customer, Customer, "customer", "a Customer or None")
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


_CUSTOMER_NAMING: Final = CUSTOMER_DETAILS_KEYS[:7]
"""The keys of ``customer_details`` that name a customer (the rest are copies)."""


def _customer_details_data(value: object) -> dict[str, object] | None:
    """``customer_details`` as a dict, or ``None`` when it names no customer (all null)."""
    if value is None:
        return None
    data = _object(value, "customer_details")
    if list(map(data.get, _CUSTOMER_NAMING)).count(None) == len(_CUSTOMER_NAMING):
        return None
    return data


def _customer_from(data: Mapping[str, object]) -> Customer:
    return Customer(
        id=data.get("id"),  # type: ignore[arg-type]
        name=data.get("name"),  # type: ignore[arg-type]
        email=data.get("email"),  # type: ignore[arg-type]
        contact=data.get("contact"),  # type: ignore[arg-type]
        gstin=data.get("gstin"),  # type: ignore[arg-type]
        billing_address=_load_address(data.get("billing_address"), "billing_address"),
        shipping_address=_load_address(data.get("shipping_address"), "shipping_address"),
    )


def _load_address(value: object, where: str) -> Address | None:
    if value is None:
        return None
    data = _object(value, where)
    return Address(**{key: _get(data, key) for key in ADDRESS_KEYS})


def _line_item_from(data: Mapping[str, object], currency: str, index: int) -> LineItem:
    try:
        values = _LINE_VALUES(data)
    except KeyError:
        _require(data, _LINE_READ_KEYS)
        raise  # pragma: no cover - _require names the missing key
    (
        taxes,
        id,
        item_id,
        name,
        description,
        amount,
        line_currency,
        kind,
        tax_inclusive,
        hsn_code,
        sac_code,
        tax_rate,
        unit,
        quantity,
    ) = values
    if not isinstance(taxes, list) or len(taxes) > limits.MAX_TAXES:
        raise errors.MUST_BE.error(
            field=f"line_items[{index}].taxes", attribute="taxes", expected="an array"
        )
    return _NEW_LINE_ITEM(  # the fields in LineItem's order, then its checks
        id,
        item_id,
        data.get("ref_id"),
        data.get("ref_type"),
        name,
        description,
        amount,
        line_currency or currency,
        kind,  # type
        tax_inclusive,
        hsn_code,
        sac_code,
        tax_rate,
        unit,
        quantity,
        tuple(_load_tax(tax, f"line_items[{index}].taxes[{n}]") for n, tax in enumerate(taxes))
        if taxes
        else (),
    )


_NEW_LINE_ITEM: Final = v.slot_constructor(LineItem, check=True)
"""``LineItem``'s fields in order, stored, then every check ``LineItem(...)`` makes."""
_NEW_INVOICE: Final = v.slot_constructor(Invoice, check=True)
"""``Invoice``'s fields in order, stored, then every check ``Invoice(...)`` makes."""


def _check_invoice_derived(
    invoice: Invoice,
    data: Mapping[str, object],
    customer_data: Mapping[str, object] | None,
    line_data: list[dict[str, object]],
) -> None:
    """The derived fields: the customer's copies, each line's figures, then the invoice's.

    Each group is compared as one tuple when every key is present (the usual
    case); otherwise, or on a mismatch, key by key to name the first wrong one.
    """
    customer = invoice.customer
    if customer is not None and customer_data is not None:
        _check_values(
            customer_data,
            _CUSTOMER_COPIES,
            (customer.name, customer.email, customer.contact),
        )
    for given, line in zip(line_data, invoice.line_items, strict=True):
        totals = line.totals
        _check_values(
            given,
            _LINE_FIGURES,
            (
                line.amount,
                totals.gross_amount,
                totals.tax_amount,
                totals.taxable_amount,
                totals.net_amount,
            ),
        )
    figures = invoice.totals
    _check_values(
        data,
        _INVOICE_FIGURES,
        (
            invoice.details.receipt,
            invoice.customer_id,
            invoice.amount_paid,
            invoice.payment_id,
            figures.gross_amount,
            figures.tax_amount,
            figures.taxable_amount,
            figures.amount,
            invoice.amount_due,
            "invoice",
            INVOICE_TYPE,
        ),
    )


def _derived(*keys: str) -> tuple[tuple[str, ...], Callable[[Mapping[str, object]], object]]:
    """Derived keys, and a getter that reads them all at once (a tuple, as ``expected`` is)."""
    getter = operator.itemgetter(*keys)
    return keys, getter


_CUSTOMER_COPIES: Final = _derived("customer_name", "customer_email", "customer_contact")
_LINE_FIGURES: Final = _derived(
    "unit_amount", "gross_amount", "tax_amount", "taxable_amount", "net_amount"
)
_INVOICE_FIGURES: Final = _derived(
    "invoice_number",
    "customer_id",
    "amount_paid",
    "payment_id",
    "gross_amount",
    "tax_amount",
    "taxable_amount",
    "amount",
    "amount_due",
    "entity",
    "type",
)


def _check_values(
    given: Mapping[str, object],
    keys: tuple[tuple[str, ...], Callable[[Mapping[str, object]], object]],
    expected: tuple[object, ...],
) -> None:
    """Each derived key that ``given`` holds must equal what the entity implies."""
    names, getter = keys
    try:
        if getter(given) == expected:
            return
    except KeyError:
        pass
    for key, value in zip(names, expected, strict=True):
        if key in given and given[key] != value:
            raise errors.ENTITY_INCONSISTENT.error(field=key, attribute=key)


def _load_tax(value: object, where: str) -> Tax:
    data = _object(value, where)
    return Tax(**{key: _get(data, key) for key in TAX_ENTITY_KEYS if key != "tax_amount"})


def _check_derived(
    given: Mapping[str, object], rendered: Mapping[str, object], keys: tuple[str, ...]
) -> None:
    for key in keys:
        if key in given and given[key] != rendered[key]:
            raise errors.ENTITY_INCONSISTENT.error(field=key, attribute=key)
