"""Razorpay's JSON: parsing with exact messages, rendering in exact order, loading back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from invoicecore import Customer, Invoice, InvoiceError, Notes, Status, create, requests, wire
from invoicecore.apply import create_invoice
from invoicecore.commands import LineItemInput
from invoicecore.testing.strategies import invoices
from tests.helpers import BOOK, CUSTOMER, T0, draft, invoice_in

DATA = Path(__file__).parent / "data"
SEEDS = ["issued_invoice_entity.json", "fetched_invoice_entity.json"]


def _seed(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((DATA / name).read_text(encoding="utf-8"))
    return loaded


def _normalized(entity: dict[str, Any]) -> dict[str, Any]:
    """The seeds' own inconsistencies, accounted for as docs/wire.md says."""
    fixed = dict(entity)
    fixed["currency"] = fixed["currency"] or "INR"
    if fixed["currency_symbol"] == "<currency_symbol>":
        fixed["currency_symbol"] = "₹"
    lines = []
    for given_line in fixed["line_items"]:
        line = {**given_line, "currency": given_line["currency"] or fixed["currency"]}
        ordered: dict[str, Any] = {}
        for key, value in line.items():
            ordered[key] = value
            if key == "item_id":  # older samples lack ref_id and ref_type
                ordered.setdefault("ref_id", line.get("ref_id"))
                ordered.setdefault("ref_type", line.get("ref_type"))
        lines.append(ordered)
    fixed["line_items"] = lines
    return fixed


def _keys(value: Any) -> Any:
    """Every key, in order, at every level."""
    if isinstance(value, dict):
        return [(key, _keys(item)) for key, item in value.items()]
    if isinstance(value, list):
        return [_keys(item) for item in value]
    return None


@pytest.mark.parametrize("name", SEEDS)
def test_the_seed_entities_load_and_render_back(name: str) -> None:
    entity = _seed(name)

    rendered = wire.render_invoice(wire.load_invoice(entity))

    assert rendered == _normalized(entity)
    assert _keys(rendered) == _keys(_normalized(entity))


def test_the_rendered_key_orders_are_razorpays() -> None:
    entity = _seed("fetched_invoice_entity.json")

    rendered = wire.render_invoice(invoice_in(Status.PAID))

    assert list(rendered) == list(entity) == list(wire.INVOICE_KEYS)
    assert len(wire.INVOICE_KEYS) == 39
    assert list(rendered["line_items"][0]) == list(entity["line_items"][0])
    assert len(rendered["line_items"][0]) == 21
    assert list(rendered["customer_details"]) == list(entity["customer_details"])
    assert list(entity["customer_details"]["billing_address"]) == list(wire.ADDRESS_KEYS)


@given(invoices())
def test_render_load_render_is_the_identity(invoice: Invoice) -> None:
    rendered = wire.render_invoice(invoice)

    again = wire.render_invoice(wire.load_invoice(json.loads(json.dumps(rendered))))

    assert again == rendered
    assert _keys(again) == _keys(rendered)
    assert wire.load_invoice(rendered) == invoice


@given(invoice=invoices(), between=st.integers(min_value=0, max_value=6))
def test_rendering_an_invoice_again_gives_an_equal_value_that_shares_nothing(
    invoice: Invoice, between: int
) -> None:
    """``render_invoice`` remembers its last few invoices (by identity) and copies
    the remembered entity: each call's value is the caller's own, whatever the
    caller does to an earlier one, and equal to a render from scratch."""
    first = wire.render_invoice(invoice)
    for _ in range(between):  # equal invoices, other objects: they may push it out
        wire.render_invoice(attrs.evolve(invoice))
    second = wire.render_invoice(invoice)

    assert second == first == wire._render_invoice(invoice, None)
    assert _keys(second) == _keys(first)
    assert not _containers(first) & _containers(second)
    first["line_items"].append({})
    first["customer_details"]["name"] = "changed"
    first["notes"] = {"changed": "yes"}
    assert wire.render_invoice(invoice) == second


@given(invoice=invoices())
def test_an_invoice_holding_a_remembered_invoices_lines_renders_as_from_scratch(
    invoice: Invoice,
) -> None:
    """A transition keeps the line items tuple; their rendering is reused, and the
    result is what a render from scratch gives."""
    wire.render_invoice(invoice)
    holding = attrs.evolve(invoice, id=f"{invoice.id}_2", idempotency_key="another")

    rendered = wire.render_invoice(holding)
    assert rendered == wire._render_invoice(holding, None)
    assert (rendered["id"], rendered["idempotency_key"]) == (f"{invoice.id}_2", "another")


@given(before=invoices(), after=invoices())
def test_changed_entity_values_are_the_differing_keys_and_share_nothing(
    before: Invoice, after: Invoice
) -> None:
    """What ``InvoiceUpdated.changes`` holds: the keys whose rendered value differs,
    with ``after``'s values, in entity order; compared as remembered, handed out as
    copies, so changing them changes no later render."""
    old, new = wire._render_invoice(before, None), wire._render_invoice(after, None)
    expected = {key: value for key, value in new.items() if old[key] != value}
    wire.render_invoice(before)  # remembered, as the response before the update was

    changed = wire.changed_entity_values(before, after)

    assert changed == expected
    assert list(changed) == [key for key in wire.INVOICE_KEYS if key in expected]
    assert not _containers(changed) & _containers(wire._remembered(after))
    for value in changed.values():
        if isinstance(value, dict):
            value["changed"] = "yes"
        elif isinstance(value, list):
            value.append({})
    assert wire.render_invoice(after) == new
    assert wire.changed_entity_values(after, after) == {}


def _containers(value: object) -> set[int]:
    """The ids of every dict and list in a JSON value (the value itself included)."""
    if isinstance(value, dict):
        return {id(value)}.union(*(_containers(item) for item in value.values()))
    if isinstance(value, list):
        return {id(value)}.union(*(_containers(item) for item in value))
    return set()


def test_a_draft_renders_nulls_where_razorpay_has_them() -> None:
    blank = create(id="inv_1", at=T0, draft=True).invoice

    rendered = wire.render_invoice(blank)
    with_lines = wire.render_invoice(draft())

    assert {k: rendered[k] for k in ("amount", "gross_amount", "tax_amount", "amount_paid")} == {
        "amount": None,
        "gross_amount": None,
        "tax_amount": None,
        "amount_paid": None,
    }
    assert (rendered["taxable_amount"], rendered["notes"], rendered["line_items"]) == (0, [], [])
    assert rendered["customer_details"] == dict.fromkeys(wire.CUSTOMER_DETAILS_KEYS)
    assert (with_lines["amount"], with_lines["amount_paid"], with_lines["amount_due"]) == (
        600,
        None,
        None,
    )
    assert with_lines["customer_details"]["customer_email"] == CUSTOMER.email


def test_a_loaded_entity_with_wrong_amounts_is_refused() -> None:
    entity = wire.render_invoice(invoice_in(Status.ISSUED))
    entity["amount_due"] = 1

    with pytest.raises(InvoiceError) as raised:
        wire.load_invoice(entity)

    assert (raised.value.code, raised.value.field) == ("ENTITY_INCONSISTENT", "amount_due")
    assert raised.value.description == "The amount_due does not match the rest of the invoice."


def test_collection_and_error_envelopes() -> None:
    error = InvoiceError("The id provided does not exist", None, "ID_DOES_NOT_EXIST")

    collection = wire.render_collection([draft(), invoice_in(Status.PAID)])

    assert (collection["entity"], collection["count"], len(collection["items"])) == (
        "collection",
        2,
        2,
    )
    assert wire.render_error(error) == {
        "error": {
            "code": "BAD_REQUEST_ERROR",
            "description": "The id provided does not exist",
            "field": None,
            "source": "business",
            "step": "payment_initiation",
            "reason": "input_validation_failed",
            "metadata": {},
        }
    }


# -- parsing -------------------------------------------------------------------------

VALID_CREATE: dict[str, Any] = {
    "type": "invoice",
    "description": "Invoice for the month of January 2020",
    "draft": "1",
    "customer": {"name": "Gaurav Kumar", "email": "gaurav@example.com", "contact": "+919000090000"},
    "line_items": [{"name": "Book", "amount": 40000, "currency": "INR", "quantity": 1}],
    "currency": "INR",
    "sms_notify": "1",
    "email_notify": 0,
    "invoice_number": "#0961",
    "notes": {"purpose": "test"},
}


def test_a_create_payload_parses_to_typed_values() -> None:
    command = requests.parse_create(VALID_CREATE, at=T0)

    assert (command.draft, command.sms_notify, command.email_notify) == (True, True, False)
    assert (command.details.receipt, command.details.date, command.currency) == ("#0961", T0, "INR")
    assert command.line_items[0].amount == 40000
    outcome = create_invoice(command, id="inv_1", at=T0, new_id=lambda p: f"{p}_00000000000001")
    assert outcome.invoice.customer == Customer(
        id="cust_00000000000001",
        name="Gaurav Kumar",
        email="gaurav@example.com",
        contact="+919000090000",
    )
    assert outcome.invoice.amount == 40000


def test_aliases_and_explicit_null_date() -> None:
    command = requests.parse_create(
        {"draft": "1", "date": None, "line_items": [{"name": "Pen", "unit_amount": 500}]}, at=T0
    )

    assert command.details.date is None
    assert command.line_items[0] == LineItemInput(name="Pen", amount=500)


def _create(**changes: Any) -> dict[str, Any]:
    payload = {k: v for k, v in VALID_CREATE.items() if k not in changes}
    payload.update({k: v for k, v in changes.items() if v is not _DROP})
    return payload


_DROP = object()

CODES: dict[str, str] = {
    "The selected draft is invalid.": "INVALID_SELECTION",
    "Either of customer_id or customer must be sent in input": "EITHER_CUSTOMER",
    "amount can be only sent for ecod or link types.": "AMOUNT_NOT_FOR_INVOICE",
    "First payment min amount can be only sent for ecod or link types.": (
        "FIRST_PAYMENT_MIN_AMOUNT_NOT_FOR_INVOICE"
    ),
    "The currency field is required.": "REQUIRED",
    "The selected currency is invalid.": "INVALID_SELECTION",
    "Not a valid type: link": "NOT_A_VALID_TYPE",
    "The partial payment field must be true or false.": "MUST_BE_BOOLEAN",
    "The sms notify field must be true or false.": "MUST_BE_BOOLEAN",
    "expire_by should be at least 15 minutes after current time": "EXPIRE_BY_TOO_SOON",
    "The expire by must be an integer.": "MUST_BE",
    "The receipt may not be greater than 40 characters.": "MAX_LENGTH",
    "The terms may not be greater than 2048 characters.": "MAX_LENGTH",
    "Number of fields in notes should be less than or equal to 15": "NOTES_TOO_MANY_KEYS",
    "colour, size is/are not required and should not be sent": "EXTRA_FIELDS",
    "The invoice may not have more than 50 items in total.": "TOO_MANY_LINE_ITEMS",
    "The line items must be an array.": "MUST_BE",
    "The line item must be an object.": "MUST_BE",
    "The body must be an object.": "MUST_BE",
    "The name field is required when item id is not present.": "NAME_REQUIRED",
    "The amount must be an integer.": "MUST_BE",
    "Currency of all items should be the same as of the invoice.": "CURRENCY_MISMATCH",
    "The amount must be atleast INR 1.00": "AMOUNT_BELOW_MINIMUM",
    "The id provided does not exist": "ID_DOES_NOT_EXIST",
    "The count may not be greater than 100.": "MAX_VALUE",
    "The count must be at least 1.": "MIN_VALUE",
    "The skip must be at least 0.": "MIN_VALUE",
    "The count must be an integer.": "MUST_BE",
    "deleted is/are not required and should not be sent": "EXTRA_FIELDS",
}
"""The stable code each description comes with, written out for the tables below."""


CREATE_ERRORS = [
    pytest.param(_create(draft=1), "The selected draft is invalid.", "draft", id="draft-int"),
    pytest.param(_create(draft=True), "The selected draft is invalid.", "draft", id="draft-bool"),
    pytest.param(
        _create(customer_id="cust_1"),
        "Either of customer_id or customer must be sent in input",
        "customer_id",
        id="customer-and-customer-id",
    ),
    pytest.param(
        _create(amount=100),
        "amount can be only sent for ecod or link types.",
        "amount",
        id="amount",
    ),
    pytest.param(
        _create(first_payment_min_amount=100),
        "First payment min amount can be only sent for ecod or link types.",
        "first_payment_min_amount",
        id="first-payment-min-amount",
    ),
    pytest.param(
        _create(currency=None), "The currency field is required.", "currency", id="currency-null"
    ),
    pytest.param(
        _create(currency=""), "The currency field is required.", "currency", id="currency-empty"
    ),
    pytest.param(
        _create(currency="XYZ"),
        "The selected currency is invalid.",
        "currency",
        id="currency-unknown",
    ),
    pytest.param(_create(type="link"), "Not a valid type: link", "type", id="type"),
    pytest.param(
        _create(partial_payment="yes"),
        "The partial payment field must be true or false.",
        "partial_payment",
        id="partial-payment",
    ),
    pytest.param(
        _create(sms_notify="true"),
        "The sms notify field must be true or false.",
        "sms_notify",
        id="sms-notify",
    ),
    pytest.param(
        _create(expire_by=T0 + 60),
        "expire_by should be at least 15 minutes after current time",
        "expire_by",
        id="expire-by",
    ),
    pytest.param(
        _create(expire_by="soon"),
        "The expire by must be an integer.",
        "expire_by",
        id="expire-by-string",
    ),
    pytest.param(
        _create(invoice_number="x" * 41),
        "The receipt may not be greater than 40 characters.",
        "receipt",
        id="receipt-41",
    ),
    pytest.param(
        _create(terms="t" * 2049),
        "The terms may not be greater than 2048 characters.",
        "terms",
        id="terms",
    ),
    pytest.param(
        _create(notes={str(n): n for n in range(16)}),
        "Number of fields in notes should be less than or equal to 15",
        "notes",
        id="notes",
    ),
    pytest.param(
        _create(colour="red", size=2),
        "colour, size is/are not required and should not be sent",
        "colour",
        id="extra",
    ),
    pytest.param(
        _create(line_items=[{"name": "Pen"}] * 51),
        "The invoice may not have more than 50 items in total.",
        "line_items",
        id="51-items",
    ),
    pytest.param(
        _create(line_items={"name": "Pen"}),
        "The line items must be an array.",
        "line_items",
        id="line-items-object",
    ),
    pytest.param(
        _create(line_items=["Pen"]),
        "The line item must be an object.",
        "line_items[0]",
        id="line-item-string",
    ),
    pytest.param(["not", "an", "object"], "The body must be an object.", "body", id="body-list"),
]


@pytest.mark.parametrize(("payload", "description", "field"), CREATE_ERRORS)
def test_create_parsing_errors(payload: Any, description: str, field: str) -> None:
    with pytest.raises(InvoiceError) as raised:
        requests.parse_create(payload, at=T0)

    assert (raised.value.code, raised.value.description, raised.value.field) == (
        CODES[description],
        description,
        field,
    )


@pytest.mark.parametrize(
    ("payload", "description", "field"),
    [
        pytest.param(
            {"line_items": [{"amount": 100}]},
            "The name field is required when item id is not present.",
            "line_items[0].name",
            id="name-required",
        ),
        pytest.param(
            {"line_items": [{"name": "Pen", "amount": 100.0}]},
            "The amount must be an integer.",
            "line_items[0].amount",
            id="float-amount",
        ),
        pytest.param(
            {"line_items": [{"name": "Pen", "amount": True}]},
            "The amount must be an integer.",
            "line_items[0].amount",
            id="bool-amount",
        ),
        pytest.param(
            {"line_items": [{"name": "Pen", "amount": "100"}]},
            "The amount must be an integer.",
            "line_items[0].amount",
            id="string-amount",
        ),
        pytest.param(
            {"currency": "USD", "line_items": [{"name": "Pen", "amount": 100, "currency": "INR"}]},
            "Currency of all items should be the same as of the invoice.",
            "line_items[0].currency",
            id="currency-mismatch",
        ),
        pytest.param(
            {"line_items": [{"name": "Pen", "amount": 50}]},
            "The amount must be atleast INR 1.00",
            "line_items[0].amount",
            id="below-minimum",
        ),
        pytest.param(
            {"customer_id": "cust_404"},
            "The id provided does not exist",
            "customer_id",
            id="unknown-customer",
        ),
    ],
)
def test_create_errors_found_while_parsing_or_building(
    payload: dict[str, Any], description: str, field: str
) -> None:
    # Decisions (second set): everything that needs no lookup is refused by the
    # parse itself, before an idempotency key is looked up; lookups come after.
    def parse_then_apply() -> None:
        command = requests.parse_create({"draft": "1", **payload}, at=T0)
        assert field == "customer_id", "only a lookup may be left to the apply step"
        create_invoice(command, id="inv_1", at=T0, new_id=lambda p: f"{p}_1", customers={})

    with pytest.raises(InvoiceError) as raised:
        parse_then_apply()

    assert (raised.value.code, raised.value.description, raised.value.field) == (
        CODES[description],
        description,
        field,
    )


def test_update_payloads_keep_request_order_and_type_their_flags() -> None:
    command = requests.parse_update(
        {
            "notes": {},
            "invoice_number": "r-1",
            "sms_notify": "0",
            "draft": "0",
            "partial_payment": 1,
        }
    )

    assert list(command.changes.items()) == [
        ("notes", Notes()),
        ("receipt", "r-1"),
        ("sms_notify", False),
        ("draft", False),
        ("partial_payment", True),
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param(None, {"count": 10, "skip": 0}, id="defaults"),
        pytest.param({"count": "2", "skip": 3}, {"count": 2, "skip": 3}, id="strings-and-ints"),
        pytest.param({"from": "100", "to": 200}, {"from_": 100, "to": 200}, id="range"),
        pytest.param(
            {"receipt": 42, "type": "invoice"},
            {"receipt": "42", "type": "invoice"},
            id="receipt-int",
        ),
    ],
)
def test_fetch_queries(query: Any, expected: dict[str, Any]) -> None:
    parsed = requests.parse_fetch_query(query)

    assert {key: getattr(parsed, key) for key in expected} == expected


@pytest.mark.parametrize(
    ("query", "matches"),
    [
        pytest.param({}, True, id="no-filter"),
        pytest.param({"type": "invoice"}, True, id="type"),
        pytest.param({"payment_id": "pay_00000000000001"}, True, id="payment-id"),
        pytest.param({"payment_id": "pay_2"}, False, id="other-payment-id"),
        pytest.param({"customer_id": "cust_00000000000001"}, True, id="customer-id"),
        pytest.param({"customer_id": "cust_2"}, False, id="other-customer-id"),
        pytest.param({"receipt": "r"}, False, id="receipt"),
        pytest.param({"from": T0, "to": T0}, True, id="range-inclusive"),
        pytest.param({"from": T0 + 1}, False, id="created-before-from"),
        pytest.param({"to": T0 - 1}, False, id="created-after-to"),
    ],
)
def test_fetch_filters_are_exact_and_inclusive(query: dict[str, Any], matches: bool) -> None:
    paid = invoice_in(Status.PAID)

    assert requests.parse_fetch_query(query).matches(paid) is matches
    assert requests.parse_fetch_query(query).matches(invoice_in(Status.DELETED)) is False


@pytest.mark.parametrize(
    ("query", "description", "field"),
    [
        pytest.param(
            {"count": 101}, "The count may not be greater than 100.", "count", id="count-101"
        ),
        pytest.param({"count": "0"}, "The count must be at least 1.", "count", id="count-0"),
        pytest.param({"skip": -1}, "The skip must be at least 0.", "skip", id="skip-negative"),
        pytest.param({"count": "ten"}, "The count must be an integer.", "count", id="count-word"),
        pytest.param({"count": 2.5}, "The count must be an integer.", "count", id="count-float"),
        pytest.param(
            {"count": "9" * 30}, "The count must be an integer.", "count", id="count-huge"
        ),
        pytest.param(
            {"deleted": "1"},
            "deleted is/are not required and should not be sent",
            "deleted",
            id="unknown",
        ),
        pytest.param({"type": "link"}, "Not a valid type: link", "type", id="type"),
        pytest.param(
            {"receipt": "r" * 41},
            "The receipt may not be greater than 40 characters.",
            "receipt",
            id="receipt",
        ),
    ],
)
def test_fetch_query_errors(query: dict[str, Any], description: str, field: str) -> None:
    with pytest.raises(InvoiceError) as raised:
        requests.parse_fetch_query(query)

    assert (raised.value.code, raised.value.description, raised.value.field) == (
        CODES.get(
            description, "MAX_LENGTH" if "greater than 40" in description else "NOT_A_VALID_TYPE"
        ),
        description,
        field,
    )


@pytest.mark.parametrize(
    ("payload", "description"),
    [
        pytest.param({"payment_id": "pay_1"}, "The amount field is required.", id="no-amount"),
        pytest.param(
            {"amount": "100", "payment_id": "pay_1"}, "The amount must be an integer.", id="string"
        ),
        pytest.param(
            {"amount": 0, "payment_id": "pay_1"}, "The amount must be at least 1.", id="zero"
        ),
        pytest.param({"amount": 100}, "The payment id field is required.", id="no-payment-id"),
        pytest.param(
            {"amount": 100, "payment_id": 5},
            "The payment id must be a string.",
            id="payment-id-int",
        ),
        pytest.param(
            {"amount": 100, "payment_id": "p", "method": "upi"},
            "method is/are not required and should not be sent",
            id="extra",
        ),
    ],
)
def test_payment_payload_errors(payload: dict[str, Any], description: str) -> None:
    with pytest.raises(InvoiceError) as raised:
        requests.parse_payment(payload)

    assert raised.value.description == description


# -- fuzzing -----------------------------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)


def _parse_everything(payload: Any) -> None:
    for parse in (
        lambda: requests.parse_create(payload, at=T0),
        lambda: requests.parse_update(payload),
        lambda: requests.parse_payment(payload),
        lambda: requests.parse_fetch_query(payload),
        lambda: wire.load_invoice(payload),
        lambda: create_invoice(
            requests.parse_create(payload, at=T0), id="inv_1", at=T0, new_id=lambda p: f"{p}_1"
        ),
    ):
        try:
            parse()
        except InvoiceError as error:
            assert error.description


@given(JSON)
def test_arbitrary_json_raises_only_invoice_errors(payload: Any) -> None:
    _parse_everything(payload)


def _mutations(draw: st.DrawFn, base: dict[str, Any]) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(json.dumps(base))
    key = draw(st.sampled_from(sorted(payload)))
    how = draw(st.sampled_from(["drop", "retype", "grow"]))
    if how == "drop":
        del payload[key]
    elif how == "retype":
        payload[key] = draw(JSON)
    elif isinstance(payload[key], list):
        payload[key] = payload[key] * 60
    elif isinstance(payload[key], str):
        payload[key] = payload[key] * 3000
    else:
        payload[key] = {str(n): n for n in range(20)}
    return payload


@given(st.data())
def test_mutated_valid_payloads_raise_only_invoice_errors(data: st.DataObject) -> None:
    base = data.draw(st.sampled_from([VALID_CREATE, _seed("fetched_invoice_entity.json")]))
    payload = data.draw(st.composite(lambda draw: _mutations(draw, base))())

    _parse_everything(payload)


class _Untouchable(list[Any]):
    """A list that fails the test if anything reads its elements."""

    def __iter__(self) -> Any:
        raise AssertionError("the parser read past the limit")

    def __getitem__(self, index: Any) -> Any:
        raise AssertionError("the parser read past the limit")


def test_inputs_far_beyond_a_limit_are_refused_by_their_size_alone() -> None:
    huge = _Untouchable(range(1_000_000))

    with pytest.raises(InvoiceError) as lines:
        requests.parse_create({"line_items": huge}, at=T0)
    with pytest.raises(InvoiceError) as text:
        requests.parse_create({"terms": "x" * 1_000_000}, at=T0)
    with pytest.raises(InvoiceError) as deep:
        requests.parse_create({"notes": {"a": json.loads("[" * 500 + "]" * 500)}}, at=T0)

    assert lines.value.code == "TOO_MANY_LINE_ITEMS"
    assert text.value.code == "MAX_LENGTH"
    assert deep.value.code == "NOTES_VALUE_NOT_SCALAR"


def test_a_line_item_render_of_a_seed_matches_its_amounts() -> None:
    rendered = wire.render_line_item(BOOK)

    assert (rendered["unit_amount"], rendered["gross_amount"], rendered["net_amount"]) == (
        400,
        400,
        400,
    )


def _deep(depth: int) -> list[Any]:
    nested: list[Any] = []
    for _ in range(depth):
        nested = [nested]
    return nested


def test_update_keys_are_checked_before_values_when_the_status_is_known() -> None:
    with pytest.raises(InvoiceError) as raised:
        requests.parse_update({"sms_notify": "yes", "draft": 1}, status=Status.ISSUED)

    assert (
        raised.value.description == "sms_notify, draft is/are not required and should not be sent"
    )


@pytest.mark.parametrize(
    ("payload", "description"),
    [
        pytest.param({"type": _deep(100_000)}, "Not a valid type: list", id="deep"),
        pytest.param({"type": "x" * 10_000}, "Not a valid type: " + "x" * 64 + "...", id="long"),
        pytest.param(
            {"line_items": []}, "The line items must have at least 1 items.", id="empty-lines"
        ),
        pytest.param(
            {"draft": "1", "notes": {"a": float("nan")}},
            "The notes value must be a finite number.",
            id="nan",
        ),
    ],
)
def test_echoed_values_are_short_and_odd_values_refused(
    payload: dict[str, Any], description: str
) -> None:
    with pytest.raises(InvoiceError) as raised:
        requests.parse_create(payload, at=T0)

    assert raised.value.description == description


def test_an_empty_receipt_filter_is_refused() -> None:
    with pytest.raises(InvoiceError) as raised:
        requests.parse_fetch_query({"receipt": ""})

    assert raised.value.description == "The receipt must be at least 1 characters."


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        pytest.param(
            {"order_id": None, "amount_paid": None, "amount_due": None, "payment_id": "pay_9"},
            "ENTITY_INCONSISTENT",
            "payment_id",
            id="payment-no-order",
        ),
        pytest.param(
            {"order_id": None, "amount_paid": 100},
            "ENTITY_INCONSISTENT",
            "amount_paid",
            id="paid-no-order",
        ),
        pytest.param({"status": "paid"}, "INVARIANT_VIOLATION", None, id="paid-without-paid-at"),
    ],
)
def test_loading_refuses_invoices_no_sequence_of_calls_could_make(
    changes: dict[str, Any], code: str, field: str | None
) -> None:
    entity = {**wire.render_invoice(invoice_in(Status.ISSUED)), **changes}

    with pytest.raises(InvoiceError) as raised:
        wire.load_invoice(entity)

    assert (raised.value.code, raised.value.field) == (code, field)
