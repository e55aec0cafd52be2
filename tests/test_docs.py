"""The generated parts of docs/ match the code: the state diagram, the tables.

Regenerate after changing the table, the messages or the currencies with
``INVOICECORE_WRITE_DOCS=1 python -m pytest tests/test_docs.py``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from invoicecore import (
    CURRENCIES,
    TERMINAL_STATUSES,
    TRANSITIONS,
    UPDATABLE_KEYS,
    Status,
    diagram,
    wire,
)
from invoicecore.errors import MESSAGES

DOCS = Path(__file__).resolve().parent.parent / "docs"
BLOCK = re.compile(
    r"(<!-- BEGIN GENERATED: (?P<name>[\w-]+) -->\n)"
    r"(?P<body>.*?)"
    r"(<!-- END GENERATED: (?P=name) -->)",
    re.DOTALL,
)

if TYPE_CHECKING:
    from collections.abc import Callable


def _lifecycle_diagram() -> str:
    return "```mermaid\n" + diagram.to_mermaid() + "```\n"


def _transition_table() -> str:
    rows = [
        "| operation | allowed from | leads to | refused with |",
        "| --- | --- | --- | --- |",
    ]
    for operation, rule in TRANSITIONS.items():
        sources, targets = diagram.describe_edges(rule)
        refusal = f"`{rule.refusal.template}`"
        for status, message in rule.refusal_overrides.items():
            refusal += f"; in `{status}`: `{message.template}`"
        if rule.creates:
            refusal = "-"
        rows.append(f"| `{operation}` | {sources} | {targets} | {refusal} |")
    terminal = ", ".join(f"`{s}`" for s in Status if s in TERMINAL_STATUSES)
    rows += ["", f"Terminal statuses (no operation leaves them): {terminal}."]
    return "\n".join(rows) + "\n"


def _errors_table() -> str:
    rows = ["| code | kind | description | source |", "| --- | --- | --- | --- |"]
    rows += [
        f"| `{m.code}` | `{m.kind.__name__}` | `{m.template}` | {m.source} |" for m in MESSAGES
    ]
    return "\n".join(rows) + "\n"


def _currency_table() -> str:
    rows = [
        "| code | exponent | symbol | minimum amount | minimum, as messages write it |",
        "| --- | --- | --- | --- | --- |",
    ]
    rows += [
        f"| `{c.code}` | {c.exponent} | {c.symbol} | {c.minimum_amount} "
        f"| {c.format(c.minimum_amount)} |"
        for c in CURRENCIES.values()
    ]
    return "\n".join(rows) + "\n"


def _update_keys_table() -> str:
    rows = ["| status | keys an update accepts |", "| --- | --- |"]
    rows += [
        f"| `{status}` | {', '.join(f'`{key}`' for key in keys)} |"
        for status, keys in UPDATABLE_KEYS.items()
    ]
    rows.append("| `deleted` | none: `Operation not allowed for Invoice in deleted status.` |")
    return "\n".join(rows) + "\n"


def _entity_keys() -> str:
    groups = [
        ("invoice", wire.INVOICE_KEYS),
        ("line item", wire.LINE_ITEM_ENTITY_KEYS),
        ("customer_details", wire.CUSTOMER_DETAILS_KEYS),
        ("address", wire.ADDRESS_KEYS),
        ("tax row", wire.TAX_ENTITY_KEYS),
    ]
    rows = ["| object | keys, in order |", "| --- | --- |"]
    rows += [
        f"| {name} ({len(keys)}) | {', '.join(f'`{key}`' for key in keys)} |"
        for name, keys in groups
    ]
    return "\n".join(rows) + "\n"


GENERATORS: dict[tuple[str, str], Callable[[], str]] = {
    ("lifecycle.md", "diagram"): _lifecycle_diagram,
    ("lifecycle.md", "transitions"): _transition_table,
    ("errors.md", "messages"): _errors_table,
    ("amounts.md", "currencies"): _currency_table,
    ("updates.md", "keys"): _update_keys_table,
    ("wire.md", "entity-keys"): _entity_keys,
}


@pytest.mark.parametrize(("page", "name"), list(GENERATORS), ids=lambda x: x)
def test_generated_block_is_current(page: str, name: str) -> None:
    path = DOCS / page
    text = path.read_text(encoding="utf-8")
    blocks = {m["name"]: m for m in BLOCK.finditer(text)}
    expected = GENERATORS[page, name]()

    if os.environ.get("INVOICECORE_WRITE_DOCS") == "1":
        match = blocks[name]
        text = text[: match.start("body")] + expected + text[match.end("body") :]
        path.write_text(text, encoding="utf-8")
        blocks = {m["name"]: m for m in BLOCK.finditer(text)}

    assert name in blocks, f"docs/{page} lacks the block {name}"
    assert blocks[name]["body"] == expected, (
        f"docs/{page} block {name} is stale: "
        f"run INVOICECORE_WRITE_DOCS=1 python -m pytest {__file__}"
    )


def test_a_stale_block_is_detected() -> None:
    stale = "<!-- BEGIN GENERATED: x -->\nold\n<!-- END GENERATED: x -->"

    (match,) = BLOCK.finditer(stale)

    assert match["body"] == "old\n"
    assert match["body"] != _transition_table()
