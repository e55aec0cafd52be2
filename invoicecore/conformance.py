"""The conformance suite as data: vectors generated from the reference, compared with a port.

A *case* is a named replay script with the response lines the reference gives
(``conformance/*.json``, docs/conformance.md). This module is pure: it builds
the cases by running scripts through an in-memory ``Replayer``, loads and dumps
vector files as text, compares a port's output lines with a case and renders
the summary. Starting port processes is the edge's work (``conformance_run``).
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Final

import attrs

from invoicecore import _validators as v
from invoicecore import amounts, errors, limits, requests
from invoicecore._jsonline import dumps_line, loads_strict
from invoicecore.entities import Status
from invoicecore.replay import Replayer

__all__ = [
    "AREAS",
    "EXCLUDED_MESSAGES",
    "VECTORS_VERSION",
    "Case",
    "Outcome",
    "Summary",
    "compare",
    "coverage",
    "dump_area",
    "encode_line",
    "first_difference",
    "generate",
    "load_area",
    "message_code",
    "render_coverage",
    "select",
    "summarize",
]

VECTORS_VERSION: Final = "1.0"
"""The version of the vector files; a new case or a changed expectation moves it."""

AREAS: Final = (
    "create",
    "update",
    "line-items",
    "payments",
    "query",
    "customers",
    "items",
    "lifecycle",
    "expiry",
    "idempotency",
    "receipts",
    "notifications",
    "malformed",
    "rounding",
    "currencies",
    "limits",
    "check-order",
    "messages",
)
"""One vector file per area, ``conformance/AREA.json``."""

EXCLUDED_MESSAGES: Final = frozenset(
    {
        "EMBEDDER_ARGUMENT_MISSING",
        "EMBEDDER_ID_COLLISION",
        "ENTITY_INCONSISTENT",
        "EVENT_UNKNOWN",
        "INVARIANT_VIOLATION",
        "MESSAGE_PARAMETER_MISSING",
        "STORED_ENTITY_CORRUPT",
        "TABLE_INCOMPLETE",
        "AT_BEFORE_LAST_CHANGE",
        "NOT_DUE_FOR_EXPIRY",
        "ITEM_WRONG_TYPE",
        "NOT_PAYABLE_DELETED",
        "STORE_CONFLICT",
        "STORE_CORRUPT",
        "STORE_UNAVAILABLE",
    }
)
"""Messages no replay line can trigger: the library's own (embedders, stores, tables).

A store's conflict, corruption and absence (``STORE_CONFLICT``,
``STORE_CORRUPT``, ``STORE_UNAVAILABLE``) are never a client's 400; the
in-memory replay has none of them.

``AT_BEFORE_LAST_CHANGE`` and ``NOT_DUE_FOR_EXPIRY`` guard library calls; the
replay refuses a clock that goes back first, and expires invoices itself. The
replay's items are all line items (``ITEM_WRONG_TYPE``) and its deleted invoices
are gone (a payment gets ``The id provided does not exist``, not
``NOT_PAYABLE_DELETED``).
"""


def _tuple(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if type(value) is not tuple:
        raise v.must_be(attribute.name, "a tuple")


@attrs.frozen(kw_only=True)
class Case:
    """One vector: a script (call objects, or raw strings sent as they are) and its answers.

    Refuses (``InvalidRequestError``, ``MUST_BE``) an ``id`` or ``description``
    that is not a string, ``tags`` that are not a tuple of strings, and a
    ``script`` or ``expected`` that is not a tuple.
    """

    id: str = attrs.field(validator=v.string)
    description: str = attrs.field(validator=v.string)
    tags: tuple[str, ...] = attrs.field(validator=v.tuple_of(str, "strings"))
    script: tuple[Any, ...] = attrs.field(validator=_tuple)
    expected: tuple[Any, ...] = attrs.field(validator=_tuple)

    def to_json(self) -> dict[str, Any]:
        """The case as it is written in a vector file."""
        return {
            "id": self.id,
            "description": self.description,
            "tags": list(self.tags),
            "script": list(self.script),
            "expected": list(self.expected),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Case:
        """A case read back from a vector file.

        Refuses (``MUST_BE``, field ``case``) anything but an object with a
        string ``id`` and ``description`` and the lists ``tags``, ``script``
        and ``expected``.
        """
        if not _case_object(data):
            raise v.must_be("case", "an object with id, description, tags, script and expected")
        return cls(
            id=data["id"],
            description=data["description"],
            tags=tuple(data["tags"]),
            script=tuple(data["script"]),
            expected=tuple(data["expected"]),
        )

    def lines(self) -> list[str]:
        """The script lines to send, without newlines."""
        return [line if isinstance(line, str) else encode_line(line) for line in self.script]


def _case_object(data: object) -> bool:
    return (
        v.is_object(data)
        and all(type(data.get(key)) is str for key in ("id", "description"))
        and all(type(data.get(key)) is list for key in ("tags", "script", "expected"))
    )


def encode_line(value: object) -> str:
    """A JSON value as the protocol writes it (``replay.encode``'s rules, for any value).

    Refuses (``MUST_BE``, field ``value``) what JSON cannot write: bytes, sets,
    objects, NaN and infinities, keys that are not scalars, cycles.
    """
    return _encoded(value, "value")


def _encoded(value: object, name: str) -> str:
    # dumps_line is the check: it refuses exactly what it cannot write, before
    # anything is returned (a separate walk would cost every line twice).
    try:
        return dumps_line(value)
    except (TypeError, ValueError, RecursionError):
        raise v.must_be(name, "a JSON value") from None


def _all_of(value: object, kind: type[Any], name: str, expected: str) -> list[Any]:
    """``value``'s elements if it is an iterable (not a string) of ``kind``, else ``MUST_BE``."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise v.must_be(name, expected)
    listed = list(value)
    if not all(isinstance(element, kind) for element in listed):
        raise v.must_be(name, expected)
    return listed


# ---------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------


def dump_area(area: str, cases: Sequence[Case], *, protocol: str) -> str:
    """A vector file's text: stable (sorted by nothing but generation order), one case per line.

    Refuses (``MUST_BE``) an ``area`` or ``protocol`` that is not a string and
    ``cases`` that are not an iterable of ``Case``.
    """
    v.check_type(area, str, "area", "a string")
    cases = _all_of(cases, Case, "cases", "an iterable of Case")
    v.check_type(protocol, str, "protocol", "a string")
    head = json.dumps(
        {"vectors_version": VECTORS_VERSION, "protocol_version": protocol, "area": area},
        ensure_ascii=False,
    )[:-1]
    body = ",\n".join("    " + encode_line(case.to_json()) for case in cases)
    return f'{head}, "cases": [\n{body}\n]}}\n'


def load_area(text: str) -> tuple[dict[str, Any], list[Case]]:
    """A vector file's header (versions, area) and its cases.

    Refuses (``MUST_BE``) a ``text`` that is not a string or not a vector file
    (a JSON object with a ``cases`` list), and a case that ``Case.from_json``
    refuses. Reading the file is the edge's work (``conformance_run.load``).
    """
    v.check_type(text, str, "text", "a string")
    try:
        data = loads_strict(text)
    except (ValueError, RecursionError):
        data = None
    if not v.is_object(data) or type(data.get("cases")) is not list:
        raise v.must_be("text", "a vector file (a JSON object with a list of cases)")
    header = {key: value for key, value in data.items() if key != "cases"}
    cases: list[Any] = data["cases"]  # type: ignore[assignment]  # checked to be a list above
    return header, [Case.from_json(case) for case in cases]


def select(
    cases: Iterable[Case], *, tags: Iterable[str] = (), skip_tags: Iterable[str] = ()
) -> tuple[list[Case], list[Case]]:
    """(cases to run, cases skipped): ``tags`` keeps cases with any of them, ``skip_tags`` drops.

    Refuses (``MUST_BE``) ``cases`` that are not an iterable of ``Case`` and
    ``tags`` or ``skip_tags`` that are not an iterable of strings (a lone
    string is refused, not read as its characters).
    """
    cases = _all_of(cases, Case, "cases", "an iterable of Case")
    wanted = set(_all_of(tags, str, "tags", "an iterable of strings"))
    unwanted = set(_all_of(skip_tags, str, "skip_tags", "an iterable of strings"))
    run: list[Case] = []
    skipped: list[Case] = []
    for case in cases:
        keep = (not wanted or wanted & set(case.tags)) and not unwanted & set(case.tags)
        (run if keep else skipped).append(case)
    return run, skipped


# ---------------------------------------------------------------------------
# Comparing
# ---------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Outcome:
    """A case's result: passed, or the first differing call and where its response differs.

    Refuses (``MUST_BE`` ...) a ``case`` that is not a ``Case``, a ``passed``
    that is not a bool, a ``call`` that is not ``None`` or a non-negative int,
    and texts that are not strings.
    """

    case: Case = attrs.field(validator=v.instance_of(Case, "a Case"))
    passed: bool = attrs.field(validator=v.boolean)
    call: int | None = attrs.field(default=None, validator=v.optional_integer())
    """The 0-based index of the first differing call (``None``: passed)."""
    path: str = attrs.field(default="", validator=v.string)
    """The JSON path of the first differing key in that response (``$`` the whole line)."""
    expected: str = attrs.field(default="", validator=v.string)
    actual: str = attrs.field(default="", validator=v.string)
    detail: str = attrs.field(default="", validator=v.string)

    def to_json(self) -> dict[str, Any]:
        """For ``--format json``."""
        return {
            "id": self.case.id,
            "description": self.case.description,
            "tags": list(self.case.tags),
            "passed": self.passed,
            "call": self.call,
            "path": self.path,
            "expected": self.expected,
            "actual": self.actual,
            "detail": self.detail,
        }

    def report(self) -> str:
        """The failure as people read it: the case, the call, the key that differs."""
        if self.passed:
            return f"PASS {self.case.id}"
        lines = [
            f"FAIL {self.case.id}: {self.case.description}",
            f"  tags: {', '.join(self.case.tags)}",
        ]
        if self.call is not None and self.call < len(self.case.script):
            sent = self.case.lines()[self.call]
            lines.append(f"  call {self.call + 1}: {_cut(sent, 200)}")
        lines.append(f"  at {self.path}: {self.detail}")
        lines.append(f"    expected: {_cut(self.expected, 200)}")
        lines.append(f"    actual:   {_cut(self.actual, 200)}")
        return "\n".join(lines)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def compare(case: Case, output: Sequence[str]) -> Outcome:
    """Compare a port's lines with the case, byte for byte; explain the first difference.

    Refuses (``MUST_BE``) a ``case`` that is not a ``Case`` (or whose expected
    responses are not JSON values) and an ``output`` that is not an iterable
    of strings.
    """
    v.check_type(case, Case, "case", "a Case")
    output = _all_of(output, str, "output", "an iterable of strings")
    wanted = [_encoded(response, "expected") for response in case.expected]
    for index, want in enumerate(wanted):
        got = output[index] if index < len(output) else None
        if got == want:
            continue
        if got is None:
            return Outcome(
                case=case,
                passed=False,
                call=index,
                path="$",
                expected=want,
                actual="",
                detail="no response line (the port printed fewer lines than calls)",
            )
        path, expected, actual, detail = first_difference(case.expected[index], got)
        return Outcome(
            case=case,
            passed=False,
            call=index,
            path=path,
            expected=expected,
            actual=actual,
            detail=detail,
        )
    if len(output) > len(wanted):
        extra = output[len(wanted)]
        return Outcome(
            case=case,
            passed=False,
            call=len(wanted),
            path="$",
            expected="",
            actual=extra,
            detail="an extra output line (more lines than calls)",
        )
    return Outcome(case=case, passed=True)


def first_difference(expected: object, line: str) -> tuple[str, str, str, str]:
    """(JSON path, expected value, actual value, what differs) between a response and a line.

    Refuses (``MUST_BE``) an ``expected`` that is not a JSON value and a
    ``line`` that is not a string. A line with NaN or Infinity, or nested too
    deeply to read, is not JSON.
    """
    want = _encoded(expected, "expected")
    v.check_type(line, str, "line", "a string")
    try:
        actual = loads_strict(line)
    except (ValueError, RecursionError):
        return "$", want, line, "the line is not JSON"
    found = _walk(expected, actual, "$")
    if found is None:
        return "$", want, line, "same JSON value, written differently"
    path, want, got, detail = found
    return path, want, got, detail


def _walk(  # noqa: C901, PLR0911 - one answer per kind of difference
    expected: object, actual: object, path: str
) -> tuple[str, str, str, str] | None:
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key, value in expected.items():
            here = f"{path}.{key}"
            if key not in actual:
                return here, encode_line(value), "", "key missing"
            found = _walk(value, actual[key], here)
            if found is not None:
                return found
        for key in actual:
            if key not in expected:
                return f"{path}.{key}", "", encode_line(actual[key]), "unexpected key"
        if list(expected) != list(actual):
            return path, ", ".join(expected), ", ".join(actual), "keys in another order"
        return None
    if isinstance(expected, list) and isinstance(actual, list):
        for index, (want, got) in enumerate(zip(expected, actual, strict=False)):
            found = _walk(want, got, f"{path}[{index}]")
            if found is not None:
                return found
        if len(expected) != len(actual):
            return path, f"{len(expected)} elements", f"{len(actual)} elements", "length differs"
        return None
    if type(expected) is not type(actual) or expected != actual:
        return path, encode_line(expected), encode_line(actual), "value differs"
    return None


@attrs.frozen(kw_only=True)
class Summary:
    """Counts of a run.

    Each count is a non-negative int; anything else is refused (``MUST_BE`` ...).
    """

    passed: int = attrs.field(validator=v.integer())
    failed: int = attrs.field(validator=v.integer())
    skipped: int = attrs.field(validator=v.integer())

    def line(self) -> str:
        """The closing line every format prints (text) or carries (json, junit)."""
        return f"{self.passed} passed, {self.failed} failed, {self.skipped} skipped"


def summarize(outcomes: Iterable[Outcome], skipped: int) -> Summary:
    """Count passes and failures.

    Refuses (``MUST_BE`` ...) ``outcomes`` that are not an iterable of
    ``Outcome`` and a ``skipped`` that is not a non-negative int.
    """
    listed = _all_of(outcomes, Outcome, "outcomes", "an iterable of Outcome")
    v.check_integer(skipped, "skipped")
    failed = sum(not outcome.passed for outcome in listed)
    return Summary(passed=len(listed) - failed, failed=failed, skipped=skipped)


# ---------------------------------------------------------------------------
# Coverage
# ---------------------------------------------------------------------------


def _template_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{[a-z_]+\}", template)
    return re.compile("(?s)" + "(.+?)".join(re.escape(part) for part in parts) + "$")


_PATTERNS: Final = tuple(
    (message.code, _template_pattern(message.template))
    for message in sorted(errors.MESSAGES, key=lambda m: -len(m.template))
)


def message_code(description: str) -> str | None:
    """The catalogue name of an error description (longest template first), or ``None``.

    Refuses (``MUST_BE``) a ``description`` that is not a string.
    """
    v.check_type(description, str, "description", "a string")
    for name, pattern in _PATTERNS:
        if pattern.match(description):
            return name
    return None


def _errors_of(case: Case) -> Iterator[tuple[str, object]]:
    for response in case.expected:
        body = response.get("body") if isinstance(response, dict) else None
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            error = body["error"]
            code = message_code(str(error.get("description")))
            if code is not None:
                yield code, error.get("field")


def coverage(cases: Iterable[Case]) -> dict[str, Any]:
    """What the cases cover, and what they should: messages, fields, cells, pairs, limits.

    Refuses (``MUST_BE``) ``cases`` that are not an iterable of ``Case``.
    """
    listed: list[Case] = _all_of(cases, Case, "cases", "an iterable of Case")
    seen_messages: set[str] = set()
    seen_fields: set[tuple[str, object]] = set()
    tags: set[str] = set()
    for case in listed:
        tags.update(case.tags)
        for code, field in _errors_of(case):
            seen_messages.add(code)
            seen_fields.add((code, field))
    wanted_messages = {m.code for m in errors.MESSAGES} - EXCLUDED_MESSAGES
    wanted_fields = _rule_fields()
    cells = {f"cell:{s.value}:{op}" for s in Status for op in OPERATIONS}
    pairs = {tag for tag in tags if tag.startswith("pair:")}
    wanted_pairs = set(_pair_tags())
    wanted_limits = {f"limit:{name}" for name in _limit_names()}
    wanted_endpoints = {f"endpoint:{name}" for name in ENDPOINTS}
    return {
        "cases": len(listed),
        "messages": (len(seen_messages & wanted_messages), len(wanted_messages)),
        "missing_messages": sorted(wanted_messages - seen_messages),
        "fields": (len(seen_fields & wanted_fields), len(wanted_fields)),
        "missing_fields": sorted(f"{c} {f}" for c, f in wanted_fields - seen_fields),
        "cells": (len(cells & tags), len(cells)),
        "missing_cells": sorted(cells - tags),
        "pairs": (len(wanted_pairs & pairs), len(wanted_pairs)),
        "missing_pairs": sorted(wanted_pairs - pairs),
        "limits": (len(wanted_limits & tags), len(wanted_limits)),
        "missing_limits": sorted(wanted_limits - tags),
        "endpoints": (len(wanted_endpoints & tags), len(wanted_endpoints)),
        "missing_endpoints": sorted(wanted_endpoints - tags),
    }


def render_coverage(report: Mapping[str, Any]) -> str:
    """The generated block of docs/conformance.md.

    Refuses (``MUST_BE``, field ``report``) anything but what ``coverage``
    returns: an int ``cases`` and a pair of ints for each of ``messages``,
    ``fields``, ``cells``, ``pairs``, ``limits`` and ``endpoints``.
    """
    _check_report(report)
    rows = [
        ("cases", str(report["cases"])),
        *(
            (name, "{} of {}".format(*report[name]))
            for name in ("messages", "fields", "cells", "pairs", "limits", "endpoints")
        ),
    ]
    labels = {
        "cases": "Cases",
        "messages": "Messages a request can trigger",
        "fields": "(message, `field`) pairs of the request tables",
        "cells": "(status x operation) cells",
        "pairs": "Check pairs whose order shows",
        "limits": "Limits at the boundary and one past",
        "endpoints": "Endpoints (incl. /sim)",
    }
    out = ["| What | Covered |", "| --- | --- |"]
    out += [f"| {labels[name]} | {value} |" for name, value in rows]
    excluded = ", ".join(f"`{name}`" for name in sorted(EXCLUDED_MESSAGES))
    out += ["", f"Excluded (library-internal messages): {excluded}."]
    return "\n".join(out) + "\n"


_COUNTED: Final = ("messages", "fields", "cells", "pairs", "limits", "endpoints")


def _check_report(report: object) -> None:
    def counted(value: object) -> bool:
        return (
            type(value) in (tuple, list)
            and len(value) == 2  # type: ignore[arg-type]  # noqa: PLR2004 - (done, wanted)
            and all(type(n) is int for n in value)  # type: ignore[attr-defined]
        )

    if not (
        v.is_object(report)
        and type(report.get("cases")) is int
        and all(counted(report.get(name)) for name in _COUNTED)
    ):
        raise v.must_be("report", "a coverage report (what coverage returns)")


# ---------------------------------------------------------------------------
# Generating
# ---------------------------------------------------------------------------

T0: Final = 1_700_000_000
INV: Final = "/v1/invoices"
ID1: Final = "inv_00000000000001"
LI1: Final = "li_00000000000001"
BOOK: Final = {"name": "Book", "amount": 1000}
CUSTOMER: Final = {
    "name": "Gaurav Kumar",
    "email": "gaurav@example.com",
    "contact": "+919000090000",
}

OPERATIONS: Final = (
    "fetch",
    "update",
    "update-line-items",
    "issue",
    "delete",
    "cancel",
    "notify-sms",
    "notify-email",
    "payment-part",
    "payment-full",
    "sent-sms",
    "sent-email",
)
"""The operations of the lifecycle grid, each applied to an invoice in every status."""

ENDPOINTS: Final = (
    "create",
    "update",
    "issue",
    "delete",
    "cancel",
    "fetch",
    "list",
    "notify",
    "payment",
    "sent",
    "customer",
    "item",
    "unknown",
)
"""Endpoint tags: every call's endpoint is tagged ``endpoint:NAME``."""


def _call(
    at: int, method: str, path: str, body: object = None, query: object = None
) -> dict[str, Any]:
    line: dict[str, Any] = {"at": at, "method": method, "path": path}
    if body is not None:
        line["body"] = body
    if query is not None:
        line["query"] = query
    return line


_ID_PART: Final = 2
"""The index of the invoice id in a split path (``v1/invoices/ID``)."""


def _endpoint(line: object) -> str:
    if not isinstance(line, dict):
        return "unknown"
    method, path = str(line.get("method")), str(line.get("path"))
    parts = path.strip("/").split("/")
    table = {
        ("POST", "/v1/invoices"): "create",
        ("GET", "/v1/invoices"): "list",
        ("POST", "/v1/customers"): "customer",
        ("POST", "/v1/items"): "item",
    }
    if (method, path) in table:
        return table[(method, path)]
    if parts[:2] == ["v1", "invoices"] and len(parts) > _ID_PART:
        rest = (method, *parts[_ID_PART + 1 : _ID_PART + 2])
        named = {
            ("PATCH",): "update",
            ("GET",): "fetch",
            ("DELETE",): "delete",
            ("POST", "issue"): "issue",
            ("POST", "cancel"): "cancel",
            ("POST", "notify_by"): "notify",
        }
        return named.get(rest, "unknown")
    if parts[:2] == ["sim", "invoices"] and len(parts) > _ID_PART + 1:
        return {"payments": "payment", "notifications": "sent"}.get(parts[_ID_PART + 1], "unknown")
    return "unknown"


class _Builder:
    """Collects cases: runs each script through a fresh reference replay."""

    def __init__(self) -> None:
        self.cases: dict[str, list[Case]] = {area: [] for area in AREAS}
        self._ids: set[str] = set()

    def add(
        self,
        area: str,
        name: str,
        description: str,
        script: Sequence[Any],
        tags: Iterable[str] = (),
        *,
        replayed: list[Any] | None = None,
    ) -> list[Any]:
        # ``replayed``: the script's responses, when the caller has just run it (``_run``).
        expected = _run(script) if replayed is None else replayed
        base = re.sub(r"[^A-Za-z0-9_.:+-]+", "-", f"{area}.{name}").strip("-")
        case_id, n = base, 1
        while case_id in self._ids:
            n += 1
            case_id = f"{base}-{n}"
        self._ids.add(case_id)
        all_tags = [area, *tags]
        all_tags += [f"endpoint:{_endpoint(line)}" for line in script]
        if any(response["status"] >= 400 for response in expected):  # noqa: PLR2004
            all_tags.append("error")
        self.cases[area].append(
            Case(
                id=case_id,
                description=description.replace("\n", " "),
                tags=tuple(dict.fromkeys(all_tags)),
                script=tuple(script),
                expected=tuple(expected),
            )
        )
        return expected


def _draft(at: int = T0, **extra: object) -> dict[str, Any]:
    return _call(
        at, "POST", INV, {"type": "invoice", "draft": "1", "line_items": [dict(BOOK)], **extra}
    )


def _issued(at: int = T0, **extra: object) -> dict[str, Any]:
    body = {"type": "invoice", "customer": dict(CUSTOMER), "line_items": [dict(BOOK)]}
    return _call(at, "POST", INV, {**body, "partial_payment": True, **extra})


def _pay(
    at: int, amount: int, payment: str = "pay_00000000000001", inv: str = ID1
) -> dict[str, Any]:
    return _call(
        at, "POST", f"/sim/invoices/{inv}/payments", {"amount": amount, "payment_id": payment}
    )


SETUPS: Final[Mapping[Status, Callable[[], list[dict[str, Any]]]]] = {
    Status.DRAFT: lambda: [_draft()],
    Status.ISSUED: lambda: [_issued()],
    Status.PARTIALLY_PAID: lambda: [_issued(), _pay(T0 + 10, 300)],
    Status.PAID: lambda: [_issued(), _pay(T0 + 10, 1000)],
    Status.CANCELLED: lambda: [_issued(), _call(T0 + 10, "POST", f"{INV}/{ID1}/cancel")],
    Status.EXPIRED: lambda: [_issued(expire_by=T0 + 1000)],
    Status.DELETED: lambda: [_draft(), _call(T0 + 10, "DELETE", f"{INV}/{ID1}")],
}
"""Scripts that leave ``inv_00000000000001`` in each status by ``T0 + 5000``."""


def _operation(name: str, at: int) -> dict[str, Any]:
    here = f"{INV}/{ID1}"
    return {
        "fetch": _call(at, "GET", here),
        "update": _call(at, "PATCH", here, {"description": "Changed"}),
        "update-line-items": _call(
            at, "PATCH", here, {"line_items": [{"name": "Pen", "amount": 500}]}
        ),
        "issue": _call(at, "POST", f"{here}/issue"),
        "delete": _call(at, "DELETE", here),
        "cancel": _call(at, "POST", f"{here}/cancel"),
        "notify-sms": _call(at, "POST", f"{here}/notify_by/sms"),
        "notify-email": _call(at, "POST", f"{here}/notify_by/email"),
        "payment-part": _pay(at, 100, "pay_00000000000009"),
        "payment-full": _pay(at, 1000, "pay_00000000000009"),
        "sent-sms": _call(at, "POST", f"/sim/invoices/{ID1}/notifications/sms/sent"),
        "sent-email": _call(at, "POST", f"/sim/invoices/{ID1}/notifications/email/sent"),
    }[name]


def _lifecycle(b: _Builder) -> None:
    for status, setup in SETUPS.items():
        for op in OPERATIONS:
            script = [*setup(), _operation(op, T0 + 5000), _call(T0 + 5001, "GET", f"{INV}/{ID1}")]
            probe = Replayer()
            for line in script[:-2]:
                probe.step(encode_line(line))
            answer = json.loads(probe.step(encode_line(script[-2])))
            verdict = "allowed" if answer["status"] < 400 else "refused"  # noqa: PLR2004
            b.add(
                "lifecycle",
                f"{status.value}.{op}",
                f"{op} on a {status.value} invoice is {verdict}",
                script,
                [f"status:{status.value}", f"operation:{op}", f"cell:{status.value}:{op}", verdict],
            )


def _expiry(b: _Builder) -> None:
    expire = T0 + 2000
    for offset, label in ((-1, "before"), (0, "at"), (1, "after")):
        at = expire + offset
        for op in ("fetch", "payment-part", "payment-full", "cancel", "update", "notify-email"):
            for start, prefix in (("issued", []), ("partially_paid", [_pay(T0 + 10, 300)])):
                script = [_issued(expire_by=expire), *prefix, _operation(op, at)]
                b.add(
                    "expiry",
                    f"{start}.{op}.{label}",
                    f"{op} on a {start} invoice at expire_by {offset:+d}: "
                    + (
                        "partially_paid invoices never expire" if prefix else "expires at expire_by"
                    ),
                    script,
                    ["expiry", f"status:{start}", f"operation:{op}"],
                )
    b.add(
        "expiry",
        "list-sweeps",
        "a fetch of the list expires due invoices first",
        [_issued(expire_by=expire), _issued(at=T0 + 1, receipt="R2"), _call(expire, "GET", INV)],
        ["expiry"],
    )
    b.add(
        "expiry",
        "expire-by-too-soon",
        "expire_by less than 15 minutes ahead is refused",
        [_issued(expire_by=T0 + limits.MIN_EXPIRY_SECONDS - 1)],
        ["expiry", "limits"],
    )
    b.add(
        "expiry",
        "expire-by-min",
        "expire_by exactly 15 minutes ahead is accepted",
        [_issued(expire_by=T0 + limits.MIN_EXPIRY_SECONDS)],
        ["expiry", "limits"],
    )
    b.add(
        "expiry",
        "clock-back",
        "a clock that goes back is refused for that line",
        [_draft(at=T0 + 10), _call(T0, "GET", INV)],
        ["expiry", "malformed"],
    )


def _statuses_views(b: _Builder) -> None:
    """Every status fetched and listed: the entity as each status writes it."""
    for status, setup in SETUPS.items():
        b.add(
            "query",
            f"fetch.{status.value}",
            f"fetch a {status.value} invoice",
            [*setup(), _call(T0 + 5000, "GET", f"{INV}/{ID1}")],
            [f"status:{status.value}"],
        )
        b.add(
            "query",
            f"list.{status.value}",
            f"list with a {status.value} invoice",
            [*setup(), _call(T0 + 5000, "GET", INV)],
            [f"status:{status.value}"],
        )


def _create(b: _Builder) -> None:
    b.add("create", "draft", "a minimal draft", [_draft()])
    b.add("create", "issued", "an issued invoice with a customer object", [_issued()])
    b.add(
        "create",
        "no-draft-no-customer",
        "issuing without a customer is refused",
        [_call(T0, "POST", INV, {"type": "invoice", "line_items": [BOOK]})],
    )
    b.add(
        "create",
        "customer-id",
        "an invoice naming a customer of the directory",
        [
            _call(T0, "POST", "/v1/customers", CUSTOMER),
            _call(
                T0 + 1,
                "POST",
                INV,
                {"type": "invoice", "customer_id": "cust_00000000000001", "line_items": [BOOK]},
            ),
        ],
    )
    b.add(
        "create",
        "unknown-customer-id",
        "an unknown customer_id",
        [
            _call(
                T0,
                "POST",
                INV,
                {"type": "invoice", "customer_id": "cust_00000000000009", "line_items": [BOOK]},
            )
        ],
    )
    b.add(
        "create",
        "item-id",
        "a line item from the item directory",
        [
            _call(T0, "POST", "/v1/items", {"name": "Pen", "amount": 500}),
            _draft(at=T0 + 1, line_items=[{"item_id": "item_00000000000001", "quantity": 3}]),
        ],
    )
    b.add(
        "create",
        "inactive-item",
        "an inactive item cannot be used",
        [
            _call(T0, "POST", "/v1/items", {"name": "Pen", "amount": 500, "active": False}),
            _draft(at=T0 + 1, line_items=[{"item_id": "item_00000000000001"}]),
        ],
    )
    b.add(
        "create",
        "unknown-item",
        "an unknown item_id",
        [_draft(line_items=[{"item_id": "item_00000000000009"}])],
    )
    b.add(
        "create",
        "invoice-number",
        "invoice_number is read as receipt",
        [_draft(invoice_number="INV-1")],
    )
    b.add(
        "create",
        "everything",
        "every optional key of a create",
        [
            _issued(
                description="d",
                terms="t",
                comment="c",
                notes={"a": "b", "n": 1},
                receipt="R-1",
                currency="INR",
                date=T0,
                expire_by=T0 + 10000,
                sms_notify=False,
                email_notify=False,
                billing_start=T0,
                billing_end=T0 + 100,
                idempotency_key="k1",
            )
        ],
    )
    b.add(
        "create",
        "notes-floats",
        "notes keep numbers as JSON numbers (floats in exponent form)",
        [_draft(notes={"a": 0.1, "b": 1e16, "c": 1e-7, "d": 10**15, "e": True, "f": None})],
    )
    b.add(
        "create",
        "escaping",
        "U+0085, U+2028, U+2029 and a lone surrogate are escaped",
        [_draft(description="a\x85b\u2028c\u2029d\ud800e", notes={"k": "\u00e9\u20b9"})],
    )
    b.add(
        "create",
        "short-urls",
        "short URLs of three issued invoices",
        [_issued(), _issued(at=T0 + 1), _issued(at=T0 + 2)],
    )
    b.add("create", "body-not-object", "the body must be an object", [_call(T0, "POST", INV, [1])])
    b.add("create", "no-body", "a create without a body", [_call(T0, "POST", INV)])
    for country in ("India", "india", "IN", "United States", "in", "Atlantis"):
        addr = {
            "line1": "1 Road",
            "city": "Pune",
            "state": "MH",
            "zipcode": "411001",
            "country": country,
        }
        b.add(
            "customers",
            f"country.{country}",
            f"the country {country!r} as an address writes it",
            [_call(T0, "POST", "/v1/customers", {"name": "G", "billing_address": addr})],
            ["country"],
        )
        b.add(
            "create",
            f"country.{country}",
            f"the country {country!r} in an invoice's customer",
            [_issued(customer={"name": "G", "email": "g@example.com", "shipping_address": addr})],
            ["country"],
        )


def _update(b: _Builder) -> None:
    here = f"{INV}/{ID1}"
    b.add(
        "update",
        "unknown-invoice",
        "update of an unknown id",
        [_call(T0, "PATCH", f"{INV}/inv_00000000000009", {"description": "x"})],
    )
    b.add(
        "update",
        "unset-customer",
        "customer_id null unsets the customer",
        [_draft(customer=CUSTOMER), _call(T0 + 1, "PATCH", here, {"customer_id": None})],
    )
    b.add(
        "update",
        "issue-by-update",
        'draft "0" issues the invoice',
        [_draft(customer=CUSTOMER), _call(T0 + 1, "PATCH", here, {"draft": "0"})],
    )
    b.add(
        "update",
        "issued-keys",
        "an issued invoice refuses keys only drafts accept",
        [_issued(), _call(T0 + 1, "PATCH", here, {"line_items": [BOOK], "currency": "INR"})],
    )
    b.add(
        "update",
        "issued-allowed",
        "an issued invoice accepts its own keys",
        [
            _issued(),
            _call(
                T0 + 1,
                "PATCH",
                here,
                {"notes": {"a": "b"}, "expire_by": T0 + 5000, "partial_payment": False},
            ),
        ],
    )
    b.add(
        "line-items",
        "keep-edit-add",
        "keep one line with a new quantity, add one",
        [
            _draft(),
            _call(
                T0 + 1,
                "PATCH",
                here,
                {"line_items": [{"id": LI1, "quantity": 2}, {"name": "Pen", "amount": 500}]},
            ),
        ],
    )
    b.add(
        "line-items",
        "drop-all-but-new",
        "lines not named are removed",
        [_draft(), _call(T0 + 1, "PATCH", here, {"line_items": [{"name": "Pen", "amount": 500}]})],
    )
    b.add(
        "line-items",
        "unknown-id",
        "an element naming a line item the invoice lacks",
        [_draft(), _call(T0 + 1, "PATCH", here, {"line_items": [{"id": "li_00000000000009"}]})],
    )
    b.add(
        "line-items",
        "currency-mismatch",
        "line items in another currency",
        [_draft(currency="INR", line_items=[{"name": "A", "amount": 1000, "currency": "USD"}])],
    )
    b.add(
        "line-items",
        "taxes",
        "line items with taxes",
        [
            _draft(
                line_items=[
                    {"name": "A", "amount": 1000, "taxes": [{"name": "GST", "rate": 1800}]},
                    {"name": "B", "amount": 999, "tax_rate": 500},
                ]
            )
        ],
    )
    b.add(
        "line-items",
        "taxes-exceed",
        "taxes of a tax inclusive line that leave nothing",
        [
            _draft(
                currency="JPY",
                line_items=[
                    {
                        "name": "A",
                        "amount": 1,
                        "currency": "JPY",
                        "tax_inclusive": True,
                        "taxes": [{"name": "GST", "rate": 10000}] * 10,
                    }
                ],
            )
        ],
    )
    b.add(
        "line-items",
        "hsn-and-sac",
        "both hsn_code and sac_code",
        [_draft(line_items=[{"name": "A", "amount": 1000, "hsn_code": "1", "sac_code": "2"}])],
    )
    b.add(
        "line-items",
        "unit-amount",
        "unit_amount is read as amount",
        [_draft(line_items=[{"name": "A", "unit_amount": 1000}])],
    )
    over = [dict(BOOK) for _ in range(limits.MAX_LINE_ITEMS)]
    b.add(
        "line-items",
        "merged-too-many",
        "adding past 50 by update",
        [
            _draft(line_items=over),
            _call(
                T0 + 1,
                "PATCH",
                here,
                {"line_items": [*[{"id": f"li_{n:014d}"} for n in range(1, 51)], BOOK]},
            ),
        ],
        ["limits", "limit:MAX_LINE_ITEMS"],
    )


def _payments(b: _Builder) -> None:
    b.add(
        "payments",
        "captured-on-another-invoice",
        "a payment id is captured once in the whole book",
        [
            _issued(),
            _issued(at=T0 + 1),
            _pay(T0 + 2, 400),
            _pay(T0 + 3, 400, inv="inv_00000000000002"),
        ],
    )
    b.add("payments", "full", "a full payment", [_issued(), _pay(T0 + 1, 1000)])
    b.add(
        "payments",
        "parts",
        "two partial payments",
        [_issued(), _pay(T0 + 1, 400), _pay(T0 + 2, 600, "pay_00000000000002")],
    )
    b.add("payments", "over", "more than the amount due", [_issued(), _pay(T0 + 1, 1001)])
    b.add(
        "payments",
        "partial-not-allowed",
        "a partial payment without partial_payment",
        [_issued(partial_payment=False), _pay(T0 + 1, 400)],
    )
    b.add(
        "payments",
        "captured-twice",
        "the same payment id twice",
        [_issued(), _pay(T0 + 1, 400), _pay(T0 + 2, 400)],
    )
    b.add("payments", "unknown", "a payment on an unknown invoice", [_pay(T0, 100)])
    b.add(
        "payments",
        "max-amount",
        "an invoice above the maximum amount",
        [_issued(line_items=[{"name": "A", "amount": limits.MAX_AMOUNT, "quantity": 2}])],
    )


def _idempotency(b: _Builder) -> None:
    b.add(
        "idempotency",
        "same-key",
        "the same key twice returns the first invoice",
        [_draft(idempotency_key="k"), _draft(at=T0 + 1, idempotency_key="k")],
        ["idempotency"],
    )
    b.add(
        "idempotency",
        "same-key-other-body",
        "the same key with another body still returns the first",
        [_draft(idempotency_key="k"), _draft(at=T0 + 1, idempotency_key="k", description="x")],
        ["idempotency"],
    )
    b.add(
        "idempotency",
        "other-keys",
        "two keys make two invoices",
        [_draft(idempotency_key="a"), _draft(at=T0 + 1, idempotency_key="b")],
        ["idempotency"],
    )
    b.add(
        "idempotency",
        "failed-first",
        "a failed create does not claim the key",
        [_draft(idempotency_key="k", receipt=1), _draft(at=T0 + 1, idempotency_key="k")],
        ["idempotency"],
    )
    b.add(
        "idempotency",
        "after-delete",
        "the key of a deleted invoice",
        [
            _draft(idempotency_key="k"),
            _call(T0 + 1, "DELETE", f"{INV}/{ID1}"),
            _draft(at=T0 + 2, idempotency_key="k"),
        ],
        ["idempotency"],
    )


def _receipts(b: _Builder) -> None:
    for status, setup in SETUPS.items():
        script = [*setup(), _draft(at=T0 + 5000, receipt="R-1")]
        first = script[0]
        first["body"]["receipt"] = "R-1"
        b.add(
            "receipts",
            f"reuse-after-{status.value}",
            f"a receipt of a {status.value} invoice reused",
            script,
            ["receipts", f"status:{status.value}"],
        )
    b.add(
        "receipts",
        "update-duplicate",
        "an update to a receipt in use",
        [
            _draft(receipt="A"),
            _draft(at=T0 + 1, receipt="B"),
            _call(T0 + 2, "PATCH", f"{INV}/inv_00000000000002", {"receipt": "A"}),
        ],
        ["receipts"],
    )
    b.add(
        "receipts",
        "filter",
        "fetch by receipt",
        [
            _draft(receipt="A"),
            _draft(at=T0 + 1, receipt="B"),
            _call(T0 + 2, "GET", INV, query={"receipt": "B"}),
        ],
        ["receipts"],
    )


def _notifications(b: _Builder) -> None:
    here = f"{INV}/{ID1}"
    for medium in ("sms", "email", "whatsapp", "SMS"):
        b.add(
            "notifications",
            f"notify.{medium}",
            f"notify by {medium}",
            [_issued(), _call(T0 + 1, "POST", f"{here}/notify_by/{medium}")],
            ["notifications"],
        )
        b.add(
            "notifications",
            f"sent.{medium}",
            f"the simulator marks {medium} sent",
            [_issued(), _call(T0 + 1, "POST", f"/sim/invoices/{ID1}/notifications/{medium}/sent")],
            ["notifications"],
        )
        b.add(
            "notifications",
            f"sent-twice.{medium}",
            f"{medium} marked sent twice",
            [
                _issued(),
                _call(T0 + 1, "POST", f"/sim/invoices/{ID1}/notifications/{medium}/sent"),
                _call(T0 + 2, "POST", f"/sim/invoices/{ID1}/notifications/{medium}/sent"),
            ],
            ["notifications"],
        )
    b.add(
        "notifications",
        "no-contact",
        "sms to a customer without a contact",
        [
            _issued(customer={"name": "G", "email": "g@example.com"}),
            _call(T0 + 1, "POST", f"{here}/notify_by/sms"),
        ],
        ["notifications"],
    )
    b.add(
        "notifications",
        "no-email",
        "email to a customer without an email",
        [
            _issued(customer={"name": "G", "contact": "+919000090000"}),
            _call(T0 + 1, "POST", f"{here}/notify_by/email"),
        ],
        ["notifications"],
    )
    b.add(
        "notifications",
        "opted-out",
        "notify flags off, then notify",
        [
            _issued(sms_notify=False, email_notify=False),
            _call(T0 + 1, "POST", f"/sim/invoices/{ID1}/notifications/sms/sent"),
            _call(T0 + 2, "POST", f"{here}/notify_by/sms"),
        ],
        ["notifications"],
    )


_MALFORMED: Final = (
    ("not-json", "a line that is not JSON", "not json"),
    ("array", "a JSON array", "[1, 2]"),
    ("number", "a JSON number", "42"),
    ("string", "a JSON string", '"hello"'),
    ("null", "JSON null", "null"),
    ("nan", "NaN is not JSON", '{"at": NaN, "method": "GET", "path": "/v1/invoices"}'),
    (
        "infinity",
        "Infinity is not JSON",
        '{"at": Infinity, "method": "GET", "path": "/v1/invoices"}',
    ),
    ("truncated", "a truncated object", '{"at": 1700000000, "method": "GET"'),
    ("no-at", "a line without at", '{"method": "GET", "path": "/v1/invoices"}'),
    ("no-method", "a line without method", '{"at": 1700000000, "path": "/v1/invoices"}'),
    ("no-path", "a line without path", '{"at": 1700000000, "method": "GET"}'),
    (
        "extra-key",
        "a line with an unknown key",
        '{"at": 1700000000, "method": "GET", "path": "/v1/invoices", "x": 1}',
    ),
    (
        "at-string",
        "at as a string",
        '{"at": "1700000000", "method": "GET", "path": "/v1/invoices"}',
    ),
    ("at-float", "at as a float", '{"at": 1700000000.5, "method": "GET", "path": "/v1/invoices"}'),
    ("at-bool", "at as a boolean", '{"at": true, "method": "GET", "path": "/v1/invoices"}'),
    ("at-negative", "a negative at", '{"at": -1, "method": "GET", "path": "/v1/invoices"}'),
    (
        "method-number",
        "method as a number",
        '{"at": 1700000000, "method": 1, "path": "/v1/invoices"}',
    ),
    ("path-null", "path as null", '{"at": 1700000000, "method": "GET", "path": null}'),
    (
        "unknown-path",
        "an unknown path",
        '{"at": 1700000000, "method": "GET", "path": "/v1/nothing"}',
    ),
    (
        "unknown-method",
        "an unknown method",
        '{"at": 1700000000, "method": "PUT", "path": "/v1/invoices"}',
    ),
    (
        "lowercase-method",
        "a lowercase method",
        '{"at": 1700000000, "method": "get", "path": "/v1/invoices"}',
    ),
    (
        "trailing-slash",
        "a trailing slash",
        '{"at": 1700000000, "method": "GET", "path": "/v1/invoices/"}',
    ),
    (
        "query-not-object",
        "a query that is not an object",
        '{"at": 1700000000, "method": "GET", "path": "/v1/invoices", "query": [1]}',
    ),
    (
        "comment",
        "a comment is ignored",
        '{"comment": "hi", "at": 1700000000, "method": "GET", "path": "/v1/invoices"}',
    ),
    (
        "duplicate-key",
        "a duplicated key: the last wins",
        '{"at": 1, "at": 1700000000, "method": "GET", "path": "/v1/invoices"}',
    ),
    (
        "deep",
        "deeply nested JSON",
        '{"at": 1700000000, "method": "POST", "path": "/v1/invoices", "body": '
        + "[" * 5000
        + "]" * 5000
        + "}",
    ),
    ("blank-lines", "blank lines get no response", "   "),
    (
        "unicode-escape",
        "escaped characters in a path",
        '{"at": 1700000000, "method": "GET", "path": "/v1/invoices/inv_\\u0000"}',
    ),
)


def _malformed(b: _Builder) -> None:
    b.add(
        "malformed",
        "reset",
        "the reset line (protocol 1.1): a fresh book, the clock forgotten",
        [
            _draft(at=T0 + 100),
            '{"reset": true}',
            _call(T0, "GET", f"{INV}/{ID1}"),
            _draft(at=T0),
        ],
        ["reset"],
    )
    for name, description, line in _MALFORMED:
        b.add("malformed", name, description, [line, _call(T0 + 1, "GET", INV)], ["malformed"])
    b.add(
        "malformed",
        "reset-like",
        "a reset line with another key is an unknown-key line",
        ['{"reset": true, "at": 1700000000}', _call(T0 + 1, "GET", INV)],
        ["malformed"],
    )


def _rounding(b: _Builder) -> None:
    lines = [
        {"name": "A", "amount": 100, "quantity": 5},
        {"name": "B", "amount": 150, "quantity": 3},
    ]
    ten = {"name": "VAT", "rate": 1000}
    twenty = {"name": "Cess", "rate": 2000}
    for inclusive in (True, False):
        items = [
            {**lines[0], "taxes": [ten], "tax_inclusive": inclusive},
            {**lines[1], "taxes": [ten, twenty], "tax_inclusive": inclusive},
        ]
        kind = "inclusive" if inclusive else "exclusive"
        b.add(
            "rounding",
            f"worked-example.{kind}",
            f"the worked example of docs/amounts.md, tax {kind}",
            [_draft(line_items=items)],
            ["rounding"],
        )
    for amount in (1, 5, 15, 25, 35, 45, 105, 995, 1005):
        for rate in (500, 1250, 1800, 2500):
            for inclusive in (True, False):
                b.add(
                    "rounding",
                    f"half.{amount}.{rate}.{'incl' if inclusive else 'excl'}",
                    f"amount {amount} at {rate} basis points, tax "
                    + ("inclusive" if inclusive else "exclusive"),
                    [
                        _draft(
                            currency="JPY",
                            line_items=[
                                {
                                    "name": "A",
                                    "amount": amount,
                                    "currency": "JPY",
                                    "tax_inclusive": inclusive,
                                    "taxes": [{"name": "T", "rate": rate}],
                                }
                            ],
                        )
                    ],
                    ["rounding"],
                )
    b.add(
        "rounding",
        "flat-tax",
        "a flat tax",
        [
            _draft(
                line_items=[
                    {
                        "name": "A",
                        "amount": 1000,
                        "taxes": [{"name": "F", "rate": 33, "rate_type": "flat"}],
                    }
                ]
            )
        ],
        ["rounding"],
    )


def _currencies(b: _Builder) -> None:
    for code, currency in amounts.CURRENCIES.items():
        low = currency.minimum_amount
        for amount, label in (
            (low, "minimum"),
            (low - 1, "below-minimum"),
            (10**currency.exponent, "one-unit"),
        ):
            b.add(
                "currencies",
                f"{code}.{label}",
                f"{code} (exponent {currency.exponent}): amount {amount}",
                [
                    _draft(
                        currency=code,
                        line_items=[{"name": "A", "amount": amount, "currency": code}],
                    )
                ],
                ["currencies", f"currency:{code}"],
            )
        b.add(
            "currencies",
            f"{code}.item",
            f"an item in {code}",
            [_call(T0, "POST", "/v1/items", {"name": "A", "amount": low, "currency": code})],
            ["currencies", f"currency:{code}"],
        )
    b.add("currencies", "unknown", "an unknown currency", [_draft(currency="XYZ")], ["currencies"])


# --- the request tables: single faults, limits, check order ------------------


@attrs.frozen(kw_only=True)
class _Target:
    """How a table's body is sent: a base element and a script around it."""

    table: requests.Table
    area: str
    endpoint: str
    base: Mapping[str, Any]
    wrap: Callable[[dict[str, Any]], list[Any]]


def _targets() -> list[_Target]:
    here = f"{INV}/{ID1}"
    return [
        _Target(
            table=requests.CREATE_RULES,
            area="create",
            endpoint="create",
            base={"type": "invoice", "draft": "1", "line_items": [dict(BOOK)]},
            wrap=lambda body: [_call(T0, "POST", INV, body)],
        ),
        _Target(
            table=requests.UPDATE_RULES,
            area="update",
            endpoint="update",
            base={"description": "New"},
            wrap=lambda body: [_draft(), _call(T0 + 1, "PATCH", here, body)],
        ),
        _Target(
            table=requests.LINE_ITEM_RULES,
            area="line-items",
            endpoint="create",
            base=dict(BOOK),
            wrap=lambda body: [_draft(line_items=[body])],
        ),
        _Target(
            table=requests.LINE_ITEM_EDIT_RULES,
            area="line-items",
            endpoint="update",
            base={"id": LI1},
            wrap=lambda body: [_draft(), _call(T0 + 1, "PATCH", here, {"line_items": [body]})],
        ),
        _Target(
            table=requests.TAX_RULES,
            area="line-items",
            endpoint="create",
            base={"name": "GST", "rate": 1800},
            wrap=lambda body: [_draft(line_items=[{**BOOK, "taxes": [body]}])],
        ),
        _Target(
            table=requests.CUSTOMER_RULES,
            area="customers",
            endpoint="create",
            base={"name": "G"},
            wrap=lambda body: [_draft(customer=body)],
        ),
        _Target(
            table=requests.ADDRESS_RULES,
            area="customers",
            endpoint="create",
            base={"line1": "1 Road"},
            wrap=lambda body: [_draft(customer={"name": "G", "billing_address": body})],
        ),
        _Target(
            table=requests.CUSTOMER_CREATE_RULES,
            area="customers",
            endpoint="customer",
            base={"name": "G"},
            wrap=lambda body: [_call(T0, "POST", "/v1/customers", body)],
        ),
        _Target(
            table=requests.PAYMENT_RULES,
            area="payments",
            endpoint="payment",
            base={"amount": 100, "payment_id": "pay_1"},
            wrap=lambda body: [
                _issued(),
                _call(T0 + 1, "POST", f"/sim/invoices/{ID1}/payments", body),
            ],
        ),
        _Target(
            table=requests.FETCH_QUERY_RULES,
            area="query",
            endpoint="list",
            base={},
            wrap=lambda body: [_draft(), _call(T0 + 1, "GET", INV, query=body)],
        ),
        _Target(
            table=requests.FETCH_BY_ID_QUERY_RULES,
            area="query",
            endpoint="fetch",
            base={},
            wrap=lambda body: [_draft(), _call(T0 + 1, "GET", here, query=body)],
        ),
        _Target(
            table=requests.ITEM_RULES,
            area="items",
            endpoint="item",
            base={"name": "Pen", "amount": 500},
            wrap=lambda body: [_call(T0, "POST", "/v1/items", body)],
        ),
    ]


def _candidates(rule: requests.Rule) -> list[object]:
    values: list[object] = []
    for name, limit in rule.limits.items():
        if not isinstance(limit, int) or isinstance(limit, bool):
            continue
        if "length" in name and name.startswith("max"):
            values.append("x" * (limit + 1))
        elif name.startswith("min_length"):
            values.append("x" * max(limit - 1, 0))
        elif name.startswith("max_items"):
            values.append([{}] * (limit + 1))
        elif name.startswith("max_keys"):
            values.append({f"k{n}": "v" for n in range(limit + 1)})
        elif name.startswith("max"):
            values.append(limit + 1)
        elif name.startswith("min"):
            values.append(limit - 1)
    values += [
        12345,
        "abc",
        True,
        -1,
        1.5,
        "",
        [],
        [1],
        {"a": 1},
        {"a": [1]},
        "zz_nothing_00000000000009",
        "\u00e9\x07",
        {"k" * 256: "v"},
        {"k": "v" * 513},
        None,
        " ",
        "12",
        0,
    ]
    return values


def _error_of(responses: Sequence[Any]) -> tuple[str, str | None] | None:
    last = responses[-1]
    if last["status"] < 400:  # noqa: PLR2004
        return None
    error = last["body"]["error"]
    return str(error["description"]), error["field"]


def _run(script: Sequence[Any]) -> list[Any]:
    """The script's responses from a fresh reference replay (raw strings sent as they are)."""
    replayer = Replayer()
    texts = (line if isinstance(line, str) else encode_line(line) for line in script)
    return [json.loads(replayer.step(text)) for text in texts if text.strip()]


def _fault_key(rule: requests.Rule) -> str | None:
    if rule.kind == "extra_keys":
        return None
    return rule.key if rule.key is not None else rule.name.split(" + ")[0]


_Fault = tuple[requests.Rule, Callable[[dict[str, Any]], None], str, Any, list[Any]]


def _faults(target: _Target) -> list[_Fault]:
    """Per rule, every distinct error a single fault gives: (rule, fault, label, error, replies)."""
    found: list[_Fault] = []
    base_error = _error_of(_run(target.wrap(dict(target.base))))
    for rule in target.table.rules:
        seen: set[object] = {base_error}
        options: list[tuple[Callable[[dict[str, Any]], None], str]] = []
        if rule.kind == "extra_keys":
            options.append((_setter("zz_extra", 1), "extra key"))
        elif rule.kind in {"required", "required_without", "required_if_sent"}:
            keys = rule.name.split(" + ")

            def drop(body: dict[str, Any], keys: list[str] = keys) -> None:
                for key in keys:
                    body.pop(key, None)

            options.append((drop, f"without {rule.name}"))
            options.extend((_setter(key, None), f"{key} null") for key in keys)
        key = _fault_key(rule)
        if key is not None and rule.kind not in {"required", "required_without"}:
            for value in _candidates(rule):
                label = f"{key}={_cut(encode_line(value), 40)}"
                options.append((_setter(key, value), label))
        for fault, label in options:
            body = dict(target.base)
            fault(body)
            replies = _run(target.wrap(body))
            error = _error_of(replies)
            if error is None or error in seen:
                continue
            seen.add(error)
            found.append((rule, fault, label, error, replies))
    return found


def _setter(key: str, value: object) -> Callable[[dict[str, Any]], None]:
    def fault(body: dict[str, Any]) -> None:
        body[key] = value

    return fault


@functools.cache
def _pair_tags() -> frozenset[str]:
    """Every check pair whose order shows: found by running the faults (cached, pure)."""
    return frozenset(_tables(_Builder()))


def _limit_names() -> list[str]:
    return [
        name for name in limits.__all__ if name.isupper() and isinstance(getattr(limits, name), int)
    ]


def _rule_fields() -> set[tuple[str, object]]:
    wanted: set[tuple[str, object]] = set()
    for table in requests.TABLES:
        for rule in table.rules:
            for error in rule.errors:
                if error.code in EXCLUDED_MESSAGES or "<" in error.field or not error.field:
                    continue
                field = (
                    error.field
                    if error.field.startswith(("line_items", "customer_id"))
                    else (table.path.replace("[i]", "[0]").replace("[j]", "[0]") + error.field)
                )
                wanted.add((error.code, field.replace("[i]", "[0]").replace("[j]", "[0]")))
    return wanted


def _tables(b: _Builder) -> list[str]:
    pairs: list[str] = []
    for target in _targets():
        table = target.table
        faults = _faults(target)
        firsts: dict[int, tuple[Callable[[dict[str, Any]], None], str, Any]] = {}
        for rule, fault, label, error, replies in faults:
            index = table.rules.index(rule)
            firsts.setdefault(index, (fault, label, error))
            body = dict(target.base)
            fault(body)
            b.add(
                target.area,
                f"{table.name}.{rule.name}.{label}",
                f"{table.title}: {rule.name} ({rule.kind}) with {label}",
                target.wrap(body),
                [f"table:{table.name}", f"rule:{rule.name}", f"kind:{rule.kind}", "error"],
                replayed=replies,
            )
        for (i, (fault_a, label_a, error_a)), (
            j,
            (fault_b, label_b, error_b),
        ) in itertools.combinations(sorted(firsts.items()), 2):
            if error_a == error_b:
                continue
            body = dict(target.base)
            fault_a(body)
            fault_b(body)
            rule_a, rule_b = table.rules[i], table.rules[j]
            pair = f"pair:{table.name}:{i}:{j}"
            responses = _run(target.wrap(body))
            got = _error_of(responses)
            if got not in {error_a, error_b}:
                continue  # the faults interfere (one undoes the other): no order to show
            pairs.append(pair)
            b.add(
                "check-order",
                f"{table.name}.{i}-{rule_a.name}.{j}-{rule_b.name}",
                f"{table.title}: {rule_a.name} ({label_a}) and {rule_b.name} ({label_b}); "
                f"{'the first' if got == error_a else 'the second'} is reported",
                target.wrap(body),
                [
                    "check-order",
                    pair,
                    f"table:{table.name}",
                    f"rule:{rule_a.name}",
                    f"rule:{rule_b.name}",
                ],
                replayed=responses,
            )
    return pairs


def _limits(b: _Builder) -> None:  # noqa: C901, PLR0912 - one loop per limit family
    """Every limit of the request tables at its boundary and one past; named limits tagged."""
    by_value: dict[tuple[str, int], list[str]] = {}
    for name in _limit_names():
        by_value.setdefault(("", getattr(limits, name)), []).append(name)
    for target in _targets():
        for rule in target.table.rules:
            key = _fault_key(rule)
            if key is None:
                continue
            for lname, limit in rule.limits.items():
                if not isinstance(limit, int) or isinstance(limit, bool):
                    continue
                named = by_value.get(("", limit), [])
                values: list[tuple[str, object]]
                if "length" in lname:
                    delta = 1 if lname.startswith("max") else -1
                    values = [("at", "x" * limit), ("past", "x" * max(limit + delta, 0))]
                elif "items" in lname:
                    item = target.base.get(key, [{}])
                    element = item[0] if isinstance(item, list) and item else dict(BOOK)
                    delta = 1 if lname.startswith("max") else -1
                    values = [
                        ("at", [element] * limit),
                        ("past", [element] * max(limit + delta, 0)),
                    ]
                elif "keys" in lname:
                    values = [
                        ("at", {f"k{n}": "v" for n in range(limit)}),
                        ("past", {f"k{n}": "v" for n in range(limit + 1)}),
                    ]
                else:
                    delta = 1 if lname.startswith("max") else -1
                    values = [("at", limit), ("past", limit + delta)]
                for label, value in values:
                    body = dict(target.base)
                    body[key] = value
                    b.add(
                        "limits",
                        f"{target.table.name}.{key}.{lname}.{label}",
                        f"{target.table.title}: {key} {label} {lname} {limit}",
                        target.wrap(body),
                        ["limits", f"table:{target.table.name}", *(f"limit:{n}" for n in named)],
                    )
    here = f"{INV}/{ID1}"
    notes_cases = [
        (
            "MAX_NOTES",
            {f"k{n}": "v" for n in range(limits.MAX_NOTES)},
            {f"k{n}": "v" for n in range(limits.MAX_NOTES + 1)},
        ),
        (
            "MAX_NOTES_KEY_LENGTH",
            {"k" * limits.MAX_NOTES_KEY_LENGTH: "v"},
            {"k" * (limits.MAX_NOTES_KEY_LENGTH + 1): "v"},
        ),
        (
            "MAX_NOTES_VALUE_LENGTH",
            {"k": "v" * limits.MAX_NOTES_VALUE_LENGTH},
            {"k": "v" * (limits.MAX_NOTES_VALUE_LENGTH + 1)},
        ),
    ]
    for name, at, past in notes_cases:
        for label, value in (("at", at), ("past", past)):
            b.add(
                "limits",
                f"notes.{name}.{label}",
                f"notes {label} {name}",
                [_draft(notes=value)],
                ["limits", f"limit:{name}"],
            )
    extra = {f"x{n:02d}": 1 for n in range(limits.MAX_EXTRA_KEYS_LISTED + 1)}
    b.add(
        "limits",
        "extra.MAX_EXTRA_KEYS_LISTED.past",
        "17 unknown keys: 16 listed, then ', ...'",
        [_draft(**extra)],
        ["limits", "limit:MAX_EXTRA_KEYS_LISTED"],
    )
    exact = {f"x{n:02d}": 1 for n in range(limits.MAX_EXTRA_KEYS_LISTED)}
    b.add(
        "limits",
        "extra.MAX_EXTRA_KEYS_LISTED.at",
        "16 unknown keys: all listed",
        [_draft(**exact)],
        ["limits", "limit:MAX_EXTRA_KEYS_LISTED"],
    )
    for label, size in (
        ("at", limits.MAX_EXTRA_KEY_LENGTH),
        ("past", limits.MAX_EXTRA_KEY_LENGTH + 1),
    ):
        b.add(
            "limits",
            f"extra.MAX_EXTRA_KEY_LENGTH.{label}",
            f"an unknown key of {size} characters",
            [_draft(**{"y" * size: 1})],
            ["limits", "limit:MAX_EXTRA_KEY_LENGTH"],
        )
    for label, count in (("at", limits.FETCH_MAX_COUNT), ("past", limits.FETCH_MAX_COUNT + 1)):
        b.add(
            "limits",
            f"fetch.count.{label}",
            f"count {count}",
            [_call(T0, "GET", INV, query={"count": count})],
            ["limits", "limit:FETCH_MAX_COUNT"],
        )
    b.add(
        "limits",
        "fetch.default-count",
        "eleven invoices, the default count of 10",
        [_draft(at=T0 + n) for n in range(limits.FETCH_DEFAULT_COUNT + 1)]
        + [_call(T0 + 99, "GET", INV)],
        ["limits", "limit:FETCH_DEFAULT_COUNT"],
    )
    for label, digits in (
        ("at", limits.MAX_QUERY_INTEGER_DIGITS),
        ("past", limits.MAX_QUERY_INTEGER_DIGITS + 1),
    ):
        b.add(
            "limits",
            f"fetch.digits.{label}",
            f"a query integer of {digits} digits",
            [_call(T0, "GET", INV, query={"skip": "0" * (digits - 1) + "1"})],
            ["limits", "limit:MAX_QUERY_INTEGER_DIGITS"],
        )
    for label, seconds in (
        ("at", limits.MIN_EXPIRY_SECONDS),
        ("past", limits.MIN_EXPIRY_SECONDS - 1),
    ):
        b.add(
            "limits",
            f"expiry.MIN_EXPIRY_SECONDS.{label}",
            f"expire_by {seconds} seconds ahead",
            [_issued(expire_by=T0 + seconds)],
            ["limits", "limit:MIN_EXPIRY_SECONDS"],
        )
    for label, amount in (("at", limits.MAX_AMOUNT), ("past", limits.MAX_AMOUNT + 1)):
        b.add(
            "limits",
            f"amount.MAX_AMOUNT.{label}",
            f"a line amount of {amount}",
            [_draft(line_items=[{"name": "A", "amount": amount}])],
            ["limits", "limit:MAX_AMOUNT"],
        )
    for label, quantity in (("at", limits.MAX_QUANTITY), ("past", limits.MAX_QUANTITY + 1)):
        b.add(
            "limits",
            f"quantity.MAX_QUANTITY.{label}",
            f"a quantity of {quantity}",
            [_draft(line_items=[{"name": "A", "amount": 1, "quantity": quantity}])],
            ["limits", "limit:MAX_QUANTITY"],
        )
    for label, count in (("at", limits.MAX_TAXES), ("past", limits.MAX_TAXES + 1)):
        b.add(
            "limits",
            f"taxes.MAX_TAXES.{label}",
            f"{count} taxes on a line",
            [_draft(line_items=[{**BOOK, "taxes": [{"name": "T", "rate": 1}] * count}])],
            ["limits", "limit:MAX_TAXES"],
        )
    for label, count in (("at", limits.MAX_LINE_ITEMS), ("past", limits.MAX_LINE_ITEMS + 1)):
        b.add(
            "limits",
            f"line-items.MAX_LINE_ITEMS.{label}",
            f"{count} line items",
            [_draft(line_items=[BOOK] * count)],
            ["limits", "limit:MAX_LINE_ITEMS"],
        )
    for label, size in (
        ("at", limits.MAX_PAYMENT_ID_LENGTH),
        ("past", limits.MAX_PAYMENT_ID_LENGTH + 1),
    ):
        b.add(
            "limits",
            f"payment.MAX_PAYMENT_ID_LENGTH.{label}",
            f"a payment id of {size} characters",
            [_issued(), _pay(T0 + 1, 100, "p" * size)],
            ["limits", "limit:MAX_PAYMENT_ID_LENGTH"],
        )
    del here


def _messages(b: _Builder, done: Iterable[Case]) -> None:
    """Whatever message the other areas missed, written out on purpose."""
    b.add("messages", "url-not-found", "an unknown path", [_call(T0, "GET", "/v1/payments")])
    b.add(
        "messages",
        "clock-went-back",
        "the clock went back",
        [_call(T0 + 5, "GET", INV), _call(T0, "GET", INV)],
    )
    b.add(
        "messages",
        "not-a-valid-type",
        "a create of another type",
        [_call(T0, "POST", INV, {"type": "link", "line_items": [BOOK]})],
    )
    b.add(
        "messages",
        "amount-for-invoice",
        "amount on a create",
        [_call(T0, "POST", INV, {"type": "invoice", "amount": 100})],
    )
    b.add(
        "messages",
        "either-customer",
        "customer and customer_id both",
        [_draft(customer=CUSTOMER, customer_id="cust_1")],
    )
    b.add(
        "messages",
        "items-are-line-items",
        "a directory item is always a line item (ITEM_WRONG_TYPE cannot happen in a replay)",
        [
            _call(T0, "POST", "/v1/items", {"name": "Pen", "amount": 500}),
            _draft(at=T0 + 1, line_items=[{"item_id": "item_00000000000001"}]),
        ],
    )
    b.add(
        "messages",
        "line-items-required",
        "issuing without line items",
        [_call(T0, "POST", INV, {"type": "invoice", "customer": CUSTOMER})],
    )
    b.add(
        "messages",
        "line-items-empty",
        "an empty line items list",
        [_call(T0, "POST", INV, {"type": "invoice", "draft": "1", "line_items": []})],
    )
    b.add(
        "messages",
        "not-payable-deleted",
        "a payment on a deleted invoice: the id is gone (not NOT_PAYABLE_DELETED)",
        [*SETUPS[Status.DELETED](), _pay(T0 + 20, 100)],
    )
    b.add(
        "messages",
        "amount-exceeds-max",
        "an invoice above the maximum payment amount",
        [_issued(line_items=[{"name": "A", "amount": limits.MAX_AMOUNT}] * 2)],
    )
    del done


def _endpoints(b: _Builder) -> None:
    b.add(
        "lifecycle",
        "all-endpoints",
        "every endpoint once",
        [
            _call(T0, "POST", "/v1/customers", CUSTOMER),
            _call(T0, "POST", "/v1/items", {"name": "Pen", "amount": 500}),
            _draft(customer_id="cust_00000000000001"),
            _call(
                T0 + 1,
                "PATCH",
                f"{INV}/{ID1}",
                {"line_items": [{"item_id": "item_00000000000001"}]},
            ),
            _call(T0 + 2, "POST", f"{INV}/{ID1}/issue"),
            _call(T0 + 3, "POST", f"{INV}/{ID1}/notify_by/email"),
            _call(T0 + 4, "POST", f"/sim/invoices/{ID1}/notifications/email/sent"),
            _pay(T0 + 5, 100),
            _call(T0 + 6, "GET", f"{INV}/{ID1}"),
            _call(T0 + 7, "GET", INV),
            _draft(at=T0 + 8),
            _call(T0 + 9, "DELETE", f"{INV}/inv_00000000000002"),
            _call(T0 + 10, "POST", f"{INV}/{ID1}/cancel"),
            _call(T0 + 11, "GET", "/v1/nowhere"),
        ],
    )


def _queries(b: _Builder) -> None:
    setup = [_draft(at=T0 + n, receipt=f"R{n}") for n in range(5)]
    for name, query in (
        ("count-2", {"count": "2"}),
        ("count-int", {"count": 2}),
        ("skip-3", {"skip": "3"}),
        ("from", {"from": T0 + 2}),
        ("to", {"to": T0 + 2}),
        ("from-to", {"from": T0 + 1, "to": T0 + 3}),
        ("type", {"type": "invoice"}),
        ("receipt", {"receipt": "R3"}),
        ("null", {"count": None}),
        ("payment", {"payment_id": "pay_x"}),
        ("customer", {"customer_id": "cust_x"}),
    ):
        b.add(
            "query",
            f"filter.{name}",
            f"list with {encode_line(query)}",
            [*setup, _call(T0 + 99, "GET", INV, query=query)],
            ["endpoint:list"],
        )


def generate() -> dict[str, list[Case]]:
    """Every area's cases, from the reference (pure: the same every run)."""
    b = _Builder()
    _create(b)
    _update(b)
    _payments(b)
    _queries(b)
    _lifecycle(b)
    _endpoints(b)
    _statuses_views(b)
    _expiry(b)
    _idempotency(b)
    _receipts(b)
    _notifications(b)
    _malformed(b)
    _rounding(b)
    _currencies(b)
    _tables(b)
    _limits(b)
    _messages(b, itertools.chain.from_iterable(b.cases.values()))
    return b.cases
