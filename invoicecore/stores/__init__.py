"""The shipped stores (edges): in memory, SQLite, PostgreSQL; ``open_store`` names them.

One parser of store names for every command that takes ``--store`` (``replay``,
``serve``): ``memory``, ``sqlite:PATH``, or a ``postgresql://`` (or
``postgres://``) URL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from invoicecore.store import Store

__all__ = ["open_store"]


def open_store(name: str | None) -> Store:
    """The store a ``--store`` value names; ``ValueError`` for a name that is none of them.

    ``None`` or ``memory``: a fresh in-memory book; ``sqlite:PATH``: the book
    kept in that file (created if missing); ``postgresql://...``: the book kept
    in that database (the ``postgres`` extra; its tables created if missing).
    """
    if name is None or name == "memory":
        from invoicecore.stores.memory import MemoryStore  # noqa: PLC0415

        return MemoryStore()
    kind, _, where = name.partition(":")
    if kind == "sqlite" and where:
        from invoicecore.stores.sqlite import SQLiteStore  # noqa: PLC0415

        return SQLiteStore(where)
    if name.startswith(("postgresql://", "postgres://")):
        try:
            from invoicecore.stores.postgres import PostgresStore  # noqa: PLC0415 - an extra
        except ImportError:
            message = "the PostgreSQL store needs psycopg: pip install 'invoicecore[postgres]'"
            raise ValueError(message) from None
        return PostgresStore(name)
    message = "expected memory, sqlite:PATH or a postgresql:// URL"
    raise ValueError(message)
