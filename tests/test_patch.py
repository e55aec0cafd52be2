"""The line_items patch-replace merge, item templates and the line-item limits."""

from __future__ import annotations

import copy
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from invoicecore import (
    Details,
    InvalidRequestError,
    Invoice,
    InvoiceError,
    Item,
    LineItem,
    NotFoundError,
    Status,
    Tax,
    create,
    invoice_totals,
    line_totals,
    plan_line_items_patch,
)
from invoicecore import _validators as v
from invoicecore.commands import LineItemInput
from invoicecore.errors import EmbedderError
from invoicecore.patch import Catalogue, build_line_item
from invoicecore.requests import parse_create, parse_line_items_patch
from invoicecore.testing.strategies import invoices
from tests.helpers import T0, parse_and_update, reference_amount

AT = T0 + 100


def _ids() -> Any:
    counter = iter(range(1, 10_000))
    return lambda prefix: f"{prefix}_9{next(counter):013d}"


def _draft(*lines: LineItem) -> Invoice:
    return create(id="inv_1", at=T0, line_items=lines, draft=True).invoice


def test_the_seeds_patch_example_keeps_one_adds_one_and_drops_the_rest() -> None:
    # invoices-overview.txt: "line_items with id li_gHQwerty123gg1 will be patched with the
    # updated name and quantity, a new line_items would be added ... and all other existing
    # would be removed." The result is the issue-invoice.txt entity's two lines (400 + 200).
    invoice = _draft(
        LineItem(id="li_gHQwerty123gg1", name="Book / English August", amount=400, quantity=2),
        LineItem(id="li_DAweOizsysoJU7", name="Book / Norwegian Wood", amount=300),
        LineItem(id="li_DAweOizsysoJU8", name="Book / Kafka on the Shore", amount=250),
    )
    payload = [
        {
            "id": "li_gHQwerty123gg1",
            "name": "Book / English August - Updated name and quantity",
            "quantity": 1,
        },
        {"name": "Book / A Wild Sheep Chase", "amount": 200, "currency": "INR"},
    ]

    outcome = parse_and_update(
        invoice, {"line_items": payload}, at=AT, new_id=lambda _: "li_DAwjWQUo07lnjF"
    )

    lines = outcome.invoice.line_items
    assert [(line.id, line.name, line.amount, line.quantity) for line in lines] == [
        ("li_gHQwerty123gg1", "Book / English August - Updated name and quantity", 400, 1),
        ("li_DAwjWQUo07lnjF", "Book / A Wild Sheep Chase", 200, 1),
    ]
    assert (outcome.invoice.gross_amount, outcome.invoice.amount) == (600, 600)


def test_survivors_keep_their_order_and_new_items_follow_in_input_order() -> None:
    # Razorpay's testUpdateDraftInvoiceWithBasicFieldsAndLineItems: amount 201600.
    invoice = _draft(
        LineItem(id="li_1", name="First", amount=100_000),
        LineItem(id="li_2", name="Second", amount=700),
    )
    payload = [
        {"name": "A", "amount": 100, "quantity": 3},
        {"name": "B", "amount": 200, "quantity": 4},
        {"id": "li_1", "quantity": 2},
        {"id": "li_2", "name": "Second, renamed", "amount": 500},
    ]

    outcome = parse_and_update(invoice, {"line_items": payload}, at=AT, new_id=_ids())

    assert [line.id for line in outcome.invoice.line_items] == [
        "li_1",
        "li_2",
        "li_90000000000001",
        "li_90000000000002",
    ]
    assert outcome.invoice.amount == 201_600


def test_the_same_id_twice_edits_twice_and_the_last_write_wins() -> None:
    invoice = _draft(LineItem(id="li_1", name="Pen", amount=100))

    outcome = parse_and_update(
        invoice,
        {
            "line_items": [
                {"id": "li_1", "quantity": 5, "name": "Red pen"},
                {"id": "li_1", "quantity": 7},
            ]
        },
        at=AT,
    )

    (line,) = outcome.invoice.line_items
    assert (line.name, line.quantity) == ("Red pen", 7)


@given(invoices(status=Status.DRAFT, max_line_items=6), st.data())
def test_any_patch_keeps_drops_and_adds_exactly(invoice: Invoice, data: st.DataObject) -> None:
    existing = [line.id for line in invoice.line_items]
    chosen = data.draw(
        st.lists(st.sampled_from(existing), unique=True) if existing else st.just([])
    )
    elements: list[dict[str, object]] = []
    for line_id in chosen:
        overrides = data.draw(
            st.fixed_dictionaries(
                {},
                optional={
                    "quantity": st.integers(1, 20),
                    # A name blank once PHP-trimmed is refused (NAME_REQUIRED): not a keep.
                    "name": st.text(min_size=1, max_size=10).filter(lambda t: not v.blank(t)),
                    "description": st.none() | st.text(max_size=10),
                },
            )
        )
        elements.append({"id": line_id, **overrides})
    minimum = {"INR": 100, "JPY": 1, "KWD": 100}.get(invoice.currency, 10)
    new_count = data.draw(st.integers(0 if elements else 1, 3))
    elements += [
        {"name": f"New {n}", "amount": minimum + n, "quantity": n + 1} for n in range(new_count)
    ]
    elements = data.draw(st.permutations(elements))
    if len(existing) - len(chosen) + len(elements) > 50:
        return

    outcome = parse_and_update(
        invoice, {"line_items": elements}, at=invoice.created_at, new_id=_ids()
    )

    result = outcome.invoice.line_items
    kept_in_old_order = [line_id for line_id in existing if line_id in chosen]
    assert [line.id for line in result] == kept_in_old_order + [
        f"li_9{n:013d}" for n in range(1, new_count + 1)
    ]
    old = {line.id: line for line in invoice.line_items}
    sent = {e["id"]: e for e in elements if "id" in e}
    for line in result[: len(kept_in_old_order)]:
        for field in attrs.fields(LineItem):
            if field.name not in sent[line.id]:
                assert getattr(line, field.name) == getattr(old[line.id], field.name)
    fresh = invoice_totals(line_totals(line) for line in result)
    assert outcome.invoice.totals == fresh
    assert outcome.invoice.amount == reference_amount(result)


@given(invoices(max_line_items=4), st.data())
def test_a_failing_patch_leaves_the_invoice_unchanged(
    invoice: Invoice, data: st.DataObject
) -> None:
    bad = data.draw(
        st.sampled_from(
            [
                [{"id": "li_not_on_this_invoice"}],
                [{"name": "No amount"}],
                [{"amount": 500}],
                [],
                [{"name": "x", "amount": 500, "colour": "red"}],
            ]
        )
    )
    before = copy.deepcopy(invoice)

    with pytest.raises(InvoiceError):
        parse_and_update(invoice, {"line_items": bad}, at=invoice.created_at, new_id=_ids())

    assert invoice == before


BOOK = LineItem(id="li_1", name="Book", amount=400)


@pytest.mark.parametrize(
    ("elements", "description", "field"),
    [
        pytest.param(
            [{"id": "li_999"}],
            "The id provided does not exist",
            "line_items[0].id",
            id="unknown-id",
        ),
        pytest.param(
            [{"amount": 100}],
            "The name field is required when item id is not present.",
            "line_items[0].name",
            id="name-required",
        ),
        pytest.param(
            [{"id": "li_1"}, {"name": "Pen"}],
            "The amount field is required when item id is not present.",
            "line_items[1].amount",
            id="amount-required",
        ),
        pytest.param(
            [{"name": "Pen", "amount": 99}],
            "The amount must be atleast INR 1.00",
            "line_items[0].amount",
            id="below-minimum",
        ),
        pytest.param(
            [{"name": "Pen", "amount": "100"}],
            "The amount must be an integer.",
            "line_items[0].amount",
            id="amount-string",
        ),
        pytest.param(
            [{"name": "Pen", "amount": 100, "currency": "USD"}],
            "Currency of all items should be the same as of the invoice.",
            "line_items[0].currency",
            id="currency",
        ),
        pytest.param(
            [{"name": "Pen", "amount": 100, "quantity": 0}],
            "The quantity must be at least 1.",
            "line_items[0].quantity",
            id="quantity-0",
        ),
        pytest.param(
            [{"name": "x" * 513, "amount": 100}],
            "The name may not be greater than 512 characters.",
            "line_items[0].name",
            id="name-513",
        ),
        pytest.param(
            [{"id": "li_1", "description": "x" * 2049}],
            "The description may not be greater than 2048 characters.",
            "line_items[0].description",
            id="description-2049",
        ),
        pytest.param(
            [{"id": "li_1", "hsn_code": "1234", "sac_code": "5678"}],
            "Both hsn_code and sac_code cannot be present",
            "line_items[0].hsn_code",
            id="hsn-and-sac",
        ),
        pytest.param(
            [{"id": "li_1", "hsn_code": "123456789"}],
            "The hsn code may not be greater than 8 characters.",
            "line_items[0].hsn_code",
            id="hsn-9",
        ),
        pytest.param([], "The line items must have at least 1 items.", "line_items", id="empty"),
        pytest.param(
            {"id": "li_1"}, "The line items must be an array.", "line_items", id="not-an-array"
        ),
        pytest.param(
            [{"name": "Pen", "amount": 100, "colour": "red", "size": 2}],
            "colour, size is/are not required and should not be sent",
            "line_items[0].colour",
            id="extra-keys",
        ),
        pytest.param(
            [{"name": "Pen", "amount": 100}] * 51,
            "The invoice may not have more than 50 items in total.",
            "line_items",
            id="51-items",
        ),
        pytest.param(
            [{"item_id": "item_gone"}],
            "The id provided does not exist",
            "line_items[0].item_id",
            id="unknown-item",
        ),
        pytest.param(
            [{"item_id": "item_old"}],
            "Item cannot be used as it is inactive",
            "line_items[0].item_id",
            id="inactive-item",
        ),
        pytest.param(
            [{"item_id": "item_link"}],
            "invoice can only use item of one of following types: invoice",
            "line_items[0].item_id",
            id="item-of-another-type",
        ),
        pytest.param(
            [{"name": "Pen", "amount": 100, "taxes": [{"name": "VAT"}]}],
            "The rate field is required.",
            "line_items[0].taxes[0].rate",
            id="tax-without-rate",
        ),
    ],
)
def test_line_item_rules_and_their_exact_messages(
    elements: object, description: str, field: str
) -> None:
    invoice = _draft(BOOK)
    catalogue = {
        "item_old": Item(id="item_old", name="Old", amount=100, active=False),
        "item_link": Item(id="item_link", name="Link", amount=100, type="link"),
    }

    with pytest.raises(InvoiceError) as raised:
        parse_and_update(invoice, {"line_items": elements}, at=AT, new_id=_ids(), items=catalogue)

    assert (raised.value.description, raised.value.field) == (description, field)


def _build(element: object, *, currency: str = "INR", items: Catalogue | None = None) -> LineItem:
    """A new line item the way a create makes it: parse the element, then build it."""
    (line,) = parse_create(
        {"draft": "1", "currency": currency, "line_items": [element]}, at=T0
    ).line_items
    return build_line_item(line, id="li_1", currency=currency, items=items)


@pytest.mark.parametrize(
    ("element", "description", "field"),
    [
        pytest.param(
            "Pen", "The line item must be an object.", "line_items[0]", id="not-an-object"
        ),
        pytest.param(
            {"name": "Pen", "amount": 100, "tax_rate": "5"},
            "The tax rate must be an integer.",
            "line_items[0].tax_rate",
            id="tax-rate-string",
        ),
        pytest.param(
            {"name": "Pen", "amount": 100, "taxes": "VAT"},
            "The taxes must be an array.",
            "line_items[0].taxes",
            id="taxes-string",
        ),
        pytest.param(
            {"name": "Pen", "amount": 100, "taxes": ["VAT"]},
            "The tax must be an object.",
            "line_items[0].taxes[0]",
            id="tax-string",
        ),
        pytest.param(
            {"name": "Pen", "amount": 100, "taxes": [{"name": "VAT", "rate": 5, "level": 1}]},
            "level is/are not required and should not be sent",
            "line_items[0].taxes[0]",
            id="tax-extra-key",
        ),
        pytest.param(
            {"name": "Pen", "amount": 100, "taxes": [{"name": "VAT", "rate": 5, "rate_type": "x"}]},
            "The selected rate type is invalid.",
            "line_items[0].taxes[0].rate_type",
            id="tax-rate-type",
        ),
        pytest.param(
            {"name": "Pen", "amount": 100, "id": "li_1"},
            "id is/are not required and should not be sent",
            "line_items[0].id",
            id="id-in-a-new-item",
        ),
    ],
)
def test_new_line_item_shapes_and_their_messages(
    element: object, description: str, field: str
) -> None:
    with pytest.raises(InvalidRequestError) as raised:
        _build(element, currency="INR")

    assert (raised.value.description, raised.value.field) == (description, field)


def test_a_null_currency_means_the_invoice_currency_and_taxes_may_be_tax_values() -> None:
    vat = Tax(name="VAT", rate=1000)

    line = build_line_item(
        LineItemInput(name="Pen", amount=100, currency=None, taxes=(vat, Tax(name="Cess", rate=5))),
        id="li_1",
        currency="INR",
    )

    assert line.currency == "INR"
    assert [tax.name for tax in line.taxes] == ["VAT", "Cess"]


@pytest.mark.parametrize("new_id", [42, lambda _prefix: "", lambda _prefix: 7])
def test_a_bad_id_source_is_refused(new_id: Any) -> None:
    with pytest.raises(InvalidRequestError) as raised:
        parse_and_update(
            _draft(BOOK), {"line_items": [{"name": "Pen", "amount": 100}]}, at=AT, new_id=new_id
        )

    assert raised.value.field == "new_id"


def test_the_minimum_amount_follows_the_currency() -> None:
    with pytest.raises(InvalidRequestError) as raised:
        _build({"name": "Pen", "amount": 9}, currency="USD")

    assert raised.value.description == "The amount must be atleast USD 0.10"
    assert _build({"name": "Pen", "amount": 10}, currency="USD").amount == 10
    unparsed = LineItemInput(name="Pen", amount=9)  # the apply step checks it too
    with pytest.raises(InvalidRequestError):
        build_line_item(unparsed, id="li_1", currency="USD")


CATALOGUE = {
    "item_1": Item(
        id="item_1", name="Notebook", description="A5, ruled", amount=25_000, unit="piece"
    )
}


def test_an_item_fills_what_the_element_lacks_and_input_wins() -> None:
    line = _build({"item_id": "item_1", "amount": 30_000, "quantity": 2}, items=CATALOGUE)

    assert (line.item_id, line.name, line.description, line.unit) == (
        "item_1",
        "Notebook",
        "A5, ruled",
        "piece",
    )
    assert (line.amount, line.quantity) == (30_000, 2)
    assert CATALOGUE["item_1"].amount == 25_000


def test_an_item_id_in_a_patch_reapplies_the_template_to_missing_keys() -> None:
    invoice = _draft(BOOK)

    outcome = parse_and_update(
        invoice,
        {"line_items": [{"id": "li_1", "item_id": "item_1", "quantity": 3}]},
        at=AT,
        items=CATALOGUE,
    )

    (line,) = outcome.invoice.line_items
    assert (line.id, line.item_id, line.name, line.amount, line.quantity) == (
        "li_1",
        "item_1",
        "Notebook",
        25_000,
        3,
    )


def test_a_plan_shows_kept_dropped_and_added_without_applying() -> None:
    invoice = _draft(BOOK, LineItem(id="li_2", name="Pen", amount=100))
    before = copy.deepcopy(invoice)

    plan = plan_line_items_patch(
        invoice,
        parse_line_items_patch([{"id": "li_1", "quantity": 2}, {"name": "Ink", "amount": 150}]),
    )

    assert [(kept.id, dict(kept.changes)) for kept in plan.kept] == [("li_1", {"quantity": (1, 2)})]
    assert plan.dropped == ("li_2",)
    assert [(line.id, line.name) for line in plan.added] == [("li_new_1", "Ink")]
    assert [line.id for line in plan.line_items] == ["li_1", "li_new_1"]
    assert invoice == before


def test_new_line_items_without_an_id_source_are_the_embedders_mistake() -> None:
    with pytest.raises(EmbedderError) as raised:
        parse_and_update(_draft(BOOK), {"line_items": [{"name": "Pen", "amount": 100}]}, at=AT)

    assert (raised.value.code, raised.value.description, raised.value.field) == (
        "EMBEDDER_ARGUMENT_MISSING",
        "The embedding program must pass an id source (for a new li id) for this call.",
        "new_id",
    )
    assert not isinstance(raised.value, ValueError)


def test_taxes_in_an_element_become_tax_rows() -> None:
    invoice = create(id="inv_1", at=T0, draft=True, details=Details(), line_items=(BOOK,)).invoice

    outcome = parse_and_update(
        invoice,
        {"line_items": [{"id": "li_1", "taxes": [{"name": "VAT", "rate": 1000}]}]},
        at=AT,
    )

    (line,) = outcome.invoice.line_items
    assert (line.taxes[0].name, line.totals.tax_amount, outcome.invoice.amount) == ("VAT", 40, 440)


def test_an_unknown_item_catalogue_type_is_refused() -> None:
    with pytest.raises(InvalidRequestError) as raised:
        build_line_item(LineItemInput(item_id="item_1"), id="li_1", currency="INR", items=42)  # type: ignore[arg-type]

    assert raised.value.description == "The items must be a mapping."


def test_an_id_source_that_repeats_an_id_is_refused() -> None:
    invoice = _draft(BOOK)

    with pytest.raises(EmbedderError) as raised:
        parse_and_update(
            invoice,
            {"line_items": [{"name": "Pen", "amount": 100}]},
            at=AT,
            new_id=lambda _: "li_1",
        )

    assert (raised.value.code, raised.value.description, raised.value.field) == (
        "EMBEDDER_ID_COLLISION",
        "The id source gave li_1, which is already in use.",
        "new_id",
    )


def test_not_found_is_its_own_kind() -> None:
    with pytest.raises(NotFoundError):
        parse_and_update(_draft(BOOK), {"line_items": [{"id": "li_nope"}]}, at=AT)
