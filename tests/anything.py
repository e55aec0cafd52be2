"""Arbitrary arguments for the any-input sweeps (test_robustness, test_any_arguments).

``ARGUMENT`` is what one parameter receives: any JSON-ish value, container or
library object, and, as often as any other kind, a freshly drawn invoice or line
item. Inside containers (``ANYTHING``, at most a dozen leaves) the entities come
from a fixed pool, one invoice per status. Unbounded nesting with a drawn
invoice in every slot made the sweeps spend six sevenths of their time drawing
arguments (a third in the invoice strategy alone) for no shape a sweep needs:
the drawn invoices' variety is the top-level draw's job.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Final

from hypothesis import strategies as st

from invoicecore import Details, Notes, Status, errors, events
from invoicecore.testing.strategies import invoices, line_items
from tests.helpers import BOOK, CUSTOMER, PEN, invoice_in

__all__ = ["ANYTHING", "ARGUMENT"]


def _ids(prefix: str) -> str:
    return f"{prefix}_00000000000099"


_OBJECTS: Final[list[object]] = [
    object(),
    BOOK,
    PEN,
    CUSTOMER,
    *(invoice_in(status) for status in Status),
    Details(),
    events.InvoicePaid(
        invoice_id="inv_00000000000001",
        at=1,
        payment_id="pay_1",
        payment_amount=1,
        amount_paid=1,
        amount_due=0,
    ),
    events.InvoiceExpired(invoice_id="inv_00000000000001", at=1),
    {"name": "invoice.expired", "invoice_id": "inv_1", "at": 1},
    errors.URL_NOT_FOUND.error(),
    Notes(),
    [BOOK],
    (BOOK,),
    "sms",
    "INR",
    _ids,
]
"""Library objects and near-misses: entities, events, an error, a callable."""


_FRACTIONS: Final = (Fraction(1, 3), Fraction(-7, 2), Fraction(400), Fraction(0))
"""A few fractions stand for them all (``st.fractions()`` costs five other leaves)."""

_LEAVES: Final[st.SearchStrategy[Any]] = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.sampled_from(_FRACTIONS)
    | st.text(max_size=10)
    | st.binary(max_size=10)
    | st.sampled_from(_OBJECTS)
    | st.sampled_from(list(Status))
)


def _containers(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Lists, tuples, dicts and request-shaped objects of ``inner``."""
    return (
        st.lists(inner, max_size=3)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=5) | st.integers(), inner, max_size=3)
        | st.fixed_dictionaries(
            {},
            optional={
                "notes": inner,
                "line_items": st.lists(
                    st.fixed_dictionaries(
                        {},
                        optional={
                            "id": st.just("li_00000000000001") | inner,
                            "name": inner,
                            "amount": inner,
                            "item_id": inner,
                            "taxes": inner,
                        },
                    ),
                    max_size=3,
                ),
                "customer": inner,
                "customer_id": inner,
                "draft": inner,
                "expire_by": inner,
            },
        )
    )


ANYTHING: Final[st.SearchStrategy[Any]] = st.recursive(_LEAVES, _containers, max_leaves=12)
"""Any value, nested (at most a dozen leaves); the entities in it come from the pool."""

ARGUMENT: Final[st.SearchStrategy[Any]] = (
    _LEAVES | _containers(ANYTHING) | invoices(max_line_items=2) | line_items()
)
"""What one parameter receives: one of ``ANYTHING``'s kinds, or a drawn invoice or line item.

The kinds are alternatives side by side, so a drawn entity comes as often as
any other kind (2 in 15), not a third of the time.
"""
