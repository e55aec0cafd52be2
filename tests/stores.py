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
from tests import postgres_cluster as pg
from tests.postgres_cluster import (  # the session fixture; one summary line when missing
    postgres_cluster,  # noqa: F401
    pytest_collection_modifyitems,  # noqa: F401
    pytest_terminal_summary,  # noqa: F401
)

STORES: dict[str, Callable[[Path], Store]] = {
    "memory": lambda _folder: MemoryStore(),
    "sqlite": lambda folder: SQLiteStore(folder / "book.sqlite3"),
    "postgres": lambda _folder: pg.CURRENT[0].new_store(),
}
"""One line per store: the name and how to open a fresh one in an empty folder."""

NewStore = Callable[[], Store]
NewBook = Callable[..., Book]


@pytest.fixture(
    params=[
        # The PostgreSQL store runs with the slow set (a server per session): CI runs it.
        pytest.param(name, marks=pytest.mark.slow) if name == "postgres" else name
        for name in sorted(STORES)
    ]
)
def new_store(request: pytest.FixtureRequest) -> Iterator[NewStore]:
    """A factory of fresh, empty stores of one kind; all are closed after the test.

    Each call gives a new store (for Hypothesis tests, one per example); a
    PostgreSQL one closes the ones made before it (one connection per test).
    """
    if request.param == "postgres":  # a throwaway server for the session, or one skip line
        pg.CURRENT[:] = [request.getfixturevalue("postgres_cluster")]
    opened: list[Store] = []
    numbers = itertools.count()
    with tempfile.TemporaryDirectory() as folder:

        def make() -> Store:
            if request.param == "postgres":  # one connection at a time: a test uses one store
                while opened:
                    opened.pop().close()
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
