"""The replay's view for people: aligned rows, money with its exponent, nothing raises."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from invoicecore import view
from invoicecore.replay import Replayer

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _rows(script: Path, *, colour: bool = False) -> list[str]:
    replayer = Replayer()
    lines = [line for line in script.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [view.row(line, replayer.step(line), colour=colour) for line in lines]


def test_the_lifecycle_reads_as_one_row_per_call() -> None:
    rows = _rows(EXAMPLES / "lifecycle.jsonl")

    assert len(rows) == 9
    assert rows[0].split() == [
        "2023-11-14", "22:13:20", "POST", "/v1/customers", "200",
        "cust_00000000000001", "customer:", "Gaurav", "Kumar",
    ]  # fmt: skip
    assert rows[1].endswith(
        "inv_00000000000001   draft               INR 800.00               -               -"
    )
    assert rows[6].split()[3:] == [
        "/sim/invoices/inv_00000000000001/payments", "200", "inv_00000000000001",
        "partially_paid", "INR", "600.00", "INR", "250.00", "INR", "350.00",
    ]  # fmt: skip
    assert rows[4].split()[-1] == "success"
    assert rows[8].endswith("collection, count 1")


def test_rows_align_under_the_header() -> None:
    header = view.header()
    rows = _rows(EXAMPLES / "lifecycle.jsonl")

    invoice_rows = [row for row in rows if "inv_00000000000001   " in row]
    assert invoice_rows
    for title in ("method", "path", "HTTP", "id", "status"):
        column = header.index(title)
        assert all(row[column - 1] == " " and row[column] != " " for row in invoice_rows), title
    ends = {len(row) for row in invoice_rows}
    assert ends == {len(header)}  # the money columns end where "due" ends


def test_an_error_shows_its_description() -> None:
    rows = _rows(EXAMPLES / "first-errors.jsonl")

    assert rows[0].endswith("/v1/invoices" + " " * 47 + "400   line_items is required.")
    assert rows[12].split()[3:] == ["/v1/invoice", "404", "The", "requested", "URL", "was", "not",
                                    "found", "on", "the", "server."]  # fmt: skip
    assert rows[-1].split()[:2] == ["-", "-"]
    assert rows[-1].endswith("The line is not valid JSON.")


def test_colour_wraps_cells_without_moving_columns() -> None:
    plain = _rows(EXAMPLES / "lifecycle.jsonl")
    painted = _rows(EXAMPLES / "lifecycle.jsonl", colour=True)

    assert all("\x1b[" not in row for row in plain)
    assert all("\x1b[" in row for row in painted)
    stripped = [_strip_ansi(row) for row in painted]
    assert stripped == plain
    assert "\x1b[33mpartially_paid" in painted[6]
    assert "\x1b[32mpaid" in painted[7]


def _strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def test_a_script_cannot_drive_the_terminal() -> None:
    line = json.dumps({"at": 1, "method": "GET", "path": "/v1/\x1b[2Jx\u202e"})

    shown = view.row(line, Replayer().step(line))

    assert "\x1b" not in shown
    assert "\u202e" not in shown
    assert "/v1/\\u001b[2Jx\\u202e" in shown


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        pytest.param(600, "INR", "INR 6.00", id="INR-two-digits"),
        pytest.param(600, "JPY", "JPY 600", id="JPY-no-fraction"),
        pytest.param(1500, "KWD", "KWD 1.500", id="KWD-three-digits"),
        pytest.param(None, "INR", "-", id="not-set-yet"),
        pytest.param(5, "XXX", "XXX 5", id="unknown-currency"),
        pytest.param("5", "INR", "5", id="not-an-integer"),
    ],
)
def test_money_uses_the_currency_exponent(amount: object, currency: object, expected: str) -> None:
    assert view.money(amount, currency) == expected


@given(st.integers(min_value=-62_135_596_800, max_value=253_402_300_799))
def test_utc_time_agrees_with_datetime(at: int) -> None:
    assert view.utc_time(at) == datetime.fromtimestamp(at, UTC).replace(tzinfo=None).isoformat(
        sep=" "
    )


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)
_BODIES = st.fixed_dictionaries(
    {},
    optional={
        "entity": st.sampled_from(["invoice", "collection", "customer", "item", "x"]),
        "status": _JSON,
        "amount": _JSON,
        "currency": _JSON,
        "error": _JSON,
        "count": _JSON,
        "id": _JSON,
    },
)


@given(
    st.one_of(st.text(), st.binary(), _JSON.map(json.dumps)),
    st.one_of(
        st.text(),
        st.binary(),
        st.builds(
            lambda status, body: json.dumps({"status": status, "body": body}), _JSON, _BODIES
        ),
    ),
    st.booleans(),
)
def test_any_lines_give_one_line_of_text(script: str | bytes, response: str, colour: bool) -> None:
    shown = view.row(script, response, colour=colour)

    assert isinstance(shown, str)
    assert "\n" not in shown
    assert "\r" not in shown


def _text_blocks(page: Path) -> list[list[str]]:
    """The ```text blocks of a Markdown page, as lists of lines."""
    found = re.findall(r"```text\n(.*?)```", page.read_text(encoding="utf-8"), flags=re.DOTALL)
    return [block.splitlines() for block in found]


def test_the_readme_shows_the_real_view_of_its_first_command() -> None:
    shown = [view.header(), *_rows(EXAMPLES / "lifecycle.jsonl")]

    (block,) = _text_blocks(EXAMPLES.parent / "README.md")

    assert block == shown


def test_the_replay_page_shows_real_rows() -> None:
    shown = [view.header(), *_rows(EXAMPLES / "lifecycle.jsonl")]

    (block,) = _text_blocks(EXAMPLES.parent / "docs" / "replay.md")

    assert block[0] == shown[0]
    assert all(line in shown for line in block)
