"""The generated per-class field check gives exactly the error the validators give, in
field order, and accepts exactly what they accept."""

from __future__ import annotations

import weakref
from typing import Any, Self

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from invoicecore import _validators as v
from invoicecore import commands, entities
from invoicecore.amounts import Tax
from invoicecore.errors import InvoiceError
from invoicecore.testing.strategies import invoices

CHECKED = (
    entities.Address,
    entities.Customer,
    entities.Item,
    entities.LineItem,
    entities.Lifecycle,
    entities.Order,
    entities.Details,
    entities.Invoice,
)

# Values around every validator's edges: types, None, lengths and bounds.
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-2, max_value=3),
    st.sampled_from([10**6, 10**6 + 1, 10**12, 10**12 + 1, 1.5]),
    st.text(max_size=3),
    st.sampled_from(["x" * 40, "x" * 41, "x" * 255, "x" * 256, "x" * 2048, "x" * 2049]),
    st.sampled_from([(), (Tax(name="GST", rate=1800),), ("GST",), [], {}]),
    st.sampled_from(
        [
            entities.Lifecycle(status=entities.Status.DRAFT),
            entities.Details(),
            entities.Notifications(),
        ]
    ),
)


def _first_error(cls: type, instance: object) -> tuple[str | None, str] | None:
    """What running each field's validator in field order raises first."""
    for field in attrs.fields(cls):
        validate = field.metadata.get("invoicecore.check")
        if validate is None:
            continue
        try:
            validate(instance, field, getattr(instance, field.name))
        except InvoiceError as error:
            return error.field, error.description
    return None


@pytest.mark.parametrize("cls", CHECKED, ids=lambda cls: cls.__name__)
@given(data=st.data())
def test_the_generated_check_agrees_with_the_validators(cls: type, data: st.DataObject) -> None:
    values = {field.name: data.draw(VALUES, label=field.name) for field in attrs.fields(cls)}
    instance: Any = v.trusted_constructor(cls)(**values)

    check = v.field_check(cls)
    try:
        check(instance)
    except InvoiceError as error:
        assert (error.field, error.description) == _first_error(cls, instance)
    else:
        assert _first_error(cls, instance) is None


def test_every_field_validator_moved_into_the_check() -> None:
    for cls in CHECKED:
        fields = attrs.fields(cls)
        assert all(field.validator is None for field in fields), cls
        assert any("invoicecore.check" in field.metadata for field in fields), cls


def test_a_bad_field_is_refused_through_the_constructor() -> None:
    with pytest.raises(InvoiceError) as raised:
        entities.LineItem(id="li_1", name="x" * 513, amount=100)

    assert (raised.value.field, raised.value.description) == (
        "name",
        "The name may not be greater than 512 characters.",
    )


# -- the slot constructor: wire.load_invoice and patch build LineItem and Invoice with it --

BUILT_FROM_SLOTS = (entities.LineItem, entities.Invoice)


@pytest.mark.parametrize("cls", BUILT_FROM_SLOTS, ids=lambda cls: cls.__name__)
@given(data=st.data())
def test_the_checked_slot_constructor_is_the_constructor(cls: type, data: st.DataObject) -> None:
    """Whatever the values, the slot constructor with ``check`` (the class's own
    ``__attrs_post_init__`` after the stores) refuses what the public constructor
    refuses, with the same error, and builds an equal value from what it accepts."""
    values = {field.name: data.draw(VALUES, label=field.name) for field in attrs.fields(cls)}

    def through_slots() -> object:
        return v.slot_constructor(cls, check=True)(*values.values())

    outcomes: list[tuple[object, ...]] = []
    for build in (through_slots, lambda: cls(**values)):
        try:
            outcomes.append(("ok", build()))
        except InvoiceError as error:
            outcomes.append(("error", error.code, error.field, error.description))
    assert outcomes[0] == outcomes[1]


@given(invoice=invoices())
def test_slots_rebuild_any_invoice_and_its_lines(invoice: entities.Invoice) -> None:
    for value in (invoice, *invoice.line_items, *(line.totals for line in invoice.line_items)):
        cls: Any = type(value)
        rebuilt: Any = v.slot_constructor(cls)(
            *(getattr(value, field.name) for field in attrs.fields(cls))
        )
        assert rebuilt == value
        assert [getattr(rebuilt, f.name) for f in attrs.fields(cls)] == [
            getattr(value, f.name) for f in attrs.fields(cls)
        ]


def test_the_slot_constructor_refuses_converters_and_dict_classes() -> None:
    @attrs.define
    class Loose:
        x: int

    with pytest.raises(TypeError, match="converts a field"):
        v.slot_constructor(entities.Details)  # notes are converted to Notes
    with pytest.raises(TypeError, match="is not a slot"):
        v.slot_constructor(attrs.make_class("Plain", ["x"], slots=False))
    assert v.slot_constructor(Loose)(3) == Loose(x=3)


def test_the_checked_slot_constructor_refuses_classes_it_would_not_check() -> None:
    """``check`` runs ``__attrs_post_init__`` only: a validator left on a field, or
    no post-init at all, would go unchecked, so such classes are refused."""

    @attrs.frozen
    class Validated:
        x: int = attrs.field(validator=attrs.validators.instance_of(int))

    @attrs.frozen
    class Unchecked:
        x: int

    for cls in (Validated, Unchecked):
        with pytest.raises(TypeError, match="is not checked_once"):
            v.slot_constructor(cls, check=True)
    assert v.slot_constructor(Unchecked)(3) == Unchecked(x=3)


# -- the generated evolve: the library's transitions and updates copy entities with it ----


@given(invoice=invoices(), data=st.data())
def test_evolve_is_attrs_evolve(invoice: entities.Invoice, data: st.DataObject) -> None:
    """Same value, or the same refusal, as ``attrs.evolve`` for any changes to any record."""
    records = (invoice.lifecycle, invoice.details, invoice.notifications, *invoice.line_items)
    record: Any = data.draw(st.sampled_from([invoice, *records]))
    names = [field.name for field in attrs.fields(type(record))]
    changes = data.draw(st.dictionaries(st.sampled_from(names), VALUES, max_size=3))

    outcomes: list[tuple[object, ...]] = []
    for copy in (v.evolve, attrs.evolve):
        try:
            outcomes.append(("ok", copy(record, **changes)))
        except InvoiceError as error:
            outcomes.append(("error", error.code, error.field, error.description))
    assert outcomes[0] == outcomes[1]


def test_evolve_refuses_what_the_class_does_not_have() -> None:
    with pytest.raises(TypeError, match="colour"):
        v.evolve(entities.Notifications(), colour="red")
    plain = attrs.make_class("Plain", {"_x": attrs.field()})  # attrs renames _x to x
    assert v.evolve(plain(x=1), x=2) == plain(x=2)


# -- trusted constructors (#12): what the public constructor builds, for valid values ----------

_TRUSTED = (
    commands.AddressInput,
    commands.CustomerInput,
    commands.LineItemInput,
    commands.KeepLineItem,
    commands.EditLineItem,
    commands.CreateInvoice,
    entities.Details,
)
"""Every class the request parser builds through ``v.trusted_constructor``."""

_TRUSTED_VALUES = st.one_of(
    VALUES,
    st.sampled_from(
        [
            commands.UNSET,
            "INR",
            entities.Notes({"a": 1}),
            commands.LineItemInput(name="Pen", amount=100),
            (commands.LineItemInput(name="Pen"),),
            commands.CustomerInput(name="Asha"),
            commands.CustomerRef(id="cust_1"),
            commands.AddressInput(city="Pune"),
            entities.Details(receipt="r1"),
        ]
    ),
)


@pytest.mark.parametrize("cls", _TRUSTED, ids=lambda cls: cls.__name__)
@given(data=st.data())
def test_a_trusted_constructor_builds_what_the_public_one_builds(
    cls: type, data: st.DataObject
) -> None:
    given_values = {
        field.name: data.draw(_TRUSTED_VALUES, label=field.name)
        for field in attrs.fields(cls)
        if field.default is attrs.NOTHING or data.draw(st.booleans(), label=f"{field.name}?")
    }
    try:
        public: Any = cls(**given_values)
    except (InvoiceError, TypeError):
        # Values the public constructor refuses are never given to the trusted one.
        return
    # Nor values its converters change (``notes=()`` becomes ``Notes({})``): the parser
    # gives the converted ones, so the trusted constructor gets what the public one kept.
    given_values = {name: getattr(public, name) for name in given_values}
    trusted: Any = v.trusted_constructor(cls)(**given_values)
    assert trusted == public
    try:
        expected = hash(public)
    except TypeError:  # a list drawn for an untyped field: neither hashes
        with pytest.raises(TypeError):
            hash(trusted)
    else:
        assert hash(trusted) == expected
    assert repr(trusted) == repr(public)
    assert attrs.evolve(trusted) == public
    assert type(trusted) is cls
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        trusted.__setattr__(attrs.fields(cls)[0].name, None)
    if "__weakref__" in vars(cls).get("__slots__", ()):  # built through a subclass twin
        assert weakref.ref(trusted)() is trusted


@pytest.mark.parametrize("cls", _TRUSTED, ids=lambda cls: cls.__name__)
def test_a_trusted_constructor_takes_each_default_when_nothing_is_given(cls: type) -> None:
    required = [field.name for field in attrs.fields(cls) if field.default is attrs.NOTHING]
    construct: Any = v.trusted_constructor(cls)
    if required:
        with pytest.raises(TypeError):  # internal only: no user input reaches it
            construct()
    else:
        assert construct() == cls()
        # A factory runs per instance (never a shared mutable default).
        assert construct() == construct()


def test_a_class_whose_base_has_its_own_new_is_built_through_its_slots_not_a_twin() -> None:
    """A twin is made without calling anything of the class's bases; a base that
    defines ``__new__`` or ``__init_subclass__`` might need to run, so none is made."""

    class Base:
        __slots__ = ("_extra",)

        def __new__(cls, *_args: object, **_kwargs: object) -> Self:
            return super().__new__(cls)

    @attrs.frozen(kw_only=True)
    class Child(Base):
        name: str

    assert v._twin(Child, ["name"]) is None
    assert v._twin(entities.LineItem, [f.name for f in attrs.fields(entities.LineItem)])
