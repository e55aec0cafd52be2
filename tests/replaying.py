"""Running scripts through the real command line, or the replay function, for end-to-end tests."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from invoicecore.replay import replay

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


def run_in_process(script: str) -> list[str]:
    """What ``run_cli`` gives, from ``invoicecore.replay.replay`` in this process."""
    lines = script.encode().split(b"\n")
    return "".join(f"{line}\n" for line in replay(lines)).splitlines()


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
