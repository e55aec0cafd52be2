"""The book against a deliberately naive model: random call sequences, same answers.

The model keeps a plain list and scans it for everything (filters, receipts,
expiry); it shares only the core transitions and the wire format with the book,
so a difference points at the book's indexes, heap, id allocation or routing.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from invoicecore import Invoice, InvoiceError, Status, errors, requests, transitions, wire
from invoicecore.apply import create_customer, create_invoice
from invoicecore.book import Call
from tests.helpers import heavy_examples

if TYPE_CHECKING:
    from tests.stores import NewBook

pytest_plugins = ("tests.stores",)  # the new_book and new_store fixtures, once per store

T = 1_700_000_000


class Model:
    def __init__(self) -> None:
        self.invoices: list[Invoice] = []  # creation order; deleted ones removed
        self.captured: set[str] = set()  # every payment id captured, on any invoice
        self.customers: dict[str, Any] = {}
        self.counters: dict[str, int] = {}
        self.keys: dict[str, str] = {}

    def _ids(self) -> tuple[dict[str, int], Any]:
        counters = dict(self.counters)

        def new_id(prefix: str) -> str:
            counters[prefix] = counters.get(prefix, 0) + 1
            return f"{prefix}_{counters[prefix]:014d}"

        return counters, new_id

    def _short_url(self, counters: dict[str, int]) -> str:
        counters["short_url"] = counters.get("short_url", 0) + 1
        number, text = counters["short_url"], ""
        alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
        for _ in range(7):
            number, digit = divmod(number, 62)
            text = alphabet[digit] + text
        return "https://rzp.io/i/" + text

    def _find(self, invoice_id: str) -> Invoice:
        for invoice in self.invoices:
            if invoice.id == invoice_id:
                return invoice
        raise errors.ID_DOES_NOT_EXIST.error(field="id")

    def _put(self, new: Invoice) -> None:
        self.invoices = [new if inv.id == new.id else inv for inv in self.invoices]

    def _receipt_taken(self, receipt: str | None, by: str | None) -> None:
        for inv in self.invoices:
            frees = inv.status in (Status.CANCELLED, Status.EXPIRED, Status.DELETED)
            if receipt is not None and inv.receipt == receipt and not frees and inv.id != by:
                raise errors.RECEIPT_NOT_UNIQUE.error(field="receipt", receipt=receipt)

    def handle(self, call: Call) -> tuple[int, Any]:
        for inv in list(self.invoices):
            if (
                inv.status is Status.ISSUED
                and inv.expire_by is not None
                and inv.expire_by <= call.at
            ):
                self._put(transitions.expire(inv, at=call.at).invoice)
        try:
            return 200, self._route(call)
        except InvoiceError as error:
            return 400, wire.render_error(error)

    def _route(self, call: Call) -> Any:
        path = call.path
        if path == "/v1/invoices":
            return self._create(call) if call.method == "POST" else self._list(call)
        if path == "/v1/customers":
            return self._customer(call)
        pay = re.fullmatch(r"/sim/invoices/([^/]+)/payments", path)
        if pay:
            return self._pay(call, self._find(pay.group(1)))
        match = re.fullmatch(r"/v1/invoices/([^/]+)(?:/(issue|cancel))?", path)
        assert match is not None, path
        invoice = self._find(match.group(1))
        if call.method == "GET":
            return wire.render_invoice(invoice)
        if call.method == "DELETE":
            transitions.delete(invoice, at=call.at)
            self.invoices = [inv for inv in self.invoices if inv.id != invoice.id]
            self.keys = {k: i for k, i in self.keys.items() if i != invoice.id}
            return []
        counters, new_id = self._ids()
        if call.method == "PATCH":
            new = self._patch(call, invoice, counters, new_id)
        elif match.group(2) == "issue":
            order = new_id("order")
            short = self._short_url(counters)
            new = transitions.issue(invoice, at=call.at, order_id=order, short_url=short).invoice
        else:
            new = transitions.cancel(invoice, at=call.at).invoice
        self.counters = counters
        self._put(new)
        return wire.render_invoice(new)

    def _create(self, call: Call) -> Any:
        command = requests.parse_create(call.body, at=call.at)
        key = command.idempotency_key
        if key in self.keys and any(inv.id == self.keys[key] for inv in self.invoices):
            return wire.render_invoice(self._find(self.keys[key]))
        self._receipt_taken(command.details.receipt, None)
        counters, new_id = self._ids()
        invoice_id = new_id("inv")
        order = None if command.draft else new_id("order")
        short = None if command.draft else self._short_url(counters)
        invoice = create_invoice(
            command,
            id=invoice_id,
            at=call.at,
            new_id=new_id,
            customers=self.customers,
            order_id=order,
            short_url=short,
        ).invoice
        self.counters = counters
        if invoice.customer is not None and invoice.customer.id not in self.customers:
            self.customers[str(invoice.customer.id)] = invoice.customer
        self.invoices.append(invoice)
        if key is not None:
            self.keys[key] = invoice.id
        return wire.render_invoice(invoice)

    def _list(self, call: Call) -> Any:
        query = requests.parse_fetch_query(call.query)
        found = [inv for inv in reversed(self.invoices) if query.matches(inv)]
        return wire.render_collection(found[query.skip : query.skip + query.count])

    def _customer(self, call: Call) -> Any:
        counters, new_id = self._ids()
        customer = create_customer(requests.parse_customer(call.body), new_id=new_id)
        self.counters = counters
        self.customers[str(customer.id)] = customer
        return "customer"

    def _pay(self, call: Call, invoice: Invoice) -> Any:
        payment = requests.parse_payment(call.body)
        # A payment id is captured once in the whole book (decisions, second set);
        # an invoice that may not be paid refuses for its status first.
        payable = any(
            answer.operation is transitions.Operation.PAY and answer.error is None
            for answer in transitions.allowed_operations(invoice, call.at)
        )
        if payable and payment.payment_id in self.captured:
            raise errors.PAYMENT_ID_CAPTURED.error(field="payment_id")
        new = transitions.pay(
            invoice, amount=payment.amount, payment_id=payment.payment_id, at=call.at
        ).invoice
        self.captured.add(payment.payment_id)
        self._put(new)
        return wire.render_invoice(new)

    def _patch(
        self, call: Call, invoice: Invoice, counters: dict[str, int], new_id: Any
    ) -> Invoice:
        update = requests.parse_update(call.body)
        issuing = update.draft is False and invoice.status is Status.DRAFT
        order = new_id("order") if issuing else None
        short = self._short_url(counters) if issuing else None
        new = transitions.update(
            invoice,
            update,
            at=call.at,
            new_id=new_id,
            customers=self.customers,
            order_id=order,
            short_url=short,
        ).invoice
        if "receipt" in update.keys:
            self._receipt_taken(new.receipt, new.id)
        return new


INVOICE_IDS = st.integers(1, 4).map(lambda n: f"inv_{n:014d}")
RECEIPTS = st.none() | st.sampled_from(["R-1", "R-2"])
LINE = st.fixed_dictionaries({"name": st.just("Book"), "amount": st.sampled_from([100, 400, 999])})


def _create_call(draw: st.DrawFn, at: int) -> dict[str, Any]:
    body: dict[str, Any] = {"line_items": draw(st.lists(LINE, min_size=1, max_size=2))}
    if draw(st.booleans()):
        body["draft"] = "1"
    if draw(st.booleans()):
        body["customer_id"] = draw(st.sampled_from(["cust_00000000000001", "cust_00000000000009"]))
    else:
        body["customer"] = {"name": "Asha"}
    optional = {
        "receipt": st.sampled_from(["R-1", "R-2"]),
        "expire_by": st.sampled_from([at + 900, at + 1000, at + 7000]),
        "partial_payment": st.just(True),
        "idempotency_key": st.sampled_from(["k1", "k2"]),
    }
    body.update(draw(st.fixed_dictionaries({}, optional=optional)))
    return {"at": at, "method": "POST", "path": "/v1/invoices", "body": body}


def _update_call(draw: st.DrawFn, at: int) -> dict[str, Any]:
    body = draw(
        st.sampled_from(
            [
                {"notes": {"n": 1}},
                {"receipt": "R-1"},
                {"draft": "0"},
                {"expire_by": at + 950},
                {"customer_id": "cust_00000000000001"},
                {"line_items": [{"name": "Pen", "amount": 200}]},
            ]
        )
    )
    return {"at": at, "method": "PATCH", "path": f"/v1/invoices/{draw(INVOICE_IDS)}", "body": body}


def _pay_call(draw: st.DrawFn, at: int) -> dict[str, Any]:
    body = {
        "amount": draw(st.sampled_from([50, 100, 400, 500])),
        "payment_id": draw(st.sampled_from(["pay_1", "pay_2"])),
    }
    path = f"/sim/invoices/{draw(INVOICE_IDS)}/payments"
    return {"at": at, "method": "POST", "path": path, "body": body}


def _list_call(draw: st.DrawFn, at: int) -> dict[str, Any]:
    optional = {
        "customer_id": st.sampled_from(["cust_00000000000001", "cust_00000000000002"]),
        "receipt": st.sampled_from(["R-1", "R-2"]),
        "payment_id": st.sampled_from(["pay_1", "pay_2"]),
        "from": st.just(T + 600),
        "to": st.just(at - 1),
        "count": st.integers(1, 3),
        "skip": st.integers(0, 2),
    }
    query = draw(st.fixed_dictionaries({}, optional=optional))
    return {"at": at, "method": "GET", "path": "/v1/invoices", "query": query}


def _simple_call(draw: st.DrawFn, at: int) -> dict[str, Any]:
    path = f"/v1/invoices/{draw(INVOICE_IDS)}"
    method, suffix = draw(
        st.sampled_from([("POST", "/issue"), ("POST", "/cancel"), ("DELETE", ""), ("GET", "")])
    )
    return {"at": at, "method": method, "path": path + suffix}


def _customer_call(_draw: st.DrawFn, at: int) -> dict[str, Any]:
    return {"at": at, "method": "POST", "path": "/v1/customers", "body": {"name": "Ravi"}}


KINDS = [_create_call, _create_call, _customer_call, _update_call, _pay_call, _list_call]
KINDS += [_simple_call] * 4


@st.composite
def calls(draw: st.DrawFn) -> list[dict[str, Any]]:
    at = T
    script = []
    for _ in range(draw(st.integers(1, 25))):
        at += draw(st.sampled_from([0, 1, 600, 5000]))
        script.append(draw(st.sampled_from(KINDS))(draw, at))
    return script


# new_book makes a fresh store per example
@settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    deadline=None,
    max_examples=heavy_examples(dev=20),
)
@given(script=calls())
def test_the_book_answers_as_the_naive_model_does(
    new_book: NewBook, script: list[dict[str, Any]]
) -> None:
    book, model = new_book(), Model()

    for line in script:
        call = Call(**line)
        response = book.handle(call)
        status, body = model.handle(call)
        if body == "customer":
            assert response.status == 200
            continue
        assert (response.status, response.body) == (status, body), line
