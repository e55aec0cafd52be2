"""Differential testing of a port: the reference and the port get the same scripts.

The search is pure: it is given a function that runs a script through the port
(``invoicecore.portrun`` runs a real command; a Python service can pass its own
HTTP client) and a random source, and returns the smallest script it found on
which the two disagree. Needs the ``testing`` extra.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Final

import attrs
from hypothesis import HealthCheck, Phase, find, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample

from invoicecore.replay import replay
from invoicecore.testing.scripts import call_scripts

if TYPE_CHECKING:
    from random import Random  # noqa: TID251 - a type only: cli.py passes the generator in

__all__ = [
    "Difference",
    "Normaliser",
    "PortRunner",
    "find_difference",
    "first_differing_key",
    "ignore_keys",
    "printable",
    "reference_output",
    "side_by_side",
]

PortRunner = Callable[[Sequence[str]], Sequence[str]]
"""Runs a script (lines without newlines) through a port; returns its output lines."""

Normaliser = Callable[[Any], Any]
"""Maps a parsed response line (``{"status": ..., "body": ...}``) to what is compared."""


@attrs.frozen(kw_only=True)
class Difference:
    """A script on which the port and the reference disagree, with both outputs.

    ``first`` is the index of the first line that differs (after the
    normaliser, when the search had one).
    """

    script: tuple[str, ...]
    reference: tuple[str, ...]
    port: tuple[str, ...]
    first: int = attrs.field(
        default=attrs.Factory(
            lambda self: _first_difference(self.reference, self.port, None) or 0, takes_self=True
        )
    )


def reference_output(script: Sequence[str]) -> tuple[str, ...]:
    """What the reference replay prints for ``script`` (``\\udcXX`` in a line stands for a byte)."""
    return tuple(replay(line.encode("utf-8", "surrogateescape") for line in script))


def ignore_keys(*keys: str) -> Normaliser:
    """A normaliser that drops these keys wherever they occur (``ignore_keys("metadata")``)."""
    dropped = frozenset(keys)

    def normalise(value: Any) -> Any:  # noqa: ANN401 - any JSON value
        if isinstance(value, dict):
            return {key: normalise(item) for key, item in value.items() if key not in dropped}
        if isinstance(value, list):
            return [normalise(item) for item in value]
        return value

    return normalise


def find_difference(
    port: PortRunner,
    *,
    examples: int,
    random: Random,
    max_calls: int = 12,
    scripts: st.SearchStrategy[list[str]] | None = None,
    normalise: Normaliser | None = None,
    stop: Callable[[], bool] | None = None,
) -> Difference | None:
    """Try ``examples`` scripts; shrink the first that differs and return it, or ``None``.

    ``scripts`` is the strategy drawing them (``call_scripts(max_calls=...)`` by
    default); ``normalise`` maps each parsed response line of both sides before
    they are compared. Once a difference is found, ``stop`` (say, a time budget)
    is asked before each new script: when it says so, shrinking ends with the
    smallest difference found so far. The port is run once per distinct script.
    """
    strategy = call_scripts(max_calls=max_calls) if scripts is None else scripts
    answers: dict[tuple[str, ...], tuple[str, ...]] = {}
    found: list[tuple[str, ...]] = []

    def differs(script: list[str]) -> bool:
        key = tuple(script)
        if key not in answers:
            if found and stop is not None and stop():
                return False  # out of budget: only scripts already run can still differ
            answers[key] = tuple(port(list(key)))
        if _first_difference(reference_output(key), answers[key], normalise) is None:
            return False
        if not found or _shorter(key, found[0]):
            found[:] = [key]
        return True

    search = settings(
        max_examples=examples,
        database=None,
        deadline=None,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    try:
        script = tuple(find(strategy, differs, settings=search, random=random))
    except NoSuchExample:
        if not found:
            return None
        script = found[0]
    reference = reference_output(script)
    first = _first_difference(reference, answers[script], normalise)
    return Difference(script=script, reference=reference, port=answers[script], first=first or 0)


def first_differing_key(reference: str, port: str) -> str | None:
    """The JSON path of the first difference inside two response lines (``$.body.status``).

    ``$`` when either line is not JSON; ``None`` when they are equal as JSON
    (same keys in the same order, same types).
    """
    try:
        ours, theirs = json.loads(reference), json.loads(port)
    except (ValueError, RecursionError):
        return None if reference == port else "$"
    return _path(ours, theirs, "$")


def printable(text: str, limit: int = 0) -> str:
    """``text`` with control characters escaped (a port's output cannot drive the terminal).

    With ``limit``, cut to that many characters and ``...``.
    """
    cut = bool(limit) and len(text) > limit
    shown = text[:limit] if cut else text
    escaped = "".join(ch if ch.isprintable() else _escape(ch) for ch in shown)
    return escaped + ("..." if cut else "")


def _escape(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:  # noqa: PLR2004
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"  # noqa: PLR2004


def side_by_side(difference: Difference, *, width: int = 300) -> str:
    """The minimal script, each call with both answers; then the first differing key.

    Lines are cut to ``width`` characters and control characters escaped; the
    script follows as JSON Lines, ready to feed to the port.
    """
    count, first = len(difference.script), difference.first + 1
    lines = [f"Minimal script ({count} calls); first difference at call {first}:"]
    for index, call in enumerate(difference.script):
        ours = difference.reference[index] if index < len(difference.reference) else "(nothing)"
        theirs = difference.port[index] if index < len(difference.port) else "(nothing)"
        mark = "  <-- differs" if index == difference.first else ""
        lines += [
            f"{index + 1:3d}  call:      {printable(call, width)}",
            f"     reference: {printable(ours, width)}",
            f"     port:      {printable(theirs, width)}{mark}",
        ]
    extra = difference.port[len(difference.script) :]
    lines += [f"     port printed more: {printable(line, width)}" for line in extra]
    index = difference.first
    if index < min(len(difference.reference), len(difference.port)):
        ours, theirs = difference.reference[index], difference.port[index]
        path = first_differing_key(ours, theirs) or "$"
        lines.append(f"First differing key in the answer to call {index + 1}: {path}")
        if path != "$":
            left, right = _at(json.loads(ours), path), _at(json.loads(theirs), path)
            lines += [
                f"     reference: {printable(left, width)}",
                f"     port:      {printable(right, width)}",
            ]
    lines.append("The script as JSON Lines:")
    lines += [printable(call) for call in difference.script]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------

_MISSING: Final = object()


def _first_difference(
    reference: Sequence[str], port: Sequence[str], normalise: Normaliser | None
) -> int | None:
    for index, (ours, theirs) in enumerate(zip(reference, port, strict=False)):
        if ours != theirs and (
            normalise is None or _normalised(ours, normalise) != _normalised(theirs, normalise)
        ):
            return index
    if len(reference) != len(port):
        return min(len(reference), len(port))
    return None


def _normalised(line: str, normalise: Normaliser) -> str:
    try:
        value = json.loads(line)
    except (ValueError, RecursionError):
        return line
    return json.dumps(normalise(value))


def _shorter(script: tuple[str, ...], than: tuple[str, ...]) -> bool:
    return (len(script), sum(map(len, script))) < (len(than), sum(map(len, than)))


def _path(ours: object, theirs: object, where: str) -> str | None:  # noqa: PLR0911
    if type(ours) is not type(theirs):
        return where
    if isinstance(ours, dict) and isinstance(theirs, dict):
        for key in [*ours, *(k for k in theirs if k not in ours)]:
            mine, yours = ours.get(key, _MISSING), theirs.get(key, _MISSING)
            if mine is _MISSING or yours is _MISSING:
                return f"{where}.{key}"
            inner = _path(mine, yours, f"{where}.{key}")
            if inner is not None:
                return inner
        if list(ours) != list(theirs):
            moved = next(a for a, b in zip(ours, theirs, strict=True) if a != b)
            return f"{where}.{moved} (key order)"
        return None
    if isinstance(ours, list) and isinstance(theirs, list):
        for index, (mine, yours) in enumerate(zip(ours, theirs, strict=False)):
            inner = _path(mine, yours, f"{where}[{index}]")
            if inner is not None:
                return inner
        return None if len(ours) == len(theirs) else f"{where}[{min(len(ours), len(theirs))}]"
    return None if ours == theirs else where


def _at(value: object, path: str) -> str:
    """The JSON text at ``path`` (as ``_path`` writes it) inside ``value``, or ``(absent)``."""
    current: object = value
    for part in path.removeprefix("$").split(" ")[0].replace("[", ".[").split("."):
        if not part:
            continue
        if part.startswith("["):
            position = int(part[1:-1])
            if not isinstance(current, list) or position >= len(current):
                return "(absent)"
            current = current[position]
        elif isinstance(current, dict) and part in current:
            current = current[part]
        else:
            return "(absent)"
    return json.dumps(current, ensure_ascii=False)
