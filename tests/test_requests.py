"""The request tables: check order, Laravel's "required", bounded echoes, #11's request items."""

from __future__ import annotations

import ast
import functools
import itertools
import json
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from invoicecore import InvoiceError, Status, errors, limits, requests
from invoicecore.book import Book, Call
from invoicecore.commands import (
    AddLineItem,
    CreateInvoice,
    EditLineItem,
    KeepLineItem,
    LineItemInput,
)
from invoicecore.entities import Details
from invoicecore.requests import fields
from tests.helpers import T0

PACKAGE = Path(__file__).resolve().parent.parent / "invoicecore"


def _call(book: Book, method: str, path: str, body: Any = None, query: Any = None) -> Any:
    response = book.handle(Call(at=T0, method=method, path=path, body=body, query=query))
    return response.status, response.body


def _error(
    book: Book, method: str, path: str, body: Any = None, query: Any = None
) -> tuple[str, str]:
    status, answer = _call(book, method, path, body, query)
    assert status == 400, answer
    return answer["error"]["description"], answer["error"]["field"]


PEN = {"name": "Pen", "amount": 100}
ISSUABLE = {"customer": {"name": "Asha"}, "line_items": [PEN]}


# -- Laravel's "required" ------------------------------------------------------


@pytest.mark.parametrize("blank", ["", "   ", "\t\n", None])
def test_a_blank_line_item_name_is_missing(blank: object) -> None:
    book = Book()

    refused = _error(book, "POST", "/v1/invoices", {"line_items": [{"name": blank, "amount": 100}]})

    assert refused == (
        "The name field is required when item id is not present.",
        "line_items[0].name",
    )
    assert len(book) == 0


def test_a_blank_name_is_missing_in_an_update_too() -> None:
    book = Book()
    _call(book, "POST", "/v1/invoices", {"draft": "1", "line_items": [PEN]})

    added = _error(
        book,
        "PATCH",
        "/v1/invoices/inv_00000000000001",
        {"line_items": [{"name": " ", "amount": 100}]},
    )
    edited = _error(
        book,
        "PATCH",
        "/v1/invoices/inv_00000000000001",
        {"line_items": [{"id": "li_00000000000001", "name": ""}]},
    )

    assert added == (
        "The name field is required when item id is not present.",
        "line_items[0].name",
    )
    assert edited == (
        "The name field is required when item id is not present.",
        "line_items[0].name",
    )


def test_an_empty_customer_is_missing_so_the_invoice_cannot_be_issued() -> None:
    book = Book()

    refused = _error(book, "POST", "/v1/invoices", {"customer": {}, "line_items": [PEN]})
    status, draft = _call(
        book, "POST", "/v1/invoices", {"draft": "1", "customer": {}, "line_items": [PEN]}
    )
    issue = _error(book, "PATCH", "/v1/invoices/inv_00000000000001", {"customer": {}, "draft": "0"})

    assert refused == ("customer is required.", "customer")
    assert (status, draft["customer_id"], draft["customer_details"]["id"]) == (200, None, None)
    assert issue == ("customer is required.", "customer")


@pytest.mark.parametrize("blank", ["", "  ", None])
def test_a_blank_payment_id_is_missing(blank: object) -> None:
    book = Book()
    _call(book, "POST", "/v1/invoices", ISSUABLE)

    refused = _error(
        book,
        "POST",
        "/sim/invoices/inv_00000000000001/payments",
        {"amount": 100, "payment_id": blank},
    )

    assert refused == ("The payment id field is required.", "payment_id")


@pytest.mark.parametrize(
    ("payment_id", "description"),
    [
        pytest.param("p" * 41, "The payment id may not be greater than 40 characters.", id="41"),
        pytest.param(
            "p" * 10_000_000, "The payment id may not be greater than 40 characters.", id="10MB"
        ),
        pytest.param(
            "pay\x00", "The payment id must be a string of printable ASCII characters.", id="nul"
        ),
        pytest.param(
            "pay\u2028",
            "The payment id must be a string of printable ASCII characters.",
            id="u2028",
        ),
        pytest.param(
            "pay é", "The payment id must be a string of printable ASCII characters.", id="e"
        ),
        pytest.param(7, "The payment id must be a string.", id="int"),
    ],
)
def test_payment_ids_are_1_to_40_printable_ascii(payment_id: object, description: str) -> None:
    book = Book()
    _call(book, "POST", "/v1/invoices", ISSUABLE)

    refused = _error(
        book,
        "POST",
        "/sim/invoices/inv_00000000000001/payments",
        {"amount": 100, "payment_id": payment_id},
    )

    assert refused == (description, "payment_id")
    assert requests.parse_payment({"amount": 1, "payment_id": "~" * 40}).payment_id == "~" * 40


# -- POST /v1/customers ----------------------------------------------------------


@pytest.mark.parametrize("name", [None, "", "  "])
def test_a_customer_needs_a_name(name: object) -> None:
    assert _error(Book(), "POST", "/v1/customers", {"name": name}) == (
        "The name field is required.",
        "name",
    )


def test_a_customer_takes_notes_and_addresses_and_renders_its_notes() -> None:
    body = {
        "name": "Asha",
        "email": "asha@example.com",
        "contact": "+919000090000",
        "gstin": "29ABCDE1234F2Z5",
        "notes": {"tier": "gold", "since": 2020},
        "billing_address": {"line1": "1 MG Road", "city": "Bengaluru", "country": "India"},
        "shipping_address": {"city": "Pune"},
    }

    status, customer = _call(Book(), "POST", "/v1/customers", body)

    assert status == 200
    assert customer["notes"] == {"tier": "gold", "since": 2020}
    assert customer["billing_address"]["country"] == "in"
    assert customer["shipping_address"]["city"] == "Pune"
    assert _call(Book(), "POST", "/v1/customers", {"name": "A"})[1]["notes"] == []


@pytest.mark.parametrize(
    ("notes", "description"),
    [
        (
            {f"k{n}": n for n in range(16)},
            "Number of fields in notes should be less than or equal to 15",
        ),
        ({"k": "v" * 513}, "Notes value cannot be greater 512 characters"),
        ("text", "Notes should be provided as a dictionary"),
    ],
)
def test_customer_notes_have_the_invoice_notes_limits(notes: object, description: str) -> None:
    assert _error(Book(), "POST", "/v1/customers", {"name": "A", "notes": notes}) == (
        description,
        "notes",
    )


def test_customer_extra_keys_are_named_at_the_top_level() -> None:
    assert _error(Book(), "POST", "/v1/customers", {"name": "A", "age": 3}) == (
        "age is/are not required and should not be sent",
        "age",
    )


# -- queries ------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["from", "to", "skip"])
def test_query_bounds_name_the_wire_key(key: str) -> None:
    refused = _error(Book(), "GET", "/v1/invoices", query={key: 10_000_000_000_000})

    assert refused == (f"The {key} may not be greater than 1000000000000.", key)


def test_a_fetch_by_id_checks_its_query_before_the_lookup() -> None:
    book = Book()
    _call(book, "POST", "/v1/invoices", ISSUABLE)

    unknown_key = _error(book, "GET", "/v1/invoices/inv_nope", query={"deleted": 1})
    bad_value = _error(book, "GET", "/v1/invoices/inv_00000000000001", query={"count": 0})
    status, found = _call(book, "GET", "/v1/invoices/inv_00000000000001", query={"count": "5"})

    assert unknown_key == ("deleted is/are not required and should not be sent", "deleted")
    assert bad_value == ("The count must be at least 1.", "count")
    assert (status, found["id"]) == (200, "inv_00000000000001")


# -- unknown keys, bounded ----------------------------------------------------------------


def test_the_extra_field_message_lists_16_keys_cut_to_64_characters() -> None:
    body = {"k" * 10_000_000: 1, **{f"x{n}": n for n in range(100_000)}}

    description, field = _error(Book(), "POST", "/v1/invoices", body)

    listed = description.removesuffix(" is/are not required and should not be sent")
    assert listed.split(", ") == ["k" * 64 + "...", *(f"x{n}" for n in range(15)), "..."]
    assert field == "k" * 64 + "..."


def test_exactly_16_extras_have_no_ellipsis() -> None:
    description, _ = _error(Book(), "POST", "/v1/invoices", {f"x{n}": n for n in range(16)})

    assert description.startswith("x0, x1")
    assert ", ..." not in description


@pytest.mark.parametrize(
    ("body", "field", "listed"),
    [
        ({"customer": {"age": 3}}, "customer.age", "customer.age"),
        (
            {"customer": {"billing_address": {"x": 1}}},
            "customer.billing_address.x",
            "customer.billing_address.x",
        ),
        ({"line_items": [{**PEN, "colour": 1}]}, "line_items[0].colour", "colour"),
        (
            {"line_items": [{**PEN, "taxes": [{"name": "VAT", "rate": 1, "level": 1}]}]},
            "line_items[0].taxes[0]",
            "level",
        ),
    ],
)
def test_nested_extra_keys_share_the_one_refusal(
    body: dict[str, Any], field: str, listed: str
) -> None:
    keys = {f"k{n}": n for n in range(20)}
    nested = json.loads(json.dumps(body).replace('"age": 3', '"age": 3, ' + json.dumps(keys)[1:-1]))

    assert _error(Book(), "POST", "/v1/invoices", {"draft": "1", **body}) == (
        f"{listed} is/are not required and should not be sent",
        field,
    )
    if "age" in json.dumps(body):
        description, _ = _error(Book(), "POST", "/v1/invoices", {"draft": "1", **nested})
        assert description.count(", ") == 16
        assert ", ..." in description


@given(st.dictionaries(st.text(min_size=1, max_size=200), st.none(), min_size=1, max_size=40))
def test_the_refusal_is_bounded_whatever_was_sent(body: dict[str, None]) -> None:
    extras = [key for key in body if key not in requests.CREATE_KEYS]

    if not extras:
        limits.refuse_extras(body, requests.CREATE_KEYS)  # accepted: nothing raised
        return
    with pytest.raises(InvoiceError) as raised:
        limits.refuse_extras(body, requests.CREATE_KEYS)

    if extras:
        assert raised.value.code == "EXTRA_FIELDS"
        assert len(raised.value.description) <= 16 * (64 + 3 + 2) + 60
        # ", ..." ends the list when it was cut, or when the last key sent is "...".
        assert raised.value.description.endswith(
            ", ... is/are not required and should not be sent"
        ) is (len(extras) > 16 or extras[-1] == "...")


# -- the request is checked in full before the idempotency key ---------------------------


@pytest.mark.parametrize(
    ("second", "description"),
    [
        (
            {"line_items": [{"name": "", "amount": 100}]},
            "The name field is required when item id is not present.",
        ),
        (
            {"customer": {"name": "x" * 51}, "line_items": [PEN]},
            "The name may not be greater than 50 characters.",
        ),
        (
            {"customer": {"age": 3}, "line_items": [PEN]},
            "customer.age is/are not required and should not be sent",
        ),
        ({"line_items": [{"name": "Pen", "amount": 50}]}, "The amount must be atleast INR 1.00"),
    ],
)
def test_a_reused_idempotency_key_does_not_skip_the_checks(
    second: dict[str, Any], description: str
) -> None:
    book = Book()
    status, _ = _call(book, "POST", "/v1/invoices", {**ISSUABLE, "idempotency_key": "k1"})
    same_status, same = _call(book, "POST", "/v1/invoices", {**ISSUABLE, "idempotency_key": "k1"})

    refused = _error(book, "POST", "/v1/invoices", {**second, "idempotency_key": "k1"})

    assert (status, same_status, same["id"]) == (200, 200, "inv_00000000000001")
    assert refused[0] == description


# -- the table is the check order ------------------------------------------------------------

_BAD = {"string": 5, "integer": "x", "boolean": "yes", "notes": "x", "selection": 7}


def _simple_rows(table: requests.Table) -> list[requests.Rule]:
    return [rule for rule in table if rule.kind in _BAD and rule.name != "type"]


@pytest.mark.parametrize(
    ("table", "parse"),
    [
        pytest.param(
            requests.CREATE_RULES, lambda body: requests.parse_create(body, at=T0), id="create"
        ),
        pytest.param(requests.UPDATE_RULES, requests.parse_update, id="update"),
        pytest.param(requests.ITEM_RULES, requests.parse_item, id="item"),
        pytest.param(requests.CUSTOMER_CREATE_RULES, requests.parse_customer, id="customer"),
    ],
)
def test_of_two_bad_values_the_earlier_row_answers(table: requests.Table, parse: Any) -> None:
    rows = _simple_rows(table)
    assert len(rows) >= 2
    bases: dict[str, dict[str, object]] = {
        "item": {"name": "N", "amount": 100},
        "customer_create": {"name": "N"},
    }
    base = bases.get(table.name, {})
    for first, second in itertools.combinations(rows, 2):
        for body in (
            {**base, first.name: _BAD[first.kind], second.name: _BAD[second.kind]},
            {**base, second.name: _BAD[second.kind], first.name: _BAD[first.kind]},
        ):
            with pytest.raises(InvoiceError) as raised:
                parse(body)
            assert raised.value.field == first.name, (first.name, second.name)


def test_every_message_a_row_lists_is_in_the_catalogue() -> None:
    codes = {message.code for message in errors.MESSAGES}
    for table in requests.TABLES:
        for rule in table:
            assert {error.code for error in rule.errors} <= codes, rule.name


def test_the_tables_export_as_json() -> None:
    document = json.loads(json.dumps(requests.document()))

    create = document["tables"]["create"]
    assert [row["name"] for row in create["rules"]][:3] == ["*", "type", "amount"]
    assert document["extra_keys"]["listed_at_most"] == 16
    assert set(document["tables"]) == {table.name for table in requests.TABLES}
    for rule in requests.LINE_ITEM_RULES:
        assert isinstance(rule.name, str)
        assert isinstance(rule.kind, str)


def test_an_update_parses_to_typed_patch_elements() -> None:
    command = requests.parse_update(
        {
            "line_items": [
                {"id": "li_1"},
                {"id": "li_2", "quantity": 3},
                {"name": "Ink", "unit_amount": 150},
            ],
            "notes": {"a": 1},
        },
        status=Status.DRAFT,
    )

    assert command.keys == ("line_items", "notes")
    assert command.line_items == (
        KeepLineItem(id="li_1"),
        EditLineItem(id="li_2", changes=LineItemInput(quantity=3)),
        AddLineItem(line=LineItemInput(name="Ink", amount=150)),
    )


def test_is_missing_is_laravels_required() -> None:
    missing: tuple[object, ...] = (None, "", " \t\n", [], {})
    present: tuple[object, ...] = (0, False, "a", [0], {"a": 1}, "\u00a0")
    assert all(fields.is_missing(value) for value in missing)
    assert not any(fields.is_missing(value) for value in present)


# -- no import cycles around limits --------------------------------------------------------------


def _imports(module: str) -> set[str]:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith("invoicecore")
        ):
            if node.module == "invoicecore":
                found |= {alias.name for alias in node.names}
            else:
                found.add(node.module.removeprefix("invoicecore."))
    return found


def test_limits_is_a_leaf() -> None:
    assert _imports("limits") <= {"_validators", "errors"}
    assert _imports("commands") <= {"_validators", "errors", "limits", "entities", "amounts"}


# -- the fast path (#12): it gives what the rows give, or leaves the body to them ------------

_ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-2, max_value=2),
    st.integers(min_value=99, max_value=10**12 + 1),
    st.sampled_from(["", " ", "0", "1", "INR", "USD", "XYZ", "in", "India", "percentage", "x"]),
    st.text(max_size=3),
    st.just([]),
    st.just({}),
    st.floats(allow_nan=True),
)
_LINE = st.dictionaries(
    st.sampled_from([*requests.LINE_ITEM_KEYS, "unit_amount", "colour"]),
    _ODD_VALUES,
    max_size=5,
) | st.fixed_dictionaries(
    {"name": st.sampled_from(["Book", "", None]), "amount": st.sampled_from([100, 99, "1"])},
    optional={
        "currency": st.sampled_from(["INR", "USD", None]),
        "quantity": st.sampled_from([1, 0, None]),
        "taxes": st.just([{"name": "GST", "rate": 1800}]),
    },
)
_BODY = st.fixed_dictionaries(
    {},
    optional={
        "line_items": st.lists(_LINE, max_size=3),
        "customer": st.dictionaries(
            st.sampled_from([*requests.CUSTOMER_KEYS, "x"]), _ODD_VALUES, max_size=3
        )
        | st.just({"name": "Asha", "billing_address": {"country": "India", "id": "a"}}),
        "notes": st.dictionaries(st.text(max_size=3), _ODD_VALUES, max_size=3) | _ODD_VALUES,
        "currency": _ODD_VALUES,
        "customer_id": _ODD_VALUES,
        "draft": _ODD_VALUES,
        "partial_payment": _ODD_VALUES,
        "expire_by": st.sampled_from([T0, T0 + 900, T0 + 10_000, None, True]),
        "date": _ODD_VALUES,
        "receipt": _ODD_VALUES,
        "invoice_number": _ODD_VALUES,
        "sms_notify": _ODD_VALUES,
        "type": st.sampled_from(["invoice", "link", None]),
        "amount": _ODD_VALUES,
    },
)


def _outcome(run: Any) -> object:
    try:
        return ("ok", run())
    except InvoiceError as error:
        return ("error", error.code, str(error), error.field)


@given(_BODY, st.sampled_from([None, "INR", "USD"]))
def test_the_fast_path_gives_what_the_rows_give(body: dict[str, Any], currency: Any) -> None:
    tables = [
        (requests.CREATE_RULES, fields.Context(at=T0)),
        (requests.UPDATE_RULES, fields.Context(at=T0, currency=currency)),
        (
            requests.UPDATE_RULES,
            fields.Context(
                at=T0, accepted=frozenset(requests.update_keys(Status.ISSUED)), currency=currency
            ),
        ),
        (requests.CUSTOMER_RULES, fields.Context()),
    ]
    for table, context in tables:
        slow = fields.Context(
            at=context.at, currency=context.currency, accepted=context.accepted, fast=False
        )
        assert _outcome(lambda t=table, c=context: fields.run(t, body, "", c)) == _outcome(
            lambda t=table, c=slow: fields.run(t, body, "", c)
        )


_GOOD: dict[str, list[Any]] = {
    "name": ["Pen", "Asha"],
    "amount": [100, 1800],
    "unit_amount": [250],
    "rate": [1800, 50],
    "rate_type": ["percentage", "flat"],
    "currency": ["INR", None],
    "quantity": [1, 3],
    "tax_inclusive": [True, False],
    "tax_rate": [1800, None],
    "taxes": [[{"name": "GST", "rate": 1800}], [{"name": "Cess", "rate": 5, "rate_type": "flat"}]],
    "hsn_code": ["1234"],
    "sac_code": [None],
    "country": ["India", " IN "],
    "billing_address": [{"city": "Pune", "country": "India", "id": "addr_1"}, None],
    "shipping_address": [{"line1": "1 MG Road"}],
    "customer": [{"name": "Asha", "email": "a@example.com"}, {"id": "cust_1"}],
    "line_items": [
        [{"name": "Pen", "amount": 100}],
        [{"id": "li_1"}, {"name": "Ink", "amount": 5}],
    ],
    "notes": [{"a": 1, "b": "x"}, []],
    "draft": ["1", "0"],
    "partial_payment": [True, "1", 0],
    "sms_notify": [False, "0"],
    "active": [True],
    "type": ["invoice"],
    "payment_id": ["pay_1"],
    "expire_by": [T0 + 10_000],
    "date": [T0],
    "id": ["li_1"],
    "item_id": ["item_1", None],
    "customer_id": ["cust_1", None],
}
"""A plausible value per key, so that drawn bodies often pass every row (the fast path's case)."""
_ANY_TABLE = st.sampled_from(
    [
        requests.ADDRESS_RULES,
        requests.TAX_RULES,
        requests.LINE_ITEM_RULES,
        requests.LINE_ITEM_EDIT_RULES,
        requests.CUSTOMER_RULES,
        requests.CUSTOMER_CREATE_RULES,
        requests.PAYMENT_RULES,
        requests.ITEM_RULES,
        requests.CREATE_RULES,
        requests.UPDATE_RULES,
    ]
)


@st.composite
def _table_body(draw: st.DrawFn, table: fields.Table) -> dict[str, Any]:
    keys = sorted({rule.key for rule in table.rules if rule.key is not None} | set(table.aliases))
    chosen = draw(st.lists(st.sampled_from(keys), unique=True, max_size=5))
    if draw(st.booleans()):  # the keys the table requires, so that many bodies pass
        for rule in table.rules:
            if rule.kind in ("required", "required_without"):
                chosen += [key for key in rule.name.split(" + ") if key not in chosen]
    if table is requests.LINE_ITEM_EDIT_RULES and "id" not in chosen:
        chosen.append("id")  # the edit table reads only elements with an id
    if draw(st.booleans()):  # plausible values only: mostly bodies every row passes
        return {key: draw(st.sampled_from(_GOOD.get(key, ["x"])), label=key) for key in chosen}
    if draw(st.booleans()):
        chosen.append("colour")
    return {
        key: draw(st.sampled_from(_GOOD.get(key, ["x"])) | _ODD_VALUES, label=key) for key in chosen
    }


def _same_outcome(table: fields.Table, body: Any, currency: Any) -> None:
    fast = fields.Context(at=T0, currency=currency)
    slow = fields.Context(at=T0, currency=currency, fast=False)
    assert _outcome(lambda: fields.run(table, body, "", fast)) == _outcome(
        lambda: fields.run(table, body, "", slow)
    )


@given(st.data(), _ANY_TABLE, st.sampled_from([None, "INR", "USD"]))
def test_every_tables_fast_path_gives_what_its_rows_give(
    data: st.DataObject, table: fields.Table, currency: Any
) -> None:
    body = data.draw(_table_body(table))
    _same_outcome(table, body, currency)
    _same_outcome(table, body, currency)  # the second run takes the shape's compiled function


_PEN = {"name": "Pen", "amount": 100}


@pytest.mark.parametrize(
    "items",
    [
        [_PEN, {"amount": 200, "name": "Ink"}],  # the first shape's keys in another order
        [_PEN, {"name": "Ink", "unit_amount": 200}],  # as long, one key renamed
        [_PEN, {"name": "Ink", "description": "x"}],  # as long, another key: amount missing
        [_PEN, {"item_id": "item_1"}, _PEN],  # another shape between two of the first
        [_PEN, ["not", "an object"]],
        [_PEN, {"name": " ", "amount": 100}],  # blank: required
        [_PEN, {"name": "Pen", "amount": 99}],  # under the currency's least amount
        [{}, _PEN],  # the empty shape first
        [{"amount": 100, "name": "Pen", "hsn_code": None}, _PEN, {"name": None, "amount": None}],
    ],
)
@pytest.mark.parametrize("currency", [None, "INR", "USD", "XYZ"])
def test_an_array_of_elements_gives_what_the_rows_give(
    items: list[Any], currency: str | None
) -> None:
    # The elements of the first one's shape run inline in the table's array function,
    # the others through its entry: the same values, the same first error.
    body = {"customer": {"name": "Asha"}, "line_items": items}
    _same_outcome(requests.CREATE_RULES, body, None)
    _same_outcome(requests.LINE_ITEM_RULES, items[0], currency)
    _same_outcome(requests.UPDATE_RULES, {"line_items": items}, currency)


@pytest.mark.parametrize("name", ["", " ", "\t\x0b", "\x00", " a ", "a", "\u00a0", None])
@pytest.mark.parametrize("amount", [100, 0, None, " "])
def test_a_required_key_is_checked_as_its_rows_check_it(name: object, amount: object) -> None:
    # After a key's own rows pass, its value is a string (or an integer) or null:
    # the shape's code checks "missing" for that type only; the rows check any value.
    for element in ({"name": name, "amount": amount}, {"amount": amount, "name": name}):
        _same_outcome(requests.LINE_ITEM_RULES, element, "INR")
        _same_outcome(requests.LINE_ITEM_EDIT_RULES, {"id": "li_1", **element}, "INR")
        _same_outcome(requests.CUSTOMER_CREATE_RULES, {"name": name}, None)


def test_an_array_function_is_made_for_its_first_elements_shape() -> None:
    first = {"description": "x", "amount": 100, "name": "Pen"}
    made = requests.parse_create(
        {"line_items": [first, _PEN, dict(reversed(first.items()))]}, at=T0
    )

    fast = requests.LINE_ITEM_RULES.fast_run
    assert fast is not None
    assert tuple(first) in fast.many  # type: ignore[attr-defined]
    assert [line.fields() for line in made.line_items] == [
        {"name": "Pen", "description": "x", "amount": 100},
        {"name": "Pen", "amount": 100},
        {"name": "Pen", "description": "x", "amount": 100},
    ]


def test_an_array_function_past_the_kept_shapes_sends_each_element_through_the_entry() -> None:
    table = _rebuilt(requests.LINE_ITEM_RULES)
    first_run = table.fast_run
    assert first_run is not None
    values = {"name": "Pen", "amount": 100, "description": "x", "unit": "box", "quantity": 2}
    values["hsn_code"] = "1234"  # six keys: 720 orders, each a shape
    slow = fields.Context(at=T0, fast=False)

    for order in itertools.islice(itertools.permutations(values), 130):
        element = {key: values[key] for key in order}
        made = first_run.learn_many(element, [element, _PEN], fields.Context(at=T0))  # type: ignore[attr-defined]
        assert made == [fields.run(table, body, "", slow) for body in (element, _PEN)]

    many = table.fast_run.many  # type: ignore[union-attr]
    assert len(many) == 129  # the shapes kept, and the general loop (key ``None``)
    assert None in many


def test_a_record_is_made_from_the_values_of_its_fields_names() -> None:
    build = fields.record(CreateInvoice, details=fields.record(Details), unused=("type",))
    made = build({"type": "invoice", "currency": "USD", "receipt": "r1", "draft": True})

    assert made == CreateInvoice(draft=True, currency="USD", details=Details(receipt="r1"))
    with pytest.raises(TypeError, match="colour"):  # a table whose rows write it is wrong
        build({"currency": "USD", "colour": "red"})


def test_every_element_of_an_array_gets_the_same_table() -> None:
    element = fields.every(lambda: requests.TAX_RULES)

    assert element({}) is requests.TAX_RULES
    assert element({"name": "GST", "id": "x"}) is requests.TAX_RULES


def _rebuilt(table: fields.Table) -> fields.Table:
    """The table anew (a fast path that has compiled no shape yet)."""
    return attrs.evolve(table)


_FULL_NAMES = ("line_item", "create")


@functools.cache
def _full(name: str) -> fields.Table:
    """A table whose fast path has compiled as many shapes as it keeps: new shapes go general."""
    table = _rebuilt({"line_item": requests.LINE_ITEM_RULES, "create": requests.CREATE_RULES}[name])
    fast = table.fast_run
    assert fast is not None
    for n in range(200):  # more shapes than a table compiles
        assert fast({f"k{n}": 1}, fields.Context(at=T0)) is fields.BAIL
    return table


@given(st.data(), st.sampled_from(_FULL_NAMES), st.sampled_from([None, "INR", "USD"]))
def test_the_general_fast_code_past_the_compiled_shapes_gives_what_the_rows_give(
    data: st.DataObject, name: str, currency: Any
) -> None:
    table = _full(name)
    body = data.draw(_table_body(table) | (_BODY if name == "create" else _LINE))
    _same_outcome(table, body, currency)


def _without_fast_form(table: fields.Table) -> fields.Table:
    """The table anew with its last row's fast form dropped (a new rule kind, say)."""
    *kept, last = table.rules
    return fields.Table(
        name=table.name,
        title=table.title,
        path=table.path,
        rules=(*kept, attrs.evolve(last, fast=None)),
        note=table.note,
        aliases=dict(table.aliases),
        build=table.build,
        prepare=table.prepare,
    )


_ROWS_ONLY = {table.name: _without_fast_form(table) for table in requests.TABLES}


@given(st.data(), _ANY_TABLE, st.sampled_from([None, "INR", "USD"]))
def test_a_table_with_a_row_without_fast_form_runs_its_rows(
    data: st.DataObject, table: fields.Table, currency: Any
) -> None:
    # One row without a fast form: the table has no fast path, and gives what its rows give.
    rows_only = _ROWS_ONLY[table.name]
    assert rows_only.fast_run is None
    body = data.draw(_table_body(table))
    assert _outcome(
        lambda: fields.run(rows_only, body, "", fields.Context(at=T0, currency=currency))
    ) == _outcome(
        lambda: fields.run(table, body, "", fields.Context(at=T0, currency=currency, fast=False))
    )


_BASES: dict[str, dict[str, Any]] = {
    "address": {"city": "Pune"},
    "tax": {"name": "GST", "rate": 1800},
    "line_item": {"name": "Pen", "amount": 100},
    "line_item_edit": {"id": "li_1", "name": "Pen"},
    "customer": {"name": "Asha"},
    "customer_create": {"name": "Asha"},
    "payment": {"amount": 100, "payment_id": "pay_1"},
    "item": {"name": "Pen", "amount": 100},
    "create": {"customer": {"name": "Asha"}, "line_items": [{"name": "Pen", "amount": 100}]},
    "update": {"receipt": "r1"},
}
"""A body each table accepts: each case below changes one key of it."""
_EDGES: list[Any] = [
    None,
    True,
    False,
    0,
    1,
    -1,
    99,
    10**12 + 1,
    1.5,
    float("nan"),
    "",
    " ",
    "0",
    "1",
    "x" * 3000,
    "caf\u00e9",
    [],
    [{}],
    [1],
    {},
    {"a": [1]},
    {"k" * 300: 1},
]


@pytest.mark.parametrize("name", sorted(_BASES))
def test_each_key_changed_alone_gives_the_rows_outcome_on_every_fast_path(name: str) -> None:
    # Deterministic: every key of the table, each plausible and edge value, with and
    # without the invoice's currency, through the generated code and the general code;
    # each gives what the rows give.
    table = next(table for table in requests.TABLES if table.name == name)
    keys = sorted({rule.key for rule in table.rules if rule.key is not None} | set(table.aliases))
    bodies: list[dict[str, Any]] = [_BASES[name], {} if name != "line_item_edit" else {"id": 1}]
    for key in keys:
        if (name, key) != ("line_item_edit", "id"):  # the edit table reads elements with an id
            bodies.append({k: v for k, v in _BASES[name].items() if k != key})
        bodies += [{**_BASES[name], key: value} for value in [*_GOOD.get(key, ["x"]), *_EDGES]]
    for body in bodies:
        for currency in (None, "INR", "USD"):
            _same_outcome(table, body, currency)
            if name in _FULL_NAMES:
                _same_outcome(_full(name), body, currency)
