"""The stores shipped with invoicecore, and the one way to name one: ``open_store(spec)``.

Stores are edges: they do I/O, and nothing in the core imports them. A spec
is ``memory`` (or ``None``) for a fresh in-memory book, or ``sqlite:PATH`` for
a book kept in a SQLite file (created when missing, else continued). The
command line's ``--store`` and the server's take the same specs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from invoicecore.store import Store

__all__ = ["open_store"]


def open_store(spec: str | None) -> Store:
    """The store a spec names; ``ValueError`` (one line) for a spec no store takes."""
    if spec is None or spec == "memory":
        from invoicecore.stores.memory import MemoryStore  # noqa: PLC0415 - only when named

        return MemoryStore()
    kind, _, where = spec.partition(":")
    if kind == "sqlite" and where:
        from invoicecore.stores.sqlite import SQLiteStore  # noqa: PLC0415 - only when named

        return SQLiteStore(where)
    message = "expected memory or sqlite:PATH"
    raise ValueError(message)
