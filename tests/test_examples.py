"""Every example script, replayed through the real CLI, gives its committed output."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SCRIPTS = sorted(
    path for path in EXAMPLES.glob("*.jsonl") if not path.name.endswith(".expected.jsonl")
)


def test_there_are_examples_for_each_flow() -> None:
    assert [path.stem for path in SCRIPTS] == ["cancel", "expiry", "first-errors", "lifecycle"]


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.stem)
def test_example_output_is_exactly_the_committed_one(script: Path) -> None:
    expected = script.with_suffix(".expected.jsonl").read_bytes()

    result = subprocess.run(
        [sys.executable, "-m", "invoicecore", "replay", str(script)],
        capture_output=True,
        check=False,
    )

    assert (result.returncode, result.stderr) == (0, b"")
    assert result.stdout.splitlines() == expected.splitlines()
    assert len(expected.splitlines()) == sum(
        1 for line in script.read_text().splitlines() if line.strip()
    )
