"""``python -m invoicecore conformance``: writing the vectors and running a port on them (an edge).

The pure part (cases, comparing, the summary) is ``invoicecore.conformance``;
this module reads and writes files and starts the port's processes. Exit
status: 0 when no case failed, 1 when some failed, 2 when the port (or the
vectors) could not be used at all.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
import shlex
import shutil
import subprocess
import sys
from typing import IO, TYPE_CHECKING, Final, Self
from xml.sax.saxutils import escape, quoteattr

from invoicecore import conformance, replay

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from invoicecore.conformance import Case, Outcome

__all__ = [
    "DOCS_BEGIN",
    "DOCS_END",
    "PortError",
    "PortRunner",
    "generate",
    "load",
    "protocol_version",
    "replace_block",
    "run",
]

DOCS_BEGIN: Final = (
    "<!-- conformance-coverage:begin (generated: python -m invoicecore conformance "
    "--generate conformance/ --docs docs/conformance.md) -->"
)
"""The first line of the generated coverage block in docs/conformance.md."""
DOCS_END: Final = "<!-- conformance-coverage:end -->"
"""The last line of the generated coverage block."""

TIMEOUT: Final = 60.0
"""Seconds one case (or one reset) may take in the port."""

RESET_LINE: Final = '{"reset": true}'
"""The replay protocol's reset line (1.1): a fresh book."""
RESET_ANSWER: Final = '{"status": 200, "body": {"reset": true}}'
"""The one line a port answers to the reset line."""


class PortError(Exception):
    """The port cannot be run at all: no such program, or it refuses the reset line."""


def protocol_version() -> str:
    """The replay protocol version the vectors were made with."""
    return str(getattr(replay, "PROTOCOL_VERSION", "1.0"))


def generate(directory: Path, docs: Path | None = None) -> int:
    """Write ``AREA.json`` per area (and the coverage block of ``docs``); the count of cases."""
    cases = conformance.generate()
    directory.mkdir(parents=True, exist_ok=True)
    protocol = protocol_version()
    for area, listed in cases.items():
        text = conformance.dump_area(area, listed, protocol=protocol)
        (directory / f"{area}.json").write_text(text, encoding="utf-8", newline="\n")
    if docs is not None:
        report = conformance.coverage(itertools.chain.from_iterable(cases.values()))
        docs.write_text(
            replace_block(docs.read_text(encoding="utf-8"), conformance.render_coverage(report)),
            encoding="utf-8",
            newline="\n",
        )
    return sum(map(len, cases.values()))


def replace_block(text: str, block: str) -> str:
    """``text`` with the generated block between ``DOCS_BEGIN`` and ``DOCS_END`` replaced."""
    pattern = re.compile(re.escape(DOCS_BEGIN) + r"\n.*?" + re.escape(DOCS_END), re.DOTALL)
    if not pattern.search(text):
        raise ValueError("no generated coverage block in the docs page")
    return pattern.sub(lambda _m: f"{DOCS_BEGIN}\n{block}{DOCS_END}", text)


def load(directory: Path) -> list[Case]:
    """Every case of every ``AREA.json`` in ``directory``, in area order."""
    cases: list[Case] = []
    for area in conformance.AREAS:
        path = directory / f"{area}.json"
        _header, listed = conformance.load_area(path.read_text(encoding="utf-8"))
        cases += listed
    return cases


class PortRunner:
    """Runs a case's script through the port: a process per case, or one reset between cases."""

    def __init__(self, command: str, *, persistent: bool = False, timeout: float = TIMEOUT) -> None:
        try:
            self.argv = shlex.split(command)
        except ValueError as error:
            raise PortError(f"cannot read the command {command!r}: {error}") from None
        if not self.argv or shutil.which(self.argv[0]) is None:
            raise PortError(f"cannot run {command!r}: no such executable")
        self.persistent = persistent
        self.timeout = timeout
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Self:
        if self.persistent:
            self._start()
            answer = self._exchange([RESET_LINE])
            if answer != [RESET_ANSWER]:
                self.close()
                raise PortError(
                    "the port does not answer the reset line, which --persistent needs "
                    f"(replay protocol 1.1): it printed {answer[:1]!r}"
                )
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __call__(self, lines: Sequence[str]) -> list[str]:
        """The port's output lines for the script (an explanation line when it failed)."""
        if not self.persistent:
            return self._once(lines)
        if self._process is None or self._process.poll() is not None:
            self._start()
        answers = self._exchange([*lines, RESET_LINE])
        if answers and answers[-1] == RESET_ANSWER:
            return answers[:-1]
        self.close()  # out of step: start afresh for the next case
        return answers

    def _once(self, lines: Sequence[str]) -> list[str]:
        feed = "".join(line + "\n" for line in lines).encode("utf-8", "surrogatepass")
        try:
            done = subprocess.run(  # noqa: S603 - the user's own port command
                self.argv, input=feed, capture_output=True, check=False, timeout=self.timeout
            )
        except subprocess.TimeoutExpired:
            return [f"(the port did not finish within {self.timeout:g} seconds)"]
        except OSError as error:
            raise PortError(f"cannot run the port: {error}") from None
        out = _split(done.stdout)
        if done.returncode != 0:
            out.append(f"(the port exited with status {done.returncode})")
        return out

    def _start(self) -> None:
        try:
            self._process = subprocess.Popen(  # noqa: S603 - the user's own port command
                self.argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError as error:
            raise PortError(f"cannot run the port: {error}") from None

    def _exchange(self, lines: Sequence[str]) -> list[str]:
        """Send the lines, read one answer per non-blank line (the last must come back)."""
        process = self._process
        if process is None or process.stdin is None or process.stdout is None:
            return ["(the port is not running)"]
        wanted = sum(1 for line in lines if line.strip())
        try:
            process.stdin.write(
                "".join(line + "\n" for line in lines).encode("utf-8", "surrogatepass")
            )
            process.stdin.flush()
        except OSError:
            return ["(the port closed its input)"]
        answers: list[str] = []
        while len(answers) < wanted:
            raw = process.stdout.readline()
            if not raw:
                answers.append("(the port ended before answering every line)")
                break
            answers.append(raw.removesuffix(b"\n").decode("utf-8", "surrogateescape"))
        return answers

    def close(self) -> None:
        """Stop the persistent process, if any."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.stdin is not None:
            with contextlib.suppress(OSError):
                process.stdin.close()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def _split(data: bytes) -> list[str]:
    lines = data.decode("utf-8", "surrogateescape").split("\n")
    if lines and not lines[-1]:
        lines.pop()
    return lines


def run(
    command: str,
    *,
    vectors: Path,
    tags: Sequence[str] = (),
    skip_tags: Sequence[str] = (),
    format: str = "text",
    persistent: bool = False,
    out: IO[str] | None = None,
) -> int:
    """Run every selected case through the port; print the report; 0, 1 or 2."""
    stream = sys.stdout if out is None else out
    try:
        cases = load(vectors)
    except (OSError, ValueError, KeyError) as error:
        sys.stderr.write(
            f"invoicecore conformance: cannot read the vectors in {vectors}: {error}\n"
        )
        return 2
    chosen, skipped = conformance.select(cases, tags=tags, skip_tags=skip_tags)
    outcomes: list[Outcome] = []
    try:
        with PortRunner(command, persistent=persistent) as port:
            for case in chosen:
                outcome = conformance.compare(case, port(case.lines()))
                outcomes.append(outcome)
                if format == "text" and not outcome.passed:
                    stream.write(outcome.report() + "\n")
    except PortError as error:
        sys.stderr.write(f"invoicecore conformance: {error}\n")
        return 2
    summary = conformance.summarize(outcomes, len(skipped))
    if format == "json":
        report = {
            "vectors_version": conformance.VECTORS_VERSION,
            "protocol_version": protocol_version(),
            "summary": {
                "passed": summary.passed,
                "failed": summary.failed,
                "skipped": summary.skipped,
            },
            "failures": [outcome.to_json() for outcome in outcomes if not outcome.passed],
        }
        stream.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    elif format == "junit":
        stream.write(_junit(outcomes, skipped))
    stream.write(summary.line() + "\n")
    stream.flush()
    return 1 if summary.failed else 0


def _junit(outcomes: Sequence[Outcome], skipped: Sequence[Case]) -> str:
    failed = sum(not outcome.passed for outcome in outcomes)
    rows = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        (
            f'<testsuite name="invoicecore-conformance" tests="{len(outcomes) + len(skipped)}" '
            f'failures="{failed}" skipped="{len(skipped)}">'
        ),
    ]
    for outcome in outcomes:
        name = quoteattr(outcome.case.id)
        area = quoteattr(outcome.case.tags[0] if outcome.case.tags else "")
        if outcome.passed:
            rows.append(f"  <testcase classname={area} name={name}/>")
        else:
            message = quoteattr(f"{outcome.path}: {outcome.detail}")
            rows.append(f"  <testcase classname={area} name={name}>")
            rows.append(f"    <failure message={message}>{escape(outcome.report())}</failure>")
            rows.append("  </testcase>")
    for case in skipped:
        area = quoteattr(case.tags[0] if case.tags else "")
        rows.append(f"  <testcase classname={area} name={quoteattr(case.id)}><skipped/></testcase>")
    rows.append("</testsuite>")
    return "\n".join(rows) + "\n"
