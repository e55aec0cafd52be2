"""The property-testing kit for a service's own tests (install the ``testing`` extra).

- ``check_invariants(invoice)`` raises ``InvariantViolation`` naming the first
  broken invariant (both are also importable from ``invoicecore``; this
  package is their home for tests).
- ``invoicecore.testing.strategies``: Hypothesis strategies for invoices, line
  items, customers, payloads and replay scripts.

Importing this package itself does not import Hypothesis (its modules that
draw examples do), and ``import invoicecore`` never
imports it. The Hypothesis entry point (``_hypothesis_plugin``) makes
``st.from_type(Invoice)`` work with nothing but the install.
"""

from __future__ import annotations

from invoicecore.invariants import InvariantViolation, check_invariants

__all__ = ["InvariantViolation", "check_invariants"]
