"""Throughput and p50/p99 per call with 1, 2 and 4 processes over one store (issue #18).

Each worker process opens the store, waits for the others, then runs a fixed
number of rounds of three calls (create an issued invoice with partial
payments, pay part of it, fetch it) and reports each call's latency. The
SQLite processes share one file and the PostgreSQL processes one database
(a throwaway cluster on a Unix socket, started and removed by this script);
"memory" processes each have their own book (the in-memory store cannot be
shared), the floor of the per-call cost.

    .venv/bin/python benchmarks/parallel.py            # about a minute
    .venv/bin/python benchmarks/parallel.py --quick    # a smoke run, seconds

Bounded: a fixed number of calls, local sockets only, and the cluster is
stopped at the end whatever happens.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.postgres_cluster: the throwaway cluster of the tests

T = 1_700_000_000
PROCESSES = (1, 2, 4)


def worker(kind: str, where: str, schema: str, name: str, rounds: int) -> None:
    """One process: ``rounds`` x (create, pay, fetch); prints its latencies (seconds)."""
    from invoicecore.book import Book, Call
    from invoicecore.ids import RandomIds
    from invoicecore.stores import open_store

    if kind == "postgres":
        from invoicecore.stores.postgres import PostgresStore

        store = PostgresStore(where, schema=schema)
    else:
        store = open_store(where)
    draws = random.Random(name)  # noqa: S311 - ids for a benchmark
    book = Book(store=store, ids=RandomIds(draws.randrange), retries=20)
    body = {
        "customer": {"name": "Asha"},
        "line_items": [{"name": "Seat", "amount": 10_000}],
        "partial_payment": True,
    }
    sys.stdin.readline()  # every worker begins together
    began = time.monotonic()
    latencies: list[float] = []
    statuses: list[int] = []
    for n in range(rounds):
        start = time.perf_counter()
        created = book.handle(Call(at=T, method="POST", path="/v1/invoices", body=body))
        latencies.append(time.perf_counter() - start)
        invoice_id = created.body["id"]
        payment = {"amount": 4_000, "payment_id": f"pay_{name}_{n}"}
        calls = (
            Call(at=T, method="POST", path=f"/sim/invoices/{invoice_id}/payments", body=payment),
            Call(at=T, method="GET", path=f"/v1/invoices/{invoice_id}"),
        )
        statuses.append(created.status)
        for call in calls:
            start = time.perf_counter()
            statuses.append(book.handle(call).status)
            latencies.append(time.perf_counter() - start)
    ended = time.monotonic()  # one clock for every process of the machine
    store.close()
    result = {"latencies": latencies, "statuses": statuses, "began": began, "ended": ended}
    print(json.dumps(result))


def run(kind: str, where: str, processes: int, rounds: int) -> dict[str, float]:
    """Start the workers together; throughput over the wall time, p50/p99 over every call."""
    workers = []
    for n in range(processes):
        schema = "bench" if kind == "postgres" else ""
        argv = [sys.executable, __file__, "--worker", kind, where, schema, f"w{n}", str(rounds)]
        workers.append(
            subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        )
    time.sleep(1.0 + 0.2 * processes)  # every worker has opened its store
    for process in workers:
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    outputs = [process.communicate(timeout=600)[0] for process in workers]
    results = [json.loads(output) for output in outputs]
    wall = max(r["ended"] for r in results) - min(r["began"] for r in results)
    latencies: list[float] = []
    for result in results:
        assert set(result["statuses"]) == {200}, result["statuses"]
        latencies.extend(result["latencies"])
    cuts = statistics.quantiles(latencies, n=100)
    return {
        "calls": len(latencies),
        "throughput": len(latencies) / wall,
        "p50": cuts[49] * 1e3,
        "p99": cuts[98] * 1e3,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run (few calls)")
    parser.add_argument("--worker", nargs=5, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.worker:
        kind, where, schema, name, rounds = arguments.worker
        worker(kind, where, schema, name, int(rounds))
        return
    rounds = 10 if arguments.quick else 200
    from tests.postgres_cluster import missing, temporary_cluster

    rows: list[tuple[str, int, dict[str, float]]] = []
    with tempfile.TemporaryDirectory() as folder:
        for processes in PROCESSES:
            rows.append(("memory", processes, run("memory", "memory", processes, rounds)))
            path = Path(folder, f"book{processes}.sqlite3")
            rows.append(("SQLite", processes, run("sqlite", f"sqlite:{path}", processes, rounds)))
    reason = missing()
    if reason is None:
        with temporary_cluster() as cluster:
            for processes in PROCESSES:
                url = cluster.new_database()
                rows.append(("PostgreSQL", processes, run("postgres", url, processes, rounds)))
    else:
        print(f"(PostgreSQL skipped: {reason})")
    print("| store | processes | calls | calls/s (all processes) | p50 per call | p99 per call |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for store, processes, figures in rows:
        print(
            f"| {store} | {processes} | {figures['calls']:,.0f} | {figures['throughput']:,.0f} "
            f"| {figures['p50']:.2f} ms | {figures['p99']:.2f} ms |"
        )


if __name__ == "__main__":
    main()
