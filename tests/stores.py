"""The stores every book test runs against: add a store here and the suite runs on it too.

``STORES`` maps a name to a factory taking a fresh folder; the ``new_book``
and ``new_store`` fixtures are parametrized over it, so each test of the book
runs once per store with the same expectations.
"""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from invoicecore.book import Book
from invoicecore.store import Store
from invoicecore.stores.memory import MemoryStore
from invoicecore.stores.sqlite import SQLiteStore

STORES: dict[str, Callable[[Path], Store]] = {
    "memory": lambda _folder: MemoryStore(),
    "sqlite": lambda folder: SQLiteStore(folder / "book.sqlite3"),
}
"""One line per store: the name and how to open a fresh one in an empty folder."""

NewStore = Callable[[], Store]
NewBook = Callable[..., Book]


@pytest.fixture(params=sorted(STORES))
def new_store(request: pytest.FixtureRequest) -> Iterator[NewStore]:
    """A factory of fresh, empty stores of one kind; all are closed after the test.

    Each call gives a new store (for Hypothesis tests, one per example).
    """
    opened: list[Store] = []
    numbers = itertools.count()
    with tempfile.TemporaryDirectory() as folder:

        def make() -> Store:
            path = Path(folder, str(next(numbers)))
            path.mkdir()
            store = STORES[request.param](path)
            opened.append(store)
            return store

        yield make
        for store in opened:
            store.close()


@pytest.fixture
def new_book(new_store: NewStore) -> NewBook:
    """A factory of fresh books, each over a fresh store of the parametrized kind."""

    def make(**options: Any) -> Book:
        return Book(store=new_store(), **options)

    return make
