"""docs/statuses.md is generated from the status table and the transition rows.

Regenerate with ``INVOICECORE_WRITE_DOCS=1 python -m pytest tests/test_docs_rules.py``.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest

from invoicecore import statuses
from invoicecore.transitions import TRANSITIONS
from tests.test_docs import BLOCK, DOCS

if TYPE_CHECKING:
    from collections.abc import Callable


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _status_table() -> str:
    rows = [
        (
            "| status | update accepts | holds its receipt | issued | timestamp | payments "
            "| expires | fetch finds it |"
        ),
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for status, row in statuses.STATUS_TABLE.items():
        keys = ", ".join(f"`{key}`" for key in row.updatable_keys) or "nothing"
        rows.append(
            f"| `{status}` | {keys} | {_yes(row.holds_receipt)} | {row.issuance} "
            f"| {'`' + row.timestamp + '`' if row.timestamp else '-'} | {row.payments} "
            f"| {_yes(row.expires)} | {_yes(row.listed)} |"
        )
    return "\n".join(rows) + "\n"


def _preconditions() -> str:
    rows = [
        "| operation | check order after the status | refusal (code, `field`) |",
        "| --- | --- | --- |",
    ]
    for operation, rule in TRANSITIONS.items():
        if not rule.preconditions:
            continue
        for number, check in enumerate(rule.preconditions, start=1):
            message = check.message
            rows.append(
                f"| `{operation}` | {number}. {check.summary} (`{check.name}`) "
                f"| `{message.code}`, `{check.field}`: {message.template} |"
            )
    return "\n".join(rows) + "\n"


def _expiry() -> str:
    honours = [f"`{op}`" for op, rule in TRANSITIONS.items() if rule.honours_expiry]
    ignores = [f"`{op}`" for op, rule in TRANSITIONS.items() if not rule.honours_expiry]
    return (
        f"Refused once an issued invoice's `expire_by` has come: {', '.join(honours)}.\n"
        f"Not affected: {', '.join(ignores)}.\n"
    )


GENERATORS: dict[str, Callable[[], str]] = {
    "status-table": _status_table,
    "preconditions": _preconditions,
    "expiry": _expiry,
}


@pytest.mark.parametrize("name", list(GENERATORS))
def test_the_statuses_page_is_current(name: str) -> None:
    path = DOCS / "statuses.md"
    text = path.read_text(encoding="utf-8")
    blocks = {m["name"]: m for m in BLOCK.finditer(text)}
    expected = GENERATORS[name]()

    if os.environ.get("INVOICECORE_WRITE_DOCS") == "1":
        match = blocks[name]
        text = text[: match.start("body")] + expected + text[match.end("body") :]
        path.write_text(text, encoding="utf-8")
        blocks = {m["name"]: m for m in BLOCK.finditer(text)}

    assert name in blocks, f"docs/statuses.md lacks the block {name}"
    assert blocks[name]["body"] == expected, (
        f"docs/statuses.md block {name} is stale: "
        f"run INVOICECORE_WRITE_DOCS=1 python -m pytest {__file__}"
    )
