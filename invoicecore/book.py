"""The book: Razorpay's endpoint semantics over a store of invoices.

``Book.handle(call)`` is the request -> response step that the replay command
(and an HTTP edge) calls. It is the application layer: the rules that span
invoices (receipts unique among live invoices, idempotency keys, the expiry
sweep before each call, ids spent only on success, customers created inline
remembered) live here, and the data lives in a ``Store`` (``store.py``; in
memory by default, SQLite in ``invoicecore.stores.sqlite``). Each call is one
store transaction: a call that fails changes nothing of its own and
allocates nothing, though the clock still moves and due invoices still expire.
Ids and short URLs come from an injected ``IdSource``, deterministic by
default; the clock is each call's ``at``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final, TypeVar

import attrs

from invoicecore import _validators as v
from invoicecore import apply, commands, errors, requests, transitions, wire
from invoicecore.entities import Customer, Invoice, Item, Status
from invoicecore.events import Event, with_ids
from invoicecore.ids import CounterIds, IdSource
from invoicecore.store import ConflictError, Store, Transaction, Versioned

__all__ = [
    "Book",
    "Call",
    "CounterIds",
    "Response",
]

DEFAULT_RETRIES: Final = 3
"""How many times a call that lost a race (``ConflictError``) is run again."""


@attrs.frozen(kw_only=True)
class Call:
    """One API call: the clock, the method and path, and the JSON body and query."""

    at: int = attrs.field(validator=v.integer())
    method: str = attrs.field(validator=v.string)
    path: str = attrs.field(validator=v.string)
    body: object = None
    query: object = None


@attrs.frozen(kw_only=True)
class Response:
    """An HTTP-like answer: the status code, Razorpay's JSON body, and the events caused."""

    status: int
    body: Any
    events: tuple[Event, ...] = ()


_Handler = Callable[..., Response]
_V = TypeVar("_V")


class _Lookup(Mapping[str, _V]):
    """A directory seen through the transaction: ``get`` and ``[]`` reach the store.

    It does not enumerate (a store may hold millions); the rules only look up.
    """

    __slots__ = ("_find",)

    def __init__(self, find: Callable[[str], _V | None]) -> None:
        self._find = find

    def __getitem__(self, key: object) -> _V:
        found = self._find(key) if isinstance(key, str) else None
        if found is None:
            raise KeyError(key)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


class _Call:
    """One call's context: the transaction and, when needed, a tentative id source."""

    __slots__ = ("_ids", "_loaded", "_source", "fresh", "tx")

    def __init__(self, tx: Transaction, source: IdSource, *, fresh: bool = True) -> None:
        self.tx = tx
        self._source = source
        self._ids: IdSource | None = None
        self._loaded: dict[str, int] = {}
        self.fresh = fresh
        """Whether an invoice body is the caller's own copy (else the remembered entity)."""

    @property
    def customers(self) -> Mapping[str, Customer]:
        return _Lookup(self.tx.customer)

    @property
    def items(self) -> Mapping[str, Item]:
        return _Lookup(self.tx.item)

    @property
    def ids(self) -> IdSource:
        if self._ids is None:
            self._loaded = dict(self.tx.counters())
            self._ids = self._source.resume(self._loaded)
        return self._ids

    def keep_ids(self) -> None:
        """Save the counters the call moved; it runs only when the call succeeds."""
        if self._ids is not None:
            loaded = self._loaded
            moved = {
                key: value for key, value in self._ids.state.items() if loaded.get(key) != value
            }
            if moved:
                self.tx.set_counters(moved)


class Book:
    """Invoices by id, with the customers and items they refer to, kept in a store.

    Args:
        ids: where ids and short URLs come from (``CounterIds()`` by default);
            its state is kept in the store, so a reopened store continues.
        store: where the book lives (a fresh ``MemoryStore`` by default).
        retries: how many times a call that lost a race with another writer
            is run again before ``ConflictError`` is raised to the caller.
        outbox: called with the transaction and the call's events (expiries
            included) just before it commits, so that an embedder can write
            them to its own outbox table atomically with the call.
    """

    def __init__(
        self,
        *,
        ids: IdSource | None = None,
        store: Store | None = None,
        retries: int = DEFAULT_RETRIES,
        outbox: Callable[[Transaction, tuple[Event, ...]], None] | None = None,
    ) -> None:
        if ids is not None and not isinstance(ids, IdSource):
            raise errors.MUST_BE.error(field="ids", attribute="ids", expected="an IdSource")
        if store is None:
            from invoicecore.stores.memory import MemoryStore  # noqa: PLC0415 - the default edge

            store = MemoryStore()
        if not callable(getattr(store, "transaction", None)):
            raise errors.MUST_BE.error(field="store", attribute="store", expected="a Store")
        self._ids: IdSource = CounterIds() if ids is None else ids
        self._store = store
        self._retries = v.check_integer(retries, "retries", maximum=100)
        if outbox is not None and not callable(outbox):
            raise errors.MUST_BE.error(field="outbox", attribute="outbox", expected="a callable")
        self._outbox = outbox
        if self._ids.state:
            with store.transaction() as tx:  # a new store starts from the given counters
                if tx.clock() is None and not tx.counters():
                    tx.set_counters(self._ids.state)
        self._routes: tuple[tuple[str, re.Pattern[str], _Handler], ...] = (
            ("POST", re.compile(r"/v1/invoices"), self._create),
            ("GET", re.compile(r"/v1/invoices"), self._fetch_many),
            ("GET", re.compile(r"/v1/invoices/([^/]+)"), self._fetch),
            ("PATCH", re.compile(r"/v1/invoices/([^/]+)"), self._update),
            ("DELETE", re.compile(r"/v1/invoices/([^/]+)"), self._delete),
            ("POST", re.compile(r"/v1/invoices/([^/]+)/issue"), self._issue),
            ("POST", re.compile(r"/v1/invoices/([^/]+)/cancel"), self._cancel),
            ("POST", re.compile(r"/v1/invoices/([^/]+)/notify_by/([^/]+)"), self._notify),
            ("POST", re.compile(r"/sim/invoices/([^/]+)/payments"), self._pay),
            (
                "POST",
                re.compile(r"/sim/invoices/([^/]+)/notifications/([^/]+)/sent"),
                self._mark_sent,
            ),
            ("POST", re.compile(r"/v1/customers"), self._create_customer),
            ("POST", re.compile(r"/v1/items"), self._create_item),
        )

        routes: dict[str, list[tuple[re.Pattern[str], _Handler]]] = {}
        for route in self._routes:
            routes.setdefault(route[0], []).append(route[1:])
        self._by_method = {verb: tuple(found) for verb, found in routes.items()}
        """The routes of each method, in route order (a method with none: not found)."""

    @property
    def store(self) -> Store:
        """Where the book's data lives."""
        return self._store

    # -- the one entry point ------------------------------------------------
    def handle(self, call: Call) -> Response:
        """Apply one call in one transaction: sweep expiries up to ``call.at``, route, answer.

        A call that loses a race with another writer is run again (``retries``
        times), then ``ConflictError`` is raised: it is not the client's error.
        """
        return self._respond(call, fresh=True)

    def _respond(self, call: Call, *, fresh: bool) -> Response:
        """``handle``; ``fresh=False`` for a caller that only encodes the body and drops it
        (the replay): an invoice body is then ``wire``'s remembered entity, not a copy."""
        if not isinstance(call, Call):
            raise errors.MUST_BE.error(field="call", attribute="call", expected="a Call")
        attempt = 0
        while True:
            try:
                with self._store.transaction() as tx:
                    response = self._handle(tx, call, fresh=fresh)
                    if self._outbox is not None and response.events:
                        self._outbox(tx, response.events)
                    return response
            except ConflictError:
                attempt += 1
                if attempt > self._retries:
                    raise

    def _stamped(
        self, tx: Transaction, response: Response, context: _Call | None = None
    ) -> Response:
        """The response with each event's id from the id source, its counters kept in the store.

        ``context``: the succeeded handler's, whose id source goes on from the
        ids it gave (one load and one save of the counters per call); a refused
        call's events take a fresh one, as the handler's ids were rolled back.
        """
        if context is None:
            if not response.events:
                return response
            context = _Call(tx, self._ids)
        if response.events:
            response = v.evolve(response, events=with_ids(response.events, context.ids))
        context.keep_ids()
        return response

    def _handle(self, tx: Transaction, call: Call, *, fresh: bool) -> Response:
        clock = tx.clock()
        if clock is not None and call.at < clock:
            refusal = errors.CLOCK_WENT_BACK.error(field="at", previous=clock)
            return Response(status=400, body=wire.render_error(refusal))
        if clock != call.at:
            tx.set_clock(call.at)  # time passes whatever the call's outcome (decisions.md)
        expired = self._sweep(tx, call.at)
        for pattern, handler in self._by_method.get(call.method, ()):
            match = pattern.fullmatch(call.path)
            if match:
                context = _Call(tx, self._ids, fresh=fresh)
                try:
                    with tx.savepoint():
                        response = handler(context, call, *match.groups())
                except errors.InvoiceError as error:
                    if errors.http_status(error) >= _SERVER_ERROR:
                        # The store's, the embedder's or a stored row's trouble, not the
                        # client's: never rendered as a 400 (decisions, second set).
                        raise
                    refused = Response(status=400, body=wire.render_error(error), events=expired)
                    return self._stamped(tx, refused)
                if expired:
                    response = v.evolve(response, events=expired + response.events)
                return self._stamped(tx, response, context)
        not_found = errors.URL_NOT_FOUND.error()
        return self._stamped(
            tx, Response(status=404, body=wire.render_error(not_found), events=expired)
        )

    def get(self, invoice_id: object) -> Invoice:
        """The invoice with this id, or ``The id provided does not exist``."""
        with self._store.transaction() as tx:
            return _get(tx, invoice_id).invoice

    def __len__(self) -> int:
        with self._store.transaction() as tx:
            return tx.count()

    def expire_due(self, at: int) -> tuple[Event, ...]:
        """Expire every issued invoice whose ``expire_by`` is at or before ``at``."""
        at = v.check_integer(at, "at")
        with self._store.transaction() as tx:
            return self._sweep(tx, at)

    def _sweep(self, tx: Transaction, at: int) -> tuple[Event, ...]:
        events: list[Event] = []
        for invoice_id in tx.due(at):
            stored = tx.get(invoice_id)
            if stored is None:  # pragma: no cover - the queue holds stored invoices only
                continue
            outcome = transitions.expire(stored.invoice, at=at)  # cannot fail: issued and due
            tx.put(outcome.invoice, version=stored.version)
            events.extend(outcome.events)
        return tuple(events)

    # -- invoices -------------------------------------------------------------
    def _create(self, context: _Call, call: Call) -> Response:
        tx = context.tx
        command = requests.parse_create(call.body, at=call.at)
        key = command.idempotency_key
        existing = None if key is None else tx.idempotent(key)
        if existing is not None:
            _check_in_full(context, command, call.at)
            return self._ok(context, _get(tx, existing).invoice)
        self._check_receipt(tx, command.details.receipt, None)
        ids = context.ids
        invoice_id = ids("inv")
        order_id = None if command.draft else ids("order")
        short_url = None if command.draft else ids.short_url()
        outcome = apply.create_invoice(
            command,
            id=invoice_id,
            at=call.at,
            new_id=ids,
            customers=context.customers,
            items=context.items,
            order_id=order_id,
            short_url=short_url,
        )
        invoice = outcome.invoice
        self._remember_customer(context, invoice)
        tx.add(invoice)
        return self._ok(context, invoice, outcome.events)

    def _fetch(self, context: _Call, call: Call, invoice_id: str) -> Response:
        requests.parse_fetch_by_id_query(call.query)  # its keys are checked before the lookup
        return self._ok(context, _get(context.tx, invoice_id).invoice)

    def _fetch_many(self, context: _Call, call: Call) -> Response:
        query = requests.parse_fetch_query(call.query)
        return Response(status=200, body=wire.render_collection(context.tx.page(query)))

    def _update(self, context: _Call, call: Call, invoice_id: str) -> Response:
        tx = context.tx
        stored = _get(tx, invoice_id)
        invoice = stored.invoice
        command = requests.parse_update(
            call.body, status=invoice.status, currency=invoice.currency, at=call.at
        )
        ids = context.ids
        issuing = command.draft is False and invoice.status is Status.DRAFT
        outcome = transitions.update(
            invoice,
            command,
            at=call.at,
            new_id=ids,
            customers=context.customers,
            items=context.items,
            order_id=ids("order") if issuing else None,
            short_url=ids.short_url() if issuing else None,
        )
        if "receipt" in command.keys:
            self._check_receipt(tx, outcome.invoice.receipt, invoice.id)
        self._remember_customer(context, outcome.invoice)
        tx.put(outcome.invoice, version=stored.version)
        return self._ok(context, outcome.invoice, outcome.events)

    def _issue(self, context: _Call, call: Call, invoice_id: str) -> Response:
        stored = _get(context.tx, invoice_id)
        ids = context.ids
        outcome = transitions.issue(
            stored.invoice, at=call.at, order_id=ids("order"), short_url=ids.short_url()
        )
        context.tx.put(outcome.invoice, version=stored.version)
        return self._ok(context, outcome.invoice, outcome.events)

    def _cancel(self, context: _Call, call: Call, invoice_id: str) -> Response:
        stored = _get(context.tx, invoice_id)
        outcome = transitions.cancel(stored.invoice, at=call.at)
        context.tx.put(outcome.invoice, version=stored.version)
        return self._ok(context, outcome.invoice, outcome.events)

    def _delete(self, context: _Call, call: Call, invoice_id: str) -> Response:
        stored = _get(context.tx, invoice_id)
        outcome = transitions.delete(stored.invoice, at=call.at)
        context.tx.remove(invoice_id, version=stored.version)
        return Response(status=200, body=[], events=outcome.events)

    def _notify(self, context: _Call, call: Call, invoice_id: str, medium: str) -> Response:
        stored = _get(context.tx, invoice_id)
        outcome = transitions.notify(stored.invoice, medium=medium, at=call.at)
        context.tx.put(outcome.invoice, version=stored.version)
        return Response(status=200, body={"success": True}, events=outcome.events)

    def _pay(self, context: _Call, call: Call, invoice_id: str) -> Response:
        stored = _get(context.tx, invoice_id)
        payment = requests.parse_payment(call.body)
        holder = context.tx.payment_holder
        # Captured anywhere in the book: counted once (decisions, second set).
        outcome = apply.capture_payment(
            stored.invoice, payment, at=call.at, captured=lambda paid: holder(paid) is not None
        )
        context.tx.record_payment(payment.payment_id, stored.invoice.id)
        context.tx.put(outcome.invoice, version=stored.version)
        return self._ok(context, outcome.invoice, outcome.events)

    def _mark_sent(self, context: _Call, call: Call, invoice_id: str, medium: str) -> Response:
        stored = _get(context.tx, invoice_id)
        outcome = transitions.mark_notification_sent(stored.invoice, medium=medium, at=call.at)
        context.tx.put(outcome.invoice, version=stored.version)
        return self._ok(context, outcome.invoice, outcome.events)

    # -- the directories --------------------------------------------------------
    def _create_customer(self, context: _Call, call: Call) -> Response:
        command = requests.parse_customer(call.body)
        customer = apply.create_customer(command, new_id=context.ids)
        context.tx.add_customer(customer)
        body = wire.render_customer(customer, created_at=call.at)
        body["notes"] = dict(command.notes) if command.notes else []
        return Response(status=200, body=body)

    def _create_item(self, context: _Call, call: Call) -> Response:
        command = requests.parse_item(call.body)
        item = apply.create_item(command, id=context.ids("item"))
        context.tx.add_item(item)
        return Response(status=200, body=wire.render_item(item, created_at=call.at))

    # -- helpers -------------------------------------------------------------------
    def _ok(self, context: _Call, invoice: Invoice, events: tuple[Event, ...] = ()) -> Response:
        body = wire.render_invoice(invoice) if context.fresh else wire._remembered(invoice)  # noqa: SLF001
        return Response(status=200, body=body, events=events)

    def _check_receipt(self, tx: Transaction, receipt: str | None, invoice_id: str | None) -> None:
        holder = tx.receipt_holder(receipt) if receipt is not None else None
        if holder is not None and holder != invoice_id:
            raise errors.RECEIPT_NOT_UNIQUE.error(field="receipt", receipt=receipt)

    def _remember_customer(self, context: _Call, invoice: Invoice) -> None:
        customer = invoice.customer
        if (
            customer is not None
            and customer.id is not None
            and context.tx.customer(customer.id) is None
        ):
            context.tx.add_customer(customer)


def _check_in_full(context: _Call, command: commands.CreateInvoice, at: int) -> None:
    """A create's checks that do not depend on the book's contents (decisions.md).

    A reused ``idempotency_key`` answers with the invoice it created, but only
    after the request passed these: its customer and line items are built as
    a draft's, with throwaway ids; ``customer_id`` and ``item_id`` lookups,
    receipt uniqueness and the issue checks are left out, as they depend on
    the book.
    """
    try:
        apply.create_invoice(
            v.evolve(
                command,
                draft=True,
                customer=None
                if isinstance(command.customer, commands.CustomerRef)
                else command.customer,
            ),
            id="inv_check",
            at=at,
            new_id=context.ids.resume(context.ids.state),
            customers=context.customers,
            items=context.items,
        )
    except errors.InvoiceError as error:
        if error.code not in _BOOK_DEPENDENT:
            raise


_SERVER_ERROR: Final = 500

_BOOK_DEPENDENT: Final = frozenset(
    {errors.ID_DOES_NOT_EXIST.code, errors.ITEM_INACTIVE.code, errors.ITEM_WRONG_TYPE.code}
)


def _get(tx: Transaction, invoice_id: object) -> Versioned:
    found = tx.get(invoice_id) if isinstance(invoice_id, str) else None
    if found is None:
        raise errors.ID_DOES_NOT_EXIST.error(field="id")
    return found
