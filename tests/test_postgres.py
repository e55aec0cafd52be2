"""What only the PostgreSQL store promises (issue #18), against a real, throwaway server.

The shared store suite (tests/stores.py) already runs every book test on it;
here: the schema and its migration, the plans of the lookups and pages, the
uniqueness rules held by the database, the continuity property (in two
connections and in two ``replay --store postgresql://`` processes), and
several processes paying one invoice at once.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from invoicecore import Invoice, Status, wire
from invoicecore.book import Book, Call
from invoicecore.commands import FetchQuery
from invoicecore.errors import CorruptEntityError
from invoicecore.replay import replay
from invoicecore.store import ConflictError, StoreError
from invoicecore.stores import open_store
from invoicecore.testing.scripts import call_scripts
from tests.helpers import invoice_in
from tests.postgres_cluster import REQUIRE

pytestmark = pytest.mark.slow  # a PostgreSQL server per session: CI's slow set runs it

if TYPE_CHECKING:
    from invoicecore.stores.postgres import PostgresStore
    from tests.postgres_cluster import Cluster

try:
    from invoicecore.stores.postgres import SCHEMA_VERSION
except ImportError:  # pragma: no cover - psycopg is in the dev extra
    if os.environ.get(REQUIRE) == "1":
        raise
    pytest.skip("PostgreSQL tests skipped: psycopg is not installed", allow_module_level=True)

pytest_plugins = ("tests.stores",)  # with the cluster's hooks: one line when it is missing

T = 1_700_000_000
ISSUED = invoice_in(Status.ISSUED)


def _handle(book: Book, at: int, method: str, path: str, **extra: Any) -> tuple[int, Any]:
    response = book.handle(Call(at=at, method=method, path=path, **extra))
    return response.status, response.body


# -- the schema ------------------------------------------------------------------------------


def test_the_schema_is_versioned_and_a_newer_one_is_refused(postgres_cluster: Cluster) -> None:
    store = postgres_cluster.new_store()
    version = store.schema_version()
    reopened = type(store)(postgres_cluster.url(), schema=store.schema)  # migrations are idempotent
    reopened.close()
    with store.transaction():
        store.connection.execute(
            f'INSERT INTO "{store.schema}".schema_version (version) VALUES (%s)',
            (SCHEMA_VERSION + 1,),
        )
    store.close()

    with pytest.raises(StoreError) as raised:
        type(store)(postgres_cluster.url(), schema=store.schema)

    assert version == SCHEMA_VERSION
    assert raised.value.code == "STORE_CORRUPT"
    assert not isinstance(raised.value, ConflictError)


def test_a_corrupt_row_is_the_store_s_error_not_the_client_s(postgres_cluster: Cluster) -> None:
    store = postgres_cluster.new_store()
    book = Book(store=store)
    _handle(book, T, "POST", "/v1/invoices", body={"draft": "1"})
    store.connection.execute(f'UPDATE "{store.schema}".invoices SET entity = \'{{"id": 1}}\'')

    with pytest.raises(CorruptEntityError) as raised:
        book.handle(Call(at=T, method="GET", path="/v1/invoices/inv_00000000000001"))

    store.close()
    assert raised.value.code == "STORED_ENTITY_CORRUPT"


def test_an_unreachable_server_is_the_store_s_error(tmp_path: Path) -> None:
    url = f"postgresql:///nothing?host={tmp_path}&connect_timeout=2"

    with pytest.raises(StoreError) as raised:
        open_store(url)
    done = subprocess.run(
        [sys.executable, "-m", "invoicecore", "replay", "--store", url, "-"],
        input=b"",
        capture_output=True,
        check=False,
    )

    assert raised.value.code == "STORE_UNAVAILABLE"
    assert (done.returncode, done.stdout) == (2, b"")
    assert done.stderr.decode().startswith(f"invoicecore replay: cannot open the store {url}")


# -- the database holds the rules ----------------------------------------------------------


def _with(invoice_id: str, key: str) -> Invoice:
    """The issued invoice under another id, holding the receipt or the idempotency key K-1."""
    if key == "receipt":
        return attrs.evolve(
            ISSUED, id=invoice_id, details=attrs.evolve(ISSUED.details, receipt="K-1")
        )
    return attrs.evolve(ISSUED, id=invoice_id, idempotency_key="K-1")


@pytest.mark.parametrize("key", ["receipt", "idempotency_key"])
def test_two_connections_cannot_both_take_a_unique_key(postgres_cluster: Cluster, key: str) -> None:
    """Each checks first and sees it free; the database refuses the second insert."""
    first = postgres_cluster.new_store()
    second = type(first)(postgres_cluster.url(), schema=first.schema)
    one, two = (_with(f"inv_{n:014d}", key) for n in (101, 102))
    lookup = "receipt_holder" if key == "receipt" else "idempotent"

    with pytest.raises(ConflictError) as raised, second.transaction() as late:  # noqa: PT012
        assert getattr(late, lookup)("K-1") is None
        with first.transaction() as early:
            assert getattr(early, lookup)("K-1") is None
            early.add(one)
        late.add(two)

    with first.transaction() as tx:
        holder = getattr(tx, lookup)("K-1")
    first.close()
    second.close()
    assert holder == one.id
    assert raised.value.code == "STORE_CONFLICT"


def test_the_clock_only_moves_forward(postgres_cluster: Cluster) -> None:
    store = postgres_cluster.new_store()
    with store.transaction() as tx:
        tx.set_clock(T + 10)
        tx.set_clock(T + 5)  # another process's call, a little behind
        clock = tx.clock()
    store.close()

    assert clock == T + 10


# -- the plans: every lookup and page is served by an index --------------------------------

QUERIES: dict[str, dict[str, Any]] = {
    "no filter": {},
    "customer_id": {"customer_id": "cust_00000000000042"},
    "receipt": {"receipt": "R-4242"},
    "payment_id": {"payment_id": "pay_00000000004242"},
    "from and to": {"from_": T + 100, "to": T + 5_000},
    "customer_id and from": {"customer_id": "cust_00000000000042", "from_": T + 100},
    "a deep skip": {"skip": 15_000, "count": 10},
}
ROWS = 20_000


@pytest.fixture(scope="module")
def big_store(postgres_cluster: Cluster) -> Any:
    """A schema with 20,000 invoices (200 customers), analysed: big enough for a Seq Scan."""
    store = postgres_cluster.new_store()
    with store.transaction():
        store.connection.execute(
            f'INSERT INTO "{store.schema}".invoices (id, version, status, created_at, '
            "customer_id, receipt, payment_id, idempotency_key, expire_by, entity) "
            "SELECT 'inv_' || lpad(n::text, 14, '0'), 1, "
            "(ARRAY['draft', 'issued', 'paid', 'cancelled'])[n %% 4 + 1], %s + n, "
            "'cust_' || lpad((n %% 200)::text, 14, '0'), 'R-' || n, "
            "CASE WHEN n %% 4 = 2 THEN 'pay_' || lpad(n::text, 14, '0') END, "
            "'key-' || n, CASE WHEN n %% 4 = 1 THEN %s + 2 * n END, '{}' "
            "FROM generate_series(1, %s) AS n",
            (T, T, ROWS),
        )
    store.connection.execute(f'ANALYZE "{store.schema}".invoices')
    yield store
    store.close()


def _plan(store: PostgresStore, statement: str, params: tuple[object, ...]) -> str:
    rows = store.connection.execute(f"EXPLAIN {statement}", params).fetchall()
    return "\n".join(str(row[0]) for row in rows)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_a_page_is_served_by_an_index(big_store: PostgresStore, name: str) -> None:
    """With seq scans allowed: the planner itself prefers the indexes at this size."""
    statement, params = big_store.page_statement(FetchQuery(**QUERIES[name]))

    plan = _plan(big_store, statement, params)

    assert "Seq Scan" not in plan, plan
    assert "Index" in plan, plan


@pytest.mark.parametrize(
    ("lookup", "params"),
    [
        ("get", ("inv_00000000004242",)),
        ("receipt_holder", ("R-4242",)),
        ("idempotent", ("key-4242",)),
        ("due", (T + 100,)),
    ],
)
def test_the_rules_lookups_are_served_by_an_index(
    big_store: PostgresStore, lookup: str, params: tuple[object, ...]
) -> None:
    plan = _plan(big_store, big_store._sql[lookup], params)

    assert "Seq Scan" not in plan, plan
    assert "Index" in plan, plan


def test_a_deep_page_skips_in_an_index(big_store: PostgresStore) -> None:
    """The skipped rows are counted in an index-only scan; the outer join reads 10 rows."""
    statement, params = big_store.page_statement(FetchQuery(skip=15_000, count=10))

    with big_store.transaction():
        rows = big_store.connection.execute(
            f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {statement}", params
        ).fetchone()
    assert rows is not None
    inner = _find(rows[0][0]["Plan"], "Limit")

    assert inner["Plans"][0]["Node Type"] == "Index Only Scan", inner
    assert rows[0][0]["Plan"]["Actual Rows"] == 10


def _find(plan: dict[str, Any], node: str) -> dict[str, Any]:
    if plan["Node Type"] == node:
        return plan
    for child in plan.get("Plans", []):
        found = _find(child, node)
        if found:
            return found
    return {}


# -- continuity --------------------------------------------------------------------------------


@settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    deadline=None,
    max_examples=20,
)
@given(script=call_scripts(max_calls=16), data=st.data())
def test_a_script_run_in_two_halves_prints_what_one_run_prints(
    postgres_cluster: Cluster, script: list[str], data: st.DataObject
) -> None:
    split = data.draw(st.integers(0, len(script)), label="split")
    first = postgres_cluster.new_store()
    out = list(replay(script[:split], book=Book(store=first)))
    first.close()
    second = type(first)(postgres_cluster.url(), schema=first.schema)  # another connection
    out += list(replay(script[split:], book=Book(store=second)))
    second.close()

    assert out == list(replay(script))


@pytest.mark.parametrize("name", ["expiry", "lifecycle"])
def test_the_command_line_continues_a_book_in_postgres(
    postgres_cluster: Cluster, name: str
) -> None:
    examples = Path(__file__).resolve().parent.parent / "examples"
    script = (examples / f"{name}.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    expected = (examples / f"{name}.expected.jsonl").read_text(encoding="utf-8")
    url = postgres_cluster.new_database()
    outputs = []
    for half in (script[: len(script) // 2], script[len(script) // 2 :]):
        done = subprocess.run(
            [sys.executable, "-m", "invoicecore", "replay", "--store", url, "-"],
            input="".join(half).encode(),
            capture_output=True,
            check=False,
        )
        assert (done.returncode, done.stderr) == (0, b"")
        outputs.append(done.stdout.decode())

    assert "".join(outputs) == expected


# -- several processes, one invoice ----------------------------------------------------------

PAYER = """
import json, sys
from invoicecore.book import Book, Call
from invoicecore.store import ConflictError
from invoicecore.stores.postgres import PostgresStore
store = PostgresStore(sys.argv[1], schema=sys.argv[2])
book = Book(store=store, retries=50)
sys.stdin.readline()  # every process begins together
answers = []
for n in range(int(sys.argv[4])):
    body = {"amount": 100, "payment_id": f"pay_{sys.argv[3]}_{n}"}
    call = Call(at=1_700_000_100, method="POST", body=body,
                path="/sim/invoices/inv_00000000000001/payments")
    try:
        status = book.handle(call).status
    except ConflictError:
        status = 409
    answers.append([status, body["payment_id"]])
store.close()
print(json.dumps(answers))
"""
PROCESSES = 4
EACH = 30


def test_processes_paying_one_invoice_lose_and_double_nothing(
    postgres_cluster: Cluster, tmp_path: Path
) -> None:
    store = postgres_cluster.new_store()
    body = {"customer": {"name": "Asha"}, "line_items": [{"name": "Seat", "amount": 10_000}]}
    _handle(Book(store=store), T, "POST", "/v1/invoices", body={**body, "partial_payment": True})
    program = tmp_path / "payer.py"
    program.write_text(PAYER, encoding="utf-8")
    payers = [
        subprocess.Popen(
            [
                sys.executable,
                str(program),
                postgres_cluster.url(),
                store.schema,
                f"p{n}",
                str(EACH),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        for n in range(PROCESSES)
    ]
    outputs = [payer.communicate(b"go\n", timeout=300)[0] for payer in payers]

    answers = [answer for output in outputs for answer in json.loads(output)]
    accepted = [payment for status, payment in answers if status == 200]
    invoice = Book(store=store).get("inv_00000000000001")
    with store.transaction():
        versions = store.connection.execute(
            f'SELECT version FROM "{store.schema}".invoices WHERE id = %s', (invoice.id,)
        ).fetchone()
    store.close()
    assert [payer.returncode for payer in payers] == [0] * PROCESSES
    assert len(answers) == PROCESSES * EACH
    refused = [payment for status, payment in answers if status == 400]
    assert {status for status, _ in answers} <= {200, 400, 409}
    assert not refused or len(accepted) == 100  # 120 tries of 100: a 400 only once paid
    assert len(set(accepted)) == len(accepted)  # no payment counted twice ...
    assert invoice.amount_paid == 100 * len(accepted)  # ... and none lost
    assert versions == (1 + len(accepted),)  # one write per accepted payment
    assert wire.render_invoice(invoice)["amount_due"] == 10_000 - 100 * len(accepted)
    assert invoice.status is (Status.PAID if len(accepted) == 100 else Status.PARTIALLY_PAID)


CREATOR = """
import json, sys
from invoicecore.book import Book, Call
from invoicecore.store import ConflictError
from invoicecore.stores.postgres import PostgresStore
store = PostgresStore(sys.argv[1], schema=sys.argv[2])
book = Book(store=store, retries=50)
sys.stdin.readline()  # every process begins together
answers = []
for n in range(int(sys.argv[3])):
    path = "/v1/customers" if n % 3 == 0 else "/v1/invoices"
    body = {"name": f"{sys.argv[2]}-{n}"} if n % 3 == 0 else {"customer": {"name": "Asha"},
        "line_items": [{"name": "Seat", "amount": 100}]}
    try:
        response = book.handle(Call(at=1_700_000_000, method="POST", path=path, body=body))
        answers.append([response.status, response.body.get("id"), response.body.get("order_id")])
    except ConflictError:
        answers.append([409, None, None])
store.close()
print(json.dumps(answers))
"""


def test_processes_creating_with_counter_ids_never_share_an_id(
    postgres_cluster: Cluster, tmp_path: Path
) -> None:
    """The counters are read FOR UPDATE; the first use of a prefix races on its insert."""
    store = postgres_cluster.new_store()
    program = tmp_path / "creator.py"
    program.write_text(CREATOR, encoding="utf-8")
    creators = [
        subprocess.Popen(
            [sys.executable, str(program), postgres_cluster.url(), store.schema, "12"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        for _ in range(3)
    ]
    outputs = [creator.communicate(b"go\n", timeout=300)[0] for creator in creators]

    answers = [answer for output in outputs for answer in json.loads(output)]
    ids = [answer[1] for answer in answers if answer[0] == 200]
    orders = [answer[2] for answer in answers if answer[2] is not None]
    with store.transaction() as tx:
        stored = tx.count()
        counters = dict(tx.counters())
    store.close()
    assert [creator.returncode for creator in creators] == [0, 0, 0]
    assert [answer[0] for answer in answers] == [200] * 36
    assert len(set(ids)) == len(ids) == 36  # customers and invoices: no id handed out twice
    assert len(set(orders)) == len(orders) == 24
    assert stored == 24
    assert (counters["inv"], counters["order"], counters["cust"]) == (24, 24, 36)
