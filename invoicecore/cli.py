"""``python -m invoicecore``: the command-line edge, the only module that does I/O."""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from invoicecore import diagram
from invoicecore._version import __version__
from invoicecore.replay import Replayer

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    parser = _parser()
    arguments = parser.parse_args(argv)
    if arguments.command == "states":
        sys.stdout.write(diagram.render(arguments.format))
        return 0
    if arguments.command == "replay":
        return _replay(arguments.script)
    parser.print_help(sys.stderr)
    return 2


def _replay(script: str) -> int:
    """Stream the script through a fresh book, one flushed line per call."""
    for stream in (sys.stdin, sys.stdout):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(encoding="utf-8")  # the protocol is UTF-8, whatever the locale
    try:
        source = (
            sys.stdin if script == "-" else Path(script).open(encoding="utf-8", newline="")  # noqa: SIM115 - closed below
        )
    except OSError as error:
        sys.stderr.write(f"invoicecore replay: cannot read {script}: {error.strerror}\n")
        return 2
    replayer = Replayer()
    try:
        for line in source:
            if line.strip():
                sys.stdout.write(replayer.step(_decoded(line)) + "\n")
                sys.stdout.flush()
    except UnicodeDecodeError:
        sys.stderr.write(f"invoicecore replay: {script} is not UTF-8 text\n")
        return 2
    finally:
        if source is not sys.stdin:
            source.close()
    return 0


def _decoded(line: str) -> str:
    return line.removesuffix("\n").removesuffix("\r")


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
    return parser
