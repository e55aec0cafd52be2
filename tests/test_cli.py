"""python -m invoicecore states, in-process and as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from invoicecore import TRANSITIONS, Status
from invoicecore.cli import main
from tests.replaying import run_cli

if TYPE_CHECKING:
    from pathlib import Path


def test_states_prints_the_text_table_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["states"])

    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines()[0].split() == ["operation", "from", "to"]
    assert "pay                     issued, partially_paid" in out
    assert out.rstrip().endswith("terminal: paid, cancelled, expired, deleted")


def test_states_json_is_the_table_for_ports(capsys: pytest.CaptureFixture[str]) -> None:
    main(["states", "--format", "json"])

    document = json.loads(capsys.readouterr().out)
    assert document["statuses"] == [s.value for s in Status]
    assert [op["operation"] for op in document["operations"]] == [o.value for o in TRANSITIONS]
    pay = next(op for op in document["operations"] if op["operation"] == "pay")
    assert pay["refusal_overrides"] == {
        "deleted": {
            "code": "NOT_PAYABLE_DELETED",
            "description": "Invoice is not payable as it is deleted.",
        }
    }


def test_states_mermaid_and_dot(capsys: pytest.CaptureFixture[str]) -> None:
    main(["states", "--format", "mermaid"])
    mermaid = capsys.readouterr().out
    main(["states", "--format", "dot"])
    dot = capsys.readouterr().out

    assert mermaid.startswith("stateDiagram-v2\n")
    assert "    draft --> issued: update, issue\n" in mermaid
    assert "    note right of issued : keeps status - update, notify, mark_notification_sent\n" in (
        mermaid
    )
    assert "    [*] --> draft: create\n" in mermaid
    assert 'issued -> partially_paid [label="pay"];' in dot
    assert "paid [shape=doublecircle];" in dot


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "states" in capsys.readouterr().err


def test_a_bad_format_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["states", "--format", "png"])

    assert exited.value.code == 2
    assert "invalid choice: 'png'" in capsys.readouterr().err


def test_python_dash_m_runs_the_states_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "invoicecore", "states", "--format", "mermaid"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("stateDiagram-v2")


def test_replay_reads_a_file_and_skips_blank_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "script.jsonl"
    script.write_text(
        '{"at": 1, "method": "POST", "path": "/v1/invoices", "body": {"draft": "1"}}\r\n\n'
        '{"at": 2, "method": "GET", "path": "/v1/invoices/inv_00000000000001"}\n',
        encoding="utf-8",
    )

    code = main(["replay", str(script)])

    lines = capsys.readouterr().out.splitlines()
    assert code == 0
    assert [json.loads(line)["body"]["status"] for line in lines] == ["draft", "draft"]


def test_replay_of_a_missing_file_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["replay", "/nonexistent/script.jsonl"])

    assert code == 2
    assert capsys.readouterr().err.startswith(
        "invoicecore replay: cannot read /nonexistent/script.jsonl"
    )


def test_a_line_that_is_not_utf8_gets_its_error_and_the_script_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "mixed.jsonl"
    script.write_bytes(
        b'{"at": 1, "method": "POST", "path": "/v1/invoices", "body": {"draft": "1"}}\n'
        b"\xff\xfe garbage\n"
        b'{"at": 2, "method": "GET", "path": "/v1/invoices/inv_00000000000001"}\n'
    )

    code = main(["replay", str(script)])

    lines = capsys.readouterr().out.splitlines()
    assert code == 0
    assert [json.loads(line)["status"] for line in lines] == [200, 400, 200]
    assert json.loads(lines[1])["body"]["error"]["description"] == "The line is not valid JSON."


def test_lone_surrogates_and_unicode_line_breaks_stay_on_one_line() -> None:
    script = (
        '{"at": 1, "method": "POST", "path": "/v1/invoices", '
        '"body": {"draft": "1", "notes": {"a": "\\ud800", "b": "x\u2028y"}}}'
    )

    (line,) = run_cli(script)  # splitlines() would split an unescaped U+2028

    assert json.loads(line)["body"]["notes"] == {"a": "\ud800", "b": "x\u2028y"}
    assert "\\u2028" in line
