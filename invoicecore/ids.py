"""Where ids come from: one protocol for every id the book hands out, and two sources.

The core never makes an id: the book asks an ``IdSource`` for invoices
(``inv``), line items (``li``), customers (``cust``), addresses (``addr``),
orders (``order``), items (``item``), events (``evt``) and short URLs.
``CounterIds`` is deterministic (the replay's ids, byte for byte) and its
state is kept by the store, so a book reopened from a file continues its
counters; ``RandomIds`` gives Razorpay's shapes from injected randomness.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final, Protocol, runtime_checkable

from invoicecore import _validators as v
from invoicecore import errors

__all__ = [
    "ALPHABET",
    "ID_CHARACTERS",
    "PREFIXES",
    "SHORT_URL_BASE",
    "CounterIds",
    "IdSource",
    "RandomIds",
]

ID_CHARACTERS: Final = 14
"""Characters after the prefix and ``_``: ``inv_`` + 14, as Razorpay's ids."""
SHORT_URL_BASE: Final = "https://rzp.io/i/"
ALPHABET: Final = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
"""Base 62, Razorpay's id characters."""
PREFIXES: Final = ("inv", "li", "cust", "addr", "order", "item", "evt")
"""The prefixes the library asks for (``evt`` for event ids)."""
_SHORT_URL_CHARACTERS: Final = 7
_SHORT_URL_KEY: Final = "short_url"


@runtime_checkable
class IdSource(Protocol):
    """Gives fresh ids and short URLs; a book keeps what it handed out only on success.

    ``resume(state)`` gives a tentative source that starts from the stored
    ``state`` (the book calls it once per call, inside the call's
    transaction); ``state`` is what the store keeps afterwards, so a book
    reopened later goes on where it stopped. A stateless source returns an
    empty mapping and ignores what it is given.
    """

    def __call__(self, prefix: str) -> str:
        """A fresh id: ``prefix`` + ``_`` + 14 characters."""
        ...

    def short_url(self) -> str:
        """A fresh short URL: ``https://rzp.io/i/`` + 7 characters."""
        ...

    def resume(self, state: Mapping[str, int]) -> IdSource:
        """A tentative source continuing from ``state`` (the store's copy)."""
        ...

    @property
    def state(self) -> Mapping[str, int]:
        """What the store keeps so that a restart continues (empty when stateless)."""
        ...


class CounterIds:
    """Razorpay-shaped ids from a counter per prefix: ``inv_00000000000001``.

    Deterministic, so a replay is reproducible byte for byte; the counters are
    the state the store keeps. Short URLs count in base 62 (``0000001``).
    """

    __slots__ = ("counters",)

    def __init__(self, counters: Mapping[str, int] | None = None) -> None:
        if counters is not None and not isinstance(counters, Mapping):
            raise errors.MUST_BE.error(field="counters", attribute="counters", expected="a mapping")
        self.counters: dict[str, int] = {}
        for prefix, number in (counters or {}).items():
            self.counters[v.check_type(prefix, str, "counters", "a string")] = v.check_integer(
                number, "counters", maximum=10**15
            )

    def __call__(self, prefix: str) -> str:
        number = self.counters.get(prefix, 0) + 1
        self.counters[prefix] = number
        return prefix + "_" + str(number).zfill(ID_CHARACTERS)  # 2x a format's speed

    def __repr__(self) -> str:
        return f"CounterIds({self.counters!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CounterIds) and other.counters == self.counters

    __hash__ = None  # type: ignore[assignment]  # mutable

    def fork(self) -> CounterIds:
        """A tentative copy: the caller keeps it only when its call succeeds."""
        return CounterIds(self.counters)

    def resume(self, state: Mapping[str, int]) -> CounterIds:
        """A tentative copy of ``state``, the store's counters."""
        fork = CounterIds.__new__(CounterIds)
        fork.counters = dict(state)
        for number in fork.counters.values():  # the store's copy: integers, or refused
            if type(number) is not int:
                raise errors.STORED_ENTITY_CORRUPT.error(  # the store's trouble, not the client's
                    field="counters", entity="id counters", reason="A counter is not an integer."
                )
        return fork

    @property
    def state(self) -> Mapping[str, int]:
        """The counters, by prefix (``short_url`` for short URLs)."""
        return self.counters

    def short_url(self) -> str:
        """``https://rzp.io/i/`` and seven base-62 characters, unique per call."""
        number = self.counters.get(_SHORT_URL_KEY, 0) + 1
        self.counters[_SHORT_URL_KEY] = number
        digits = []
        for _ in range(_SHORT_URL_CHARACTERS):
            number, digit = divmod(number, len(ALPHABET))
            digits.append(ALPHABET[digit])
        return SHORT_URL_BASE + "".join(reversed(digits))


class RandomIds:
    """Razorpay's shapes from injected randomness: ``inv_`` + 14 base-62 characters.

    ``randbelow(n)`` gives an integer in ``[0, n)``: pass ``secrets.randbelow``
    in a service (the core never imports a source of randomness), or a
    seeded ``random.Random().randrange`` in a test. Stateless: a restart needs
    nothing from the store. A collision (about one in 62**14 per pair) shows
    up as the store's ``ConflictError``, and the call can be retried.
    """

    __slots__ = ("_randbelow",)

    def __init__(self, randbelow: Callable[[int], int]) -> None:
        if not callable(randbelow):
            raise errors.MUST_BE.error(
                field="randbelow", attribute="randbelow", expected="a callable"
            )
        self._randbelow = randbelow

    def _characters(self, count: int) -> str:
        return "".join(ALPHABET[self._randbelow(len(ALPHABET))] for _ in range(count))

    def __call__(self, prefix: str) -> str:
        return f"{prefix}_{self._characters(ID_CHARACTERS)}"

    def short_url(self) -> str:
        """``https://rzp.io/i/`` and seven random base-62 characters."""
        return SHORT_URL_BASE + self._characters(_SHORT_URL_CHARACTERS)

    def resume(self, state: Mapping[str, int]) -> RandomIds:  # noqa: ARG002 - stateless
        """Itself: there is nothing to continue."""
        return self

    @property
    def state(self) -> Mapping[str, int]:
        """Nothing: random ids need no state to continue."""
        return {}
