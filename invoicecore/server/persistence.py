"""Where the server's book lives: ``memory``, ``sqlite:PATH`` or PostgreSQL, through the stores.

``sqlite:PATH`` opens :class:`~invoicecore.stores.sqlite.SQLiteStore` on the
file (created with its schema when missing): every call is one transaction of
the book, so a restart with the same file keeps every invoice, customer, item,
id counter, receipt and idempotency key, and the book's clock. ``memory`` is the
book's default in-memory store, gone at exit.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from invoicecore.book import Book
from invoicecore.store import StoreError
from invoicecore.stores import open_store

if TYPE_CHECKING:
    from collections.abc import Callable

    from invoicecore.book import Call, Response
    from invoicecore.events import Event
    from invoicecore.store import Store

__all__ = ["Persistence", "open_book"]


class Persistence:
    """The book and the store under it.

    Attributes:
        book: the book every request goes to.
        last_at: the book's clock when opened (0 for a new book), so that a
            restarted clock never starts before it.
    """

    def __init__(self, book: Book, last_at: int, close: Callable[[], None] | None) -> None:
        self.book = book
        self.last_at = last_at
        self._close = close

    def record(self, call: Call, response: Response) -> None:
        """Nothing to do: the book kept the call in its store's transaction."""
        del call, response

    def sweep(self, at: int) -> tuple[Event, ...]:
        """Expire what is due at ``at`` (the clock moved with no call), in one transaction."""
        return self.book.expire_due(at)

    def save_clock(self, at: int) -> None:
        """Move the stored clock to a manual clock's time, so a restart starts there."""
        with self.book.store.transaction() as tx:
            if (tx.clock() or 0) < at:
                tx.set_clock(at)

    def close(self) -> None:
        """Close the store; every call is already committed."""
        if self._close is not None:
            self._close()
            self._close = None


def open_book(spec: str) -> Persistence:
    """``memory``, ``sqlite:PATH`` or a ``postgresql://`` URL (``stores.open_store``).

    Raises:
        ValueError: an unknown spec, or a store that cannot be opened.
    """
    if spec == "memory":
        return Persistence(Book(), 0, None)
    try:
        store: Store = open_store(spec)
        with store.transaction() as tx:
            last_at = tx.clock() or 0
    except (sqlite3.Error, StoreError, OSError, ValueError) as error:
        raise ValueError(f"cannot open {spec}: {error}") from None
    return Persistence(Book(store=store), last_at, store.close)
