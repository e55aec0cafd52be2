"""Event names: Razorpay's webhook names where one exists, unique, past tense."""

from __future__ import annotations

import itertools
import json
import typing
from typing import Any

import attrs
import pytest

from invoicecore import Medium, Status, errors, events
from invoicecore.errors import CorruptEntityError, EmbedderError
from tests.helpers import BOOK, T0, draft, parse_and_update


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


# -- outbox: ids, dicts, the registry ---------------------------------------------

EXAMPLES: tuple[events.Event, ...] = (
    events.InvoiceCreated(invoice_id="inv_1", at=1, status=Status.DRAFT),
    events.InvoiceUpdated(invoice_id="inv_1", at=2, keys=("notes",), changes={"notes": {"a": "b"}}),
    events.InvoiceIssued(invoice_id="inv_1", at=3, order_id="order_1", short_url="https://x"),
    events.InvoicePartiallyPaid(
        invoice_id="inv_1", at=4, payment_id="pay_1", payment_amount=1, amount_paid=1, amount_due=5
    ),
    events.InvoicePaid(
        invoice_id="inv_1", at=5, payment_id="pay_2", payment_amount=5, amount_paid=6, amount_due=0
    ),
    events.InvoiceExpired(invoice_id="inv_1", at=6),
    events.InvoiceCancelled(invoice_id="inv_1", at=7),
    events.InvoiceDeleted(invoice_id="inv_1", at=8),
    events.NotificationRequested(invoice_id="inv_1", at=9, medium=Medium.SMS),
    events.NotificationSent(invoice_id="inv_1", at=10, medium=Medium.EMAIL, id="evt_9"),
)


def test_every_event_class_is_registered_by_its_name() -> None:
    assert set(events.EVENT_TYPES.values()) == set(typing.get_args(events.Event))
    assert {type(event) for event in EXAMPLES} == set(typing.get_args(events.Event))
    assert all(events.EVENT_TYPES[cls.name] is cls for cls in typing.get_args(events.Event))


@pytest.mark.parametrize("event", EXAMPLES, ids=lambda e: e.name)
def test_to_dict_is_json_and_from_dict_restores_the_event(event: events.Event) -> None:
    data = event.to_dict()
    text = json.dumps(data)

    restored = events.from_dict(json.loads(text))

    assert restored == event
    assert type(restored) is type(event)
    assert list(data)[:4] == ["name", "id", "invoice_id", "at"]
    assert data["name"] == event.name
    assert events.to_dict(event) == data


def test_enums_come_back_as_enums() -> None:
    created = events.from_dict(
        {"name": "invoice.created", "invoice_id": "i", "at": 1, "status": "paid"}
    )
    sent = events.from_dict(
        {"name": "invoice.notification_sent", "invoice_id": "i", "at": 1, "medium": "sms"}
    )

    assert isinstance(created, events.InvoiceCreated)
    assert created.status is Status.PAID
    assert isinstance(sent, events.NotificationSent)
    assert sent.medium is Medium.SMS
    assert events.InvoiceCreated(invoice_id="i", at=1, status=Status.PAID).to_dict()["status"] == (
        "paid"
    )


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        pytest.param(
            {"name": "invoice.refunded", "invoice_id": "i", "at": 1},
            "EVENT_UNKNOWN",
            "name",
            id="unknown",
        ),
        pytest.param({"invoice_id": "i", "at": 1}, "EVENT_UNKNOWN", "name", id="no-name"),
        pytest.param(
            {"name": "invoice.expired", "at": 1}, "STORED_ENTITY_CORRUPT", None, id="missing"
        ),
        pytest.param(
            {"name": "invoice.expired", "invoice_id": "i", "at": 1, "x": 2},
            "STORED_ENTITY_CORRUPT",
            "x",
            id="extra",
        ),
        pytest.param(
            {"name": "invoice.expired", "invoice_id": "i", "at": "1"},
            "STORED_ENTITY_CORRUPT",
            "at",
            id="type",
        ),
        pytest.param(
            {"name": "invoice.created", "invoice_id": "i", "at": 1, "status": "gone"},
            "STORED_ENTITY_CORRUPT",
            None,
            id="enum",
        ),
        pytest.param(
            {"name": "invoice.updated", "invoice_id": "i", "at": 1, "keys": "notes"},
            "STORED_ENTITY_CORRUPT",
            "keys",
            id="keys-string",
        ),
        pytest.param(["invoice.expired"], "STORED_ENTITY_CORRUPT", "event", id="not-object"),
    ],
)
def test_a_bad_stored_event_is_a_corrupt_entity_error(
    data: Any, code: str, field: str | None
) -> None:
    with pytest.raises(CorruptEntityError) as raised:
        events.from_dict(data)

    assert (raised.value.code, raised.value.field) == (code, field)
    assert not isinstance(raised.value, ValueError)
    assert errors.http_status(raised.value) == 500


def test_with_ids_stamps_one_id_per_event_in_order_and_changes_nothing_else() -> None:
    counter = itertools.count(1)
    asked: list[str] = []

    def new_id(prefix: str) -> str:
        asked.append(prefix)
        return f"{prefix}_{next(counter):014d}"

    stamped = events.with_ids(EXAMPLES, new_id)

    assert asked == ["evt"] * len(EXAMPLES)
    assert [event.id for event in stamped] == [f"evt_{n:014d}" for n in range(1, 11)]
    assert [attrs.evolve(event, id=None) for event in stamped] == [
        attrs.evolve(event, id=None) for event in EXAMPLES
    ]
    assert EXAMPLES[0].id is None  # the inputs are values: untouched


def test_with_ids_refuses_an_id_source_that_gives_no_ids() -> None:
    with pytest.raises(EmbedderError) as raised:
        events.with_ids(EXAMPLES[:1], lambda _prefix: "")

    assert raised.value.code == "EMBEDDER_ARGUMENT_MISSING"


def test_an_update_event_carries_the_changed_values() -> None:
    invoice = draft()

    outcome = parse_and_update(
        invoice,
        {"notes": {"po": "42"}, "line_items": [{"id": BOOK.id, "quantity": 3}]},
        at=T0 + 5,
    )

    event = outcome.events[0]
    assert isinstance(event, events.InvoiceUpdated)
    assert event.keys == ("notes", "line_items")
    assert event.changes["notes"] == {"po": "42"}
    assert [line["quantity"] for line in event.changes["line_items"]] == [3]
    assert event.changes["amount"] == 1200
    assert set(event.changes) == {
        "line_items",
        "gross_amount",
        "taxable_amount",
        "amount",
        "notes",
    }
    assert json.loads(json.dumps(event.to_dict()))["changes"]["amount"] == 1200


@pytest.mark.parametrize("position", [0, 1])
def test_changed_values_refuses_a_non_invoice_with_render_invoices_message(position: int) -> None:
    arguments: list[object] = [draft(), draft()]
    arguments[position] = "inv_1"

    with pytest.raises(errors.InvoiceError) as raised:
        events.changed_values(*arguments)  # type: ignore[arg-type]

    assert raised.value.description == "The invoice must be an Invoice."
    assert raised.value.field == "invoice"
