"""The limits Razorpay puts on request values, one checker per kind of value.

Every path that sets a value (create, update, the line-item patch) checks it
here, so a limit and its message live in one place; the notes rules live in
``entities.Notes``, which applies these limits to every value it holds.
"""

from __future__ import annotations

from typing import Final

from invoicecore import _validators as v
from invoicecore import amounts, errors

__all__ = [
    "MAX_CONTACT_LENGTH",
    "MAX_CUSTOMER_NAME_LENGTH",
    "MAX_EMAIL_LENGTH",
    "MAX_LINE_ITEMS",
    "MAX_NAME_LENGTH",
    "MAX_NOTES",
    "MAX_NOTES_KEY_LENGTH",
    "MAX_NOTES_VALUE_LENGTH",
    "MAX_RECEIPT_LENGTH",
    "MAX_TAXES",
    "MAX_TEXT_LENGTH",
    "MIN_EXPIRY_SECONDS",
    "check_boolean",
    "check_expire_by",
    "check_line_amount",
    "check_optional_integer",
    "check_receipt",
    "check_text",
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


def check_text(
    value: object, field: str, *, maximum: int = MAX_TEXT_LENGTH, nullable: bool = True
) -> str | None:
    """A string of at most ``maximum`` characters (``None`` allowed when ``nullable``)."""
    attribute = v.attribute_label(field.rsplit(".", 1)[-1].split("[", maxsplit=1)[0])
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
    if type(value) is not bool:
        raise errors.MUST_BE_BOOLEAN.error(field=field, attribute=v.attribute_label(field))
    return value


def check_optional_integer(value: object, field: str) -> int | None:
    """An epoch-seconds field (``date``, ``billing_start`` ...): a non-negative int or ``None``."""
    if value is None:
        return None
    return v.check_integer(value, field)


def check_expire_by(value: object, at: int, field: str = "expire_by") -> int | None:
    """``None``, or an int at least 15 minutes after ``at``."""
    expire_by = check_optional_integer(value, field)
    if expire_by is not None and expire_by < at + MIN_EXPIRY_SECONDS:
        raise errors.EXPIRE_BY_TOO_SOON.error(field=field)
    return expire_by


def check_line_amount(value: object, currency: str, field: str = "amount") -> int:
    """An int of at least the currency's minimum: ``The amount must be atleast INR 1.00``."""
    amount = v.check_integer(value, field)
    found = amounts.get_currency(currency)
    if amount < found.minimum_amount:
        raise errors.AMOUNT_BELOW_MINIMUM.error(
            field=field, minimum=found.format(found.minimum_amount)
        )
    return amount
