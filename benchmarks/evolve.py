"""How much a transition rebuilds: nested records against one flat forty-field class.

Run: python benchmarks/evolve.py   (prints figures; nothing is asserted)
"""

from __future__ import annotations

import argparse
import timeit

import attrs

from invoicecore import Medium, cancel, mark_notification_sent, notify, pay
from tests.helpers import issued

FIELDS = [f"f{i}" for i in range(40)]
Flat = attrs.make_class(
    "Flat", dict.fromkeys(FIELDS, attrs.field(default=None)), frozen=True, kw_only=True
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20_000)
    runs = parser.parse_args().runs
    flat = Flat()
    document = dict.fromkeys(FIELDS)
    invoice = issued()  # two line items, partial payments on
    rows = {
        "flat 40-field attrs.evolve (1 change)": lambda: attrs.evolve(flat, f3=1),
        "dict copy of 40 fields + 1 change": lambda: {**document, "f3": 1},
        "invoice: evolve lifecycle only": lambda: attrs.evolve(
            invoice, lifecycle=attrs.evolve(invoice.lifecycle, status="cancelled", cancelled_at=1)
        ),
        "transition: cancel": lambda: cancel(invoice, at=1),
        "transition: pay (partial)": lambda: pay(invoice, amount=100, payment_id="pay_1", at=1),
        "transition: notify": lambda: notify(invoice, medium=Medium.SMS, at=1),
        "transition: mark sent": lambda: mark_notification_sent(invoice, medium=Medium.SMS, at=1),
    }
    floor = None
    for name, call in rows.items():
        best = min(timeit.repeat(call, number=runs, repeat=5)) / runs * 1e6
        floor = floor or best
        print(f"{name:45s} {best:7.2f} us   {best / floor:5.2f}x flat evolve")


if __name__ == "__main__":
    main()
