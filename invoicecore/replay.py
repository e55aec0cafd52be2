"""The replay protocol as a pure function: JSON Lines in, JSON Lines out.

Each input line is one call (``at``, ``method``, ``path``, optional ``body``,
``query`` and ``comment``); each output line is ``{"status": ..., "body": ...}``.
``cli.py`` does the reading and writing; this module only turns strings into
strings, so a test, a port's harness or a server can drive it without a process.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Final, TypeVar

from invoicecore import _validators as v
from invoicecore import errors, wire
from invoicecore._jsonline import dumps_line, dumps_line_utf8, loads_strict
from invoicecore.book import Book, Call, Response

__all__ = ["LINE_KEYS", "PROTOCOL_VERSION", "RESET", "Replayer", "encode", "encode_utf8", "replay"]

PROTOCOL_VERSION: Final = "1.1"
"""1.1 added the reset line; a 1.0 replay answers it with the extra-field error."""

RESET: Final = Response(status=200, body={"reset": True})
"""The answer to the reset line ``{"reset": true}``: the book is discarded, the clock forgotten."""

LINE_KEYS: Final = ("at", "method", "path", "body", "query", "comment")
"""The keys a script line may carry; ``comment`` is ignored, for annotated scripts."""


class Replayer:
    """A book and the script's clock: one ``step`` per line."""

    def __init__(self, book: Book | None = None) -> None:
        if book is not None and not isinstance(book, Book):
            raise v.must_be("book", "a Book")
        self.book = Book() if book is None else book

    def step(self, line: str | bytes) -> str:
        """The response line for one script line (without its newline); bytes must be UTF-8."""
        return encode(self._respond(line))

    def step_utf8(self, line: str | bytes) -> bytes:
        """``step(line)`` as UTF-8 bytes, encoded once: what a file or pipe is written."""
        return encode_utf8(self._respond(line))

    def _respond(self, line: str | bytes) -> Response:
        try:
            call = self._call(line)
        except errors.InvoiceError as error:
            return Response(status=400, body=wire.render_error(error))
        if call is None:  # the reset line: a fresh book, as if the replay had restarted
            self.book = Book()
            return RESET
        if type(self.book).handle is not Book.handle:  # a subclass's own handle: called
            return self.book.handle(call)
        # The body is encoded and dropped: a remembered invoice entity need not be copied.
        return self.book._respond(call, fresh=False)  # noqa: SLF001

    def _call(self, line: object) -> Call | None:
        data = _decode(line)
        if type(data) is dict and _KEY_SET.issuperset(data) and data.keys() >= _REQUIRED_KEYS:
            # A well-formed line (what JSON gives): the checks below would all pass.
            return Call(
                at=data["at"],
                method=data["method"],
                path=data["path"],
                body=data.get("body"),
                query=data.get("query"),
            )
        if isinstance(data, Mapping) and len(data) == 1 and data.get("reset") is True:
            return None
        if not isinstance(data, Mapping):
            raise v.must_be("line", "an object")
        extras = [key for key in data if key not in LINE_KEYS]
        if extras:
            raise errors.EXTRA_FIELDS.error(field=extras[0], keys=", ".join(extras))
        for key in ("at", "method", "path"):
            if key not in data:
                raise errors.REQUIRED.error(field=key, attribute=key)
        return Call(  # its validators check the types of at, method and path
            at=data["at"],
            method=data["method"],
            path=data["path"],
            body=data.get("body"),
            query=data.get("query"),
        )


_KEY_SET: Final = frozenset(LINE_KEYS)
_REQUIRED_KEYS: Final = frozenset(("at", "method", "path"))


def replay(lines: Iterable[str | bytes], *, book: Book | None = None) -> Iterator[str]:
    """One response line per script line (``str`` or UTF-8 ``bytes``); blank lines are skipped."""
    if not isinstance(lines, Iterable):
        raise v.must_be("lines", "an iterable")
    replayer = Replayer(book)
    for line in lines:
        given: object = line
        if not isinstance(given, (str, bytes)) or given.strip():
            yield replayer.step(line)


def encode(response: Response) -> str:
    """The output line: ``{"status": ..., "body": ...}``, UTF-8 text, keys in order.

    JSON leaves U+0085, U+2028 and U+2029 unescaped, and many line readers
    split on them; they are escaped so that one response is always one line.
    A body that is not JSON (a set, NaN, a non-string key...) is refused.
    """
    return _encoded(response, dumps_line)


def encode_utf8(response: Response) -> bytes:
    """``encode(response)`` as UTF-8 bytes, encoded once (the text is never made twice)."""
    return _encoded(response, dumps_line_utf8)


def _encoded(response: Response, dump: Callable[[object], _Line]) -> _Line:
    v.check_type(response, Response, "response", "a Response")
    v.check_integer(response.status, "status", minimum=100, maximum=599)
    try:
        return dump({"status": response.status, "body": response.body})
    except (TypeError, ValueError, RecursionError):
        raise v.must_be("body", "JSON values (dicts with string keys)") from None


_Line = TypeVar("_Line", str, bytes)


def _decode(line: object) -> Any:  # noqa: ANN401 - whatever the JSON holds
    if isinstance(line, bytes):
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError:
            raise errors.LINE_NOT_JSON.error() from None
    if not isinstance(line, str):
        raise errors.LINE_NOT_JSON.error()
    try:
        return loads_strict(line)
    except (ValueError, RecursionError):
        raise errors.LINE_NOT_JSON.error() from None
