"""The ASGI application: Razorpay's auth and bodies in front of ``Book.handle``.

Every request but the two server-only ``/sim`` endpoints (``/sim/clock``,
``/sim/webhooks``) becomes one replay :class:`~invoicecore.book.Call` at the
clock's time, so paths, bodies and statuses are the replay protocol's, unknown
routes and methods included. The book (its store's transaction included) and the webhook
rendering run in one synchronous step on the event loop, with no ``await``
between them: calls are applied one at a time, in arrival order, so two
concurrent payments on one invoice can neither both pass the amount-due check
nor overwrite each other.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import hmac
import json
import logging
import re
import time
import urllib.parse
from typing import TYPE_CHECKING, Any, Final

import attrs
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount

from invoicecore import errors, wire
from invoicecore._jsonline import loads_strict
from invoicecore.book import Call
from invoicecore.server.clock import ManualClock, make_clock
from invoicecore.server.delivery import Deliveries
from invoicecore.server.persistence import open_book

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from starlette.types import Receive, Scope, Send

    from invoicecore.entities import Invoice
    from invoicecore.events import Event

__all__ = [
    "AUTH_FAILED",
    "CLOCK_BACKWARDS",
    "CLOCK_IS_REAL",
    "CLOCK_ONE_OF",
    "KEY_INVALID",
    "KEY_MISSING",
    "SERVER_ERROR",
    "Settings",
    "create_app",
    "nest_form",
]

LOG: Final = logging.getLogger("invoicecore.server")

KEY_MISSING: Final = "Please provide your api key for authentication purposes"
"""Razorpay's 401 text when a request carries no basic-auth credentials."""
KEY_INVALID: Final = "The api key provided is invalid"
"""Razorpay's 401 text for a key id it does not know."""
AUTH_FAILED: Final = "Authentication failed"
"""Razorpay's 401 text for a known key id with the wrong secret."""

SERVER_ERROR: Final = (
    "We are facing some trouble completing your request at the moment. Please try again shortly."
)
"""Razorpay's text for a failure on its side (status 500)."""

CLOCK_IS_REAL: Final = errors.Message(
    code="CLOCK_IS_REAL",
    template="The clock is real; start the server with --clock manual to move it.",
    kind=errors.OperationNotAllowedError,
    source="invoicecore",
)
CLOCK_BACKWARDS: Final = errors.Message(
    code="CLOCK_BACKWARDS",
    template="The at may not be before the clock's time ({now}).",
    kind=errors.InvalidRequestError,
    source="invoicecore",
)
CLOCK_ONE_OF: Final = errors.Message(
    code="CLOCK_ONE_OF",
    template="Send exactly one of at and advance.",
    kind=errors.InvalidRequestError,
    source="invoicecore",
)
SWEEP_INTERVAL: Final = 1.0
"""Seconds between expiry sweeps under the real clock, so expiry needs no request."""
SHUTDOWN_GRACE: Final = 2.0
"""Seconds that queued webhooks get to go out when the server stops."""


@attrs.frozen(kw_only=True)
class Settings:
    """Everything ``serve`` is told on its command line (``options.py`` documents each)."""

    host: str = "127.0.0.1"
    port: int = 8080
    store: str = "memory"
    key_id: str
    key_secret: str
    webhook_url: str | None = None
    webhook_secret: str | None = None
    clock: str = "real"
    start_at: int | None = None


def create_app(settings: Settings) -> Starlette:
    """The server for these settings; opens (and replays) the store at once.

    Raises:
        ValueError: a bad ``--store`` or ``--clock``, or a store file that will not open.
    """
    state = _Server(settings)
    return Starlette(lifespan=state.lifespan, routes=[Mount("", app=state)])


class _Server:
    """The book, its store, its clock and its webhooks; one ASGI callable over them."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.persistence = open_book(settings.store)
        self.clock = make_clock(
            settings.clock, not_before=self.persistence.last_at, start=settings.start_at
        )
        self.deliveries: Deliveries | None = None

    @contextlib.asynccontextmanager
    async def lifespan(self, _app: Starlette) -> AsyncIterator[None]:
        self.deliveries = Deliveries(self.settings.webhook_url, self.settings.webhook_secret)
        self.deliveries.start()
        sweeper = asyncio.get_running_loop().create_task(self._sweep_forever())
        try:
            yield
        finally:
            sweeper.cancel()
            await asyncio.gather(sweeper, return_exceptions=True)
            await self.deliveries.stop(grace=SHUTDOWN_GRACE)
            self.persistence.close()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        started = time.perf_counter()
        raw = await request.body()
        response = self._respond(request, raw)
        await response(scope, receive, send)
        elapsed = (time.perf_counter() - started) * 1000
        LOG.info("%s %s %d %.1fms", request.method, request.url.path, response.status_code, elapsed)

    # -- one request, synchronously -----------------------------------------
    def _respond(self, request: Request, raw: bytes) -> Response:
        refusal = _authenticate(request, self.settings.key_id, self.settings.key_secret)
        if refusal is not None:
            return _json(401, _auth_error(refusal))
        method, path = request.method, request.url.path
        at = self.clock.now()
        try:
            if path == "/sim/clock" and method in {"GET", "POST"}:
                return _json(200, self._clock(method, raw))
            if path == "/sim/webhooks" and method == "GET":
                assert self.deliveries is not None  # noqa: S101 - set before any request
                return _json(200, self.deliveries.collection())
            body = None if method in {"GET", "HEAD"} else _body(request, raw)
        except errors.InvoiceError as error:
            return _json(400, wire.render_error(error))
        query = dict(request.query_params) or None
        call = Call(at=at, method=method, path=path, body=body, query=query)
        try:
            answer = self.persistence.book.handle(call)
            self.persistence.record(call, answer)
        except Exception:
            # A bug or a store failure, never the client's: Razorpay's 500, and the trace.
            LOG.exception("%s %s failed", method, path)
            return _json(500, _server_error())
        self._publish(answer.events, at)
        return _json(answer.status, answer.body)

    def _clock(self, method: str, raw: bytes) -> dict[str, Any]:
        if method == "POST":
            if not isinstance(self.clock, ManualClock):
                raise CLOCK_IS_REAL.error()
            at = _clock_target(_json_body(raw), self.clock.now())
            self.clock.move_to(at)
            self.persistence.save_clock(at)
            self._publish(self.persistence.sweep(at), at)
        return {"entity": "clock", "mode": self.clock.mode, "at": self.clock.now()}

    def _publish(self, events: tuple[Event, ...], at: int) -> None:
        if not events or self.deliveries is None:
            return
        invoices: dict[str, Invoice] = {}
        for event in events:
            with contextlib.suppress(errors.InvoiceError):
                invoices[event.invoice_id] = self.persistence.book.get(event.invoice_id)
        self.deliveries.enqueue(events, invoices, at)

    async def _sweep_forever(self) -> None:
        """Under the real clock, expire what is due once a second, webhooks and all."""
        if isinstance(self.clock, ManualClock):
            return
        while True:
            await asyncio.sleep(SWEEP_INTERVAL)
            at = self.clock.now()
            self._publish(self.persistence.sweep(at), at)


# -- authentication ---------------------------------------------------------------
def _authenticate(request: Request, key_id: str, key_secret: str) -> str | None:
    """``None`` when the basic-auth pair is right, else Razorpay's 401 description."""
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        return KEY_MISSING
    try:
        given_id, _, given_secret = (
            base64.b64decode(encoded.strip(), validate=True).decode("utf-8").partition(":")
        )
    except (binascii.Error, UnicodeDecodeError):
        return KEY_MISSING
    if not given_id:
        return KEY_MISSING
    if not hmac.compare_digest(given_id.encode(), key_id.encode()):
        return KEY_INVALID
    if not hmac.compare_digest(given_secret.encode(), key_secret.encode()):
        return AUTH_FAILED
    return None


def _auth_error(description: str) -> dict[str, Any]:
    """Razorpay's auth envelope: ``source``, ``step`` and ``reason`` are ``NA``, no ``field``."""
    return {
        "error": {
            "code": "BAD_REQUEST_ERROR",
            "description": description,
            "source": "NA",
            "step": "NA",
            "reason": "NA",
            "metadata": {},
        }
    }


def _server_error() -> dict[str, Any]:
    """Razorpay's envelope for its own failures: the SDK raises ``ServerError`` with it."""
    return {
        "error": {
            "code": "SERVER_ERROR",
            "description": SERVER_ERROR,
            "source": "NA",
            "step": "NA",
            "reason": "NA",
            "metadata": {},
        }
    }


# -- bodies -------------------------------------------------------------------------
def _body(request: Request, raw: bytes) -> object:
    """JSON (what the SDKs send) or form-encoded (what ``curl -d`` sends); empty is ``None``."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/x-www-form-urlencoded":
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _not_json() from None
        return nest_form(urllib.parse.parse_qsl(text, keep_blank_values=True))
    if not raw.strip():
        return None
    return _json_body(raw)


def _json_body(raw: bytes) -> object:
    if not raw.strip():
        return None
    try:
        return loads_strict(raw.decode("utf-8"))
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise _not_json() from None


def _not_json() -> errors.InvoiceError:
    return errors.MUST_BE.error(field="body", attribute="body", expected="valid JSON")


_KEY: Final = re.compile(r"([^\[\]]+)((?:\[[^\[\]]*\])*)")
_SEGMENT: Final = re.compile(r"\[([^\[\]]*)\]")


def nest_form(pairs: list[tuple[str, str]]) -> object:
    """Form fields in Razorpay's (PHP's) bracket form as the nested JSON they stand for.

    ``line_items[0][name]=Book`` becomes ``{"line_items": [{"name": "Book"}]}``;
    ``a[]=x`` appends; a level whose keys are ``0..n-1`` becomes a list. Values
    stay strings, exactly as a JSON body of strings would be checked.
    """
    root: dict[str, Any] = {}
    for key, value in pairs:
        match = _KEY.fullmatch(key)
        path = [match.group(1), *_SEGMENT.findall(match.group(2))] if match else [key]
        node = root
        for segment in path[:-1]:
            name = segment or str(len(node))
            child = node.get(name)
            if not isinstance(child, dict):
                child = node[name] = {}
            node = child
        node[path[-1] or str(len(node))] = value
    return _listify(root)


def _listify(node: dict[str, Any]) -> Any:  # noqa: ANN401 - a dict or a list
    nested = {key: _listify(v) if isinstance(v, dict) else v for key, v in node.items()}
    if nested and sorted(nested) == sorted(str(n) for n in range(len(nested))):
        return [nested[str(n)] for n in range(len(nested))]
    return nested


# -- the clock --------------------------------------------------------------------
def _clock_target(body: object, now: int) -> int:
    """``{"at": T}`` (T >= now) or ``{"advance": S}`` (S >= 0 seconds): where the clock goes."""
    if not isinstance(body, dict):
        raise errors.MUST_BE.error(field="body", attribute="body", expected="an object")
    extras = [key for key in body if key not in {"at", "advance"}]
    if extras:
        raise errors.EXTRA_FIELDS.error(field=extras[0], keys=", ".join(extras))
    if len(body) != 1:
        raise CLOCK_ONE_OF.error(field="at")
    [(key, value)] = body.items()
    if isinstance(value, bool) or not isinstance(value, int):
        raise errors.MUST_BE.error(field=key, attribute=key, expected="an integer")
    target = now + value if key == "advance" else value
    if target < now:
        if key == "advance":
            raise errors.MIN_VALUE.error(field=key, attribute=key, minimum=0)
        raise CLOCK_BACKWARDS.error(field="at", now=now)
    return target


_SURROGATE: Final = re.compile("[\ud800-\udfff]")


def _json(status: int, body: object) -> Response:
    """UTF-8 JSON; a lone surrogate (valid in JSON, not in UTF-8) is sent as its escape."""
    text = json.dumps(body, ensure_ascii=False, allow_nan=False)
    text = _SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
    return Response(text.encode("utf-8"), status_code=status, media_type="application/json")
