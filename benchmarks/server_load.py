"""Load on `python -m invoicecore serve` over loopback: throughput, latency, and no lost payment.

Run: python benchmarks/server_load.py            (the figures for docs/performance.md)
     python benchmarks/server_load.py --quick    (a few seconds: CI's smoke run, which
                                                   still fails on a lost or doubled payment)
     python benchmarks/run.py --server           (the same, as its own section)

The server runs as a subprocess on 127.0.0.1 with the SQLite store and a manual
clock; CLIENTS threads, each with its own keep-alive connection, send bounded
numbers of requests, and every phase also stops at a deadline. Phases:

1. floor: `GET /sim/clock` (auth, routing and JSON, no book), the HTTP stack's own cost;
2. mixed: create an issued invoice, fetch it, pay part of it, list a page (4 calls);
3. race: every client pays the same invoice at once, more than it is owed in all;
   the amounts the server accepted must add up to `amount_paid` exactly (nothing
   lost, nothing doubled), and it must stop at the invoice's amount.

Client and server share this machine's cores, so the figures are loopback
end-to-end (client included), not the server's ceiling.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import requests

KEY = ("rzp_test_load", "load_secret")
T = 1_700_000_000
ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # loopback only
    session.auth = KEY
    return session


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


class _Server:
    def __init__(self, store: str) -> None:
        port = _free_port()
        self.base = f"http://127.0.0.1:{port}"
        argv = [sys.executable, "-m", "invoicecore", "serve", "--port", str(port)]
        argv += ["--key-id", KEY[0], "--key-secret", KEY[1], "--store", store]
        argv += ["--clock", "manual", "--start-at", str(T)]
        self.process = subprocess.Popen(
            argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT
        )
        session = _session()
        deadline = time.monotonic() + 20
        while True:
            try:
                if session.get(self.base + "/sim/clock", timeout=5).ok:
                    break
            except requests.ConnectionError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


def _in_threads(clients: int, work: Any, seconds: float) -> tuple[list[float], float]:  # noqa: ANN401
    """Run ``work(index, session, deadline, latencies)`` in CLIENTS threads; latencies, wall time."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(target=work, args=(n, _session(), deadline, latencies[n]))
        for n in range(clients)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [value for values in latencies for value in values], time.perf_counter() - started


def _timed(latencies: list[float], call: Any) -> Any:  # noqa: ANN401
    started = time.perf_counter()
    answer = call()
    latencies.append(time.perf_counter() - started)
    return answer


def measure(*, clients: int, rounds: int, race: int, seconds: float) -> dict[str, Any]:
    """Every figure of the three phases; raises if the race lost or doubled an amount."""
    with tempfile.TemporaryDirectory() as folder:
        server = _Server(f"sqlite:{Path(folder) / 'load.sqlite3'}")
        try:
            figures = _throughput(server.base, clients=clients, rounds=rounds, seconds=seconds)
            figures.update(_race(server.base, clients=clients, race=race, seconds=seconds))
            return figures
        finally:
            server.stop()


def _throughput(base: str, *, clients: int, rounds: int, seconds: float) -> dict[str, Any]:
    def floor(_n: int, session: requests.Session, deadline: float, out: list[float]) -> None:
        for _ in range(rounds * 4):
            if time.monotonic() > deadline:
                return
            _timed(out, lambda: session.get(base + "/sim/clock", timeout=30))

    failures: list[str] = []

    def mixed(n: int, session: requests.Session, deadline: float, out: list[float]) -> None:
        for r in range(rounds):
            if time.monotonic() > deadline:
                return
            body = {
                "type": "invoice",
                "partial_payment": True,
                "receipt": f"L-{n}-{r}",
                "customer": {"name": "Load", "email": "load@example.com"},
                "line_items": [{"name": "Unit", "amount": 1000, "quantity": 3}],
            }
            created = _timed(
                out, lambda b=body: session.post(base + "/v1/invoices", json=b, timeout=30)
            )
            invoice_id = created.json()["id"]
            _timed(out, lambda i=invoice_id: session.get(f"{base}/v1/invoices/{i}", timeout=30))
            payment = {"amount": 1000, "payment_id": f"pay_L{n}x{r}"}
            paid = _timed(
                out,
                lambda i=invoice_id, p=payment: session.post(
                    f"{base}/sim/invoices/{i}/payments", json=p, timeout=30
                ),
            )
            listed = _timed(
                out, lambda: session.get(base + "/v1/invoices", params={"count": 10}, timeout=30)
            )
            if not (created.ok and paid.ok and listed.ok):
                failures.append(f"{created.status_code} {paid.status_code} {listed.status_code}")

    floor_latencies, floor_wall = _in_threads(clients, floor, seconds)
    mixed_latencies, mixed_wall = _in_threads(clients, mixed, seconds)
    if failures:
        raise RuntimeError(f"mixed calls failed: {failures[:3]}")
    return {
        "clients": clients,
        "floor": (len(floor_latencies) / floor_wall, floor_latencies),
        "mixed": (len(mixed_latencies) / mixed_wall, mixed_latencies),
    }


def _race(base: str, *, clients: int, race: int, seconds: float) -> dict[str, Any]:
    owed = race * 100 // 2  # half the attempts fit: the rest must be refused
    session = _session()
    target = session.post(
        base + "/v1/invoices",
        json={
            "type": "invoice",
            "partial_payment": True,
            "customer": {"name": "Race", "email": "race@example.com"},
            "line_items": [{"name": "Shared", "amount": owed}],
        },
        timeout=30,
    ).json()
    accepted: list[int] = []
    refused: list[str] = []
    lock = threading.Lock()

    def pay(n: int, session: requests.Session, deadline: float, out: list[float]) -> None:
        for k in range(n, race, clients):
            if time.monotonic() > deadline:
                return
            answer = _timed(
                out,
                lambda k=k: session.post(
                    f"{base}/sim/invoices/{target['id']}/payments",
                    json={"amount": 100, "payment_id": f"pay_race{k}"},
                    timeout=30,
                ),
            )
            with lock:
                if answer.status_code == 200:
                    accepted.append(100)
                else:
                    refused.append(answer.json()["error"]["description"])

    race_latencies, race_wall = _in_threads(clients, pay, seconds)
    final = session.get(f"{base}/v1/invoices/{target['id']}", timeout=30).json()
    attempted = len(accepted) + len(refused)
    figures = {
        "race": (len(race_latencies) / race_wall, race_latencies),
        "race_attempted": attempted,
        "race_accepted": len(accepted),
        "race_accepted_sum": sum(accepted),
        "amount_paid": final["amount_paid"],
        "amount": final["amount"],
        "status": final["status"],
        "refusals": sorted(set(refused)),
    }
    complete = attempted == race
    lost_or_doubled = sum(accepted) != final["amount_paid"]
    over = final["amount_paid"] > final["amount"]
    stopped_short = complete and final["amount_paid"] != final["amount"]
    if lost_or_doubled or over or stopped_short:
        raise RuntimeError(f"payments lost or doubled: {figures}")
    return figures


def report(*, quick: bool) -> str:
    """The markdown table for docs/performance.md (and run.py's --server section)."""
    if quick:
        figures = measure(clients=4, rounds=10, race=40, seconds=20)
    else:
        figures = measure(clients=8, rounds=150, race=800, seconds=120)
    lines = [
        f"Server under load: {figures['clients']} concurrent clients on loopback, SQLite store.",
        "",
        "| phase | requests | throughput | p50 | p99 |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    names = {
        "floor": "floor: GET /sim/clock (HTTP + auth, no book)",
        "mixed": "mixed: create, fetch, pay, list",
        "race": "race: concurrent payments on one invoice",
    }
    for key, name in names.items():
        rate, latencies = figures[key]
        lines.append(
            f"| {name} | {len(latencies):,} | {rate:,.0f} req/s | "
            f"{_percentile(latencies, 0.50) * 1e3:.1f} ms | {_percentile(latencies, 0.99) * 1e3:.1f} ms |"
        )
    lines += [
        "",
        f"Race: {figures['race_attempted']} payments of 100 tried on one invoice of "
        f"{figures['amount']}; {figures['race_accepted']} accepted, adding up to "
        f"{figures['race_accepted_sum']}; the invoice says amount_paid {figures['amount_paid']}, "
        f"status {figures['status']}: nothing lost, nothing doubled. Refusals: "
        + "; ".join(figures["refusals"]),
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="a few seconds: CI's smoke run")
    print(report(quick=parser.parse_args().quick))


if __name__ == "__main__":
    main()
