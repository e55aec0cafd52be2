"""The replay-script generator of the first release, kept as a floor for the benchmark.

Issue #12 asked for ``call_scripts()`` at twice this generator's rate, measured
side by side in one run; the library's generator is
``invoicecore.testing.scripts.call_scripts``. Not part of the package.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Final

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from invoicecore.testing.strategies import START, create_payloads

_STEPS: Final = (0, 1, 60, 900, 3600, 86_400)
"""Clock steps between calls; shrinks to 0."""


Line = Callable[[int], dict[str, Any]]
"""A script line still waiting for its clock: ``at -> line``."""

_INVOICE_NUMBERS: Final = st.sampled_from([1, 1, 1, 1, 2, 3, 5])
"""Mostly the first invoice, sometimes a later one or one never created."""


def _path(number: int) -> str:
    return f"/v1/invoices/inv_{number:014d}"


@st.composite
def _create_line(draw: st.DrawFn) -> Line:
    # Mostly small, issued, partially payable invoices whose customer can be
    # notified: scripts then reach payments, partial payments and expiry often.
    if draw(st.integers(0, 4)) == 0:
        body = draw(create_payloads(at=START))
        body.pop("expire_by", None)
        expire_in = draw(st.none() | st.sampled_from([900, 86_400]))
    else:
        body = {
            "line_items": [{"name": "Book", "amount": draw(st.sampled_from([1000, 2500, 5000]))}],
            "customer": {
                "name": "Asha Rao",
                "email": "asha@example.com",
                "contact": "+919000090000",
            },
            "partial_payment": draw(st.integers(0, 3)) > 0,
        }
        if draw(st.integers(0, 3)) == 0:
            body["draft"] = "1"
        expire_in = draw(st.none() | st.sampled_from([900, 3600, 86_400]))

    def line(at: int) -> dict[str, Any]:
        made = dict(body) if expire_in is None else {**body, "expire_by": at + expire_in}
        return {"at": at, "method": "POST", "path": "/v1/invoices", "body": made}

    return line


@st.composite
def _pay_line(draw: st.DrawFn) -> Line:
    path = _path(draw(_INVOICE_NUMBERS)).replace("/v1/", "/sim/") + "/payments"
    amount = draw(st.sampled_from([500, 1000, 2500, 100, 10**5]))
    body = {"amount": amount, "payment_id": f"pay_{draw(st.integers(1, 99)):014d}"}
    return lambda at: {"at": at, "method": "POST", "path": path, "body": body}


@st.composite
def _action_line(draw: st.DrawFn) -> Line:
    method, suffix = draw(
        st.sampled_from(
            [
                ("POST", "/cancel"),
                ("POST", "/issue"),
                ("GET", ""),
                ("DELETE", ""),
                ("POST", "/cancel"),
            ]
        )
    )
    path = _path(draw(_INVOICE_NUMBERS)) + suffix
    return lambda at: {"at": at, "method": method, "path": path}


@st.composite
def _update_line(draw: st.DrawFn) -> Line:
    path = _path(draw(_INVOICE_NUMBERS))
    body: dict[str, Any] = draw(
        st.sampled_from(
            [
                {"notes": {"k": "v"}},
                {"partial_payment": True},
                {"expire_by": 1000},
                {"draft": "0"},
                {"terms": "Net 7"},
            ]
        )
    )

    def line(at: int) -> dict[str, Any]:
        made = {**body, "expire_by": at + 1000} if "expire_by" in body else body
        return {"at": at, "method": "PATCH", "path": path, "body": made}

    return line


@st.composite
def _notification_line(draw: st.DrawFn) -> Line:
    number = draw(_INVOICE_NUMBERS)
    medium = draw(st.sampled_from(["sms", "email"]))
    if draw(st.booleans()):
        path = f"{_path(number)}/notify_by/{medium}"
    else:
        path = f"{_path(number).replace('/v1/', '/sim/')}/notifications/{medium}/sent"
    return lambda at: {"at": at, "method": "POST", "path": path}


@st.composite
def _list_line(draw: st.DrawFn) -> Line:
    optional = {"count": st.integers(0, 3), "skip": st.integers(0, 2)}
    query: dict[str, int] = draw(st.fixed_dictionaries({}, optional=optional))
    return lambda at: {"at": at, "method": "GET", "path": "/v1/invoices", "query": query}


@st.composite
def _invalid_line(draw: st.DrawFn) -> Line:
    line: dict[str, Any] = draw(
        st.sampled_from(
            [
                {"garbage": "{"},
                {"garbage": "[]"},
                {"method": "POST", "path": "/v1/invoice"},
                {"method": "POST", "path": "/v1/invoices", "body": {"draft": 1}},
            ]
        )
    )
    return lambda at: line if "garbage" in line else {"at": at, **line}


def _steps(*, invalid: bool) -> st.SearchStrategy[tuple[int, Line]]:
    kinds = [
        _create_line(),
        _pay_line(),
        _pay_line(),
        _action_line(),
        _action_line(),
        _update_line(),
        _notification_line(),
        _list_line(),
    ]
    if invalid:
        kinds.append(_invalid_line())
    return st.tuples(st.sampled_from(_STEPS), st.one_of(kinds))


def _build_script(first: Line, steps: list[tuple[int, Line]]) -> list[str]:
    at = START
    lines = [first(at)]
    for seconds, make in steps:
        at += seconds
        lines.append(make(at))
    return [line["garbage"] if "garbage" in line else json.dumps(line) for line in lines]


def call_scripts(*, max_calls: int = 12, invalid: bool = True) -> st.SearchStrategy[list[str]]:
    """Replay scripts: lists of JSON lines, the clock moving forward, valid and invalid calls mixed.

    Calls name the invoices the script created (``inv_00000000000001`` ...), so
    payments, cancellations and updates meet real invoices. ``invalid=False``
    leaves out malformed lines and unknown paths. The first call is always a
    create; the script shrinks to that one create.
    """
    limit: object = max_calls
    if type(limit) is not int or not 1 <= max_calls <= 1000:
        raise InvalidArgument(f"max_calls must be an int from 1 to 1000, got {max_calls!r}")
    if not isinstance(invalid, bool):
        raise InvalidArgument(f"invalid must be a bool, got {invalid!r}")
    steps = st.lists(_steps(invalid=invalid), max_size=max_calls - 1)
    return st.builds(_build_script, _create_line(), steps)
