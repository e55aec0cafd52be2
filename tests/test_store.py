"""The store protocol, once per store (tests/stores.py), and what only SQLite promises.

Every store keeps versions (a stale write is a ``ConflictError``), rolls a
failed transaction back, serves pages newest first whatever ``skip`` is, and
holds the book's state so that a book reopened over it continues.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from invoicecore import Invoice, commands, wire
from invoicecore.book import Book, Call
from invoicecore.errors import CorruptEntityError, http_status
from invoicecore.ids import CounterIds, RandomIds
from invoicecore.replay import replay
from invoicecore.store import ConflictError, StoreError
from invoicecore.stores.memory import MemoryStore
from invoicecore.stores.sqlite import SCHEMA_VERSION, SQLiteStore
from invoicecore.testing.scripts import call_scripts
from tests.helpers import heavy_examples, invoice_in

if TYPE_CHECKING:
    from tests.stores import NewBook, NewStore

pytest_plugins = ("tests.stores",)  # the new_book and new_store fixtures, once per store

T = 1_700_000_000
LINES = [{"name": "Book", "amount": 400}]
ISSUED = invoice_in(__import__("invoicecore").Status.ISSUED)


def _handle(book: Book, at: int, method: str, path: str, **extra: Any) -> tuple[int, Any]:
    response = book.handle(Call(at=at, method=method, path=path, **extra))
    return response.status, response.body


# -- the protocol, every store ---------------------------------------------------------


def test_a_stale_version_is_a_conflict_and_nothing_is_kept(new_store: NewStore) -> None:
    store = new_store()
    with store.transaction() as tx:
        tx.add(ISSUED)

    with pytest.raises(ConflictError) as raised, store.transaction() as tx:  # noqa: PT012
        stored = tx.get(ISSUED.id)
        assert stored is not None
        tx.put(stored.invoice, version=stored.version)
        tx.put(stored.invoice, version=stored.version)  # the version moved on

    assert raised.value.code == "STORE_CONFLICT"
    with store.transaction() as tx:
        again = tx.get(ISSUED.id)
    assert again is not None
    assert again.version == 1


def test_a_failed_transaction_leaves_the_store_as_it_was(new_store: NewStore) -> None:
    store = new_store()

    with pytest.raises(ZeroDivisionError), store.transaction() as tx:  # noqa: PT012
        tx.set_clock(T)
        tx.add(ISSUED)
        tx.set_counters({"inv": 7})
        _ = 1 / 0

    with store.transaction() as tx:
        assert (tx.clock(), tx.get(ISSUED.id), dict(tx.counters()), tx.count()) == (
            None,
            None,
            {},
            0,
        )


def test_a_savepoint_undoes_its_block_only(new_store: NewStore) -> None:
    store = new_store()

    with store.transaction() as tx:
        tx.set_clock(T)
        with pytest.raises(ValueError, match="x"), tx.savepoint():  # noqa: PT012
            tx.add(ISSUED)
            raise ValueError("x")
        clock, found = tx.clock(), tx.get(ISSUED.id)

    assert (clock, found) == (T, None)


def test_the_expiry_queue_and_the_receipt_holder(new_store: NewStore) -> None:
    store = new_store()
    with store.transaction() as tx:
        tx.add(ISSUED)

    with store.transaction() as tx:
        due_before = list(tx.due(ISSUED.expire_by - 1))  # type: ignore[operator]
        due_at = list(tx.due(ISSUED.expire_by))  # type: ignore[arg-type]

    assert (due_before, due_at) == ([], [ISSUED.id])


def test_pages_skip_deleted_invoices_and_stay_newest_first(new_book: NewBook) -> None:
    book = new_book()
    for name in ("Asha", "Ravi", "Meera"):
        _handle(book, T, "POST", "/v1/customers", body={"name": name})
    for n in range(30):
        body = {"draft": "1", "customer_id": f"cust_{n % 3 + 1:014d}"}
        _handle(book, T + n, "POST", "/v1/invoices", body=body)
    for n in range(1, 31, 2):
        _handle(book, T + 40, "DELETE", f"/v1/invoices/inv_{n:014d}")

    def ids(**query: Any) -> list[int]:
        _, body = _handle(book, T + 50, "GET", "/v1/invoices", query=query)
        return [int(item["id"][4:]) for item in body["items"]]

    assert ids(skip=3, count=4) == [24, 22, 20, 18]
    assert ids(skip=13, count=5) == [4, 2]
    ravi = "cust_00000000000002"
    assert ids(customer_id=ravi, skip=1, count=3) == [20, 14, 8]
    assert ids(customer_id=ravi, **{"from": T + 5, "to": T + 21}) == [20, 14, 8]
    assert ids(customer_id=ravi, receipt="R1") == []
    assert ids(skip=100) == []


def test_a_page_reads_only_its_own_invoices(
    new_book: NewBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue #11: the cost of a page does not grow with skip nor with deleted invoices."""
    book = new_book()
    for n in range(300):
        _handle(book, T + n, "POST", "/v1/invoices", body={"draft": "1"})
    for n in range(1, 151):
        _handle(book, T + 400, "DELETE", f"/v1/invoices/inv_{n:014d}")
    examined: list[str] = []
    original = commands.FetchQuery.matches

    def counting(self: commands.FetchQuery, invoice: Invoice) -> bool:
        examined.append(invoice.id)
        return original(self, invoice)

    monkeypatch.setattr(commands.FetchQuery, "matches", counting)

    status, body = _handle(book, T + 500, "GET", "/v1/invoices", query={"skip": 140, "count": 3})

    assert (status, [item["id"] for item in body["items"]]) == (
        200,
        ["inv_00000000000160", "inv_00000000000159", "inv_00000000000158"],
    )
    assert len(examined) <= 3


# -- the book over a store: continuity ---------------------------------------------------


def _halves(path: Path, script: list[str], split: int) -> list[str]:
    first = SQLiteStore(path)
    try:
        out = list(replay(script[:split], book=Book(store=first)))
    finally:
        first.close()
    second = SQLiteStore(path)
    try:
        out += list(replay(script[split:], book=Book(store=second)))
    finally:
        second.close()
    return out


@settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    deadline=None,
    max_examples=heavy_examples(dev=20),
)
@given(script=call_scripts(max_calls=16), data=st.data())
def test_a_script_run_in_two_halves_prints_what_one_run_prints(
    tmp_path_factory: pytest.TempPathFactory, script: list[str], data: st.DataObject
) -> None:
    split = data.draw(st.integers(0, len(script)), label="split")
    path = tmp_path_factory.mktemp("book") / "book.sqlite3"

    assert _halves(path, script, split) == list(replay(script))


@pytest.mark.slow  # command-line processes (CI)
def test_the_command_line_continues_a_stored_book(tmp_path: Path) -> None:
    examples = Path(__file__).resolve().parent.parent / "examples"
    script = (examples / "expiry.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    expected = (examples / "expiry.expected.jsonl").read_text(encoding="utf-8")
    store = f"sqlite:{tmp_path / 'book.sqlite3'}"
    outputs = []
    for half in (script[: len(script) // 2], script[len(script) // 2 :]):
        done = subprocess.run(
            [sys.executable, "-m", "invoicecore", "replay", "--store", store, "-"],
            input="".join(half).encode(),
            capture_output=True,
            check=False,
        )
        assert (done.returncode, done.stderr) == (0, b"")
        outputs.append(done.stdout.decode())

    assert "".join(outputs) == expected


def test_the_command_line_names_a_store_it_cannot_open() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "invoicecore", "replay", "--store", "postgres", "-"],
        input=b"",
        capture_output=True,
        check=False,
    )

    assert (done.returncode, done.stdout) == (2, b"")
    assert done.stderr.decode().startswith("invoicecore replay: cannot open the store postgres")


# -- SQLite: schema, corruption, conflicts, two processes ---------------------------------


def test_the_schema_is_versioned_and_a_newer_one_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "book.sqlite3"
    store = SQLiteStore(path)
    version = store.schema_version()
    store.close()
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION + 1,))
    db.close()

    with pytest.raises(StoreError) as raised:
        SQLiteStore(path)

    assert version == SCHEMA_VERSION
    assert raised.value.code == "STORE_CORRUPT"
    assert not isinstance(raised.value, ConflictError)


def test_a_corrupt_row_is_the_store_s_error_not_the_client_s(tmp_path: Path) -> None:
    path = tmp_path / "book.sqlite3"
    store = SQLiteStore(path)
    book = Book(store=store)
    _handle(book, T, "POST", "/v1/invoices", body={"draft": "1"})
    store._db.execute("UPDATE invoices SET entity = '{\"id\": 1}'")

    with pytest.raises(CorruptEntityError) as raised:
        book.handle(Call(at=T, method="GET", path="/v1/invoices/inv_00000000000001"))

    store.close()
    assert raised.value.code == "STORED_ENTITY_CORRUPT"
    assert http_status(raised.value) == 500


def test_a_locked_database_gives_a_conflict_after_the_retries(tmp_path: Path) -> None:
    path = tmp_path / "book.sqlite3"
    holder = SQLiteStore(path)
    waiting = SQLiteStore(path, timeout=0.01)
    book = Book(store=waiting, retries=1)

    with holder.transaction(), pytest.raises(ConflictError) as raised:
        book.handle(Call(at=T, method="GET", path="/v1/invoices"))

    holder.close()
    waiting.close()
    assert raised.value.code == "STORE_CONFLICT"
    assert "busy" in raised.value.description


PAYER = """
import json, sys
from invoicecore.book import Book, Call
from invoicecore.stores.sqlite import SQLiteStore
store = SQLiteStore(sys.argv[1])
book = Book(store=store)
start = sys.stdin.readline()  # both processes begin together
answers = []
for n in range(int(sys.argv[3])):
    body = {"amount": 100, "payment_id": f"pay_{sys.argv[2]}_{n}"}
    path = "/sim/invoices/inv_00000000000001/payments"
    call = Call(at=1_700_000_100, method="POST", path=path, body=body)
    response = book.handle(call)
    answers.append([response.status, body["payment_id"]])
store.close()
print(json.dumps(answers))
"""


def test_two_processes_paying_one_invoice_lose_and_double_nothing(tmp_path: Path) -> None:
    path = tmp_path / "book.sqlite3"
    store = SQLiteStore(path)
    body = {"customer": {"name": "Asha"}, "line_items": [{"name": "Seat", "amount": 10_000}]}
    _handle(Book(store=store), T, "POST", "/v1/invoices", body={**body, "partial_payment": True})
    store.close()
    program = tmp_path / "payer.py"
    program.write_text(PAYER, encoding="utf-8")
    payers = [
        subprocess.Popen(
            [sys.executable, str(program), str(path), name, "40"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        for name in ("a", "b")
    ]
    outputs = [payer.communicate(b"go\n", timeout=120)[0] for payer in payers]

    answers = [answer for output in outputs for answer in json.loads(output)]
    accepted = [payment for status, payment in answers if status == 200]
    store = SQLiteStore(path)
    invoice = Book(store=store).get("inv_00000000000001")
    store.close()
    assert [payer.returncode for payer in payers] == [0, 0]
    assert len(accepted) == 80
    assert invoice.amount_paid == 100 * len(accepted)
    assert wire.render_invoice(invoice)["amount_due"] == 10_000 - 8_000


# -- ids -----------------------------------------------------------------------------------


def test_random_ids_have_razorpay_s_shapes() -> None:
    draws = iter(range(1000))
    ids = RandomIds(lambda n: next(draws) % n)

    assert ids("inv") == "inv_0123456789ABCD"
    assert ids.short_url() == "https://rzp.io/i/EFGHIJK"
    assert (ids.resume({"inv": 3}), dict(ids.state)) == (ids, {})


def test_a_book_over_random_ids_keeps_no_counter(new_store: NewStore) -> None:
    store = new_store()
    draws = iter(range(10_000))
    book = Book(store=store, ids=RandomIds(lambda n: next(draws) % n))

    body = {"customer": {"name": "Asha"}, "line_items": LINES}
    status, body = _handle(book, T, "POST", "/v1/invoices", body=body)

    assert status == 200
    assert (body["id"], body["order_id"], body["short_url"]) == (
        "inv_0123456789ABCD",
        "order_EFGHIJKLMNOPQR",
        "https://rzp.io/i/STUVWXY",
    )
    with store.transaction() as tx:
        assert dict(tx.counters()) == {}


def test_counter_ids_given_to_a_new_store_start_it(new_store: NewStore) -> None:
    store = new_store()
    book = Book(store=store, ids=CounterIds({"inv": 41}))

    _, body = _handle(book, T, "POST", "/v1/invoices", body={"draft": "1"})
    reopened = Book(store=store, ids=CounterIds({"inv": 7}))
    _, again = _handle(reopened, T, "POST", "/v1/invoices", body={"draft": "1"})

    assert (body["id"], again["id"]) == ("inv_00000000000042", "inv_00000000000043")


def test_a_memory_store_runs_one_transaction_at_a_time() -> None:
    store = MemoryStore()

    with store.transaction(), pytest.raises(RuntimeError), store.transaction():
        pass
    with pytest.raises(RuntimeError):
        store.set_clock(T)


@pytest.mark.parametrize("name", ["lifecycle", "cancel", "expiry", "first-errors"])
def test_the_examples_replay_the_same_over_every_store(new_book: NewBook, name: str) -> None:
    examples = Path(__file__).resolve().parent.parent / "examples"
    script = (examples / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    expected = (examples / f"{name}.expected.jsonl").read_text(encoding="utf-8").splitlines()

    assert list(replay(script, book=new_book())) == expected


def test_a_payment_id_is_counted_once_in_the_whole_book(new_book: NewBook) -> None:
    book = new_book()
    body = {
        "line_items": [{"name": "Book", "amount": 1000}],
        "customer": {"name": "Asha"},
        "partial_payment": True,
    }
    for _ in range(2):
        _handle(book, T, "POST", "/v1/invoices", body=body)
    payment = {"amount": 100, "payment_id": "pay_1"}
    first = _handle(book, T + 1, "POST", "/sim/invoices/inv_00000000000001/payments", body=payment)

    again = _handle(book, T + 2, "POST", "/sim/invoices/inv_00000000000002/payments", body=payment)

    assert first[0] == 200
    assert (again[0], again[1]["error"]["description"]) == (
        400,
        "The payment id has already been captured.",
    )
    assert book.get("inv_00000000000002").amount_paid == 0
