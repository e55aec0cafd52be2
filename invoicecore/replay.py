"""The replay protocol as a pure function: JSON Lines in, JSON Lines out.

Each input line is one call (``at``, ``method``, ``path``, optional ``body``,
``query`` and ``comment``); each output line is ``{"status": ..., "body": ...}``.
``cli.py`` does the reading and writing; this module only turns strings into
strings, so a test, a port's harness or a server can drive it without a process.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Final

from invoicecore import _validators as v
from invoicecore import errors, wire
from invoicecore.book import Book, Call, Response

__all__ = ["LINE_KEYS", "Replayer", "encode", "replay"]

LINE_KEYS: Final = ("at", "method", "path", "body", "query", "comment")
"""The keys a script line may carry; ``comment`` is ignored, for annotated scripts."""


class Replayer:
    """A book and the script's clock: one ``step`` per line."""

    def __init__(self, book: Book | None = None) -> None:
        if book is not None and not isinstance(book, Book):
            raise errors.MUST_BE.error(field="book", attribute="book", expected="a Book")
        self.book = Book() if book is None else book
        self.previous_at: int | None = None

    def step(self, line: str) -> str:
        """The response line for one script line (without a newline)."""
        try:
            call = self._call(line)
        except errors.InvoiceError as error:
            return encode(Response(status=400, body=wire.render_error(error)))
        self.previous_at = call.at
        return encode(self.book.handle(call))

    def _call(self, line: str) -> Call:
        if not isinstance(line, (str, bytes)):
            raise errors.LINE_NOT_JSON.error()
        try:
            data: Any = json.loads(line)
        except (ValueError, RecursionError):
            raise errors.LINE_NOT_JSON.error() from None
        if not isinstance(data, Mapping):
            raise errors.MUST_BE.error(field="line", attribute="line", expected="an object")
        extras = [key for key in data if key not in LINE_KEYS]
        if extras:
            raise errors.EXTRA_FIELDS.error(field=extras[0], keys=", ".join(extras))
        for key in ("at", "method", "path"):
            if key not in data:
                raise errors.REQUIRED.error(field=key, attribute=key)
        at = v.check_integer(data["at"], "at")
        if self.previous_at is not None and at < self.previous_at:
            raise errors.CLOCK_WENT_BACK.error(field="at", previous=self.previous_at)
        for key in ("method", "path"):
            if not isinstance(data[key], str):
                raise errors.MUST_BE.error(field=key, attribute=key, expected="a string")
        return Call(
            at=at,
            method=data["method"],
            path=data["path"],
            body=data.get("body"),
            query=data.get("query"),
        )


def replay(lines: Iterable[str], *, book: Book | None = None) -> Iterator[str]:
    """One response line per script line; blank lines are skipped."""
    if not isinstance(lines, Iterable):
        raise errors.MUST_BE.error(field="lines", attribute="lines", expected="an iterable")
    replayer = Replayer(book)
    for line in lines:
        given: object = line
        if not isinstance(given, str) or given.strip():
            yield replayer.step(line)


def encode(response: Response) -> str:
    """The output line: ``{"status": ..., "body": ...}``, UTF-8 text, keys in order."""
    return json.dumps({"status": response.status, "body": response.body}, ensure_ascii=False)
