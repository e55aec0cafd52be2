"""Domain events: what a transition caused, in the past tense.

Names follow Razorpay's webhooks where one exists (``invoice.paid``,
``invoice.partially_paid``, ``invoice.expired``); the others use the same
``invoice.<what happened>`` form. Each event carries what changed, so a
service can publish it, log it or fold it.
"""

from __future__ import annotations

from typing import ClassVar

import attrs

from invoicecore.entities import Medium, Status

__all__ = [
    "Event",
    "InvoiceCancelled",
    "InvoiceCreated",
    "InvoiceDeleted",
    "InvoiceExpired",
    "InvoiceIssued",
    "InvoicePaid",
    "InvoicePartiallyPaid",
    "InvoiceUpdated",
    "NotificationRequested",
    "NotificationSent",
]


@attrs.frozen(kw_only=True)
class _InvoiceEvent:
    """What every event carries: the invoice and when it happened (epoch seconds)."""

    invoice_id: str
    at: int


@attrs.frozen(kw_only=True)
class _PaymentEvent(_InvoiceEvent):
    """A captured payment and the invoice's figures after it."""

    payment_id: str
    payment_amount: int
    amount_paid: int
    amount_due: int


@attrs.frozen(kw_only=True)
class _NotificationEvent(_InvoiceEvent):
    medium: Medium


@attrs.frozen(kw_only=True)
class InvoiceCreated(_InvoiceEvent):
    name: ClassVar[str] = "invoice.created"
    status: Status


@attrs.frozen(kw_only=True)
class InvoiceUpdated(_InvoiceEvent):
    """An update was applied; ``keys`` are the request's keys, in request order."""

    name: ClassVar[str] = "invoice.updated"
    keys: tuple[str, ...]


@attrs.frozen(kw_only=True)
class InvoiceIssued(_InvoiceEvent):
    name: ClassVar[str] = "invoice.issued"
    order_id: str
    short_url: str


@attrs.frozen(kw_only=True)
class InvoicePartiallyPaid(_PaymentEvent):
    """A captured payment left part of the amount due (Razorpay webhook of the same name)."""

    name: ClassVar[str] = "invoice.partially_paid"


@attrs.frozen(kw_only=True)
class InvoicePaid(_PaymentEvent):
    """A captured payment completed the amount (Razorpay's ``invoice.paid`` webhook)."""

    name: ClassVar[str] = "invoice.paid"


@attrs.frozen(kw_only=True)
class InvoiceExpired(_InvoiceEvent):
    """The invoice reached ``expire_by`` unpaid; ``at`` is ``expire_by`` (``expired_at``)."""

    name: ClassVar[str] = "invoice.expired"


@attrs.frozen(kw_only=True)
class InvoiceCancelled(_InvoiceEvent):
    name: ClassVar[str] = "invoice.cancelled"


@attrs.frozen(kw_only=True)
class InvoiceDeleted(_InvoiceEvent):
    name: ClassVar[str] = "invoice.deleted"


@attrs.frozen(kw_only=True)
class NotificationRequested(_NotificationEvent):
    """A notification should go out; the embedding service delivers it."""

    name: ClassVar[str] = "invoice.notification_requested"


@attrs.frozen(kw_only=True)
class NotificationSent(_NotificationEvent):
    name: ClassVar[str] = "invoice.notification_sent"


Event = (
    InvoiceCreated
    | InvoiceUpdated
    | InvoiceIssued
    | InvoicePartiallyPaid
    | InvoicePaid
    | InvoiceExpired
    | InvoiceCancelled
    | InvoiceDeleted
    | NotificationRequested
    | NotificationSent
)
"""Any domain event."""
