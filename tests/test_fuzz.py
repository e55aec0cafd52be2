"""python -m invoicecore fuzz: silent against the reference, loud against planted bugs, and
unbroken by hostile ports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from random import Random
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, Phase, find, settings
from hypothesis.errors import NoSuchExample

from invoicecore import check_invariants, errors, testing
from invoicecore.cli import main
from invoicecore.portrun import PortCannotStart, PortProcess, parse_command
from invoicecore.replay import PROTOCOL_VERSION, replay
from invoicecore.testing.fuzzing import (
    Difference,
    find_difference,
    first_differing_key,
    ignore_keys,
    printable,
    reference_output,
    side_by_side,
)
from invoicecore.testing.scripts import (
    BAD_VALUES,
    ENDPOINTS,
    TAGS,
    UNREACHABLE_CODES,
    call_scripts,
    endpoint_of,
    error_code,
    reach,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

PORTS = Path(__file__).parent / "ports"
REFERENCE = f"{sys.executable} -m invoicecore replay -"
HOSTILE = f"{sys.executable} {PORTS / 'hostile.py'}"
BOUND = 300  # seconds: every fuzz run below ends well within it, or the test fails
PATIENT = ("--timeout", "60")  # a loaded machine starts Python slowly: only hangs time out


def _fuzz(*arguments: str) -> subprocess.CompletedProcess[str]:
    patience = () if "--timeout" in arguments else PATIENT
    return subprocess.run(
        [sys.executable, "-m", "invoicecore", "fuzz", *arguments, *patience],
        capture_output=True,
        text=True,
        check=False,
        timeout=BOUND,
    )


def _drawn(examples: int, seed: int = 0, **options: object) -> list[list[str]]:
    drawn: list[list[str]] = []

    def keep(script: list[str]) -> bool:
        drawn.append(script)
        return False

    search = settings(
        max_examples=examples,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    with pytest.raises(NoSuchExample):
        find(call_scripts(**options), keep, settings=search, random=Random(seed))  # type: ignore[arg-type]
    return drawn


# -- reach ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_drawn_scripts_reach_every_endpoint_and_every_error_code() -> None:
    # Hypothesis draws differ with the modules a process has loaded (it mines them
    # for constants), so a code that takes several calls in a row (a captured
    # payment id sent again) can miss one batch: up to three batches, seeds 0 to 2.
    codes = {message.code for message in errors.MESSAGES}
    endpoints: set[str] = set()
    reached: set[str] = set()
    for seed in range(3):
        scripts = _drawn(4000, seed)
        found = reach(scripts, [reference_output(script) for script in scripts])
        endpoints |= set(found.endpoints)
        reached |= set(found.codes)
        if not codes - UNREACHABLE_CODES - reached:
            break

    assert endpoints == set(TAGS)
    assert sorted(codes - UNREACHABLE_CODES - reached) == []
    assert "UNKNOWN" not in reached
    assert codes >= UNREACHABLE_CODES


def test_only_and_valid_only_restrict_the_calls() -> None:
    scripts = _drawn(50, only=("create", "pay"), invalid=False, max_calls=3)

    calls = [json.loads(line) for script in scripts for line in script]
    tags = {endpoint_of(call["method"], call["path"]) for call in calls}

    assert tags == {"create", "pay"}
    assert max(map(len, scripts)) <= 3


def test_every_bad_value_row_names_an_endpoint() -> None:
    assert {endpoint for endpoint, _, _ in BAD_VALUES} <= set(ENDPOINTS)
    assert all(values for _, _, values in BAD_VALUES)


def test_error_codes_are_read_back_from_descriptions_most_specific_first() -> None:
    assert error_code("The count must be at least 1.") == "MIN_VALUE"
    assert error_code("The receipt must be at least 1 characters.") == "MIN_LENGTH"
    assert error_code("The body must be an object.") == "MUST_BE"
    assert error_code("nothing like a message") is None


# -- the reset line (replay protocol 1.1) -------------------------------------------------


def test_the_reset_line_starts_a_fresh_book_and_is_answered_with_one_line() -> None:
    create = '{"at": 1700000000, "method": "POST", "path": "/v1/customers", "body": {"name": "A"}}'
    earlier = create.replace("1700000000", "1600000000")

    first, reset, again = replay([create, '{"reset": true}', earlier])

    assert reset == '{"status": 200, "body": {"reset": true}}'
    assert again == first.replace("1700000000", "1600000000")
    assert PROTOCOL_VERSION == "1.1"


@pytest.mark.parametrize(
    "line", ['{"reset": 1}', '{"reset": false}', '{"reset": true, "at": 1700000000}']
)
def test_anything_else_with_a_reset_key_is_an_ordinary_line(line: str) -> None:
    (answer,) = replay([line])

    assert json.loads(answer)["body"]["error"]["description"].endswith(
        "is/are not required and should not be sent"
    )


# -- the search as a library ----------------------------------------------------------------


@pytest.mark.slow
def test_the_search_is_pure_and_shrinks_a_difference_to_one_call() -> None:
    def drops_receipts(script: Sequence[str]) -> list[str]:
        return [line.replace('"receipt": "', '"receipt": "x') for line in reference_output(script)]

    found = find_difference(drops_receipts, examples=300, random=Random(0))

    assert found is not None
    assert found.first == len(found.script) - 1
    assert len(found.script) <= 2
    assert found.reference != found.port
    assert find_difference(reference_output, examples=5, random=Random(0)) is None


def test_a_normaliser_and_a_strategy_let_a_service_ignore_a_key() -> None:
    def own_metadata(script: Sequence[str]) -> list[str]:
        return [line.replace('"metadata": {}', '"metadata": {"x": 1}') for line in replay(script)]

    scripts = call_scripts(only=("create", "pay"), max_calls=3)

    ignored = find_difference(
        own_metadata,
        examples=30,
        random=Random(1),
        scripts=scripts,
        normalise=ignore_keys("metadata"),
    )
    noticed = find_difference(own_metadata, examples=30, random=Random(1), scripts=scripts)

    assert ignored is None
    assert noticed is not None
    assert "The script as JSON Lines:" in side_by_side(noticed)


def test_side_by_side_marks_the_first_difference_its_key_and_extra_lines() -> None:
    difference = Difference(
        script=("a", "b"),
        reference=("1", '{"status": 200, "body": {"k": 1}}'),
        port=("1", '{"status": 200, "body": {"k": "\\u001b[31m"}}', "4"),
    )

    text = side_by_side(difference)

    assert difference.first == 1
    assert text.splitlines() == [
        "Minimal script (2 calls); first difference at call 2:",
        "  1  call:      a",
        "     reference: 1",
        "     port:      1",
        "  2  call:      b",
        '     reference: {"status": 200, "body": {"k": 1}}',
        '     port:      {"status": 200, "body": {"k": "\\u001b[31m"}}  <-- differs',
        "     port printed more: 4",
        "First differing key in the answer to call 2: $.body.k",
        "     reference: 1",
        '     port:      "\\u001b[31m"',
        "The script as JSON Lines:",
        "a",
        "b",
    ]


@pytest.mark.parametrize(
    ("ours", "theirs", "path"),
    [
        ('{"a": 1, "b": 2}', '{"a": 1, "b": 3}', "$.b"),
        ('{"a": 1, "b": 2}', '{"b": 2, "a": 1}', "$.a (key order)"),
        ('{"a": [1, 2]}', '{"a": [1]}', "$.a[1]"),
        ('{"a": 1}', '{"a": 1.0}', "$.a"),
        ('{"a": 1}', '{"a": 1, "c": 0}', "$.c"),
        ('{"a": 1}', "not json", "$"),
        ('{"a": 1}', '{"a": 1}', None),
    ],
)
def test_the_first_differing_key_is_a_json_path(ours: str, theirs: str, path: str | None) -> None:
    assert first_differing_key(ours, theirs) == path


def test_control_characters_are_escaped_and_long_lines_cut() -> None:
    assert printable("a\x1b[2Jb\u2028\x85") == "a\\x1b[2Jb\\u2028\\x85"
    assert printable("abcdef", 3) == "abc..."


# -- the command ------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_reference_has_no_difference_with_itself() -> None:
    result = _fuzz("--against", REFERENCE, "--examples", "10", "--max-calls", "4")

    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        "No difference in 10 scripts.\n",
        "",
    )


@pytest.mark.slow
def test_the_reference_has_no_difference_with_itself_in_persistent_mode() -> None:
    result = _fuzz("--against", REFERENCE, "--examples", "150", "--persistent", "--seed", "3")

    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        "No difference in 150 scripts.\n",
        "",
    )


def _calls(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if line[3:10] == "  call:"]


@pytest.mark.slow
def test_a_planted_bug_is_found_and_shrunk_to_a_short_script() -> None:
    port = f"{sys.executable} {PORTS / 'cancel_partially_paid.py'}"

    # The default 500 scripts reach the bug (a partial payment, then a cancel) at nine seeds in
    # ten (0 to 9 but 4, under PYTHONHASHSEED 0 to 2; 2026-12-02): call_scripts aims pays at
    # open invoices and cancels at partially paid ones. Hypothesis also draws integers from
    # the constants of the package's source, so a change to the package moves which seeds do:
    # a second or third seed is tried only if the first finds nothing.
    for seed in ("0", "1", "2"):
        result = _fuzz("--against", port, "--seed", seed, "--persistent")
        if result.returncode != 0:
            break

    calls = _calls(result.stdout)
    assert result.returncode == 1
    assert result.stdout.startswith("Minimal script (")
    assert len(calls) <= 4
    assert calls[-1].endswith('"method": "POST", "path": "/v1/invoices/inv_00000000000001/cancel"}')
    assert "Operation not allowed for Invoice in partially_paid status." in result.stdout
    assert "First differing key in the answer to call" in result.stdout


@pytest.mark.slow
def test_a_check_order_swapped_is_found_with_a_short_script() -> None:
    port = f"{sys.executable} {PORTS / 'receipt_after_description.py'}"

    result = _fuzz("--against", port, "--seed", "3", "--examples", "1000", "--persistent")

    script = result.stdout.split("The script as JSON Lines:\n")[1].splitlines()
    last = json.loads(script[-1])["body"]
    assert result.returncode == 1
    assert len(script) <= 4
    assert {"receipt", "description"} <= set(last) or {"invoice_number", "description"} <= set(last)
    assert "$.body.error.description" in result.stdout


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--against", "/nonexistent/port"], "no such executable"),
        (["--against", ""], "the command is empty"),
        (["--against", "python 'unbalanced"], "No closing quotation"),
        (["--against", REFERENCE, "--examples", "0"], "--examples must be at least 1"),
        (["--against", REFERENCE, "--only", "create,refund"], "--only takes tags"),
        (["--against", REFERENCE, "--timeout", "0"], "--timeout must be more than 0"),
        (["--examples", "3"], "the following arguments are required: --against"),
    ],
)
def test_a_usage_error_or_a_port_that_cannot_start_is_one_line_and_exit_2(
    arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # In process (a port that cannot start is still a real process): the
    # command line's own process is checked once, below.
    patience = () if "--timeout" in arguments else PATIENT
    code: object
    try:
        code = main(["fuzz", *arguments, *patience])
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()

    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1
    assert message in err
    assert "Traceback" not in err


def test_a_usage_error_in_its_own_process_is_one_line_and_exit_2() -> None:
    result = _fuzz("--against", REFERENCE, "--examples", "0")

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "python -m invoicecore fuzz: --examples must be at least 1, got 0\n"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("mode", "timeout", "expected"),
    [
        ("crash", "60", "(the port exited with status 1)"),
        ("hang", "1", "(the port timed out after 1 s)"),
        ("too-few", "60", "(nothing)"),
        ("too-many", "60", "port printed more:"),
        ("exit", "60", "(the port exited with status 5)"),
        ("stderr", "60", "\\x1b[31m"),
    ],
)
def test_a_hostile_port_is_reported_in_bounded_time_with_exit_1(
    mode: str, timeout: str, expected: str
) -> None:
    result = _fuzz(
        "--against",
        f"{HOSTILE} {mode}",
        *("--examples", "5", "--max-calls", "2", "--timeout", timeout, "--budget", "3"),
    )

    assert (result.returncode, result.stderr) == (1, "")
    assert expected in result.stdout
    assert "\x1b" not in result.stdout


@pytest.mark.slow  # port processes (CI)
def test_the_ports_standard_error_is_shown_with_its_failure() -> None:
    result = _fuzz("--against", f"{HOSTILE} crash", "--examples", "2", "--max-calls", "1")

    assert result.returncode == 1
    assert "The port's standard error (last lines):" in result.stdout
    assert "RuntimeError: the port crashed at once" in result.stdout


@pytest.mark.slow
def test_a_port_that_prints_forever_is_stopped() -> None:
    result = _fuzz("--against", "yes", "--examples", "2", "--max-calls", "1", "--budget", "2")

    assert result.returncode == 1
    assert "(the port printed too much (more than 8,388,608 bytes))" in result.stdout


@pytest.mark.slow
def test_a_child_holding_the_output_does_not_stall_the_run() -> None:
    result = _fuzz("--against", f"{HOSTILE} child", "--examples", "3", "--max-calls", "2")

    assert (result.returncode, result.stdout) == (0, "No difference in 3 scripts.\n")


@pytest.mark.slow  # port processes (CI)
def test_persistent_mode_needs_a_port_that_answers_the_reset_line() -> None:
    result = _fuzz("--against", f"{HOSTILE} no-reset", "--persistent", "--timeout", "1")

    assert result.returncode == 2
    assert "does not answer the reset line" in result.stderr
    assert len(result.stderr.splitlines()) == 1


# -- the port runner, in process ------------------------------------------------------------

SCRIPT = ['{"at": 1700000000, "method": "POST", "path": "/v1/customers", "body": {"name": "A"}}']


@pytest.mark.slow  # port processes (CI)
@pytest.mark.parametrize(
    ("mode", "timeout", "last"),
    [
        ("exit", 60.0, "(the port exited with status 5)"),
        ("hang", 0.5, "(the port timed out after 0.5 s)"),
        ("too-many", 60.0, '{"status": 200, "body": []}'),
        ("child", 60.0, reference_output(SCRIPT)[-1]),
    ],
)
def test_the_port_runner_reports_what_went_wrong_as_a_last_line(
    mode: str, timeout: float, last: str
) -> None:
    port = PortProcess(argv=[sys.executable, str(PORTS / "hostile.py"), mode], timeout=timeout)

    lines = port(SCRIPT)

    assert lines[-1] == last


def test_the_port_runner_bounds_the_output_it_keeps() -> None:
    port = PortProcess(argv=parse_command("yes"), max_output=100_000, timeout=60)

    lines = port(SCRIPT)

    assert lines[-1] == "(the port printed too much (more than 100,000 bytes))"
    assert sum(map(len, lines)) <= 100_100


def test_a_persistent_port_serves_one_script_after_another() -> None:
    port = PortProcess(argv=parse_command(REFERENCE), persistent=True, timeout=60)
    port.check_reset()

    first, second = port(SCRIPT), port(SCRIPT)
    port.close()

    assert first == second == list(reference_output(SCRIPT))


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ("", "the command is empty"),
        ("'open", "cannot read the command"),
        ("/nonexistent/port", "no such executable"),
    ],
)
def test_a_command_that_cannot_run_is_refused(command: str, message: str) -> None:
    with pytest.raises(PortCannotStart, match=message):
        parse_command(command)


def test_the_fuzz_command_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["fuzz", "--against", REFERENCE, "--examples", "3", "--seed", "1", "--persistent", *PATIENT]
    )

    assert (code, capsys.readouterr().out) == (0, "No difference in 3 scripts.\n")


def test_the_testing_module_offers_the_invariant_check() -> None:
    assert testing.check_invariants is check_invariants
    assert set(testing.__all__) == {"InvariantViolation", "check_invariants"}
