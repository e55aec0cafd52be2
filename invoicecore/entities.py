"""The invoice and what it holds, as frozen values.

Fields that change together sit in small nested records (``Lifecycle``,
``Order``, ``Notifications``, ``Details``) so that a transition rebuilds only
what changed: evolving a forty-field class costs far more than evolving a few
small ones (see ``docs/design.md`` for the figures).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Final

import attrs

from invoicecore import _validators as v
from invoicecore import amounts, errors, limits
from invoicecore.amounts import Tax, _unchecked_invoice_totals, _unchecked_line_totals

__all__ = [
    "INVOICE_TYPE",
    "LINE_ITEM_TYPE",
    "Address",
    "AddressType",
    "Customer",
    "Details",
    "Invoice",
    "Item",
    "Lifecycle",
    "LineItem",
    "Medium",
    "NoteValue",
    "Notes",
    "NotificationStatus",
    "Notifications",
    "Order",
    "Status",
]

INVOICE_TYPE: Final = "invoice"
"""The only ``type`` modelled (Razorpay's ``link`` and ``ecod`` are other products)."""
LINE_ITEM_TYPE: Final = "invoice"

_fill: Final = object.__setattr__
"""Fills a frozen instance's ``_totals`` slot while its constructor runs."""


class _LineFigures:
    """The slot a line item keeps its figures in, beside its attrs fields.

    Not a ``cached_property``: on a slotted class attrs implements one with a
    class ``__getattr__``, which makes every attribute read of the class take
    CPython's slow path (about 4x a plain slot read).
    """

    __slots__ = ("_totals",)
    _totals: amounts.LineTotals


class _InvoiceFigures:
    """The slot an invoice keeps its figures in, beside its attrs fields (see ``_LineFigures``)."""

    __slots__ = ("_totals",)
    _totals: amounts.InvoiceTotals


class Status(StrEnum):
    """An invoice's status; the values are Razorpay's strings."""

    DRAFT = "draft"
    ISSUED = "issued"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    DELETED = "deleted"


class NotificationStatus(StrEnum):
    """Delivery status of one notification medium (``sms_status``, ``email_status``)."""

    PENDING = "pending"
    SENT = "sent"


class Medium(StrEnum):
    """A notification medium, as in ``/notify_by/{medium}``."""

    SMS = "sms"
    EMAIL = "email"


class AddressType(StrEnum):
    """Which of the customer's addresses this is."""

    BILLING = "billing_address"
    SHIPPING = "shipping_address"


NoteValue = str | int | float | bool | None
"""A notes value: JSON scalars only (Razorpay refuses nested values)."""

_SCALARS: Final = (str, int, float, bool, type(None))


class Notes(Mapping[str, NoteValue]):
    """Razorpay's ``notes``: an immutable, hashable, ordered key-value mapping.

    Order is kept because Razorpay echoes notes in the order they were sent,
    and equality is order- and type-sensitive (``1``, ``1.0`` and ``true``
    differ) because they render differently. Razorpay's limits hold for every
    value: at most 15 keys, keys of at most 255 characters, scalar values,
    strings of at most 512 characters, finite numbers.
    """

    __slots__ = ("_items", "_key")

    _items: Mapping[str, NoteValue]
    _key: tuple[tuple[str, type, NoteValue], ...]

    def __init__(
        self,
        items: Mapping[str, NoteValue] | Iterable[tuple[str, NoteValue]] = (),
        *,
        field: str = "notes",
    ) -> None:
        source: object = items
        if isinstance(items, (list, tuple)) and items:
            for pair in items:
                if not isinstance(pair, tuple) or len(pair) != 2:  # noqa: PLR2004 - a pair
                    raise errors.NOTES_NOT_A_DICTIONARY.error(field=field)
            try:
                source = dict(items)
            except TypeError:  # a key that cannot be a key (a list, say): not a string either
                raise errors.NOTES_NOT_A_DICTIONARY.error(field=field) from None
        data = limits.check_notes(source, field)  # the one home of Razorpay's notes rules
        for value in data.values():
            if isinstance(value, float) and not math.isfinite(value):
                # NaN is not JSON and is not even equal to itself.
                raise errors.MUST_BE.error(
                    field=field, attribute="notes value", expected="a finite number"
                )
        # A read-only view: nothing reaches the dict behind it, so no caller can
        # change a value that is hashed and shared.
        object.__setattr__(self, "_items", MappingProxyType(data))

    @classmethod
    def _trusted(cls, data: dict[str, NoteValue]) -> Notes:
        """Notes from a fresh dict already held to every rule above (the request parser's)."""
        if cls is not Notes:
            notes = object.__new__(cls)
            object.__setattr__(notes, "_items", MappingProxyType(data))
            return notes
        # Filled as the twin below (plain stores), then given its class: half the cost.
        made = _NOTES_TWIN()
        made._items = MappingProxyType(data)  # noqa: SLF001 - its own class's slot
        made.__class__ = Notes
        return made  # type: ignore[no-any-return]

    def __getitem__(self, key: str) -> NoteValue:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(self._identity())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Notes):
            return self._identity() == other._identity()
        return NotImplemented

    def _identity(self) -> tuple[tuple[str, type, NoteValue], ...]:
        """What equality and the hash compare: keys, values and their types, in order.

        Made on first use and kept: most notes are built, rendered and never compared.
        """
        try:
            return self._key
        except AttributeError:
            key = tuple((k, type(x), x) for k, x in self._items.items())
            object.__setattr__(self, "_key", key)
            return key

    def __repr__(self) -> str:
        return f"Notes({dict(self._items)!r})"

    def __setattr__(self, name: str, value: object) -> None:
        raise attrs.exceptions.FrozenInstanceError

    def __delattr__(self, name: str) -> None:
        raise attrs.exceptions.FrozenInstanceError

    def __reduce__(self) -> tuple[type[Notes], tuple[tuple[tuple[str, NoteValue], ...]]]:
        return (Notes, (tuple(self._items.items()),))


_NOTES_TWIN: Final[Any] = type(
    "_NotesTwin",
    (Notes,),
    {
        "__slots__": (),
        "__init__": object.__init__,
        "__setattr__": object.__setattr__,
        "__delattr__": object.__delattr__,
    },
)
"""Notes being made by ``Notes._trusted``: an empty-slotted subclass with plain stores."""


def _to_address_type(value: object) -> AddressType:
    return v.to_enum(AddressType, value, "type")


def _to_status(value: object) -> Status:
    return v.to_enum(Status, value, "status")


def _to_sms_status(value: object) -> NotificationStatus | None:
    return None if value is None else v.to_enum(NotificationStatus, value, "sms_status")


def _to_email_status(value: object) -> NotificationStatus | None:
    return None if value is None else v.to_enum(NotificationStatus, value, "email_status")


def _notes(value: object) -> Notes:
    return value if isinstance(value, Notes) else Notes(value)  # type: ignore[arg-type]


_ADDRESS_TEXT: Final = v.text(maximum=limits.MAX_ADDRESS_LENGTH)


def _currency_code(_instance: object, _attribute: object, value: object) -> None:
    amounts.get_currency(value)


v.passes_when(_currency_code, "(type({x}) is str and {x} in {K})", amounts.CURRENCIES)


@attrs.frozen(kw_only=True, field_transformer=v.checked_once)
class Address:
    """A customer address as Razorpay renders it (``country`` in lowercase ISO-2)."""

    id: str | None = attrs.field(default=None, validator=v.optional_string)
    type: AddressType = attrs.field(converter=_to_address_type)
    primary: bool = attrs.field(default=True, validator=v.boolean)
    line1: str | None = attrs.field(default=None, validator=_ADDRESS_TEXT)
    line2: str | None = attrs.field(default=None, validator=_ADDRESS_TEXT)
    zipcode: str | None = attrs.field(default=None, validator=_ADDRESS_TEXT)
    city: str | None = attrs.field(default=None, validator=_ADDRESS_TEXT)
    state: str | None = attrs.field(default=None, validator=_ADDRESS_TEXT)
    country: str | None = attrs.field(default=None, validator=_ADDRESS_TEXT)

    def __attrs_post_init__(self) -> None:
        _CHECK_ADDRESS(self)


_CHECK_ADDRESS: Final = v.field_check(Address)


def _address_of_type(kind: AddressType) -> Callable[..., None]:
    check = v.instance_of(Address, "an Address", optional=True)

    def validate(instance: object, attribute: attrs.Attribute[object], value: object) -> None:
        check(instance, attribute, value)
        if isinstance(value, Address) and value.type is not kind:
            raise errors.INVALID_SELECTION.error(
                field=attribute.name, attribute=v.attribute_label(attribute.name)
            )

    return v.passes_when(
        validate, "({x} is None or (type({x}) is {K}[0] and {x}.type is {K}[1]))", (Address, kind)
    )


@attrs.frozen(kw_only=True, field_transformer=v.checked_once)
class Customer:
    """The invoice's snapshot of its customer (``customer_details``).

    Editing a draft's customer changes only this snapshot; ``id`` keeps naming
    the customer it was taken from (reference section 1.3).
    """

    id: str | None = attrs.field(default=None, validator=v.optional_string)
    name: str | None = attrs.field(
        default=None, validator=v.text(maximum=limits.MAX_CUSTOMER_NAME_LENGTH)
    )
    email: str | None = attrs.field(default=None, validator=v.text(maximum=limits.MAX_EMAIL_LENGTH))
    contact: str | None = attrs.field(
        default=None, validator=v.text(maximum=limits.MAX_CONTACT_LENGTH)
    )
    gstin: str | None = attrs.field(default=None, validator=v.text(maximum=limits.MAX_GSTIN_LENGTH))
    billing_address: Address | None = attrs.field(
        default=None, validator=_address_of_type(AddressType.BILLING)
    )
    shipping_address: Address | None = attrs.field(
        default=None, validator=_address_of_type(AddressType.SHIPPING)
    )

    def __attrs_post_init__(self) -> None:
        _CHECK_CUSTOMER(self)


_CHECK_CUSTOMER: Final = v.field_check(Customer)


@attrs.frozen(kw_only=True, field_transformer=v.checked_once)
class Item:
    """An entry of the Items API: a template for line items (``item_id``).

    A line item takes the fields it lacks from its item; the item itself never
    changes. Only active items of type ``invoice`` can be used.
    """

    id: str = attrs.field(validator=v.string)
    name: str = attrs.field(validator=v.string)
    description: str | None = attrs.field(default=None, validator=v.optional_string)
    amount: int = attrs.field(validator=v.integer())
    currency: str = attrs.field(default="INR", validator=v.string)
    active: bool = attrs.field(default=True, validator=v.boolean)
    type: str = attrs.field(default=LINE_ITEM_TYPE, validator=v.string)
    unit: str | None = attrs.field(default=None, validator=v.optional_string)
    tax_inclusive: bool = attrs.field(default=False, validator=v.boolean)
    hsn_code: str | None = attrs.field(default=None, validator=v.optional_string)
    sac_code: str | None = attrs.field(default=None, validator=v.optional_string)
    tax_rate: int | None = attrs.field(default=None, validator=v.optional_integer())

    def __attrs_post_init__(self) -> None:
        _CHECK_ITEM(self)


_CHECK_ITEM: Final = v.field_check(Item)


@attrs.frozen(kw_only=True, field_transformer=v.checked_once)
class LineItem(_LineFigures):
    """One line of an invoice: what the merchant typed; the figures are derived.

    ``amount`` is the unit price in minor units (Razorpay's ``unit_amount`` is
    the same value). ``totals`` holds gross, tax, taxable and net amounts.
    """

    id: str = attrs.field(validator=v.string)
    item_id: str | None = attrs.field(default=None, validator=v.optional_string)
    ref_id: str | None = attrs.field(default=None, validator=v.optional_string)
    ref_type: str | None = attrs.field(default=None, validator=v.optional_string)
    name: str = attrs.field(validator=v.text(maximum=limits.MAX_NAME_LENGTH, optional=False))
    description: str | None = attrs.field(
        default=None, validator=v.text(maximum=limits.MAX_TEXT_LENGTH)
    )
    amount: int = attrs.field(validator=v.integer())
    currency: str = attrs.field(default="INR", validator=_currency_code)
    type: str = attrs.field(default=LINE_ITEM_TYPE, validator=v.string)
    tax_inclusive: bool = attrs.field(default=False, validator=v.boolean)
    hsn_code: str | None = attrs.field(
        default=None, validator=v.text(maximum=limits.MAX_CODE_LENGTH)
    )
    sac_code: str | None = attrs.field(
        default=None, validator=v.text(maximum=limits.MAX_CODE_LENGTH)
    )
    tax_rate: int | None = attrs.field(default=None, validator=v.optional_integer())
    unit: str | None = attrs.field(default=None, validator=v.text(maximum=limits.MAX_NAME_LENGTH))
    quantity: int = attrs.field(default=1, validator=v.integer(minimum=1, maximum=v.MAX_QUANTITY))
    taxes: tuple[Tax, ...] = attrs.field(default=(), validator=v.tuple_of(Tax, "Tax"))

    def __attrs_post_init__(self) -> None:
        _CHECK_LINE_ITEM(self)
        if v.blank(self.name):
            raise errors.REQUIRED.error(field="name", attribute="name")
        if self.hsn_code is not None and self.sac_code is not None:
            raise errors.HSN_AND_SAC_CODE.error(field="hsn_code")
        currency = amounts.CURRENCIES[self.currency]
        if self.amount < currency.minimum_amount:
            raise errors.AMOUNT_BELOW_MINIMUM.error(
                field="amount", minimum=currency.format(currency.minimum_amount)
            )
        if self.amount * self.quantity > v.MAX_AMOUNT:
            raise errors.AMOUNT_EXCEEDS_MAXIMUM.error(field="amount")
        if len(self.taxes) > limits.MAX_TAXES:
            raise errors.TOO_MANY_ELEMENTS.error(
                field="taxes", attribute="taxes", maximum=limits.MAX_TAXES
            )
        if self.tax_inclusive and self.taxes:
            exact = amounts.inclusive_taxable_exact(
                self.amount * self.quantity, self.quantity, self.taxes
            )
            if amounts.round_half_away_from_zero(exact) <= 0:
                raise errors.TAXES_EXCEED_GROSS.error(field="taxes")
        # The figures are needed by every invoice that holds the line: computed
        # now, into their slot (a lazy first read costs more).
        totals = _unchecked_line_totals(self)
        if self.taxes and max(totals.tax_amount, totals.net_amount) > v.MAX_AMOUNT:
            raise errors.AMOUNT_EXCEEDS_MAXIMUM.error(field="amount")
        _fill(self, "_totals", totals)

    @property
    def totals(self) -> amounts.LineTotals:
        """Gross, tax, taxable and net amounts, computed once per value."""
        try:
            return self._totals
        except AttributeError:  # made past the checks (a trusted constructor, a copy)
            totals = _unchecked_line_totals(self)
            _fill(self, "_totals", totals)
            return totals

    @property
    def unit_amount(self) -> int:
        """Razorpay's alias of ``amount``."""
        return self.amount


_CHECK_LINE_ITEM: Final = v.field_check(LineItem)


@attrs.frozen(kw_only=True, field_transformer=v.checked_once)
class Lifecycle:
    """Status and the timestamps that record reaching each status (epoch seconds)."""

    status: Status = attrs.field(converter=_to_status)
    issued_at: int | None = attrs.field(default=None, validator=v.optional_integer())
    paid_at: int | None = attrs.field(default=None, validator=v.optional_integer())
    cancelled_at: int | None = attrs.field(default=None, validator=v.optional_integer())
    expired_at: int | None = attrs.field(default=None, validator=v.optional_integer())

    def __attrs_post_init__(self) -> None:
        _CHECK_LIFECYCLE(self)


_CHECK_LIFECYCLE: Final = v.field_check(Lifecycle)


@attrs.frozen(kw_only=True, field_transformer=v.checked_once)
class Order:
    """The payment side, created when the invoice is issued (``order_id``).

    Razorpay keeps ``amount_paid`` on the order; ``payment_id`` is the latest
    captured payment (decisions.md).
    """

    id: str = attrs.field(validator=v.string)
    amount_paid: int = attrs.field(default=0, validator=v.integer())
    payment_id: str | None = attrs.field(default=None, validator=v.optional_string)

    def __attrs_post_init__(self) -> None:
        _CHECK_ORDER(self)


_CHECK_ORDER: Final = v.field_check(Order)


@attrs.frozen(kw_only=True)
class Notifications:
    """``sms_status`` and ``email_status``: ``pending``, ``sent``, or ``None`` when off."""

    sms_status: NotificationStatus | None = attrs.field(
        default=NotificationStatus.PENDING,
        converter=_to_sms_status,
    )
    email_status: NotificationStatus | None = attrs.field(
        default=NotificationStatus.PENDING,
        converter=_to_email_status,
    )

    def status_of(self, medium: Medium) -> NotificationStatus | None:
        """The status of one medium."""
        return self.sms_status if medium is Medium.SMS else self.email_status


@attrs.frozen(kw_only=True, field_transformer=v.checked_once)
class Details:
    """What the merchant writes on the invoice, apart from customer and lines."""

    receipt: str | None = attrs.field(
        default=None, validator=v.text(minimum=1, maximum=limits.MAX_RECEIPT_LENGTH)
    )
    description: str | None = attrs.field(
        default=None, validator=v.text(maximum=limits.MAX_TEXT_LENGTH)
    )
    terms: str | None = attrs.field(default=None, validator=v.text(maximum=limits.MAX_TEXT_LENGTH))
    comment: str | None = attrs.field(
        default=None, validator=v.text(maximum=limits.MAX_TEXT_LENGTH)
    )
    notes: Notes = attrs.field(factory=Notes, converter=_notes)
    date: int | None = attrs.field(default=None, validator=v.optional_integer())
    expire_by: int | None = attrs.field(default=None, validator=v.optional_integer())
    partial_payment: bool = attrs.field(default=False, validator=v.boolean)
    view_less: bool = attrs.field(default=True, validator=v.boolean)
    billing_start: int | None = attrs.field(default=None, validator=v.optional_integer())
    billing_end: int | None = attrs.field(default=None, validator=v.optional_integer())
    group_taxes_discounts: bool = attrs.field(default=False, validator=v.boolean)

    def __attrs_post_init__(self) -> None:
        _CHECK_DETAILS(self)


_CHECK_DETAILS: Final = v.field_check(Details)


@attrs.frozen(kw_only=True, field_transformer=v.checked_once)
class Invoice(_InvoiceFigures):
    """A Razorpay invoice (``type=invoice``).

    Amounts are never stored: ``totals`` derives them from the line items, and
    ``amount_due`` is ``amount - amount_paid``. The flat properties give
    Razorpay's field names for reading.
    """

    id: str = attrs.field(validator=v.string)
    created_at: int = attrs.field(validator=v.integer())
    currency: str = attrs.field(default="INR", validator=_currency_code)
    lifecycle: Lifecycle = attrs.field(validator=v.instance_of(Lifecycle, "a Lifecycle"))
    details: Details = attrs.field(factory=Details, validator=v.instance_of(Details, "Details"))
    customer: Customer | None = attrs.field(
        default=None, validator=v.instance_of(Customer, "a Customer", optional=True)
    )
    line_items: tuple[LineItem, ...] = attrs.field(
        default=(), validator=v.tuple_of(LineItem, "LineItem")
    )
    order: Order | None = attrs.field(
        default=None, validator=v.instance_of(Order, "an Order", optional=True)
    )
    short_url: str | None = attrs.field(default=None, validator=v.optional_string)
    notifications: Notifications = attrs.field(
        factory=Notifications, validator=v.instance_of(Notifications, "Notifications")
    )
    idempotency_key: str | None = attrs.field(default=None, validator=v.optional_string)

    def __attrs_post_init__(self) -> None:
        _CHECK_INVOICE(self)
        lines = self.line_items
        if len(lines) > limits.MAX_LINE_ITEMS:
            raise errors.TOO_MANY_LINE_ITEMS.error(field="line_items", limit=limits.MAX_LINE_ITEMS)
        currency = self.currency
        ids = set()
        figures = []
        for line in lines:  # one pass: each line's currency, id and figures
            if line.currency != currency:
                raise errors.CURRENCY_MISMATCH.error(field="currency")
            ids.add(line.id)
            figures.append(line.totals)
        if len(ids) != len(lines):
            raise errors.INVARIANT_VIOLATION.error(
                field="line_items", problem="a line item id appears twice"
            )
        totals = _unchecked_invoice_totals(figures)
        _fill(self, "_totals", totals)
        if lines and (
            max(totals.gross_amount or 0, totals.amount or 0, totals.tax_amount or 0) > v.MAX_AMOUNT
        ):
            raise errors.AMOUNT_EXCEEDS_MAXIMUM.error(field="amount")
        lifecycle = self.lifecycle
        issued_at = lifecycle.issued_at
        start = self.created_at if issued_at is None else issued_at
        if issued_at is not None and issued_at < self.created_at:
            raise _out_of_order("issued_at", "created_at")
        for name in ("paid_at", "cancelled_at", "expired_at"):
            moment = getattr(lifecycle, name)
            if moment is not None and moment < start:
                raise _out_of_order(name, "issued_at" if issued_at is not None else "created_at")

    @property
    def last_changed_at(self) -> int:
        """The latest timestamp the invoice records: an operation may not come before it."""
        lifecycle = self.lifecycle
        return max(
            moment
            for moment in (
                self.created_at,
                lifecycle.issued_at,
                lifecycle.paid_at,
                lifecycle.cancelled_at,
                lifecycle.expired_at,
            )
            if moment is not None
        )

    # -- derived figures ---------------------------------------------------
    @property
    def totals(self) -> amounts.InvoiceTotals:
        """The invoice's amounts, computed once per value from its line items."""
        try:
            return self._totals
        except AttributeError:  # made past the checks (a trusted constructor, a copy)
            totals = _unchecked_invoice_totals([line.totals for line in self.line_items])
            _fill(self, "_totals", totals)
            return totals

    @property
    def amount(self) -> int | None:
        return self.totals.amount

    @property
    def gross_amount(self) -> int | None:
        return self.totals.gross_amount

    @property
    def tax_amount(self) -> int | None:
        return self.totals.tax_amount

    @property
    def taxable_amount(self) -> int:
        return self.totals.taxable_amount

    @property
    def amount_paid(self) -> int | None:
        """What the order has received; ``None`` while there is no order (a draft)."""
        return None if self.order is None else self.order.amount_paid

    @property
    def amount_due(self) -> int | None:
        return amounts.amount_due(self.amount, self.amount_paid)

    @property
    def currency_symbol(self) -> str:
        return amounts.CURRENCIES[self.currency].symbol

    # -- Razorpay's flat names, for reading ---------------------------------
    @property
    def type(self) -> str:
        return INVOICE_TYPE

    @property
    def status(self) -> Status:
        return self.lifecycle.status

    @property
    def customer_id(self) -> str | None:
        return None if self.customer is None else self.customer.id

    @property
    def order_id(self) -> str | None:
        return None if self.order is None else self.order.id

    @property
    def payment_id(self) -> str | None:
        return None if self.order is None else self.order.payment_id

    @property
    def receipt(self) -> str | None:
        return self.details.receipt

    @property
    def invoice_number(self) -> str | None:
        """Razorpay's read-only mirror of ``receipt``."""
        return self.details.receipt

    @property
    def expire_by(self) -> int | None:
        return self.details.expire_by

    @property
    def partial_payment(self) -> bool:
        return self.details.partial_payment

    @property
    def notes(self) -> Notes:
        return self.details.notes


_CHECK_INVOICE: Final = v.field_check(Invoice)


def _out_of_order(later: str, earlier: str) -> errors.InvoiceError:
    return errors.INVARIANT_VIOLATION.error(field=later, problem=f"{later} is before {earlier}")
