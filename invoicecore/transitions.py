"""The lifecycle: the transition table as data, and one pure function per operation.

``TRANSITIONS`` is the single source of truth: the guards below, the state
diagram in the docs, ``allowed_operations`` and the stateful tests all read it.
Every function validates everything first and builds the new invoice last; on
error it raises and the invoice it was given is untouched (it is immutable).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Final

import attrs

from invoicecore import _validators as v
from invoicecore import errors, limits, statuses, updates
from invoicecore.entities import (
    Customer,
    Details,
    Invoice,
    Lifecycle,
    LineItem,
    Medium,
    Notifications,
    NotificationStatus,
    Order,
    Status,
)
from invoicecore.events import (
    Event,
    InvoiceCancelled,
    InvoiceCreated,
    InvoiceDeleted,
    InvoiceExpired,
    InvoiceIssued,
    InvoicePaid,
    InvoicePartiallyPaid,
    InvoiceUpdated,
    NotificationRequested,
    NotificationSent,
    changed_values,
)
from invoicecore.limits import MAX_LINE_ITEMS, MIN_EXPIRY_SECONDS

if TYPE_CHECKING:
    from invoicecore.commands import UpdateInvoice
    from invoicecore.patch import Catalogue, IdSource
    from invoicecore.updates import CustomerDirectory

__all__ = [
    "MAX_LINE_ITEMS",
    "MIN_EXPIRY_SECONDS",
    "OPERATIONS",
    "TERMINAL_STATUSES",
    "TRANSITIONS",
    "Availability",
    "Operation",
    "Outcome",
    "Precondition",
    "Rule",
    "Situation",
    "allowed_operations",
    "cancel",
    "create",
    "delete",
    "deliverable",
    "expire",
    "issue",
    "mark_notification_sent",
    "notify",
    "pay",
    "update",
]


class Operation(StrEnum):
    """What can be done to an invoice."""

    CREATE = "create"
    UPDATE = "update"
    ISSUE = "issue"
    CANCEL = "cancel"
    DELETE = "delete"
    EXPIRE = "expire"
    PAY = "pay"
    NOTIFY = "notify"
    MARK_NOTIFICATION_SENT = "mark_notification_sent"


@attrs.frozen(kw_only=True)
class Situation:
    """What a precondition looks at: the invoice, the time, and the medium if any."""

    invoice: Invoice
    at: int
    medium: Medium | None = None


def _no_parameters(_situation: Situation) -> Mapping[str, object]:
    return {}


@attrs.frozen(kw_only=True)
class Precondition:
    """A rule an operation checks once its status allows it, in the row's order.

    Attributes:
        name: a short stable name (``"has_line_items"``), for docs and ports.
        summary: the rule in words, for the docs.
        holds: whether the situation passes.
        message: the error raised when it does not.
        field: the ``field`` that error carries.
        parameters: the message's parameters, read from the situation.
    """

    name: str
    summary: str
    holds: Callable[[Situation], bool]
    message: errors.Message
    field: str | None
    parameters: Callable[[Situation], Mapping[str, object]] = _no_parameters

    def refusal(self, situation: Situation) -> errors.InvoiceError | None:
        """The error this precondition raises in ``situation``, or ``None``."""
        if self.holds(situation):
            return None
        return self.message.error(field=self.field, **self.parameters(situation))


@attrs.frozen(kw_only=True)
class Rule:
    """One row of the transition table.

    Attributes:
        operation: the operation this row governs.
        edges: for each status the operation is allowed from, the statuses it
            can lead to from there (the status itself when it is kept).
        creates: for ``create`` only, the statuses a new invoice can start in.
        refusal: the message for any status not in ``edges``.
        refusal_overrides: a more specific message for some statuses.
        preconditions: what must also hold, checked in this order after the status.
        per_medium: whether the operation names a medium (notify, mark sent).
        honours_expiry: whether an issued invoice whose ``expire_by`` has come is
            refused as the ``expired`` status is (every operation but ``expire``).
        narrows: the invoice's own limits on where the operation can lead
            (a payment without partial payments can only complete the invoice).
        summary: one line for the docs.
    """

    operation: Operation
    edges: Mapping[Status, tuple[Status, ...]]
    creates: tuple[Status, ...] = ()
    refusal: errors.Message = errors.OPERATION_NOT_ALLOWED
    refusal_overrides: Mapping[Status, errors.Message] = attrs.field(
        factory=lambda: MappingProxyType({})
    )
    preconditions: tuple[Precondition, ...] = ()
    per_medium: bool = False
    honours_expiry: bool = True
    narrows: Callable[[Invoice, tuple[Status, ...]], tuple[Status, ...]] | None = None
    summary: str = ""

    @property
    def sources(self) -> frozenset[Status]:
        """The statuses the operation is allowed from."""
        return frozenset(self.edges)

    @property
    def targets(self) -> tuple[Status, ...]:
        """Every status the operation can lead to, in ``Status`` order."""
        reached = set(self.creates).union(*self.edges.values())
        return tuple(status for status in Status if status in reached)

    def targets_from(self, source: Status) -> tuple[Status, ...]:
        """Where the operation can lead from ``source``; empty if it is refused there."""
        if source not in self.edges:
            return ()
        return self.edges[source]

    def refusal_for(self, status: Status) -> errors.InvoiceError | None:
        """The error this operation raises in ``status``, or ``None`` if the status allows it."""
        if status in self.edges:
            return None
        message = self.refusal_overrides.get(status, self.refusal)
        return message.error(status=status.value)

    def check(
        self, situation: Situation, *, preconditions: bool = True
    ) -> errors.InvoiceError | None:
        """The first error the operation raises in ``situation`` (time, status, preconditions).

        The one guard every operation and ``allowed_operations`` run, so they
        cannot disagree. ``preconditions=False`` stops after the status, for
        operations that check an argument in between (Razorpay's order).
        """
        invoice = situation.invoice
        last = invoice.last_changed_at
        if situation.at < last:
            return errors.AT_BEFORE_LAST_CHANGE.error(field="at", last=last)
        status = invoice.lifecycle.status
        if self.honours_expiry and _due_for_expiry(invoice, situation.at):
            # Expired at this `at`, as the book's sweep would have made it.
            expired = self.refusal_for(Status.EXPIRED)
            if expired is not None:
                return expired
            return errors.OPERATION_NOT_ALLOWED.error(status=Status.EXPIRED.value)
        refused = self.refusal_for(status)
        if refused is not None or not preconditions:
            return refused
        for precondition in self.preconditions:
            failed = precondition.refusal(situation)
            if failed is not None:
                return failed
        return None

    def leads_to(self, invoice: Invoice) -> tuple[Status, ...]:
        """Where the operation can lead from this invoice (its status, then ``narrows``)."""
        targets = self.targets_from(invoice.lifecycle.status)
        return targets if self.narrows is None else self.narrows(invoice, targets)


_S = Status


def _rule(
    operation: Operation,
    edges: Mapping[Status, tuple[Status, ...]],
    summary: str,
    **kwargs: object,
) -> tuple[Operation, Rule]:
    return operation, Rule(
        operation=operation,
        edges=MappingProxyType(dict(edges)),
        summary=summary,
        **kwargs,  # type: ignore[arg-type]
    )


def _keeps(*statuses: Status) -> dict[Status, tuple[Status, ...]]:
    return {status: (status,) for status in statuses}


def _due_for_expiry(invoice: Invoice, at: int) -> bool:
    """Whether the clock at ``at`` has expired ``invoice`` (only statuses that expire)."""
    expire_by = invoice.details.expire_by
    return (
        expire_by is not None and expire_by <= at and statuses.row(invoice.lifecycle.status).expires
    )


def deliverable(invoice: Invoice, medium: Medium) -> bool:
    """Whether the invoice's customer can receive ``medium`` (an email address, a contact)."""
    customer = _check_invoice(invoice).customer
    medium = _check_medium(medium)
    if customer is None:
        return False
    return bool(customer.email if medium is Medium.EMAIL else customer.contact)


def _expire_by_ahead(situation: Situation) -> bool:
    expire_by = situation.invoice.details.expire_by
    return expire_by is None or expire_by >= situation.at + MIN_EXPIRY_SECONDS


def _amount_within_maximum(situation: Situation) -> bool:
    amount = situation.invoice.amount
    return amount is None or amount <= v.MAX_AMOUNT


_ISSUE_CHECKS: Final = (
    Precondition(
        name="has_line_items",
        summary="the invoice has at least one line item",
        holds=lambda s: bool(s.invoice.line_items),
        message=errors.LINE_ITEMS_REQUIRED,
        field="line_items",
    ),
    Precondition(
        name="has_customer",
        summary="the invoice has a customer",
        holds=lambda s: s.invoice.customer is not None,
        message=errors.CUSTOMER_REQUIRED,
        field="customer",
    ),
    Precondition(
        name="expire_by_ahead",
        summary="expire_by, if set, is at least 15 minutes after the call",
        holds=_expire_by_ahead,
        message=errors.EXPIRE_BY_TOO_SOON,
        field="expire_by",
    ),
    Precondition(
        name="amount_within_maximum",
        summary="the amount is at most 10^12 minor units",
        holds=_amount_within_maximum,
        message=errors.AMOUNT_EXCEEDS_MAXIMUM,
        field="amount",
    ),
)


def _pay_narrows(invoice: Invoice, targets: tuple[Status, ...]) -> tuple[Status, ...]:
    if invoice.details.partial_payment:
        return targets
    return tuple(status for status in targets if status is Status.PAID)


def _pending_and_issued(situation: Situation) -> bool:
    invoice = situation.invoice
    medium = situation.medium
    return (
        medium is not None
        and invoice.notifications.status_of(medium) is NotificationStatus.PENDING
        and invoice.lifecycle.issued_at is not None
    )


def _medium_parameter(situation: Situation) -> Mapping[str, object]:
    medium = situation.medium
    return {"medium": "" if medium is None else medium.value}


TRANSITIONS: Final[Mapping[Operation, Rule]] = MappingProxyType(
    dict(
        [
            _rule(
                Operation.CREATE,
                {},
                'POST /v1/invoices: a draft with draft "1", else issued at once',
                creates=(_S.DRAFT, _S.ISSUED),
                honours_expiry=False,
            ),
            _rule(
                Operation.UPDATE,
                {
                    **_keeps(_S.ISSUED, _S.PARTIALLY_PAID, _S.PAID, _S.CANCELLED, _S.EXPIRED),
                    _S.DRAFT: (_S.DRAFT, _S.ISSUED),
                },
                'PATCH /v1/invoices/{id}: the keys each status accepts; draft "0" issues',
            ),
            _rule(
                Operation.ISSUE,
                {_S.DRAFT: (_S.ISSUED,)},
                "POST /v1/invoices/{id}/issue: line items, a customer, expire_by 15 min ahead",
                preconditions=_ISSUE_CHECKS,
            ),
            _rule(
                Operation.CANCEL,
                {_S.DRAFT: (_S.CANCELLED,), _S.ISSUED: (_S.CANCELLED,)},
                "POST /v1/invoices/{id}/cancel: only before any payment",
            ),
            _rule(
                Operation.DELETE,
                {_S.DRAFT: (_S.DELETED,)},
                "DELETE /v1/invoices/{id}: drafts only; the invoice is gone afterwards",
            ),
            _rule(
                Operation.EXPIRE,
                {_S.ISSUED: (_S.EXPIRED,)},
                "Razorpay's expiry job: issued invoices whose expire_by has come",
                preconditions=(
                    Precondition(
                        name="expire_by_reached",
                        summary="expire_by is set and at or before the call",
                        holds=lambda s: (
                            s.invoice.details.expire_by is not None
                            and s.invoice.details.expire_by <= s.at
                        ),
                        message=errors.NOT_DUE_FOR_EXPIRY,
                        field="expire_by",
                    ),
                ),
                honours_expiry=False,
            ),
            _rule(
                Operation.PAY,
                {
                    _S.ISSUED: (_S.PARTIALLY_PAID, _S.PAID),
                    _S.PARTIALLY_PAID: (_S.PARTIALLY_PAID, _S.PAID),
                },
                "a captured payment: partially_paid until amount_paid reaches amount",
                refusal=errors.NOT_PAYABLE,
                refusal_overrides=MappingProxyType({_S.DELETED: errors.NOT_PAYABLE_DELETED}),
                narrows=_pay_narrows,
            ),
            _rule(
                Operation.NOTIFY,
                _keeps(_S.ISSUED, _S.PARTIALLY_PAID),
                "POST /v1/invoices/{id}/notify_by/{medium}: the medium's status becomes pending",
                per_medium=True,
                preconditions=(
                    Precondition(
                        name="email_provided",
                        summary="for email, the customer has an email address",
                        holds=lambda s: (
                            s.medium is not Medium.EMAIL or deliverable(s.invoice, Medium.EMAIL)
                        ),
                        message=errors.EMAIL_MISSING,
                        field="medium",
                    ),
                    Precondition(
                        name="contact_provided",
                        summary="for sms, the customer has a contact number",
                        holds=lambda s: (
                            s.medium is not Medium.SMS or deliverable(s.invoice, Medium.SMS)
                        ),
                        message=errors.CONTACT_MISSING,
                        field="medium",
                    ),
                ),
            ),
            _rule(
                Operation.MARK_NOTIFICATION_SENT,
                _keeps(_S.ISSUED, _S.PARTIALLY_PAID, _S.PAID, _S.CANCELLED, _S.EXPIRED),
                "the embedding service delivered a requested notification",
                per_medium=True,
                preconditions=(
                    Precondition(
                        name="notification_pending",
                        summary="the medium's notification is pending on an issued invoice",
                        holds=_pending_and_issued,
                        message=errors.NOTIFICATION_NOT_PENDING,
                        field="medium",
                        parameters=_medium_parameter,
                    ),
                ),
            ),
        ]
    )
)
"""The transition table: operation -> {allowed source status -> reachable statuses}, guards."""

statuses.check_covers("TRANSITIONS", TRANSITIONS, Operation)
statuses.check_covers("TRANSITIONS rows", (r.operation for r in TRANSITIONS.values()), Operation)

TERMINAL_STATUSES: Final[frozenset[Status]] = frozenset(
    status
    for status in Status
    if not any(
        target != status
        for rule in TRANSITIONS.values()
        if status in rule.sources
        for target in rule.targets_from(status)
    )
)
"""Statuses no operation leaves: read off the table, not listed by hand."""


@attrs.frozen(kw_only=True)
class Outcome:
    """What a transition returns: the new invoice and the events it caused, in order."""

    invoice: Invoice
    events: tuple[Event, ...]


@attrs.frozen(kw_only=True)
class Availability:
    """Whether an operation would succeed now, and where it would lead.

    ``medium`` is set for the per-medium operations (notify, mark sent).
    ``error`` is the exact error the operation would raise, or ``None``.
    """

    operation: Operation
    medium: Medium | None
    targets: tuple[Status, ...]
    error: errors.InvoiceError | None

    @property
    def allowed(self) -> bool:
        return self.error is None


# ---------------------------------------------------------------------------
# Operations
# ---------------------------------------------------------------------------


def create(
    *,
    id: str,
    at: int,
    currency: str = "INR",
    customer: Customer | None = None,
    line_items: tuple[LineItem, ...] = (),
    details: Details | None = None,
    sms_notify: bool = True,
    email_notify: bool = True,
    idempotency_key: str | None = None,
    draft: bool = False,
    order_id: str | None = None,
    short_url: str | None = None,
) -> Outcome:
    """A new invoice: a draft, or (Razorpay's default) issued at creation.

    An invoice issued at creation passes the issue validation and needs the
    ``order_id`` and ``short_url`` that issuing creates. ``details`` is taken as
    given: Razorpay's "``date`` defaults to now" is the request parser's job.
    """
    v.check_id(id, "id")
    at = _check_at(at)
    limits.check_boolean(draft, "draft")
    limits.check_boolean(sms_notify, "sms_notify")
    limits.check_boolean(email_notify, "email_notify")
    lines = _check_line_items(line_items)
    details = Details() if details is None else details
    invoice = Invoice(
        id=id,
        created_at=at,
        currency=currency,
        lifecycle=Lifecycle(status=Status.DRAFT),
        details=details,
        customer=customer,
        line_items=lines,
        notifications=Notifications(
            sms_status=NotificationStatus.PENDING if sms_notify else None,
            email_status=NotificationStatus.PENDING if email_notify else None,
        ),
        idempotency_key=idempotency_key,
    )
    limits.check_expire_by(invoice.details.expire_by, at)
    if draft:
        return Outcome(
            invoice=invoice,
            events=(InvoiceCreated(invoice_id=id, at=at, status=Status.DRAFT),),
        )
    issued = _issue(invoice, at=at, order_id=order_id, short_url=short_url)
    return Outcome(
        invoice=issued.invoice,
        events=(InvoiceCreated(invoice_id=id, at=at, status=Status.ISSUED), *issued.events),
    )


def update(
    invoice: Invoice,
    command: UpdateInvoice,
    *,
    at: int,
    new_id: IdSource | None = None,
    customers: CustomerDirectory | None = None,
    items: Catalogue | None = None,
    order_id: str | None = None,
    short_url: str | None = None,
) -> Outcome:
    """Apply a parsed PATCH (``requests.parse_update``): the keys the status accepts.

    ``command`` is a typed ``UpdateInvoice`` (see ``statuses.UPDATABLE_KEYS``
    for what each status accepts). ``new_id`` gives ids for new line items,
    customers and addresses; ``customers`` and ``items`` are where
    ``customer_id`` and ``item_id`` are looked up. A draft updated with
    ``draft`` false is issued, with the issue checks, and needs ``order_id``
    and ``short_url``.
    """
    invoice = _check_invoice(invoice)
    at = _check_at(at)
    _guard(Operation.UPDATE, invoice, at)
    plan = updates.plan_update(
        invoice,
        command,
        at=at,
        new_id=new_id,
        customers=customers,
        items=items,
    )
    event = InvoiceUpdated(
        invoice_id=invoice.id, at=at, keys=plan.keys, changes=changed_values(invoice, plan.invoice)
    )
    if not plan.issue:
        return Outcome(invoice=plan.invoice, events=(event,))
    issued = _issue(plan.invoice, at=at, order_id=order_id, short_url=short_url)
    return Outcome(invoice=issued.invoice, events=(event, *issued.events))


def issue(invoice: Invoice, *, at: int, order_id: str, short_url: str) -> Outcome:
    """Issue a draft: it gets an order and a short URL and becomes payable.

    Checks, in Razorpay's order: the status, then the ``issue`` row's
    preconditions (line items, a customer, ``expire_by`` at least 15 minutes
    ahead, the amount within the maximum).
    """
    invoice = _check_invoice(invoice)
    at = _check_at(at)
    _guard(Operation.ISSUE, invoice, at)
    return _issue(invoice, at=at, order_id=order_id, short_url=short_url)


def cancel(invoice: Invoice, *, at: int) -> Outcome:
    """Cancel a draft or an issued invoice that nobody has paid anything on."""
    invoice = _check_invoice(invoice)
    at = _check_at(at)
    _guard(Operation.CANCEL, invoice, at)
    lifecycle = v.evolve(invoice.lifecycle, status=Status.CANCELLED, cancelled_at=at)
    return Outcome(
        invoice=v.evolve(invoice, lifecycle=lifecycle),
        events=(InvoiceCancelled(invoice_id=invoice.id, at=at),),
    )


def delete(invoice: Invoice, *, at: int) -> Outcome:
    """Delete a draft. Razorpay forgets it; here it ends in the ``deleted`` status."""
    invoice = _check_invoice(invoice)
    at = _check_at(at)
    _guard(Operation.DELETE, invoice, at)
    lifecycle = v.evolve(invoice.lifecycle, status=Status.DELETED)
    return Outcome(
        invoice=v.evolve(invoice, lifecycle=lifecycle),
        events=(InvoiceDeleted(invoice_id=invoice.id, at=at),),
    )


def expire(invoice: Invoice, *, at: int) -> Outcome:
    """Expire an issued invoice whose ``expire_by`` has come (``expire_by <= at``).

    ``expired_at`` is ``expire_by``, as Razorpay's job records it, whenever the
    sweep runs. Partially paid invoices never expire.
    """
    invoice = _check_invoice(invoice)
    at = _check_at(at)
    _guard(Operation.EXPIRE, invoice, at)
    expire_by = invoice.details.expire_by
    lifecycle = v.evolve(invoice.lifecycle, status=Status.EXPIRED, expired_at=expire_by)
    return Outcome(
        invoice=v.evolve(invoice, lifecycle=lifecycle),
        events=(InvoiceExpired(invoice_id=invoice.id, at=expire_by or at),),
    )


def pay(
    invoice: Invoice,
    *,
    amount: int,
    payment_id: str,
    at: int,
    captured: Callable[[str], bool] | None = None,
) -> Outcome:
    """Apply a captured payment of ``amount`` minor units.

    Without partial payments the amount must be exactly the amount due; with
    them, anything from 1 up to the amount due. Overpayment is refused and
    changes nothing, and so is the invoice's own latest ``payment_id`` captured
    again. ``captured`` answers whether a payment id was captured anywhere else
    (a book's ledger: it refuses any payment id it has seen); it is asked
    after the status checks, before the amount's. ``payment_id`` becomes the
    invoice's latest payment.
    """
    invoice = _check_invoice(invoice)
    at = _check_at(at)
    amount = v.check_integer(amount, "amount", minimum=1)
    v.check_id(payment_id, "payment_id")
    if captured is not None and not callable(captured):
        raise errors.MUST_BE.error(
            field="captured", attribute="captured", expected="a function of a payment id"
        )
    _guard(Operation.PAY, invoice, at)
    order = invoice.order
    total = invoice.amount
    if order is None or total is None:  # pragma: no cover - an issued invoice has both
        raise errors.NOT_PAYABLE.error(status=invoice.status.value)
    if order.payment_id == payment_id or (captured is not None and captured(payment_id)):
        raise errors.PAYMENT_ID_CAPTURED.error(field="payment_id")
    due = total - order.amount_paid
    if not invoice.details.partial_payment and amount != due:
        raise errors.PAYMENT_AMOUNT_MISMATCH.error(field="amount")
    if amount > due:
        raise errors.PAYMENT_EXCEEDS_AMOUNT_DUE.error(field="amount")
    paid = order.amount_paid + amount
    new_order = Order(id=order.id, amount_paid=paid, payment_id=payment_id)
    if paid == total:
        lifecycle = v.evolve(invoice.lifecycle, status=Status.PAID, paid_at=at)
        event: Event = InvoicePaid(
            invoice_id=invoice.id,
            at=at,
            payment_id=payment_id,
            payment_amount=amount,
            amount_paid=paid,
            amount_due=0,
        )
    else:
        lifecycle = v.evolve(invoice.lifecycle, status=Status.PARTIALLY_PAID)
        event = InvoicePartiallyPaid(
            invoice_id=invoice.id,
            at=at,
            payment_id=payment_id,
            payment_amount=amount,
            amount_paid=paid,
            amount_due=total - paid,
        )
    return Outcome(
        invoice=v.evolve(invoice, lifecycle=lifecycle, order=new_order),
        events=(event,),
    )


def notify(invoice: Invoice, *, medium: Medium | str, at: int) -> Outcome:
    """Ask for the short URL to be sent again by SMS or email.

    Razorpay's check order: the status first, then the medium, then that the
    customer has an email address (or a contact number). The medium's status
    becomes ``pending`` until the service reports it sent.
    """
    invoice = _check_invoice(invoice)
    at = _check_at(at)
    _guard(Operation.NOTIFY, invoice, at, preconditions=False)
    chosen = _check_medium(medium)
    _guard(Operation.NOTIFY, invoice, at, chosen)
    return Outcome(
        invoice=_with_notification(invoice, chosen, NotificationStatus.PENDING),
        events=(NotificationRequested(invoice_id=invoice.id, at=at, medium=chosen),),
    )


def mark_notification_sent(invoice: Invoice, *, medium: Medium | str, at: int) -> Outcome:
    """Record that a requested notification went out: its status becomes ``sent``.

    Only a ``pending`` notification of an invoice that was issued can be sent:
    a draft's ``pending`` means "send when issued", not "requested".
    """
    invoice = _check_invoice(invoice)
    at = _check_at(at)
    _guard(Operation.MARK_NOTIFICATION_SENT, invoice, at, preconditions=False)
    chosen = _check_medium(medium)
    _guard(Operation.MARK_NOTIFICATION_SENT, invoice, at, chosen)
    return Outcome(
        invoice=_with_notification(invoice, chosen, NotificationStatus.SENT),
        events=(NotificationSent(invoice_id=invoice.id, at=at, medium=chosen),),
    )


def allowed_operations(invoice: Invoice, at: int) -> tuple[Availability, ...]:
    """Each operation on ``invoice`` at time ``at``: where it leads, or the exact error.

    Read from the table alone: each row's guard (time, status, expiry,
    preconditions) is the one the operation itself runs, so the answer cannot
    drift from what it does. Argument-dependent checks (a payment's amount)
    are left out; per-medium operations are answered once per medium.
    """
    invoice = _check_invoice(invoice)
    at = _check_at(at)
    answers: list[Availability] = []
    for operation, rule in TRANSITIONS.items():
        if rule.creates:
            continue
        for medium in tuple(Medium) if rule.per_medium else (None,):
            error = rule.check(Situation(invoice=invoice, at=at, medium=medium))
            answers.append(
                Availability(
                    operation=operation,
                    medium=medium,
                    targets=() if error is not None else rule.leads_to(invoice),
                    error=error,
                )
            )
    return tuple(answers)


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def _guard(
    operation: Operation,
    invoice: Invoice,
    at: int,
    medium: Medium | None = None,
    *,
    preconditions: bool = True,
) -> None:
    situation = Situation(invoice=invoice, at=at, medium=medium)
    error = TRANSITIONS[operation].check(situation, preconditions=preconditions)
    if error is not None:
        raise error


def _issue(invoice: Invoice, *, at: int, order_id: object, short_url: object) -> Outcome:
    situation = Situation(invoice=invoice, at=at)
    for precondition in TRANSITIONS[Operation.ISSUE].preconditions:
        failed = precondition.refusal(situation)
        if failed is not None:
            raise failed
    for name, value, argument in (
        ("order_id", order_id, "an order_id"),
        ("short_url", short_url, "a short_url"),
    ):
        if value is None:
            # Issuing needs what only the embedding program can make.
            raise errors.EMBEDDER_ARGUMENT_MISSING.error(field=name, argument=argument)
    order_id = v.check_id(order_id, "order_id")
    short_url = v.check_id(short_url, "short_url")
    issued = v.evolve(
        invoice,
        lifecycle=v.evolve(invoice.lifecycle, status=Status.ISSUED, issued_at=at),
        order=Order(id=order_id),
        short_url=short_url,
    )
    events: list[Event] = [
        InvoiceIssued(invoice_id=invoice.id, at=at, order_id=order_id, short_url=short_url)
    ]
    notifications = invoice.notifications
    # Only a medium the customer can receive is requested; the other stays
    # pending and silent, as notify() would refuse it (decisions, second set).
    events.extend(
        NotificationRequested(invoice_id=invoice.id, at=at, medium=medium)
        for medium in Medium
        if notifications.status_of(medium) is NotificationStatus.PENDING
        and deliverable(invoice, medium)
    )
    return Outcome(invoice=issued, events=tuple(events))


def _with_notification(invoice: Invoice, medium: Medium, status: NotificationStatus) -> Invoice:
    field = "sms_status" if medium is Medium.SMS else "email_status"
    notifications = v.evolve(invoice.notifications, **{field: status})
    return v.evolve(invoice, notifications=notifications)


def _check_invoice(invoice: object) -> Invoice:
    return v.check_type(invoice, Invoice, "invoice", "an Invoice")


def _check_at(at: object) -> int:
    return v.check_integer(at, "at")


def _check_line_items(line_items: object) -> tuple[LineItem, ...]:
    if not isinstance(line_items, (tuple, list)) or not all(
        isinstance(line, LineItem) for line in line_items
    ):
        raise errors.MUST_BE.error(
            field="line_items", attribute="line items", expected="a sequence of LineItem"
        )
    if len(line_items) > MAX_LINE_ITEMS:
        raise errors.TOO_MANY_LINE_ITEMS.error(field="line_items", limit=MAX_LINE_ITEMS)
    return tuple(line_items)


def _check_medium(medium: object) -> Medium:
    # Only the lowercase values: Razorpay's case-insensitive check is a quirk
    # (reference section 7) that would then skip its own presence checks.
    if isinstance(medium, Medium):
        return medium
    if isinstance(medium, str) and medium in Medium._value2member_map_:
        return Medium(medium)
    raise errors.INVALID_MEDIUM.error(field="medium", medium=v.echo(medium))


OPERATIONS: Final[Mapping[Operation, Callable[..., Outcome]]] = MappingProxyType(
    {
        Operation.CREATE: create,
        Operation.UPDATE: update,
        Operation.ISSUE: issue,
        Operation.CANCEL: cancel,
        Operation.DELETE: delete,
        Operation.EXPIRE: expire,
        Operation.PAY: pay,
        Operation.NOTIFY: notify,
        Operation.MARK_NOTIFICATION_SENT: mark_notification_sent,
    }
)
"""The pure function of each operation (checked at import: one per ``Operation``)."""

statuses.check_covers("OPERATIONS", OPERATIONS, Operation)
