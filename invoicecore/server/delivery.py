"""Webhooks: render, sign and deliver, off the request path, with retries.

The body is ``invoicecore.webhooks.render_webhook``'s envelope and the
``X-Razorpay-Signature`` header its ``sign`` (the hex HMAC-SHA256 of the exact
body bytes).

Delivery never blocks a call: the request handler renders the body and puts it
on a bounded queue (a full queue drops the webhook and says so at
``/sim/webhooks``); one worker posts, and a failed post is tried again after a
backoff that doubles, up to :data:`MAX_ATTEMPTS` attempts in all.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any, Final

from invoicecore.webhooks import WEBHOOK_EVENTS, render_webhook, sign

if TYPE_CHECKING:
    from invoicecore.entities import Invoice
    from invoicecore.events import Event

__all__ = ["ACCOUNT_ID", "MAX_ATTEMPTS", "Deliveries"]

ACCOUNT_ID: Final = "acc_00000000000001"
"""The simulated merchant account, in every webhook's ``account_id``."""
MAX_ATTEMPTS: Final = 5
"""Attempts per webhook, the first included; then it is marked ``failed``."""
QUEUE_SIZE: Final = 1000
FIRST_BACKOFF: Final = 0.5
"""Seconds before the second attempt; each later wait doubles."""
POST_TIMEOUT: Final = 5.0


class Deliveries:
    """The webhook queue, its worker, and every delivery's attempts for ``/sim/webhooks``."""

    def __init__(self, url: str | None, secret: str | None) -> None:
        self.url = url
        self._secret = secret or ""
        self._records: list[dict[str, Any]] = []
        self._queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(QUEUE_SIZE)
        self._tasks: set[asyncio.Task[None]] = set()
        self._pending = 0
        self._quiet = asyncio.Event()
        self._quiet.set()

    def enqueue(self, events: tuple[Event, ...], invoices: dict[str, Invoice], at: int) -> None:
        """Render and queue one webhook per webhook event; never waits."""
        if self.url is None:
            return
        for event in events:
            invoice = invoices.get(event.invoice_id)
            if event.name not in WEBHOOK_EVENTS or invoice is None:
                continue
            envelope = render_webhook(event, invoice, account_id=ACCOUNT_ID, created_at=at)
            body = json.dumps(envelope, ensure_ascii=False, allow_nan=False).encode("utf-8")
            record: dict[str, Any] = {
                "id": f"whd_{len(self._records) + 1:014d}",
                "entity": "webhook_delivery",
                "event": event.name,
                "invoice_id": event.invoice_id,
                "url": self.url,
                "status": "pending",
                "signature": sign(body, self._secret),
                "attempts": [],
                "payload": envelope,
                "_body": body,
            }
            self._records.append(record)
            self._pending += 1
            self._quiet.clear()
            try:
                self._queue.put_nowait(record)
            except asyncio.QueueFull:
                self._settle(record, "dropped")

    def collection(self) -> dict[str, Any]:
        """What ``GET /sim/webhooks`` answers: every delivery, oldest first."""
        items = [{k: v for k, v in r.items() if not k.startswith("_")} for r in self._records]
        return {"entity": "collection", "count": len(items), "items": items}

    def start(self) -> None:
        """Start the worker (inside the server's event loop)."""
        self._spawn(self._work())

    async def stop(self, *, grace: float) -> None:
        """Give queued webhooks ``grace`` seconds, then cancel the worker and pending retries."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._settled(), grace)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _settled(self) -> None:
        await self._quiet.wait()

    def _settle(self, record: dict[str, Any], status: str) -> None:
        record["status"] = status
        self._pending -= 1
        if not self._pending:
            self._quiet.set()

    def _spawn(self, coroutine: Any) -> None:  # noqa: ANN401 - any coroutine
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _work(self) -> None:
        while True:
            record = await self._queue.get()
            await self._attempt(record)

    async def _attempt(self, record: dict[str, Any]) -> None:
        started = time.time()
        status, error = await asyncio.to_thread(
            _post, str(record["url"]), record["_body"], str(record["signature"])
        )
        record["attempts"].append({"at": int(started), "status_code": status, "error": error})
        if status is not None and 200 <= status < 300:  # noqa: PLR2004
            self._settle(record, "delivered")
        elif len(record["attempts"]) >= MAX_ATTEMPTS:
            self._settle(record, "failed")
        else:
            delay = FIRST_BACKOFF * 2 ** (len(record["attempts"]) - 1)
            self._spawn(self._retry(record, delay))

    async def _retry(self, record: dict[str, Any], delay: float) -> None:
        await asyncio.sleep(delay)
        try:
            self._queue.put_nowait(record)
        except asyncio.QueueFull:
            self._settle(record, "dropped")


def _post(url: str, body: bytes, signature: str) -> tuple[int | None, str | None]:
    """One POST: the status code, or ``None`` and why it did not get one."""
    request = urllib.request.Request(  # noqa: S310 - the operator's own webhook URL
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "X-Razorpay-Signature": signature},
    )
    try:
        with urllib.request.urlopen(request, timeout=POST_TIMEOUT) as response:  # noqa: S310
            return int(response.status), None
    except urllib.error.HTTPError as error:
        return int(error.code), None
    except (urllib.error.URLError, OSError, ValueError) as error:
        return None, str(getattr(error, "reason", error))
