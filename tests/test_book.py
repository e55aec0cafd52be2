"""The book in-process: idempotency, fetch multiple, indexes, expiry, the directories."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs
import pytest

from invoicecore import InvalidRequestError, InvoiceExpired, Status
from invoicecore.book import Book, Call
from invoicecore.errors import CorruptEntityError
from invoicecore.ids import CounterIds
from invoicecore.stores.memory import MemoryStore

if TYPE_CHECKING:
    from tests.stores import NewBook

pytest_plugins = ("tests.stores",)  # the new_book and new_store fixtures, once per store

T = 1_700_000_000
LINES = [{"name": "Book", "amount": 400}]


def _call(book: Book, at: int, method: str, path: str, **extra: Any) -> Any:
    response = book.handle(Call(at=at, method=method, path=path, **extra))
    return response.status, response.body


def _create(book: Book, at: int, **body: Any) -> dict[str, Any]:
    status, entity = _call(book, at, "POST", "/v1/invoices", body={"draft": "1", **body})
    assert status == 200, entity
    return dict(entity)


def test_the_same_idempotency_key_returns_the_existing_invoice(new_book: NewBook) -> None:
    book = new_book()

    first = _create(book, T, idempotency_key="k-1", line_items=LINES)
    again = _create(book, T + 5, idempotency_key="k-1", line_items=LINES * 2)

    assert again == first
    assert len(book) == 1
    _call(book, T + 6, "DELETE", f"/v1/invoices/{first['id']}")
    assert _create(book, T + 7, idempotency_key="k-1")["id"] == "inv_00000000000002"


def test_fetch_multiple_is_newest_first_paged_and_inclusive(new_book: NewBook) -> None:
    book = new_book()
    for n in range(5):
        _create(book, T + 10 * n)

    def ids(query: dict[str, Any]) -> list[str]:
        _, body = _call(book, T + 100, "GET", "/v1/invoices", query=query)
        assert body["count"] == len(body["items"])
        return [item["id"][-1] for item in body["items"]]

    assert ids({}) == ["5", "4", "3", "2", "1"]
    assert ids({"count": 2, "skip": 1}) == ["4", "3"]
    assert ids({"from": T + 10, "to": T + 30}) == ["4", "3", "2"]
    assert ids({"from": str(T + 41)}) == []


def test_the_customer_index_follows_customer_changes(new_book: NewBook) -> None:
    book = new_book()
    _call(book, T, "POST", "/v1/customers", body={"name": "Asha"})
    _call(book, T, "POST", "/v1/customers", body={"name": "Ravi"})
    invoice = _create(book, T + 1, customer_id="cust_00000000000001")

    _call(
        book,
        T + 2,
        "PATCH",
        f"/v1/invoices/{invoice['id']}",
        body={"customer_id": "cust_00000000000002"},
    )

    def count(customer_id: str) -> int:
        _, body = _call(book, T + 3, "GET", "/v1/invoices", query={"customer_id": customer_id})
        return int(body["count"])

    assert (count("cust_00000000000001"), count("cust_00000000000002")) == (0, 1)


def test_moving_expire_by_moves_the_expiry_and_partial_payment_stops_it(new_book: NewBook) -> None:
    book = new_book()
    body = {"customer": {"name": "Asha"}, "line_items": LINES, "partial_payment": True}
    _call(book, T, "POST", "/v1/invoices", body={**body, "expire_by": T + 1000})
    _call(book, T, "POST", "/v1/invoices", body={**body, "expire_by": T + 1000})
    _call(book, T + 1, "PATCH", "/v1/invoices/inv_00000000000001", body={"expire_by": T + 5000})
    _call(
        book,
        T + 2,
        "POST",
        "/sim/invoices/inv_00000000000002/payments",
        body={"amount": 100, "payment_id": "pay_1"},
    )

    response = book.handle(Call(at=T + 1000, method="GET", path="/v1/invoices/inv_00000000000001"))
    later = book.handle(Call(at=T + 5000, method="GET", path="/v1/invoices/inv_00000000000001"))

    assert response.body["status"] == "issued"
    assert book.get("inv_00000000000002").status is Status.PARTIALLY_PAID
    assert (later.body["status"], later.body["expired_at"]) == ("expired", T + 5000)
    assert tuple(attrs.evolve(e, id=None) for e in later.events) == (
        InvoiceExpired(invoice_id="inv_00000000000001", at=T + 5000),
    )
    assert all(str(e.id).startswith("evt_") for e in later.events)


def test_responses_carry_the_events(new_book: NewBook) -> None:
    book = new_book()

    response = book.handle(Call(at=T, method="POST", path="/v1/invoices", body={"draft": "1"}))

    assert [event.name for event in response.events] == ["invoice.created"]


def test_a_response_body_is_the_callers_own(new_book: NewBook) -> None:
    """The book answers a fetch from the entity it rendered for the write before
    (remembered): what a caller does to one answer's body changes no other answer."""
    book = new_book()
    created = book.handle(
        Call(at=T, method="POST", path="/v1/invoices", body={"draft": "1", "line_items": LINES})
    ).body
    path = f"/v1/invoices/{created['id']}"
    pristine = book.handle(Call(at=T, method="GET", path=path)).body
    for body in (created, book.handle(Call(at=T, method="GET", path=path)).body):
        body["line_items"][0]["name"] = "changed"
        body["customer_details"]["name"] = "changed"
        body["notes"] = {"changed": "yes"}

    fetched = book.handle(Call(at=T, method="GET", path=path)).body

    assert fetched == pristine
    assert fetched["line_items"][0]["name"] == "Book"


def test_items_are_templates_for_line_items(new_book: NewBook) -> None:
    book = new_book()

    status, item = _call(
        book, T, "POST", "/v1/items", body={"name": "Notebook", "amount": 25000, "unit": "piece"}
    )
    invoice = _create(book, T + 1, line_items=[{"item_id": item["id"], "quantity": 2}])

    assert (status, item["id"], item["active"], item["unit_amount"]) == (
        200,
        "item_00000000000001",
        True,
        25000,
    )
    line = invoice["line_items"][0]
    assert (line["item_id"], line["name"], line["unit"], line["gross_amount"]) == (
        "item_00000000000001",
        "Notebook",
        "piece",
        50000,
    )


@pytest.mark.parametrize(
    ("path", "body", "description"),
    [
        ("/v1/items", {"amount": 100}, "The name field is required."),
        ("/v1/items", {"name": "Pen"}, "The amount field is required."),
        ("/v1/items", {"name": "Pen", "amount": 50}, "The amount must be atleast INR 1.00"),
        (
            "/v1/items",
            {"name": "Pen", "amount": 100, "currency": None},
            "The currency field is required.",
        ),
        (
            "/v1/items",
            {"name": "Pen", "amount": 100, "colour": "red"},
            "colour is/are not required and should not be sent",
        ),
        ("/v1/items", "Pen", "The body must be an object."),
        ("/v1/customers", {"email": "a@example.com"}, "The name field is required."),
        (
            "/v1/customers",
            {"id": "cust_1", "name": "A"},
            "id is/are not required and should not be sent",
        ),
    ],
)
def test_directory_errors(path: str, body: Any, description: str, new_book: NewBook) -> None:
    book = new_book()

    status, answer = _call(book, T, "POST", path, body=body)

    assert (status, answer["error"]["description"]) == (400, description)


def test_a_customer_entity(new_book: NewBook) -> None:
    _, customer = _call(
        new_book(), T, "POST", "/v1/customers", body={"name": "Asha", "contact": "+9100"}
    )

    assert customer == {
        "id": "cust_00000000000001",
        "entity": "customer",
        "name": "Asha",
        "email": None,
        "contact": "+9100",
        "gstin": None,
        "billing_address": None,
        "shipping_address": None,
        "notes": [],
        "created_at": T,
    }


def test_calls_are_checked_values(new_book: NewBook) -> None:
    with pytest.raises(InvalidRequestError):
        Call(at="now", method="GET", path="/v1/invoices")  # type: ignore[arg-type]
    with pytest.raises(InvalidRequestError):
        new_book().handle("GET /v1/invoices")  # type: ignore[arg-type]


def test_counter_ids_and_short_urls_are_deterministic() -> None:
    ids = CounterIds()

    assert [ids("inv"), ids("inv"), ids("li")] == [
        "inv_00000000000001",
        "inv_00000000000002",
        "li_00000000000001",
    ]
    assert [ids.short_url() for _ in range(2)] == [
        "https://rzp.io/i/0000001",
        "https://rzp.io/i/0000002",
    ]
    fork = ids.fork()
    fork("inv")
    assert ids("inv") == "inv_00000000000003"
    assert ids.resume({"inv": 10**14})("inv") == "inv_100000000000001"  # past 14 digits: all


@pytest.mark.parametrize("number", [1.0, "1", True, None])
def test_counters_from_a_store_must_be_integers(number: object) -> None:
    """A store's counters that are not integers are the store's trouble (a 500), never
    an id such as ``inv_000000000002.0``."""
    with pytest.raises(CorruptEntityError, match="A counter is not an integer"):
        CounterIds().resume({"inv": number})  # type: ignore[dict-item]


def test_the_book_refuses_a_clock_that_goes_back(new_book: NewBook) -> None:
    book = new_book()
    _create(book, 2000)

    status, body = _call(book, 1000, "POST", "/v1/invoices", body={"draft": "1"})

    assert (status, body["error"]["description"]) == (
        400,
        "The at may not be before the previous call's at (2000).",
    )
    assert len(book) == 1


def test_the_expiry_queue_holds_one_entry_per_live_issued_invoice() -> None:
    store = MemoryStore()
    book = Book(store=store)
    body = {
        "customer": {"name": "Asha", "contact": "+9100"},
        "line_items": LINES,
        "expire_by": T + 10_000,
    }
    _call(book, T, "POST", "/v1/invoices", body=body)

    for n in range(50):
        _call(book, T + n, "POST", "/v1/invoices/inv_00000000000001/notify_by/sms")
        _call(book, T + n, "PATCH", "/v1/invoices/inv_00000000000001", body={"notes": {"n": n}})
        _call(
            book,
            T + n,
            "PATCH",
            "/v1/invoices/inv_00000000000001",
            body={"expire_by": T + 20_000 + n},
        )

    assert store._expiry == [(T + 20_049, 0, "inv_00000000000001")]
    _call(book, T + 60, "POST", "/v1/invoices/inv_00000000000001/cancel")
    assert store._expiry == []


def test_expire_due_checks_its_clock(new_book: NewBook) -> None:
    with pytest.raises(InvalidRequestError) as raised:
        new_book().expire_due("later")  # type: ignore[arg-type]

    assert raised.value.description == "The at must be an integer."


def test_a_reused_idempotency_key_still_checks_the_request(new_book: NewBook) -> None:
    book = new_book()
    first = _create(book, T, idempotency_key="k-1", line_items=LINES)

    status, body = _call(
        book,
        T + 1,
        "POST",
        "/v1/invoices",
        body={"draft": "1", "idempotency_key": "k-1", "line_items": [{"name": "Pen"}]},
    )
    again = _create(book, T + 2, idempotency_key="k-1", customer_id="cust_unknown")

    assert (status, body["error"]["field"]) == (400, "line_items[0].amount")
    assert again == first


@pytest.mark.parametrize(
    ("query", "description"),
    [
        ({"colour": "red"}, "colour is/are not required and should not be sent"),
        ({"count": "many"}, "The count must be an integer."),
    ],
)
def test_a_fetch_by_id_checks_its_query_before_the_lookup(
    new_book: NewBook, query: dict[str, Any], description: str
) -> None:
    book = new_book()
    _create(book, T)

    known = _call(book, T, "GET", "/v1/invoices/inv_00000000000001", query=query)
    unknown = _call(book, T, "GET", "/v1/invoices/inv_99999999999999", query=query)
    fine = _call(book, T, "GET", "/v1/invoices/inv_00000000000001", query={"count": "2"})

    assert known[0] == unknown[0] == 400
    assert known[1]["error"]["description"] == unknown[1]["error"]["description"] == description
    assert fine[0] == 200


def test_a_failed_call_still_moves_the_clock_and_expires(new_book: NewBook) -> None:
    book = new_book()
    body = {"customer": {"name": "Asha"}, "line_items": LINES, "expire_by": T + 1000}
    _call(book, T, "POST", "/v1/invoices", body=body)

    failed = book.handle(Call(at=T + 1000, method="GET", path="/v1/invoices/inv_missing"))
    earlier = _call(book, T + 999, "GET", "/v1/invoices/inv_00000000000001")

    assert failed.status == 400
    assert [event.name for event in failed.events] == ["invoice.expired"]
    assert earlier[0] == 400
    assert earlier[1]["error"]["description"] == (
        f"The at may not be before the previous call's at ({T + 1000})."
    )
