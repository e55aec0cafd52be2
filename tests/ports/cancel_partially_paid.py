"""A port of invoicecore with one rule planted wrong: partially paid invoices can be cancelled.

The fuzz command must find it; see tests/test_fuzz.py.
"""

from __future__ import annotations

import sys
from types import MappingProxyType

import attrs

from invoicecore import Operation, Status, transitions
from invoicecore.cli import main

rule = transitions.TRANSITIONS[Operation.CANCEL]
edges = {**rule.edges, Status.PARTIALLY_PAID: (Status.CANCELLED,)}
transitions.TRANSITIONS = MappingProxyType(  # type: ignore[misc]
    {**transitions.TRANSITIONS, Operation.CANCEL: attrs.evolve(rule, edges=MappingProxyType(edges))}
)

sys.exit(main(["replay", "-"]))
