"""Errors: one root, a few kinds, and every message as a named constant.

Descriptions are Razorpay's exact texts (see ``docs/errors.md``); where Razorpay
has no text for a rule this library adds, the message says so with
``source="invoicecore"``.
"""

from __future__ import annotations

import string
from typing import ClassVar, Final, Literal

import attrs

__all__ = [
    "AMOUNT_BELOW_MINIMUM",
    "AMOUNT_EXCEEDS_MAXIMUM",
    "AMOUNT_NOT_FOR_INVOICE",
    "AMOUNT_REQUIRED",
    "AT_BEFORE_LAST_CHANGE",
    "CLOCK_WENT_BACK",
    "CONTACT_MISSING",
    "CURRENCY_MISMATCH",
    "CUSTOMER_REQUIRED",
    "EITHER_CUSTOMER",
    "EMAIL_MISSING",
    "EMBEDDER_ARGUMENT_MISSING",
    "EMBEDDER_ID_COLLISION",
    "ENTITY_INCONSISTENT",
    "EVENT_UNKNOWN",
    "EXPIRE_BY_TOO_SOON",
    "EXTRA_FIELDS",
    "FIRST_PAYMENT_MIN_AMOUNT_NOT_FOR_INVOICE",
    "HSN_AND_SAC_CODE",
    "ID_DOES_NOT_EXIST",
    "INVALID_MEDIUM",
    "INVALID_SELECTION",
    "INVARIANT_VIOLATION",
    "ITEM_INACTIVE",
    "ITEM_WRONG_TYPE",
    "LINE_ITEMS_EMPTY",
    "LINE_ITEMS_REQUIRED",
    "LINE_NOT_JSON",
    "MAX_LENGTH",
    "MAX_VALUE",
    "MESSAGES",
    "MESSAGE_PARAMETER_MISSING",
    "MIN_LENGTH",
    "MIN_VALUE",
    "MUST_BE",
    "MUST_BE_BOOLEAN",
    "NAME_REQUIRED",
    "NOTES_KEY_TOO_LONG",
    "NOTES_NOT_A_DICTIONARY",
    "NOTES_TOO_MANY_KEYS",
    "NOTES_VALUE_NOT_SCALAR",
    "NOTES_VALUE_TOO_LONG",
    "NOTIFICATION_NOT_PENDING",
    "NOT_A_VALID_TYPE",
    "NOT_DUE_FOR_EXPIRY",
    "NOT_PAYABLE",
    "NOT_PAYABLE_DELETED",
    "OPERATION_NOT_ALLOWED",
    "PAYMENT_AMOUNT_MISMATCH",
    "PAYMENT_EXCEEDS_AMOUNT_DUE",
    "PAYMENT_ID_CAPTURED",
    "RECEIPT_NOT_UNIQUE",
    "REQUIRED",
    "STORED_ENTITY_CORRUPT",
    "STORE_CONFLICT",
    "STORE_CORRUPT",
    "STORE_UNAVAILABLE",
    "TABLE_INCOMPLETE",
    "TAXES_EXCEED_GROSS",
    "TOO_MANY_ELEMENTS",
    "TOO_MANY_LINE_ITEMS",
    "URL_NOT_FOUND",
    "ConflictError",
    "CorruptEntityError",
    "EmbedderError",
    "InvalidRequestError",
    "InvariantViolation",
    "InvoiceError",
    "Message",
    "MessageParameterError",
    "NotFoundError",
    "OperationNotAllowedError",
    "StoreError",
    "TableIncompleteError",
    "http_status",
]


class InvoiceError(Exception):
    """The root of every error this library raises on purpose.

    Attributes:
        description: Razorpay's exact text (what its API puts in
            ``error.description``).
        field: the offending parameter (``"line_items"``, ``"expire_by"`` ...),
            or ``None`` where Razorpay names none.
        code: a stable UPPER_SNAKE name of the message; never reused, so that
            services and ports can branch on it instead of on English text.
        http_status: the HTTP status a service should answer with (a class
            attribute; ``http_status(error)`` also knows the per-code 404).
    """

    http_status: ClassVar[int] = 400

    def __init__(self, description: str, field: str | None = None, code: str = "") -> None:
        # All arguments go to Exception so that pickle and copy round-trip.
        super().__init__(description, field, code)
        self.description = description
        self.field = field
        self.code = code

    def __str__(self) -> str:
        return self.description

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(description={self.description!r}, "
            f"field={self.field!r}, code={self.code!r})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, InvoiceError) or type(other) is not type(self):
            return NotImplemented
        return (self.description, self.field, self.code) == (
            other.description,
            other.field,
            other.code,
        )

    def __hash__(self) -> int:
        return hash((type(self), self.description, self.field, self.code))


class InvalidRequestError(InvoiceError, ValueError):
    """The input breaks a rule: a missing, malformed or out-of-range value."""


class OperationNotAllowedError(InvoiceError):
    """The invoice's status (or its state) forbids the operation."""


class NotFoundError(InvoiceError):
    """The id names nothing this invoice (or book) holds.

    Razorpay answers 400 for an unknown id; only an unknown URL is a 404
    (``http_status`` knows it by its code).
    """


class EmbedderError(InvoiceError):
    """A mistake of the program embedding invoicecore, not of its client.

    A missing id source or order id when an update issues, an id source that
    gives an id already in use: no request can fix these, so a service answers
    500 and logs it. Not a ``ValueError``, so ``except ValueError`` handlers of
    client input never swallow it.
    """

    http_status: ClassVar[int] = 500


class CorruptEntityError(InvoiceError):
    """A stored entity or event failed to load: the store holds what invoicecore never wrote.

    Raised by loaders reading an embedder's own storage (an outbox row, a stored
    invoice); a service answers 500, since the client sent nothing wrong.
    """

    http_status: ClassVar[int] = 500


Source = Literal["razorpay", "invoicecore"]


class InvariantViolation(InvoiceError):  # noqa: N818 - the public name since 0.1
    """An invoice that no sequence of transitions could have produced."""


@attrs.frozen(kw_only=True)
class Message:
    """One error text: its stable code, its template and the error kind it raises.

    ``template`` uses ``str.format`` fields (``{status}``, ``{attribute}`` ...).
    ``source`` is ``"razorpay"`` when the text is Razorpay's, and
    ``"invoicecore"`` for the few rules Razorpay has no text for.
    """

    code: str
    template: str
    kind: type[InvoiceError]
    source: Source = "razorpay"

    @property
    def parameters(self) -> frozenset[str]:
        """The names the template needs (``{status}`` -> ``"status"``)."""
        return _parameters(self.template)

    def format(self, **params: object) -> str:
        """The description with its fields filled in.

        A missing parameter is the library's own mistake, never the client's,
        and must not leave ``{status}`` in a message a client reads: it raises
        ``MessageParameterError`` naming the message and the parameter.
        """
        missing = self.parameters.difference(params)
        if missing:
            raise MESSAGE_PARAMETER_MISSING.error(
                field=None, code=self.code, names=", ".join(sorted(missing))
            )
        return self.template.format_map(params)

    def describe(self, **params: object) -> str:
        """The template with the given parameters filled in and the rest left as ``{name}``.

        For documentation and tables that show a rule (``The amount must be
        atleast {minimum}``), never for an error a client reads: ``format``
        refuses a missing parameter.
        """
        return self.template.format_map(
            {**{name: "{" + name + "}" for name in self.parameters}, **params}
        )

    def error(self, *, field: str | None = None, **params: object) -> InvoiceError:
        """A ready-to-raise error of this message's kind."""
        return self.kind(self.format(**params), field, self.code)


class StoreError(InvoiceError):
    """A store could not do what the book asked; never the client's mistake (not a 400)."""

    http_status: ClassVar[int] = 500


class ConflictError(StoreError):
    """Another writer changed the data first (a version moved on, a unique key was taken,
    the database stayed locked). Nothing of the call was kept: retry the call.
    """

    http_status: ClassVar[int] = 409


class MessageParameterError(InvoiceError):
    """A message was formatted without one of its parameters: a bug in the caller."""

    http_status: ClassVar[int] = 500


class TableIncompleteError(InvoiceError):
    """A rules table lacks a row for a status or an operation: a bug in the library."""

    http_status: ClassVar[int] = 500


def _parameters(template: str) -> frozenset[str]:
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)


def _message(
    code: str,
    template: str,
    kind: type[InvoiceError] = InvalidRequestError,
    source: Source = "razorpay",
) -> Message:
    return Message(code=code, template=template, kind=kind, source=source)


# -- state and lookup -------------------------------------------------------
OPERATION_NOT_ALLOWED: Final = _message(
    "OPERATION_NOT_ALLOWED",
    "Operation not allowed for Invoice in {status} status.",
    OperationNotAllowedError,
)
NOT_PAYABLE: Final = _message(
    "NOT_PAYABLE", "Invoice is not payable in {status} status.", OperationNotAllowedError
)
NOT_PAYABLE_DELETED: Final = _message(
    "NOT_PAYABLE_DELETED", "Invoice is not payable as it is deleted.", OperationNotAllowedError
)
NOT_DUE_FOR_EXPIRY: Final = _message(
    "NOT_DUE_FOR_EXPIRY",
    "Invoice cannot be expired before its expire_by time.",
    OperationNotAllowedError,
    "invoicecore",
)
NOTIFICATION_NOT_PENDING: Final = _message(
    "NOTIFICATION_NOT_PENDING",
    "There is no pending {medium} notification for this invoice.",
    OperationNotAllowedError,
    "invoicecore",
)
ID_DOES_NOT_EXIST: Final = _message(
    "ID_DOES_NOT_EXIST", "The id provided does not exist", NotFoundError
)

AT_BEFORE_LAST_CHANGE: Final = _message(
    "AT_BEFORE_LAST_CHANGE",
    "The at may not be before the invoice's last change ({last}).",
    OperationNotAllowedError,
    "invoicecore",
)
INVARIANT_VIOLATION: Final = _message(
    "INVARIANT_VIOLATION",
    "The invoice breaks an invariant: {problem}.",
    InvariantViolation,
    "invoicecore",
)
STORE_CONFLICT: Final = _message(
    "STORE_CONFLICT",
    "The invoice was changed by another call; retry ({detail}).",
    ConflictError,
    "invoicecore",
)
STORE_CORRUPT: Final = _message(
    "STORE_CORRUPT",
    "The store holds data this library cannot read ({detail}).",
    StoreError,
    "invoicecore",
)
STORE_UNAVAILABLE: Final = _message(
    "STORE_UNAVAILABLE",
    "The store cannot be reached ({detail}).",
    StoreError,
    "invoicecore",
)
TABLE_INCOMPLETE: Final = _message(
    "TABLE_INCOMPLETE",
    "The {table} table has no row for {missing}.",
    TableIncompleteError,
    "invoicecore",
)
MESSAGE_PARAMETER_MISSING: Final = _message(
    "MESSAGE_PARAMETER_MISSING",
    "The message {code} was formatted without {names}.",
    MessageParameterError,
    "invoicecore",
)

# -- issue validation ---------------------------------------------------------
LINE_ITEMS_REQUIRED: Final = _message("LINE_ITEMS_REQUIRED", "line_items is required.")
CUSTOMER_REQUIRED: Final = _message("CUSTOMER_REQUIRED", "customer is required.")
EXPIRE_BY_TOO_SOON: Final = _message(
    "EXPIRE_BY_TOO_SOON", "expire_by should be at least 15 minutes after current time"
)
AMOUNT_EXCEEDS_MAXIMUM: Final = _message(
    "AMOUNT_EXCEEDS_MAXIMUM", "Invoice amount exceeds maximum payment amount allowed."
)

# -- line items and money -----------------------------------------------------
CURRENCY_MISMATCH: Final = _message(
    "CURRENCY_MISMATCH", "Currency of all items should be the same as of the invoice."
)
AMOUNT_BELOW_MINIMUM: Final = _message(
    "AMOUNT_BELOW_MINIMUM", "The amount must be atleast {minimum}"
)
TOO_MANY_LINE_ITEMS: Final = _message(
    "TOO_MANY_LINE_ITEMS", "The invoice may not have more than {limit} items in total."
)
HSN_AND_SAC_CODE: Final = _message(
    "HSN_AND_SAC_CODE", "Both hsn_code and sac_code cannot be present"
)
TAXES_EXCEED_GROSS: Final = _message(
    "TAXES_EXCEED_GROSS",
    "The taxes of a tax inclusive line item must leave a positive taxable amount.",
    source="invoicecore",
)

# -- updates and line-item templates --------------------------------------------
EXTRA_FIELDS: Final = _message("EXTRA_FIELDS", "{keys} is/are not required and should not be sent")
EITHER_CUSTOMER: Final = _message(
    "EITHER_CUSTOMER", "Either of customer_id or customer must be sent in input"
)
AMOUNT_NOT_FOR_INVOICE: Final = _message(
    "AMOUNT_NOT_FOR_INVOICE", "amount can be only sent for ecod or link types."
)
FIRST_PAYMENT_MIN_AMOUNT_NOT_FOR_INVOICE: Final = _message(
    "FIRST_PAYMENT_MIN_AMOUNT_NOT_FOR_INVOICE",
    "First payment min amount can be only sent for ecod or link types.",
)
NAME_REQUIRED: Final = _message(
    "NAME_REQUIRED", "The name field is required when item id is not present."
)
AMOUNT_REQUIRED: Final = _message(
    "AMOUNT_REQUIRED", "The amount field is required when item id is not present."
)
LINE_ITEMS_EMPTY: Final = _message("LINE_ITEMS_EMPTY", "The line items must have at least 1 items.")
ITEM_INACTIVE: Final = _message("ITEM_INACTIVE", "Item cannot be used as it is inactive")
ITEM_WRONG_TYPE: Final = _message(
    "ITEM_WRONG_TYPE", "invoice can only use item of one of following types: invoice"
)

NOT_A_VALID_TYPE: Final = _message("NOT_A_VALID_TYPE", "Not a valid type: {type}")
ENTITY_INCONSISTENT: Final = _message(
    "ENTITY_INCONSISTENT",
    "The {attribute} does not match the rest of the invoice.",
    source="invoicecore",
)
TOO_MANY_ELEMENTS: Final = _message(
    "TOO_MANY_ELEMENTS", "The {attribute} may not have more than {maximum} items."
)

RECEIPT_NOT_UNIQUE: Final = _message(
    "RECEIPT_NOT_UNIQUE", "receipt must be unique for each item : {receipt}"
)

# -- the replay protocol (invoicecore's own texts, Razorpay's 404 text) ----------
URL_NOT_FOUND: Final = _message(
    "URL_NOT_FOUND", "The requested URL was not found on the server.", NotFoundError
)
LINE_NOT_JSON: Final = _message(
    "LINE_NOT_JSON", "The line is not valid JSON.", source="invoicecore"
)
CLOCK_WENT_BACK: Final = _message(
    "CLOCK_WENT_BACK",
    "The at may not be before the previous call's at ({previous}).",
    source="invoicecore",
)

# -- errors that are not the client's (decisions.md, second set) ------------------
EMBEDDER_ARGUMENT_MISSING: Final = _message(
    "EMBEDDER_ARGUMENT_MISSING",
    "The embedding program must pass {argument} for this call.",
    EmbedderError,
    "invoicecore",
)
EMBEDDER_ID_COLLISION: Final = _message(
    "EMBEDDER_ID_COLLISION",
    "The id source gave {id}, which is already in use.",
    EmbedderError,
    "invoicecore",
)
STORED_ENTITY_CORRUPT: Final = _message(
    "STORED_ENTITY_CORRUPT",
    "The stored {entity} could not be loaded: {reason}",
    CorruptEntityError,
    "invoicecore",
)
EVENT_UNKNOWN: Final = _message(
    "EVENT_UNKNOWN",
    "The stored event names no known event: {name}.",
    CorruptEntityError,
    "invoicecore",
)

# -- payments -------------------------------------------------------------------
PAYMENT_AMOUNT_MISMATCH: Final = _message(
    "PAYMENT_AMOUNT_MISMATCH",
    "Your payment amount is different from your order amount. "
    "To pay successfully, please try using right amount.",
)
PAYMENT_EXCEEDS_AMOUNT_DUE: Final = _message(
    "PAYMENT_EXCEEDS_AMOUNT_DUE", "Payment amount is greater than the amount due for order"
)
PAYMENT_ID_CAPTURED: Final = _message(
    "PAYMENT_ID_CAPTURED", "The payment id has already been captured.", source="invoicecore"
)

# -- notifications ----------------------------------------------------------------
INVALID_MEDIUM: Final = _message("INVALID_MEDIUM", "{medium} is not a valid communication medium.")
EMAIL_MISSING: Final = _message(
    "EMAIL_MISSING", "Email can not be sent since email address has not been provided."
)
CONTACT_MISSING: Final = _message(
    "CONTACT_MISSING", "SMS can not be sent since contact number has not been provided."
)

# -- notes --------------------------------------------------------------------------
NOTES_NOT_A_DICTIONARY: Final = _message(
    "NOTES_NOT_A_DICTIONARY", "Notes should be provided as a dictionary"
)
NOTES_TOO_MANY_KEYS: Final = _message(
    "NOTES_TOO_MANY_KEYS", "Number of fields in notes should be less than or equal to 15"
)
NOTES_KEY_TOO_LONG: Final = _message(
    "NOTES_KEY_TOO_LONG", "Notes key cannot be greater 255 characters"
)
NOTES_VALUE_TOO_LONG: Final = _message(
    "NOTES_VALUE_TOO_LONG", "Notes value cannot be greater 512 characters"
)
NOTES_VALUE_NOT_SCALAR: Final = _message(
    "NOTES_VALUE_NOT_SCALAR", "Notes values themselves should not be an array"
)

# -- Laravel-style generic validation (attribute names with spaces) ------------------
MUST_BE: Final = _message("MUST_BE", "The {attribute} must be {expected}.")
REQUIRED: Final = _message("REQUIRED", "The {attribute} field is required.")
MUST_BE_BOOLEAN: Final = _message("MUST_BE_BOOLEAN", "The {attribute} field must be true or false.")
MIN_VALUE: Final = _message("MIN_VALUE", "The {attribute} must be at least {minimum}.")
MAX_VALUE: Final = _message("MAX_VALUE", "The {attribute} may not be greater than {maximum}.")
MIN_LENGTH: Final = _message("MIN_LENGTH", "The {attribute} must be at least {minimum} characters.")
MAX_LENGTH: Final = _message(
    "MAX_LENGTH", "The {attribute} may not be greater than {maximum} characters."
)
INVALID_SELECTION: Final = _message("INVALID_SELECTION", "The selected {attribute} is invalid.")

_NOT_FOUND_STATUS: Final = 404
_STATUS_BY_CODE: Final = {URL_NOT_FOUND.code: _NOT_FOUND_STATUS}


def http_status(error: InvoiceError) -> int:
    """The HTTP status a service should answer ``error`` with, as Razorpay and the replay do.

    400 for every client error (an unknown id included, as on Razorpay), 404 for
    an unknown URL, 500 for ``EmbedderError`` and ``CorruptEntityError``.
    """
    if not isinstance(error, InvoiceError):
        raise MUST_BE.error(field="error", attribute="error", expected="an InvoiceError")
    return _STATUS_BY_CODE.get(error.code, type(error).http_status)


MESSAGES: Final[tuple[Message, ...]] = tuple(
    value for name, value in sorted(globals().items()) if isinstance(value, Message)
)
"""Every message, sorted by constant name: the errors table in the docs reads it."""
