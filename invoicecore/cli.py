"""``python -m invoicecore``: the command-line edge, the only module that does I/O."""

from __future__ import annotations

import argparse
import errno
import functools
import os
import random
import shlex
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING, NoReturn

from invoicecore import diagram, view
from invoicecore._version import __version__
from invoicecore.book import Book
from invoicecore.errors import InvoiceError
from invoicecore.replay import Replayer
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
    if arguments.command == "fuzz":
        return _fuzz(arguments.against, examples=arguments.examples, seed=arguments.seed)
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
                response = replayer.step(line)
                shown = view.row(line, response, colour=painted) if text else response
                _write(shown.encode("utf-8") + b"\n")
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
        help="where the book lives: memory (default, fresh) or sqlite:PATH "
        "(created if missing, else continued: ids, clock, receipts, keys, expiries)",
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
    return parser
