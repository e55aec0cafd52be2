"""The entities: frozen, slotted, keyword-only, and guarded by invariants only."""

from __future__ import annotations

import copy
import pickle
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from invoicecore import (
    Address,
    AddressType,
    Customer,
    Details,
    InvalidRequestError,
    Invoice,
    InvoiceError,
    Lifecycle,
    LineItem,
    Notes,
    Order,
    RateType,
    Status,
    Tax,
)
from invoicecore.testing.strategies import invoices
from tests.helpers import BOOK, T0, draft, issued

ENTITIES = [Address, Customer, Tax, LineItem, Lifecycle, Order, Details, Invoice]


@pytest.mark.parametrize("cls", ENTITIES, ids=lambda c: c.__name__)
def test_entities_are_frozen_slotted_and_keyword_only(cls: type) -> None:
    fields = attrs.fields(cls)

    assert "__slots__" in vars(cls)
    assert all(field.kw_only for field in fields)
    assert cls.__attrs_attrs__ is fields  # type: ignore[attr-defined]
    assert getattr(cls.__setattr__, "__name__", "") == "_frozen_setattrs"
    # No class __getattr__ (what attrs gives a slotted class for a cached_property):
    # with one, every attribute read of the class takes CPython's slow path.
    assert not any("__getattr__" in vars(klass) for klass in cls.__mro__)


@given(invoices())
def test_totals_are_the_same_whether_kept_or_computed_again(invoice: Invoice) -> None:
    """The figures each entity keeps are what computing them from scratch gives;
    a copy made past the constructor (a pickle, ``copy``) computes them on first read."""
    copied = copy.copy(invoice)

    assert copied.totals == invoice.totals
    assert [line.totals for line in copy.deepcopy(invoice.line_items)] == [
        line.totals for line in invoice.line_items
    ]
    assert pickle.loads(pickle.dumps(invoice)).totals == invoice.totals


def test_line_item_positional_arguments_are_refused() -> None:
    with pytest.raises(TypeError):
        LineItem("li_1", "Book", 100)  # type: ignore[call-arg, arg-type]


@pytest.mark.parametrize(
    ("changes", "description", "field"),
    [
        pytest.param(
            {"amount": True}, "The amount must be an integer.", "amount", id="bool-amount"
        ),
        pytest.param(
            {"amount": 1.5}, "The amount must be an integer.", "amount", id="float-amount"
        ),
        pytest.param({"amount": -1}, "The amount must be at least 0.", "amount", id="negative"),
        pytest.param(
            {"quantity": 0}, "The quantity must be at least 1.", "quantity", id="quantity-0"
        ),
        pytest.param(
            {"currency": "XYZ"}, "The selected currency is invalid.", "currency", id="currency"
        ),
        pytest.param({"name": None}, "The name must be a string.", "name", id="name"),
        pytest.param(
            {"tax_inclusive": 1},
            "The tax inclusive field must be true or false.",
            "tax_inclusive",
            id="tax-inclusive-int",
        ),
        pytest.param(
            {"hsn_code": "1234", "sac_code": "5678"},
            "Both hsn_code and sac_code cannot be present",
            "hsn_code",
            id="hsn-and-sac",
        ),
        pytest.param(
            {"amount": 10**12, "quantity": 2},
            "Invoice amount exceeds maximum payment amount allowed.",
            "amount",
            id="gross-above-maximum",
        ),
        pytest.param(
            {"taxes": [Tax(name="VAT", rate=1000)]},
            "The taxes must be a tuple of Tax.",
            "taxes",
            id="taxes-as-list",
        ),
        pytest.param(
            {"taxes": ("VAT",)},
            "The taxes must be a tuple of Tax.",
            "taxes",
            id="taxes-of-strings",
        ),
    ],
)
def test_line_item_invariants(changes: dict[str, Any], description: str, field: str) -> None:
    with pytest.raises(InvalidRequestError) as raised:
        attrs.evolve(BOOK, **changes)

    assert (raised.value.description, raised.value.field) == (description, field)


def test_inclusive_taxes_must_leave_a_positive_taxable_amount() -> None:
    levy = Tax(name="Levy", rate=400)  # 4 %
    flat = Tax(name="Levy", rate=400, rate_type=RateType.FLAT)  # all of the 400

    assert attrs.evolve(BOOK, tax_inclusive=True, taxes=(levy,)).totals.net_amount == 400
    with pytest.raises(InvalidRequestError) as raised:
        attrs.evolve(BOOK, tax_inclusive=True, taxes=(flat,))
    assert raised.value.code == "TAXES_EXCEED_GROSS"


def test_enum_fields_take_razorpay_strings_and_refuse_others() -> None:
    assert Tax(name="Levy", rate=5, rate_type="flat").rate_type is RateType.FLAT
    with pytest.raises(InvalidRequestError) as raised:
        Tax(name="Levy", rate=5, rate_type="FLAT")
    assert (raised.value.description, raised.value.field) == (
        "The selected rate type is invalid.",
        "rate_type",
    )


def test_customer_addresses_must_be_of_their_own_type() -> None:
    shipping = Address(type=AddressType.SHIPPING, line1="Bakers Street")

    with pytest.raises(InvalidRequestError) as raised:
        Customer(name="A", billing_address=shipping)

    assert (raised.value.description, raised.value.field) == (
        "The selected billing address is invalid.",
        "billing_address",
    )


def test_an_invoice_holds_lines_of_its_own_currency_only() -> None:
    with pytest.raises(InvalidRequestError) as raised:
        Invoice(
            id="inv_1",
            created_at=0,
            currency="USD",
            lifecycle=Lifecycle(status=Status.DRAFT),
            line_items=(BOOK,),
        )

    assert raised.value.code == "CURRENCY_MISMATCH"


def test_notes_are_an_ordered_immutable_hashable_mapping() -> None:
    notes = Notes([("b", "2"), ("a", 1)])
    same: dict[str, str | int] = {"a": 1, "b": "2"}

    assert list(notes) == ["b", "a"]
    assert notes == Notes(dict(notes))
    assert hash(notes) == hash(Notes(dict(notes)))
    # Order- and type-sensitive (decisions, second set): they render differently.
    assert notes != Notes(same)
    assert Notes({"x": 1}) != Notes({"x": True})
    assert Notes({"x": 1}) != Notes({"x": 1.0})
    assert pickle.loads(pickle.dumps(notes)) == notes
    assert repr(notes) == "Notes({'b': '2', 'a': 1})"
    assert notes != same
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        notes.x = 1
    with pytest.raises(TypeError):
        notes._items["b"] = "changed"  # type: ignore[index]
    assert notes["b"] == "2"


_NOTE_VALUES = st.none() | st.booleans() | st.integers(-2, 2) | st.sampled_from([1.0, 0.0, "1", ""])
_NOTE_DICTS = st.dictionaries(st.sampled_from(["a", "b", "c"]), _NOTE_VALUES, max_size=3)


@given(_NOTE_DICTS, _NOTE_DICTS, st.booleans())
def test_notes_compare_by_keys_values_types_and_order_however_first_used(
    first: dict[str, Any], second: dict[str, Any], hash_first: bool
) -> None:
    """Equality is the ordered (key, type, value) triples', whether or not a hash came first."""
    one, other = Notes(first), Notes(second)
    if hash_first:  # the identity is made on first use: by the hash, or by the comparison
        hash(one)
    triples = [(k, type(x), x) for k, x in first.items()]
    assert (one == other) == (triples == [(k, type(x), x) for k, x in second.items()])
    if one == other:
        assert hash(one) == hash(other)
    assert one == Notes(first)
    assert hash(one) == hash(Notes(first))


@pytest.mark.parametrize(
    ("value", "code"),
    [
        pytest.param("text", "NOTES_NOT_A_DICTIONARY", id="string"),
        pytest.param([1, 2], "NOTES_NOT_A_DICTIONARY", id="list-of-non-pairs"),
        pytest.param({1: "a"}, "NOTES_NOT_A_DICTIONARY", id="int-key"),
        pytest.param(
            ((None, None), ([], None)), "NOTES_NOT_A_DICTIONARY", id="unhashable-key-pair"
        ),
        pytest.param({"a": [1]}, "NOTES_VALUE_NOT_SCALAR", id="list-value"),
        pytest.param({"a": {"b": 1}}, "NOTES_VALUE_NOT_SCALAR", id="dict-value"),
    ],
)
def test_notes_refuse_what_razorpay_refuses(value: Any, code: str) -> None:
    with pytest.raises(InvalidRequestError) as raised:
        Details(notes=value)

    assert (raised.value.code, raised.value.field) == (code, "notes")


def test_derived_fields_read_like_razorpay() -> None:
    invoice = issued()

    assert invoice.type == "invoice"
    assert invoice.invoice_number == invoice.receipt
    assert invoice.currency_symbol == "₹"
    assert invoice.customer_id == "cust_00000000000001"
    assert invoice.line_items[0].unit_amount == invoice.line_items[0].amount == 400
    assert (invoice.partial_payment, invoice.notes, invoice.payment_id) == (True, Notes(), None)


@given(invoices())
def test_invoices_survive_pickle_and_deepcopy(invoice: Invoice) -> None:
    assert pickle.loads(pickle.dumps(invoice)) == invoice
    assert copy.deepcopy(invoice) == invoice
    assert hash(copy.deepcopy(invoice)) == hash(invoice)


@given(invoices())
def test_amount_due_is_always_amount_minus_amount_paid(invoice: Invoice) -> None:
    if invoice.amount_paid is None or invoice.amount is None:
        assert invoice.amount_due is None
    else:
        assert invoice.amount_due == invoice.amount - invoice.amount_paid


def _lines(count: int, *, same_id: bool = False) -> tuple[LineItem, ...]:
    return tuple(
        LineItem(id="li_1" if same_id else f"li_{n}", name="x", amount=100) for n in range(count)
    )


@pytest.mark.parametrize(
    ("make", "code", "field"),
    [
        pytest.param(
            lambda: LineItem(
                id="li_1",
                name="x",
                amount=100,
                taxes=tuple(Tax(name="t", rate=1) for _ in range(11)),
            ),
            "TOO_MANY_ELEMENTS",
            "taxes",
            id="eleven-taxes",
        ),
        pytest.param(
            lambda: Notes({f"k{n}": n for n in range(16)}),
            "NOTES_TOO_MANY_KEYS",
            "notes",
            id="16-notes",
        ),
        pytest.param(lambda: Notes({"k" * 256: 1}), "NOTES_KEY_TOO_LONG", "notes", id="long-key"),
        pytest.param(
            lambda: Notes({"k": "v" * 513}), "NOTES_VALUE_TOO_LONG", "notes", id="long-value"
        ),
        pytest.param(
            lambda: LineItem(id="li_1", name="x", amount=0),
            "AMOUNT_BELOW_MINIMUM",
            "amount",
            id="amount-0",
        ),
        pytest.param(
            lambda: LineItem(id="li_1", name=" ", amount=100), "REQUIRED", "name", id="blank-name"
        ),
        pytest.param(
            lambda: LineItem(id="li_1", name="x" * 513, amount=100),
            "MAX_LENGTH",
            "name",
            id="long-name",
        ),
        pytest.param(
            lambda: LineItem(
                id="li_1",
                name="x",
                amount=10**11,
                quantity=9,
                taxes=(Tax(name="t", rate=5000),),
            ),
            "AMOUNT_EXCEEDS_MAXIMUM",
            "amount",
            id="line-net-over-10^12",
        ),
        pytest.param(
            lambda: attrs.evolve(draft(), line_items=_lines(2, same_id=True)),
            "INVARIANT_VIOLATION",
            "line_items",
            id="repeated-line-ids",
        ),
        pytest.param(
            lambda: attrs.evolve(draft(), line_items=_lines(51)),
            "TOO_MANY_LINE_ITEMS",
            "line_items",
            id="51-lines",
        ),
        pytest.param(
            lambda: attrs.evolve(
                draft(),
                line_items=tuple(
                    LineItem(id=f"li_{n}", name="x", amount=6 * 10**11) for n in range(2)
                ),
            ),
            "AMOUNT_EXCEEDS_MAXIMUM",
            "amount",
            id="invoice-over-10^12",
        ),
        pytest.param(
            lambda: attrs.evolve(
                draft(), lifecycle=Lifecycle(status=Status.CANCELLED, cancelled_at=T0 - 1)
            ),
            "INVARIANT_VIOLATION",
            "cancelled_at",
            id="cancelled-before-created",
        ),
        pytest.param(lambda: Details(receipt=""), "MIN_LENGTH", "receipt", id="empty-receipt"),
        pytest.param(lambda: Details(receipt="r" * 41), "MAX_LENGTH", "receipt", id="long-receipt"),
        pytest.param(lambda: Customer(email="e" * 65), "MAX_LENGTH", "email", id="long-email"),
    ],
)
def test_entities_refuse_what_the_wire_refuses(make: Any, code: str, field: str) -> None:
    with pytest.raises(InvoiceError) as raised:
        make()

    assert (raised.value.code, raised.value.field) == (code, field)


@given(st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=5), max_size=15))
def test_trusted_notes_are_notes_as_the_public_constructor_builds_them(
    data: dict[str, Any],
) -> None:
    # Notes._trusted fills a twin subclass, then gives it Notes' class.
    trusted = Notes._trusted(dict(data))
    assert type(trusted) is Notes
    assert trusted == Notes(data)
    assert hash(trusted) == hash(Notes(data))
    assert dict(trusted) == data
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        trusted._items = {}
