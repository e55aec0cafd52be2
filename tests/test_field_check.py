"""The generated per-class field check gives exactly the error the validators give, in
field order, and accepts exactly what they accept."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from invoicecore import _validators as v
from invoicecore import commands, entities
from invoicecore.amounts import Tax
from invoicecore.errors import InvoiceError

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
