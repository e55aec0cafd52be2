"""python -m invoicecore serve, as a real subprocess on loopback, judged by Razorpay's own SDK."""

from __future__ import annotations

import ast
import base64
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

pytest.importorskip("starlette", reason="the server extra is not installed")
pytest.importorskip("uvicorn", reason="the server extra is not installed")
razorpay = pytest.importorskip("razorpay", reason="the dev extra installs the official SDK")
requests = pytest.importorskip("requests")

from invoicecore.cli import main  # noqa: E402 - after the skips
from invoicecore.server.app import nest_form  # noqa: E402
from invoicecore.webhooks import sign  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Iterator

ROOT = Path(__file__).resolve().parent.parent
KEY_ID = "rzp_test_k3yk3yk3y"
KEY_SECRET = "s3cr3t"  # noqa: S105 - a test key for a loopback server
WEBHOOK_SECRET = "whs3cr3t"  # noqa: S105
T = 1_700_000_000


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _measured() -> dict[str, str]:
    """This environment, plus what makes coverage measure the server when it measures us.

    It is what coverage's ``patch = ["subprocess"]`` does, for these subprocesses
    alone (the other tests' many short subprocesses stay unmeasured and fast).
    """
    env = dict(os.environ)
    try:
        import coverage
    except ImportError:  # pragma: no cover - the dev extra installs it
        return env
    current = coverage.Coverage.current()
    if current is not None:
        env["COVERAGE_PROCESS_CONFIG"] = current.config.serialize()
    return env


class Server:
    """One ``python -m invoicecore serve`` subprocess and a requests session with its key."""

    def __init__(self, *options: str) -> None:
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        argv = [sys.executable, "-m", "invoicecore", "serve", "--port", str(self.port)]
        argv += ["--key-id", KEY_ID, "--key-secret", KEY_SECRET, *options]
        self.process = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=_measured()
        )
        self.session = requests.Session()
        self.session.trust_env = False  # loopback only: no proxy from the environment
        self.session.auth = (KEY_ID, KEY_SECRET)
        deadline = time.monotonic() + 20
        while True:
            try:
                if self.session.get(self.url("/sim/clock"), timeout=5).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                _, err = self.process.communicate(timeout=5)
                pytest.fail(f"the server did not start: {err.decode()}")
            time.sleep(0.05)

    def url(self, path: str) -> str:
        return self.base_url + path

    def client(self, key_id: str = KEY_ID, key_secret: str = KEY_SECRET) -> Any:
        session = requests.Session()
        session.trust_env = False
        return razorpay.Client(session=session, auth=(key_id, key_secret), base_url=self.base_url)

    def post(self, path: str, body: object) -> Any:
        return self.session.post(self.url(path), json=body, timeout=10)

    def stop(self) -> str:
        """SIGTERM, then the log; the server must exit 0 by itself."""
        self.session.close()
        self.process.send_signal(signal.SIGTERM)
        _, err = self.process.communicate(timeout=20)
        assert self.process.returncode == 0, err.decode()
        return err.decode()


class Listener:
    """A loopback webhook receiver; ``fail_next`` answers 500 that many times first."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.fail_next = 0
        self.lock = threading.Lock()
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with listener.lock:
                    failing = listener.fail_next > 0
                    listener.fail_next -= failing
                    if not failing:
                        listener.received.append((dict(self.headers), body))
                self.send_response(500 if failing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: object) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)
        self.thread.start()

    def wait_for(self, count: int) -> list[tuple[dict[str, str], bytes]]:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.05)
        pytest.fail(f"{count} webhooks expected, {len(self.received)} received")

    def close(self) -> None:
        self.http.shutdown()
        self.http.server_close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    receiver = Listener()
    yield receiver
    receiver.close()


@pytest.fixture(scope="module")
def server(listener: Listener) -> Iterator[Server]:
    """A manual-clock, in-memory server that posts webhooks to the listener."""
    running = Server(
        "--clock", "manual", "--webhook-url", listener.url, "--webhook-secret", WEBHOOK_SECRET
    )
    yield running
    log = running.stop()
    assert "POST /v1/invoices 200" in log  # one line per request


CUSTOMER = {"name": "Gaurav Kumar", "email": "gaurav@example.com", "contact": "+919000090000"}


def _draft(client: Any, **extra: object) -> dict[str, Any]:
    body = {
        "type": "invoice",
        "draft": "1",
        "customer": CUSTOMER,
        "line_items": [{"name": "Book", "amount": 40000}, {"name": "Pen", "amount": 1000}],
        **extra,
    }
    return dict(client.invoice.create({k: v for k, v in body.items() if v is not None}))


# -- the official SDK --------------------------------------------------------------
def test_the_sdk_creates_edits_issues_and_notifies(server: Server) -> None:
    client = server.client()

    draft = _draft(client)
    book, _pen = draft["line_items"]
    edited = client.invoice.edit(
        draft["id"],
        {"line_items": [{"id": book["id"], "quantity": 2}, {"name": "Ink", "amount": 500}]},
    )
    issued = client.invoice.issue(draft["id"])
    notified = client.invoice.notify_by(draft["id"], "sms")
    fetched = client.invoice.fetch(draft["id"])

    assert draft["status"] == "draft"
    assert draft["amount"] == 41000
    assert [(li["name"], li["quantity"]) for li in edited["line_items"]] == [
        ("Book", 2),
        ("Ink", 1),
    ]
    assert edited["amount"] == 80500
    assert issued["status"] == "issued"
    assert issued["short_url"].startswith("https://rzp.io/i/")
    assert issued["order_id"].startswith("order_")
    assert notified == {"success": True}
    assert fetched == issued


def test_the_sdk_creates_issued_invoices_cancels_deletes_and_lists(server: Server) -> None:
    client = server.client()
    customer = client.customer.create({"name": "Asha", "email": "asha@example.com"})

    issued = client.invoice.create(
        {
            "type": "invoice",
            "customer_id": customer["id"],
            "receipt": "R-CANCEL-1",
            "line_items": [{"name": "Lamp", "amount": 2500}],
        }
    )
    cancelled = client.invoice.cancel(issued["id"])
    doomed = _draft(client, customer_id=customer["id"], customer=None)
    deleted = client.invoice.delete(doomed["id"])
    kept = _draft(client, customer_id=customer["id"], customer=None, receipt="R-KEPT")
    by_customer = client.invoice.all({"customer_id": customer["id"]})
    by_receipt = client.invoice.all({"receipt": "R-KEPT"})
    one = client.invoice.all({"count": 1})

    assert issued["status"] == "issued"
    assert issued["customer_id"] == customer["id"]
    assert cancelled["status"] == "cancelled"
    assert deleted == []
    assert [i["id"] for i in by_customer["items"]] == [kept["id"], issued["id"]]
    assert by_customer["entity"] == "collection"
    assert by_receipt["count"] == 1
    assert by_receipt["items"][0]["id"] == kept["id"]
    assert one["count"] == 1
    assert one["items"][0]["id"] == kept["id"]  # newest first
    with pytest.raises(razorpay.errors.BadRequestError) as gone:
        client.invoice.fetch(doomed["id"])
    assert str(gone.value) == "The id provided does not exist"


@pytest.mark.parametrize(
    ("call", "description"),
    [
        pytest.param(
            lambda c, i: c.invoice.issue(i),
            "Operation not allowed for Invoice in issued status.",
            id="issue-twice",
        ),
        pytest.param(
            lambda c, i: c.invoice.notify_by(i, "fax"),
            "fax is not a valid communication medium.",
            id="bad-medium",
        ),
        pytest.param(
            lambda c, i: c.invoice.edit(i, {"currency": "USD"}),
            "currency is/are not required and should not be sent",
            id="extra-field",
        ),
        pytest.param(
            lambda c, _i: c.invoice.create({"type": "invoice", "customer": CUSTOMER}),
            "line_items is required.",
            id="no-line-items",
        ),
        pytest.param(
            lambda c, _i: c.invoice.all({"deleted": "1"}),
            "deleted is/are not required and should not be sent",
            id="unknown-filter",
        ),
    ],
)
def test_the_sdk_raises_bad_request_with_the_exact_description(
    server: Server, call: Any, description: str
) -> None:
    client = server.client()
    invoice = client.invoice.issue(_draft(client)["id"])

    with pytest.raises(razorpay.errors.BadRequestError) as refused:
        call(client, invoice["id"])

    assert str(refused.value) == description


@pytest.mark.parametrize(
    ("key_id", "key_secret", "description"),
    [
        ("rzp_test_someone_else", KEY_SECRET, "The api key provided is invalid"),
        (KEY_ID, "wrong", "Authentication failed"),
    ],
)
def test_a_wrong_key_gets_razorpays_401(
    server: Server, key_id: str, key_secret: str, description: str
) -> None:
    client = server.client(key_id, key_secret)
    raw = requests.get(server.url("/v1/invoices"), auth=(key_id, key_secret), timeout=10)

    with pytest.raises(razorpay.errors.BadRequestError) as refused:
        client.invoice.all()

    assert str(refused.value) == description
    assert raw.status_code == 401
    assert raw.json() == {
        "error": {
            "code": "BAD_REQUEST_ERROR",
            "description": description,
            "source": "NA",
            "step": "NA",
            "reason": "NA",
            "metadata": {},
        }
    }


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer x"}, {"Authorization": "Basic !!!"}],
    ids=["none", "not-basic", "not-base64"],
)
def test_no_key_gets_razorpays_401(server: Server, headers: dict[str, str]) -> None:
    answer = requests.get(server.url("/v1/invoices"), headers=headers, timeout=10)

    assert answer.status_code == 401
    assert answer.json()["error"]["description"] == (
        "Please provide your api key for authentication purposes"
    )


# -- webhooks -------------------------------------------------------------------------
def test_payments_send_signed_webhooks_that_the_sdk_verifies(
    server: Server, listener: Listener
) -> None:
    client = server.client()
    invoice = client.invoice.create(
        {
            "type": "invoice",
            "customer": CUSTOMER,
            "partial_payment": True,
            "line_items": [{"name": "Desk", "amount": 30000}],
        }
    )
    already = len(listener.received)

    part = server.post(
        f"/sim/invoices/{invoice['id']}/payments", {"amount": 10000, "payment_id": "pay_W1"}
    )
    rest = server.post(
        f"/sim/invoices/{invoice['id']}/payments", {"amount": 20000, "payment_id": "pay_W2"}
    )
    received = listener.wait_for(already + 2)[already:]

    assert part.json()["status"] == "partially_paid"
    assert rest.json()["status"] == "paid"
    events = [json.loads(body) for _, body in received]
    assert [e["event"] for e in events] == ["invoice.partially_paid", "invoice.paid"]
    for headers, body in received:
        signature = headers["X-Razorpay-Signature"]
        assert client.utility.verify_webhook_signature(body.decode(), signature, WEBHOOK_SECRET)
        assert signature == sign(body, WEBHOOK_SECRET)
    paid = events[1]
    assert paid["contains"] == ["payment", "order", "invoice"]
    assert paid["payload"]["payment"]["entity"]["id"] == "pay_W2"
    assert paid["payload"]["payment"]["entity"]["amount"] == 20000
    assert paid["payload"]["order"]["entity"]["status"] == "paid"
    assert paid["payload"]["invoice"]["entity"] == rest.json()
    with pytest.raises(razorpay.errors.SignatureVerificationError):
        client.utility.verify_webhook_signature(received[0][1].decode(), "0" * 64, WEBHOOK_SECRET)


def _deliveries(server: Server, invoice_id: str) -> list[dict[str, Any]]:
    items = server.session.get(server.url("/sim/webhooks"), timeout=10).json()["items"]
    return [d for d in items if d["invoice_id"] == invoice_id]


@pytest.mark.slow  # retries with real delays (CI)
def test_a_failed_webhook_is_retried_and_every_attempt_is_visible(
    server: Server, listener: Listener
) -> None:
    client = server.client()
    invoice = client.invoice.create(
        {"type": "invoice", "customer": CUSTOMER, "line_items": [{"name": "Chair", "amount": 900}]}
    )
    already = len(listener.received)
    listener.fail_next = 2

    server.post(f"/sim/invoices/{invoice['id']}/payments", {"amount": 900, "payment_id": "pay_R"})
    listener.wait_for(already + 1)
    deadline = time.monotonic() + 10
    while _deliveries(server, invoice["id"])[0]["status"] == "pending":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    delivery = _deliveries(server, invoice["id"])[0]

    assert delivery["status"] == "delivered"
    assert delivery["event"] == "invoice.paid"
    assert [a["status_code"] for a in delivery["attempts"]] == [500, 500, 200]
    assert delivery["url"] == listener.url


# -- the clock --------------------------------------------------------------------------
def test_moving_the_manual_clock_expires_invoices_and_sends_the_webhook(
    server: Server, listener: Listener
) -> None:
    client = server.client()
    now = server.session.get(server.url("/sim/clock"), timeout=10).json()["at"]
    invoice = client.invoice.create(
        {
            "type": "invoice",
            "customer": CUSTOMER,
            "expire_by": now + 1000,
            "line_items": [{"name": "Clock", "amount": 700}],
        }
    )
    already = len(listener.received)

    before = server.post("/sim/clock", {"advance": 999}).json()
    still = client.invoice.fetch(invoice["id"])
    after = server.post("/sim/clock", {"advance": 1}).json()
    expired = client.invoice.fetch(invoice["id"])
    [(_, body)] = listener.wait_for(already + 1)[already:]

    assert before == {"entity": "clock", "mode": "manual", "at": now + 999}
    assert still["status"] == "issued"
    assert after["at"] == now + 1000
    assert expired["status"] == "expired"
    assert expired["expired_at"] == now + 1000
    assert json.loads(body)["event"] == "invoice.expired"
    assert json.loads(body)["contains"] == ["invoice"]


@pytest.mark.parametrize(
    ("body", "description"),
    [
        ({"at": 1}, "The at may not be before the clock's time ({now})."),
        ({"advance": -1}, "The advance must be at least 0."),
        ({"advance": "60"}, "The advance must be an integer."),
        ({"advance": True}, "The advance must be an integer."),
        ({}, "Send exactly one of at and advance."),
        ({"at": 1, "advance": 1}, "Send exactly one of at and advance."),
        ({"when": 1}, "when is/are not required and should not be sent"),
        ([1], "The body must be an object."),
    ],
)
def test_the_clock_refuses_to_go_back_or_guess(
    server: Server, body: object, description: str
) -> None:
    now = server.session.get(server.url("/sim/clock"), timeout=10).json()["at"]

    answer = server.post("/sim/clock", body)

    assert answer.status_code == 400
    assert answer.json()["error"]["description"] == description.format(now=now)
    assert server.session.get(server.url("/sim/clock"), timeout=10).json()["at"] == now


# -- the replay protocol's answers, byte for byte -----------------------------------------
@pytest.mark.slow  # a server process per test
@pytest.mark.parametrize("name", ["lifecycle", "cancel", "expiry", "first-errors"])
def test_the_server_answers_what_the_replay_answers(name: str) -> None:
    text = (ROOT / "examples" / f"{name}.jsonl").read_text(encoding="utf-8")
    script = [line for line in text.splitlines() if line.strip()]
    expected = (ROOT / "examples" / f"{name}.expected.jsonl").read_text(encoding="utf-8")
    running = Server("--clock", "manual", "--start-at", str(T))
    compared = 0
    try:
        for line, want in zip(script, expected.splitlines(), strict=True):
            try:
                call = json.loads(line)
            except ValueError:
                continue  # not JSON: a replay-only line
            if not isinstance(call, dict) or not isinstance(call.get("at"), int) or call["at"] < T:
                continue  # no HTTP request carries these
            moved = running.post("/sim/clock", {"at": call["at"]})
            assert moved.status_code == 200, moved.text
            answer = running.session.request(
                call["method"],
                running.url(call["path"]),
                params=call.get("query"),
                data=None if "body" not in call else json.dumps(call["body"]),
                headers={"Content-Type": "application/json"},
                timeout=10,
            )
            assert {"status": answer.status_code, "body": answer.json()} == json.loads(want)
            compared += 1
    finally:
        running.stop()
    assert compared >= 5


def test_unknown_routes_and_methods_get_the_replays_404(server: Server) -> None:
    not_found: dict[str, Any] = {
        "error": {
            "code": "BAD_REQUEST_ERROR",
            "description": "The requested URL was not found on the server.",
            "field": None,
            "source": "business",
            "step": "payment_initiation",
            "reason": "input_validation_failed",
            "metadata": {},
        }
    }

    answers = [
        server.session.request(method, server.url(path), timeout=10)
        for method, path in [
            ("GET", "/v1/payments"),
            ("PUT", "/v1/invoices"),
            ("OPTIONS", "/v1/invoices"),
            ("DELETE", "/sim/clock"),
            ("POST", "/sim/webhooks"),
        ]
    ]

    assert [(a.status_code, a.json()) for a in answers] == [(404, not_found)] * 5


def test_bad_json_is_a_400_and_form_bodies_are_read(server: Server) -> None:
    bad = server.session.post(
        server.url("/v1/invoices"),
        data=b"{nope",
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    form = server.session.post(
        server.url("/v1/customers"),
        data={
            "name": "Form Person",
            "billing_address[line1]": "1 Road",
            "shipping_address[city]": "Pune",
        },
        timeout=10,
    )
    strings = server.session.post(
        server.url("/v1/invoices"),
        data={"type": "invoice", "line_items[0][name]": "Book", "line_items[0][amount]": "400"},
        timeout=10,
    )

    assert bad.status_code == 400
    assert bad.json()["error"]["description"] == "The body must be valid JSON."
    assert form.status_code == 200
    assert form.json()["name"] == "Form Person"
    assert form.json()["billing_address"]["line1"] == "1 Road"
    assert form.json()["shipping_address"]["city"] == "Pune"
    assert strings.status_code == 400  # values stay strings, checked as JSON strings would be
    assert strings.json()["error"]["description"] == "The amount must be an integer."


@pytest.mark.parametrize(
    ("pairs", "nested"),
    [
        ([("a", "1")], {"a": "1"}),
        ([("a[b]", "1"), ("a[c]", "2")], {"a": {"b": "1", "c": "2"}}),
        (
            [("li[0][name]", "x"), ("li[0][amount]", "1"), ("li[1][name]", "y")],
            {"li": [{"name": "x", "amount": "1"}, {"name": "y"}]},
        ),
        ([("t[]", "x"), ("t[]", "y")], {"t": ["x", "y"]}),
        ([("n[2]", "x")], {"n": {"2": "x"}}),
        ([("odd]", "x"), ("a[b", "y")], {"odd]": "x", "a[b": "y"}),
        ([("a", "1"), ("a[b]", "2")], {"a": {"b": "2"}}),
    ],
)
def test_form_fields_nest_as_razorpays_brackets_say(
    pairs: list[tuple[str, str]], nested: object
) -> None:
    assert nest_form(pairs) == nested


# -- the store: a restart keeps everything ----------------------------------------------
@pytest.mark.slow  # two server processes, one after the other (CI)
def test_a_restart_with_the_same_sqlite_file_keeps_the_book(tmp_path: Path) -> None:
    store = f"sqlite:{tmp_path / 'book.sqlite3'}"
    first = Server("--store", store, "--clock", "manual", "--start-at", str(T))
    client = first.client()
    customer = client.customer.create({"name": "Ravi", "email": "ravi@example.com"})
    item = first.post("/v1/items", {"name": "Tea", "amount": 300}).json()
    draft = _draft(client, receipt="R-HELD")
    issued = client.invoice.create(
        {
            "type": "invoice",
            "customer_id": customer["id"],
            "partial_payment": True,
            "expire_by": T + 5000,
            "line_items": [{"item_id": item["id"]}, {"name": "Cup", "amount": 200}],
        }
    )
    first.post(f"/sim/invoices/{issued['id']}/payments", {"amount": 100, "payment_id": "pay_P1"})
    first.post("/sim/clock", {"advance": 60})
    first.post("/v1/invoices", {"bad": "call"})  # a failure moves nothing
    before = client.invoice.all({"count": 100})
    first.stop()

    second = Server("--store", store, "--clock", "manual", "--start-at", str(T))
    client = second.client()
    after = client.invoice.all({"count": 100})
    clock = second.session.get(second.url("/sim/clock"), timeout=10).json()
    again = _draft(client, customer_id=customer["id"], customer=None)
    with pytest.raises(razorpay.errors.BadRequestError) as held:
        _draft(client, receipt="R-HELD")
    rest = second.post(
        f"/sim/invoices/{issued['id']}/payments", {"amount": 400, "payment_id": "pay_P2"}
    )
    by_item = second.post(
        "/v1/invoices", {"type": "invoice", "draft": "1", "line_items": [{"item_id": item["id"]}]}
    )
    second.stop()

    assert after == before
    assert after["count"] == 2
    assert clock["at"] == T + 60  # a manual clock does not start before the file's time
    assert again["id"] == "inv_00000000000003"  # the counter went on
    assert again["customer_id"] == customer["id"]
    assert again["line_items"][0]["id"] == "li_00000000000005"
    assert str(held.value) == "receipt must be unique for each item : R-HELD"
    assert (rest.json()["status"], rest.json()["amount_paid"]) == ("paid", 500)
    assert by_item.json()["line_items"][0]["name"] == "Tea"
    assert draft["receipt"] == "R-HELD"


@pytest.mark.slow  # a server process per test
def test_a_lone_surrogate_is_answered_kept_and_restored(tmp_path: Path) -> None:
    """Valid JSON (``"\\ud800"``), invalid UTF-8: escaped in answers, kept across a restart."""
    store = f"sqlite:{tmp_path / 'book.sqlite3'}"
    first = Server("--store", store)
    created = _draft(first.client(), description="a lone \ud800 surrogate")
    first.stop()

    second = Server("--store", store)
    raw = second.session.get(second.url(f"/v1/invoices/{created['id']}"), timeout=10)
    second.stop()

    assert created["description"] == "a lone \ud800 surrogate"
    assert raw.status_code == 200
    assert b'"a lone \\ud800 surrogate"' in raw.content
    assert raw.json() == created


def test_a_store_spec_no_store_takes_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["serve", "--store", "redis://nowhere", "--port", "0"])

    assert code == 2
    assert capsys.readouterr().err == (
        "invoicecore serve: cannot open redis://nowhere: "
        "expected memory, sqlite:PATH or a postgresql:// URL\n"
    )


def test_a_database_that_cannot_be_reached_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["serve", "--store", "postgresql://nowhere.invalid/db", "--port", "0"])

    assert code == 2
    assert "invoicecore serve: cannot open postgresql://nowhere.invalid/db: " in (
        capsys.readouterr().err
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--webhook-url", "http://127.0.0.1:1/"],
            "--webhook-url and --webhook-secret go together",
        ),
        (["--start-at", "5"], "--start-at needs --clock manual"),
        (["--key-id", ""], "--key-id and --key-secret may not be empty"),
        (
            ["--webhook-url", "ftp://x/", "--webhook-secret", "s"],
            "--webhook-url must be an http:// or https:// URL, not 'ftp://x/'",
        ),
        (
            ["--webhook-url", "http://x/", "--webhook-secret", ""],
            "--webhook-secret may not be empty",
        ),
        (["--port", "70000"], "--port must be 0..65535, not 70000"),
    ],
)
def test_options_that_do_not_fit_together_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["serve", *argv])

    assert code == 2
    assert capsys.readouterr().err == f"invoicecore serve: {message}\n"


def test_a_file_that_is_not_a_database_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "other.sqlite3"
    path.write_bytes(b"not a database at all, just text" * 10)

    code = main(["serve", "--store", f"sqlite:{path}", "--port", "0"])

    assert code == 2
    assert f"cannot open sqlite:{path}" in capsys.readouterr().err


def test_serve_help_names_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["serve", "--help"])

    out = capsys.readouterr().out
    assert done.value.code == 0
    for option in (
        "--host",
        "--port",
        "--store",
        "--key-id",
        "--key-secret",
        "--webhook-url",
        "--webhook-secret",
        "--clock",
        "--start-at",
    ):
        assert option in out


# -- the edge stays an edge ------------------------------------------------------------
def test_the_core_never_imports_the_server() -> None:
    package = ROOT / "invoicecore"
    importers = []
    for path in sorted(package.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            if any(name.startswith("invoicecore.server") for name in names):
                importers.append(path.name)
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            (
                "import sys, invoicecore, invoicecore.book, invoicecore.cli, invoicecore.replay; "
                "print(sorted(m for m in sys.modules if m.split('.')[0] in "
                "{'starlette', 'uvicorn', 'anyio'} or m.startswith('invoicecore.server.')))"
            ),
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )

    assert importers == ["cli.py"]  # the command line's edge, for `serve`'s options only
    assert loaded.stdout.strip() == "['invoicecore.server.options']"


def test_the_auth_header_the_sdk_sends_is_basic() -> None:
    prepared = requests.Request(
        "GET", "http://127.0.0.1/v1/invoices", auth=(KEY_ID, KEY_SECRET)
    ).prepare()

    scheme, encoded = prepared.headers["Authorization"].split(" ")

    assert scheme == "Basic"
    assert base64.b64decode(encoded).decode() == f"{KEY_ID}:{KEY_SECRET}"


@pytest.mark.slow  # a server process per test
def test_a_real_clock_reads_the_wall_clock_and_refuses_to_be_moved() -> None:
    before = int(time.time())
    running = Server()
    try:
        clock = running.session.get(running.url("/sim/clock"), timeout=10).json()
        moved = running.post("/sim/clock", {"advance": 60})
    finally:
        running.stop()

    assert clock["mode"] == "real"
    assert before <= clock["at"] <= int(time.time())
    assert moved.status_code == 400
    assert moved.json()["error"]["description"] == (
        "The clock is real; start the server with --clock manual to move it."
    )
