"""The server's clocks: the wall clock, or a manual one that tests move by hand.

The core never reads time; the server reads one of these once per request and
passes it to the book as the call's ``at``. Both clocks never go back, because
the book refuses a call older than the one before it.
"""

from __future__ import annotations

import time
from typing import Literal, Protocol

__all__ = ["Clock", "ManualClock", "RealClock", "make_clock"]


class Clock(Protocol):
    """What the server needs from a clock: the current epoch second."""

    mode: Literal["real", "manual"]

    def now(self) -> int:
        """Epoch seconds; never smaller than an earlier answer."""
        ...


class RealClock:
    """The wall clock, held monotonic so that a step back of the system time does no harm."""

    mode: Literal["real", "manual"] = "real"

    def __init__(self, *, not_before: int = 0) -> None:
        self._last = not_before

    def now(self) -> int:
        self._last = max(self._last, int(time.time()))
        return self._last


class ManualClock:
    """A clock that moves only when told: tests pass ``expire_by`` without waiting."""

    mode: Literal["real", "manual"] = "manual"

    def __init__(self, *, start: int) -> None:
        self._at = start

    def now(self) -> int:
        return self._at

    def move_to(self, at: int) -> None:
        """Set the time; callers check that it does not go back."""
        self._at = at


def make_clock(
    mode: str, *, not_before: int = 0, start: int | None = None
) -> RealClock | ManualClock:
    """The clock for ``--clock``: a manual one starts at ``start`` or the wall clock.

    Neither starts before ``not_before``, the latest time the store has seen.
    """
    if mode == "manual":
        first = int(time.time()) if start is None else start
        return ManualClock(start=max(first, not_before))
    if mode == "real":
        return RealClock(not_before=not_before)
    raise ValueError(f"--clock must be real or manual, not {mode}")
