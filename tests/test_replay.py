"""The replay engine in-process: the same lines as the CLI, without a process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from invoicecore.book import Book, Call, Response
from invoicecore.replay import Replayer, replay
from tests.replaying import call, error_line

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
T = 1_700_000_000


@pytest.mark.parametrize("name", ["lifecycle", "expiry", "cancel", "first-errors"])
def test_the_pure_engine_gives_the_examples_output(name: str) -> None:
    script = (EXAMPLES / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    expected = (EXAMPLES / f"{name}.expected.jsonl").read_text(encoding="utf-8").splitlines()

    assert list(replay(script)) == expected


@pytest.mark.parametrize("name", ["lifecycle", "expiry", "cancel", "first-errors"])
def test_the_utf8_step_gives_the_same_lines_encoded(name: str) -> None:
    """``step_utf8`` (what the command line writes) is ``step`` encoded, line for line."""
    script = (EXAMPLES / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    texts, raw = Replayer(), Replayer()

    pairs = [(texts.step(line), raw.step_utf8(line)) for line in script if line.strip()]

    assert [data for _, data in pairs] == [text.encode("utf-8") for text, _ in pairs]
    assert any(not text.isascii() for text, _ in pairs)  # the currency symbol: UTF-8 proper


def test_each_malformed_line_gets_its_error_and_the_clock_stays() -> None:
    replayer = Replayer()
    lines = [
        "{",
        "42",
        json.dumps({"method": "GET", "path": "/v1/invoices"}),
        json.dumps({"at": True, "method": "GET", "path": "/v1/invoices"}),
        json.dumps({"at": T, "method": 1, "path": "/v1/invoices"}),
        json.dumps({"at": T, "method": "GET", "path": None}),
        call(T, "GET", "/v1/invoices"),
        call(T - 1, "GET", "/v1/invoices"),
    ]

    answers = [replayer.step(line) for line in lines]

    assert answers[:6] == [
        error_line("The line is not valid JSON."),
        error_line("The line must be an object.", "line"),
        error_line("The at field is required.", "at"),
        error_line("The at must be an integer.", "at"),
        error_line("The method must be a string.", "method"),
        error_line("The path must be a string.", "path"),
    ]
    assert json.loads(answers[6])["status"] == 200
    assert answers[7] == error_line(
        "The at may not be before the previous call's at (1700000000).", "at"
    )
    assert json.loads(replayer.step(call(T, "GET", "/v1/invoices")))["status"] == 200


def test_a_book_subclass_that_answers_calls_its_own_way_is_asked() -> None:
    """The replay skips copying the bodies it encodes, but never past a ``handle`` a
    subclass defines (to log, count or refuse calls)."""

    class Counting(Book):
        def __init__(self) -> None:
            super().__init__()
            self.seen: list[str] = []

        def handle(self, call: Call) -> Response:
            self.seen.append(call.path)
            return super().handle(call)

    book = Counting()
    script = (EXAMPLES / "lifecycle.jsonl").read_text(encoding="utf-8").splitlines()
    expected = (EXAMPLES / "lifecycle.expected.jsonl").read_text(encoding="utf-8").splitlines()

    assert list(replay(script, book=book)) == expected
    assert len(book.seen) == len([line for line in script if line.strip()])
