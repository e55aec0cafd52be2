"""The conformance suite: current vectors, full coverage, valid files, and a runner that tells."""

from __future__ import annotations

import io
import itertools
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from invoicecore import conformance, conformance_run, errors
from invoicecore.cli import main
from invoicecore.conformance import Case

ROOT = Path(__file__).parent.parent
VECTORS = ROOT / "conformance"
SCHEMAS = VECTORS / "schemas"
PORTS = Path(__file__).parent / "ports"
REFERENCE = f"{sys.executable} -m invoicecore replay -"
PLANTED = f"{sys.executable} {PORTS / 'cancel_partially_paid.py'}"
SCHEMA_BASE = "https://invoicecore.example/conformance/schemas/"


@pytest.fixture(scope="module")
def generated() -> dict[str, list[Case]]:
    return conformance.generate()


@pytest.fixture(scope="module")
def checked_in() -> list[Case]:
    return conformance_run.load(VECTORS)


@pytest.mark.slow
def test_the_checked_in_vectors_are_what_the_reference_produces(
    generated: dict[str, list[Case]],
) -> None:
    protocol = conformance_run.protocol_version()
    stale = [
        area
        for area, cases in generated.items()
        if (VECTORS / f"{area}.json").read_text(encoding="utf-8")
        != conformance.dump_area(area, cases, protocol=protocol)
    ]
    extra = {path.stem for path in VECTORS.glob("*.json")} - set(generated)

    assert (stale, extra) == ([], set()), (
        "regenerate: python -m invoicecore conformance --generate conformance/ "
        "--docs docs/conformance.md"
    )


def test_every_file_carries_both_versions() -> None:
    for area in conformance.AREAS:
        header, _cases = conformance.load_area((VECTORS / f"{area}.json").read_text("utf-8"))
        assert header == {
            "vectors_version": conformance.VECTORS_VERSION,
            "protocol_version": conformance_run.protocol_version(),
            "area": area,
        }


@pytest.mark.slow  # the whole suite's coverage: every request table's faults run (CI)
def test_coverage_is_complete_and_the_docs_print_it(checked_in: list[Case]) -> None:
    report = conformance.coverage(checked_in)
    covered = {
        name: report[name]
        for name in ("messages", "fields", "cells", "pairs", "limits", "endpoints")
    }

    assert report["cases"] >= 1000
    assert all(done == wanted and wanted > 0 for done, wanted in covered.values()), {
        name: report[f"missing_{name}"][:10] for name in covered
    }
    page = (ROOT / "docs" / "conformance.md").read_text(encoding="utf-8")
    block = f"{conformance_run.DOCS_BEGIN}\n{conformance.render_coverage(report)}"
    assert block + conformance_run.DOCS_END in page


@pytest.mark.slow  # as above
def test_every_message_a_request_can_trigger_is_covered_or_excluded(
    checked_in: list[Case],
) -> None:
    codes = {message.code for message in errors.MESSAGES}
    report = conformance.coverage(checked_in)

    assert codes >= conformance.EXCLUDED_MESSAGES
    assert report["messages"][1] == len(codes - conformance.EXCLUDED_MESSAGES)
    assert report["missing_messages"] == []


def test_case_ids_are_unique_and_every_case_has_tags(checked_in: list[Case]) -> None:
    ids = [case.id for case in checked_in]

    assert len(ids) == len(set(ids))
    assert all(case.tags and case.description and case.script for case in checked_in)
    assert all(len(case.expected) <= len(case.script) for case in checked_in)


def test_the_rule_kinds_are_tagged(checked_in: list[Case]) -> None:
    tags = set(itertools.chain.from_iterable(case.tags for case in checked_in))

    assert {"check-order", "limits", "rounding", "expiry", "idempotency", "malformed"} <= tags
    assert {f"status:{status}" for status in ("draft", "paid", "deleted")} <= tags


def _registry() -> Registry[Any]:
    resources = [
        Resource.from_contents(json.loads(path.read_text(encoding="utf-8")))
        for path in sorted(SCHEMAS.glob("*.schema.json"))
    ]
    return Registry().with_resources((resource.id() or "", resource) for resource in resources)


def test_the_schemas_are_valid_2020_12_schemas() -> None:
    names = {path.name for path in SCHEMAS.glob("*.schema.json")}

    assert {
        "script-line.schema.json",
        "response-line.schema.json",
        "invoice.schema.json",
        "line-item.schema.json",
        "customer.schema.json",
        "item.schema.json",
        "collection.schema.json",
        "error.schema.json",
        "vector-file.schema.json",
    } <= names
    for name in names:
        schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        Draft202012Validator.check_schema(schema)


@pytest.mark.slow
def test_every_vector_file_and_response_validates() -> None:
    registry = _registry()
    files = Draft202012Validator(
        {"$ref": SCHEMA_BASE + "vector-file.schema.json"}, registry=registry
    )
    for area in conformance.AREAS:
        data = json.loads((VECTORS / f"{area}.json").read_text(encoding="utf-8"))
        problems = [f"{list(e.absolute_path)}: {e.message[:120]}" for e in files.iter_errors(data)]
        assert problems == [], area


def test_the_schemas_refuse_what_the_protocol_never_writes() -> None:
    registry = _registry()
    response = Draft202012Validator(
        {"$ref": SCHEMA_BASE + "response-line.schema.json"}, registry=registry
    )
    line = Draft202012Validator(
        {"$ref": SCHEMA_BASE + "script-line.schema.json"}, registry=registry
    )

    assert not response.is_valid({"status": 500, "body": []})
    assert not response.is_valid({"status": 200, "body": {"entity": "invoice"}})
    assert not line.is_valid({"method": "GET", "path": "/v1/invoices"})
    assert line.is_valid({"at": 1, "method": "GET", "path": "/v1/invoices"})


# --- comparing: the pure part ----------------------------------------------------------


CASE = Case(
    id="t.one",
    description="one call",
    tags=("t",),
    script=({"at": 1, "method": "GET", "path": "/v1/invoices"}, "not json"),
    expected=(
        {"status": 200, "body": {"entity": "collection", "count": 0, "items": [{"a": [1, 2]}]}},
        {"status": 400, "body": {"error": {"description": "x", "field": None}}},
    ),
)


def _lines(case: Case) -> list[str]:
    return [conformance.encode_line(response) for response in case.expected]


def test_the_same_lines_pass() -> None:
    assert conformance.compare(CASE, _lines(CASE)).passed


@pytest.mark.parametrize(
    ("second", "path", "detail"),
    [
        (
            '{"status": 400, "body": {"error": {"description": "y", "field": null}}}',
            "$.body.error.description",
            "value differs",
        ),
        (
            '{"status": 400, "body": {"error": {"description": "x"}}}',
            "$.body.error.field",
            "key missing",
        ),
        (
            '{"status": 400, "body": {"error": {"description": "x", "field": null, "z": 1}}}',
            "$.body.error.z",
            "unexpected key",
        ),
        (
            '{"status": 400, "body": {"error": {"field": null, "description": "x"}}}',
            "$.body.error",
            "keys in another order",
        ),
        (
            '{"status":400,"body":{"error":{"description":"x","field":null}}}',
            "$",
            "same JSON value, written differently",
        ),
        ("oops", "$", "the line is not JSON"),
        (
            '{"status": 400.0, "body": {"error": {"description": "x", "field": null}}}',
            "$.status",
            "value differs",
        ),
    ],
)
def test_a_difference_is_named_by_its_json_path(second: str, path: str, detail: str) -> None:
    outcome = conformance.compare(CASE, [_lines(CASE)[0], second])

    assert (outcome.passed, outcome.call, outcome.path, outcome.detail) == (False, 1, path, detail)
    report = outcome.report()
    assert report.startswith("FAIL t.one: one call\n")
    assert "  call 2: not json" in report
    assert f"  at {path}: {detail}" in report


def test_a_difference_inside_a_list() -> None:
    first = (
        '{"status": 200, "body": {"entity": "collection", "count": 0, "items": [{"a": [1, 3]}]}}'
    )

    outcome = conformance.compare(CASE, [first, _lines(CASE)[1]])

    assert (outcome.call, outcome.path, outcome.expected, outcome.actual) == (
        0,
        "$.body.items[0].a[1]",
        "2",
        "3",
    )


def test_too_few_and_too_many_lines() -> None:
    short = conformance.compare(CASE, _lines(CASE)[:1])
    long = conformance.compare(CASE, [*_lines(CASE), "{}"])

    assert (short.call, short.detail) == (
        1,
        "no response line (the port printed fewer lines than calls)",
    )
    assert (long.call, long.detail) == (2, "an extra output line (more lines than calls)")


def test_tags_select_and_skip() -> None:
    other = Case(id="t.two", description="d", tags=("u", "v"), script=("x",), expected=())

    assert conformance.select([CASE, other], tags=["v"]) == ([other], [CASE])
    assert conformance.select([CASE, other], skip_tags=["t"]) == ([other], [CASE])
    assert conformance.select([CASE, other]) == ([CASE, other], [])


def test_message_codes_are_read_back_from_descriptions() -> None:
    assert conformance.message_code("The amount must be at least 1.") == "MIN_VALUE"
    assert conformance.message_code("Operation not allowed for Invoice in paid status.") == (
        "OPERATION_NOT_ALLOWED"
    )
    assert conformance.message_code("no such text") is None


# --- the runner: real port processes ----------------------------------------------------


def _run(command: str, **options: Any) -> tuple[int, str]:
    out = io.StringIO()
    code = conformance_run.run(command, vectors=VECTORS, out=out, **options)
    return code, out.getvalue()


def test_the_reference_passes_a_tagged_subset() -> None:
    # One port process for the ten cases (the planted bug below runs one per case).
    code, text = _run(REFERENCE, tags=["messages"], persistent=True)

    assert code == 0
    assert text.splitlines()[-1].startswith("10 passed, 0 failed, ")
    assert not text.splitlines()[-1].endswith(" 0 skipped")


def test_the_planted_bug_fails_its_case_in_a_port_process_per_case() -> None:
    # The smoke test of the default run: one case, one port process (the slow set runs the
    # planted port through every cancel case, one process each).
    code, text = _run(PLANTED, tags=["cell:partially_paid:cancel"])

    assert code == 1
    assert (
        "FAIL lifecycle.partially_paid.cancel: cancel on a partially_paid invoice is refused"
        in text
    )
    assert "at $.status: value differs" in text
    assert text.splitlines()[-1].startswith("0 passed, 1 failed, ")


@pytest.mark.slow  # a port process per case (CI)
def test_the_planted_bug_fails_and_the_report_names_the_rule() -> None:
    code, text = _run(PLANTED, tags=["operation:cancel"], skip_tags=["expiry"])

    assert code == 1
    assert (
        "FAIL lifecycle.partially_paid.cancel: cancel on a partially_paid invoice is refused"
        in text
    )
    assert "cell:partially_paid:cancel" in text
    assert "at $.status: value differs" in text
    assert text.splitlines()[-1].startswith("6 passed, 1 failed, ")


@pytest.mark.slow  # port processes (CI)
def test_json_and_junit_reports() -> None:
    code, text = _run(PLANTED, tags=["cell:partially_paid:cancel"], format="json")
    report = json.loads(text[: text.rindex("}") + 1])
    junit_code, junit = _run(PLANTED, tags=["cell:partially_paid:cancel"], format="junit")
    suite = ET.fromstring(junit[: junit.rindex(">") + 1])  # noqa: S314 - our own output

    assert (code, junit_code) == (1, 1)
    assert report["summary"]["failed"] == 1
    assert report["failures"][0]["id"] == "lifecycle.partially_paid.cancel"
    assert report["vectors_version"] == conformance.VECTORS_VERSION
    assert suite.get("failures") == "1"
    assert int(suite.get("skipped") or 0) >= 1000


def test_a_port_that_cannot_run_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, text = _run("/nonexistent/port", tags=["idempotency"])

    assert (code, text) == (2, "")
    assert "no such executable" in capsys.readouterr().err


def test_a_port_that_prints_nothing_fails_every_case() -> None:
    code, text = _run("true", tags=["idempotency"])

    assert code == 1
    assert "no response line" in text
    assert text.splitlines()[-1].startswith("0 passed, 5 failed, ")


@pytest.mark.slow  # port processes (CI)
def test_the_command_line_closes_with_the_summary() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "invoicecore",
            "conformance",
            "--impl",
            REFERENCE,
            "--tags",
            "idempotency",
            "--vectors",
            str(VECTORS),
            "--persistent",
        ],
        capture_output=True,
        text=True,
        check=False,
    )

    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines()[-1].startswith("5 passed, 0 failed, ")


def test_without_impl_or_generate_it_is_exit_2() -> None:
    assert main(["conformance"]) == 2


@pytest.mark.slow
def test_generate_writes_every_area_and_the_docs_block(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(f"# x\n{conformance_run.DOCS_BEGIN}\nold\n{conformance_run.DOCS_END}\n")

    assert main(["conformance", "--generate", str(tmp_path / "v"), "--docs", str(page)]) == 0
    assert sorted(p.stem for p in (tmp_path / "v").glob("*.json")) == sorted(conformance.AREAS)
    assert "old" not in page.read_text()
    assert "| Cases |" in page.read_text()
    with pytest.raises(ValueError, match="no generated coverage block"):
        conformance_run.replace_block("nothing here", "x")


@pytest.mark.slow
def test_persistent_mode_gives_the_same_result_as_a_process_per_case() -> None:
    chosen = ["cell:partially_paid:cancel", "cell:paid:cancel", "reset", "idempotency"]

    per_case = _run(PLANTED, tags=chosen)
    persistent = _run(PLANTED, tags=chosen, persistent=True)

    assert per_case == persistent
    assert per_case[0] == 1
    assert "FAIL lifecycle.partially_paid.cancel" in persistent[1]


@pytest.mark.parametrize("port", ["true", "false"])
def test_persistent_mode_needs_a_port_that_answers_the_reset_line(
    port: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, text = _run(port, tags=["idempotency"], persistent=True)

    assert (code, text) == (2, "")
    assert "does not answer the reset line" in capsys.readouterr().err


@pytest.mark.slow
def test_the_reference_passes_every_case() -> None:
    code, text = _run(REFERENCE, persistent=True)
    last = text.splitlines()[-1]

    assert code == 0, text[:2000]
    assert last.endswith(" passed, 0 failed, 0 skipped")
    assert int(last.split()[0]) >= 1000


def test_the_excluded_messages_are_the_fuzzers_unreachable_codes() -> None:
    from invoicecore.testing.scripts import UNREACHABLE_CODES

    assert conformance.EXCLUDED_MESSAGES == UNREACHABLE_CODES
