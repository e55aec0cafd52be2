"""The generated check-order pages in docs/requests/ match the request tables.

Regenerate after changing a table with
``INVOICECORE_WRITE_DOCS=1 python -m pytest tests/test_requests_docs.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from invoicecore import requests

PAGES = Path(__file__).resolve().parent.parent / "docs" / "requests"


@pytest.mark.parametrize("slug", list(requests.PAGES))
def test_the_check_order_page_is_current(slug: str) -> None:
    path = PAGES / f"{slug}.md"
    expected = requests.render_page(slug)

    if os.environ.get("INVOICECORE_WRITE_DOCS") == "1":
        path.write_text(expected, encoding="utf-8")

    assert path.exists(), f"docs/requests/{slug}.md is missing"
    stale = f"docs/requests/{slug}.md is stale: run INVOICECORE_WRITE_DOCS=1 pytest {__file__}"
    assert path.read_text(encoding="utf-8") == expected, stale


def test_every_page_is_in_the_index_and_every_table_on_a_page() -> None:
    index = (PAGES / "index.md").read_text(encoding="utf-8")
    shown = {table.name for _title, tables in requests.PAGES.values() for table in tables}

    assert all(f"\n{slug}\n" in index for slug in requests.PAGES)
    assert shown == {table.name for table in requests.TABLES}


def test_a_page_names_every_row_and_every_field() -> None:
    page = requests.render_page("line-item")

    for table in (requests.LINE_ITEM_RULES, requests.TAX_RULES):
        for rule in table:
            assert f"`{rule.name}`" in page
            for error in rule.errors:
                assert f"`{table.path}{error.field}`" in page
    assert "`line_items[i].taxes[j].rate`" in page
