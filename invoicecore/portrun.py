"""Running a port (any program that speaks the replay protocol) and surviving it: an edge.

Used by ``python -m invoicecore fuzz``; the core never imports it. A port may
crash, hang, print forever, print too few or too many lines, exit non-zero,
write to standard error or leave a child holding its output: every run ends
within its timeout, keeps at most ``max_output`` bytes of output and a short
tail of standard error, and kills the port's whole process group. Whatever
went wrong is one extra output line in parentheses, which never equals a
reference line, so the search sees a difference and shrinks it.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import shlex
import shutil
import signal
import subprocess
import time
from typing import TYPE_CHECKING, Final

import attrs

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "DEFAULT_TIMEOUT",
    "MAX_OUTPUT",
    "RESET_ANSWER",
    "RESET_LINE",
    "PortCannotStart",
    "PortProcess",
    "parse_command",
]

DEFAULT_TIMEOUT: Final = 10.0
"""Seconds one script may take in the port (``fuzz --timeout``)."""

MAX_OUTPUT: Final = 8 * 1024 * 1024
"""Bytes of standard output kept per script; a port that prints more is stopped."""

RESET_LINE: Final = b'{"reset": true}'
"""The replay protocol's reset line (version 1.1): a fresh book, as if the port had restarted."""

RESET_ANSWER: Final = b'{"status": 200, "body": {"reset": true}}'
"""The one line a port answers to the reset line."""

_STDERR_TAIL: Final = 2048
_CHUNK: Final = 65536
_GRACE: Final = 0.5
"""Seconds to wait for output after the port exits (a child may still hold the pipe)."""


class PortCannotStart(Exception):  # noqa: N818 - reads as the sentence it reports
    """The port's command cannot be run at all (missing binary, empty command ...)."""


def parse_command(command: str) -> list[str]:
    """``--against``'s words, shell-quoted; refuses an empty or unbalanced command, or no binary."""
    try:
        argv = shlex.split(command)
    except ValueError as error:
        raise PortCannotStart(f"cannot read the command {command!r}: {error}") from None
    if not argv:
        raise PortCannotStart("the command is empty")
    if shutil.which(argv[0]) is None:
        raise PortCannotStart(f"cannot run {argv[0]!r}: no such executable")
    return argv


@attrs.define
class _Run:
    lines: list[bytes]
    problem: str | None
    stderr: bytes


@attrs.define
class PortProcess:
    """Runs scripts through a port: a process per script, or one process reset between scripts.

    Call it with a script (lines without newlines); it returns the port's
    output lines, with one ``(the port ...)`` line appended when something
    went wrong. ``stderr`` maps each script to the tail of what the port
    wrote to standard error while running it (scripts with none are left out).
    """

    argv: list[str]
    timeout: float = DEFAULT_TIMEOUT
    max_output: int = MAX_OUTPUT
    persistent: bool = False
    stderr: dict[tuple[str, ...], str] = attrs.Factory(dict)
    _process: subprocess.Popen[bytes] | None = None
    _buffer: bytearray = attrs.Factory(bytearray)

    def __call__(self, script: Sequence[str]) -> list[str]:
        data = b"".join(_encode(line) + b"\n" for line in script)
        run = self._run_persistent(data) if self.persistent else self._run_once(data)
        if run.stderr:
            self.stderr[tuple(script)] = _tail(run.stderr)
        lines = [line.decode("utf-8", "surrogateescape") for line in run.lines]
        if run.problem is not None:
            lines.append(f"(the port {run.problem})")
        return lines

    def check_reset(self) -> None:
        """Start the port and check that it answers the reset line; else ``PortCannotStart``."""
        run = self._run_persistent(b"")
        if run.problem is not None or run.lines:
            self.close()
            raise PortCannotStart(
                "the port does not answer the reset line, which --persistent needs "
                "(replay protocol 1.1): " + (run.problem or f"it printed {run.lines[0]!r}")
            )

    def close(self) -> None:
        """Stop the persistent port, if one is running (its whole process group)."""
        if self._process is not None:
            _stop(self._process)
            self._process = None
            self._buffer.clear()

    # -- one process per script -------------------------------------------------
    def _run_once(self, data: bytes) -> _Run:
        process = _start(self.argv)
        try:
            return self._exchange(process, data, bytearray(), until_reset=False)
        finally:
            _stop(process)

    # -- one process, reset between scripts -------------------------------------
    def _run_persistent(self, data: bytes) -> _Run:
        if self._process is None or self._process.poll() is not None:
            self.close()
            self._process = _start(self.argv)
        run = self._exchange(
            self._process, data + RESET_LINE + b"\n", self._buffer, until_reset=True
        )
        if run.problem is not None:
            self.close()  # the next script gets a fresh process
        return run

    def _exchange(  # noqa: C901, PLR0912, PLR0915 - one loop over three pipes and a clock
        self,
        process: subprocess.Popen[bytes],
        data: bytes,
        buffer: bytearray,
        *,
        until_reset: bool,
    ) -> _Run:
        """Feed ``data``, collect output lines until EOF (or the reset answer), within bounds."""
        assert process.stdin  # noqa: S101 - all three are piped
        assert process.stdout  # noqa: S101
        assert process.stderr  # noqa: S101
        lines: list[bytes] = []
        stderr = bytearray()
        problem: str | None = None
        received = 0
        pending = memoryview(data)
        selector = selectors.DefaultSelector()
        if pending:
            selector.register(process.stdin, selectors.EVENT_WRITE)
        selector.register(process.stdout, selectors.EVENT_READ)
        selector.register(process.stderr, selectors.EVENT_READ)
        deadline = time.monotonic() + self.timeout
        exited_at: float | None = None
        done = False
        try:
            while not done:
                now = time.monotonic()
                if now >= deadline:
                    problem = f"timed out after {self.timeout:g} s"
                    break
                if exited_at is None and process.poll() is not None:
                    exited_at = now
                    _kill_group(process)  # children that still hold the pipes go too
                if exited_at is not None and now - exited_at > _GRACE:
                    break
                if not selector.get_map():
                    if exited_at is not None:
                        break
                    time.sleep(0.01)  # both pipes closed: wait for the exit
                    continue
                for key, _ in selector.select(min(deadline - now, 0.05)):
                    if key.fileobj is process.stdin:
                        try:
                            written = os.write(process.stdin.fileno(), pending[:_CHUNK])
                        except (BrokenPipeError, OSError):
                            written = len(pending)  # the port stopped reading: drop the rest
                        pending = pending[written:]
                        if not pending:
                            selector.unregister(process.stdin)
                            if not until_reset:
                                process.stdin.close()
                        continue
                    chunk = os.read(key.fd, _CHUNK)
                    if not chunk:
                        selector.unregister(key.fileobj)
                        continue
                    if key.fileobj is process.stderr:
                        stderr = (stderr + chunk)[-_STDERR_TAIL:]
                        continue
                    received += len(chunk)
                    if received > self.max_output:
                        problem = f"printed too much (more than {self.max_output:,} bytes)"
                        done = True
                        break
                    buffer += chunk
                    *complete, rest = buffer.split(b"\n")
                    buffer[:] = rest
                    for line in complete:
                        if until_reset and not done and line == RESET_ANSWER:
                            done = True  # lines past it were printed too many
                        else:
                            lines.append(bytes(line))
                    if done and buffer:
                        lines.append(bytes(buffer))
                        buffer.clear()
        finally:
            selector.close()
        if not done and problem is None:
            if buffer and not until_reset:
                lines.append(bytes(buffer))  # a last line without its newline
                buffer.clear()
            if until_reset:
                problem = "exited before answering the reset line"
        if problem is None and not until_reset:
            code = process.poll()
            if code is None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    code = process.wait(_GRACE)
            if code:
                problem = f"exited with status {code}"
        return _Run(lines=lines, problem=problem, stderr=bytes(stderr))


def _encode(line: str) -> bytes:
    # surrogateescape: a script's "\udcff" is the byte 0xff, a line that is not UTF-8
    return line.encode("utf-8", "surrogateescape")


def _start(argv: list[str]) -> subprocess.Popen[bytes]:
    try:
        process = subprocess.Popen(  # noqa: S603 - the user's own port command
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group: killed as a whole
        )
    except OSError as error:
        raise PortCannotStart(f"cannot run {argv[0]!r}: {error.strerror}") from None
    for pipe in (process.stdin, process.stdout, process.stderr):
        if pipe is not None:
            os.set_blocking(pipe.fileno(), False)
    return process


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def _stop(process: subprocess.Popen[bytes]) -> None:
    _kill_group(process)
    with contextlib.suppress(ProcessLookupError):
        process.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(_GRACE)
    for pipe in (process.stdin, process.stdout, process.stderr):
        if pipe is not None:
            with contextlib.suppress(OSError):
                pipe.close()


def _tail(stderr: bytes, lines: int = 10) -> str:
    text = stderr.decode("utf-8", "replace")
    return "\n".join(text.splitlines()[-lines:])
