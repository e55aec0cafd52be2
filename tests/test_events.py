"""Event names: Razorpay's webhook names where one exists, unique, past tense."""

from __future__ import annotations

import typing

from invoicecore import events


def test_event_names_are_unique_and_use_razorpay_webhook_names() -> None:
    names = {cls.__name__: cls.name for cls in typing.get_args(events.Event)}

    assert len(set(names.values())) == len(names) == 10
    assert names["InvoicePaid"] == "invoice.paid"
    assert names["InvoicePartiallyPaid"] == "invoice.partially_paid"
    assert names["InvoiceExpired"] == "invoice.expired"
    assert all(name.startswith("invoice.") for name in names.values())


def test_events_are_frozen_keyword_only_values() -> None:
    paid = events.InvoicePaid(
        invoice_id="inv_1",
        at=5,
        payment_id="pay_1",
        payment_amount=10,
        amount_paid=10,
        amount_due=0,
    )

    assert paid == events.InvoicePaid(
        invoice_id="inv_1",
        at=5,
        payment_id="pay_1",
        payment_amount=10,
        amount_paid=10,
        amount_due=0,
    )
    assert hash(paid) == hash(
        events.InvoicePaid(
            invoice_id="inv_1",
            at=5,
            payment_id="pay_1",
            payment_amount=10,
            amount_paid=10,
            amount_due=0,
        )
    )
    partial: object = events.InvoicePartiallyPaid(
        invoice_id="inv_1",
        at=5,
        payment_id="pay_1",
        payment_amount=10,
        amount_paid=10,
        amount_due=0,
    )
    assert paid != partial
