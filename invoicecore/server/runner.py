"""Run the app under uvicorn: logging, the listening line, signals and the exit code."""

from __future__ import annotations

import logging
import sys

import uvicorn

from invoicecore.server.app import Settings, create_app

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
    server.run()
    return 0 if server.started else 1
