"""The command line as a process: terminal or pipe, and how it ends when the world goes away.

Real subprocesses throughout: a pseudo-terminal for the text view, pipes closed
early, ``/dev/full``, closed standard streams, and a real SIGINT.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from invoicecore.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
LIFECYCLE = EXAMPLES / "lifecycle.jsonl"
EXPECTED = EXAMPLES / "lifecycle.expected.jsonl"
REPLAY = [sys.executable, "-m", "invoicecore", "replay"]
BASH = shutil.which("bash") or "bash"
DEFAULT_SIGINT = [
    sys.executable,
    "-c",
    (
        "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL);"
        " os.execv(sys.executable, [sys.executable, *sys.argv[1:]])"
    ),
]
"""Runs Python with its arguments, SIGINT at its default: a job a non-interactive shell
started in the background (a CI runner's, say) has SIGINT ignored, its children inherit
that, and Python then installs no Ctrl-C handler, as from a terminal it would."""
ANSI = re.compile(r"\x1b\[[0-9;]*m")

posix_only = pytest.mark.skipif(os.name != "posix", reason="pseudo-terminals and signals")


def _environment(**changes: str | None) -> dict[str, str]:
    """This environment without colour settings, then ``changes`` (``None`` removes)."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"NO_COLOR", "FORCE_COLOR", "TERM"}
    }
    environment["TERM"] = "xterm-256color"
    for key, value in changes.items():
        if value is None:
            environment.pop(key, None)
        else:
            environment[key] = value
    return environment


def _in_a_terminal(arguments: list[str], **environment: str | None) -> tuple[int, str]:
    """Run with standard output on a real pseudo-terminal; (exit status, what it showed)."""
    import pty

    leader, follower = pty.openpty()
    process = subprocess.Popen(
        arguments,
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=subprocess.PIPE,
        env=_environment(**environment),
    )
    os.close(follower)
    shown = bytearray()
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the terminal's other side closed
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert process.stderr is not None
    assert process.stderr.read() == b""
    process.stderr.close()
    return process.wait(timeout=60), shown.decode("utf-8").replace("\r\n", "\n")


def _big_script(tmp_path: Path) -> Path:
    """A script far longer than a pipe's buffer: a draft, then many fetches of it."""
    create = json.dumps({"at": 1, "method": "POST", "path": "/v1/invoices", "body": {"draft": "1"}})
    fetch = json.dumps({"at": 2, "method": "GET", "path": "/v1/invoices/inv_00000000000001"})
    script = tmp_path / "big.jsonl"
    script.write_text(create + "\n" + (fetch + "\n") * 3000, encoding="utf-8")
    return script


@posix_only
def test_in_a_terminal_the_replay_shows_the_readable_view_in_colour() -> None:
    code, shown = _in_a_terminal([*REPLAY, str(LIFECYCLE)])

    rows = ANSI.sub("", shown).splitlines()
    assert code == 0
    assert "\x1b[" in shown
    assert rows[0].split() == ["at", "(UTC)", "method", "path", "HTTP", "id", "status",
                               "amount", "paid", "due"]  # fmt: skip
    assert len(rows) == 10
    assert rows[7].split()[-8:] == [
        "inv_00000000000001", "partially_paid", "INR", "600.00", "INR", "250.00", "INR", "350.00",
    ]  # fmt: skip
    assert not shown.lstrip().startswith("{")


@pytest.mark.slow  # a process in a terminal or a pipe (CI)
@posix_only
def test_no_color_in_a_terminal_gives_the_same_rows_without_escapes() -> None:
    _, painted = _in_a_terminal([*REPLAY, str(LIFECYCLE)])

    code, plain = _in_a_terminal([*REPLAY, str(LIFECYCLE)], NO_COLOR="1")

    assert code == 0
    assert "\x1b" not in plain
    assert plain == ANSI.sub("", painted)


@pytest.mark.slow  # a process in a terminal or a pipe (CI)
@posix_only
def test_a_dumb_terminal_gets_no_colour_and_color_always_wins_over_no_color() -> None:
    _, dumb = _in_a_terminal([*REPLAY, str(LIFECYCLE)], TERM="dumb")
    _, forced = _in_a_terminal([*REPLAY, "--color", "always", str(LIFECYCLE)], NO_COLOR="1")

    assert "\x1b" not in dumb
    assert "\x1b[" in forced


@pytest.mark.slow  # a process in a terminal or a pipe (CI)
@posix_only
def test_format_jsonl_in_a_terminal_prints_the_protocol() -> None:
    code, shown = _in_a_terminal([*REPLAY, "--format", "jsonl", str(LIFECYCLE)])

    assert code == 0
    assert shown.splitlines() == EXPECTED.read_text(encoding="utf-8").splitlines()


def test_into_a_pipe_the_replay_prints_the_exact_json_lines() -> None:
    result = subprocess.run(
        [*REPLAY, str(LIFECYCLE)], capture_output=True, check=False, env=_environment()
    )

    assert (result.returncode, result.stderr) == (0, b"")
    assert result.stdout == EXPECTED.read_bytes()


@pytest.mark.slow  # a process in a terminal or a pipe (CI)
def test_format_text_into_a_pipe_is_the_view_without_colour_unless_forced() -> None:
    plain = subprocess.run(
        [*REPLAY, "--format", "text", str(LIFECYCLE)],
        capture_output=True,
        check=False,
        env=_environment(),
    )
    forced = subprocess.run(
        [*REPLAY, "--format", "text", str(LIFECYCLE)],
        capture_output=True,
        check=False,
        env=_environment(FORCE_COLOR="1"),
    )

    assert (plain.returncode, plain.stderr) == (0, b"")
    assert b"\x1b" not in plain.stdout
    assert plain.stdout.decode().splitlines()[0].startswith("at (UTC)")
    assert ANSI.sub("", forced.stdout.decode()) == plain.stdout.decode()
    assert b"\x1b[" in forced.stdout


@pytest.mark.slow  # a process in a terminal or a pipe (CI)
@posix_only
def test_a_reader_that_stops_early_ends_the_replay_by_sigpipe_silently(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [*REPLAY, str(_big_script(tmp_path))],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_environment(),
    )
    assert process.stdout is not None
    assert process.stderr is not None

    first = process.stdout.readline()
    process.stdout.close()  # as `head -1` does
    code = process.wait(timeout=60)

    assert json.loads(first)["body"]["status"] == "draft"
    assert code == -signal.SIGPIPE
    assert process.stderr.read() == b""
    process.stderr.close()


@pytest.mark.slow  # a process in a terminal or a pipe (CI)
@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_replay_piped_into_head_exits_141_as_git_and_ls_do(tmp_path: Path) -> None:
    command = 'python -m invoicecore replay "$1" | head -1; echo "${PIPESTATUS[@]}" >&2'
    env = _environment()
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")

    result = subprocess.run(
        [BASH, "-c", command, "bash", str(_big_script(tmp_path))],
        capture_output=True,
        check=False,
        env=env,
    )

    assert len(result.stdout.splitlines()) == 1
    assert result.stderr == b"141 0\n"


@pytest.mark.slow  # a process in a terminal or a pipe (CI)
@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("format", ["jsonl", "text"])
def test_a_full_disk_is_one_line_and_exit_1(format: str) -> None:
    with Path("/dev/full").open("wb") as full:
        result = subprocess.run(
            [*REPLAY, "--format", format, str(LIFECYCLE)],
            stdout=full,
            stderr=subprocess.PIPE,
            check=False,
        )

    assert result.returncode == 1
    assert (
        result.stderr == b"invoicecore: cannot write to standard output: No space left on device\n"
    )


@pytest.mark.slow  # a process in a terminal or a pipe (CI)
@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_states_to_a_full_disk_is_one_line_and_exit_1() -> None:
    with Path("/dev/full").open("wb") as full:
        result = subprocess.run(
            [sys.executable, "-m", "invoicecore", "states", "--format", "svg"],
            stdout=full,
            stderr=subprocess.PIPE,
            check=False,
        )

    assert result.returncode == 1
    assert (
        result.stderr == b"invoicecore: cannot write to standard output: No space left on device\n"
    )


@pytest.mark.slow  # a process in a terminal or a pipe (CI)
@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_a_closed_standard_output_is_one_line_and_exit_1() -> None:
    result = subprocess.run(
        [BASH, "-c", '"$@" >&-', "bash", *REPLAY, str(LIFECYCLE)],
        capture_output=True,
        check=False,
    )

    assert result.returncode == 1
    assert result.stderr == b"invoicecore: cannot write to standard output: Bad file descriptor\n"


@pytest.mark.slow  # a process in a terminal or a pipe (CI)
@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_a_closed_standard_input_is_one_line_and_exit_2() -> None:
    result = subprocess.run(
        [BASH, "-c", '"$@" <&-', "bash", *REPLAY, "-"],
        capture_output=True,
        check=False,
    )

    assert result.returncode == 2
    assert result.stdout == b""
    assert result.stderr == b"invoicecore replay: cannot read standard input: Bad file descriptor\n"


@pytest.mark.slow  # a process in a terminal or a pipe (CI)
@posix_only
def test_ctrl_c_while_waiting_for_input_is_one_line_and_exit_130() -> None:
    process = subprocess.Popen(
        [*DEFAULT_SIGINT, "-m", "invoicecore", "replay", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_environment(),
    )
    assert process.stdin is not None
    assert process.stdout is not None
    assert process.stderr is not None
    process.stdin.write(b'{"at": 1, "method": "POST", "path": "/v1/invoices", "body": {}}\n')
    process.stdin.flush()
    first = process.stdout.readline()  # the replay is now waiting on a pipe that stays open

    process.send_signal(signal.SIGINT)
    code = process.wait(timeout=60)

    assert json.loads(first)["status"] == 400
    assert code == 130
    assert process.stderr.read() == b"invoicecore: interrupted\n"
    for stream in (process.stdin, process.stdout, process.stderr):
        stream.close()


# In the same process, for the parts a subprocess hides from coverage: standard
# output as Python leaves it when closed (None), and a real full device.


def test_in_process_a_closed_standard_output_is_one_line_and_exit_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdout", None)

    code = main(["replay", str(LIFECYCLE)])

    assert code == 1
    assert capsys.readouterr().err == (
        "invoicecore: cannot write to standard output: Bad file descriptor\n"
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_in_process_a_full_device_is_one_line_and_exit_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with Path("/dev/full").open("w", encoding="utf-8") as full:
        monkeypatch.setattr(sys, "stdout", full)

        code = main(["states"])

        monkeypatch.undo()
    assert code == 1
    assert capsys.readouterr().err == (
        "invoicecore: cannot write to standard output: No space left on device\n"
    )


def test_in_process_a_closed_standard_input_is_an_unreadable_script(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", None)

    code = main(["replay", "-"])

    assert code == 2
    assert capsys.readouterr().err == (
        "invoicecore replay: cannot read standard input: Bad file descriptor\n"
    )


@pytest.mark.parametrize(
    ("arguments", "environment", "coloured"),
    [
        pytest.param([], {}, False, id="not-a-terminal"),
        pytest.param([], {"FORCE_COLOR": "1"}, True, id="FORCE_COLOR"),
        pytest.param([], {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False, id="NO_COLOR-wins"),
        pytest.param(["--color", "always"], {"NO_COLOR": "1"}, True, id="always-wins"),
        pytest.param(["--color", "never"], {"FORCE_COLOR": "1"}, False, id="never-wins"),
    ],
)
def test_colour_follows_the_option_then_the_environment(
    arguments: list[str],
    environment: dict[str, str],
    coloured: bool,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for key in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(key, raising=False)
    for key, value in environment.items():
        monkeypatch.setenv(key, value)

    code = main(["replay", "--format", "text", *arguments, str(LIFECYCLE)])

    out = capsys.readouterr().out
    assert code == 0
    assert ("\x1b[" in out) == coloured
    assert ANSI.sub("", out).splitlines()[0].startswith("at (UTC)")
