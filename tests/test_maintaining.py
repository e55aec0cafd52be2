"""The checklists of docs/maintaining.md: leaving out a step fails a test that names it.

Each kind of change (a currency, a message, an endpoint, an operation, a status)
touches several places. For each place there is a check, either an existing one
(tests/test_docs.py, tests/test_requests_docs.py, ``statuses.check_covers``) or
a completeness check defined here; each test below makes a scratch copy of a
table with a dummy entry, leaves one step out, and shows the check that fails
and that its message names the missing piece. The real tables pass the same
checks.
"""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from invoicecore import amounts, diagram, errors, requests, statuses, transitions
from invoicecore.book import Book
from invoicecore.entities import Status
from invoicecore.testing.scripts import ENDPOINTS
from invoicecore.transitions import Operation
from tests import test_docs

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

DOCS = Path(__file__).resolve().parent.parent / "docs"

# Endpoints that read neither a body nor a query: they need no request table.
NO_REQUEST_TABLE = frozenset({"delete", "issue", "cancel", "notify", "sent"})


def _with_extra(enum: type[StrEnum], name: str) -> type[StrEnum]:
    members = {member.name: member.value for member in enum}
    return StrEnum(enum.__name__, {**members, name.upper(): name})  # type: ignore[return-value]


# -- completeness checks for the places that had none --------------------------------------


def routes_without_a_tag(
    routes: Iterable[tuple[str, re.Pattern[str]]], endpoints: Mapping[str, tuple[str, str]]
) -> list[str]:
    """Each book route no endpoint of the fuzzer's ``ENDPOINTS`` reaches."""
    concrete = [(m, re.sub(r"\{\w+\}", "x_1", path)) for m, path in endpoints.values()]
    return [
        f"{method} {pattern.pattern}"
        for method, pattern in routes
        if not any(m == method and pattern.fullmatch(path) for m, path in concrete)
    ]


def endpoints_without_a_request_table(
    endpoints: Mapping[str, tuple[str, str]], titles: Iterable[str]
) -> list[str]:
    """Each endpoint that reads a body or a query but has no request table titled with it."""
    titled = {" ".join(title.split()[:2]) for title in titles}
    return [
        f"{method} {path}"
        for tag, (method, path) in endpoints.items()
        if tag not in NO_REQUEST_TABLE and f"{method} {path}" not in titled
    ]


def endpoints_missing_from(page: str, endpoints: Mapping[str, tuple[str, str]]) -> list[str]:
    """Each endpoint the page does not list as ``METHOD path``."""
    return [
        f"{method} {path}"
        for method, path in endpoints.values()
        if f"`{method} {path}`" not in page
    ]


def statuses_without_a_place(members: Iterable[StrEnum], places: Iterable[str]) -> list[str]:
    """Each status the lifecycle picture has no fixed place for (it would land off the grid)."""
    known = set(places)
    return [member.value for member in members if member.value not in known]


def _book_routes() -> list[tuple[str, re.Pattern[str]]]:
    return [(method, pattern) for method, pattern, _handler in Book()._routes]


# -- add a currency ------------------------------------------------------------------------


def test_a_currency_missing_from_the_docs_table_fails_the_docs_test_by_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dummy = amounts.Currency(code="XTS", exponent=2, symbol="XTS", minimum_amount=100)
    monkeypatch.setattr(test_docs, "CURRENCIES", {**amounts.CURRENCIES, "XTS": dummy})

    with pytest.raises(AssertionError, match=r"docs/amounts\.md block currencies is stale"):
        test_docs.test_generated_block_is_current("amounts.md", "currencies")
    assert "| `XTS` |" in test_docs._currency_table()


def test_the_real_currencies_are_all_in_the_docs_table() -> None:
    page = (DOCS / "amounts.md").read_text(encoding="utf-8")

    assert [code for code in amounts.CURRENCIES if f"| `{code}` |" not in page] == []


# -- change a message ----------------------------------------------------------------------


def test_a_message_missing_from_the_catalogue_fails_the_docs_test_by_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dummy = errors.Message(
        code="DUMMY_REFUSAL", template="Dummy refusal.", kind=errors.InvalidRequestError
    )
    monkeypatch.setattr(test_docs, "MESSAGES", (*errors.MESSAGES, dummy))

    with pytest.raises(AssertionError, match=r"docs/errors\.md block messages is stale"):
        test_docs.test_generated_block_is_current("errors.md", "messages")
    assert "| `DUMMY_REFUSAL` |" in test_docs._errors_table()


# -- add an endpoint -----------------------------------------------------------------------


def test_every_route_of_the_book_is_an_endpoint_the_fuzzer_knows() -> None:
    assert routes_without_a_tag(_book_routes(), ENDPOINTS) == []
    assert len(_book_routes()) == len(ENDPOINTS)


def test_a_route_the_fuzzer_does_not_know_is_named() -> None:
    route = ("POST", re.compile(r"/v1/invoices/([^/]+)/archive"))

    assert routes_without_a_tag([*_book_routes(), route], ENDPOINTS) == [
        "POST /v1/invoices/([^/]+)/archive"
    ]


def test_every_endpoint_that_reads_a_body_or_a_query_has_a_request_table() -> None:
    titles = [table.title for table in requests.TABLES]

    assert endpoints_without_a_request_table(ENDPOINTS, titles) == []


def test_an_endpoint_without_a_request_table_is_named() -> None:
    scratch = {**ENDPOINTS, "refund": ("POST", "/sim/invoices/{id}/refunds")}
    titles = [table.title for table in requests.TABLES]

    assert endpoints_without_a_request_table(scratch, titles) == ["POST /sim/invoices/{id}/refunds"]


def test_the_replay_page_lists_every_endpoint() -> None:
    page = (DOCS / "replay.md").read_text(encoding="utf-8")
    scratch = {**ENDPOINTS, "refund": ("POST", "/sim/invoices/{id}/refunds")}

    assert endpoints_missing_from(page, ENDPOINTS) == []
    assert endpoints_missing_from(page, scratch) == ["POST /sim/invoices/{id}/refunds"]


def test_a_request_table_on_no_page_is_named() -> None:
    # tests/test_requests_docs.py: every table of requests.TABLES is on a page of requests.PAGES
    shown = {table.name for _title, tables in requests.PAGES.values() for table in tables}
    names = {table.name for table in requests.TABLES}

    assert names - shown == set()
    assert ({*names, "refund"} - shown) == {"refund"}


# -- add an operation or a status ----------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "rows", "enum", "dummy"),
    [
        pytest.param("TRANSITIONS", transitions.TRANSITIONS, Operation, "refund", id="rule"),
        pytest.param("OPERATIONS", transitions.OPERATIONS, Operation, "refund", id="function"),
        pytest.param("STATUS_TABLE", statuses.STATUS_TABLE, Status, "on_hold", id="status"),
    ],
)
def test_a_member_without_its_row_fails_check_covers_by_name(
    table: str, rows: Mapping[object, object], enum: type[StrEnum], dummy: str
) -> None:
    scratch_enum = _with_extra(enum, dummy)
    scratch = {scratch_enum(str(member)): row for member, row in rows.items()}

    with pytest.raises(errors.TableIncompleteError) as raised:
        statuses.check_covers(table, scratch, scratch_enum)

    assert raised.value.description == f"The {table} table has no row for {dummy}."


def test_every_status_has_a_place_in_the_lifecycle_picture() -> None:
    assert statuses_without_a_place(Status, diagram._PLACES) == []


def test_a_status_without_a_place_in_the_picture_is_named() -> None:
    scratch = _with_extra(Status, "on_hold")

    assert statuses_without_a_place(scratch, diagram._PLACES) == ["on_hold"]


def test_an_operation_missing_from_the_lifecycle_page_fails_the_docs_test(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A new operation's row: the scratch table holds "refund", a copy of pay's rule.
    scratch_enum = _with_extra(Operation, "refund")
    scratch = {scratch_enum(str(op)): rule for op, rule in transitions.TRANSITIONS.items()}
    scratch[scratch_enum("refund")] = transitions.TRANSITIONS[Operation.PAY]
    monkeypatch.setattr(test_docs, "TRANSITIONS", scratch)

    with pytest.raises(AssertionError, match=r"docs/lifecycle\.md block transitions is stale"):
        test_docs.test_generated_block_is_current("lifecycle.md", "transitions")
    assert "| `refund` |" in test_docs._transition_table()


def test_every_test_the_maintainers_page_links_to_exists() -> None:
    page = (DOCS / "maintaining.md").read_text(encoding="utf-8")
    linked = re.findall(
        r"```\{literalinclude\} \.\./tests/(\S+)\n.*?:pyobject: (\w+)", page, re.DOTALL
    )
    tests = Path(__file__).resolve().parent

    assert len(linked) >= 20
    assert [
        f"{file}::{name}"
        for file, name in linked
        if f"\ndef {name}(" not in (tests / file).read_text(encoding="utf-8")
    ] == []
    assert page.count("<t-") >= len(linked)
