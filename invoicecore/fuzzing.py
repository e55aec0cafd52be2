"""Differential testing of a port: the reference and the port get the same scripts.

The search is pure: it is given a function that runs a script through the port
(``cli.py`` runs a real command) and a random source, and returns the smallest
script it found on which the two disagree. Needs the ``testing`` extra.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import attrs
from hypothesis import HealthCheck, Phase, find, settings
from hypothesis.errors import NoSuchExample

from invoicecore.replay import replay
from invoicecore.testing.strategies import call_scripts

if TYPE_CHECKING:
    from random import Random  # noqa: TID251 - a type only: cli.py passes the generator in

__all__ = ["Difference", "PortRunner", "find_difference", "reference_output", "side_by_side"]

PortRunner = Callable[[Sequence[str]], Sequence[str]]
"""Runs a script (lines without newlines) through a port; returns its output lines."""


@attrs.frozen(kw_only=True)
class Difference:
    """A script on which the port and the reference disagree, with both outputs."""

    script: tuple[str, ...]
    reference: tuple[str, ...]
    port: tuple[str, ...]

    @property
    def first(self) -> int:
        """The index of the first line that differs."""
        for index, (ours, theirs) in enumerate(zip(self.reference, self.port, strict=False)):
            if ours != theirs:
                return index
        return min(len(self.reference), len(self.port))


def reference_output(script: Sequence[str]) -> tuple[str, ...]:
    """What the reference replay prints for ``script``."""
    return tuple(replay(script))


def find_difference(
    port: PortRunner, *, examples: int, random: Random, max_calls: int = 12
) -> Difference | None:
    """Try ``examples`` generated scripts; shrink the first that differs and return it."""

    def differs(script: list[str]) -> bool:
        return reference_output(script) != tuple(port(script))

    search = settings(
        max_examples=examples,
        database=None,
        deadline=None,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    try:
        script = find(call_scripts(max_calls=max_calls), differs, settings=search, random=random)
    except NoSuchExample:
        return None
    return Difference(
        script=tuple(script), reference=reference_output(script), port=tuple(port(script))
    )


def side_by_side(difference: Difference) -> str:
    """The minimal script, each call with the reference's and the port's answer."""
    count, first = len(difference.script), difference.first + 1
    lines = [f"Minimal script ({count} calls); first difference at call {first}:"]
    for index, call in enumerate(difference.script):
        ours = difference.reference[index] if index < len(difference.reference) else "(nothing)"
        theirs = difference.port[index] if index < len(difference.port) else "(nothing)"
        mark = "  <-- differs" if ours != theirs else ""
        lines += [
            f"{index + 1:3d}  call:      {call}",
            f"     reference: {ours}",
            f"     port:      {theirs}{mark}",
        ]
    extra = difference.port[len(difference.script) :]
    lines += [f"     port printed more: {line}" for line in extra]
    return "\n".join(lines) + "\n"
