"""``invoicecore.conformance`` refuses arguments of the wrong kind with ``MUST_BE`` (#11).

Each refusal names the parameter (``field``) and says what it must be, and
comes before any work; the valid calls these sit beside are in
tests/test_conformance.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from invoicecore import conformance, conformance_run
from invoicecore.conformance import Case, Outcome, Summary
from invoicecore.errors import InvalidRequestError

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

CASE = Case(
    id="t.one",
    description="one call",
    tags=("t",),
    script=({"at": 1, "method": "GET", "path": "/v1/invoices"},),
    expected=({"status": 200, "body": {"entity": "collection", "count": 0, "items": []}},),
)


REPORT: dict[str, Any] = {
    "cases": 1,
    **dict.fromkeys(("messages", "fields", "cells", "pairs", "limits", "endpoints"), (0, 1)),
}
"""A well-formed report, written out (``coverage()`` runs every table's faults, seconds)."""

C: Any = conformance
"""Called through ``Any``: the arguments are of the wrong type on purpose."""
NEW_CASE: Any = Case
OUTCOME: Any = Outcome
SUMMARY: Any = Summary


@pytest.mark.parametrize(
    ("call", "field", "description"),
    [
        (lambda: C.encode_line(b"x"), "value", "The value must be a JSON value."),
        (lambda: C.encode_line(float("nan")), "value", "The value must be a JSON value."),
        (lambda: C.encode_line({(1, 2): 3}), "value", "The value must be a JSON value."),
        (
            lambda: C.dump_area(1, [CASE], protocol="1.1"),
            "area",
            "The area must be a string.",
        ),
        (
            lambda: C.dump_area("create", [CASE.to_json()], protocol="1.1"),
            "cases",
            "The cases must be an iterable of Case.",
        ),
        (
            lambda: C.dump_area("create", [CASE], protocol=None),
            "protocol",
            "The protocol must be a string.",
        ),
        (lambda: C.load_area(b"{}"), "text", "The text must be a string."),
        (
            lambda: C.load_area('{"cases": {}}'),
            "text",
            "The text must be a vector file (a JSON object with a list of cases).",
        ),
        (
            lambda: C.load_area('{"cases": [NaN]}'),
            "text",
            "The text must be a vector file (a JSON object with a list of cases).",
        ),
        (
            lambda: C.load_area('{"cases": [{"id": "x"}]}'),
            "case",
            "The case must be an object with id, description, tags, script and expected.",
        ),
        (
            lambda: C.select([CASE], tags="t"),
            "tags",
            "The tags must be an iterable of strings.",
        ),
        (
            lambda: C.select([CASE], skip_tags=[1]),
            "skip_tags",
            "The skip tags must be an iterable of strings.",
        ),
        (lambda: C.select(None), "cases", "The cases must be an iterable of Case."),
        (lambda: C.compare(CASE.to_json(), []), "case", "The case must be a Case."),
        (
            lambda: C.compare(CASE, "{}"),
            "output",
            "The output must be an iterable of strings.",
        ),
        (
            lambda: C.first_difference(object(), "1"),
            "expected",
            "The expected must be a JSON value.",
        ),
        (
            lambda: C.first_difference({}, b"{}"),
            "line",
            "The line must be a string.",
        ),
        (
            lambda: C.summarize([CASE], 0),
            "outcomes",
            "The outcomes must be an iterable of Outcome.",
        ),
        (lambda: C.summarize([], -1), "skipped", "The skipped must be at least 0."),
        (lambda: C.summarize([], True), "skipped", "The skipped must be an integer."),
        (
            lambda: C.message_code(None),
            "description",
            "The description must be a string.",
        ),
        (lambda: C.coverage(3), "cases", "The cases must be an iterable of Case."),
        (
            lambda: C.render_coverage({**REPORT, "cells": (1,)}),
            "report",
            "The report must be a coverage report (what coverage returns).",
        ),
        (
            lambda: C.render_coverage({"cases": 1}),
            "report",
            "The report must be a coverage report (what coverage returns).",
        ),
        (
            lambda: NEW_CASE(id="x", description="d", tags=["t"], script=(), expected=()),
            "tags",
            "The tags must be a tuple of strings.",
        ),
        (
            lambda: NEW_CASE(id="x", description="d", tags=(), script=[], expected=()),
            "script",
            "The script must be a tuple.",
        ),
        (lambda: OUTCOME(case=CASE, passed=1), "passed", "The passed field must be true or false."),
        (lambda: OUTCOME(case=CASE, passed=False, call=-1), "call", "The call must be at least 0."),
        (
            lambda: SUMMARY(passed=1, failed="0", skipped=0),
            "failed",
            "The failed must be an integer.",
        ),
    ],
)
def test_a_bad_argument_is_refused_with_its_name(
    call: Callable[[], Any], field: str, description: str
) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        call()

    assert (caught.value.field, caught.value.description) == (field, description)


def test_a_port_line_that_is_not_strict_json_is_reported_not_raised() -> None:
    expected = CASE.expected[0]

    assert C.first_difference(expected, '{"status": NaN}')[3] == "the line is not JSON"
    assert C.first_difference(expected, "[" * 100_000)[3] == "the line is not JSON"
    outcome = C.compare(CASE, ['{"status": Infinity}'])
    assert (outcome.passed, outcome.detail) == (False, "the line is not JSON")


def test_a_file_dumped_is_loaded_back_unchanged() -> None:
    text = C.dump_area("create", [CASE], protocol="1.1")

    header, cases = C.load_area(text)

    assert header == {
        "vectors_version": C.VECTORS_VERSION,
        "protocol_version": "1.1",
        "area": "create",
    }
    assert cases == [CASE]
    assert C.dump_area("create", iter(cases), protocol="1.1") == text


def test_any_iterable_of_strings_selects() -> None:
    assert C.select(iter([CASE]), tags=iter(["t"]), skip_tags=frozenset()) == (
        [CASE],
        [],
    )


def test_the_runner_exits_2_on_a_vector_file_load_area_refuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for area in conformance.AREAS:
        (tmp_path / f"{area}.json").write_text(
            conformance.dump_area(area, [], protocol="1.1"), encoding="utf-8"
        )
    (tmp_path / "create.json").write_text('{"cases": [{"id": 1}]}', encoding="utf-8")

    code = conformance_run.run("unused-port", vectors=tmp_path)

    assert code == 2
    assert capsys.readouterr().err == (
        f"invoicecore conformance: cannot read the vectors in {tmp_path}: "
        "The case must be an object with id, description, tags, script and expected.\n"
    )


def test_the_written_out_report_is_one_render_coverage_takes() -> None:
    # So that the refusal above is of the one bad entry, not of the whole report.
    assert "| (status x operation) cells | 0 of 1 |" in conformance.render_coverage(REPORT)
