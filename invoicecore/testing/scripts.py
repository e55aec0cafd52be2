"""Replay scripts that reach the whole API: ``call_scripts()`` and what measures its reach.

A script is a list of JSON lines for the replay protocol (``docs/replay.md``):
every endpoint, every request field, customers and items referenced by id,
line-item patches, both kinds of tax, receipts and idempotency keys reused,
payments partial, exact and over, clock jumps across ``expire_by``, invalid
values (one or two faults in one request) and malformed lines. Needs the
``testing`` extra.

Each call costs two draws (its kind and clock step, and one integer that the
call's builder reads its choices from), so scripts are cheap to draw and shrink
call by call; every choice shrinks to its first option, and the first options
make a small issued invoice that allows partial payments.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, Final

import attrs
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from invoicecore import errors
from invoicecore.amounts import CURRENCIES
from invoicecore.testing.strategies import START, _shown

__all__ = [
    "BAD_VALUES",
    "ENDPOINTS",
    "MALFORMED",
    "TAGS",
    "UNREACHABLE_CODES",
    "Reach",
    "call_scripts",
    "endpoint_of",
    "error_code",
    "reach",
]

ENDPOINTS: Final[Mapping[str, tuple[str, str]]] = MappingProxyType(
    {
        "create": ("POST", "/v1/invoices"),
        "list": ("GET", "/v1/invoices"),
        "fetch": ("GET", "/v1/invoices/{id}"),
        "update": ("PATCH", "/v1/invoices/{id}"),
        "delete": ("DELETE", "/v1/invoices/{id}"),
        "issue": ("POST", "/v1/invoices/{id}/issue"),
        "cancel": ("POST", "/v1/invoices/{id}/cancel"),
        "notify": ("POST", "/v1/invoices/{id}/notify_by/{medium}"),
        "pay": ("POST", "/sim/invoices/{id}/payments"),
        "sent": ("POST", "/sim/invoices/{id}/notifications/{medium}/sent"),
        "customers": ("POST", "/v1/customers"),
        "items": ("POST", "/v1/items"),
    }
)
"""Every endpoint of the replay protocol by its tag (the names ``fuzz --only`` takes)."""

MALFORMED: Final = "malformed"
"""The tag of lines the replay refuses before routing (not JSON, missing keys ...)."""

TAGS: Final = (*ENDPOINTS, MALFORMED)
"""Every tag ``call_scripts(only=...)`` accepts."""

UNREACHABLE_CODES: Final = frozenset(
    {
        "ENTITY_INCONSISTENT",  # only loading a stored entity checks derived fields
        "ITEM_WRONG_TYPE",  # POST /v1/items makes items of type invoice only
        "NOT_DUE_FOR_EXPIRY",  # no endpoint expires an invoice; the sweep only expires due ones
        "NOT_PAYABLE_DELETED",  # a deleted invoice is not found: ID_DOES_NOT_EXIST comes first
        "AT_BEFORE_LAST_CHANGE",  # the book's clock (CLOCK_WENT_BACK) answers first
        "INVARIANT_VIOLATION",  # the entities refuse first; only check_invariants raises it
        "MESSAGE_PARAMETER_MISSING",  # a library bug, never an answer
        "TABLE_INCOMPLETE",  # raised at import only
        "EMBEDDER_ARGUMENT_MISSING",  # the book always passes its ids
        "EMBEDDER_ID_COLLISION",  # the book's id source never repeats
        "EVENT_UNKNOWN",  # reading a stored event, not a request
        "STORED_ENTITY_CORRUPT",  # reading a stored row, not a request
        "STORE_CONFLICT",  # two writers at once; a replay has one
        "STORE_CORRUPT",  # a store file that is not this library's
        "STORE_UNAVAILABLE",  # a database that cannot be reached
    }
)
"""Error codes no replay line can produce, each with the reason; the reach test allows them.

The conformance suite's ``EXCLUDED_MESSAGES`` is the same set (a test keeps them
equal). It is not imported from there: Hypothesis mines the modules a process
has loaded for constants, and loading ``invoicecore.conformance`` here changed
the scripts drawn enough that the planted-bug fuzz test stopped finding its bug.
"""

_LONG: Final = "x" * 2049
_NOTES_TOO_MANY: Final = {f"k{n}": n for n in range(16)}
_BAD_NOTES: Final = ("x", {"k": [1]}, _NOTES_TOO_MANY, {"k" * 256: 1}, {"k": "v" * 513})
_BAD_TEXT: Final = (_LONG, 5, ["x"])
_BAD_FLAG: Final = (2, "yes", None, 1.5)
_BAD_MOMENT: Final = ("x", -1, 1.5, True)
_BAD_LINES: Final[tuple[object, ...]] = (
    "x",
    [],
    [5],
    [{"amount": 1000}],
    [{"name": "Book"}],
    [{"name": "", "amount": 1000}],
    [{"name": "Book", "amount": 0}],
    [{"name": "Book", "amount": "1000"}],
    [{"name": "Book", "amount": 1000, "currency": "USD"}],
    [{"name": "Book", "amount": 1000, "hsn_code": "1234", "sac_code": "5678"}],
    [{"name": "Book", "amount": 1000, "quantity": 0}],
    [{"name": "Book", "amount": 1000, "colour": "red"}],
    [{"name": "Book", "amount": 10**12, "quantity": 2}],
    [{"name": "Book", "amount": 1000}] * 51,
    [{"name": "Book", "amount": 1000, "taxes": "x"}],
    [{"name": "Book", "amount": 1000, "taxes": [{"name": "T", "rate": 1}] * 11}],
    [{"name": "Book", "amount": 1000, "taxes": [{"name": "T", "rate": 1, "rate_type": "x"}]}],
    [{"name": "Book", "amount": 1000, "taxes": [{"name": "T"}]}],
    [{"name": "Book", "amount": 1000, "taxes": [5]}],
    [
        {
            "name": "Book",
            "amount": 1000,
            "tax_inclusive": True,
            "taxes": [{"name": "Cess", "rate": 1000, "rate_type": "flat"}],
        }
    ],
    [{"item_id": "item_99999999999999"}],
    [{"id": "li_99999999999999"}],
)
_BAD_CUSTOMER: Final = (
    "x",
    {"name": "x" * 51},
    {"name": "Asha", "email": 5},
    {"name": "Asha", "contact": "9" * 16},
    {"name": "Asha", "nickname": "A"},
    {"name": "Asha", "billing_address": "x"},
    {"name": "Asha", "billing_address": {"zip": "1"}},
    {"name": "Asha", "shipping_address": {"line1": "x" * 256}},
    {"id": "cust_99999999999999"},
)

BAD_VALUES: Final[tuple[tuple[str, str, tuple[object, ...]], ...]] = (
    # create, in the order the reference checks the keys
    ("create", "colour", ("red",)),
    ("create", "type", ("link", 1, None)),
    ("create", "amount", (1000,)),
    ("create", "first_payment_min_amount", (100,)),
    ("create", "customer_id+customer", ("both",)),
    ("create", "draft", (1, "2", True, "", None)),
    ("create", "currency", ("", None, "XYZ", 5)),
    ("create", "receipt", ("", "R" * 41, 7)),
    ("create", "invoice_number", ("", "R" * 41)),
    ("create", "description", _BAD_TEXT),
    ("create", "terms", _BAD_TEXT),
    ("create", "comment", _BAD_TEXT),
    ("create", "notes", _BAD_NOTES),
    ("create", "date", _BAD_MOMENT),
    ("create", "expire_by", ("soon", *_BAD_MOMENT)),
    ("create", "partial_payment", _BAD_FLAG),
    ("create", "billing_start", _BAD_MOMENT),
    ("create", "billing_end", _BAD_MOMENT),
    ("create", "customer_id", (5, "cust_99999999999999")),
    ("create", "customer", _BAD_CUSTOMER),
    ("create", "sms_notify", _BAD_FLAG),
    ("create", "email_notify", _BAD_FLAG),
    ("create", "idempotency_key", (5, "k" * 256)),
    ("create", "line_items", _BAD_LINES),  # each element's checks come after the parse
    # update (the keys a status refuses are faults too)
    ("update", "currency", ("USD",)),
    ("update", "amount", (1000,)),
    ("update", "customer_id+customer", ("both",)),
    ("update", "draft", ("2", 1)),
    ("update", "receipt", ("", "R" * 41, 7)),
    ("update", "description", _BAD_TEXT),
    ("update", "terms", _BAD_TEXT),
    ("update", "notes", _BAD_NOTES),
    ("update", "expire_by", ("soon", *_BAD_MOMENT)),
    ("update", "partial_payment", _BAD_FLAG),
    ("update", "sms_notify", _BAD_FLAG),
    ("update", "customer_id", (5, "cust_99999999999999")),
    ("update", "customer", _BAD_CUSTOMER),
    ("update", "line_items", _BAD_LINES[2:]),
    # the simulator's payment
    ("pay", "colour", ("red",)),
    ("pay", "amount", (0, -1, "1000", 1.5, None, True, "missing")),
    ("pay", "payment_id", ("", 5, None, "p" * 41, "missing")),
    # fetch multiple, and fetch by id with a query
    ("list", "deleted", (1,)),
    ("list", "type", ("link",)),
    ("list", "count", (0, 101, "x", -1, "1.5")),
    ("list", "skip", (-1, "x")),
    ("list", "from", (-1, "x")),
    ("list", "to", (-1, "x")),
    ("list", "payment_id", ("", "p" * 41, [1])),
    ("list", "receipt", ("", "R" * 41)),
    ("list", "customer_id", ("", 1.5)),
    ("fetch", "deleted", (1,)),
    ("fetch", "count", ("x",)),
    # notifications
    ("notify", "medium", ("fax", "SMS", "")),
    ("sent", "medium", ("fax",)),
    # the directories
    ("customers", "id", ("cust_1",)),
    ("customers", "name", (None, "", "x" * 51, 5, "missing")),
    ("customers", "email", (5, "e" * 65)),
    ("customers", "contact", ("9" * 16,)),
    ("customers", "gstin", ("g" * 16,)),
    ("customers", "billing_address", ("x", {"zip": "1"})),
    ("items", "colour", ("red",)),
    ("items", "name", (None, "", "missing", 5)),
    ("items", "amount", (0, "x", None, "missing")),
    ("items", "currency", ("", "XYZ", None)),
    ("items", "active", ("yes", 1)),
    ("items", "unit", (5,)),
    ("items", "description", (5, _LONG)),
)
"""Invalid values by ``(endpoint, field, values)``, each endpoint's rows in its check order.

``"missing"`` removes the field, ``"soon"`` is an ``expire_by`` 899 seconds
ahead, ``"both"`` sends ``customer`` and ``customer_id`` together. A request
with two faults takes two neighbouring rows, so a port that checks them in
another order shows. This table is the seam for the request tables: once each
request's checks are data, these rows can be generated from them.
"""

_MASK: Final = 2**64 - 1

_STEPS: Final = (0, 1, 60, 899, 900, 3600, 86_400)
"""Clock steps between calls (900 and 3600 cross the ``expire_by`` drawn); shrinks to 0."""

_KINDS: Final = (
    "create",
    "pay",
    "cancel",
    "update",
    "create",
    "pay",
    "issue",
    "cancel",
    "pay",
    "fetch",
    "list",
    "notify",
    "sent",
    "delete",
    "customers",
    "items",
    "update",
    "create",
    MALFORMED,
)
"""The kind of each call, weighted by repetition; shrinks to a create.

A pay and a cancel come twice each: a cancel's answer turns on the invoice's status
(issued, partially paid, paid ...), which the payments before it set.
"""

_PATHS: Final = tuple(
    (
        tag,
        method,
        re.compile(re.escape(path).replace(r"\{id\}", "[^/]+").replace(r"\{medium\}", "[^/]+")),
    )
    for tag, (method, path) in ENDPOINTS.items()
)


def endpoint_of(method: object, path: object) -> str | None:
    """The tag of the endpoint a call names (``"pay"`` ...), or ``None`` for no endpoint."""
    for tag, wanted, pattern in _PATHS:
        if method == wanted and isinstance(path, str) and pattern.fullmatch(path):
            return tag
    return None


def _patterns() -> list[tuple[re.Pattern[str], str]]:
    """Each message's template as a pattern, the most specific (most literal text) first.

    ``The x must be at least 1.`` fits MUST_BE's template too; MIN_VALUE's is longer.
    """
    ranked = []
    for message in errors.MESSAGES:
        parts = re.split(r"\{[a-z_]+\}", message.template)
        pattern = re.compile("(?s)" + ".*".join(re.escape(part) for part in parts))
        ranked.append((-sum(map(len, parts)), message.code, pattern))
    return [(pattern, code) for _, code, pattern in sorted(ranked)]


_PATTERNS: Final = _patterns()


def error_code(description: str) -> str | None:
    """The stable code of the message whose template gives ``description`` (the most specific).

    Raises ``InvalidArgument`` for a ``description`` that is not a string.
    """
    if not isinstance(description, str):
        raise InvalidArgument(f"description must be a str, got {_shown(description)}")
    for pattern, code in _PATTERNS:
        if pattern.fullmatch(description):
            return code
    return None


@attrs.frozen(kw_only=True)
class Reach:
    """What a set of scripts touched: endpoint tags and error codes, each with a count."""

    endpoints: Mapping[str, int]
    codes: Mapping[str, int]
    calls: int


def reach(scripts: Iterable[Sequence[str]], outputs: Iterable[Sequence[str]]) -> Reach:
    """Count the endpoints the scripts called and the error codes the replies carried.

    ``outputs`` are the reference's replies, one sequence per script; a
    malformed line counts under the ``malformed`` tag.

    Raises ``InvalidArgument``, before counting anything, for ``scripts`` or
    ``outputs`` that are not iterables of string sequences, for as many
    outputs as scripts, and for a reply that is not a replay response (a JSON
    object with a ``body``, whose ``error`` object, if any, has a string
    ``description``).
    """
    listed = _sequences(scripts, "scripts")
    replies = _sequences(outputs, "outputs")
    if len(listed) != len(replies):
        raise InvalidArgument(
            f"scripts and outputs must be as many, got {len(listed)} and {len(replies)}"
        )
    pairs = [
        (line, _error_description(reply))
        for script, output in zip(listed, replies, strict=True)
        for line, reply in zip(script, output, strict=False)
    ]
    endpoints: dict[str, int] = {}
    codes: dict[str, int] = {}
    for line, description in pairs:
        tag = _tag_of_line(line)
        endpoints[tag] = endpoints.get(tag, 0) + 1
        if description is not None:
            code = error_code(description) or "UNKNOWN"
            codes[code] = codes.get(code, 0) + 1
    return Reach(endpoints=endpoints, codes=codes, calls=len(pairs))


def _sequences(value: object, name: str) -> list[Sequence[str]]:
    """``value`` as a list if it is an iterable of string sequences, else ``InvalidArgument``."""
    wrong = InvalidArgument(f"{name} must be an iterable of sequences of str, got {_shown(value)}")
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise wrong
    listed = list(value)
    for element in listed:
        if isinstance(element, (str, bytes)) or not isinstance(element, Sequence):
            raise wrong
        if not all(isinstance(line, str) for line in element):
            raise wrong
    return listed


def _error_description(reply: str) -> str | None:
    """The ``error.description`` of a replay reply, ``None`` for a success; else refused."""
    try:
        data = json.loads(reply)
    except (ValueError, RecursionError):
        data = None
    if not isinstance(data, dict) or "body" not in data:
        raise InvalidArgument(f"a reply must be a replay response line, got {_shown(reply)}")
    body = data["body"]
    if not isinstance(body, dict) or not isinstance(body.get("error"), dict):
        return None
    description = body["error"].get("description")
    if not isinstance(description, str):
        raise InvalidArgument(f"an error reply must have a string description, got {_shown(reply)}")
    return description


def call_scripts(
    *,
    max_calls: int = 12,
    invalid: bool = True,
    only: Collection[str] | None = None,
) -> st.SearchStrategy[list[str]]:
    """Replay scripts reaching every endpoint and request field; the clock moves forward.

    Calls name what the script made (``inv_00000000000001``, customers, items,
    line items, receipts, payment ids) and sometimes what it did not.
    ``invalid=False`` leaves out invalid values and malformed lines; ``only``
    keeps the calls of those tags (``ENDPOINTS`` and ``"malformed"``), for a
    port that implements part of the API. Shrinks to one create of a small
    issued invoice.

    Raises ``InvalidArgument`` at once for a ``max_calls`` that is not an int
    from 1 to 1000, an ``invalid`` that is not a bool, and an ``only`` that is
    not ``None`` or a collection naming some of ``TAGS``.
    """
    limit: object = max_calls
    if type(limit) is not int or not 1 <= max_calls <= 1000:  # noqa: PLR2004
        raise InvalidArgument(f"max_calls must be an int from 1 to 1000, got {max_calls!r}")
    if not isinstance(invalid, bool):
        raise InvalidArgument(f"invalid must be a bool, got {invalid!r}")
    named: object = only
    if named is not None:
        wrong = InvalidArgument(f"only must be a collection of tags (str), got {_shown(named)}")
        if isinstance(named, (str, bytes)) or not isinstance(named, Iterable):
            raise wrong
        only = list(named)  # read once: a generator is iterated here only
        if not all(isinstance(tag, str) for tag in only):
            raise wrong
    tags = set(TAGS if only is None else only)
    unknown = sorted(str(tag) for tag in tags - set(TAGS))
    if unknown or not tags:
        raise InvalidArgument(f"only must name some of {', '.join(TAGS)}; got {unknown or 'none'}")
    if not invalid:
        tags.discard(MALFORMED)
    kinds = tuple(kind for kind in _KINDS if kind in tags)
    if not kinds:
        raise InvalidArgument("only names no endpoint that valid scripts can call")
    # Two draws a call: its kind and clock step as one integer, then its choices.
    call = st.tuples(st.integers(0, len(kinds) * len(_STEPS) - 1), st.integers(0, _MASK))
    return st.lists(call, min_size=1, max_size=max_calls).map(
        lambda calls: _build(
            [(kinds[n // len(_STEPS)], _STEPS[n % len(_STEPS)], seed) for n, seed in calls],
            invalid=invalid,
            can_create="create" in tags,
        )
    )


# ---------------------------------------------------------------------------
# Building a script
# ---------------------------------------------------------------------------


class _Choices:
    """Choices read from one drawn integer; 0 gives the first option of every choice.

    Any other integer seeds a counter-based mixer (SplitMix64's), so each choice
    is spread evenly however small the drawn integer is.
    """

    __slots__ = ("count", "seed")

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.count = 0

    def pick(self, options: int) -> int:
        if not self.seed:
            return 0
        self.count += 1
        mixed = (self.seed + self.count * 0x9E3779B97F4A7C15) & _MASK
        mixed = ((mixed ^ (mixed >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        mixed = ((mixed ^ (mixed >> 27)) * 0x94D049BB133111EB) & _MASK
        return (mixed ^ (mixed >> 31)) % options

    def one(self, options: Sequence[Any]) -> Any:  # noqa: ANN401 - whatever the table holds
        return options[self.pick(len(options))]

    def rarely(self, odds: int) -> bool:
        """True one time in ``odds`` (never for the shrunk choice)."""
        return self.pick(odds) == odds - 1


@attrs.define
class _Invoice:
    number: int
    total: int
    paid: int = 0
    draft: bool = False
    partial: bool = True
    lines: list[str] = attrs.Factory(list)
    expire_by: int | None = None
    closed: bool = False  # cancelled or deleted

    def open(self, at: int) -> bool:
        """Issued, not paid in full, not cancelled and not expired at ``at`` (as far as known)."""
        return (
            not self.draft
            and not self.closed
            and self.paid < self.total
            and (self.expire_by is None or at < self.expire_by)
        )


@attrs.define
class _Model:
    """What the script has made so far, as if every valid call succeeded."""

    at: int = START
    invoices: list[_Invoice] = attrs.Factory(list)
    customers: int = 0
    items: list[bool] = attrs.Factory(list)
    lines: int = 0
    payments: int = 0
    captured: list[int] = attrs.field(factory=list)
    receipts: list[str] = attrs.Factory(list)
    keys: list[str] = attrs.Factory(list)

    def invoice(self, choices: _Choices) -> tuple[str, _Invoice | None]:
        """An invoice's id: mostly the latest ones, sometimes one never made."""
        if not self.invoices or choices.rarely(12):
            return f"inv_{len(self.invoices) + 1:014d}", None
        found = self.invoices[-1 - choices.pick(min(len(self.invoices), 3))]
        return f"inv_{found.number:014d}", found

    def part_paid(self, choices: _Choices) -> tuple[str, _Invoice | None]:
        """Mostly the latest invoice the model finds partially paid, else any (``invoice``).

        A cancel or a payment then often meets the status whose rules differ most.
        """
        partly = [found for found in self.invoices[-6:] if found.paid and found.open(self.at)]
        if partly and not choices.rarely(2):
            return f"inv_{partly[-1].number:014d}", partly[-1]
        return self.invoice(choices)

    def payable(self) -> list[_Invoice]:
        """The latest invoices the model finds open to a payment."""
        return [found for found in self.invoices[-6:] if found.open(self.at)]

    def line_id(self) -> str:
        self.lines += 1
        return f"li_{self.lines:014d}"


def _build(calls: Sequence[tuple[str, int, int]], *, invalid: bool, can_create: bool) -> list[str]:
    model = _Model()
    lines: list[str] = []
    for kind, step, seed in calls:
        model.at += step
        choices = _Choices(seed)
        if kind == MALFORMED:
            lines.append(_malformed(choices, model))
            continue
        # A call on an invoice before any exists is a create instead, when the
        # port has creates: most calls then meet an invoice.
        made = kind if model.invoices or not can_create or kind not in _ON_INVOICE else "create"
        # A create is spoiled one time in two (most rows of BAD_VALUES, and two faults
        # whose check order shows, are a create's), any other call one time in three: a
        # rule of the lifecycle needs several valid calls in a row (a partial payment,
        # then a cancel).
        if invalid and choices.rarely(2 if made == "create" else 3):
            # The reference refuses the call: it makes and changes nothing.
            invoices = [attrs.evolve(invoice) for invoice in model.invoices]
            customers, items, captured = model.customers, list(model.items), list(model.captured)
            line = _BUILDERS[made](choices, model)
            _spoil(line, made, choices, model)
            model.invoices, model.customers, model.items = invoices, customers, items
            model.captured = captured
        else:
            line = _BUILDERS[made](choices, model)
        lines.append(json.dumps(line))
    return lines


_ON_INVOICE: Final = frozenset(
    {"pay", "cancel", "issue", "delete", "fetch", "update", "notify", "sent"}
)


def _call(model: _Model, method: str, path: str, **extra: Any) -> dict[str, Any]:  # noqa: ANN401
    return {"at": model.at, "method": method, "path": path, **extra}


def _customer(choices: _Choices) -> dict[str, Any]:
    customer: dict[str, Any] = {"name": choices.one(("Asha Rao", "Ravi", "Meera Iyer"))}
    reachable = choices.pick(4)  # 0: both, 1: email only, 2: contact only, 3: neither
    if reachable in (0, 1):
        customer["email"] = "asha@example.com"
    if reachable in (0, 2):
        customer["contact"] = "+919000090000"
    if choices.rarely(4):
        customer["gstin"] = "29ABCDE1234F1Z5"
    if choices.rarely(4):
        customer["billing_address"] = {"line1": "1 MG Road", "zipcode": "560001", "country": "in"}
    if choices.rarely(5):
        customer["shipping_address"] = {"city": "Pune", "state": "MH", "country": "India"}
    return customer


def _line(choices: _Choices, model: _Model, currency: str) -> tuple[dict[str, Any], int]:
    """A line-item element and its total before taxes (0 when taken from an item)."""
    if model.items and choices.rarely(3):
        number = 1 + choices.pick(len(model.items) + 1)  # one more: an item never made
        element: dict[str, Any] = {"item_id": f"item_{number:014d}"}
        if choices.rarely(2):
            element["quantity"] = 2
        return element, 0
    minimum = CURRENCIES[currency].minimum_amount
    amount = choices.one((10, 25, 50, 1, 7)) * minimum
    element = {"name": choices.one(("Book", "Pen", "Workshop seat")), "amount": amount}
    quantity = 1 if choices.pick(4) else 2
    if quantity > 1:
        element["quantity"] = quantity
    if choices.rarely(4):
        element["description"] = "Hardcover"
    if choices.rarely(6):
        element["currency"] = currency
    if choices.rarely(6):
        element[choices.one(("hsn_code", "sac_code"))] = "9983"
    if choices.rarely(3):
        taxes = [
            {"name": "GST", "rate": choices.one((1800, 500, 0)), "rate_type": "percentage"},
            {"name": "Cess", "rate": choices.one((1, 5)), "rate_type": "flat"},
        ]
        element["taxes"] = taxes[: 1 + choices.pick(2)] if choices.pick(2) else taxes[1:]
        element["tax_inclusive"] = choices.pick(2) == 1
    return element, amount * quantity


def _create(choices: _Choices, model: _Model) -> dict[str, Any]:  # noqa: C901, PLR0912 - one field each
    currency = "INR" if choices.pick(5) else choices.one(sorted(CURRENCIES))
    draft = choices.rarely(4)
    body: dict[str, Any] = {}
    if draft:
        body["draft"] = "1"
    elif choices.rarely(8):
        body["draft"] = "0"
    if currency != "INR" or choices.rarely(6):
        body["currency"] = currency
    count = 0 if draft and choices.rarely(3) else 1 + (choices.rarely(4) * choices.pick(3))
    items = len(model.items)
    elements = [_line(choices, model, currency) for _ in range(count)]
    if elements or not draft:
        body["line_items"] = [element for element, _ in elements]
    who = choices.pick(5)  # 0, 1: inline; 2: by id; 3: none; 4: by id, maybe never made
    if who in (0, 1) or (who >= 2 and not model.customers):  # noqa: PLR2004
        if who != 3 or not draft:  # noqa: PLR2004
            body["customer"] = _customer(choices)
    elif who != 3:  # noqa: PLR2004
        made = model.customers + (who == 4)  # noqa: PLR2004
        body["customer_id"] = f"cust_{1 + choices.pick(made):014d}"
    body["partial_payment"] = not choices.rarely(4)
    if choices.rarely(3):
        body["expire_by"] = model.at + choices.one((900, 3600, 901))
    reuse = False
    if choices.rarely(3):
        receipts = model.receipts
        reuse = bool(receipts) and choices.rarely(3)
        receipt = choices.one(receipts) if reuse else f"R-{len(receipts) + 1}"
        body[choices.one(("receipt", "receipt", "invoice_number"))] = receipt
        receipts.append(receipt)
    if choices.rarely(6):
        keys = model.keys
        key = choices.one(keys) if keys and choices.rarely(3) else f"key-{len(keys) + 1}"
        body["idempotency_key"] = key
        keys.append(key)
    for name, value in (
        ("description", "Books for the library"),
        ("terms", "Net 7"),
        ("comment", "Thanks"),
        ("notes", {"purpose": "library", "copies": 2}),
        ("date", model.at - 86_400),
        ("billing_start", START),
        ("billing_end", START + 86_400),
        ("sms_notify", choices.one((0, "1", False))),
        ("email_notify", choices.one((True, "0", 1))),
        ("type", "invoice"),
    ):
        if choices.rarely(7):
            body[name] = value  # noqa: PERF403 - one choice per key
    if not _refused(body, model, items=items, reused=reuse):
        invoice = _Invoice(
            number=len(model.invoices) + 1,
            total=sum(line_total for _, line_total in elements),
            draft=draft,
            partial=body["partial_payment"],
            expire_by=body.get("expire_by"),
            lines=[model.line_id() for _ in elements],
        )
        model.invoices.append(invoice)
    return _call(model, "POST", "/v1/invoices", body=body)


def _refused(body: dict[str, Any], model: _Model, *, items: int, reused: bool) -> bool:
    """Whether the reference refuses this create whatever the fault: no customer for an
    issued invoice, a customer or item never made, a receipt used before.

    The model then makes no invoice: its ids stay the reference's, and the calls after
    meet the invoices they mean.
    """
    if reused or body.get("customer_id", "") > f"cust_{model.customers:014d}":
        return True
    issued = body.get("draft", "0") == "0"
    if issued and "customer" not in body and "customer_id" not in body:
        return True
    lines = body.get("line_items", ())
    return any(line.get("item_id", "") > f"item_{items:014d}" for line in lines)


def _pay(choices: _Choices, model: _Model) -> dict[str, Any]:
    open_ = model.payable()
    if model.captured and open_ and choices.rarely(2):
        # A payment id captured before, sent to an invoice the model finds
        # payable: the book's ledger refuses it (PAYMENT_ID_CAPTURED).
        payment = choices.one(model.captured)
        invoice: _Invoice | None = choices.one(open_)
        assert invoice is not None  # noqa: S101 - picked from the open ones
        body = {"amount": max(1, invoice.total - invoice.paid), "payment_id": f"pay_{payment:014d}"}
        path = f"/sim/invoices/inv_{invoice.number:014d}/payments"
        return _call(model, "POST", path, body=body)
    if open_ and not choices.rarely(3):  # mostly one the model finds payable
        invoice = open_[-1 - choices.pick(min(len(open_), 2))]
        invoice_id = f"inv_{invoice.number:014d}"
    else:  # else any: a draft, one paid in full, one never made ...
        invoice_id, invoice = model.invoice(choices)
    due = max(1, invoice.total - invoice.paid) if invoice else 1000
    # Half the amounts are part of what is due: a partial payment is common.
    amount = choices.one((max(1, due // 2), due, due + 1, 1, due * 10, max(1, due // 3)))
    if model.payments and choices.rarely(6):
        payment = 1 + choices.pick(model.payments)  # a payment id already sent
    else:
        model.payments += 1
        payment = model.payments
        if invoice is not None and (amount == due or (invoice.partial and amount < due)):
            invoice.paid += amount
            model.captured.append(payment)
    body = {"amount": amount, "payment_id": f"pay_{payment:014d}"}
    return _call(model, "POST", f"/sim/invoices/{invoice_id}/payments", body=body)


def _cancel(choices: _Choices, model: _Model) -> dict[str, Any]:
    invoice_id, invoice = model.part_paid(choices)
    if invoice is not None and not invoice.paid and invoice.open(model.at):
        invoice.closed = True
    return _call(model, "POST", f"/v1/invoices/{invoice_id}/cancel")


def _issue(choices: _Choices, model: _Model) -> dict[str, Any]:
    invoice_id, invoice = model.invoice(choices)
    if invoice is not None and invoice.draft and invoice.total:
        invoice.draft = False
    return _call(model, "POST", f"/v1/invoices/{invoice_id}/issue")


def _delete(choices: _Choices, model: _Model) -> dict[str, Any]:
    invoice_id, invoice = model.invoice(choices)
    if invoice is not None and invoice.draft:
        invoice.closed = True
    return _call(model, "DELETE", f"/v1/invoices/{invoice_id}")


def _notify(choices: _Choices, model: _Model) -> dict[str, Any]:
    invoice_id, _ = model.invoice(choices)
    medium = choices.one(("sms", "email"))
    return _call(model, "POST", f"/v1/invoices/{invoice_id}/notify_by/{medium}")


def _sent(choices: _Choices, model: _Model) -> dict[str, Any]:
    invoice_id, _ = model.invoice(choices)
    medium = choices.one(("email", "sms"))
    return _call(model, "POST", f"/sim/invoices/{invoice_id}/notifications/{medium}/sent")


def _fetch(choices: _Choices, model: _Model) -> dict[str, Any]:
    invoice_id, _ = model.invoice(choices)
    line = _call(model, "GET", f"/v1/invoices/{invoice_id}")
    if choices.rarely(6):
        line["query"] = {}
    return line


def _list(choices: _Choices, model: _Model) -> dict[str, Any]:
    query: dict[str, Any] = {}
    as_text = choices.rarely(3)
    candidates: list[tuple[str, object]] = [
        ("count", 1 + choices.pick(3)),
        ("skip", choices.pick(3)),
        ("from", START + choices.one((0, 1, 60))),
        ("to", model.at - choices.one((0, 1, 60))),
        ("type", "invoice"),
        ("customer_id", f"cust_{1 + choices.pick(max(1, model.customers)):014d}"),
        ("receipt", choices.one(model.receipts) if model.receipts else "R-1"),
        ("payment_id", f"pay_{1 + choices.pick(max(1, model.payments)):014d}"),
    ]
    for name, value in candidates:
        if choices.rarely(3):
            query[name] = str(value) if as_text and isinstance(value, int) else value
    line = _call(model, "GET", "/v1/invoices")
    if query or choices.pick(2):
        line["query"] = query
    return line


def _update(choices: _Choices, model: _Model) -> dict[str, Any]:
    invoice_id, invoice = model.invoice(choices)
    draft = invoice is not None and invoice.draft
    body: dict[str, Any] = {}
    keys = (
        ("line_items", "customer", "customer_id", "draft", "description", "notes", "receipt")
        if draft
        else ("notes", "partial_payment", "expire_by", "terms", "comment", "receipt")
    ) + ("sms_notify", "date", "expire_by")
    for _ in range(1 + choices.pick(2)):
        key = choices.one(keys)
        if key == "line_items":
            body[key] = _patch(choices, model, invoice)
        elif key == "customer":
            body[key] = _customer(choices) if choices.pick(4) else None
        elif key == "customer_id":
            made = model.customers + 1
            body[key] = None if choices.rarely(4) else f"cust_{1 + choices.pick(made):014d}"
        elif key == "draft":
            body[key] = "0"
            if invoice is not None:
                invoice.draft = False
        elif key == "expire_by":
            body[key] = model.at + choices.one((900, 3600, 901))
            if invoice is not None:
                invoice.expire_by = body[key]
        elif key == "receipt":
            receipt = choices.one(model.receipts) if model.receipts else "R-9"
            body[key] = receipt if choices.pick(2) else f"R-{len(model.receipts) + 1}"
            model.receipts.append(body[key])
        else:
            body[key] = {
                "notes": {"k": "v"},
                "partial_payment": choices.pick(2) == 0,
                "terms": "Net 30",
                "comment": "Edited",
                "description": "Edited",
                "sms_notify": choices.one(("0", 1, True)),
                "date": model.at,
            }[key]
    return _call(model, "PATCH", f"/v1/invoices/{invoice_id}", body=body)


def _patch(choices: _Choices, model: _Model, invoice: _Invoice | None) -> list[dict[str, Any]]:
    """A ``line_items`` patch: lines kept, edited or dropped; a line added, maybe from an item."""
    elements: list[dict[str, Any]] = []
    kept: list[str] = []
    for line_id in invoice.lines if invoice else ["li_00000000000001"]:
        what = choices.pick(4)  # keep, edit, drop, edit the quantity
        if what == 0:
            elements.append({"id": line_id})
        elif what == 1:
            elements.append({"id": line_id, "amount": choices.one((2000, 100, 99))})
        elif what == 3:  # noqa: PLR2004
            elements.append({"id": line_id, "quantity": 3, "name": "Edited"})
        if what != 2:  # noqa: PLR2004
            kept.append(line_id)
    if choices.pick(2) or not elements:
        element, total = _line(choices, model, "INR")
        elements.append(element)
        kept.append(model.line_id())
        if invoice is not None:
            invoice.total += total
    if invoice is not None:
        invoice.lines = kept
    return elements


def _new_customer(choices: _Choices, model: _Model) -> dict[str, Any]:
    model.customers += 1
    return _call(model, "POST", "/v1/customers", body=_customer(choices))


def _new_item(choices: _Choices, model: _Model) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": choices.one(("Book", "Pen")),
        "amount": choices.one((1000, 250)),
    }
    active = not choices.rarely(3)
    if not active:
        body["active"] = False
    for name, value in (("description", "Hardcover"), ("currency", "INR"), ("unit", "copy")):
        if choices.rarely(4):
            body[name] = value  # noqa: PERF403 - one choice per key
    model.items.append(active)
    return _call(model, "POST", "/v1/items", body=body)


_BUILDERS: Final[Mapping[str, Any]] = MappingProxyType(
    {
        "create": _create,
        "pay": _pay,
        "cancel": _cancel,
        "issue": _issue,
        "delete": _delete,
        "fetch": _fetch,
        "list": _list,
        "update": _update,
        "notify": _notify,
        "sent": _sent,
        "customers": _new_customer,
        "items": _new_item,
    }
)

_FAULTS: Final[Mapping[str, tuple[tuple[str, tuple[object, ...]], ...]]] = MappingProxyType(
    {
        tag: tuple((field, values) for endpoint, field, values in BAD_VALUES if endpoint == tag)
        for tag in ENDPOINTS
    }
)


def _spoil(line: dict[str, Any], kind: str, choices: _Choices, model: _Model) -> None:
    """One fault from ``BAD_VALUES``, or two from neighbouring rows (check order shows).

    Three times in four each bad value is equally likely (a field with many kinds of
    fault, ``line_items``, is spoiled as often as it has kinds), else
    each row is.
    """
    rows = _FAULTS.get(kind, ())
    if not rows:
        line["path"] += "/"  # no field to spoil: an unknown path instead
        return
    flat = _FLAT_FAULTS[kind]
    if choices.pick(4):  # each bad value equally likely
        first, value = flat[choices.pick(len(flat))]
    else:  # each row equally likely
        first = choices.pick(len(rows))
        value = choices.one(rows[first][1])
    chosen = [(rows[first][0], value)]
    if choices.pick(2) and first + 1 < len(rows):
        field, values = rows[min(len(rows) - 1, first + 1 + choices.pick(2))]
        chosen.append((field, choices.one(values)))
    for field, bad in chosen:
        _apply(line, kind, field, bad, model)


_FLAT_FAULTS: Final = MappingProxyType(
    {
        tag: tuple((row, value) for row, (_, values) in enumerate(rows) for value in values)
        for tag, rows in _FAULTS.items()
    }
)


def _apply(line: dict[str, Any], kind: str, field: str, value: object, model: _Model) -> None:
    if field == "medium":
        head, _, _ = line["path"].rpartition(
            "/notify_by/" if kind == "notify" else "/notifications/"
        )
        tail = "/notify_by/{}" if kind == "notify" else "/notifications/{}/sent"
        line["path"] = head + tail.format(value)
        return
    where = "query" if kind in ("list", "fetch") else "body"
    target: dict[str, Any] = line.setdefault(where, {})
    if field == "customer_id+customer":
        target["customer_id"] = "cust_00000000000001"
        target["customer"] = {"name": "Asha Rao"}
    elif value == "missing":
        target.pop(field, None)
    elif value == "soon":
        target[field] = model.at + 899
    else:
        target[field] = value


def _malformed(choices: _Choices, model: _Model) -> str:
    """A line the replay refuses before it reaches an endpoint (or a wrong endpoint)."""
    at = model.at
    call = {"at": at, "method": "GET", "path": "/v1/invoices"}
    shapes: tuple[object, ...] = (
        "{",
        "[]",
        "1",
        "null",
        '"GET /v1/invoices"',
        {"method": "GET", "path": "/v1/invoices"},
        {"at": at, "path": "/v1/invoices"},
        {"at": at, "method": "GET"},
        {**call, "extra": 1},
        {**call, "at": str(at)},
        {**call, "at": at + 0.5},
        {**call, "at": True},
        {**call, "method": 1},
        {**call, "path": None},
        {**call, "method": "PUT"},
        {**call, "path": "/v1/invoice"},
        {**call, "path": "/v1/invoices/"},
        {**call, "method": "get"},
        {**call, "at": START - 1},
        {**call, "body": "x"},
        {**call, "query": [1]},
        {"at": at, "method": "POST", "path": "/v1/invoices", "body": []},
        {"at": at, "method": "POST", "path": "/v1/customers", "body": None},
        {**call, "comment": "a comment is ignored"},
        '{"at": NaN, "method": "GET", "path": "/v1/invoices"}',
        "\udcff" + json.dumps(call),
        "[" * 5000 + "]" * 5000,
        json.dumps(call)[:-1],
    )
    shape = choices.one(shapes)
    return shape if isinstance(shape, str) else json.dumps(shape)


def _tag_of_line(line: str) -> str:
    try:
        data = json.loads(line)
    except (ValueError, RecursionError):
        return MALFORMED
    if not isinstance(data, dict) or set(data) - {
        "at",
        "method",
        "path",
        "body",
        "query",
        "comment",
    }:
        return MALFORMED
    return endpoint_of(data.get("method"), data.get("path")) or MALFORMED
