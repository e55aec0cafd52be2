"""Hypothesis strategies for invoicecore's values (install the ``testing`` extra).

Every invoice ``invoices()`` draws is built by the library's own transitions
from a ``create``, so it is one a service could really hold. Strategies shrink
towards small, plain values: one line item, no taxes, INR, a draft.
``import invoicecore`` never imports this module (or Hypothesis).
"""

from __future__ import annotations

from typing import Final

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from invoicecore import transitions
from invoicecore._validators import MAX_AMOUNT
from invoicecore.amounts import BASIS_POINTS, CURRENCIES
from invoicecore.entities import (
    Address,
    AddressType,
    Customer,
    Details,
    Invoice,
    LineItem,
    Medium,
    Notes,
    RateType,
    Status,
    Tax,
)

__all__ = [
    "START",
    "addresses",
    "amounts",
    "customers",
    "invoices",
    "line_items",
    "notes",
    "taxes",
]

START: Final = 1_700_000_000
"""The epoch second drawn invoices are created at (shrinks every timestamp to it)."""

_TEXT: Final = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "Zs")), min_size=1, max_size=20
)


def amounts(*, currency: str = "INR", max_value: int = 10**9) -> st.SearchStrategy[int]:
    """Line-item amounts in minor units, from the currency's minimum; shrinks to the minimum."""
    _check_currency(currency)
    minimum = CURRENCIES[currency].minimum_amount
    bound: object = max_value
    if type(bound) is not int or not minimum <= max_value <= MAX_AMOUNT:
        msg = f"max_value must be an int from {minimum} to {MAX_AMOUNT}, got {max_value!r}"
        raise InvalidArgument(msg)
    return st.integers(min_value=minimum, max_value=max_value)


def addresses(*, type: AddressType = AddressType.BILLING) -> st.SearchStrategy[Address]:
    """Addresses of one type; shrinks to an address with only its id and type."""
    return st.builds(
        Address,
        id=st.integers(min_value=1, max_value=10**6).map(lambda n: f"addr_{n:014d}"),
        type=st.just(type),
        primary=st.booleans(),
        line1=st.none() | _TEXT,
        line2=st.none() | _TEXT,
        zipcode=st.none() | st.from_regex(r"\A[0-9]{6}\Z"),
        city=st.none() | _TEXT,
        state=st.none() | _TEXT,
        country=st.none() | st.sampled_from(["in", "us", "gb", "sg"]),
    )


def customers() -> st.SearchStrategy[Customer]:
    """Customer snapshots; shrinks to a customer with only an id and a name.

    Email and contact are each present or absent, so notify's checks get both cases.
    """
    return st.builds(
        Customer,
        id=st.integers(min_value=1, max_value=10**6).map(lambda n: f"cust_{n:014d}"),
        name=_TEXT,
        email=st.none() | st.emails(),
        contact=st.none() | st.from_regex(r"\A\+?[0-9]{8,14}\Z"),
        gstin=st.none(),
        billing_address=st.none() | addresses(type=AddressType.BILLING),
        shipping_address=st.none() | addresses(type=AddressType.SHIPPING),
    )


def taxes() -> st.SearchStrategy[Tax]:
    """Percentage (0..30 % in basis points) and flat taxes; shrinks to a 0 % tax."""
    return st.builds(
        Tax,
        tax_id=st.none(),
        name=_TEXT,
        rate_type=st.just(RateType.PERCENTAGE),
        rate=st.integers(min_value=0, max_value=3 * BASIS_POINTS // 10),
    ) | st.builds(
        Tax,
        tax_id=st.none(),
        name=_TEXT,
        rate_type=st.just(RateType.FLAT),
        rate=st.integers(min_value=0, max_value=1000),
    )


@st.composite
def _line_item(
    draw: st.DrawFn,
    *,
    currency: str,
    id: str,
    with_taxes: bool,
    min_amount: int = 0,
) -> LineItem:
    quantity = draw(st.integers(min_value=1, max_value=100))
    minimum = max(min_amount, CURRENCIES[currency].minimum_amount)
    amount = draw(st.integers(min_value=minimum, max_value=10**7))
    line_taxes = tuple(draw(st.lists(taxes(), max_size=3))) if with_taxes else ()
    inclusive = bool(line_taxes) and draw(st.booleans())
    if inclusive:
        # The taxable value of an inclusive line must stay positive: keep the
        # flat taxes below the gross amount.
        flat = sum(tax.rate for tax in line_taxes if tax.rate_type is RateType.FLAT)
        if flat * quantity >= amount * quantity:
            inclusive = False
    return LineItem(
        id=id,
        name=draw(_TEXT),
        description=draw(st.none() | _TEXT),
        amount=amount,
        quantity=quantity,
        currency=currency,
        tax_inclusive=inclusive,
        taxes=line_taxes,
    )


def line_items(
    *,
    currency: str = "INR",
    id: str = "li_00000000000001",
    with_taxes: bool = True,
) -> st.SearchStrategy[LineItem]:
    """Line items in ``currency``; shrinks to one unit at the minimum amount, no taxes."""
    _check_currency(currency)
    return _line_item(currency=currency, id=id, with_taxes=with_taxes)


def notes() -> st.SearchStrategy[Notes]:
    """Notes of up to 3 string keys with scalar values; shrinks to no notes."""
    values = st.none() | st.booleans() | st.integers(-1000, 1000) | _TEXT
    return st.dictionaries(_TEXT, values, max_size=3).map(Notes)


_REACHABLE: Final = tuple(Status)


@st.composite
def _invoice(  # noqa: C901 - one branch per status
    draw: st.DrawFn,
    *,
    status: Status | None,
    currency: str | None,
    partial_payment: bool | None,
    max_line_items: int,
    with_taxes: bool,
) -> Invoice:
    reachable = tuple(
        s for s in _REACHABLE if partial_payment is not False or s is not Status.PARTIALLY_PAID
    )
    wanted = draw(st.sampled_from(reachable)) if status is None else status
    code = draw(st.sampled_from(sorted(CURRENCIES))) if currency is None else currency
    count = draw(
        st.integers(min_value=1 if wanted is not Status.DRAFT else 0, max_value=max_line_items)
    )
    # A partially paid invoice needs a total of at least 2 minor units.
    min_amount = 2 if wanted is Status.PARTIALLY_PAID else 0
    lines = tuple(
        draw(
            _line_item(
                currency=code, id=f"li_{n:014d}", with_taxes=with_taxes, min_amount=min_amount
            )
        )
        for n in range(1, count + 1)
    )
    partial = draw(st.booleans()) if partial_payment is None else partial_payment
    if wanted is Status.PARTIALLY_PAID:
        partial = True
    at = START
    expire_by = None
    if wanted is Status.EXPIRED or draw(st.booleans()):
        expire_by = at + transitions.MIN_EXPIRY_SECONDS + draw(st.integers(0, 10**6))
    customer = draw(customers()) if wanted is not Status.DRAFT else draw(st.none() | customers())
    details = Details(
        receipt=draw(st.none() | _TEXT),
        description=draw(st.none() | _TEXT),
        notes=draw(notes()),
        date=at,
        expire_by=expire_by,
        partial_payment=partial,
    )
    invoice = transitions.create(
        id="inv_00000000000001",
        at=at,
        currency=code,
        customer=customer,
        line_items=lines,
        details=details,
        sms_notify=draw(st.booleans()),
        email_notify=draw(st.booleans()),
        draft=True,
    ).invoice
    if wanted is Status.DRAFT:
        return invoice
    if wanted is Status.DELETED:
        return transitions.delete(invoice, at=at).invoice
    if wanted is Status.CANCELLED and draw(st.booleans()):
        return transitions.cancel(invoice, at=at).invoice
    invoice = transitions.issue(
        invoice, at=at, order_id="order_00000000000001", short_url="https://rzp.io/i/0000001"
    ).invoice
    if wanted is Status.CANCELLED:
        return transitions.cancel(invoice, at=at + 1).invoice
    if wanted is Status.EXPIRED:
        assert expire_by is not None  # noqa: S101 - drawn above for this status
        return transitions.expire(invoice, at=expire_by).invoice
    if wanted in (Status.PAID, Status.PARTIALLY_PAID):
        total = invoice.amount or 0
        first = total
        if partial:
            first = draw(st.integers(min_value=1, max_value=total))
        if wanted is Status.PARTIALLY_PAID and first == total:
            first = total - 1
        invoice = transitions.pay(
            invoice, amount=first, payment_id="pay_00000000000001", at=at + 1
        ).invoice
        if wanted is Status.PAID and invoice.amount_due:
            invoice = transitions.pay(
                invoice, amount=invoice.amount_due, payment_id="pay_00000000000002", at=at + 2
            ).invoice
    return invoice


def invoices(
    *,
    status: Status | None = None,
    currency: str | None = None,
    partial_payment: bool | None = None,
    max_line_items: int = 5,
    with_taxes: bool = True,
) -> st.SearchStrategy[Invoice]:
    """Invoices reached through the transitions from a create.

    Shrinks towards a draft in the first currency with no line items. With
    ``status=Status.PARTIALLY_PAID`` the invoice allows partial payments and
    totals at least two minor units.
    """
    if status is not None and not isinstance(status, Status):
        raise InvalidArgument(f"status must be a Status or None, got {status!r}")
    if currency is not None:
        _check_currency(currency)
    if partial_payment is not None and not isinstance(partial_payment, bool):
        raise InvalidArgument(f"partial_payment must be a bool or None, got {partial_payment!r}")
    if status is Status.PARTIALLY_PAID and partial_payment is False:
        raise InvalidArgument("a partially_paid invoice needs partial_payment")
    limit: object = max_line_items
    if type(limit) is not int or not 1 <= max_line_items <= transitions.MAX_LINE_ITEMS:
        raise InvalidArgument(
            f"max_line_items must be an int from 1 to {transitions.MAX_LINE_ITEMS}, "
            f"got {max_line_items!r}"
        )
    return _invoice(
        status=status,
        currency=currency,
        partial_payment=partial_payment,
        max_line_items=max_line_items,
        with_taxes=with_taxes,
    )


def media() -> st.SearchStrategy[Medium]:
    """``sms`` or ``email``; shrinks to ``sms``."""
    return st.sampled_from(Medium)


def _check_currency(currency: object) -> None:
    if currency not in CURRENCIES:
        raise InvalidArgument(f"currency must be one of {sorted(CURRENCIES)}, got {currency!r}")
