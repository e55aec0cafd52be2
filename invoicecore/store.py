"""The store protocol: what the book needs to keep its invoices anywhere.

The book (``book.py``) holds the API's rules; a ``Store`` holds the data. Every
book call is one ``Store.transaction()``: a context manager that commits when
the block succeeds and rolls back when it raises. Inside it a ``Transaction``
gets and puts invoices with an optimistic version, answers the lookups the
rules need (the live holder of a receipt, an idempotency key, the expiry
queue), lists by the fetch filters and keeps the directories, the id
counters and the book's clock.

Designed for SQL databases as well as memory: each lookup is one indexed
query, the uniqueness rules (receipts among live invoices, idempotency keys)
can be unique or partial indexes, and a write whose version moved on raises
``ConflictError`` (never a lost update). This module does no I/O; the shipped
stores live in ``invoicecore.stores`` (edges), which the core never imports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, Protocol, cast

import attrs

from invoicecore import errors, statuses
from invoicecore.entities import Invoice

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from contextlib import AbstractContextManager

    from invoicecore.commands import FetchQuery
    from invoicecore.entities import Customer, Item

__all__ = [
    "CONFLICT",
    "HOLDS_RECEIPT",
    "STORE_CORRUPT",
    "ConflictError",
    "Store",
    "StoreError",
    "Transaction",
    "Versioned",
    "conflict",
]

HOLDS_RECEIPT: Final = frozenset(
    status for status, row in statuses.STATUS_TABLE.items() if row.holds_receipt
)
"""Statuses whose invoice holds its receipt (a column of the status table)."""

StoreError = errors.StoreError
ConflictError = errors.ConflictError
CONFLICT: Final = errors.STORE_CONFLICT
"""The message of ``ConflictError``; ``detail`` says what moved."""
STORE_CORRUPT: Final = errors.STORE_CORRUPT
"""A store that is not this library's, or a schema newer than this version knows."""


@attrs.frozen(kw_only=True)
class Versioned:
    """An invoice as stored, with its version: put it back with ``version`` or conflict."""

    invoice: Invoice
    version: int


class Transaction(Protocol):
    """One book call's view of the store; every method is one indexed lookup or write.

    Writes are visible to later reads of the same transaction. Invoices are
    added in creation order (the book's clock never goes back), which is the
    order lists are served in, newest first.
    """

    # -- the book's state -----------------------------------------------------
    def clock(self) -> int | None:
        """The ``at`` of the book's latest call (``None`` for a new book)."""
        ...

    def set_clock(self, at: int) -> None:
        """Move the book's clock to ``at``."""
        ...

    def counters(self) -> Mapping[str, int]:
        """The id source's saved state (``IdSource.state``)."""
        ...

    def set_counters(self, counters: Mapping[str, int]) -> None:
        """Save the entries of the id source's state that a call moved (others stay)."""
        ...

    # -- invoices ---------------------------------------------------------------
    def get(self, invoice_id: str) -> Versioned | None:
        """The invoice with this id and its version (``None``: none, or deleted)."""
        ...

    def add(self, invoice: Invoice) -> None:
        """Keep a new invoice at version 1; ``ConflictError`` if its id or a unique key is taken."""
        ...

    def put(self, invoice: Invoice, *, version: int) -> None:
        """Replace the invoice stored at ``version`` (it becomes ``version + 1``).

        ``ConflictError`` when the stored version is not ``version`` any more.
        """
        ...

    def remove(self, invoice_id: str, *, version: int) -> None:
        """Forget a deleted invoice (its receipt and idempotency key are free again)."""
        ...

    def count(self) -> int:
        """How many invoices the store holds (deleted ones are gone)."""
        ...

    # -- lookups ----------------------------------------------------------------
    def receipt_holder(self, receipt: str) -> str | None:
        """The id of the invoice whose status holds ``receipt`` (``HOLDS_RECEIPT``)."""
        ...

    def idempotent(self, key: str) -> str | None:
        """The id of the invoice created with this ``idempotency_key``."""
        ...

    def payment_holder(self, payment_id: str) -> str | None:
        """The id of the invoice that captured ``payment_id``, ever (``None``: never seen)."""
        ...

    def record_payment(self, payment_id: str, invoice_id: str) -> None:
        """Remember a captured payment id (``ConflictError`` if another call took it)."""
        ...

    def due(self, at: int) -> Sequence[str]:
        """Ids of the issued invoices with ``expire_by <= at``, by ``expire_by`` then age."""
        ...

    def page(self, query: FetchQuery) -> Sequence[Invoice]:
        """The invoices matching the query's filters, newest first, ``skip`` then ``count``.

        The filters are exact matches on ``customer_id``, ``receipt`` and
        ``payment_id`` (the latest payment) and an inclusive ``created_at``
        range. Its cost should not grow with ``skip`` or with deleted invoices.
        """
        ...

    # -- the directories ---------------------------------------------------------
    def customer(self, customer_id: str) -> Customer | None:
        """A customer of the directory (created by the Customers API or inline)."""
        ...

    def add_customer(self, customer: Customer) -> None:
        """Remember a customer (``customer.id`` is set)."""
        ...

    def item(self, item_id: str) -> Item | None:
        """An item of the Items API."""
        ...

    def add_item(self, item: Item) -> None:
        """Remember an item."""
        ...

    def savepoint(self) -> AbstractContextManager[None]:
        """A nested block whose writes are undone if it raises (the transaction goes on)."""
        ...


class Store(Protocol):
    """Somewhere to keep a book: ``with store.transaction() as tx: ...`` per call."""

    def transaction(self) -> AbstractContextManager[Transaction]:
        """Begin: commit when the block ends, roll back when it raises.

        A store that cannot begin or commit because of other writers raises
        ``ConflictError`` (after rolling back), so the caller may retry.
        """
        ...

    def close(self) -> None:
        """Release the store's resources (files, connections)."""
        ...


def conflict(detail: str) -> ConflictError:
    """A ``ConflictError`` saying what moved (for stores)."""
    return cast("ConflictError", CONFLICT.error(detail=detail))
