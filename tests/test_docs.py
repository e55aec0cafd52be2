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


def _transition_table() -> str:
    rows = [
        "| operation | allowed from | leads to | refused in |",
        "| --- | --- | --- | --- |",
    ]
    for operation, rule in TRANSITIONS.items():
        sources, targets = diagram.describe_edges(rule)
        refused = [status.value for status in Status if rule.refusal_for(status) is not None]
        refused_in = "-" if rule.creates else ", ".join(refused) or "-"
        rows.append(f"| `{operation}` | {sources} | {targets} | {refused_in} |")
    terminal = ", ".join(f"`{s}`" for s in Status if s in TERMINAL_STATUSES)
    rows += ["", f"Terminal statuses (no operation leaves them): {terminal}."]
    return "\n".join(rows) + "\n"


def _refusal_table() -> str:
    """One row per (operation, refused status), with the message exactly as a caller gets it."""
    rows = [
        "| operation | in status | code | refused with |",
        "| --- | --- | --- | --- |",
    ]
    for operation, rule in TRANSITIONS.items():
        if rule.creates:
            continue
        for status in Status:
            error = rule.refusal_for(status)
            if error is not None:
                rows.append(
                    f"| `{operation}` | `{status}` | `{error.code}` | `{error.description}` |"
                )
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
        if keys
        else f"| `{status}` | none: `Operation not allowed for Invoice in {status} status.` |"
        for status, keys in UPDATABLE_KEYS.items()
    ]
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
    ("lifecycle.md", "transitions"): _transition_table,
    ("lifecycle.md", "refusals"): _refusal_table,
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


@pytest.mark.parametrize(("page", "name"), list(GENERATORS), ids=lambda x: x)
def test_generated_tables_show_no_placeholders(page: str, name: str) -> None:
    if (page, name) == ("errors.md", "messages"):
        pytest.skip("the message catalogue lists templates on purpose, and says so")

    body = GENERATORS[page, name]()

    assert re.search(r"\{[a-z_]+\}", body) is None, body


def test_every_refusal_names_its_status() -> None:
    rows = [
        [cell.strip().strip("`") for cell in row.strip("|").split("|")]
        for row in _refusal_table().splitlines()[2:]
    ]

    assert [
        "pay",
        "deleted",
        "NOT_PAYABLE_DELETED",
        "Invoice is not payable as it is deleted.",
    ] in (rows)
    assert [
        "issue",
        "paid",
        "OPERATION_NOT_ALLOWED",
        "Operation not allowed for Invoice in paid status.",
    ] in (rows)
    assert all(status in description for _, status, _, description in rows)
    assert len(rows) == sum(
        len(Status) - len(r.edges) for r in TRANSITIONS.values() if not r.creates
    )


def test_the_committed_lifecycle_picture_is_current() -> None:
    path = DOCS / "images" / "lifecycle.svg"
    expected = diagram.to_svg()

    if os.environ.get("INVOICECORE_WRITE_DOCS") == "1":
        path.write_text(expected, encoding="utf-8", newline="\n")

    assert path.read_text(encoding="utf-8") == expected, (
        "docs/images/lifecycle.svg is stale: run "
        f"INVOICECORE_WRITE_DOCS=1 python -m pytest {__file__}"
    )


def test_a_stale_block_is_detected() -> None:
    stale = "<!-- BEGIN GENERATED: x -->\nold\n<!-- END GENERATED: x -->"

    (match,) = BLOCK.finditer(stale)

    assert match["body"] == "old\n"
    assert match["body"] != _transition_table()
