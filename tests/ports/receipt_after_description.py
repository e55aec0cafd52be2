"""A port of invoicecore with one check order planted wrong: description before receipt.

For a create whose ``receipt`` and ``description`` are both bad, the reference
reports the receipt (checked first); this port reports the description. The
fuzz command must find it with a short script; see tests/test_fuzz.py.
"""

from __future__ import annotations

import sys

from invoicecore import errors, limits, requests
from invoicecore.cli import main

checked_first = requests.parse_create


def parse_create(payload: object, *, at: int) -> object:
    try:
        return checked_first(payload, at=at)
    except errors.InvoiceError as error:
        if error.field == "receipt" and isinstance(payload, dict) and "description" in payload:
            limits.check_text(
                payload["description"], "description"
            )  # raises the later check's error
        raise


requests.parse_create = parse_create  # type: ignore[assignment]

sys.exit(main(["replay", "-"]))
