"""``python -m invoicecore``: the command-line edge, the only module that does I/O."""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from invoicecore import diagram
from invoicecore._version import __version__
from invoicecore.replay import Replayer

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    given = sys.argv[1:] if argv is None else list(argv)
    if given[:1] == ["fuzz"]:
        return _fuzz(given[1:])
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
    """Stream the script through a fresh book, one flushed line per call.

    Lines are read as bytes and split on ``\\n`` alone, the same from a file and
    from standard input; a line that is not UTF-8 gets its error line.
    """
    try:
        source = sys.stdin.buffer if script == "-" else Path(script).open("rb")  # noqa: SIM115
    except OSError as error:
        sys.stderr.write(f"invoicecore replay: cannot read {script}: {error.strerror}\n")
        return 2
    out = sys.stdout.buffer
    replayer = Replayer()
    try:
        for raw in source:
            line = raw.removesuffix(b"\n").removesuffix(b"\r")
            if line.strip():
                out.write(replayer.step(line).encode("utf-8") + b"\n")
                out.flush()
    finally:
        if source is not sys.stdin.buffer:
            source.close()
    return 0


class _OneLineParser(argparse.ArgumentParser):
    """Usage errors as one line on standard error (exit 2), as ``fuzz`` promises."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message}\n")


def _fuzz(argv: Sequence[str]) -> int:
    """Compare a port with the reference; 0 no difference, 1 a difference, 2 cannot run."""
    arguments = _fuzz_arguments(_OneLineParser(prog="python -m invoicecore fuzz")).parse_args(argv)
    try:
        from invoicecore import portrun  # noqa: PLC0415 - an edge, loaded on demand
        from invoicecore.testing import fuzzing, scripts  # noqa: PLC0415 - the testing extra
    except ImportError:
        sys.stderr.write("invoicecore fuzz needs Hypothesis: pip install 'invoicecore[testing]'\n")
        return 2
    problem = _fuzz_problem(arguments, scripts.TAGS)
    if problem:
        sys.stderr.write(f"python -m invoicecore fuzz: {problem}\n")
        return 2
    port: portrun.PortProcess | None = None
    try:
        port = portrun.PortProcess(
            argv=portrun.parse_command(arguments.against),
            timeout=arguments.timeout,
            persistent=arguments.persistent,
        )
        if arguments.persistent:
            port.check_reset()
        only = arguments.only.split(",") if arguments.only else None
        strategy = scripts.call_scripts(
            max_calls=arguments.max_calls, invalid=not arguments.valid_only, only=only
        )
        budget_ends: list[float] = []

        def out_of_time() -> bool:
            if not budget_ends:  # the budget starts with the first difference
                budget_ends.append(time.monotonic() + arguments.budget)
            return time.monotonic() > budget_ends[0]

        difference = fuzzing.find_difference(
            port,
            examples=arguments.examples,
            random=random.Random(arguments.seed),  # noqa: S311 - picks test scripts
            scripts=strategy,
            normalise=fuzzing.ignore_keys(*arguments.ignore) if arguments.ignore else None,
            stop=out_of_time,
        )
    except portrun.PortCannotStart as error:
        sys.stderr.write(f"python -m invoicecore fuzz: {error}\n")
        return 2
    finally:
        if port is not None:
            port.close()
    if difference is None:
        sys.stdout.write(f"No difference in {arguments.examples} scripts.\n")
        return 0
    sys.stdout.write(fuzzing.side_by_side(difference))
    tail = port.stderr.get(difference.script, "")
    if tail:
        sys.stdout.write("The port's standard error (last lines):\n")
        sys.stdout.write("".join(f"  {fuzzing.printable(line)}\n" for line in tail.split("\n")))
    return 1


def _fuzz_problem(arguments: argparse.Namespace, tags: Sequence[str]) -> str | None:
    if arguments.examples < 1:
        return f"--examples must be at least 1, got {arguments.examples}"
    if not 1 <= arguments.max_calls <= 1000:  # noqa: PLR2004
        return f"--max-calls must be from 1 to 1000, got {arguments.max_calls}"
    if not arguments.timeout > 0 or not arguments.budget >= 0:
        return "--timeout must be more than 0 and --budget at least 0 seconds"
    unknown = [tag for tag in (arguments.only or "").split(",") if tag and tag not in tags]
    if unknown or arguments.only == "":
        return f"--only takes tags from {','.join(tags)}; got {arguments.only!r}"
    return None


def _fuzz_arguments(fuzz: argparse.ArgumentParser) -> argparse.ArgumentParser:
    fuzz.add_argument("--against", required=True, metavar="COMMAND", help="the port's command")
    fuzz.add_argument("--examples", type=int, default=500, metavar="N", help="scripts to try")
    fuzz.add_argument("--seed", type=int, default=None, metavar="S", help="for a repeatable run")
    fuzz.add_argument(
        "--only",
        "--tags",
        default=None,
        metavar="TAGS",
        help="comma-separated endpoint tags the port implements (create,pay,...,malformed)",
    )
    fuzz.add_argument("--max-calls", type=int, default=12, metavar="N", help="calls per script")
    fuzz.add_argument(
        "--valid-only", action="store_true", help="no invalid values and no malformed lines"
    )
    fuzz.add_argument(
        "--timeout",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="time one script may take in the port (default 10)",
    )
    fuzz.add_argument(
        "--budget",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="time to spend shrinking once a difference is found (default 60)",
    )
    fuzz.add_argument(
        "--persistent",
        action="store_true",
        help="one port process for all scripts, reset between them (protocol 1.1)",
    )
    fuzz.add_argument(
        "--ignore", action="append", default=[], metavar="KEY", help="a key not compared"
    )
    return fuzz


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
    _fuzz_arguments(
        commands.add_parser(
            "fuzz",
            help="compare a port with the reference on generated scripts (testing extra)",
            description="Generate replay scripts, run each through the reference and through "
            "COMMAND (any program that speaks the replay protocol on stdin and stdout), and on "
            "the first difference shrink to a minimal script and print both outputs; exit 1. "
            "Exit 0 when N scripts gave no difference, 2 when the port cannot be run "
            "(docs/ports.md).",
        )
    )
    return parser
