"""The public strategies: valid by default, reachable, and strict about their options."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument, NoSuchExample

from invoicecore import (
    CURRENCIES,
    UPDATABLE_KEYS,
    AddressType,
    Invoice,
    LineItem,
    Notes,
    RateType,
    Status,
    check_invariants,
    requests,
    update,
)
from invoicecore.apply import create_invoice
from invoicecore.replay import replay
from invoicecore.testing.scripts import call_scripts
from invoicecore.testing.strategies import (
    START,
    addresses,
    amounts,
    create_payloads,
    invoices,
    line_items,
    media,
    update_payloads,
)
from tests.helpers import invoice_in

if TYPE_CHECKING:
    from collections.abc import Callable


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


@given(create_payloads())
def test_create_payloads_are_valid(payload: dict[str, Any]) -> None:
    command = requests.parse_create(payload, at=START)
    ids = iter(range(1, 1000))

    outcome = create_invoice(
        command,
        id="inv_1",
        at=START,
        new_id=lambda prefix: f"{prefix}_{next(ids)}",
        order_id="order_1",
        short_url="https://rzp.io/i/x",
    )

    assert outcome.invoice.status is (Status.DRAFT if command.draft else Status.ISSUED)


@given(st.data())
def test_update_payloads_are_valid_for_the_invoice_status(data: st.DataObject) -> None:
    status = data.draw(st.sampled_from([s for s in Status if s is not Status.DELETED]))
    invoice = data.draw(invoices(status=status))
    payload = data.draw(update_payloads(invoice))
    ids = iter(range(1, 1000))

    command = requests.parse_update(payload, status=invoice.status)
    outcome = update(
        invoice, command, at=invoice.last_changed_at, new_id=lambda p: f"{p}_n{next(ids)}"
    )

    assert set(payload) <= set(UPDATABLE_KEYS[invoice.status])
    assert outcome.invoice.status is invoice.status


@given(call_scripts())
def test_every_line_of_a_drawn_script_gets_one_protocol_answer(script: list[str]) -> None:
    answers = [json.loads(line) for line in replay(script)]

    assert len(answers) == len(script)
    assert all(answer["status"] in (200, 400, 404) for answer in answers)
    # The book's clock guards the invoices' own: the pure refusal never shows.
    assert "The at may not be before the invoice" not in json.dumps(answers)


def test_from_type_works_through_the_entry_point_alone() -> None:
    code = (
        "from hypothesis import strategies as st\n"
        "from invoicecore import Customer, Invoice, LineItem\n"
        "print([type(st.from_type(t).example()).__name__ for t in (Invoice, LineItem, Customer)])\n"
    )

    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "['Invoice', 'LineItem', 'Customer']"


def test_the_testing_package_imports_hypothesis_only_through_its_strategies() -> None:
    code = (
        "import sys, invoicecore.testing as t\n"
        "print(sorted(m for m in sys.modules if m.startswith('hypothesis')), t.__all__)\n"
    )

    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "[] ['InvariantViolation', 'check_invariants']"


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: create_payloads(at=-1), id="negative-at"),
        pytest.param(lambda: create_payloads(draft="1"), id="draft-string"),  # type: ignore[arg-type]
        pytest.param(lambda: update_payloads("inv_1"), id="not-an-invoice"),  # type: ignore[arg-type]
        pytest.param(lambda: call_scripts(max_calls=0), id="no-calls"),
        pytest.param(lambda: update_payloads(invoice_in(Status.DELETED)), id="deleted-invoice"),
        pytest.param(lambda: call_scripts(invalid=1), id="invalid-int"),  # type: ignore[arg-type]
    ],
)
def test_more_bad_options_raise_invalid_argument(make: Any) -> None:
    with pytest.raises(InvalidArgument):
        make()


# Generate and shrink only: the explain phase re-runs the search to annotate a
# failure, which ``find`` never prints.
_SEARCH = settings(database=None, max_examples=1000, phases=[Phase.generate, Phase.shrink])


def test_invoices_shrink_to_the_documented_smallest_invoice() -> None:
    smallest = find(invoices(), lambda _invoice: True, settings=_SEARCH)

    assert smallest.status is Status.DRAFT
    assert smallest.currency == min(CURRENCIES)
    assert smallest.line_items == ()
    assert smallest.customer is None
    assert smallest.notes == Notes()
    assert (smallest.receipt, smallest.details.description, smallest.expire_by) == (
        None,
        None,
        None,
    )
    assert smallest.partial_payment is False


def test_a_failing_property_shrinks_to_the_smallest_invoice_that_fails_it() -> None:
    # "No paid invoice has a taxed line" is false; the counterexample must be minimal.
    def paid_with_a_tax(invoice: Invoice) -> bool:
        return invoice.status is Status.PAID and any(line.taxes for line in invoice.line_items)

    found = find(invoices(), paid_with_a_tax, settings=_SEARCH)

    # One taxed line; any other line the shrinker could not drop is the smallest
    # untaxed line (docs/testing.md).
    (line,) = [early for early in found.line_items if early.taxes]
    (tax,) = line.taxes
    smallest = (1, CURRENCIES[found.currency].minimum_amount)
    assert {(early.quantity, early.amount) for early in found.line_items} == {smallest}
    assert (tax.rate_type, tax.rate) == (RateType.PERCENTAGE, 0)
    assert found.currency == min(CURRENCIES)
    assert found.customer is not None
    assert (found.customer.email, found.customer.billing_address) == (None, None)
    assert found.partial_payment is False


_GENERATE = settings(database=None, max_examples=2000, phases=[Phase.generate])


def _status(status: Status) -> Callable[[Invoice], object]:
    return lambda invoice: invoice.status is status


def _currency(code: str) -> Callable[[Invoice], object]:
    return lambda invoice: invoice.currency == code


def _tax(kind: RateType) -> Callable[[Invoice], object]:
    return lambda invoice: any(t.rate_type is kind for li in invoice.line_items for t in li.taxes)


WANTED: dict[str, Callable[[Invoice], object]] = {
    **{f"status-{s}": _status(s) for s in Status},
    **{f"currency-{c}": _currency(c) for c in sorted(CURRENCIES)},
    **{f"tax-{k}": _tax(k) for k in RateType},
    "tax-inclusive": lambda i: any(line.tax_inclusive for line in i.line_items),
    "partly-paid-amounts": lambda i: i.amount_paid and i.amount_due,
    "shipping-address": lambda i: (
        i.customer is not None and i.customer.shipping_address is not None
    ),
}
"""The variety ``invoices()`` must reach: every status, currency and tax kind, and more."""


def test_invoices_reach_every_status_currency_and_tax_kind() -> None:
    # One run of draws serves every feature: find() stops at the first invoice
    # after which none is missing (it fails, naming them, after 2,000 draws).
    missing = dict(WANTED)

    def everything_seen(invoice: Invoice) -> bool:
        check_invariants(invoice)
        for name in [name for name, wanted in missing.items() if wanted(invoice)]:
            del missing[name]
        return not missing

    try:
        find(invoices(), everything_seen, settings=_GENERATE)
    except NoSuchExample:
        pytest.fail(f"invoices() never reached: {sorted(missing)}")
    assert missing == {}
