"""An in-memory book of invoices with Razorpay's endpoint semantics.

``Book.handle(call)`` is the request -> response step that the replay command
(and, later, an HTTP edge) calls. Ids and short URLs come from an injected
``Ids`` source, deterministic by default; the clock is each call's ``at``. A
call that fails changes nothing and allocates nothing. Fetching by id,
updating and paying are O(1) in the number of invoices; filtered fetches walk
only the matching invoices; the expiry sweep pops a heap ordered by
``expire_by``.
"""

from __future__ import annotations

import bisect
import heapq
import re
from typing import TYPE_CHECKING, Any, Final

import attrs

from invoicecore import _validators as v
from invoicecore import apply, commands, errors, requests, transitions, wire
from invoicecore.entities import Customer, Invoice, Item, Status
from invoicecore.events import Event

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

__all__ = [
    "Book",
    "Call",
    "CounterIds",
    "Response",
]

_ID_DIGITS: Final = 14
_SHORT_URL_BASE: Final = "https://rzp.io/i/"
_ALPHABET: Final = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_FREES_RECEIPT: Final = frozenset({Status.CANCELLED, Status.EXPIRED, Status.DELETED})


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


@attrs.define
class CounterIds:
    """Razorpay-shaped ids from a counter per prefix: ``inv_00000000000001``.

    ``fork`` gives a tentative copy; the book keeps it only when a call succeeds,
    so a failed call moves no counter.
    """

    counters: dict[str, int] = attrs.field(factory=dict)

    def __call__(self, prefix: str) -> str:
        number = self.counters.get(prefix, 0) + 1
        self.counters[prefix] = number
        return f"{prefix}_{number:0{_ID_DIGITS}d}"

    def fork(self) -> CounterIds:
        return CounterIds(dict(self.counters))

    def short_url(self) -> str:
        """``https://rzp.io/i/`` and seven characters, unique per call."""
        number = self.counters.get("short_url", 0) + 1
        self.counters["short_url"] = number
        digits = []
        for _ in range(7):
            number, digit = divmod(number, len(_ALPHABET))
            digits.append(_ALPHABET[digit])
        return _SHORT_URL_BASE + "".join(reversed(digits))


class Book:
    """Invoices by id, with the customers and items they refer to."""

    def __init__(self, *, ids: CounterIds | None = None) -> None:
        self._ids = CounterIds() if ids is None else ids
        self._invoices: dict[str, Invoice] = {}
        self._seq: dict[str, int] = {}
        self._ids_by_seq: list[str] = []
        self._created_at_by_seq: list[int] = []
        self._by_customer: dict[str, list[int]] = {}
        self._by_receipt: dict[str, list[int]] = {}
        self._by_payment: dict[str, list[int]] = {}
        self._receipt_holder: dict[str, str] = {}
        self._idempotency: dict[str, str] = {}
        self._expiry: list[tuple[int, int, str]] = []
        self._customers: dict[str, Customer] = {}
        self._items: dict[str, Item] = {}
        self._clock: int | None = None
        self._routes: tuple[tuple[str, re.Pattern[str], Callable[..., Response]], ...] = (
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

    # -- the one entry point ------------------------------------------------
    def handle(self, call: Call) -> Response:
        """Apply one call: sweep expiries up to ``call.at``, route, answer."""
        if not isinstance(call, Call):
            raise errors.MUST_BE.error(field="call", attribute="call", expected="a Call")
        if self._clock is not None and call.at < self._clock:
            refusal = errors.CLOCK_WENT_BACK.error(field="at", previous=self._clock)
            return Response(status=400, body=wire.render_error(refusal))
        self._clock = call.at
        expired = self.expire_due(call.at)
        for method, pattern, handler in self._routes:
            match = pattern.fullmatch(call.path)
            if match and call.method == method:
                try:
                    response = handler(call, *match.groups())
                except errors.InvoiceError as error:
                    return Response(status=400, body=wire.render_error(error), events=expired)
                return attrs.evolve(response, events=expired + response.events)
        not_found = errors.URL_NOT_FOUND.error()
        return Response(status=404, body=wire.render_error(not_found), events=expired)

    def get(self, invoice_id: object) -> Invoice:
        """The invoice with this id, or ``The id provided does not exist``."""
        found = self._invoices.get(invoice_id) if isinstance(invoice_id, str) else None
        if found is None:
            raise errors.ID_DOES_NOT_EXIST.error(field="id")
        return found

    def __len__(self) -> int:
        return len(self._invoices)

    def expire_due(self, at: int) -> tuple[Event, ...]:
        """Expire every issued invoice whose ``expire_by`` is at or before ``at``."""
        at = v.check_integer(at, "at")
        events: list[Event] = []
        while self._expiry and self._expiry[0][0] <= at:
            expire_by, _, invoice_id = heapq.heappop(self._expiry)
            invoice = self._invoices.get(invoice_id)
            if invoice is None or invoice.status is not Status.ISSUED:
                continue  # a stale entry: the invoice moved on
            if invoice.expire_by != expire_by:
                continue  # its expiry was moved; a newer entry stands for it
            outcome = transitions.expire(invoice, at=at)  # cannot fail: issued and due
            self._replace(invoice, outcome.invoice)
            events.extend(outcome.events)
        return tuple(events)

    # -- invoices -------------------------------------------------------------
    def _create(self, call: Call) -> Response:
        command = requests.parse_create(call.body, at=call.at)
        key = command.idempotency_key
        if key is not None and self._idempotency.get(key) in self._invoices:
            return self._ok(self._invoices[self._idempotency[key]])
        self._check_receipt(command.details.receipt, None)
        ids = self._ids.fork()
        invoice_id = ids("inv")
        order_id = None if command.draft else ids("order")
        short_url = None if command.draft else ids.short_url()
        outcome = apply.create_invoice(
            command,
            id=invoice_id,
            at=call.at,
            new_id=ids,
            customers=self._customers,
            items=self._items,
            order_id=order_id,
            short_url=short_url,
        )
        self._ids = ids
        invoice = outcome.invoice
        self._remember_customer(invoice)
        seq = len(self._ids_by_seq)
        self._ids_by_seq.append(invoice.id)
        self._created_at_by_seq.append(invoice.created_at)
        self._seq[invoice.id] = seq
        self._invoices[invoice.id] = invoice
        self._index(invoice)
        if key is not None:
            self._idempotency[key] = invoice.id
        return self._ok(invoice, outcome.events)

    def _fetch(self, call: Call, invoice_id: str) -> Response:
        requests.parse_fetch_by_id_query(call.query)
        return self._ok(self.get(invoice_id))

    def _fetch_many(self, call: Call) -> Response:
        query = requests.parse_fetch_query(call.query)
        page: list[Invoice] = []
        skipped = 0
        for invoice in self._candidates(query):
            if not query.matches(invoice):
                continue
            if skipped < query.skip:
                skipped += 1
                continue
            page.append(invoice)
            if len(page) == query.count:
                break
        return Response(status=200, body=wire.render_collection(page))

    def _update(self, call: Call, invoice_id: str) -> Response:
        invoice = self.get(invoice_id)
        command = requests.parse_update(
            call.body, status=invoice.status, currency=invoice.currency, at=call.at
        )
        ids = self._ids.fork()
        issuing = command.draft is False and invoice.status is Status.DRAFT
        outcome = transitions.update(
            invoice,
            command,
            at=call.at,
            new_id=ids,
            customers=self._customers,
            items=self._items,
            order_id=ids("order") if issuing else None,
            short_url=ids.short_url() if issuing else None,
        )
        if "receipt" in command.keys:
            self._check_receipt(outcome.invoice.receipt, invoice.id)
        self._ids = ids
        self._remember_customer(outcome.invoice)
        self._replace(invoice, outcome.invoice)
        return self._ok(outcome.invoice, outcome.events)

    def _issue(self, call: Call, invoice_id: str) -> Response:
        invoice = self.get(invoice_id)
        ids = self._ids.fork()
        outcome = transitions.issue(
            invoice, at=call.at, order_id=ids("order"), short_url=ids.short_url()
        )
        self._ids = ids
        self._replace(invoice, outcome.invoice)
        return self._ok(outcome.invoice, outcome.events)

    def _cancel(self, call: Call, invoice_id: str) -> Response:
        invoice = self.get(invoice_id)
        outcome = transitions.cancel(invoice, at=call.at)
        self._replace(invoice, outcome.invoice)
        return self._ok(outcome.invoice, outcome.events)

    def _delete(self, call: Call, invoice_id: str) -> Response:
        invoice = self.get(invoice_id)
        outcome = transitions.delete(invoice, at=call.at)
        self._unindex(invoice)
        del self._invoices[invoice.id]
        if invoice.idempotency_key is not None:
            self._idempotency.pop(invoice.idempotency_key, None)
        return Response(status=200, body=[], events=outcome.events)

    def _notify(self, call: Call, invoice_id: str, medium: str) -> Response:
        invoice = self.get(invoice_id)
        outcome = transitions.notify(invoice, medium=medium, at=call.at)
        self._replace(invoice, outcome.invoice)
        return Response(status=200, body={"success": True}, events=outcome.events)

    def _pay(self, call: Call, invoice_id: str) -> Response:
        invoice = self.get(invoice_id)
        payment = requests.parse_payment(call.body)
        outcome = apply.capture_payment(invoice, payment, at=call.at)
        self._replace(invoice, outcome.invoice)
        return self._ok(outcome.invoice, outcome.events)

    def _mark_sent(self, call: Call, invoice_id: str, medium: str) -> Response:
        invoice = self.get(invoice_id)
        outcome = transitions.mark_notification_sent(invoice, medium=medium, at=call.at)
        self._replace(invoice, outcome.invoice)
        return self._ok(outcome.invoice, outcome.events)

    # -- the directories --------------------------------------------------------
    def _create_customer(self, call: Call) -> Response:
        command = requests.parse_customer(call.body)
        ids = self._ids.fork()
        customer = apply.create_customer(command, new_id=ids)
        self._ids = ids
        self._customers[str(customer.id)] = customer
        body = _render_customer(customer, call.at)
        body["notes"] = dict(command.notes) if command.notes else []
        return Response(status=200, body=body)

    def _create_item(self, call: Call) -> Response:
        command = requests.parse_item(call.body)
        ids = self._ids.fork()
        item = apply.create_item(command, id=ids("item"))
        self._ids = ids
        self._items[item.id] = item
        return Response(status=200, body=_render_item(item, call.at))

    # -- indexes -----------------------------------------------------------------
    def _ok(self, invoice: Invoice, events: tuple[Event, ...] = ()) -> Response:
        return Response(status=200, body=wire.render_invoice(invoice), events=events)

    def _check_receipt(self, receipt: str | None, invoice_id: str | None) -> None:
        holder = self._receipt_holder.get(receipt) if receipt is not None else None
        if holder is not None and holder != invoice_id:
            raise errors.RECEIPT_NOT_UNIQUE.error(field="receipt", receipt=receipt)

    def _remember_customer(self, invoice: Invoice) -> None:
        customer = invoice.customer
        if customer is not None and customer.id is not None and customer.id not in self._customers:
            self._customers[customer.id] = customer

    def _replace(self, old: Invoice, new: Invoice) -> None:
        self._unindex(old)
        self._invoices[new.id] = new
        self._index(new, old)

    def _index(self, invoice: Invoice, old: Invoice | None = None) -> None:
        seq = self._seq[invoice.id]
        for index, key in self._keys(invoice):
            bisect.insort(index.setdefault(key, []), seq)
        receipt = invoice.receipt
        if receipt is not None and invoice.status not in _FREES_RECEIPT:
            self._receipt_holder[receipt] = invoice.id
        expire_by = invoice.expire_by
        unchanged = old is not None and old.status is Status.ISSUED and old.expire_by == expire_by
        if invoice.status is Status.ISSUED and expire_by is not None and not unchanged:
            # One entry per (issue, expire_by) pair: notes, notifications and the
            # like leave the heap alone, so it grows with invoices, not with calls.
            heapq.heappush(self._expiry, (expire_by, seq, invoice.id))

    def _unindex(self, invoice: Invoice) -> None:
        seq = self._seq[invoice.id]
        for index, key in self._keys(invoice):
            seqs = index[key]
            del seqs[bisect.bisect_left(seqs, seq)]
            if not seqs:
                del index[key]
        if invoice.receipt is not None and self._receipt_holder.get(invoice.receipt) == invoice.id:
            del self._receipt_holder[invoice.receipt]
        # Expiry entries are left in the heap; the sweep skips the stale ones.

    def _keys(self, invoice: Invoice) -> list[tuple[dict[str, list[int]], str]]:
        pairs = (
            (self._by_customer, invoice.customer_id),
            (self._by_receipt, invoice.receipt),
            (self._by_payment, invoice.payment_id),
        )
        return [(index, key) for index, key in pairs if key is not None]

    def _candidates(self, query: commands.FetchQuery) -> Iterator[Invoice]:
        """Newest first: the smallest index that the query names, else everything in range."""
        chosen: list[int] | None = None
        for index, key in (
            (self._by_customer, query.customer_id),
            (self._by_receipt, query.receipt),
            (self._by_payment, query.payment_id),
        ):
            if key is not None:
                seqs = index.get(key, [])
                if chosen is None or len(seqs) < len(chosen):
                    chosen = seqs
        if chosen is not None:
            return (self._invoices[self._ids_by_seq[seq]] for seq in reversed(chosen))
        low = 0 if query.from_ is None else bisect.bisect_left(self._created_at_by_seq, query.from_)
        high = (
            len(self._created_at_by_seq)
            if query.to is None
            else bisect.bisect_right(self._created_at_by_seq, query.to)
        )
        return (
            self._invoices[self._ids_by_seq[seq]]
            for seq in range(high - 1, low - 1, -1)
            if self._ids_by_seq[seq] in self._invoices
        )


def _render_customer(customer: Customer, at: int) -> dict[str, Any]:
    details = wire.render_customer_details(customer)
    return {
        "id": customer.id,
        "entity": "customer",
        "name": customer.name,
        "email": customer.email,
        "contact": customer.contact,
        "gstin": customer.gstin,
        "billing_address": details["billing_address"],
        "shipping_address": details["shipping_address"],
        "notes": [],
        "created_at": at,
    }


def _render_item(item: Item, at: int) -> dict[str, Any]:
    return {
        "id": item.id,
        "active": item.active,
        "name": item.name,
        "description": item.description,
        "amount": item.amount,
        "unit_amount": item.amount,
        "currency": item.currency,
        "type": item.type,
        "unit": item.unit,
        "tax_inclusive": item.tax_inclusive,
        "hsn_code": item.hsn_code,
        "sac_code": item.sac_code,
        "tax_rate": item.tax_rate,
        "tax_id": None,
        "tax_group_id": None,
        "created_at": at,
    }
