"""The ``serve`` subcommand's options and its entry point, importable without the extra.

``cli.py`` adds the subcommand with :func:`add_parser` and hands the parsed
arguments to :func:`run`, which imports the HTTP stack only then, so the rest of
the command line works (and ``serve --help`` prints) without the ``server`` extra.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    import argparse

    from invoicecore.server.app import Settings

__all__ = ["DEFAULT_KEY_ID", "DEFAULT_KEY_SECRET", "add_parser", "run", "settings"]

DEFAULT_KEY_ID: Final = "rzp_test_invoicecore"
"""The key id the server accepts when none is given: a test-mode shape, never a real key."""
DEFAULT_KEY_SECRET: Final = "invoicecore_secret"  # noqa: S105 - a documented local default
"""The key secret that goes with :data:`DEFAULT_KEY_ID`."""


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``serve`` and every one of its options to the command line's subcommands."""
    serve = commands.add_parser(
        "serve",
        help="serve the Razorpay Invoices API over HTTP on loopback (server extra)",
        description="Serve the replay protocol's endpoints over HTTP, at Razorpay's paths, "
        "for the official SDKs: HTTP basic auth with one key pair, JSON and form-encoded "
        "bodies, signed webhooks, a real or manual clock (docs/server.md). Needs "
        "pip install 'invoicecore[server]'. Stops cleanly on SIGINT or SIGTERM.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8080, help="port to bind (default 8080)")
    serve.add_argument(
        "--store",
        default="memory",
        metavar="memory|sqlite:PATH|postgresql://...",
        help="where the book lives: memory (default; gone at exit), sqlite:PATH or a "
        "postgresql:// URL, which a restart reopens with every invoice, customer, id and receipt",
    )
    serve.add_argument(
        "--key-id",
        default=DEFAULT_KEY_ID,
        metavar="K",
        help=f"API key id (default {DEFAULT_KEY_ID})",
    )
    serve.add_argument(
        "--key-secret",
        default=DEFAULT_KEY_SECRET,
        metavar="S",
        help=f"API key secret (default {DEFAULT_KEY_SECRET})",
    )
    serve.add_argument(
        "--webhook-url",
        default=None,
        metavar="URL",
        help="POST invoice.paid, invoice.partially_paid and invoice.expired here, signed",
    )
    serve.add_argument(
        "--webhook-secret",
        default=None,
        metavar="S",
        help="the secret for X-Razorpay-Signature (required with --webhook-url)",
    )
    serve.add_argument(
        "--clock",
        choices=("real", "manual"),
        default="real",
        help="real (default): the wall clock; manual: starts at the wall clock (or "
        "--start-at) and moves only through POST /sim/clock (for tests)",
    )
    serve.add_argument(
        "--start-at",
        type=int,
        default=None,
        metavar="EPOCH",
        help="the manual clock's first time, in epoch seconds (with --clock manual)",
    )


def settings(arguments: argparse.Namespace) -> Settings:
    """The server's settings from parsed arguments; a bad combination raises ``ValueError``."""
    from invoicecore.server.app import Settings  # noqa: PLC0415 - needs the server extra

    if (arguments.webhook_url is None) != (arguments.webhook_secret is None):
        raise ValueError("--webhook-url and --webhook-secret go together")
    if not arguments.key_id or not arguments.key_secret:
        raise ValueError("--key-id and --key-secret may not be empty")
    if arguments.webhook_url is not None and not arguments.webhook_url.startswith(
        ("http://", "https://")
    ):
        raise ValueError(
            f"--webhook-url must be an http:// or https:// URL, not {arguments.webhook_url!r}"
        )
    if arguments.webhook_secret is not None:
        _check_webhook_secret(arguments.webhook_secret)
    if arguments.start_at is not None and arguments.clock != "manual":
        raise ValueError("--start-at needs --clock manual")
    if not 0 <= arguments.port <= 65535:  # noqa: PLR2004 - the largest TCP port
        raise ValueError(f"--port must be 0..65535, not {arguments.port}")
    return Settings(
        host=arguments.host,
        port=arguments.port,
        store=arguments.store,
        key_id=arguments.key_id,
        key_secret=arguments.key_secret,
        webhook_url=arguments.webhook_url,
        webhook_secret=arguments.webhook_secret,
        clock=arguments.clock,
        start_at=arguments.start_at,
    )


def _check_webhook_secret(secret: str) -> None:
    """Sign once at start, so that a secret the signer refuses fails here, not per webhook."""
    from invoicecore.errors import InvoiceError  # noqa: PLC0415
    from invoicecore.webhooks import sign  # noqa: PLC0415

    if not secret:
        raise ValueError("--webhook-secret may not be empty")
    try:
        sign(b"", secret)
    except InvoiceError as error:
        raise ValueError(f"--webhook-secret: {error}") from None


def run(arguments: argparse.Namespace) -> int:
    """Serve until SIGINT or SIGTERM; 2 when the extra is missing or an option is wrong."""
    try:
        from invoicecore.server import runner  # noqa: PLC0415 - needs the server extra
    except ImportError as error:
        sys.stderr.write(
            f"invoicecore serve needs the server extra ({error.name} is missing): "
            "pip install 'invoicecore[server]'\n"
        )
        return 2
    try:
        chosen = settings(arguments)
    except ValueError as error:
        sys.stderr.write(f"invoicecore serve: {error}\n")
        return 2
    return runner.serve(chosen)
