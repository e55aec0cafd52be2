"""The limits Razorpay puts on request values, one checker per kind of value.

Every limit constant lives here, and every path that sets a value (the
request tables, the entities, the line-item patch) checks it here, so a limit
and its message live in one place. A leaf module: it imports only ``errors``
and ``_validators``, so anything may import it without a cycle.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, Protocol

from invoicecore import _validators as v
from invoicecore import errors

__all__ = [
    "FETCH_DEFAULT_COUNT",
    "FETCH_MAX_COUNT",
    "MAX_ADDRESS_LENGTH",
    "MAX_AMOUNT",
    "MAX_CODE_LENGTH",
    "MAX_CONTACT_LENGTH",
    "MAX_CUSTOMER_NAME_LENGTH",
    "MAX_EMAIL_LENGTH",
    "MAX_EXTRA_KEYS_LISTED",
    "MAX_EXTRA_KEY_LENGTH",
    "MAX_FILTER_LENGTH",
    "MAX_GSTIN_LENGTH",
    "MAX_IDEMPOTENCY_KEY_LENGTH",
    "MAX_LINE_ITEMS",
    "MAX_NAME_LENGTH",
    "MAX_NOTES",
    "MAX_NOTES_KEY_LENGTH",
    "MAX_NOTES_VALUE_LENGTH",
    "MAX_PAYMENT_ID_LENGTH",
    "MAX_QUANTITY",
    "MAX_QUERY_INTEGER_DIGITS",
    "MAX_RECEIPT_LENGTH",
    "MAX_TAXES",
    "MAX_TEXT_LENGTH",
    "MIN_EXPIRY_SECONDS",
    "MinimumAmount",
    "check_boolean",
    "check_expire_by",
    "check_line_amount",
    "check_notes",
    "check_optional_integer",
    "check_receipt",
    "check_text",
    "refuse_extras",
]

MAX_LINE_ITEMS: Final = 50
MAX_NAME_LENGTH: Final = 512
MAX_TEXT_LENGTH: Final = 2048
"""``description``, ``terms`` and ``comment``."""
MAX_RECEIPT_LENGTH: Final = 40
MAX_NOTES: Final = 15
MAX_NOTES_KEY_LENGTH: Final = 255
MAX_NOTES_VALUE_LENGTH: Final = 512
MAX_CODE_LENGTH: Final = 8
"""``hsn_code`` and ``sac_code``."""
MAX_TAXES: Final = 10
"""Taxes on one line item (invoicecore's bound: Razorpay publishes none)."""
MAX_CUSTOMER_NAME_LENGTH: Final = 50
MAX_EMAIL_LENGTH: Final = 64
MAX_CONTACT_LENGTH: Final = 15
MAX_GSTIN_LENGTH: Final = 15
MAX_ADDRESS_LENGTH: Final = 255
MIN_EXPIRY_SECONDS: Final = 900
"""``expire_by`` must be at least this far after the current time (15 minutes)."""
MAX_AMOUNT: Final = v.MAX_AMOUNT
"""The largest amount (and integer request value) in minor units: 10^12."""
MAX_QUANTITY: Final = v.MAX_QUANTITY
"""The largest quantity of one line item."""
MAX_IDEMPOTENCY_KEY_LENGTH: Final = 255
MAX_FILTER_LENGTH: Final = 40
"""A fetch query's ``payment_id``, ``receipt`` and ``customer_id`` filters."""
MAX_PAYMENT_ID_LENGTH: Final = 40
"""A captured payment's id: 1 to 40 printable ASCII characters."""
MAX_QUERY_INTEGER_DIGITS: Final = 20
"""A query integer sent as a string: longer strings are refused by their length alone."""
FETCH_DEFAULT_COUNT: Final = 10
FETCH_MAX_COUNT: Final = 100
MAX_EXTRA_KEYS_LISTED: Final = 16
"""The extra-field message lists at most this many keys, then ``, ...``."""
MAX_EXTRA_KEY_LENGTH: Final = v.MAX_ECHO
"""Each listed extra key is cut to this many characters, then ``...``."""


class MinimumAmount(Protocol):
    """What ``check_line_amount`` needs of a currency (``amounts.Currency`` has it)."""

    @property
    def minimum_amount(self) -> int: ...

    def format(self, amount: int) -> str: ...


def check_text(
    value: object, field: str, *, maximum: int = MAX_TEXT_LENGTH, nullable: bool = True
) -> str | None:
    """A string of at most ``maximum`` characters (``None`` allowed when ``nullable``)."""
    attribute = v.attribute_label(v.check_field_name(field))
    v.check_integer(maximum, "maximum")
    if type(nullable) is not bool:
        raise errors.MUST_BE_BOOLEAN.error(field="nullable", attribute="nullable")
    if value is None and nullable:
        return None
    if type(value) is not str:
        raise errors.MUST_BE.error(field=field, attribute=attribute, expected="a string")
    if len(value) > maximum:
        raise errors.MAX_LENGTH.error(field=field, attribute=attribute, maximum=maximum)
    return value


def check_receipt(value: object, field: str = "receipt") -> str | None:
    """1 to 40 characters, or ``None``."""
    text = check_text(value, field, maximum=MAX_RECEIPT_LENGTH)
    if text == "":
        raise errors.MIN_LENGTH.error(field=field, attribute="receipt", minimum=1)
    return text


def check_boolean(value: object, field: str) -> bool:
    """Exactly ``True`` or ``False`` (the typed API; the wire also takes ``0``/``1``)."""
    v.check_field_name(field)
    if type(value) is not bool:
        raise errors.MUST_BE_BOOLEAN.error(field=field, attribute=v.attribute_label(field))
    return value


def check_optional_integer(value: object, field: str) -> int | None:
    """An epoch-seconds field (``date``, ``billing_start`` ...): a non-negative int or ``None``."""
    v.check_field_name(field)
    if value is None:
        return None
    return v.check_integer(value, field)


def check_expire_by(value: object, at: int, field: str = "expire_by") -> int | None:
    """``None``, or an int at least 15 minutes after ``at``."""
    v.check_integer(at, "at")
    expire_by = check_optional_integer(value, field)
    if expire_by is not None and expire_by < at + MIN_EXPIRY_SECONDS:
        raise errors.EXPIRE_BY_TOO_SOON.error(field=field)
    return expire_by


def check_line_amount(value: object, currency: MinimumAmount, field: str = "amount") -> int:
    """An int of at least the currency's minimum: ``The amount must be atleast INR 1.00``.

    ``currency`` is an ``amounts.Currency`` (``amounts.get_currency(code)``).
    """
    minimum = getattr(currency, "minimum_amount", None)
    if type(minimum) is not int or not callable(getattr(currency, "format", None)):
        raise v.must_be("currency", "a Currency")
    amount = v.check_integer(value, v.check_field_name(field))
    found = currency
    if amount < found.minimum_amount:
        raise errors.AMOUNT_BELOW_MINIMUM.error(
            field=field, minimum=found.format(found.minimum_amount)
        )
    return amount


def check_notes(value: object, field: str = "notes") -> dict[str, object]:
    """Razorpay's notes rules: at most 15 scalar values, keys <= 255, string values <= 512.

    The one place the notes rules are written (invoice notes, customer notes);
    ``entities.Notes`` (built from the result) adds only its own invariants.
    """
    v.check_field_name(field)
    items: Mapping[object, object]
    if isinstance(value, Mapping):
        items = value
    elif isinstance(value, (list, tuple)) and not value:
        items = {}  # Razorpay renders empty notes as [], and takes them back
    else:
        raise errors.NOTES_NOT_A_DICTIONARY.error(field=field)
    if len(items) > MAX_NOTES:
        raise errors.NOTES_TOO_MANY_KEYS.error(field=field)
    checked: dict[str, object] = {}
    for key, note in items.items():
        if not isinstance(key, str):
            raise errors.NOTES_NOT_A_DICTIONARY.error(field=field)
        if len(key) > MAX_NOTES_KEY_LENGTH:
            raise errors.NOTES_KEY_TOO_LONG.error(field=field)
        if not isinstance(note, (str, int, float, bool, type(None))):
            raise errors.NOTES_VALUE_NOT_SCALAR.error(field=field)
        if isinstance(note, str) and len(note) > MAX_NOTES_VALUE_LENGTH:
            raise errors.NOTES_VALUE_TOO_LONG.error(field=field)
        checked[key] = note
    return checked


def refuse_extras(
    body: Mapping[str, object],
    accepted: frozenset[str] | tuple[str, ...],
    prefix: str = "",
    *,
    list_paths: bool = False,
    field_is_object: bool = False,
) -> None:
    """Refuse the keys not in ``accepted`` with the one extra-field message.

    ``colour, size is/are not required and should not be sent``.

    The message lists the extra keys in request order: at most 16, each cut to
    64 characters with ``...``, then ``, ...`` when more were sent. The
    ``field`` is the first extra key's path (``prefix`` + key), or the object's
    own path when ``field_is_object``. ``list_paths`` writes each listed key
    with its path, as Razorpay does inside ``customer``. The work is bounded by
    ``accepted`` and the 16, never by the number of keys sent.
    """
    if type(prefix) is not str:
        raise v.must_be("prefix", "a string")
    if not isinstance(accepted, (frozenset, tuple)):
        raise v.must_be("accepted", "a frozenset or tuple of keys")
    if not v.is_object(body):
        raise errors.MUST_BE.error(
            field=prefix.rstrip(".") or None, attribute="body", expected="an object"
        )
    extras: list[str] = []
    more = False
    for key in body:
        if key not in accepted:
            if len(extras) == MAX_EXTRA_KEYS_LISTED:
                more = True
                break
            extras.append(v.echo(key))
    if not extras:
        return
    shown = prefix if list_paths else ""
    listed = ", ".join(shown + key for key in extras) + (", ..." if more else "")
    field = prefix.removesuffix(".") if field_is_object else prefix + extras[0]
    raise errors.EXTRA_FIELDS.error(field=field or None, keys=listed)
