"""The SQLite store: a book in one file, shared by the processes of one machine.

Standard library ``sqlite3``, WAL journal. The library creates the schema and
migrates it (``schema_version`` table); invoices are stored as Razorpay's JSON
entity (``wire.render_invoice``, read back with ``wire.load_invoice``) beside
the columns their indexes need. Each transaction begins with ``BEGIN
IMMEDIATE``: writers from several processes take turns (waiting up to
``timeout`` seconds), and every write also checks the invoice's version, so
an update is never lost; a writer that cannot get the lock in time, or finds
the version moved, gets ``ConflictError`` and nothing of its call is kept.
The uniqueness rules are partial unique indexes, so the file itself refuses a
second live holder of a receipt or a second invoice for an idempotency key.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Final

from invoicecore import errors, wire
from invoicecore.entities import INVOICE_TYPE, Customer, Item, Status
from invoicecore.store import HOLDS_RECEIPT, STORE_CORRUPT, Versioned, conflict

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence
    from os import PathLike

    from invoicecore.commands import FetchQuery
    from invoicecore.entities import Invoice

__all__ = ["SCHEMA_VERSION", "SQLiteStore"]

SCHEMA_VERSION: Final = 2
"""The schema this version of the library writes; older files are migrated on open."""

_HOLDING: Final = "(" + ", ".join(sorted(f"'{status}'" for status in HOLDS_RECEIPT)) + ")"
"""The statuses that hold a receipt, read off the status table (``store.HOLDS_RECEIPT``)."""
_MIGRATIONS: Final[tuple[tuple[str, ...], ...]] = (
    (  # version 1
        "CREATE TABLE book (id INTEGER PRIMARY KEY CHECK (id = 1), clock INTEGER)",
        "INSERT INTO book (id, clock) VALUES (1, NULL)",
        "CREATE TABLE counters (prefix TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID",
        """CREATE TABLE invoices (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            version INTEGER NOT NULL,
            status TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            customer_id TEXT,
            receipt TEXT,
            payment_id TEXT,
            idempotency_key TEXT,
            expire_by INTEGER,
            entity TEXT NOT NULL
        )""",
        (
            f"CREATE UNIQUE INDEX invoices_receipt_holder ON invoices (receipt) "
            f"WHERE receipt IS NOT NULL AND status IN {_HOLDING}"
        ),
        (
            "CREATE UNIQUE INDEX invoices_idempotency_key ON invoices (idempotency_key) "
            "WHERE idempotency_key IS NOT NULL"
        ),
        (
            "CREATE INDEX invoices_customer ON invoices (customer_id, created_at, seq) "
            "WHERE customer_id IS NOT NULL"
        ),
        (
            "CREATE INDEX invoices_receipt ON invoices (receipt, created_at, seq) "
            "WHERE receipt IS NOT NULL"
        ),
        (
            "CREATE INDEX invoices_payment ON invoices (payment_id, created_at, seq) "
            "WHERE payment_id IS NOT NULL"
        ),
        "CREATE INDEX invoices_created ON invoices (created_at, seq)",
        (
            "CREATE INDEX invoices_expiry ON invoices (expire_by, seq) "
            "WHERE status = 'issued' AND expire_by IS NOT NULL"
        ),
        "CREATE TABLE customers (id TEXT PRIMARY KEY, entity TEXT NOT NULL) WITHOUT ROWID",
        "CREATE TABLE items (id TEXT PRIMARY KEY, entity TEXT NOT NULL) WITHOUT ROWID",
    ),
    (  # version 2: every captured payment id, so none is counted twice (decisions, second set)
        "CREATE TABLE payments (id TEXT PRIMARY KEY, invoice_id TEXT NOT NULL) WITHOUT ROWID",
    ),
)
_CACHE_SIZE: Final = 4096
_FILTERS: Final = ("customer_id", "receipt", "payment_id")


class SQLiteStore:
    """A book kept in one SQLite file (``":memory:"`` for a private, temporary one).

    Args:
        path: the database file; created with its schema when missing.
        timeout: seconds a writer waits for another process's transaction
            before its call gets ``ConflictError``.
    """

    def __init__(self, path: str | PathLike[str], *, timeout: float = 30.0) -> None:
        self._db = sqlite3.connect(path, timeout=timeout, isolation_level=None)
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = NORMAL")
        self._cache: dict[str, tuple[str, Invoice]] = {}
        self._savepoints = 0
        self._migrate()

    @property
    def connection(self) -> sqlite3.Connection:
        """The connection, for the embedder's own tables (an outbox) in the same transaction."""
        return self._db

    # -- the Store protocol --------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[SQLiteStore]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT``; a busy database is a ``ConflictError``."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise conflict(f"the database is busy: {error}") from error
        try:
            yield self
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        try:
            self._db.execute("COMMIT")
        except sqlite3.OperationalError as error:  # pragma: no cover - a lock taken mid-commit
            self._db.execute("ROLLBACK")
            raise conflict(f"the commit failed: {error}") from error

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """``SAVEPOINT`` ... ``RELEASE``, rolled back to if the block raises."""
        self._savepoints += 1
        name = f"call_{self._savepoints}"
        self._db.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            self._db.execute(f"ROLLBACK TO {name}")
            self._db.execute(f"RELEASE {name}")
            raise
        finally:
            self._savepoints -= 1
        self._db.execute(f"RELEASE {name}")

    # -- the book's state ----------------------------------------------------------
    def clock(self) -> int | None:
        row = self._db.execute("SELECT clock FROM book WHERE id = 1").fetchone()
        return None if row is None else row[0]

    def set_clock(self, at: int) -> None:
        self._db.execute("UPDATE book SET clock = ? WHERE id = 1", (at,))

    def counters(self) -> Mapping[str, int]:
        return dict(self._db.execute("SELECT prefix, value FROM counters").fetchall())

    def set_counters(self, counters: Mapping[str, int]) -> None:
        self._db.executemany(
            "INSERT INTO counters (prefix, value) VALUES (?, ?) "
            "ON CONFLICT (prefix) DO UPDATE SET value = excluded.value",
            list(counters.items()),
        )

    # -- invoices ------------------------------------------------------------------
    def get(self, invoice_id: str) -> Versioned | None:
        row = self._db.execute(
            "SELECT id, version, entity FROM invoices WHERE id = ?", (invoice_id,)
        ).fetchone()
        if row is None:
            return None
        return Versioned(invoice=self._load(row[0], row[2]), version=row[1])

    def add(self, invoice: Invoice) -> None:
        try:
            self._db.execute(
                "INSERT INTO invoices (id, version, status, created_at, customer_id, receipt, "
                "payment_id, idempotency_key, expire_by, entity) "
                "VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    invoice.id,
                    invoice.status.value,
                    invoice.created_at,
                    *self._columns(invoice),
                ),
            )
        except sqlite3.IntegrityError as error:
            raise conflict(f"{invoice.id}: {error}") from error

    def put(self, invoice: Invoice, *, version: int) -> None:
        try:
            changed = self._db.execute(
                "UPDATE invoices SET version = ?, status = ?, customer_id = ?, receipt = ?, "
                "payment_id = ?, idempotency_key = ?, expire_by = ?, entity = ? "
                "WHERE id = ? AND version = ?",
                (
                    version + 1,
                    invoice.status.value,
                    *self._columns(invoice),
                    invoice.id,
                    version,
                ),
            ).rowcount
        except sqlite3.IntegrityError as error:
            raise conflict(f"{invoice.id}: {error}") from error
        if changed != 1:
            raise conflict(f"{invoice.id} is not at version {version} any more")

    def remove(self, invoice_id: str, *, version: int) -> None:
        removed = self._db.execute(
            "DELETE FROM invoices WHERE id = ? AND version = ?", (invoice_id, version)
        ).rowcount
        if removed != 1:
            raise conflict(f"{invoice_id} is not at version {version} any more")

    def count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM invoices").fetchone()[0])

    # -- lookups -------------------------------------------------------------------
    def receipt_holder(self, receipt: str) -> str | None:
        row = self._db.execute(
            f"SELECT id FROM invoices WHERE receipt = ? AND status IN {_HOLDING}",  # noqa: S608 - a constant
            (receipt,),
        ).fetchone()
        return None if row is None else str(row[0])

    def payment_holder(self, payment_id: str) -> str | None:
        row = self._db.execute(
            "SELECT invoice_id FROM payments WHERE id = ?", (payment_id,)
        ).fetchone()
        return None if row is None else str(row[0])

    def record_payment(self, payment_id: str, invoice_id: str) -> None:
        try:
            self._db.execute(
                "INSERT INTO payments (id, invoice_id) VALUES (?, ?)", (payment_id, invoice_id)
            )
        except sqlite3.IntegrityError as error:
            raise conflict(f"payment id {payment_id} is taken") from error

    def idempotent(self, key: str) -> str | None:
        row = self._db.execute(
            "SELECT id FROM invoices WHERE idempotency_key = ?", (key,)
        ).fetchone()
        return None if row is None else str(row[0])

    def due(self, at: int) -> Sequence[str]:
        rows = self._db.execute(
            "SELECT id FROM invoices WHERE status = 'issued' AND expire_by IS NOT NULL "
            "AND expire_by <= ? ORDER BY expire_by, seq",
            (at,),
        ).fetchall()
        return [row[0] for row in rows]

    def page(self, query: FetchQuery) -> Sequence[Invoice]:
        if query.type is not None and query.type != INVOICE_TYPE:
            return []
        where: list[str] = []
        params: list[Any] = []
        for column, value in zip(
            _FILTERS, (query.customer_id, query.receipt, query.payment_id), strict=True
        ):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if query.from_ is not None:
            where.append("created_at >= ?")
            params.append(query.from_)
        if query.to is not None:
            where.append("created_at <= ?")
            params.append(query.to)
        condition = f"WHERE {' AND '.join(where)}" if where else ""
        # The page's sequence numbers first, from an index alone (created_at grows
        # with seq, so both orders agree); then the page's rows by primary key.
        seqs = [
            row[0]
            for row in self._db.execute(
                f"SELECT seq FROM invoices {condition} "  # noqa: S608 - constant columns
                "ORDER BY created_at DESC, seq DESC LIMIT ? OFFSET ?",
                (*params, query.count, query.skip),
            )
        ]
        if not seqs:
            return []
        marks = ", ".join("?" * len(seqs))
        rows = self._db.execute(
            f"SELECT id, entity FROM invoices WHERE seq IN ({marks}) ORDER BY seq DESC",  # noqa: S608 - placeholders only
            seqs,
        ).fetchall()
        return [self._load(row[0], row[1]) for row in rows]

    # -- the directories -----------------------------------------------------------
    def customer(self, customer_id: str) -> Customer | None:
        row = self._db.execute(
            "SELECT entity FROM customers WHERE id = ?", (customer_id,)
        ).fetchone()
        if row is None:
            return None
        found = _decode(wire.load_customer, row[0], f"customer {customer_id}")
        return found if isinstance(found, Customer) else None

    def add_customer(self, customer: Customer) -> None:
        entity = json.dumps(wire.render_customer(customer, created_at=0))
        self._db.execute(
            "INSERT INTO customers (id, entity) VALUES (?, ?) "
            "ON CONFLICT (id) DO UPDATE SET entity = excluded.entity",
            (customer.id, entity),
        )

    def item(self, item_id: str) -> Item | None:
        row = self._db.execute("SELECT entity FROM items WHERE id = ?", (item_id,)).fetchone()
        if row is None:
            return None
        found = _decode(lambda data: Item(**data), row[0], f"item {item_id}")
        return found if isinstance(found, Item) else None

    def add_item(self, item: Item) -> None:
        entity = json.dumps(
            {
                "id": item.id,
                "name": item.name,
                "description": item.description,
                "amount": item.amount,
                "currency": item.currency,
                "active": item.active,
                "type": item.type,
                "unit": item.unit,
                "tax_inclusive": item.tax_inclusive,
                "hsn_code": item.hsn_code,
                "sac_code": item.sac_code,
                "tax_rate": item.tax_rate,
            }
        )
        self._db.execute(
            "INSERT INTO items (id, entity) VALUES (?, ?) "
            "ON CONFLICT (id) DO UPDATE SET entity = excluded.entity",
            (item.id, entity),
        )

    # -- helpers -------------------------------------------------------------------
    def _columns(self, invoice: Invoice) -> tuple[object, ...]:
        expire_by = invoice.expire_by if invoice.status is Status.ISSUED else None
        return (
            invoice.customer_id,
            invoice.receipt,
            invoice.payment_id,
            invoice.idempotency_key,
            expire_by,
            json.dumps(wire.render_invoice(invoice)),  # ASCII: a lone surrogate survives
        )

    def _load(self, invoice_id: str, entity: str) -> Invoice:
        """The stored entity as an ``Invoice``; decoded once per distinct text."""
        cached = self._cache.get(invoice_id)
        if cached is not None and cached[0] == entity:
            return cached[1]
        invoice: Invoice = _decode(wire.load_invoice, entity, f"invoice {invoice_id}")
        if len(self._cache) >= _CACHE_SIZE:
            self._cache.clear()
        self._cache[invoice_id] = (entity, invoice)
        return invoice

    def _migrate(self) -> None:
        with self.transaction():
            self._db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = self._db.execute("SELECT max(version) FROM schema_version").fetchone()
            current = 0 if row is None or row[0] is None else int(row[0])
            if current > SCHEMA_VERSION:
                raise STORE_CORRUPT.error(
                    detail=f"schema version {current}; this library knows {SCHEMA_VERSION}"
                )
            for version in range(current + 1, SCHEMA_VERSION + 1):
                for statement in _MIGRATIONS[version - 1]:
                    self._db.execute(statement)
                self._db.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))

    def schema_version(self) -> int:
        """The file's schema version (``SCHEMA_VERSION`` once opened)."""
        row = self._db.execute("SELECT max(version) FROM schema_version").fetchone()
        return int(row[0])


def _decode(load: Any, text: str, what: str) -> Any:  # noqa: ANN401 - the loader's value
    """A stored entity through its loader; anything unreadable is the store's error."""
    from invoicecore.errors import InvoiceError  # noqa: PLC0415

    try:
        return load(json.loads(text))
    except (ValueError, TypeError, InvoiceError) as error:
        # A stored row that fails to load is the store's trouble, never a client's 400.
        raise errors.STORED_ENTITY_CORRUPT.error(entity=what, reason=str(error)) from error
