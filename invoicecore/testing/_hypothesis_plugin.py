"""The ``hypothesis`` entry point: ``st.from_type(Invoice)`` works with nothing but the install.

Hypothesis calls ``register`` while it is itself being imported, possibly from
inside ``import invoicecore.testing.strategies``; so the strategies are looked up only
when first drawn (``st.deferred``), never at registration.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = ["register"]


def register() -> None:
    """Register invoicecore's entity types with Hypothesis."""
    from hypothesis import strategies as st  # noqa: PLC0415 - only when Hypothesis asks

    from invoicecore.amounts import Tax  # noqa: PLC0415
    from invoicecore.entities import Address, Customer, Invoice, LineItem  # noqa: PLC0415

    def lazy(name: str) -> SearchStrategy[object]:
        def build() -> SearchStrategy[object]:
            from invoicecore.testing import strategies  # noqa: PLC0415 - loaded by now

            made: SearchStrategy[object] = getattr(strategies, name)()
            return made

        return st.deferred(build)

    for kind, name in (
        (Invoice, "invoices"),
        (LineItem, "line_items"),
        (Customer, "customers"),
        (Address, "addresses"),
        (Tax, "taxes"),
    ):
        st.register_type_strategy(kind, lazy(name))
