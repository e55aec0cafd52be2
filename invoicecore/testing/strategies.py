"""Hypothesis strategies for invoicecore's values (install the ``testing`` extra).

Every invoice ``invoices()`` draws is built by the library's own transitions
from a ``create``, so it is one a service could really hold. Strategies shrink
towards small, plain values: one line item, no taxes, INR, a draft.
``import invoicecore`` never imports this module (or Hypothesis).
"""

from __future__ import annotations

import functools
from typing import Any, Final

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from invoicecore import transitions
from invoicecore._validators import MAX_AMOUNT, PHP_TRIMMED
from invoicecore.amounts import BASIS_POINTS, CURRENCIES, RateType, Tax
from invoicecore.entities import (
    Address,
    AddressType,
    Customer,
    Details,
    Invoice,
    LineItem,
    Medium,
    Notes,
    Status,
)
from invoicecore.statuses import UPDATABLE_KEYS

__all__ = [
    "START",
    "addresses",
    "amounts",
    "create_payloads",
    "customers",
    "invoices",
    "line_items",
    "media",
    "notes",
    "taxes",
    "update_payloads",
]

START: Final = 1_700_000_000
"""The epoch second drawn invoices are created at (shrinks every timestamp to it)."""

# How the strategies are built, for speed. Hypothesis validates a strategy the
# first time it draws from it and opens a span for every draw, so: every
# strategy drawn from is built once, at import; entities are drawn field by
# field from a few primitive strategies inside one composite (no ``st.builds``
# or ``a | b`` layers, whose spans cost more than the values); an entity's
# yes/no choices (is there an email, a city ...) come from one bounded integer.
# The entities are then built by their own validating constructors and the
# invoice by the transitions.

_LETTERS_ELSEWHERE: Final = "\u00a0\u3000अआकखगहजञ٣中文字日本語한글\U0001d49c\U0001d400𠀀"
"""Letters, digits and spaces of other scripts and planes (4-byte UTF-8 included)."""
_TEXT: Final = st.text(
    # Letters, digits and spaces up to Latin Extended-B plus a sample of other
    # scripts: all of Unicode's would make Hypothesis check each character
    # against ~740 intervals, most of each draw's cost.
    alphabet=st.characters(
        codec="utf-8",
        categories=("L", "N", "Zs"),
        max_codepoint=0x24F,
        include_characters=_LETTERS_ELSEWHERE,
    ),
    min_size=1,
    max_size=20,
).map(lambda text: text if text.strip(PHP_TRIMMED) else "A" + text[1:])
"""Never blank: Laravel's ``required`` (and every entity) refuses whitespace-only names."""
_BOOLEANS: Final = st.booleans()
_SERIALS: Final = st.integers(min_value=1, max_value=10**6)
_EMAIL_NAMES: Final = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12
)
_EMAIL_DOMAINS: Final = st.sampled_from(
    ["example.com", "example.in", "mail.example.org", "example.co.uk"]
)
_CONTACT_DIGITS: Final = st.text(alphabet="0123456789", min_size=8, max_size=14)
_ZIPCODES: Final = st.integers(min_value=0, max_value=999_999)
_COUNTRIES: Final = st.sampled_from(["in", "us", "gb", "sg"])
_MAX_PERCENTAGE: Final = 3 * BASIS_POINTS // 10
_MAX_FLAT_RATE: Final = 1000
_TAX_RATES: Final = st.integers(min_value=0, max_value=_MAX_PERCENTAGE + 1 + _MAX_FLAT_RATE)
"""0..30 % in basis points, then a flat 0..1000 minor units."""
_TAX_NAMES: Final = st.sampled_from(
    ["GST", "CGST", "SGST", "IGST", "Cess", "VAT", "TVA à 20 %", "消费税", "ضريبة القيمة المضافة"]
)
"""Real tax names, one in a non-Latin script and one with an accent (cheaper than texts)."""
_TAX_COUNTS: Final = st.sampled_from([0, 0, 0, 0, 1, 1, 1, 2, 2, 3])
"""0 to 3 taxes on a line, fewer more often; shrinks to none."""
_QUANTITIES: Final = st.integers(min_value=1, max_value=100)
_NOTE_COUNTS: Final = st.integers(min_value=0, max_value=3)
_NOTE_KINDS: Final = st.integers(min_value=0, max_value=3)
_NOTE_INTEGERS: Final = st.integers(-1000, 1000)
_CURRENCY_CODES: Final = st.sampled_from(sorted(CURRENCIES))
_EXPIRY_DELAYS: Final = st.integers(min_value=0, max_value=10**6)
_PAYMENT_PARTS: Final = st.integers(min_value=1, max_value=MAX_AMOUNT)
"""A first payment's size, folded into ``1..total``; shrinks to 1."""


@functools.cache
def _flags(count: int) -> st.SearchStrategy[int]:
    return st.integers(min_value=0, max_value=2**count - 1)


def _draw_flags(draw: st.DrawFn, count: int) -> list[bool]:
    """``count`` independent yes/no choices in one draw (each shrinks to no)."""
    drawn = draw(_flags(count))
    return [bool(drawn >> bit & 1) for bit in range(count)]


def _draw_address(draw: st.DrawFn, kind: AddressType) -> Address:
    primary, line1, line2, zipcode, city, state, country = _draw_flags(draw, 7)
    return Address(
        id=f"addr_{draw(_SERIALS):014d}",
        type=kind,
        primary=primary,
        line1=draw(_TEXT) if line1 else None,
        line2=draw(_TEXT) if line2 else None,
        zipcode=f"{draw(_ZIPCODES):06d}" if zipcode else None,
        city=draw(_TEXT) if city else None,
        state=draw(_TEXT) if state else None,
        country=draw(_COUNTRIES) if country else None,
    )


def _draw_customer(draw: st.DrawFn) -> Customer:
    # Email and contact are each present or absent, so notify's checks get both cases.
    email, contact, plus, billing, shipping = _draw_flags(draw, 5)
    return Customer(
        id=f"cust_{draw(_SERIALS):014d}",
        name=draw(_TEXT),
        email=f"{draw(_EMAIL_NAMES)}@{draw(_EMAIL_DOMAINS)}" if email else None,
        contact=("+" if plus else "") + draw(_CONTACT_DIGITS) if contact else None,
        gstin=None,
        billing_address=_draw_address(draw, AddressType.BILLING) if billing else None,
        shipping_address=_draw_address(draw, AddressType.SHIPPING) if shipping else None,
    )


def _draw_tax(draw: st.DrawFn) -> Tax:
    # One draw for the kind and the rate: percentages first, so a tax shrinks to 0 %.
    rate = draw(_TAX_RATES)
    percentage = rate <= _MAX_PERCENTAGE
    return Tax(
        tax_id=None,
        name=draw(_TAX_NAMES),
        rate_type=RateType.PERCENTAGE if percentage else RateType.FLAT,
        rate=rate if percentage else rate - _MAX_PERCENTAGE - 1,
    )


def _draw_line(
    draw: st.DrawFn, *, id: str, currency: str, with_taxes: bool, amounts: st.SearchStrategy[int]
) -> LineItem:
    quantity = draw(_QUANTITIES)
    amount = draw(amounts)
    line_taxes = tuple(_draw_tax(draw) for _ in range(draw(_TAX_COUNTS))) if with_taxes else ()
    inclusive, described = _draw_flags(draw, 2)
    # The taxable value of an inclusive line must stay positive: keep the flat
    # taxes below the gross amount.
    flat = sum(tax.rate for tax in line_taxes if tax.rate_type is RateType.FLAT)
    return LineItem(
        id=id,
        name=draw(_TEXT),
        description=draw(_TEXT) if described else None,
        amount=amount,
        quantity=quantity,
        currency=currency,
        tax_inclusive=inclusive and bool(line_taxes) and flat < amount,
        taxes=line_taxes,
    )


def _draw_notes(draw: st.DrawFn) -> Notes:
    drawn: dict[str, str | int | bool | None] = {}
    for _ in range(draw(_NOTE_COUNTS)):
        key, kind = draw(_TEXT), draw(_NOTE_KINDS)
        if kind == 0:
            drawn[key] = None
        elif kind == 1:
            drawn[key] = draw(_BOOLEANS)
        elif kind == 2:  # noqa: PLR2004 - the kinds of a note's value, in order
            drawn[key] = draw(_NOTE_INTEGERS)
        else:
            drawn[key] = draw(_TEXT)
    return Notes(drawn)


@functools.cache
def _line_amounts(currency: str, min_amount: int) -> st.SearchStrategy[int]:
    minimum = max(min_amount, CURRENCIES[currency].minimum_amount)
    return st.integers(min_value=minimum, max_value=10**7)


def amounts(*, currency: str = "INR", max_value: int = 10**9) -> st.SearchStrategy[int]:
    """Line-item amounts in minor units, from the currency's minimum; shrinks to the minimum.

    Raises ``InvalidArgument`` at once for a ``currency`` that is not one of
    ``CURRENCIES``' codes and a ``max_value`` that is not an int from the
    currency's minimum to ``MAX_AMOUNT``.
    """
    _check_currency(currency)
    minimum = CURRENCIES[currency].minimum_amount
    bound: object = max_value
    if type(bound) is not int or not minimum <= max_value <= MAX_AMOUNT:
        msg = f"max_value must be an int from {minimum} to {MAX_AMOUNT}, got {max_value!r}"
        raise InvalidArgument(msg)
    return st.integers(min_value=minimum, max_value=max_value)


_ADDRESSES: Final = {
    kind: st.composite(lambda draw, kind=kind: _draw_address(draw, kind))() for kind in AddressType
}


def addresses(*, type: AddressType = AddressType.BILLING) -> st.SearchStrategy[Address]:
    """Addresses of one type; shrinks to an address with only its id and type.

    Raises ``InvalidArgument`` at once for a ``type`` that is not an ``AddressType``.
    """
    if not isinstance(type, AddressType):
        raise InvalidArgument(f"type must be an AddressType, got {type!r}")
    return _ADDRESSES[type]


_CUSTOMERS: Final = st.composite(_draw_customer)()


def customers() -> st.SearchStrategy[Customer]:
    """Customer snapshots; shrinks to a customer with only an id and a name.

    Email and contact are each present or absent, so notify's checks get both cases.
    """
    return _CUSTOMERS


_TAXES: Final = st.composite(_draw_tax)()


def taxes() -> st.SearchStrategy[Tax]:
    """Percentage (0..30 % in basis points) and flat taxes; shrinks to a 0 % tax."""
    return _TAXES


@functools.cache
def _line_items(currency: str, id: str, with_taxes: bool) -> st.SearchStrategy[LineItem]:
    amounts = _line_amounts(currency, 0)

    @st.composite
    def line(draw: st.DrawFn) -> LineItem:
        return _draw_line(draw, id=id, currency=currency, with_taxes=with_taxes, amounts=amounts)

    return line()


def line_items(
    *,
    currency: str = "INR",
    id: str = "li_00000000000001",
    with_taxes: bool = True,
) -> st.SearchStrategy[LineItem]:
    """Line items in ``currency``; shrinks to one unit at the minimum amount, no taxes.

    Raises ``InvalidArgument`` at once for a ``currency`` that is not one of
    ``CURRENCIES``' codes, an ``id`` that is not a string and a ``with_taxes``
    that is not a bool.
    """
    _check_currency(currency)
    if not isinstance(id, str):
        raise InvalidArgument(f"id must be a str, got {_shown(id)}")
    _check_bool(with_taxes, "with_taxes")
    return _line_items(currency, id, with_taxes)


_NOTES: Final = st.composite(_draw_notes)()


def notes() -> st.SearchStrategy[Notes]:
    """Notes of up to 3 string keys with scalar values; shrinks to no notes."""
    return _NOTES


@functools.cache
def _statuses(partial_payment: bool | None) -> st.SearchStrategy[Status]:
    # Drafts first: an invoice shrinks to a draft.
    return st.sampled_from(
        [s for s in Status if partial_payment is not False or s is not Status.PARTIALLY_PAID]
    )


@functools.cache
def _line_counts(minimum: int, maximum: int) -> st.SearchStrategy[int]:
    return _small_first(minimum, maximum)


def _small_first(minimum: int, maximum: int) -> st.SearchStrategy[int]:
    """``minimum..maximum``, each count ``maximum - count + 1`` times as likely as the largest.

    Every count stays reachable, but small ones (cheaper to draw, and enough for
    most properties) come more often; shrinks to ``minimum``.
    """
    return st.sampled_from(
        [count for count in range(minimum, maximum + 1) for _ in range(maximum - count + 1)]
    )


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
    wanted = draw(_statuses(partial_payment)) if status is None else status
    code = draw(_CURRENCY_CODES) if currency is None else currency
    count = draw(_line_counts(0 if wanted is Status.DRAFT else 1, max_line_items))
    # A partially paid invoice needs a total of at least 2 minor units.
    line_amounts = _line_amounts(code, 2 if wanted is Status.PARTIALLY_PAID else 0)
    lines = tuple(
        _draw_line(
            draw, id=f"li_{n:014d}", currency=code, with_taxes=with_taxes, amounts=line_amounts
        )
        for n in range(1, count + 1)
    )
    chose_partial, expires, has_customer, receipt, description, sms, email, early = _draw_flags(
        draw, 8
    )
    partial = chose_partial if partial_payment is None else partial_payment
    if wanted is Status.PARTIALLY_PAID:
        partial = True
    at = START
    expire_by = None
    if wanted is Status.EXPIRED or expires:
        expire_by = at + transitions.MIN_EXPIRY_SECONDS + draw(_EXPIRY_DELAYS)
    customer = _draw_customer(draw) if wanted is not Status.DRAFT or has_customer else None
    details = Details(
        receipt=draw(_TEXT) if receipt else None,
        description=draw(_TEXT) if description else None,
        notes=_draw_notes(draw),
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
        sms_notify=sms,
        email_notify=email,
        draft=True,
    ).invoice
    if wanted is Status.DRAFT:
        return invoice
    if wanted is Status.DELETED:
        return transitions.delete(invoice, at=at).invoice
    if wanted is Status.CANCELLED and early:  # cancelled as a draft
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
            first = 1 + (draw(_PAYMENT_PARTS) - 1) % total
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

    Shrinks towards a draft in the first currency (AED) with no line items, no
    customer and no notes. With ``status=Status.PARTIALLY_PAID`` the invoice
    allows partial payments and totals at least two minor units.

    Raises ``InvalidArgument`` at once for a ``status`` that is not a
    ``Status`` or ``None``, an unknown ``currency``, a ``partial_payment`` that
    is not a bool or ``None`` (or ``False`` with ``Status.PARTIALLY_PAID``), a
    ``max_line_items`` that is not an int from 1 to ``MAX_LINE_ITEMS`` and a
    ``with_taxes`` that is not a bool.
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
    _check_bool(with_taxes, "with_taxes")
    return _invoices(status, currency, partial_payment, max_line_items, with_taxes)


@functools.cache
def _invoices(
    status: Status | None,
    currency: str | None,
    partial_payment: bool | None,
    max_line_items: int,
    with_taxes: bool,
) -> st.SearchStrategy[Invoice]:
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


_NAMES: Final = st.sampled_from(["Asha Rao", "Ravi", "Gaurav Kumar", "Meera Iyer"])
_BOOKS: Final = st.sampled_from(["Book", "Pen", "Notebook", "Workshop seat"])


@functools.cache
def _payload_line(currency: str) -> st.SearchStrategy[dict[str, Any]]:
    minimum = CURRENCIES[currency].minimum_amount
    return st.fixed_dictionaries(
        {"name": _BOOKS, "amount": st.integers(minimum, minimum * 1000)},
        optional={"quantity": st.integers(1, 5), "description": st.text(max_size=10)},
    )


@functools.cache
def _payload_customer() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"name": _NAMES},
        optional={
            "email": st.just("customer@example.com"),
            "contact": st.just("+919000090000"),
        },
    )


_RECEIPTS: Final = st.from_regex(r"\A[A-Z]{2}-[0-9]{1,6}\Z")
"""Receipts like ``AB-123``: built once, and drawn as before, so ``call_scripts``
(which draws ``create_payloads``) makes the same scripts from the same seed."""


@functools.cache
def _create_parts(
    at: int, currency: str
) -> tuple[
    st.SearchStrategy[list[dict[str, Any]]],
    st.SearchStrategy[list[dict[str, Any]]],
    st.SearchStrategy[dict[str, Any]],
]:
    """The lines of a draft, the lines of an issued invoice, the optional keys: built once."""
    return (
        st.lists(_payload_line(currency), min_size=0, max_size=3),
        st.lists(_payload_line(currency), min_size=1, max_size=3),
        st.fixed_dictionaries(
            {},
            optional={
                "description": st.text(max_size=20),
                "receipt": _RECEIPTS,
                "partial_payment": st.booleans(),
                "expire_by": st.integers(at + transitions.MIN_EXPIRY_SECONDS, at + 10**6),
                "notes": st.dictionaries(st.sampled_from(["a", "b", "c"]), st.text(max_size=10)),
                "terms": st.text(max_size=20),
                "sms_notify": st.sampled_from([0, 1, "0", "1", True, False]),
            },
        ),
    )


@st.composite
def _create_payload(
    draw: st.DrawFn, *, at: int, draft: bool | None, currency: str
) -> dict[str, Any]:
    draft_lines, issued_lines, optional = _create_parts(at, currency)
    is_draft = draw(_BOOLEANS) if draft is None else draft
    payload: dict[str, Any] = {}
    if is_draft:
        payload["draft"] = "1"
    if currency != "INR" or draw(_BOOLEANS):
        payload["currency"] = currency
    lines = draw(draft_lines if is_draft else issued_lines)
    if lines or not is_draft:
        payload["line_items"] = lines
    if not is_draft or draw(_BOOLEANS):
        payload["customer"] = draw(_payload_customer())
    payload.update(draw(optional))
    return payload


def create_payloads(
    *, at: int = START, draft: bool | None = None, currency: str = "INR"
) -> st.SearchStrategy[dict[str, Any]]:
    """Valid ``POST /v1/invoices`` bodies (as ``json.loads`` gives them) for a call at ``at``.

    Shrinks to ``{"line_items": [{"name": "Book", "amount": <minimum>}], "customer":
    {"name": "Asha Rao"}}``: an invoice issued at creation.
    """
    if type(at) is not int or at < 0:
        raise InvalidArgument(f"at must be a non-negative int, got {at!r}")
    if draft is not None and not isinstance(draft, bool):
        raise InvalidArgument(f"draft must be a bool or None, got {draft!r}")
    _check_currency(currency)
    return _create_payload(at=at, draft=draft, currency=currency)


@st.composite
def _update_payload(draw: st.DrawFn, invoice: Invoice, at: int) -> dict[str, Any]:
    keys = [key for key in UPDATABLE_KEYS[invoice.status] if key in _UPDATE_VALUES]
    chosen = draw(st.lists(st.sampled_from(keys), unique=True, max_size=3)) if keys else []
    payload: dict[str, Any] = {}
    for key in chosen:
        if key == "line_items":
            kept = [{"id": line.id} for line in invoice.line_items]
            new = draw(st.lists(_payload_line(invoice.currency), max_size=2))
            payload[key] = (kept + new) or [draw(_payload_line(invoice.currency))]
        elif key == "expire_by":
            payload[key] = draw(st.integers(at + transitions.MIN_EXPIRY_SECONDS, at + 10**6))
        else:
            payload[key] = draw(_UPDATE_VALUES[key])
    return payload


_UPDATE_VALUES: Final[dict[str, st.SearchStrategy[Any]]] = {
    "notes": st.dictionaries(st.sampled_from(["a", "b"]), st.text(max_size=10)),
    "terms": st.text(max_size=20),
    "comment": st.text(max_size=20),
    "description": st.text(max_size=20),
    "receipt": _RECEIPTS,
    "partial_payment": st.booleans(),
    "expire_by": st.nothing(),  # drawn relative to `at` above
    "line_items": st.nothing(),  # drawn from the invoice above
    "customer": _payload_customer(),
    "sms_notify": st.sampled_from(["0", "1"]),
    "email_notify": st.sampled_from([0, 1]),
}


def update_payloads(
    invoice: Invoice, *, at: int | None = None
) -> st.SearchStrategy[dict[str, Any]]:
    """Valid ``PATCH`` bodies for ``invoice`` in its status, for a call at ``at``.

    Only keys the status accepts; a ``line_items`` patch keeps every existing
    line. Shrinks to ``{}``. ``at`` defaults to the invoice's ``created_at``.
    """
    if not isinstance(invoice, Invoice):
        raise InvalidArgument(f"invoice must be an Invoice, got {invoice!r}")
    if invoice.status is Status.DELETED:
        raise InvalidArgument("a deleted invoice accepts no update")
    moment = invoice.created_at if at is None else at
    if type(moment) is not int or moment < 0:
        raise InvalidArgument(f"at must be a non-negative int, got {at!r}")
    return _update_payload(invoice, moment)


def _check_currency(currency: object) -> None:
    if not isinstance(currency, str) or currency not in CURRENCIES:
        raise InvalidArgument(
            f"currency must be one of {sorted(CURRENCIES)}, got {_shown(currency)}"
        )


def _check_bool(value: object, name: str) -> None:
    if not isinstance(value, bool):
        raise InvalidArgument(f"{name} must be a bool, got {_shown(value)}")


def _shown(value: object) -> str:
    """A bad argument as a message quotes it: its ``repr``, cut at 64 characters."""
    text = repr(value)
    return text if len(text) <= 64 else text[:61] + "..."  # noqa: PLR2004 - the cut
