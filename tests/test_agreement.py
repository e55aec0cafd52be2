"""The pure API, ``allowed_operations`` and the book agree at every moment around expiry.

A stateful test (issue #11): a book and a pure mirror of one invoice take the
same calls while the clock moves across ``expire_by``. At every step:

- ``allowed_operations(invoice, at)`` says exactly what each pure function does;
- the book answers a call as the pure function answers it on the invoice the
  book holds at that moment: the book sweeps first, so an issued invoice whose
  ``expire_by`` has come is expired (the pure ``expire``) before the call.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Final

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from invoicecore import (
    Invoice,
    InvoiceError,
    Medium,
    Operation,
    Status,
    allowed_operations,
    cancel,
    delete,
    expire,
    issue,
    mark_notification_sent,
    notify,
    pay,
    wire,
)
from invoicecore.replay import Replayer
from tests.helpers import heavy_examples, parse_and_update

if TYPE_CHECKING:
    from collections.abc import Callable

    from invoicecore.transitions import Outcome

T0: Final = 1_700_000_000
EXPIRE_BY: Final = T0 + 3600
PATH: Final = "/v1/invoices/inv_00000000000001"

Act = tuple[str, str, dict[str, Any] | None, Operation, Medium | None]
ACTS: Final[tuple[Act, ...]] = (
    ("PATCH", PATH, {"notes": {"k": "v"}}, Operation.UPDATE, None),
    ("POST", PATH + "/issue", None, Operation.ISSUE, None),
    ("POST", PATH + "/cancel", None, Operation.CANCEL, None),
    ("DELETE", PATH, None, Operation.DELETE, None),
    ("POST", PATH.replace("/v1/", "/sim/") + "/payments", {"amount": 100}, Operation.PAY, None),
    ("POST", PATH + "/notify_by/sms", None, Operation.NOTIFY, Medium.SMS),
    ("POST", PATH + "/notify_by/email", None, Operation.NOTIFY, Medium.EMAIL),
    (
        "POST",
        PATH.replace("/v1/", "/sim/") + "/notifications/sms/sent",
        None,
        Operation.MARK_NOTIFICATION_SENT,
        Medium.SMS,
    ),
    (
        "POST",
        PATH.replace("/v1/", "/sim/") + "/notifications/email/sent",
        None,
        Operation.MARK_NOTIFICATION_SENT,
        Medium.EMAIL,
    ),
)


def _pure(operation: Operation, medium: Medium | None, payment: int) -> Callable[..., Outcome]:
    """The pure call that stands for one act, as ``f(invoice, at)``."""
    calls: dict[Operation, Callable[[Invoice, int], Outcome]] = {
        Operation.UPDATE: lambda i, at: parse_and_update(i, {"notes": {"k": "v"}}, at=at),
        Operation.ISSUE: lambda i, at: issue(i, at=at, order_id="order_x", short_url="u"),
        Operation.CANCEL: lambda i, at: cancel(i, at=at),
        Operation.DELETE: lambda i, at: delete(i, at=at),
        Operation.EXPIRE: lambda i, at: expire(i, at=at),
        Operation.PAY: lambda i, at: pay(i, amount=100, payment_id=f"pay_{payment}", at=at),
        Operation.NOTIFY: lambda i, at: notify(i, medium=medium or Medium.SMS, at=at),
        Operation.MARK_NOTIFICATION_SENT: lambda i, at: mark_notification_sent(
            i, medium=medium or Medium.SMS, at=at
        ),
    }
    return calls[operation]


def _attempt(call: Callable[..., Outcome], invoice: Invoice, at: int) -> tuple[str, str]:
    """``("ok", new status)`` or ``("error", description)``."""
    try:
        return "ok", call(invoice, at).invoice.status.value
    except InvoiceError as error:
        return "error", error.description


class BookAndPureAgree(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.replayer = Replayer()
        self.now = T0
        self.invoice: Invoice | None = None
        self.payments = 0

    def _call(self, method: str, path: str, body: dict[str, Any] | None) -> dict[str, Any]:
        line = {"at": self.now, "method": method, "path": path}
        if body is not None:
            line["body"] = body
        answer: dict[str, Any] = json.loads(self.replayer.step(json.dumps(line)))
        return answer

    def _refresh(self) -> None:
        fetched = self._call("GET", PATH, None)
        self.invoice = wire.load_invoice(fetched["body"]) if fetched["status"] == 200 else None

    @initialize(draft=st.booleans(), contact=st.booleans())
    def create(self, draft: bool, contact: bool) -> None:
        customer: dict[str, Any] = {"name": "Asha Rao", "email": "asha@example.com"}
        if contact:
            customer["contact"] = "+919000090000"
        body: dict[str, Any] = {
            "line_items": [{"name": "Book", "amount": 1000}],
            "customer": customer,
            "partial_payment": True,
            "expire_by": EXPIRE_BY,
        }
        if draft:
            body["draft"] = "1"
        assert self._call("POST", "/v1/invoices", body)["status"] == 200
        self._refresh()

    @rule(moment=st.sampled_from(["E-1", "E", "E+1", "+1", "+900"]))
    def move_the_clock(self, moment: str) -> None:
        wanted = {
            "E-1": EXPIRE_BY - 1,
            "E": EXPIRE_BY,
            "E+1": EXPIRE_BY + 1,
            "+1": self.now + 1,
            "+900": self.now + 900,
        }[moment]
        self.now = max(self.now, wanted)

    @precondition(lambda self: self.invoice is not None)
    @invariant()
    def allowed_operations_says_what_each_pure_function_does(self) -> None:
        invoice = self.invoice
        assert invoice is not None
        for answer in allowed_operations(invoice, self.now):
            call = _pure(answer.operation, answer.medium, self.payments + 1)
            outcome = _attempt(call, invoice, self.now)
            if answer.allowed:
                assert outcome[0] == "ok", (answer, outcome)
                assert Status(outcome[1]) in answer.targets
            else:
                assert answer.error is not None
                assert outcome == ("error", answer.error.description)

    @precondition(lambda self: self.invoice is not None)
    @rule(index=st.integers(0, len(ACTS) - 1))
    def act(self, index: int) -> None:
        method, path, body, operation, medium = ACTS[index]
        invoice = self.invoice
        assert invoice is not None
        held = invoice  # what the book holds once its sweep has run at `now`
        if any(
            a.operation is Operation.EXPIRE and a.allowed
            for a in allowed_operations(invoice, self.now)
        ):
            held = expire(invoice, at=self.now).invoice
        self.payments += 1
        expected = _attempt(_pure(operation, medium, self.payments), held, self.now)
        if operation is Operation.PAY:
            body = {"amount": 100, "payment_id": f"pay_{self.payments}"}

        answer = self._call(method, path, body)

        if expected[0] == "ok":
            assert answer["status"] == 200, (answer, expected)
            self._refresh()
            if operation is not Operation.DELETE:
                assert self.invoice is not None
                assert self.invoice.status.value == expected[1]
            else:
                assert self.invoice is None
        else:
            assert answer["body"]["error"]["description"] == expected[1]
            self._refresh()


TestBookAndPureAgree = BookAndPureAgree.TestCase
TestBookAndPureAgree.settings = settings(max_examples=heavy_examples(dev=20))
