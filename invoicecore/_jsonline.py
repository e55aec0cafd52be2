"""JSON as the replay protocol reads and writes it: strict in, one line out.

Shared by the replay, the conformance vectors and the server, which each had
their own copy of these two rules.
"""

from __future__ import annotations

import json
import re
from typing import Any, Final

__all__ = ["dumps_line", "dumps_line_utf8", "loads_strict"]


def dumps_line(value: object) -> str:
    """``value`` as one line of JSON: UTF-8 text, no NaN or infinities.

    JSON leaves U+0085, U+2028 and U+2029 unescaped, and many line readers
    split on them; they, and lone surrogates (which UTF-8 cannot encode), are
    written as ``\\uXXXX``. Raises ``TypeError``, ``ValueError`` or
    ``RecursionError`` for what JSON cannot write: each caller names its error.
    """
    text = _ENCODER.encode(value)
    if text.isascii() or (_clean_separators(text) and _encodes(text)):
        return text  # nothing to escape: the pattern's scan is 5x slower than these tests
    return _ESCAPED.sub(_escape, text)


def dumps_line_utf8(value: object) -> bytes:
    """``dumps_line(value)`` encoded as UTF-8: what a file or pipe takes, encoded once.

    A writer of ``dumps_line``'s text encodes it again; here the one encoding
    is also the test for lone surrogates (which UTF-8 cannot encode). Raises
    as ``dumps_line`` does.
    """
    text = _ENCODER.encode(value)
    if text.isascii():
        return text.encode("ascii")
    if _clean_separators(text):
        try:
            return text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: escaped below
            pass
    return _ESCAPED.sub(_escape, text).encode("utf-8")


def loads_strict(text: str | bytes) -> Any:  # noqa: ANN401 - whatever the JSON holds
    """JSON without ``NaN`` or ``Infinity`` (Python's parser takes them unless told not to).

    ``bytes`` are read as ``json.loads`` reads them (UTF-8, -16 or -32). Raises
    ``ValueError`` or ``RecursionError`` when ``text`` is not JSON.
    """
    if type(text) is not str:  # what json.loads takes besides: bytes, in any UTF
        return json.loads(text, parse_constant=_refuse_constant)
    return _DECODER.decode(text)


_ESCAPED: Final = re.compile("[\x85\u2028\u2029\ud800-\udfff]")


def _clean_separators(text: str) -> bool:
    return "\u2028" not in text and "\u2029" not in text and "\x85" not in text


def _encodes(text: str) -> bool:
    """Whether ``text`` has no lone surrogate: UTF-8 can encode it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def _refuse_constant(name: str) -> None:
    raise ValueError(name)


# One encoder and one decoder, made once: json.dumps and json.loads make a new
# one for every call that passes an option.
_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, allow_nan=False)
_DECODER: Final = json.JSONDecoder(parse_constant=_refuse_constant)
