"""examples/service.py over real loopback HTTP: calls, errors, the outbox, the sweep."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

SERVICE = Path(__file__).resolve().parent.parent / "examples" / "service.py"


def _request(base: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - loopback
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_the_example_service_answers_over_http_and_fills_its_outbox(tmp_path: Path) -> None:
    database = tmp_path / "billing.sqlite3"
    server = subprocess.Popen(
        [sys.executable, str(SERVICE), "--db", str(database), "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        base = server.stdout.readline().split()[-1]
        invoice = {
            "customer": {"name": "Asha", "email": "asha@example.com"},
            "line_items": [{"name": "Seat", "amount": 50_000}],
            "partial_payment": True,
        }
        created = _request(base, "POST", "/v1/invoices", invoice)
        invoice_id = created[1]["id"]
        paid = _request(
            base,
            "POST",
            f"/sim/invoices/{invoice_id}/payments",
            {"amount": 20_000, "payment_id": "pay_1"},
        )
        listed = _request(base, "GET", "/v1/invoices?count=5")
        refused = _request(base, "POST", f"/v1/invoices/{invoice_id}/cancel")
        missing = _request(base, "GET", "/v1/nowhere")
        swept = _request(base, "POST", "/sweep")
    finally:
        server.terminate()
        server.wait(timeout=30)
        if server.stdout is not None:
            server.stdout.close()

    assert created[0] == 200
    assert invoice_id.startswith("inv_")
    assert len(invoice_id) == len("inv_") + 14
    assert (paid[0], paid[1]["status"], paid[1]["amount_due"]) == (200, "partially_paid", 30_000)
    assert (listed[0], [item["id"] for item in listed[1]["items"]]) == (200, [invoice_id])
    assert (refused[0], refused[1]["error"]["description"]) == (
        400,
        "Operation not allowed for Invoice in partially_paid status.",
    )
    assert missing[0] == 404
    assert swept == (200, {"expired": []})
    with sqlite3.connect(database) as db:
        names = [row[0] for row in db.execute("SELECT name FROM outbox ORDER BY seq")]
    db.close()
    assert names[0] == "invoice.created"
    assert "invoice.partially_paid" in names
