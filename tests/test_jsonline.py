"""The protocol's JSON rules (invoicecore._jsonline): one line out, strict in."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from invoicecore._jsonline import dumps_line, dumps_line_utf8, loads_strict

# Text rich in what the line rule is about: separators, surrogates, non-ASCII.
_TEXT = st.text(
    st.sampled_from(["a", " ", '"', "\\", "\n", "\x85", "\u2028", "\u2029", "\ud800", "\udfff"])
    | st.just("₹")
    | st.characters(),
    max_size=8,
)
_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | _TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=10,
)
_ESCAPES = re.compile("[\x85\u2028\u2029\ud800-\udfff]")


@given(_JSON)
def test_a_value_is_one_line_with_exactly_the_protocols_escapes(value: object) -> None:
    line = dumps_line(value)
    plain = json.dumps(value, ensure_ascii=False)
    assert line == _ESCAPES.sub(lambda match: f"\\u{ord(match.group()):04x}", plain)
    assert len(line.splitlines()) == 1
    line.encode("utf-8")  # no lone surrogate is left to fail a UTF-8 writer
    assert loads_strict(line) == json.loads(plain)


@given(_JSON)
def test_the_utf8_line_is_the_text_line_encoded(value: object) -> None:
    assert dumps_line_utf8(value) == dumps_line(value).encode("utf-8")


@pytest.mark.parametrize("value", [float("nan"), [float("inf")], {"x": -float("inf")}])
def test_what_json_cannot_write_is_refused(value: object) -> None:
    with pytest.raises(ValueError, match="Out of range float values"):
        dumps_line(value)
    with pytest.raises(ValueError, match="Out of range float values"):
        dumps_line_utf8(value)


@pytest.mark.parametrize("text", ["NaN", "[Infinity]", '{"a": -Infinity}', "\ufeff{}", "{} x"])
def test_strict_reading_refuses_what_json_does_not_define(text: str) -> None:
    with pytest.raises(ValueError, match=r"NaN|Infinity|Expecting value|Extra data"):
        loads_strict(text)


def test_bytes_are_read_as_json_loads_reads_them() -> None:
    assert loads_strict('{"a": [1, "₹"]}'.encode("utf-16")) == {"a": [1, "₹"]}
    with pytest.raises(ValueError, match="NaN"):
        loads_strict(b"[NaN]")
