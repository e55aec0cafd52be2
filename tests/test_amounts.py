"""Totals, taxes and the rounding rule, with the reference's two worked examples."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from invoicecore import (
    CURRENCIES,
    InvalidRequestError,
    Invoice,
    LineItem,
    RateType,
    Tax,
    amounts,
    get_currency,
    invoice_totals,
    line_totals,
    round_half_away_from_zero,
)
from invoicecore import _validators as v
from invoicecore.errors import InvoiceError
from invoicecore.testing.strategies import invoices, line_items

TEN = Tax(name="VAT", rate=1000)  # 10 % in basis points
TWENTY = Tax(name="Cess", rate=2000)


def _line(
    n: int, amount: int, quantity: int, taxes: tuple[Tax, ...], *, inclusive: bool
) -> LineItem:
    return LineItem(
        id=f"li_{n}",
        name="x",
        amount=amount,
        quantity=quantity,
        taxes=taxes,
        tax_inclusive=inclusive,
    )


def test_worked_example_tax_inclusive() -> None:
    # Reference 5.1 (testCreateInvoiceWithTaxes3): 100 x 5 at 10 % inclusive and
    # 150 x 3 at 10 % + 20 % inclusive.
    first = _line(1, 100, 5, (TEN,), inclusive=True)
    second = _line(2, 150, 3, (TEN, TWENTY), inclusive=True)

    one, two = line_totals(first), line_totals(second)
    invoice = invoice_totals([one, two])

    assert (one.taxable_base, one.tax_exact, one.tax_amount) == (455, Fraction(91, 2), 46)
    assert (one.gross_amount, one.net_amount, one.taxable_amount) == (500, 500, 454)
    assert (two.taxable_base, two.tax_amounts, two.tax_amount) == (346, (35, 69), 104)
    assert (two.gross_amount, two.net_amount, two.taxable_amount) == (450, 450, 346)
    # Invoice tax rounds 45.5 + 103.8 = 149.3, not 46 + 104 = 150.
    assert (invoice.gross_amount, invoice.tax_amount, invoice.amount) == (950, 149, 950)
    assert invoice.taxable_amount == 800


def test_worked_example_tax_exclusive() -> None:
    # Reference 5.1 (testCreateInvoiceWithTaxes1).
    first = _line(1, 100, 5, (TEN,), inclusive=False)
    second = _line(2, 150, 3, (TEN, TWENTY), inclusive=False)

    one, two = line_totals(first), line_totals(second)
    invoice = invoice_totals([one, two])

    assert (one.gross_amount, one.tax_amount, one.net_amount) == (500, 50, 550)
    assert (two.gross_amount, two.tax_amount, two.net_amount) == (450, 135, 585)
    assert (invoice.gross_amount, invoice.tax_amount, invoice.amount) == (950, 185, 1135)
    assert invoice.taxable_amount == 950


def test_flat_taxes_are_per_unit_of_quantity() -> None:
    flat = Tax(name="Levy", rate=7, rate_type=RateType.FLAT)

    exclusive = line_totals(_line(1, 100, 3, (flat,), inclusive=False))
    inclusive = line_totals(_line(2, 100, 3, (flat, TEN), inclusive=True))

    assert (exclusive.tax_amount, exclusive.net_amount) == (21, 321)
    # (300 - 21) / 1.1 = 253.6 -> 254; tax = 21 + 25.4 = 46.4 -> 46.
    assert (inclusive.taxable_base, inclusive.tax_amount, inclusive.taxable_amount) == (
        254,
        46,
        254,
    )
    assert inclusive.net_amount == 300


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(91, 2), 46),
        (Fraction(89, 2), 45),
        (Fraction(5, 2), 3),
        (Fraction(-5, 2), -3),
        (Fraction(-7, 3), -2),
        (Fraction(7, 3), 2),
        (Fraction(1, 2), 1),
        (Fraction(0), 0),
        (12, 12),
    ],
)
def test_rounding_is_half_away_from_zero(value: Fraction | int, expected: int) -> None:
    assert round_half_away_from_zero(value) == expected


@given(st.fractions())
def test_rounding_is_within_a_half_and_symmetric(value: Fraction) -> None:
    rounded = round_half_away_from_zero(value)

    assert abs(rounded - value) <= Fraction(1, 2)
    assert round_half_away_from_zero(-value) == -rounded


def test_no_line_items_gives_null_amounts() -> None:
    totals = invoice_totals([])

    assert (totals.gross_amount, totals.tax_amount, totals.amount, totals.taxable_amount) == (
        None,
        None,
        None,
        0,
    )


@given(invoices(max_line_items=8))
def test_invoice_figures_round_the_sum_of_unrounded_line_values(invoice_: Invoice) -> None:
    lines = [line_totals(line) for line in invoice_.line_items]

    if not lines:
        assert invoice_.amount is None
        return
    assert invoice_.gross_amount == sum(line.amount * line.quantity for line in invoice_.line_items)
    assert invoice_.tax_amount == round_half_away_from_zero(sum(t.tax_exact for t in lines))
    assert invoice_.amount == round_half_away_from_zero(sum(t.net_exact for t in lines))
    assert invoice_.taxable_amount == sum(t.taxable_amount for t in lines)
    # Rounding once can differ from summing rounded lines by at most half a unit per line.
    assert abs(invoice_.amount - sum(t.net_amount for t in lines)) <= len(lines) // 2 + 1


@given(line_items(with_taxes=True))
def test_line_figures_are_consistent(line: LineItem) -> None:
    totals = line_totals(line)

    assert totals.gross_amount == line.amount * line.quantity
    assert totals.tax_amount == round_half_away_from_zero(sum(totals.tax_exacts, start=Fraction(0)))
    if line.tax_inclusive:
        assert totals.net_amount == totals.gross_amount
        assert totals.taxable_amount == totals.gross_amount - totals.tax_amount
    else:
        assert totals.taxable_amount == totals.gross_amount
        # gross is an integer, so rounding gross + tax equals gross + rounded tax.
        assert totals.net_amount == totals.gross_amount + totals.tax_amount
    assert line.totals == totals


@given(line_items(with_taxes=False))
def test_without_taxes_every_tax_figure_is_zero(line: LineItem) -> None:
    totals = line.totals

    assert (totals.tax_amount, totals.tax_exacts) == (0, ())
    assert totals.gross_amount == totals.taxable_amount == totals.net_amount


def test_currency_table_has_the_required_currencies_and_exponents() -> None:
    exponents = {code: currency.exponent for code, currency in CURRENCIES.items()}

    assert {"INR", "USD", "EUR", "GBP", "SGD", "AED", "MYR"} <= set(exponents)
    assert 0 in exponents.values()
    assert 3 in exponents.values()
    assert (CURRENCIES["INR"].symbol, CURRENCIES["INR"].minimum_amount) == ("₹", 100)


@pytest.mark.parametrize(
    ("code", "amount", "text"),
    [
        ("INR", 100, "INR 1.00"),
        ("USD", 10, "USD 0.10"),
        ("JPY", 1, "JPY 1"),
        ("KWD", 100, "KWD 0.100"),
        ("INR", -150, "INR -1.50"),
    ],
)
def test_currencies_format_amounts_as_razorpay_messages_do(
    code: str, amount: int, text: str
) -> None:
    assert get_currency(code).format(amount) == text


@pytest.mark.parametrize("code", ["XYZ", "inr", "", None, 3])
def test_unknown_currencies_are_refused(code: object) -> None:
    with pytest.raises(InvalidRequestError) as raised:
        get_currency(code)

    assert (raised.value.description, raised.value.field) == (
        "The selected currency is invalid.",
        "currency",
    )


_DUE_VALUES = (
    st.none()
    | st.booleans()
    | st.integers(-2, 5)
    | st.sampled_from([10**12 - 1, 10**12, 10**12 + 1, 2.0])
)


@given(_DUE_VALUES, _DUE_VALUES)
def test_amount_due_is_the_difference_of_two_checked_amounts(amount: Any, paid: Any) -> None:
    """``None`` while either is unknown; else both checked (an int, not a bool, paid at most
    the amount, neither above 10^12) before the subtraction, with the checks' own errors."""

    def expected() -> object:
        if amount is None or paid is None:
            return None
        v.check_integer(amount, "amount")
        v.check_integer(paid, "amount_paid", maximum=amount)
        return amount - paid

    outcomes: list[tuple[object, ...]] = []
    for compute in (lambda: amounts.amount_due(amount, paid), expected):
        try:
            outcomes.append(("ok", compute()))
        except InvoiceError as error:
            outcomes.append(("error", error.code, error.field))
    assert outcomes[0] == outcomes[1]
