"""Razorpay-style webhook payloads and their ``X-Razorpay-Signature``, from domain events.

Pure: the caller passes the account id and the delivery time, and sends the
bytes itself. Razorpay sends three invoice webhooks (reference section 9):
``invoice.partially_paid`` and ``invoice.paid`` contain the payment, the order
and the invoice; ``invoice.expired`` contains the invoice alone. The signature
is the hex HMAC-SHA256 of the exact body bytes, keyed by the webhook secret,
which is what Razorpay's SDKs check (``Utility.verify_webhook_signature``).
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any, Final

from invoicecore import _validators as v
from invoicecore import errors, wire
from invoicecore.entities import Invoice
from invoicecore.events import Event, InvoiceExpired, InvoicePaid, InvoicePartiallyPaid

__all__ = ["WEBHOOK_EVENTS", "render_webhook", "sign", "verify"]

WEBHOOK_EVENTS: Final = frozenset(
    {InvoicePaid.name, InvoicePartiallyPaid.name, InvoiceExpired.name}
)
"""The event names Razorpay sends as invoice webhooks; other events have none."""


def render_webhook(
    event: Event, invoice: Invoice, *, account_id: str, created_at: int
) -> dict[str, Any]:
    """Razorpay's webhook envelope for ``event``, with ``invoice`` as the event left it.

    ``invoice`` is the invoice right after the event (the outcome's invoice);
    the order's and the payment's figures come from the event itself, so a
    payload rendered later from the outbox still tells what that payment did.
    ``created_at`` is the delivery time (epoch seconds), as on Razorpay.
    Anything but an event of ``WEBHOOK_EVENTS`` for this invoice is the
    embedding program's mistake (``EmbedderError``).
    """
    if not isinstance(event, (InvoicePaid, InvoicePartiallyPaid, InvoiceExpired)):
        raise errors.EMBEDDER_ARGUMENT_MISSING.error(
            field="event", argument="an event of WEBHOOK_EVENTS"
        )
    v.check_type(invoice, Invoice, "invoice", "an Invoice")
    if event.invoice_id != invoice.id:
        raise errors.EMBEDDER_ARGUMENT_MISSING.error(
            field="invoice", argument="the invoice the event names"
        )
    account_id = v.check_id(account_id, "account_id")
    created_at = v.check_integer(created_at, "created_at")
    entity = wire.render_invoice(invoice)
    payload: dict[str, Any]
    if isinstance(event, InvoiceExpired):
        contains = ["invoice"]
        payload = {"invoice": {"entity": entity}}
    else:
        order_id = invoice.order_id
        if order_id is None:
            raise errors.EMBEDDER_ARGUMENT_MISSING.error(
                field="invoice", argument="the invoice the payment was captured on"
            )
        contains = ["payment", "order", "invoice"]
        payload = {
            "payment": {"entity": _payment(event, invoice, order_id)},
            "order": {"entity": _order(event, invoice, order_id)},
            "invoice": {"entity": entity},
        }
    return {
        "entity": "event",
        "account_id": account_id,
        "event": event.name,
        "contains": contains,
        "payload": payload,
        "created_at": created_at,
    }


def sign(body: bytes | str, secret: str) -> str:
    """``X-Razorpay-Signature`` for ``body``: hex HMAC-SHA256 keyed by the webhook secret.

    Sign the exact bytes you send (a ``str`` is taken as its UTF-8 bytes).
    """
    secret = v.check_id(secret, "secret")
    if isinstance(body, str):
        body = body.encode("utf-8")
    if not isinstance(body, bytes):
        raise errors.MUST_BE.error(field="body", attribute="body", expected="bytes")
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(body: bytes | str, signature: object, secret: str) -> bool:
    """Whether ``signature`` is ``body``'s signature under ``secret`` (compared in constant time).

    A signature that is not a string is simply wrong (``False``), as a
    receiving service would treat a malformed header.
    """
    expected = sign(body, secret)
    if not isinstance(signature, str):
        return False
    return hmac.compare_digest(expected.encode("ascii"), signature.encode("utf-8", "replace"))


def _payment(
    event: InvoicePaid | InvoicePartiallyPaid, invoice: Invoice, order_id: str
) -> dict[str, Any]:
    """The captured payment, as the webhook's payment entity carries it."""
    return {
        "id": event.payment_id,
        "entity": "payment",
        "amount": event.payment_amount,
        "currency": invoice.currency,
        "status": "captured",
        "order_id": order_id,
        "invoice_id": invoice.id,
        "captured": True,
        "created_at": event.at,
    }


def _order(
    event: InvoicePaid | InvoicePartiallyPaid, invoice: Invoice, order_id: str
) -> dict[str, Any]:
    """The invoice's order after the payment: ``attempted`` until paid in full, then ``paid``."""
    return {
        "id": order_id,
        "entity": "order",
        "amount": event.amount_paid + event.amount_due,
        "amount_paid": event.amount_paid,
        "amount_due": event.amount_due,
        "currency": invoice.currency,
        "status": "paid" if isinstance(event, InvoicePaid) else "attempted",
    }
