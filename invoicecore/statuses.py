"""The status table: what each status allows and implies, one row per status.

Every per-status fact lives here: the keys an update accepts, whether the
invoice holds its receipt, whether it has been issued, which timestamp records
reaching it, what its payments must add up to, whether it expires and whether
fetches find it. The transitions, the invariants, the book, the strategies and
the docs read this table; ``check_covers`` refuses a table with a missing row
when the package is imported, so a new status cannot be half-added.
"""

from __future__ import annotations

from enum import Enum, StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Final

import attrs

from invoicecore import _validators as v
from invoicecore import errors
from invoicecore.entities import Status

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

__all__ = [
    "STATUS_TABLE",
    "UPDATABLE_KEYS",
    "Issuance",
    "Payments",
    "StatusRow",
    "check_covers",
    "row",
]


class Issuance(StrEnum):
    """Whether an invoice in a status has been issued (has an order and a short URL)."""

    NEVER = "never"
    ALWAYS = "always"
    EITHER = "either"
    """Cancelled: a draft or an issued invoice can be cancelled."""


class Payments(StrEnum):
    """What the captured payments of an invoice in a status add up to."""

    NONE = "none"
    """No order, or an order with nothing paid."""
    PART = "part"
    """More than nothing, less than the amount."""
    ALL = "all"
    """Exactly the amount."""


@attrs.frozen(kw_only=True)
class StatusRow:
    """One row of the status table.

    Attributes:
        status: the status this row describes.
        updatable_keys: the request keys a ``PATCH`` accepts in this status, in
            Razorpay's rule-set order; any other key gets the extra-field error.
        holds_receipt: whether an invoice in this status keeps its ``receipt``
            unique within a book (cancelled, expired and deleted ones free it).
        issuance: whether the invoice has been issued.
        timestamp: the ``Lifecycle`` field set on reaching this status, or ``None``.
        payments: what ``amount_paid`` adds up to.
        expires: whether the clock passing ``expire_by`` expires the invoice.
        listed: whether fetch and fetch multiple find it.
    """

    status: Status
    updatable_keys: tuple[str, ...]
    holds_receipt: bool
    issuance: Issuance
    timestamp: str | None
    payments: Payments
    expires: bool
    listed: bool


_DRAFT_KEYS: Final = (
    "sms_notify",
    "email_notify",
    "date",
    "terms",
    "notes",
    "comment",
    "receipt",
    "customer",
    "customer_id",
    "line_items",
    "partial_payment",
    "first_payment_min_amount",
    "amount",
    "description",
    "billing_start",
    "billing_end",
    "expire_by",
    "draft",
)
_ISSUED_KEYS: Final = (
    "partial_payment",
    "receipt",
    "comment",
    "terms",
    "notes",
    "expire_by",
    "first_payment_min_amount",
)


def _row(
    status: Status,
    keys: tuple[str, ...],
    *,
    holds_receipt: bool,
    issuance: Issuance,
    timestamp: str | None,
    payments: Payments,
    expires: bool = False,
    listed: bool = True,
) -> tuple[Status, StatusRow]:
    return status, StatusRow(
        status=status,
        updatable_keys=keys,
        holds_receipt=holds_receipt,
        issuance=issuance,
        timestamp=timestamp,
        payments=payments,
        expires=expires,
        listed=listed,
    )


STATUS_TABLE: Final[Mapping[Status, StatusRow]] = MappingProxyType(
    dict(
        [
            _row(
                Status.DRAFT,
                _DRAFT_KEYS,
                holds_receipt=True,
                issuance=Issuance.NEVER,
                timestamp=None,
                payments=Payments.NONE,
            ),
            _row(
                Status.ISSUED,
                _ISSUED_KEYS,
                holds_receipt=True,
                issuance=Issuance.ALWAYS,
                timestamp="issued_at",
                payments=Payments.NONE,
                expires=True,
            ),
            _row(
                Status.PARTIALLY_PAID,
                ("notes", "expire_by"),
                holds_receipt=True,
                issuance=Issuance.ALWAYS,
                timestamp=None,
                payments=Payments.PART,
            ),
            _row(
                Status.PAID,
                ("notes",),
                holds_receipt=True,
                issuance=Issuance.ALWAYS,
                timestamp="paid_at",
                payments=Payments.ALL,
            ),
            _row(
                Status.CANCELLED,
                ("notes",),
                holds_receipt=False,
                issuance=Issuance.EITHER,
                timestamp="cancelled_at",
                payments=Payments.NONE,
            ),
            _row(
                Status.EXPIRED,
                ("notes",),
                holds_receipt=False,
                issuance=Issuance.ALWAYS,
                timestamp="expired_at",
                payments=Payments.NONE,
            ),
            _row(
                Status.DELETED,
                (),
                holds_receipt=False,
                issuance=Issuance.NEVER,
                timestamp=None,
                payments=Payments.NONE,
                listed=False,
            ),
        ]
    )
)
"""The status table: one ``StatusRow`` per ``Status`` (checked at import)."""


def check_covers(table: str, rows: Iterable[object], members: Iterable[Enum]) -> None:
    """Refuse a table that lacks a row for one of ``members``, naming table and member.

    Called at import on every table keyed by ``Status`` or ``Operation``, and
    by the tests on scratch copies with a dummy member, so that adding a
    status or an operation without its rows fails loudly, never falls back.
    """
    v.check_type(table, str, "table", "a string")
    try:
        present = set(rows)
        wanted = list(members)
    except TypeError:  # not iterable, or rows that cannot be hashed
        raise v.must_be("rows", "iterables of hashable rows and Enum members") from None
    if not all(isinstance(member, Enum) for member in wanted):
        raise v.must_be("members", "Enum members")
    missing = [member for member in wanted if member not in present]
    if missing:
        raise errors.TABLE_INCOMPLETE.error(
            table=table, missing=", ".join(str(member.value) for member in missing)
        )


check_covers("STATUS_TABLE", STATUS_TABLE, Status)
check_covers("STATUS_TABLE rows", (r.status for r in STATUS_TABLE.values()), Status)

UPDATABLE_KEYS: Final[Mapping[Status, tuple[str, ...]]] = MappingProxyType(
    {status: entry.updatable_keys for status, entry in STATUS_TABLE.items()}
)
"""The keys an update accepts in each status, read off ``STATUS_TABLE``.

``amount`` and ``first_payment_min_amount`` are accepted as keys only to fail
with Razorpay's own messages: they belong to payment links, not invoices.
"""

_TIMESTAMPS: Final = ("issued_at", "paid_at", "cancelled_at", "expired_at")
if {entry.timestamp for entry in STATUS_TABLE.values()} - {None, *_TIMESTAMPS}:
    raise errors.TABLE_INCOMPLETE.error(table="STATUS_TABLE timestamps", missing="a known field")


def row(status: Status) -> StatusRow:
    """The row of ``status`` (every status has one: checked at import)."""
    return STATUS_TABLE[v.check_type(status, Status, "status", "a Status")]
