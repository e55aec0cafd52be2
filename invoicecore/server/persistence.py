"""Where the server's book lives: ``memory`` or ``sqlite:PATH`` (the store seam).

THE STORE SEAM. Until the store layer of the embedding kit (issue #15:
``invoicecore.store`` and ``invoicecore.stores``) is on ``main``, ``sqlite:PATH``
keeps a *call journal*: every call that changed the book (a non-GET call
answered 200) and every expiry sweep, in order, in one SQLite table. On start
the journal is replayed into a fresh :class:`~invoicecore.book.Book`; the book is
deterministic (ids from counters, the clock from each call's ``at``), so the
replay rebuilds every invoice, customer, item, id counter, receipt and
idempotency key exactly. Failed calls and reads change nothing but the clock
(and expiries, which the next sweep redoes at the same ``expire_by``), so they
are not written. When the store layer lands, :func:`open_book` is the one
function to change: it returns a book over the SQLite store and a
:class:`Persistence` whose ``record`` does nothing.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Final

from invoicecore.book import Book, Call
from invoicecore.events import InvoiceExpired

if TYPE_CHECKING:
    from invoicecore.book import Response
    from invoicecore.events import Event

__all__ = ["JOURNAL_FORMAT", "Persistence", "open_book"]

JOURNAL_FORMAT: Final = "invoicecore-server-journal/1"
"""Written in the file's ``meta`` table; a file of another format is refused, not guessed at."""

_SWEEP: Final = "SWEEP"
_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS journal (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    body TEXT,
    query TEXT
);
"""


class Persistence:
    """The book and the file behind it (none for ``memory``).

    Attributes:
        book: the book every request goes to.
        last_at: the latest clock the file has seen (0 for a new or memory book), so
            that a restarted clock never starts before it.
    """

    def __init__(self, book: Book, connection: sqlite3.Connection | None, last_at: int) -> None:
        self.book = book
        self.last_at = last_at
        self._connection = connection

    def record(self, call: Call, response: Response) -> None:
        """Write a call that changed the book.

        Reads and failures change nothing but the clock, so only the expiries
        their sweep made are written (as a sweep), and the replay matches.
        """
        if self._connection is None:
            return
        with self._connection:
            if response.status == 200 and call.method != "GET":  # noqa: PLR2004
                self._connection.execute(
                    "INSERT INTO journal (at, method, path, body, query) VALUES (?, ?, ?, ?, ?)",
                    (call.at, call.method, call.path, _dump(call.body), _dump(call.query)),
                )
            elif any(isinstance(event, InvoiceExpired) for event in response.events):
                self._connection.execute(
                    "INSERT INTO journal (at, method, path) VALUES (?, ?, '')", (call.at, _SWEEP)
                )

    def sweep(self, at: int) -> tuple[Event, ...]:
        """Expire what is due at ``at`` (the clock moved with no call); written when it did."""
        events = self.book.expire_due(at)
        if events and self._connection is not None:
            with self._connection:
                self._connection.execute(
                    "INSERT INTO journal (at, method, path) VALUES (?, ?, '')", (at, _SWEEP)
                )
        return events

    def save_clock(self, at: int) -> None:
        """Keep a manual clock's time, so that a restart does not start before it."""
        if self._connection is not None:
            with self._connection:
                self._connection.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES ('clock', ?)", (str(at),)
                )

    def close(self) -> None:
        """Close the file; every record is already committed."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def open_book(spec: str) -> Persistence:
    """``memory`` or ``sqlite:PATH`` (created when missing, replayed when present).

    Raises:
        ValueError: an unknown spec, a file that is not this journal's format, or a
            journal that does not replay (each call it holds answered 200 once).
    """
    if spec == "memory":
        return Persistence(Book(), None, 0)
    if not spec.startswith("sqlite:") or not spec.removeprefix("sqlite:"):
        raise ValueError(f"--store must be memory or sqlite:PATH, not {spec!r}")
    path = Path(spec.removeprefix("sqlite:"))
    try:
        connection = sqlite3.connect(path)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.executescript(_SCHEMA)
        return _restore(connection, path)
    except sqlite3.Error as error:
        raise ValueError(f"cannot open {path}: {error}") from None


def _restore(connection: sqlite3.Connection, path: Path) -> Persistence:
    row = connection.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
    if row is None:
        with connection:
            connection.execute(
                "INSERT INTO meta (key, value) VALUES ('format', ?)", (JOURNAL_FORMAT,)
            )
    elif row[0] != JOURNAL_FORMAT:
        connection.close()
        raise ValueError(f"{path} holds {row[0]!r}, not {JOURNAL_FORMAT!r}")
    book = Book()
    last_at = 0
    rows = connection.execute("SELECT seq, at, method, path, body, query FROM journal ORDER BY seq")
    for seq, at, method, call_path, body, query in rows:
        last_at = max(last_at, at)
        if method == _SWEEP:
            book.expire_due(at)
            continue
        call = Call(at=at, method=method, path=call_path, body=_load(body), query=_load(query))
        response = book.handle(call)
        if response.status != 200:  # noqa: PLR2004
            connection.close()
            raise ValueError(f"{path}: journal row {seq} no longer replays: {response.body}")
    clock = connection.execute("SELECT value FROM meta WHERE key = 'clock'").fetchone()
    if clock is not None:
        last_at = max(last_at, int(clock[0]))
    return Persistence(book, connection, last_at)


def _dump(value: object) -> str | None:
    # ASCII escapes keep a lone surrogate (valid JSON, invalid UTF-8) storable.
    return None if value is None else json.dumps(value, allow_nan=False)


def _load(text: str | None) -> object:
    return None if text is None else json.loads(text)
