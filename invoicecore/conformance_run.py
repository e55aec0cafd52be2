"""``python -m invoicecore conformance``: writing the vectors and running a port on them (an edge).

The pure part (cases, comparing, the summary) is ``invoicecore.conformance``;
this module reads and writes files and starts the port's processes. Exit
status: 0 when no case failed, 1 when some failed, 2 when the port (or the
vectors) could not be used at all.
"""

from __future__ import annotations

import itertools
import json
import re
import sys
from typing import IO, TYPE_CHECKING, Final
from xml.sax.saxutils import escape, quoteattr

from invoicecore import conformance, portrun, replay

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from invoicecore.conformance import Case, Outcome

__all__ = [
    "DOCS_BEGIN",
    "DOCS_END",
    "TIMEOUT",
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

TIMEOUT: Final = 30.0
"""Seconds one case may take in the port (a loaded machine starts Python slowly)."""


def protocol_version() -> str:
    """The replay protocol version the vectors were made with."""
    return replay.PROTOCOL_VERSION


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


def run(
    command: str,
    *,
    vectors: Path,
    tags: Sequence[str] = (),
    skip_tags: Sequence[str] = (),
    format: str = "text",
    persistent: bool = False,
    timeout: float = TIMEOUT,
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
        argv = portrun.parse_command(command)
        port = portrun.PortProcess(argv, timeout=timeout, persistent=persistent)
        # A case that sends the reset line itself gets a process of its own: in
        # persistent mode, the runner reads up to the first reset answer.
        alone = portrun.PortProcess(argv, timeout=timeout)
        try:
            if persistent:
                port.check_reset()
            for case in chosen:
                resets = persistent and "reset" in case.tags
                outcome = conformance.compare(case, (alone if resets else port)(case.lines()))
                outcomes.append(outcome)
                if format == "text" and not outcome.passed:
                    stream.write(outcome.report() + "\n")
        finally:
            port.close()
            alone.close()
    except portrun.PortCannotStart as error:
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
