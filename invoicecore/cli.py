"""``python -m invoicecore``: the command-line edge, the only module that does I/O."""

from __future__ import annotations

import argparse
import errno
import functools
import os
import random
import signal
import sqlite3
import sys
import time
from pathlib import Path
from typing import IO, TYPE_CHECKING, NoReturn

from invoicecore import diagram, view
from invoicecore._version import __version__
from invoicecore.book import Book
from invoicecore.errors import InvoiceError
from invoicecore.replay import Replayer
from invoicecore.server import options as serve_options
from invoicecore.stores import open_store

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

__all__ = ["main"]


class _WriteFailedError(Exception):
    """Standard output refused a write: closed, a broken pipe, a full disk."""

    def __init__(self, error: OSError) -> None:
        super().__init__(error)
        self.errno = error.errno
        self.strerror = error.strerror or str(error)


def _process_edge(run: Callable[[Sequence[str] | None], int]) -> Callable[..., int]:
    """No traceback ends the process (docs/replay.md, "When the process ends early").

    A closed pipe (``replay ... | head -1``) ends quietly, killed by SIGPIPE as
    ``git`` and ``ls`` are (the shell reports 141); any other write error
    prints one line and exits 1; Ctrl-C prints one line and exits 130.
    """

    @functools.wraps(run)
    def guarded(argv: Sequence[str] | None = None) -> int:
        try:
            code = run(argv)
            _flush_stdout()  # inside the guard: text another command left buffered
        except KeyboardInterrupt:
            _silence_stdout()
            _say("invoicecore: interrupted")
            return 130
        except BrokenPipeError:
            _die_of_sigpipe()
        except _WriteFailedError as failure:
            if failure.errno == errno.EPIPE:
                _die_of_sigpipe()
            _silence_stdout()
            _say(f"invoicecore: cannot write to standard output: {failure.strerror}")
            return 1
        return code

    return guarded


@_process_edge
def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    given = sys.argv[1:] if argv is None else list(argv)
    if given[:1] == ["fuzz"]:
        return _fuzz(given[1:])
    parser = _parser()
    arguments = parser.parse_args(argv)
    if arguments.command == "states":
        _write(diagram.render(arguments.format).encode("utf-8"))
        return 0
    if arguments.command == "replay":
        return _replay(
            arguments.script, format=arguments.format, colour=arguments.color, store=arguments.store
        )
    if arguments.command == "conformance":
        return _conformance(arguments)
    if arguments.command == "serve":
        return serve_options.run(arguments)
    parser.print_help(sys.stderr)
    return 2


def _replay(script: str, *, format: str | None, colour: str, store: str | None = None) -> int:
    """Stream the script through a book, one flushed line (or row) per call.

    The book is fresh and in memory, or the one kept at ``--store sqlite:PATH``
    (continued where the last run left it).

    Lines are read as bytes and split on ``\\n`` alone, the same from a file and
    from standard input; a line that is not UTF-8 gets its error line. The
    format is ``jsonl`` (the protocol) unless asked, or standard output is a
    terminal: then ``text``, the view for people (``view.py``).
    """
    name = "standard input" if script == "-" else script
    try:
        kept = open_store(store)
    except (ValueError, OSError, sqlite3.Error, InvoiceError) as error:
        _say(f"invoicecore replay: cannot open the store {store}: {error}")
        return 2
    try:
        source = _stdin() if script == "-" else Path(script).open("rb")  # noqa: SIM115
    except OSError as error:
        _say(f"invoicecore replay: cannot read {name}: {error.strerror}")
        kept.close()
        return 2
    text = (format or ("text" if _is_terminal(sys.stdout) else "jsonl")) == "text"
    painted = text and _wants_colour(colour, sys.stdout)
    replayer = Replayer(Book(store=kept))
    try:
        if text:
            _write(view.header(colour=painted).encode("utf-8") + b"\n")
        for raw in source:
            line = raw.removesuffix(b"\n").removesuffix(b"\r")
            if line.strip():
                if text:
                    shown = view.row(line, replayer.step(line), colour=painted)
                    _write(shown.encode("utf-8") + b"\n")
                else:
                    _write(replayer.step_utf8(line) + b"\n")
    except OSError as error:  # reading: writes raise _WriteFailedError
        _say(f"invoicecore replay: cannot read {name}: {error.strerror}")
        return 2
    finally:
        if script != "-":
            source.close()
        kept.close()
    return 0


def _stdin() -> IO[bytes]:
    """Standard input as bytes; closed (``<&-``), it is an unreadable file."""
    if sys.stdin is None:
        raise OSError(errno.EBADF, os.strerror(errno.EBADF))
    return sys.stdin.buffer


def _write(data: bytes) -> None:
    """Write and flush to standard output, so an interactive pipe sees each line at once."""
    if sys.stdout is None:  # started with standard output closed (>&-)
        raise _WriteFailedError(OSError(errno.EBADF, os.strerror(errno.EBADF)))
    try:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    except OSError as error:
        raise _WriteFailedError(error) from error


def _flush_stdout() -> None:
    if sys.stdout is not None:
        try:
            sys.stdout.flush()
        except OSError as error:
            raise _WriteFailedError(error) from error


def _silence_stdout() -> None:
    """Point standard output at the null device, so the interpreter's last flush cannot fail."""
    if sys.stdout is None:
        return
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError):
        pass


def _die_of_sigpipe() -> NoReturn:
    """End as ``git`` and ``ls`` do when the reader has gone: killed by SIGPIPE, silently."""
    _silence_stdout()
    if hasattr(signal, "SIGPIPE"):  # POSIX; Python ignores it by default, so restore it
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGPIPE)
    sys.exit(1)  # where there is no SIGPIPE (Windows), the status Python itself uses


def _say(message: str) -> None:
    """One line on standard error, if there is a standard error to write to."""
    try:
        if sys.stderr is not None:
            sys.stderr.write(message + "\n")
            sys.stderr.flush()
    except OSError:
        pass


def _is_terminal(stream: IO[str] | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (OSError, ValueError):
        return False


def _wants_colour(choice: str, stream: IO[str] | None) -> bool:
    """``--color``, then NO_COLOR (no-color.org), then FORCE_COLOR, then a terminal that can.

    An explicit ``--color always`` or ``never`` wins over the environment, as
    no-color.org asks of per-invocation options.
    """
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return _is_terminal(stream) and os.environ.get("TERM") != "dumb"


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


def _conformance(arguments: argparse.Namespace) -> int:
    """Write the vectors (``--generate``) or run a port on them (``--impl``)."""
    from invoicecore import conformance_run  # noqa: PLC0415 - only this command needs it

    if arguments.generate is not None:
        docs = None if arguments.docs is None else Path(arguments.docs)
        count = conformance_run.generate(Path(arguments.generate), docs)
        sys.stdout.write(f"{count} cases written to {arguments.generate}\n")
        return 0
    if arguments.impl is None:
        _say("invoicecore conformance: give --impl COMMAND (or --generate DIR)")
        return 2
    return conformance_run.run(
        arguments.impl,
        vectors=Path(arguments.vectors),
        tags=[tag for tag in arguments.tags.split(",") if tag],
        skip_tags=[tag for tag in arguments.skip_tags.split(",") if tag],
        format=arguments.format,
        persistent=arguments.persistent,
    )


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
        help="text (default), svg (the picture in the docs), mermaid, dot (Graphviz) "
        "or json (for ports)",
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
    replay.add_argument(
        "--format",
        choices=["text", "jsonl"],
        default=None,
        help="jsonl: the protocol's response lines (the default into a pipe or a file); "
        "text: one aligned row per call, for people (the default in a terminal)",
    )
    replay.add_argument(
        "--color",
        choices=["auto", "always", "never"],
        default="auto",
        help="colour the text view: auto (default) when standard output is a terminal "
        "and NO_COLOR is not set",
    )
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
    conformance = commands.add_parser(
        "conformance",
        help="run a port on the conformance vectors (or write them)",
        description="Run every case of the conformance vectors through COMMAND (a program "
        "that speaks the replay protocol) and print each failure and a closing line "
        "'N passed, N failed, N skipped'; exit 0, 1 when some failed, 2 when the port "
        "could not be run (docs/conformance.md).",
    )
    conformance.add_argument("--impl", metavar="COMMAND", help="the port's command")
    conformance.add_argument(
        "--vectors",
        default="conformance",
        metavar="DIR",
        help="the vector files (default: conformance)",
    )
    conformance.add_argument("--tags", default="", metavar="T,...", help="run only these tags")
    conformance.add_argument("--skip-tags", default="", metavar="T,...", help="skip these tags")
    conformance.add_argument("--format", choices=["text", "json", "junit"], default="text")
    conformance.add_argument(
        "--persistent", action="store_true", help="one port process, the reset line between cases"
    )
    conformance.add_argument(
        "--generate", metavar="DIR", help="write the vectors from the reference"
    )
    conformance.add_argument(
        "--docs", metavar="PAGE", help="with --generate: rewrite the page's coverage block"
    )

    serve_options.add_parser(commands)
    return parser
