"""A small invoicing service over invoicecore: stdlib HTTP, SQLite, an outbox, the sweep.

Run:  python examples/service.py --db billing.sqlite3 --port 8000
Then: curl -X POST localhost:8000/v1/invoices -d '{"draft": "1"}'

- The book's data lives in one SQLite file (``SQLiteStore``); every request is
  one ``Book.handle`` call, which is one transaction.
- The events of each call go to an ``outbox`` table in the same transaction
  (``Book(outbox=...)``), so an event is kept if and only if its call is.
  A separate worker would read the outbox and deliver webhooks.
- The sweep: each call first expires the invoices that came due, and
  ``POST /sweep`` runs it alone (call it from cron every minute).
- Errors: a client's mistake is Razorpay's 400 envelope (404 for an unknown
  path); a lost race (``ConflictError``, after the book's retries) is 409 and
  a store error 503, never a 400.
- The clock is the wall clock, in epoch seconds.
"""

from __future__ import annotations

import argparse
import json
import secrets
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

import attrs

from invoicecore.book import Book, Call
from invoicecore.ids import RandomIds
from invoicecore.store import ConflictError, StoreError
from invoicecore.stores.sqlite import SQLiteStore

if TYPE_CHECKING:
    from invoicecore.events import Event
    from invoicecore.store import Transaction

OUTBOX = """CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY, name TEXT NOT NULL, payload TEXT NOT NULL, delivered INTEGER DEFAULT 0
)"""


def open_book(path: str, *, ids: Any = None) -> tuple[Book, SQLiteStore]:  # noqa: ANN401
    """The book in ``path`` with its outbox table; random Razorpay-shaped ids by default."""
    store = SQLiteStore(path)
    store.connection.execute(OUTBOX)

    def outbox(tx: Transaction, events: tuple[Event, ...]) -> None:
        del tx  # the events go through the same connection, in the same transaction
        store.connection.executemany(
            "INSERT INTO outbox (name, payload) VALUES (?, ?)",
            [(event.name, json.dumps(attrs.asdict(event), default=str)) for event in events],
        )

    book = Book(store=store, ids=ids or RandomIds(secrets.randbelow), outbox=outbox)
    return book, store


class Handler(BaseHTTPRequestHandler):
    """One HTTP request -> one book call -> one JSON response."""

    book: Book
    server_version = "invoicecore-example/1"

    def _answer(self, method: str) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            self._send(400, {"error": {"description": "The body is not JSON."}})
            return
        if (method, url.path) == ("POST", "/sweep"):
            events = self.book.expire_due(int(time.time()))
            self._send(200, {"expired": [event.invoice_id for event in events]})
            return
        call = Call(
            at=int(time.time()),
            method=method,
            path=url.path,
            body=body,
            query=dict(parse_qsl(url.query)) or None,
        )
        try:
            response = self.book.handle(call)
        except ConflictError as error:
            self._send(409, {"error": {"code": error.code, "description": error.description}})
            return
        except StoreError as error:
            self._send(503, {"error": {"code": error.code, "description": error.description}})
            return
        self._send(response.status, response.body)

    def _send(self, status: int, body: object) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(HTTPStatus(status))
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._answer("GET")

    def do_POST(self) -> None:
        self._answer("POST")

    def do_PATCH(self) -> None:
        self._answer("PATCH")

    def do_DELETE(self) -> None:
        self._answer("DELETE")

    def log_message(self, format: str, *args: Any) -> None:  # noqa: ANN401
        """Quiet: a real service would log here."""


def serve(path: str, port: int, *, host: str = "127.0.0.1") -> HTTPServer:
    """A server over the book in ``path``: one connection, requests in turn.

    To serve more at once, run several processes over the same file: SQLite's
    locks and the versions keep their writes apart.
    """
    book, _store = open_book(path)
    handler = type("BookHandler", (Handler,), {"book": book})
    return HTTPServer((host, port), handler)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="billing.sqlite3")
    parser.add_argument("--port", type=int, default=8000)
    arguments = parser.parse_args()
    server = serve(arguments.db, arguments.port)
    print(f"serving on http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
