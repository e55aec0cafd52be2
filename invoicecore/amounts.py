"""Money: the currency table, the rounding rule, and line and invoice totals.

Every figure is an ``int`` in minor units. Intermediate values are exact
(``int`` or ``fractions.Fraction``, never binary floats) and are kept on the
totals records so that each rounding step can be explained.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType
from typing import TYPE_CHECKING, Final, Protocol

import attrs

from invoicecore import _validators as v
from invoicecore import errors
from invoicecore._validators import attribute_label

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "BASIS_POINTS",
    "CURRENCIES",
    "Currency",
    "Exact",
    "InvoiceTotals",
    "Line",
    "LineTotals",
    "RateType",
    "Tax",
    "amount_due",
    "get_currency",
    "inclusive_taxable_exact",
    "invoice_totals",
    "line_totals",
    "round_half_away_from_zero",
]

Exact = int | Fraction
"""An exact, unrounded amount in minor units."""

BASIS_POINTS: Final = 10_000
"""A percentage tax ``rate`` is in basis points: 1000 is 10 % (decisions.md)."""


class RateType(StrEnum):
    """How a tax's ``rate`` reads: basis points of the taxable value, or minor units per unit."""

    PERCENTAGE = "percentage"
    FLAT = "flat"


def _to_rate_type(value: object) -> RateType:
    return v.to_enum(RateType, value, "rate_type")


@attrs.frozen(kw_only=True)
class Tax:
    """One tax of a line item.

    ``rate`` is in basis points for percentage taxes (1000 is 10 %) and in
    minor units per unit of quantity for flat taxes (decisions.md). It lives
    here, beside the arithmetic that reads it, so that the money module
    depends on nothing but errors.
    """

    tax_id: str | None = attrs.field(default=None, validator=v.optional_string)
    name: str = attrs.field(validator=v.string)
    rate: int = attrs.field(validator=v.integer())
    rate_type: RateType = attrs.field(default=RateType.PERCENTAGE, converter=_to_rate_type)
    group_id: str | None = attrs.field(default=None, validator=v.optional_string)
    group_name: str | None = attrs.field(default=None, validator=v.optional_string)


class Line(Protocol):
    """What the totals of a line item are computed from (``LineItem`` is one)."""

    @property
    def amount(self) -> int: ...
    @property
    def quantity(self) -> int: ...
    @property
    def tax_inclusive(self) -> bool: ...
    @property
    def taxes(self) -> tuple[Tax, ...]: ...


@attrs.frozen(kw_only=True)
class Currency:
    """A currency the library accepts.

    Attributes:
        code: ISO 4217 code, as Razorpay spells it (``"INR"``).
        exponent: digits after the decimal point (2 for INR, 0 for JPY, 3 for KWD).
        symbol: what Razorpay renders as ``currency_symbol``.
        minimum_amount: the smallest line-item amount, in minor units.
    """

    code: str
    exponent: int
    symbol: str
    minimum_amount: int

    def format(self, amount: int) -> str:
        """``amount`` minor units as Razorpay writes it in messages: ``"INR 1.00"``."""
        if type(amount) is not int:
            raise v.must_be("amount", "an integer")
        sign = "-" if amount < 0 else ""
        whole, fraction = divmod(abs(amount), 10**self.exponent)
        if self.exponent == 0:
            return f"{self.code} {sign}{whole}"
        return f"{self.code} {sign}{whole}.{fraction:0{self.exponent}d}"


def _table(*currencies: Currency) -> Mapping[str, Currency]:
    return MappingProxyType({currency.code: currency for currency in currencies})


CURRENCIES: Final[Mapping[str, Currency]] = _table(
    # INR 1.00 and USD 0.10 are Razorpay's documented minimums; the others
    # follow USD's tenth of a major unit (the smallest unit for zero-decimal JPY).
    Currency(code="INR", exponent=2, symbol="₹", minimum_amount=100),
    Currency(code="USD", exponent=2, symbol="$", minimum_amount=10),
    Currency(code="EUR", exponent=2, symbol="€", minimum_amount=10),
    Currency(code="GBP", exponent=2, symbol="£", minimum_amount=10),
    Currency(code="SGD", exponent=2, symbol="S$", minimum_amount=10),
    Currency(code="AED", exponent=2, symbol="د.إ", minimum_amount=10),
    Currency(code="MYR", exponent=2, symbol="RM", minimum_amount=10),
    Currency(code="JPY", exponent=0, symbol="¥", minimum_amount=1),
    Currency(code="KWD", exponent=3, symbol="د.ك", minimum_amount=100),
)


def get_currency(code: object) -> Currency:
    """The currency with this code, or ``The selected currency is invalid.``."""
    if isinstance(code, str):
        found = CURRENCIES.get(code)
        if found is not None:
            return found
    raise errors.INVALID_SELECTION.error(field="currency", attribute=attribute_label("currency"))


def round_half_away_from_zero(value: Exact) -> int:
    """THE rounding rule: PHP's ``round()``, halves away from zero (45.5 -> 46, -2.5 -> -3).

    Python's ``round`` rounds halves to even, which would give 46 for 45.5 but
    44 for 44.5; Razorpay's server never does that.
    """
    if type(value) is int:
        return value
    if not isinstance(value, Fraction):
        raise v.must_be("value", "an integer or a Fraction")
    magnitude = abs(value)
    whole, remainder = divmod(magnitude.numerator, magnitude.denominator)
    if 2 * remainder >= magnitude.denominator:
        whole += 1
    return whole if value >= 0 else -whole


@attrs.frozen(kw_only=True)
class LineTotals:
    """The figures of one line item, with the exact values they were rounded from.

    Attributes:
        gross_amount: ``amount * quantity``.
        taxable_base: what percentage taxes apply to: ``gross_amount`` when tax
            exclusive, else ``round((gross - flat taxes) / (1 + rates))``.
        tax_exacts: each tax of the line, unrounded, in the line's tax order.
        tax_amounts: each tax rounded on its own (the ``taxes[].tax_amount``).
        tax_exact: the sum of ``tax_exacts`` (unrounded).
        tax_amount: ``round(tax_exact)``.
        taxable_amount: ``gross_amount`` (exclusive) or ``gross_amount - tax_amount``.
        net_exact: ``gross + tax_exact`` (exclusive) or ``gross`` (inclusive).
        net_amount: ``round(net_exact)``.
    """

    gross_amount: int
    taxable_base: int
    tax_exacts: tuple[Exact, ...]
    tax_amounts: tuple[int, ...]
    tax_exact: Exact
    tax_amount: int
    taxable_amount: int
    net_exact: Exact
    net_amount: int


_LINE_TOTALS: Final = v.slot_constructor(LineTotals)
"""``LineTotals`` from the library's own figures, in field order: nothing to check."""


@attrs.frozen(kw_only=True)
class InvoiceTotals:
    """The invoice's figures: the unrounded line values are summed, then rounded once.

    With no line items ``gross_amount``, ``tax_amount`` and ``amount`` are
    ``None`` (Razorpay renders ``null``) and ``taxable_amount`` is 0.
    """

    gross_amount: int | None
    tax_exact: Exact
    tax_amount: int | None
    taxable_amount: int
    net_exact: Exact
    amount: int | None


def line_totals(line: Line) -> LineTotals:
    """The figures of one line item (reference section 5.1, decisions.md).

    ``line`` is any value with ``amount``, ``quantity``, ``tax_inclusive`` and
    ``taxes`` (a ``LineItem``, or a port's own record); each is checked.
    """
    try:
        amount, quantity = line.amount, line.quantity
        inclusive, line_taxes = line.tax_inclusive, line.taxes
    except AttributeError:
        raise v.must_be("line", "a LineItem") from None
    v.check_integer(amount, "amount")
    v.check_integer(quantity, "quantity", minimum=1)
    if type(inclusive) is not bool:
        raise errors.MUST_BE_BOOLEAN.error(field="tax_inclusive", attribute="tax inclusive")
    if type(line_taxes) is not tuple or not all(isinstance(tax, Tax) for tax in line_taxes):
        raise v.must_be("taxes", "a tuple of Tax")
    return _unchecked_line_totals(line)


def _unchecked_line_totals(line: Line) -> LineTotals:
    """``line_totals`` without the argument check, for ``LineItem.totals`` (not public)."""
    quantity = line.quantity
    gross = line.amount * quantity
    if not line.taxes:
        # Fields in order: gross, taxable base, the taxes' exacts and amounts,
        # tax exact and amount, taxable amount, net exact and amount.
        return _LINE_TOTALS(gross, gross, (), (), 0, 0, gross, gross, gross)
    taxable_base = _taxable_base(gross, quantity, line.taxes, inclusive=line.tax_inclusive)
    tax_exacts = tuple(_tax_exact(tax, taxable_base, quantity) for tax in line.taxes)
    tax_exact: Exact = sum(tax_exacts, start=0)
    tax_amount = round_half_away_from_zero(tax_exact)
    net_exact = gross if line.tax_inclusive else gross + tax_exact
    return _LINE_TOTALS(
        gross,
        taxable_base,
        tax_exacts,
        tuple(round_half_away_from_zero(tax) for tax in tax_exacts),
        tax_exact,
        tax_amount,
        gross - tax_amount if line.tax_inclusive else gross,  # taxable_amount
        net_exact,
        round_half_away_from_zero(net_exact),
    )


_INVOICE_TOTALS: Final = v.slot_constructor(InvoiceTotals)
"""``InvoiceTotals`` from the library's own sums, in field order: nothing to check."""


def invoice_totals(lines: Iterable[LineTotals]) -> InvoiceTotals:
    """The invoice's figures from its lines' figures."""
    if not isinstance(lines, Iterable):
        raise v.must_be("lines", "an iterable of LineTotals")
    checked = list(lines)
    for line in checked:
        if not isinstance(line, LineTotals):
            raise v.must_be("lines", "an iterable of LineTotals")
    return _unchecked_invoice_totals(checked)


def _unchecked_invoice_totals(lines: list[LineTotals]) -> InvoiceTotals:
    """``invoice_totals`` of figures known to be ``LineTotals`` (``Invoice``'s own)."""
    if not lines:
        return InvoiceTotals(
            gross_amount=None,
            tax_exact=0,
            tax_amount=None,
            taxable_amount=0,
            net_exact=0,
            amount=None,
        )
    gross = 0
    tax_exact: Exact = 0
    taxable = 0
    net_exact: Exact = 0
    for line in lines:
        gross += line.gross_amount
        tax_exact += line.tax_exact
        taxable += line.taxable_amount
        net_exact += line.net_exact
    return _INVOICE_TOTALS(
        gross,
        tax_exact,
        round_half_away_from_zero(tax_exact),  # tax_amount
        taxable,
        net_exact,
        round_half_away_from_zero(net_exact),  # amount
    )


def amount_due(amount: int | None, amount_paid: int | None) -> int | None:
    """``amount - amount_paid``; ``None`` while either is unknown (a draft has no order)."""
    if amount is None or amount_paid is None:
        return None
    if (
        type(amount) is int
        and type(amount_paid) is int
        and 0 <= amount_paid <= amount <= v.MAX_AMOUNT
    ):
        return amount - amount_paid  # what the checks below accept, tested at once
    v.check_integer(amount, "amount")
    v.check_integer(amount_paid, "amount_paid", maximum=amount)
    return amount - amount_paid


def inclusive_taxable_exact(gross: int, quantity: int, taxes: Iterable[Tax]) -> Fraction:
    """``(gross - flat taxes) / (1 + percentage rates)``, before rounding."""
    v.check_integer(gross, "gross", maximum=v.MAX_AMOUNT * v.MAX_QUANTITY)
    v.check_integer(quantity, "quantity", minimum=1)
    if type(taxes) is not tuple or not all(isinstance(tax, Tax) for tax in taxes):
        raise v.must_be("taxes", "a tuple of Tax")
    flat = 0
    rates = Fraction(0)
    for tax in taxes:
        if tax.rate_type is RateType.FLAT:
            flat += tax.rate * quantity
        else:
            rates += Fraction(tax.rate, BASIS_POINTS)
    return (gross - flat) / (1 + rates)


def _taxable_base(gross: int, quantity: int, taxes: Iterable[Tax], *, inclusive: bool) -> int:
    if not inclusive:
        return gross
    return round_half_away_from_zero(inclusive_taxable_exact(gross, quantity, taxes))


def _tax_exact(tax: Tax, taxable_base: int, quantity: int) -> Exact:
    if tax.rate_type is RateType.FLAT:
        return tax.rate * quantity
    return Fraction(taxable_base * tax.rate, BASIS_POINTS)
