"""The public strategies: valid by default, reachable, and strict about their options."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from invoicecore import CURRENCIES, AddressType, Invoice, LineItem, Status, check_invariants
from invoicecore.strategies import addresses, amounts, invoices, line_items, media


@pytest.mark.parametrize("status", list(Status))
@given(data=st.data())
@settings(max_examples=20)
def test_invoices_of_each_status_are_reachable_and_consistent(
    status: Status, data: st.DataObject
) -> None:
    invoice = data.draw(invoices(status=status))

    check_invariants(invoice)

    assert invoice.status is status


@given(invoices(currency="JPY", partial_payment=False, max_line_items=2, with_taxes=False))
def test_invoice_options_are_honoured(invoice: Invoice) -> None:
    assert invoice.currency == "JPY"
    assert invoice.partial_payment is False
    assert len(invoice.line_items) <= 2
    assert all(not line.taxes for line in invoice.line_items)


@given(line_items(currency="KWD"), amounts(currency="USD", max_value=500))
def test_line_items_and_amounts_respect_the_currency_minimum(line: LineItem, amount: int) -> None:
    assert line.amount >= CURRENCIES["KWD"].minimum_amount
    assert line.currency == "KWD"
    assert 10 <= amount <= 500


@given(addresses(type=AddressType.SHIPPING), media())
def test_addresses_have_the_asked_type(address: Any, medium: Any) -> None:
    assert address.type is AddressType.SHIPPING
    assert medium in ("sms", "email")


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(
            lambda: invoices(status="paid"),  # type: ignore[arg-type]
            id="status-as-string",
        ),
        pytest.param(lambda: invoices(currency="XYZ"), id="currency"),
        pytest.param(
            lambda: invoices(partial_payment=1),  # type: ignore[arg-type]
            id="partial-payment-int",
        ),
        pytest.param(
            lambda: invoices(status=Status.PARTIALLY_PAID, partial_payment=False),
            id="partially-paid-without-partial-payment",
        ),
        pytest.param(lambda: invoices(max_line_items=0), id="no-line-items"),
        pytest.param(lambda: invoices(max_line_items=51), id="too-many-line-items"),
        pytest.param(lambda: amounts(max_value=5), id="max-below-minimum"),
        pytest.param(lambda: amounts(max_value=True), id="max-bool"),
        pytest.param(lambda: line_items(currency="inr"), id="lowercase-currency"),
    ],
)
def test_bad_options_raise_invalid_argument(make: Any) -> None:
    with pytest.raises(InvalidArgument):
        make()
