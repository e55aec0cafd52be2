"""Typed requests: what a parsed payload asks for, before anything applies it.

``invoicecore.requests`` turns Razorpay's JSON into these values (parse);
``invoicecore.apply`` and ``transitions.update`` apply them. Nothing past the
parser sees a Razorpay-shaped dict: every value is checked and typed, and a
field the request did not send is ``UNSET`` (so an edit touches only what was
sent, and a line item's ``item_id`` template fills only what was left out).
"""

from __future__ import annotations

import operator
from enum import Enum
from typing import TYPE_CHECKING, Final, TypeAlias

import attrs

from invoicecore import _validators as v
from invoicecore import errors, limits
from invoicecore.amounts import Tax
from invoicecore.entities import Details, Invoice, Notes, Status

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "FETCH_DEFAULT_COUNT",
    "FETCH_MAX_COUNT",
    "UNSET",
    "AddLineItem",
    "AddressInput",
    "CapturePayment",
    "CreateCustomer",
    "CreateInvoice",
    "CreateItem",
    "CustomerInput",
    "CustomerRef",
    "EditLineItem",
    "FetchQuery",
    "KeepLineItem",
    "LineItemInput",
    "LineItemPatch",
    "Unset",
    "UpdateInvoice",
]

FETCH_DEFAULT_COUNT: Final = limits.FETCH_DEFAULT_COUNT
FETCH_MAX_COUNT: Final = limits.FETCH_MAX_COUNT


class Unset(Enum):
    """The type of ``UNSET``: a field the request did not send (``None`` is JSON's null)."""

    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = Unset.UNSET
"""A field the request left out: distinct from ``None``, which the request may send."""


def _given(value: object) -> bool:
    return value is not UNSET


@attrs.frozen(kw_only=True, weakref_slot=False)
class AddressInput:
    """A billing or shipping address as a request sends it: only the sent fields are set."""

    line1: str | Unset | None = UNSET
    line2: str | Unset | None = UNSET
    zipcode: str | Unset | None = UNSET
    city: str | Unset | None = UNSET
    state: str | Unset | None = UNSET
    country: str | Unset | None = UNSET

    def fields(self) -> dict[str, str | None]:
        """The sent fields, by name: what an edit changes."""
        sent: dict[str, str | None] = {}
        for name in ("line1", "line2", "zipcode", "city", "state", "country"):
            value = getattr(self, name)
            if value is not UNSET:
                sent[name] = value
        return sent


@attrs.frozen(kw_only=True, weakref_slot=False)
class CustomerInput:
    """An inline ``customer`` object: ``id`` (link or, with null, unset) and the snapshot fields.

    ``None`` for an address means the request sent ``null`` (remove it).
    """

    id: str | Unset | None = UNSET
    name: str | Unset | None = UNSET
    email: str | Unset | None = UNSET
    contact: str | Unset | None = UNSET
    gstin: str | Unset | None = UNSET
    billing_address: AddressInput | Unset | None = UNSET
    shipping_address: AddressInput | Unset | None = UNSET


@attrs.frozen(kw_only=True)
class CustomerRef:
    """``customer_id``: a customer the book already holds, looked up when applied."""

    id: str = attrs.field(validator=v.string)


@attrs.frozen(kw_only=True, weakref_slot=False)
class LineItemInput:
    """A ``line_items`` element's fields, checked and typed; ``UNSET`` where the element had none.

    A new line item fills the unset fields from its ``item_id``'s template,
    then from the defaults; an edit keeps the line's current values.
    """

    item_id: str | Unset | None = UNSET
    name: str | Unset | None = UNSET
    description: str | Unset | None = UNSET
    amount: int | Unset | None = UNSET
    currency: str | Unset | None = UNSET
    quantity: int | Unset = UNSET
    unit: str | Unset | None = UNSET
    tax_inclusive: bool | Unset = UNSET
    hsn_code: str | Unset | None = UNSET
    sac_code: str | Unset | None = UNSET
    tax_rate: int | Unset | None = UNSET
    taxes: tuple[Tax, ...] | Unset = UNSET

    def fields(self) -> dict[str, object]:
        """The sent fields, by name, in the element's field order."""
        return {
            name: value
            for name, value in zip(_LINE_FIELDS, _LINE_VALUES(self), strict=True)
            if value is not UNSET
        }


_LINE_FIELDS: Final = tuple(field.name for field in attrs.fields(LineItemInput))
_LINE_VALUES: Final = operator.attrgetter(*_LINE_FIELDS)


@attrs.frozen(kw_only=True, weakref_slot=False)
class KeepLineItem:
    """A patch element ``{"id": ...}`` alone: keep that line item as it is."""

    id: str


@attrs.frozen(kw_only=True, weakref_slot=False)
class EditLineItem:
    """A patch element with an ``id`` and other keys: keep that line item, with these changes."""

    id: str
    changes: LineItemInput


@attrs.frozen(kw_only=True)
class AddLineItem:
    """A patch element without an ``id``: a new line item."""

    line: LineItemInput


LineItemPatch: TypeAlias = KeepLineItem | EditLineItem | AddLineItem
"""One element of a ``line_items`` patch (Razorpay's replace-the-set rule)."""


@attrs.frozen(kw_only=True, weakref_slot=False)
class CreateInvoice:
    """``POST /v1/invoices``, checked in full: every value typed, nothing looked up yet.

    ``customer`` is a ``CustomerRef`` (``customer_id``), an inline
    ``CustomerInput``, or ``None``. The book looks the references up (customer,
    ``item_id``) when it applies the command.
    """

    draft: bool = attrs.field(default=False, validator=v.boolean)
    currency: str = attrs.field(default="INR", validator=v.string)
    details: Details = attrs.field(factory=Details, validator=v.instance_of(Details, "Details"))
    sms_notify: bool = attrs.field(default=True, validator=v.boolean)
    email_notify: bool = attrs.field(default=True, validator=v.boolean)
    customer: CustomerRef | CustomerInput | None = attrs.field(
        default=None,
        validator=v.instance_of((CustomerRef, CustomerInput), "a customer", optional=True),  # type: ignore[arg-type]
    )
    line_items: tuple[LineItemInput, ...] = attrs.field(
        default=(), validator=v.tuple_of(LineItemInput, "LineItemInput")
    )
    idempotency_key: str | None = attrs.field(default=None, validator=v.optional_string)

    @property
    def customer_id(self) -> str | None:
        """The referenced customer's id, when the request sent ``customer_id``."""
        return self.customer.id if isinstance(self.customer, CustomerRef) else None


@attrs.frozen(kw_only=True)
class UpdateInvoice:
    """``PATCH /v1/invoices/{id}``, checked: the keys sent (request order) and their typed values.

    A field the request did not send is ``UNSET``. ``line_items`` is the patch
    as typed keep/edit/add elements; ``customer`` and ``customer_id`` are
    resolved when applied.
    """

    keys: tuple[str, ...] = attrs.field(default=(), validator=v.tuple_of(str, "keys"))
    sms_notify: bool | Unset = UNSET
    email_notify: bool | Unset = UNSET
    date: int | Unset | None = UNSET
    terms: str | Unset | None = UNSET
    notes: Notes | Unset = UNSET
    comment: str | Unset | None = UNSET
    receipt: str | Unset | None = UNSET
    customer: CustomerInput | Unset | None = UNSET
    customer_id: str | Unset | None = UNSET
    line_items: tuple[LineItemPatch, ...] | Unset = UNSET
    partial_payment: bool | Unset = UNSET
    description: str | Unset | None = UNSET
    billing_start: int | Unset | None = UNSET
    billing_end: int | Unset | None = UNSET
    expire_by: int | Unset | None = UNSET
    draft: bool | Unset = UNSET

    def __attrs_post_init__(self) -> None:
        sent = {
            field.name
            for field in attrs.fields(UpdateInvoice)[1:]
            if _given(getattr(self, field.name))
        }
        if sent != set(self.keys) or len(self.keys) != len(sent):
            raise errors.MUST_BE.error(
                field="keys", attribute="keys", expected="the fields that are set, each once"
            )

    @property
    def changes(self) -> Mapping[str, object]:
        """The typed values by key, in request order (read-only)."""
        return {key: getattr(self, key) for key in self.keys}

    @property
    def issues(self) -> bool:
        """Whether the request asked a draft to be issued (``draft: "0"``)."""
        return self.draft is False


@attrs.frozen(kw_only=True)
class CapturePayment:
    """A captured payment (the simulator's ``POST /sim/invoices/{id}/payments``)."""

    amount: int
    payment_id: str


@attrs.frozen(kw_only=True)
class CreateCustomer:
    """``POST /v1/customers``: a name, contact details, notes and addresses."""

    name: str
    email: str | None = None
    contact: str | None = None
    gstin: str | None = None
    notes: Notes = attrs.field(factory=Notes)
    billing_address: AddressInput | None = None
    shipping_address: AddressInput | None = None


@attrs.frozen(kw_only=True)
class CreateItem:
    """``POST /v1/items``: a template for line items."""

    name: str
    amount: int
    currency: str = "INR"
    description: str | None = None
    active: bool = True
    unit: str | None = None


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
