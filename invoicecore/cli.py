"""``python -m invoicecore``: the command-line edge, the only module that does I/O."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from invoicecore import diagram
from invoicecore._version import __version__

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
    parser.print_help(sys.stderr)
    return 2


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
    return parser
