"""The PostgreSQL store: one book shared by many service processes over one database.

psycopg 3 (the ``postgres`` extra). The library creates its tables in their
own schema (``invoicecore`` by default) and migrates them (a
``schema_version`` table; concurrent openers take turns on an advisory lock).
Invoices are stored as Razorpay's JSON entity beside the columns their
indexes need, as in the SQLite store.

Each book call is one transaction at ``READ COMMITTED``. What the database
itself guarantees, whatever the processes do:

- a receipt has at most one holder among live invoices (a partial unique
  index over the statuses of ``store.HOLDS_RECEIPT``), an idempotency key
  names at most one invoice (a unique index), an invoice id is taken once;
- an update names the version it read (``UPDATE ... WHERE version = v``): when
  another call changed the invoice first, nothing is written and the call
  gets ``ConflictError``, so an update is never lost nor applied twice;
- the id counters are read ``FOR UPDATE``, so calls that hand out counter ids
  take turns instead of handing out the same id (a prefix's first use is an
  ``INSERT``: of two processes inserting it, one conflicts);
- the book's clock only moves forward (``GREATEST``).

A unique index that refuses a row, a deadlock, a serialization failure or a
lock timeout is a ``ConflictError``: nothing of the call is kept, and
``Book.handle`` runs the call again (``retries``, 3 by default) before letting
the error out. A connection that fails is a ``StoreError``
(``STORE_UNAVAILABLE``), never retried by the book: the call's outcome may be
unknown; the next transaction reconnects.
"""

from __future__ import annotations

import json
import re
import zlib
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any, Final, NoReturn

import attrs
import psycopg
from psycopg import errors as pg_errors

from invoicecore import errors, wire
from invoicecore.entities import INVOICE_TYPE, Customer, Item, Status
from invoicecore.store import HOLDS_RECEIPT, STORE_CORRUPT, Versioned, conflict

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

    from invoicecore.commands import FetchQuery
    from invoicecore.entities import Invoice

__all__ = ["SCHEMA_VERSION", "STORE_UNAVAILABLE", "PostgresStore"]

SCHEMA_VERSION: Final = 2
"""The schema this version of the library writes; older schemas are migrated on open."""

STORE_UNAVAILABLE: Final = errors.STORE_UNAVAILABLE
"""The database could not be reached, or the connection failed during a call."""

_HOLDING: Final = "(" + ", ".join(f"'{s.value}'" for s in sorted(HOLDS_RECEIPT)) + ")"
_NAME: Final = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_CACHE_SIZE: Final = 4096
_FILTERS: Final = ("customer_id", "receipt", "payment_id")
# Errors that mean "another writer got there first": the call may simply run again.
_CONFLICTS: Final = (
    pg_errors.UniqueViolation,
    pg_errors.SerializationFailure,
    pg_errors.DeadlockDetected,
    pg_errors.LockNotAvailable,
)


def _migrations(s: str) -> tuple[tuple[str, ...], ...]:
    """The schema's versions, each a list of statements; ``s`` is the quoted schema."""
    return (
        (  # version 1
            f"CREATE TABLE {s}.book (id integer PRIMARY KEY CHECK (id = 1), clock bigint)",
            f"INSERT INTO {s}.book (id, clock) VALUES (1, NULL)",
            f"CREATE TABLE {s}.counters (prefix text PRIMARY KEY, value bigint NOT NULL)",
            f"""CREATE TABLE {s}.invoices (
                seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                id text NOT NULL UNIQUE,
                version bigint NOT NULL,
                status text NOT NULL,
                created_at bigint NOT NULL,
                customer_id text,
                receipt text,
                payment_id text,
                idempotency_key text,
                expire_by bigint,
                entity text NOT NULL
            )""",
            # The receipt rule: the statuses of store.HOLDS_RECEIPT at this version;
            # a later version that changes them rebuilds this index in a migration.
            (
                f"CREATE UNIQUE INDEX invoices_receipt_holder ON {s}.invoices (receipt) "
                f"WHERE receipt IS NOT NULL AND status IN {_HOLDING}"
            ),
            (
                f"CREATE UNIQUE INDEX invoices_idempotency_key ON {s}.invoices (idempotency_key) "
                "WHERE idempotency_key IS NOT NULL"
            ),
            (
                f"CREATE INDEX invoices_customer ON {s}.invoices (customer_id, created_at, seq) "
                "WHERE customer_id IS NOT NULL"
            ),
            (
                f"CREATE INDEX invoices_receipt ON {s}.invoices (receipt, created_at, seq) "
                "WHERE receipt IS NOT NULL"
            ),
            (
                f"CREATE INDEX invoices_payment ON {s}.invoices (payment_id, created_at, seq) "
                "WHERE payment_id IS NOT NULL"
            ),
            f"CREATE INDEX invoices_created ON {s}.invoices (created_at, seq)",
            (
                f"CREATE INDEX invoices_expiry ON {s}.invoices (expire_by, seq) "
                "WHERE status = 'issued' AND expire_by IS NOT NULL"
            ),
            f"CREATE TABLE {s}.customers (id text PRIMARY KEY, entity text NOT NULL)",
            f"CREATE TABLE {s}.items (id text PRIMARY KEY, entity text NOT NULL)",
        ),
        (  # version 2: every captured payment id; the primary key keeps each one to one capture
            f"CREATE TABLE {s}.payments (id text PRIMARY KEY, invoice_id text NOT NULL)",
        ),
    )


class PostgresStore:
    """A book kept in a PostgreSQL database, shared by any number of processes.

    Args:
        conninfo: a libpq connection string: a ``postgresql://`` (or
            ``postgres://``) URL or ``key=value`` pairs; the ``PG*``
            environment variables fill what it leaves out.
        schema: the schema the library's tables live in (created if missing),
            so they never mix with the embedder's own.
        connect_timeout: seconds to wait for the server when connecting.
    """

    def __init__(
        self, conninfo: str, *, schema: str = "invoicecore", connect_timeout: int = 10
    ) -> None:
        if not _NAME.fullmatch(schema):
            raise errors.MUST_BE.error(
                field="schema", attribute="schema", expected="a lower-case SQL name"
            )
        self._conninfo = conninfo
        self._connect_timeout = connect_timeout
        self._schema = schema
        self._in_transaction = False
        self._savepoints = 0
        self._pending: list[str] = []  # savepoints not sent yet
        self._locked_counters: set[str] = set()  # read FOR UPDATE in this transaction
        self._cache: dict[str, tuple[str, Invoice]] = {}
        self._db = self._connect()
        self._sql = _statements(f'"{schema}"')
        try:
            self._migrate()
        except BaseException:
            self._db.close()
            raise

    @property
    def connection(self) -> psycopg.Connection[tuple[Any, ...]]:
        """The connection, for the embedder's own tables (an outbox) in the same transaction."""
        return self._db

    @property
    def schema(self) -> str:
        """The schema that holds the book's tables."""
        return self._schema

    # -- the Store protocol --------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[PostgresStore]:
        """``BEGIN`` ... ``COMMIT`` at ``READ COMMITTED``; a lost race is a ``ConflictError``."""
        if self._in_transaction:
            message = "a PostgresStore runs one transaction at a time"
            raise RuntimeError(message)
        if self._db.closed or self._db.broken:
            self._db = self._connect()
        self._run("BEGIN")
        self._in_transaction = True
        try:
            yield self
        except BaseException:
            self._rollback()
            raise
        finally:
            self._in_transaction = False
            self._pending.clear()
            self._locked_counters = set()
        self._run("COMMIT")

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A block undone if it raises; ``SAVEPOINT`` is sent before its first write only.

        A block that writes nothing costs no round trip, and one that succeeds
        is not released (``COMMIT`` ends it): a read-only call is five
        statements, ``BEGIN`` to ``COMMIT``.
        """
        self._savepoints += 1
        name = f"call_{self._savepoints}"
        self._pending.append(name)
        try:
            yield
        except BaseException:
            if name not in self._pending and not self._db.broken:
                self._run(f"ROLLBACK TO SAVEPOINT {name}")
            raise
        finally:
            if name in self._pending:
                self._pending.remove(name)
            self._savepoints -= 1

    # -- the book's state ----------------------------------------------------------
    def clock(self) -> int | None:
        row = self._one(self._sql["clock"])
        return None if row is None or row[0] is None else int(row[0])

    def set_clock(self, at: int) -> None:
        self._write(self._sql["set_clock"], (at,))

    def counters(self) -> Mapping[str, int]:
        """The counters, locked until the transaction ends (callers of ids take turns)."""
        found = {str(prefix): int(value) for prefix, value in self._all(self._sql["counters"])}
        self._locked_counters = set(found)
        return found

    def set_counters(self, counters: Mapping[str, int]) -> None:
        """Locked counters are updated; a new one is inserted, and a second
        process inserting it at the same time gets ``ConflictError`` (never the same id twice).
        """
        for prefix, value in counters.items():
            known = prefix in self._locked_counters
            self._write(self._sql["set_counter" if known else "new_counter"], (value, prefix))
            self._locked_counters.add(prefix)

    # -- invoices ------------------------------------------------------------------
    def get(self, invoice_id: str) -> Versioned | None:
        row = self._one(self._sql["get"], (invoice_id,))
        if row is None:
            return None
        return Versioned(invoice=self._load(row[0], row[2]), version=int(row[1]))

    def add(self, invoice: Invoice) -> None:
        self._write(
            self._sql["add"],
            (invoice.id, invoice.status.value, invoice.created_at, *_columns(invoice)),
            what=invoice.id,
        )

    def put(self, invoice: Invoice, *, version: int) -> None:
        changed = self._write(
            self._sql["put"],
            (version + 1, invoice.status.value, *_columns(invoice), invoice.id, version),
            what=invoice.id,
        )
        if changed != 1:
            raise conflict(f"{invoice.id} is not at version {version} any more")

    def remove(self, invoice_id: str, *, version: int) -> None:
        removed = self._write(self._sql["remove"], (invoice_id, version), what=invoice_id)
        if removed != 1:
            raise conflict(f"{invoice_id} is not at version {version} any more")

    def count(self) -> int:
        row = self._one(self._sql["count"])
        return 0 if row is None else int(row[0])

    # -- lookups -------------------------------------------------------------------
    def receipt_holder(self, receipt: str) -> str | None:
        row = self._one(self._sql["receipt_holder"], (receipt,))
        return None if row is None else str(row[0])

    def idempotent(self, key: str) -> str | None:
        row = self._one(self._sql["idempotent"], (key,))
        return None if row is None else str(row[0])

    def payment_holder(self, payment_id: str) -> str | None:
        row = self._one(
            f'SELECT invoice_id FROM "{self._schema}".payments WHERE id = %s', (payment_id,)
        )
        return None if row is None else str(row[0])

    def record_payment(self, payment_id: str, invoice_id: str) -> None:
        # The primary key decides a race between processes: the loser's call conflicts
        # and is run again, and then finds the payment id taken.
        self._write(
            f'INSERT INTO "{self._schema}".payments (id, invoice_id) VALUES (%s, %s)',
            (payment_id, invoice_id),
            what=payment_id,
        )

    def due(self, at: int) -> Sequence[str]:
        return [str(row[0]) for row in self._all(self._sql["due"], (at,))]

    def page(self, query: FetchQuery) -> Sequence[Invoice]:
        if query.type is not None and query.type != INVOICE_TYPE:
            return []
        statement, params = self.page_statement(query)
        return [self._load(row[0], row[1]) for row in self._all(statement, params)]

    def page_statement(self, query: FetchQuery) -> tuple[str, tuple[object, ...]]:
        """The SQL of ``page(query)`` and its parameters (for ``EXPLAIN``)."""
        where: list[str] = []
        params: list[object] = []
        for column, value in zip(
            _FILTERS, (query.customer_id, query.receipt, query.payment_id), strict=True
        ):
            if value is not None:
                where.append(f"{column} = %s")
                params.append(value)
        if query.from_ is not None:
            where.append("created_at >= %s")
            params.append(query.from_)
        if query.to is not None:
            where.append("created_at <= %s")
            params.append(query.to)
        condition = f"WHERE {' AND '.join(where)}" if where else ""
        # The page's sequence numbers from an index, then its rows by primary key:
        # skipped rows are counted in the index, never read from the table.
        table = f'"{self._schema}".invoices'
        statement = (
            f"SELECT i.id, i.entity FROM {table} AS i JOIN ("
            f"SELECT seq, created_at FROM {table} {condition} "
            "ORDER BY created_at DESC, seq DESC LIMIT %s OFFSET %s"
            ") AS p ON i.seq = p.seq ORDER BY p.created_at DESC, p.seq DESC"
        )
        return statement, (*params, query.count, query.skip)

    # -- the directories -----------------------------------------------------------
    def customer(self, customer_id: str) -> Customer | None:
        row = self._one(self._sql["customer"], (customer_id,))
        if row is None:
            return None
        found = _decode(wire.load_customer, row[0], f"customer {customer_id}")
        return found if isinstance(found, Customer) else None

    def add_customer(self, customer: Customer) -> None:
        entity = json.dumps(wire.render_customer(customer, created_at=0))
        self._write(self._sql["add_customer"], (customer.id, entity))

    def item(self, item_id: str) -> Item | None:
        row = self._one(self._sql["item"], (item_id,))
        if row is None:
            return None
        found = _decode(lambda data: Item(**data), row[0], f"item {item_id}")
        return found if isinstance(found, Item) else None

    def add_item(self, item: Item) -> None:
        entity = json.dumps(attrs.asdict(item))
        self._write(self._sql["add_item"], (item.id, entity))

    # -- the schema ----------------------------------------------------------------
    def schema_version(self) -> int:
        """The schema's version (``SCHEMA_VERSION`` once opened)."""
        with self.transaction():
            row = self._one(f'SELECT max(version) FROM "{self._schema}".schema_version')
        return 0 if row is None or row[0] is None else int(row[0])

    def _migrate(self) -> None:
        s = f'"{self._schema}"'
        with self.transaction():
            # Processes opening a new database together take turns here.
            self._run("SELECT pg_advisory_xact_lock(%s)", (_lock_key(self._schema),))
            self._run(f"CREATE SCHEMA IF NOT EXISTS {s}")
            self._run(
                f"CREATE TABLE IF NOT EXISTS {s}.schema_version ("
                "version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
            )
            row = self._one(f"SELECT max(version) FROM {s}.schema_version")
            current = 0 if row is None or row[0] is None else int(row[0])
            if current > SCHEMA_VERSION:
                raise STORE_CORRUPT.error(
                    detail=f"schema version {current}; this library knows {SCHEMA_VERSION}"
                )
            steps = _migrations(s)
            for version in range(current + 1, SCHEMA_VERSION + 1):
                for statement in steps[version - 1]:
                    self._run(statement)
                self._run(f"INSERT INTO {s}.schema_version (version) VALUES (%s)", (version,))

    # -- helpers -------------------------------------------------------------------
    def _connect(self) -> psycopg.Connection[tuple[Any, ...]]:
        try:
            return psycopg.connect(
                self._conninfo, autocommit=True, connect_timeout=self._connect_timeout
            )
        except psycopg.Error as error:
            raise STORE_UNAVAILABLE.error(detail=_first_line(error)) from error

    def _rollback(self) -> None:
        if self._db.broken or self._db.closed:
            return
        with suppress(psycopg.OperationalError):  # the connection died just now
            self._db.execute("ROLLBACK")

    def _write(self, statement: str, params: Sequence[object] = (), *, what: str = "") -> int:
        """A statement that changes data: the pending savepoints are sent first."""
        while self._pending:
            self._run(f"SAVEPOINT {self._pending.pop(0)}")
        return self._run(statement, params, what=what)

    def _run(self, statement: str, params: Sequence[object] = (), *, what: str = "") -> int:
        """Execute one statement; its row count. Database errors become store errors."""
        try:
            return self._db.execute(statement, params).rowcount
        except psycopg.Error as error:
            _raise(error, what)

    def _one(self, statement: str, params: Sequence[object] = ()) -> tuple[Any, ...] | None:
        try:
            return self._db.execute(statement, params).fetchone()
        except psycopg.Error as error:
            _raise(error, "")

    def _all(self, statement: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        try:
            return self._db.execute(statement, params).fetchall()
        except psycopg.Error as error:
            _raise(error, "")

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


def _statements(s: str) -> dict[str, str]:
    """Every fixed statement of the store, over the quoted schema ``s``."""
    return {
        "clock": f"SELECT clock FROM {s}.book WHERE id = 1",
        # Only forward: a call whose ``at`` is behind another process's keeps the later clock.
        "set_clock": f"UPDATE {s}.book SET clock = GREATEST(clock, %s) WHERE id = 1",
        "counters": f"SELECT prefix, value FROM {s}.counters FOR UPDATE",
        "set_counter": f"UPDATE {s}.counters SET value = %s WHERE prefix = %s",
        "new_counter": f"INSERT INTO {s}.counters (value, prefix) VALUES (%s, %s)",
        "get": f"SELECT id, version, entity FROM {s}.invoices WHERE id = %s",
        "add": f"INSERT INTO {s}.invoices (id, version, status, created_at, customer_id, "
        "receipt, payment_id, idempotency_key, expire_by, entity) "
        "VALUES (%s, 1, %s, %s, %s, %s, %s, %s, %s, %s)",
        "put": f"UPDATE {s}.invoices SET version = %s, status = %s, customer_id = %s, "
        "receipt = %s, payment_id = %s, idempotency_key = %s, expire_by = %s, entity = %s "
        "WHERE id = %s AND version = %s",
        "remove": f"DELETE FROM {s}.invoices WHERE id = %s AND version = %s",
        "count": f"SELECT count(*) FROM {s}.invoices",
        "receipt_holder": f"SELECT id FROM {s}.invoices "
        f"WHERE receipt = %s AND receipt IS NOT NULL AND status IN {_HOLDING}",
        "idempotent": f"SELECT id FROM {s}.invoices "
        "WHERE idempotency_key = %s AND idempotency_key IS NOT NULL",
        "due": f"SELECT id FROM {s}.invoices WHERE status = 'issued' AND expire_by IS NOT NULL "
        "AND expire_by <= %s ORDER BY expire_by, seq",
        "customer": f"SELECT entity FROM {s}.customers WHERE id = %s",
        "add_customer": f"INSERT INTO {s}.customers (id, entity) VALUES (%s, %s) "
        "ON CONFLICT (id) DO UPDATE SET entity = excluded.entity",
        "item": f"SELECT entity FROM {s}.items WHERE id = %s",
        "add_item": f"INSERT INTO {s}.items (id, entity) VALUES (%s, %s) "
        "ON CONFLICT (id) DO UPDATE SET entity = excluded.entity",
    }


def _columns(invoice: Invoice) -> tuple[object, ...]:
    expire_by = invoice.expire_by if invoice.status is Status.ISSUED else None
    return (
        invoice.customer_id,
        invoice.receipt,
        invoice.payment_id,
        invoice.idempotency_key,
        expire_by,
        json.dumps(wire.render_invoice(invoice)),  # ASCII: NUL and lone surrogates survive
    )


def _raise(error: psycopg.Error, what: str) -> NoReturn:
    """A database error as the store's: a lost race is a conflict, a failed link unavailable."""
    detail = f"{what}: {_first_line(error)}" if what else _first_line(error)
    if isinstance(error, _CONFLICTS):
        raise conflict(detail) from error
    if isinstance(error, psycopg.OperationalError):
        raise STORE_UNAVAILABLE.error(detail=detail) from error
    raise error


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _lock_key(schema: str) -> int:
    """A stable advisory-lock key per schema (a signed 64-bit integer)."""
    return zlib.crc32(f"invoicecore:{schema}".encode()) - (1 << 31)


def _decode(load: Any, text: str, what: str) -> Any:  # noqa: ANN401 - the loader's value
    """A stored entity through its loader; anything unreadable is the store's error."""
    try:
        return load(json.loads(text))
    except (ValueError, TypeError, errors.InvoiceError) as error:
        # A stored row that fails to load is the store's trouble, never a client's 400.
        raise errors.STORED_ENTITY_CORRUPT.error(entity=what, reason=str(error)) from error
