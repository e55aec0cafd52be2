"""Running scripts through the real command line, for the end-to-end tests."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

ENVELOPE = {
    "code": "BAD_REQUEST_ERROR",
    "source": "business",
    "step": "payment_initiation",
    "reason": "input_validation_failed",
}


def run_cli(script: str) -> list[str]:
    """Output lines of ``python -m invoicecore replay -`` fed ``script``."""
    result = subprocess.run(
        [sys.executable, "-m", "invoicecore", "replay", "-"],
        input=script.encode(),
        capture_output=True,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, b"")
    return result.stdout.decode().splitlines()


def call(at: int, method: str, path: str, **extra: Any) -> str:
    return json.dumps({"at": at, "method": method, "path": path, **extra})


def error_line(description: str, field: str | None = None, status: int = 400) -> str:
    """A whole error line, as the protocol writes it."""
    error: dict[str, object] = {
        "code": ENVELOPE["code"],
        "description": description,
        "field": field,
        "source": ENVELOPE["source"],
        "step": ENVELOPE["step"],
        "reason": ENVELOPE["reason"],
        "metadata": {},
    }
    return json.dumps({"status": status, "body": {"error": error}}, ensure_ascii=False)
