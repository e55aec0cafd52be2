"""Helpers for a service's own tests: the invariants every reachable invoice keeps.

``check_invariants(invoice)`` raises ``InvariantViolation`` naming the first
broken invariant. Pair it with ``invoicecore.strategies`` (the ``testing``
extra) to property-test code that stores, transforms or renders invoices.
"""

from __future__ import annotations

from invoicecore.invariants import InvariantViolation, check_invariants

__all__ = ["InvariantViolation", "check_invariants"]
