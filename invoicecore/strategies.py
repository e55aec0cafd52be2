"""Hypothesis strategies for invoicecore's values (install the ``testing`` extra).

Every invoice ``invoices()`` draws is built by the library's own transitions
from a ``create``, so it is one a service could really hold. Strategies shrink
towards small, plain values: one line item, no taxes, INR, a draft.
``import invoicecore`` never imports this module (or Hypothesis).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Final

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from invoicecore import transitions
from invoicecore._validators import MAX_AMOUNT
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
from invoicecore.limits import MAX_EMAIL_LENGTH
from invoicecore.statuses import UPDATABLE_KEYS

__all__ = [
    "START",
    "addresses",
    "amounts",
    "call_scripts",
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

_TEXT: Final = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "Zs")), min_size=1, max_size=20
).filter(lambda text: text.strip(" \t\n\r\0\x0b") != "")


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
        email=st.none() | st.emails().filter(lambda email: len(email) <= MAX_EMAIL_LENGTH),
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


_NAMES: Final = st.sampled_from(["Asha Rao", "Ravi", "Gaurav Kumar", "Meera Iyer"])
_BOOKS: Final = st.sampled_from(["Book", "Pen", "Notebook", "Workshop seat"])


def _payload_line(currency: str) -> st.SearchStrategy[dict[str, Any]]:
    minimum = CURRENCIES[currency].minimum_amount
    return st.fixed_dictionaries(
        {"name": _BOOKS, "amount": st.integers(minimum, minimum * 1000)},
        optional={"quantity": st.integers(1, 5), "description": st.text(max_size=10)},
    )


def _payload_customer() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"name": _NAMES},
        optional={
            "email": st.just("customer@example.com"),
            "contact": st.just("+919000090000"),
        },
    )


@st.composite
def _create_payload(
    draw: st.DrawFn, *, at: int, draft: bool | None, currency: str
) -> dict[str, Any]:
    is_draft = draw(st.booleans()) if draft is None else draft
    payload: dict[str, Any] = {}
    if is_draft:
        payload["draft"] = "1"
    if currency != "INR" or draw(st.booleans()):
        payload["currency"] = currency
    lines = draw(st.lists(_payload_line(currency), min_size=0 if is_draft else 1, max_size=3))
    if lines or not is_draft:
        payload["line_items"] = lines
    if not is_draft or draw(st.booleans()):
        payload["customer"] = draw(_payload_customer())
    optional = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "description": st.text(max_size=20),
                "receipt": st.from_regex(r"\A[A-Z]{2}-[0-9]{1,6}\Z"),
                "partial_payment": st.booleans(),
                "expire_by": st.integers(at + transitions.MIN_EXPIRY_SECONDS, at + 10**6),
                "notes": st.dictionaries(st.sampled_from(["a", "b", "c"]), st.text(max_size=10)),
                "terms": st.text(max_size=20),
                "sms_notify": st.sampled_from([0, 1, "0", "1", True, False]),
            },
        )
    )
    payload.update(optional)
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
    "receipt": st.from_regex(r"\A[A-Z]{2}-[0-9]{1,6}\Z"),
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


_STEPS: Final = (0, 1, 60, 900, 3600, 86_400)
"""Clock steps between calls; shrinks to 0."""


Line = Callable[[int], dict[str, Any]]
"""A script line still waiting for its clock: ``at -> line``."""

_INVOICE_NUMBERS: Final = st.sampled_from([1, 1, 1, 1, 2, 3, 5])
"""Mostly the first invoice, sometimes a later one or one never created."""


def _path(number: int) -> str:
    return f"/v1/invoices/inv_{number:014d}"


@st.composite
def _create_line(draw: st.DrawFn) -> Line:
    # Mostly small, issued, partially payable invoices whose customer can be
    # notified: scripts then reach payments, partial payments and expiry often.
    if draw(st.integers(0, 4)) == 0:
        body = draw(create_payloads(at=START))
        body.pop("expire_by", None)
        expire_in = draw(st.none() | st.sampled_from([900, 86_400]))
    else:
        body = {
            "line_items": [{"name": "Book", "amount": draw(st.sampled_from([1000, 2500, 5000]))}],
            "customer": {
                "name": "Asha Rao",
                "email": "asha@example.com",
                "contact": "+919000090000",
            },
            "partial_payment": draw(st.integers(0, 3)) > 0,
        }
        if draw(st.integers(0, 3)) == 0:
            body["draft"] = "1"
        expire_in = draw(st.none() | st.sampled_from([900, 3600, 86_400]))

    def line(at: int) -> dict[str, Any]:
        made = dict(body) if expire_in is None else {**body, "expire_by": at + expire_in}
        return {"at": at, "method": "POST", "path": "/v1/invoices", "body": made}

    return line


@st.composite
def _pay_line(draw: st.DrawFn) -> Line:
    path = _path(draw(_INVOICE_NUMBERS)).replace("/v1/", "/sim/") + "/payments"
    amount = draw(st.sampled_from([500, 1000, 2500, 100, 10**5]))
    body = {"amount": amount, "payment_id": f"pay_{draw(st.integers(1, 99)):014d}"}
    return lambda at: {"at": at, "method": "POST", "path": path, "body": body}


@st.composite
def _action_line(draw: st.DrawFn) -> Line:
    method, suffix = draw(
        st.sampled_from(
            [
                ("POST", "/cancel"),
                ("POST", "/issue"),
                ("GET", ""),
                ("DELETE", ""),
                ("POST", "/cancel"),
            ]
        )
    )
    path = _path(draw(_INVOICE_NUMBERS)) + suffix
    return lambda at: {"at": at, "method": method, "path": path}


@st.composite
def _update_line(draw: st.DrawFn) -> Line:
    path = _path(draw(_INVOICE_NUMBERS))
    body: dict[str, Any] = draw(
        st.sampled_from(
            [
                {"notes": {"k": "v"}},
                {"partial_payment": True},
                {"expire_by": 1000},
                {"draft": "0"},
                {"terms": "Net 7"},
            ]
        )
    )

    def line(at: int) -> dict[str, Any]:
        made = {**body, "expire_by": at + 1000} if "expire_by" in body else body
        return {"at": at, "method": "PATCH", "path": path, "body": made}

    return line


@st.composite
def _notification_line(draw: st.DrawFn) -> Line:
    number = draw(_INVOICE_NUMBERS)
    medium = draw(st.sampled_from(["sms", "email"]))
    if draw(st.booleans()):
        path = f"{_path(number)}/notify_by/{medium}"
    else:
        path = f"{_path(number).replace('/v1/', '/sim/')}/notifications/{medium}/sent"
    return lambda at: {"at": at, "method": "POST", "path": path}


@st.composite
def _list_line(draw: st.DrawFn) -> Line:
    optional = {"count": st.integers(0, 3), "skip": st.integers(0, 2)}
    query: dict[str, int] = draw(st.fixed_dictionaries({}, optional=optional))
    return lambda at: {"at": at, "method": "GET", "path": "/v1/invoices", "query": query}


@st.composite
def _invalid_line(draw: st.DrawFn) -> Line:
    line: dict[str, Any] = draw(
        st.sampled_from(
            [
                {"garbage": "{"},
                {"garbage": "[]"},
                {"method": "POST", "path": "/v1/invoice"},
                {"method": "POST", "path": "/v1/invoices", "body": {"draft": 1}},
            ]
        )
    )
    return lambda at: line if "garbage" in line else {"at": at, **line}


def _steps(*, invalid: bool) -> st.SearchStrategy[tuple[int, Line]]:
    kinds = [
        _create_line(),
        _pay_line(),
        _pay_line(),
        _action_line(),
        _action_line(),
        _update_line(),
        _notification_line(),
        _list_line(),
    ]
    if invalid:
        kinds.append(_invalid_line())
    return st.tuples(st.sampled_from(_STEPS), st.one_of(kinds))


def _build_script(first: Line, steps: list[tuple[int, Line]]) -> list[str]:
    at = START
    lines = [first(at)]
    for seconds, make in steps:
        at += seconds
        lines.append(make(at))
    return [line["garbage"] if "garbage" in line else json.dumps(line) for line in lines]


def call_scripts(*, max_calls: int = 12, invalid: bool = True) -> st.SearchStrategy[list[str]]:
    """Replay scripts: lists of JSON lines, the clock moving forward, valid and invalid calls mixed.

    Calls name the invoices the script created (``inv_00000000000001`` ...), so
    payments, cancellations and updates meet real invoices. ``invalid=False``
    leaves out malformed lines and unknown paths. The first call is always a
    create; the script shrinks to that one create.
    """
    limit: object = max_calls
    if type(limit) is not int or not 1 <= max_calls <= 1000:  # noqa: PLR2004
        raise InvalidArgument(f"max_calls must be an int from 1 to 1000, got {max_calls!r}")
    if not isinstance(invalid, bool):
        raise InvalidArgument(f"invalid must be a bool, got {invalid!r}")
    steps = st.lists(_steps(invalid=invalid), max_size=max_calls - 1)
    return st.builds(_build_script, _create_line(), steps)


def _check_currency(currency: object) -> None:
    if currency not in CURRENCIES:
        raise InvalidArgument(f"currency must be one of {sorted(CURRENCIES)}, got {currency!r}")
