"""Run the app under uvicorn: logging, the listening line, signals and the exit code."""

from __future__ import annotations

import logging
import signal
import sys
from typing import TYPE_CHECKING

import uvicorn

from invoicecore.server.app import create_app

if TYPE_CHECKING:
    from types import FrameType

    from invoicecore.server.app import Settings

__all__ = ["serve"]


def serve(settings: Settings) -> int:
    """Serve until SIGINT or SIGTERM (uvicorn stops accepting, finishes requests, then exits).

    One log line per request goes to standard error; 2 when the store will not
    open, 1 when the port cannot be bound.
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    logger = logging.getLogger("invoicecore.server")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        app = create_app(settings)
    except ValueError as error:
        sys.stderr.write(f"invoicecore serve: {error}\n")
        return 2
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        access_log=False,  # the app logs one line per request itself
        log_level="warning",
        lifespan="on",
    )
    server = uvicorn.Server(config)
    logger.info(
        "invoicecore serve: http://%s:%d (key id %s, store %s, clock %s%s)",
        settings.host,
        settings.port,
        settings.key_id,
        settings.store,
        settings.clock,
        f", webhooks to {settings.webhook_url}" if settings.webhook_url else "",
    )
    # uvicorn stops gracefully on SIGINT/SIGTERM, then raises the signal again for the
    # handler that was there before it; this one notes it, so the exit is a clean 0.
    stopped_by: list[int] = []

    def note(number: int, _frame: FrameType | None) -> None:
        stopped_by.append(number)

    previous = {number: signal.signal(number, note) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        server.run()
    finally:
        for number, earlier in previous.items():
            signal.signal(number, earlier)
    if not server.started:
        return 1
    names = ", ".join(signal.Signals(number).name for number in stopped_by) or "no signal"
    logger.info("invoicecore serve: stopped (%s)", names)
    return 0
