"""Customers and items on the wire, error envelopes with codes, and loading's checks."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from invoicecore import Customer, InvoiceError, Item, Status, errors, wire
from invoicecore.book import Book, Call
from invoicecore.testing.strategies import customers
from tests.helpers import T0, invoice_in

items = st.builds(
    Item,
    id=st.integers(min_value=1, max_value=10**6).map(lambda n: f"item_{n:014d}"),
    name=st.text(min_size=1, max_size=20),
    description=st.none() | st.text(max_size=20),
    amount=st.integers(min_value=100, max_value=10**9),
    currency=st.sampled_from(["INR", "USD"]),
    active=st.booleans(),
    unit=st.none() | st.text(max_size=10),
    tax_inclusive=st.booleans(),
    hsn_code=st.none() | st.just("1234"),
    tax_rate=st.none() | st.integers(min_value=0, max_value=2800),
)
moments = st.integers(min_value=0, max_value=10**12)  # the bound of every integer a request carries


@given(customers(), moments)
def test_load_render_customer_is_the_identity(customer: Customer, at: int) -> None:
    entity = wire.render_customer(customer, created_at=at)

    loaded = wire.load_customer(json.loads(json.dumps(entity)))

    assert loaded == customer
    assert list(entity) == list(wire.CUSTOMER_ENTITY_KEYS)
    assert (entity["entity"], entity["created_at"], entity["notes"]) == ("customer", at, [])


@given(items, moments)
def test_load_render_item_is_the_identity(item: Item, at: int) -> None:
    entity = wire.render_item(item, created_at=at)

    loaded = wire.load_item(json.loads(json.dumps(entity)))

    assert loaded == item
    assert list(entity) == list(wire.ITEM_ENTITY_KEYS)
    assert entity["unit_amount"] == entity["amount"] == item.amount


def test_the_shapes_are_the_books() -> None:
    book = Book()
    customer_body = {
        "name": "Asha",
        "email": "asha@example.com",
        "billing_address": {"line1": "1 Main St", "city": "Pune", "country": "in"},
    }
    answered = book.handle(Call(at=T0, method="POST", path="/v1/customers", body=customer_body))
    item_answer = book.handle(
        Call(at=T0 + 1, method="POST", path="/v1/items", body={"name": "Pen", "amount": 500})
    )
    assert (answered.status, item_answer.status) == (200, 200)

    customer = wire.load_customer(answered.body)
    item = wire.load_item(item_answer.body)

    assert wire.render_customer(customer, created_at=T0) == answered.body
    assert list(wire.render_customer(customer, created_at=T0)) == list(answered.body)
    assert wire.render_item(item, created_at=T0 + 1) == item_answer.body
    assert list(wire.render_item(item, created_at=T0 + 1)) == list(item_answer.body)
    assert customer.billing_address is not None
    assert customer.billing_address.city == "Pune"


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        pytest.param({"entity": "item"}, "ENTITY_INCONSISTENT", "entity", id="entity"),
        pytest.param({"notes": {"a": "b"}}, "ENTITY_INCONSISTENT", "notes", id="notes"),
        pytest.param({"extra": 1}, "EXTRA_FIELDS", "extra", id="extra"),
        pytest.param({"created_at": "now"}, "MUST_BE", "created_at", id="created-at"),
        pytest.param({"name": 5}, "MUST_BE", "name", id="name"),
    ],
)
def test_bad_customer_entities_are_refused(change: dict[str, Any], code: str, field: str) -> None:
    entity = {**wire.render_customer(Customer(id="cust_1", name="A"), created_at=T0), **change}

    with pytest.raises(InvoiceError) as raised:
        wire.load_customer(entity)

    assert (raised.value.code, raised.value.field) == (code, field)


def test_a_customer_entity_missing_a_key_names_it() -> None:
    entity = wire.render_customer(Customer(id="cust_1", name="A"), created_at=T0)
    del entity["gstin"]

    with pytest.raises(InvoiceError) as raised:
        wire.load_customer(entity)

    assert (raised.value.code, raised.value.field) == ("REQUIRED", "gstin")


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        pytest.param({"unit_amount": 1}, "ENTITY_INCONSISTENT", "unit_amount", id="unit-amount"),
        pytest.param({"tax_id": "tax_1"}, "ENTITY_INCONSISTENT", "tax_id", id="tax-id"),
        pytest.param({"amount": 1.5}, "MUST_BE", "amount", id="float"),
        pytest.param({"active": "yes"}, "MUST_BE_BOOLEAN", "active", id="active"),
        pytest.param({"more": 1}, "EXTRA_FIELDS", "more", id="extra"),
    ],
)
def test_bad_item_entities_are_refused(change: dict[str, Any], code: str, field: str) -> None:
    entity = {
        **wire.render_item(Item(id="item_1", name="Pen", amount=500), created_at=T0),
        **change,
    }

    with pytest.raises(InvoiceError) as raised:
        wire.load_item(entity)

    assert (raised.value.code, raised.value.field) == (code, field)


def test_render_error_keeps_razorpays_envelope_unless_asked_for_the_code() -> None:
    error = errors.ID_DOES_NOT_EXIST.error(field="id")

    plain = wire.render_error(error)
    coded = wire.render_error(error, include_code=True)

    assert plain["error"]["metadata"] == {}
    assert coded["error"]["metadata"] == {"code": "ID_DOES_NOT_EXIST"}
    assert {**coded["error"], "metadata": {}} == plain["error"]
    assert plain["error"]["code"] == "BAD_REQUEST_ERROR"


@pytest.mark.parametrize(
    "error",
    [
        errors.EMBEDDER_ARGUMENT_MISSING.error(field="order_id", argument="an order_id"),
        errors.EMBEDDER_ID_COLLISION.error(id="inv_1"),
        errors.STORED_ENTITY_CORRUPT.error(entity="invoice", reason="secret detail"),
    ],
    ids=lambda error: error.code,
)
def test_errors_that_are_not_the_clients_render_as_server_errors(
    error: errors.InvoiceError,
) -> None:
    rendered = wire.render_error(error, include_code=True)["error"]

    assert rendered["code"] == "SERVER_ERROR"
    assert rendered["code"] != "BAD_REQUEST_ERROR"
    assert rendered["description"] == wire.SERVER_ERROR_DESCRIPTION
    assert "secret" not in json.dumps(rendered)
    assert rendered["field"] is None
    assert rendered["metadata"] == {"code": error.code}
    assert errors.http_status(error) == 500


@pytest.mark.parametrize(
    ("where", "key"),
    [
        pytest.param(("line_items", 1), "net_amount", id="line-net"),
        pytest.param(("line_items", 0), "unit_amount", id="line-unit"),
        pytest.param(("customer_details",), "customer_email", id="customer-copy"),
        pytest.param((), "invoice_number", id="invoice-number"),
        pytest.param((), "entity", id="entity"),
    ],
)
def test_every_derived_field_is_still_checked(where: tuple[Any, ...], key: str) -> None:
    entity = wire.render_invoice(invoice_in(Status.PAID))
    target: Any = entity
    for step in where:
        target = target[step]
    target[key] = "wrong"

    with pytest.raises(InvoiceError) as raised:
        wire.load_invoice(entity)

    assert (raised.value.code, raised.value.field) == ("ENTITY_INCONSISTENT", key)


@pytest.mark.parametrize("key", ["taxes", "quantity", "name"])
def test_a_line_missing_a_key_names_it(key: str) -> None:
    entity = wire.render_invoice(invoice_in(Status.ISSUED))
    del entity["line_items"][0][key]

    with pytest.raises(InvoiceError) as raised:
        wire.load_invoice(entity)

    assert (raised.value.code, raised.value.field) == ("REQUIRED", key)


def test_an_unknown_status_string_is_refused_by_the_entity() -> None:
    entity = wire.render_invoice(invoice_in(Status.ISSUED))
    entity["status"] = "archived"
    unhashable = {**entity, "sms_status": ["pending"]}

    for bad in (entity, unhashable):
        with pytest.raises(InvoiceError):
            wire.load_invoice(bad)
