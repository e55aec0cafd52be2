"""The testing kit refuses arguments of the wrong kind with ``InvalidArgument``, at call time (#11).

A strategy refuses when it is made, not when it is first drawn from; ``reach``
refuses before counting anything. Valid uses are in tests/test_strategies.py
and tests/test_fuzz.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from hypothesis.errors import InvalidArgument

from invoicecore.testing import scripts, strategies

if TYPE_CHECKING:
    from collections.abc import Callable

OK = '{"status": 200, "body": {"entity": "invoice"}}'
CREATE = '{"at": 1, "method": "POST", "path": "/v1/invoices", "body": {}}'

# Called through ``Any``: the arguments are of the wrong type on purpose.
S: Any = strategies
R: Any = scripts


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: S.amounts(currency=["INR"]), "currency must be one of"),
        (lambda: S.amounts(currency=b"INR"), "currency must be one of"),
        (lambda: S.addresses(type=[]), "type must be an AddressType, got []"),
        (lambda: S.addresses(type="billing"), "type must be an AddressType, got 'billing'"),
        (lambda: S.line_items(currency={}), "currency must be one of"),
        (lambda: S.line_items(id=["li_1"]), "id must be a str, got ['li_1']"),
        (lambda: S.line_items(with_taxes=None), "with_taxes must be a bool, got None"),
        (lambda: S.invoices(currency=[]), "currency must be one of"),
        (lambda: S.invoices(with_taxes=1), "with_taxes must be a bool, got 1"),
        (lambda: R.call_scripts(only=5), "only must be a collection of tags (str), got 5"),
        (lambda: R.call_scripts(only=[["create"]]), "only must be a collection of tags (str)"),
        (lambda: R.error_code(None), "description must be a str, got None"),
        (lambda: R.reach(None, []), "scripts must be an iterable of sequences of str, got None"),
        (lambda: R.reach([CREATE], [[OK]]), "scripts must be an iterable of sequences of str"),
        (lambda: R.reach([[1]], [[OK]]), "scripts must be an iterable of sequences of str"),
        (lambda: R.reach([[CREATE]], [OK]), "outputs must be an iterable of sequences of str"),
        (lambda: R.reach([[CREATE]], []), "scripts and outputs must be as many, got 1 and 0"),
        (lambda: R.reach([[CREATE]], [["{}"]]), "a reply must be a replay response line, got '{}'"),
        (lambda: R.reach([[CREATE]], [["not json"]]), "a reply must be a replay response line"),
        (
            lambda: R.reach([[CREATE]], [['{"body": {"error": {}}}']]),
            "an error reply must have a string description",
        ),
    ],
)
def test_a_bad_argument_raises_invalid_argument_at_once(
    call: Callable[[], Any], message: str
) -> None:
    with pytest.raises(InvalidArgument) as caught:
        call()

    assert str(caught.value).startswith(message)


def test_a_long_bad_argument_is_quoted_cut() -> None:
    with pytest.raises(InvalidArgument) as caught:
        S.line_items(id=["x" * 1000])

    assert str(caught.value) == f"id must be a str, got ['{'x' * 59}..."


def test_reach_still_counts_from_any_iterables() -> None:
    error = '{"status": 400, "body": {"error": {"description": "The amount must be at least 1."}}}'

    counted = R.reach(iter([(CREATE, CREATE)]), (row for row in [[OK, error]]))

    assert (counted.calls, dict(counted.endpoints), dict(counted.codes)) == (
        2,
        {"create": 2},
        {"MIN_VALUE": 1},
    )


def test_only_may_be_any_iterable_of_tags() -> None:
    assert R.call_scripts(only=(tag for tag in ["create", "pay"])) is not None
