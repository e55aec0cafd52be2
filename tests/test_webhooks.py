"""Webhook payloads as Razorpay sends them, and signatures the official SDK accepts."""

from __future__ import annotations

import json
from typing import Any

import pytest
import razorpay
from hypothesis import given
from hypothesis import strategies as st
from razorpay.errors import SignatureVerificationError

from invoicecore import (
    InvoiceError,
    InvoicePaid,
    InvoicePartiallyPaid,
    Status,
    expire,
    pay,
    webhooks,
    wire,
)
from invoicecore.errors import EmbedderError
from invoicecore.events import InvoiceExpired, InvoiceIssued
from tests.helpers import EXPIRE_BY, ORDER_ID, T0, issued

SECRET = "whsec_test_secret"  # noqa: S105 - a test secret
ACCOUNT = "acc_00000000000001"


def _body(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode("utf-8")


def test_a_partial_payment_renders_payment_order_and_invoice() -> None:
    outcome = pay(issued(), amount=200, payment_id="pay_00000000000001", at=T0 + 20)
    event = outcome.events[0]
    assert isinstance(event, InvoicePartiallyPaid)

    payload = webhooks.render_webhook(
        event, outcome.invoice, account_id=ACCOUNT, created_at=T0 + 21
    )

    assert list(payload) == ["entity", "account_id", "event", "contains", "payload", "created_at"]
    assert (payload["entity"], payload["account_id"], payload["event"]) == (
        "event",
        ACCOUNT,
        "invoice.partially_paid",
    )
    assert payload["contains"] == ["payment", "order", "invoice"] == list(payload["payload"])
    assert payload["created_at"] == T0 + 21
    assert payload["payload"]["payment"]["entity"] == {
        "id": "pay_00000000000001",
        "entity": "payment",
        "amount": 200,
        "currency": "INR",
        "status": "captured",
        "order_id": ORDER_ID,
        "invoice_id": outcome.invoice.id,
        "captured": True,
        "created_at": T0 + 20,
    }
    assert payload["payload"]["order"]["entity"] == {
        "id": ORDER_ID,
        "entity": "order",
        "amount": 600,
        "amount_paid": 200,
        "amount_due": 400,
        "currency": "INR",
        "status": "attempted",
    }
    invoice_entity = payload["payload"]["invoice"]["entity"]
    assert invoice_entity == wire.render_invoice(outcome.invoice)
    assert invoice_entity["status"] == "partially_paid"


def test_the_payment_that_completes_the_amount_marks_the_order_paid() -> None:
    first = pay(issued(), amount=200, payment_id="pay_00000000000001", at=T0 + 20)
    last = pay(first.invoice, amount=400, payment_id="pay_00000000000002", at=T0 + 30)
    event = last.events[0]
    assert isinstance(event, InvoicePaid)

    payload = webhooks.render_webhook(event, last.invoice, account_id=ACCOUNT, created_at=T0 + 31)

    assert payload["event"] == "invoice.paid"
    order = payload["payload"]["order"]["entity"]
    assert (order["amount_paid"], order["amount_due"], order["status"]) == (600, 0, "paid")
    assert payload["payload"]["payment"]["entity"]["amount"] == 400
    assert payload["payload"]["invoice"]["entity"]["status"] == Status.PAID.value


def test_an_expiry_contains_the_invoice_alone() -> None:
    outcome = expire(issued(), at=EXPIRE_BY)
    event = outcome.events[0]
    assert isinstance(event, InvoiceExpired)

    payload = webhooks.render_webhook(
        event, outcome.invoice, account_id=ACCOUNT, created_at=EXPIRE_BY + 5
    )

    assert payload["contains"] == ["invoice"]
    assert payload["payload"] == {"invoice": {"entity": wire.render_invoice(outcome.invoice)}}
    assert payload["payload"]["invoice"]["entity"]["status"] == "expired"


def test_the_webhook_events_are_razorpays_three() -> None:
    assert frozenset({"invoice.paid", "invoice.partially_paid", "invoice.expired"}) == (
        webhooks.WEBHOOK_EVENTS
    )


def test_events_without_a_webhook_and_mismatched_invoices_are_the_embedders_mistake() -> None:
    invoice = issued()
    issued_event = InvoiceIssued(
        invoice_id=invoice.id, at=T0 + 10, order_id=ORDER_ID, short_url="https://rzp.io/i/x"
    )
    other = InvoiceExpired(invoice_id="inv_00000000000099", at=EXPIRE_BY)

    for event in (issued_event, other):
        with pytest.raises(EmbedderError) as raised:
            webhooks.render_webhook(event, invoice, account_id=ACCOUNT, created_at=T0)
        assert raised.value.code == "EMBEDDER_ARGUMENT_MISSING"
        assert not isinstance(raised.value, ValueError)


def test_the_signature_verifies_with_the_official_sdk_and_a_tampered_body_fails() -> None:
    outcome = pay(issued(), amount=600, payment_id="pay_00000000000001", at=T0 + 20)
    payload = webhooks.render_webhook(
        outcome.events[0],
        outcome.invoice,
        account_id=ACCOUNT,
        created_at=T0 + 21,
    )
    body = _body(payload)

    signature = webhooks.sign(body, SECRET)

    utility = razorpay.Utility(razorpay.Client(auth=("rzp_test_key", "rzp_test_secret")))
    assert utility.verify_webhook_signature(body.decode("utf-8"), signature, SECRET) is True
    tampered = body.replace(b'"amount_paid":600', b'"amount_paid":601')
    assert tampered != body
    with pytest.raises(SignatureVerificationError):
        utility.verify_webhook_signature(tampered.decode("utf-8"), signature, SECRET)
    with pytest.raises(SignatureVerificationError):
        utility.verify_webhook_signature(body.decode("utf-8"), signature, SECRET + "x")
    assert webhooks.verify(body, signature, SECRET)
    assert not webhooks.verify(tampered, signature, SECRET)
    assert not webhooks.verify(body, signature, SECRET + "x")


def test_a_published_hmac_sha256_vector() -> None:
    # RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?".
    assert webhooks.sign(b"what do ya want for nothing?", "Jefe") == (
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    )


@given(body=st.binary(max_size=200), secret=st.text(min_size=1, max_size=40))
def test_sign_and_verify_agree_with_the_sdk(body: bytes, secret: str) -> None:
    signature = webhooks.sign(body, secret)

    assert len(signature) == 64
    assert all(c in "0123456789abcdef" for c in signature)
    assert webhooks.verify(body, signature, secret)
    assert not webhooks.verify(body + b"x", signature, secret)
    assert not webhooks.verify(body, signature.upper() + "0", secret)
    assert not webhooks.verify(body, None, secret)
    text = body.decode("latin-1")
    sdk = razorpay.Utility(None)
    # The SDK takes text and signs its UTF-8 bytes; so does sign() given a str.
    assert sdk.verify_webhook_signature(text, webhooks.sign(text, secret), secret) is True


def test_a_signature_needs_a_secret() -> None:
    with pytest.raises(InvoiceError):
        webhooks.sign(b"{}", "")
