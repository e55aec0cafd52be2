"""The in-memory store: the book's default, dicts and sorted lists in one process.

Every lookup is a dict access or a bisection. Lists are served from sorted
lists of creation sequence numbers (one of every live invoice, one per
customer, receipt and payment id), so a page costs O(log n + page) whatever
``skip`` is and however many invoices were deleted. The expiry queue is a
sorted list with exactly one entry per issued invoice that has an
``expire_by``. A transaction keeps an undo log and replays it backwards when
the block raises.
"""

from __future__ import annotations

import bisect
import operator
from typing import TYPE_CHECKING, Any, Final

from invoicecore.entities import INVOICE_TYPE, Customer, Invoice, Item, Status
from invoicecore.store import HOLDS_RECEIPT, Versioned, conflict

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from invoicecore.commands import FetchQuery

__all__ = ["MemoryStore"]

_Entry = tuple[Invoice, int, int]  # the invoice, its version, its creation sequence number
_KEYS: Final = ("customer_id", "receipt", "payment_id")
_listed: Final = operator.attrgetter(*_KEYS)
"""An invoice's values of the by-key lists' keys, in ``_KEYS`` order."""


class MemoryStore:
    """A book's invoices in this process's memory (gone when it ends).

    It is its own ``Transaction``: ``transaction()`` yields the store itself
    and undoes the block's writes if it raises. One transaction at a time.
    """

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}
        self._id_by_seq: list[str] = []
        self._created_by_seq: list[int] = []
        self._live: list[int] = []
        self._indexes: dict[str, dict[str, list[int]]] = {key: {} for key in _KEYS}
        self._holders: dict[str, str] = {}
        self._keys: dict[str, str] = {}
        self._payments: dict[str, str] = {}
        self._expiry: list[tuple[int, int, str]] = []
        self._customers: dict[str, Customer] = {}
        self._items: dict[str, Item] = {}
        self._counters: dict[str, int] = {}
        self._clock: int | None = None
        self._undo: list[Callable[[], None]] | None = None

    # -- the Store protocol ------------------------------------------------------
    def transaction(self) -> _Transaction:
        """The store itself, with an undo log for the block."""
        return _Transaction(self)

    def close(self) -> None:
        """Nothing to release."""

    def savepoint(self) -> _Savepoint:
        """Undo the block's writes if it raises."""
        return _Savepoint(self)

    # -- the book's state ----------------------------------------------------------
    def clock(self) -> int | None:
        return self._clock

    def set_clock(self, at: int) -> None:
        previous = self._clock
        self._clock = at
        self._log.append(lambda: setattr(self, "_clock", previous))

    def counters(self) -> Mapping[str, int]:
        return self._counters

    def set_counters(self, counters: Mapping[str, int]) -> None:
        previous = self._counters
        self._counters = {**previous, **counters}
        self._log.append(lambda: setattr(self, "_counters", previous))

    # -- invoices ------------------------------------------------------------------
    def get(self, invoice_id: str) -> Versioned | None:
        entry = self._entries.get(invoice_id)
        return None if entry is None else Versioned(invoice=entry[0], version=entry[1])

    def add(self, invoice: Invoice) -> None:
        if invoice.id in self._entries:
            raise conflict(f"the id {invoice.id} is taken")
        seq = len(self._id_by_seq)
        self._id_by_seq.append(invoice.id)
        self._created_by_seq.append(invoice.created_at)
        self._live.append(seq)
        entry = (invoice, 1, seq)
        self._entries[invoice.id] = entry
        self._index(entry)
        self._log.append(lambda: self._undo_add(entry))

    def put(self, invoice: Invoice, *, version: int) -> None:
        old = self._current(invoice.id, version)
        new = (invoice, version + 1, old[2])
        self._swap(old, new)
        self._log.append(lambda: self._swap(new, old))

    def remove(self, invoice_id: str, *, version: int) -> None:
        entry = self._current(invoice_id, version)
        self._unindex(entry)
        del self._entries[invoice_id]
        self._live.pop(bisect.bisect_left(self._live, entry[2]))
        self._log.append(lambda: self._undo_remove(entry))

    def count(self) -> int:
        return len(self._entries)

    # -- lookups -------------------------------------------------------------------
    def receipt_holder(self, receipt: str) -> str | None:
        return self._holders.get(receipt)

    def idempotent(self, key: str) -> str | None:
        return self._keys.get(key)

    def payment_holder(self, payment_id: str) -> str | None:
        return self._payments.get(payment_id)

    def record_payment(self, payment_id: str, invoice_id: str) -> None:
        if payment_id in self._payments:
            raise conflict(f"payment id {payment_id} is taken")
        self._payments[payment_id] = invoice_id
        self._log.append(lambda: self._forget_payment(payment_id))

    def _forget_payment(self, payment_id: str) -> None:
        self._payments.pop(payment_id, None)

    def due(self, at: int) -> Sequence[str]:
        end = bisect.bisect_right(self._expiry, (at, len(self._id_by_seq), ""))
        return [invoice_id for _, _, invoice_id in self._expiry[:end]]

    def page(self, query: FetchQuery) -> Sequence[Invoice]:
        if query.type is not None and query.type != INVOICE_TYPE:
            return []
        named = [
            self._indexes[key].get(value, [])
            for key, value in zip(
                _KEYS, (query.customer_id, query.receipt, query.payment_id), strict=True
            )
            if value is not None
        ]
        if len(named) > 1:  # two or more filters: walk the smallest list
            return self._walk(min(named, key=len), query)
        seqs = named[0] if named else self._live
        low = 0 if query.from_ is None else bisect.bisect_left(self._created_by_seq, query.from_)
        high = (
            len(self._created_by_seq)
            if query.to is None
            else bisect.bisect_right(self._created_by_seq, query.to)
        )
        first, end = bisect.bisect_left(seqs, low), bisect.bisect_left(seqs, high)
        top = end - query.skip  # newest first: skip from the top of the range
        chosen = seqs[max(first, top - query.count) : max(first, top)]
        return [self._entries[self._id_by_seq[seq]][0] for seq in reversed(chosen)]

    # -- the directories -----------------------------------------------------------
    def customer(self, customer_id: str) -> Customer | None:
        return self._customers.get(customer_id)

    def add_customer(self, customer: Customer) -> None:
        customer_id = str(customer.id)
        previous = self._customers.get(customer_id)
        self._customers[customer_id] = customer
        self._log.append(lambda: self._restore(self._customers, customer_id, previous))

    def item(self, item_id: str) -> Item | None:
        return self._items.get(item_id)

    def add_item(self, item: Item) -> None:
        previous = self._items.get(item.id)
        self._items[item.id] = item
        self._log.append(lambda: self._restore(self._items, item.id, previous))

    # -- helpers -------------------------------------------------------------------
    @property
    def _log(self) -> list[Callable[[], None]]:
        if self._undo is None:
            message = "MemoryStore: write outside a transaction"
            raise RuntimeError(message)
        return self._undo

    def _rollback(self, mark: int) -> None:
        log = self._log
        while len(log) > mark:
            log.pop()()

    def _current(self, invoice_id: str, version: int) -> _Entry:
        entry = self._entries.get(invoice_id)
        if entry is None or entry[1] != version:
            raise conflict(f"{invoice_id} is not at version {version} any more")
        return entry

    def _swap(self, old: _Entry, new: _Entry) -> None:
        # The same seq: the by-key lists change only when a key's value does (a
        # customer's list holds every one of its invoices: an O(n) insertion).
        lists = _listed(old[0]) != _listed(new[0])
        self._unindex(old, lists=lists)
        self._entries[new[0].id] = new
        self._index(new, lists=lists)

    def _undo_add(self, entry: _Entry) -> None:
        self._unindex(entry)
        del self._entries[entry[0].id]
        self._live.pop()
        self._id_by_seq.pop()
        self._created_by_seq.pop()

    def _undo_remove(self, entry: _Entry) -> None:
        self._entries[entry[0].id] = entry
        bisect.insort(self._live, entry[2])
        self._index(entry)

    @staticmethod
    def _restore(directory: dict[str, Any], key: str, previous: object) -> None:
        if previous is None:
            del directory[key]
        else:
            directory[key] = previous

    def _index(self, entry: _Entry, *, lists: bool = True) -> None:
        invoice, _, seq = entry
        for key, value in zip(_KEYS, _listed(invoice), strict=True) if lists else ():
            if value is not None:
                bisect.insort(self._indexes[key].setdefault(value, []), seq)
        status = invoice.status
        if invoice.receipt is not None and status in HOLDS_RECEIPT:
            self._holders[invoice.receipt] = invoice.id
        if invoice.idempotency_key is not None:
            self._keys[invoice.idempotency_key] = invoice.id
        if status is Status.ISSUED and invoice.expire_by is not None:
            bisect.insort(self._expiry, (invoice.expire_by, seq, invoice.id))

    def _unindex(self, entry: _Entry, *, lists: bool = True) -> None:
        invoice, _, seq = entry
        for key, value in zip(_KEYS, _listed(invoice), strict=True) if lists else ():
            if value is not None:
                index = self._indexes[key]
                seqs = index[value]
                del seqs[bisect.bisect_left(seqs, seq)]
                if not seqs:
                    del index[value]
        if invoice.receipt is not None and self._holders.get(invoice.receipt) == invoice.id:
            del self._holders[invoice.receipt]
        if invoice.idempotency_key is not None and self._keys.get(invoice.idempotency_key) == (
            invoice.id
        ):
            del self._keys[invoice.idempotency_key]
        if invoice.status is Status.ISSUED and invoice.expire_by is not None:
            queued = (invoice.expire_by, seq, invoice.id)
            del self._expiry[bisect.bisect_left(self._expiry, queued)]

    def _walk(self, seqs: list[int], query: FetchQuery) -> list[Invoice]:
        page: list[Invoice] = []
        skipped = 0
        for seq in reversed(seqs):
            invoice = self._entries[self._id_by_seq[seq]][0]
            if not query.matches(invoice):
                continue
            if skipped < query.skip:
                skipped += 1
                continue
            page.append(invoice)
            if len(page) == query.count:
                break
        return page


class _Transaction:
    """``with store.transaction() as tx``: an undo log, replayed backwards on error.

    A class rather than ``contextlib.contextmanager``: it is entered once per
    call, and a generator-based context manager costs several times more.
    """

    __slots__ = ("_store",)

    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    def __enter__(self) -> MemoryStore:
        store = self._store
        if store._undo is not None:  # noqa: SLF001 - the store's own helper
            message = "a MemoryStore runs one transaction at a time"
            raise RuntimeError(message)
        store._undo = []  # noqa: SLF001
        return store

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        store = self._store
        try:
            if kind is not None:
                store._rollback(0)  # noqa: SLF001
        finally:
            store._undo = None  # noqa: SLF001


class _Savepoint:
    """``with tx.savepoint()``: undo the block's writes if it raises."""

    __slots__ = ("_mark", "_store")

    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._mark = 0

    def __enter__(self) -> None:
        self._mark = len(self._store._log)  # noqa: SLF001 - the store's own helper

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is not None:
            self._store._rollback(self._mark)  # noqa: SLF001
