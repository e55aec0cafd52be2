"""python -m invoicecore fuzz: silent against the reference, loud against a planted bug."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from random import Random
from typing import TYPE_CHECKING

import pytest

from invoicecore import check_invariants, testing
from invoicecore.cli import main
from invoicecore.fuzzing import Difference, find_difference, side_by_side
from invoicecore.replay import replay

if TYPE_CHECKING:
    from collections.abc import Sequence

PORTS = Path(__file__).parent / "ports"


def _fuzz(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "invoicecore", "fuzz", *arguments],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.slow
def test_the_reference_has_no_difference_with_itself() -> None:
    result = _fuzz("--against", f"{sys.executable} -m invoicecore replay -", "--examples", "25")

    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        "No difference in 25 scripts.\n",
        "",
    )


@pytest.mark.slow
def test_a_planted_bug_is_found_and_shrunk_to_a_short_script() -> None:
    port = f"{sys.executable} {PORTS / 'cancel_partially_paid.py'}"

    result = _fuzz("--against", port, "--seed", "6")

    assert result.returncode == 1
    heading, *body = result.stdout.splitlines()
    calls = [line for line in body if "call:" in line]
    assert heading.startswith("Minimal script (")
    assert len(calls) <= 5
    assert calls[-1].endswith('"method": "POST", "path": "/v1/invoices/inv_00000000000001/cancel"}')
    assert "Operation not allowed for Invoice in partially_paid status." in result.stdout
    assert "<-- differs" in result.stdout


def test_a_port_that_cannot_start_is_a_difference() -> None:
    result = _fuzz("--against", "/nonexistent/port", "--examples", "5", "--seed", "1")

    assert result.returncode == 1
    assert "(the port did not run:" in result.stdout


def test_side_by_side_marks_the_first_difference_and_extra_lines() -> None:
    difference = Difference(script=("a", "b"), reference=("1", "2"), port=("1", "3", "4"))

    text = side_by_side(difference)

    assert difference.first == 1
    assert text.splitlines() == [
        "Minimal script (2 calls); first difference at call 2:",
        "  1  call:      a",
        "     reference: 1",
        "     port:      1",
        "  2  call:      b",
        "     reference: 2",
        "     port:      3  <-- differs",
        "     port printed more: 4",
    ]


@pytest.mark.slow
def test_the_search_is_pure_and_shrinks_a_difference_to_one_call() -> None:
    def drops_receipts(script: Sequence[str]) -> list[str]:
        return [line.replace('"receipt": "', '"receipt": "x') for line in replay(script)]

    found = find_difference(drops_receipts, examples=200, random=Random(0))

    assert found is not None
    assert (len(found.script), found.first) == (1, 0)
    assert found.reference != found.port
    assert (
        find_difference(lambda script: list(replay(script)), examples=5, random=Random(0)) is None
    )


def test_the_fuzz_command_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    reference = f"{sys.executable} -m invoicecore replay -"

    code = main(["fuzz", "--against", reference, "--examples", "3", "--seed", "1"])

    assert (code, capsys.readouterr().out) == (0, "No difference in 3 scripts.\n")


def test_the_testing_module_offers_the_invariant_check() -> None:
    assert testing.check_invariants is check_invariants
    assert set(testing.__all__) == {"InvariantViolation", "check_invariants"}
