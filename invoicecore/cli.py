"""``python -m invoicecore``: the command-line edge, the only module that does I/O."""

from __future__ import annotations

import argparse
import random
import shlex
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from invoicecore import diagram
from invoicecore._version import __version__
from invoicecore.book import Book
from invoicecore.errors import InvoiceError
from invoicecore.replay import Replayer
from invoicecore.stores import open_store

if TYPE_CHECKING:
    from collections.abc import Sequence

    from invoicecore.store import Store

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    parser = _parser()
    arguments = parser.parse_args(argv)
    if arguments.command == "states":
        sys.stdout.write(diagram.render(arguments.format))
        return 0
    if arguments.command == "replay":
        return _replay(arguments.script, arguments.store)
    if arguments.command == "fuzz":
        return _fuzz(arguments.against, examples=arguments.examples, seed=arguments.seed)
    parser.print_help(sys.stderr)
    return 2


def _replay(script: str, store_name: str | None = None) -> int:
    """Stream the script through a book, one flushed line per call.

    The book is fresh and in memory, or the one kept at ``--store sqlite:PATH``
    (continued where the last run left it). Lines are read as bytes and split
    on ``\\n`` alone, the same from a file and from standard input; a line that
    is not UTF-8 gets its error line.
    """
    try:
        store = _open_store(store_name)
    except (ValueError, OSError, sqlite3.Error, InvoiceError) as error:
        sys.stderr.write(f"invoicecore replay: cannot open the store {store_name}: {error}\n")
        return 2
    try:
        source = sys.stdin.buffer if script == "-" else Path(script).open("rb")  # noqa: SIM115
    except OSError as error:
        sys.stderr.write(f"invoicecore replay: cannot read {script}: {error.strerror}\n")
        store.close()
        return 2
    out = sys.stdout.buffer
    replayer = Replayer(Book(store=store))
    try:
        for raw in source:
            line = raw.removesuffix(b"\n").removesuffix(b"\r")
            if line.strip():
                out.write(replayer.step(line).encode("utf-8") + b"\n")
                out.flush()
    finally:
        if source is not sys.stdin.buffer:
            source.close()
        store.close()
    return 0


def _open_store(name: str | None) -> Store:
    """The store ``--store`` names (``invoicecore.stores.open_store``)."""
    return open_store(name)


def _fuzz(command: str, *, examples: int, seed: int | None) -> int:
    """Compare COMMAND with the reference on generated scripts; 1 and the script on a difference."""
    try:
        from invoicecore import fuzzing  # noqa: PLC0415 - needs the testing extra
    except ImportError:
        sys.stderr.write("invoicecore fuzz needs Hypothesis: pip install 'invoicecore[testing]'\n")
        return 2
    argv = shlex.split(command)

    def run_port(script: Sequence[str]) -> list[str]:
        feed = "".join(line + "\n" for line in script).encode("utf-8")
        try:
            done = subprocess.run(argv, input=feed, capture_output=True, check=False, timeout=60)  # noqa: S603
        except (OSError, subprocess.TimeoutExpired) as error:
            return [f"(the port did not run: {error})"]
        # Split on newlines only: the protocol's line break is "\n".
        lines = done.stdout.decode("utf-8", errors="replace").split("\n")
        if lines and not lines[-1]:
            lines.pop()
        if done.returncode != 0:
            lines.append(f"(the port exited with status {done.returncode})")
        return lines

    rng = random.Random(seed)  # noqa: S311 - picks test scripts, not secrets
    difference = fuzzing.find_difference(run_port, examples=examples, random=rng)
    if difference is None:
        sys.stdout.write(f"No difference in {examples} scripts.\n")
        return 0
    sys.stdout.write(fuzzing.side_by_side(difference))
    return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m invoicecore",
        description="Razorpay's invoice rules, executable.",
    )
    parser.add_argument("--version", action="version", version=f"invoicecore {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    states = commands.add_parser(
        "states",
        help="print the invoice state machine, read from the transition table",
        description="Print the invoice state machine, read from the transition table.",
    )
    states.add_argument(
        "--format",
        choices=sorted(diagram.FORMATS),
        default="text",
        help="text (default), mermaid, dot (Graphviz) or json (for ports)",
    )
    replay = commands.add_parser(
        "replay",
        help="run a JSON Lines script of API calls, one response line per call",
        description="Run a JSON Lines script of Razorpay API calls against a fresh "
        "in-memory book and print one JSON response line per call (docs/replay.md).",
    )
    replay.add_argument("script", help="the script's path, or - for standard input")
    replay.add_argument(
        "--store",
        metavar="STORE",
        default=None,
        help="where the book lives: memory (default, fresh), sqlite:PATH or a "
        "postgresql://... URL (created if missing, else continued: ids, clock, receipts, "
        "keys, expiries)",
    )
    fuzz = commands.add_parser(
        "fuzz",
        help="compare a port with the reference on generated scripts (testing extra)",
        description="Generate replay scripts, run each through the reference and through "
        "COMMAND (any program that speaks the replay protocol on stdin and stdout), and on "
        "the first difference shrink to a minimal script and print both outputs; exit 1. "
        "Exit 0 when N scripts gave no difference (docs/ports.md).",
    )
    fuzz.add_argument("--against", required=True, metavar="COMMAND", help="the port's command")
    fuzz.add_argument("--examples", type=int, default=500, metavar="N", help="scripts to try")
    fuzz.add_argument("--seed", type=int, default=None, metavar="S", help="for a repeatable run")
    return parser
