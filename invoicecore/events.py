"""Domain events: what a transition caused, in the past tense, ready for an outbox.

Names follow Razorpay's webhooks where one exists (``invoice.paid``,
``invoice.partially_paid``, ``invoice.expired``); the others use the same
``invoice.<what happened>`` form. Each event carries what changed, so a
service can publish it, log it or fold it. ``to_dict`` and ``from_dict`` turn
an event into JSON-ready data and back (a registry by ``name``); ``with_ids``
stamps the deterministic ids an outbox row needs (see ``docs/events.md``).
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterable, Mapping
from enum import Enum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, Final

import attrs

from invoicecore import _validators as v
from invoicecore import errors
from invoicecore.entities import Medium, Status

if TYPE_CHECKING:
    from invoicecore.entities import Invoice

__all__ = [
    "EVENT_ID_PREFIX",
    "EVENT_TYPES",
    "Event",
    "InvoiceCancelled",
    "InvoiceCreated",
    "InvoiceDeleted",
    "InvoiceExpired",
    "InvoiceIssued",
    "InvoicePaid",
    "InvoicePartiallyPaid",
    "InvoiceUpdated",
    "NotificationRequested",
    "NotificationSent",
    "changed_values",
    "from_dict",
    "to_dict",
    "with_ids",
]

EVENT_ID_PREFIX: Final = "evt"
"""The prefix ``with_ids`` asks the id source for (Razorpay's event ids read ``evt_...``)."""


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    if not isinstance(value, (tuple, list)) or not all(type(key) is str for key in value):
        raise v.must_be("keys", "a tuple of strings")
    return tuple(value)


def _json_object(value: Mapping[str, Any]) -> dict[str, Any]:
    if not v.is_object(value):
        raise v.must_be("changes", "an object with string keys")
    return dict(value)


@attrs.frozen(kw_only=True)
class _InvoiceEvent:
    """What every event carries: the invoice, when it happened (epoch seconds), an id.

    ``id`` is ``None`` when a transition makes the event; the book stamps one
    from its id source (``with_ids``) once the call has succeeded, so a failed
    call spends no event id.
    """

    name: ClassVar[str]
    invoice_id: str
    at: int
    id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data: ``name``, ``id``, then the fields; enums as their values."""
        data: dict[str, Any] = {"name": self.name, "id": self.id}
        for field in attrs.fields(type(self)):
            if field.name != "id":
                data[field.name] = _plain(getattr(self, field.name))
        return data


@attrs.frozen(kw_only=True)
class _PaymentEvent(_InvoiceEvent):
    """A captured payment and the invoice's figures after it."""

    payment_id: str
    payment_amount: int
    amount_paid: int
    amount_due: int


@attrs.frozen(kw_only=True)
class _NotificationEvent(_InvoiceEvent):
    medium: Medium


@attrs.frozen(kw_only=True)
class InvoiceCreated(_InvoiceEvent):
    """An invoice was created, as a draft or issued at once (``status`` says which)."""

    name: ClassVar[str] = "invoice.created"
    status: Status


@attrs.frozen(kw_only=True)
class InvoiceUpdated(_InvoiceEvent):
    """An update was applied.

    ``keys`` are the request's keys, in request order. ``changes`` maps each
    key of the invoice entity whose rendered value the update changed to its
    new value, JSON-ready and in the entity's key order (``notes`` gives the new
    notes, ``line_items`` the new rows, and derived figures such as ``amount``
    appear when they moved). Treat it as read-only.
    """

    name: ClassVar[str] = "invoice.updated"
    keys: tuple[str, ...] = attrs.field(converter=_strings)
    changes: Mapping[str, Any] = attrs.field(factory=dict, converter=_json_object, hash=False)


@attrs.frozen(kw_only=True)
class InvoiceIssued(_InvoiceEvent):
    """A draft was issued: it now has an order and a short URL to send."""

    name: ClassVar[str] = "invoice.issued"
    order_id: str
    short_url: str


@attrs.frozen(kw_only=True)
class InvoicePartiallyPaid(_PaymentEvent):
    """A captured payment left part of the amount due (Razorpay webhook of the same name)."""

    name: ClassVar[str] = "invoice.partially_paid"


@attrs.frozen(kw_only=True)
class InvoicePaid(_PaymentEvent):
    """A captured payment completed the amount (Razorpay's ``invoice.paid`` webhook)."""

    name: ClassVar[str] = "invoice.paid"


@attrs.frozen(kw_only=True)
class InvoiceExpired(_InvoiceEvent):
    """The invoice reached ``expire_by`` unpaid; ``at`` is ``expire_by`` (``expired_at``)."""

    name: ClassVar[str] = "invoice.expired"


@attrs.frozen(kw_only=True)
class InvoiceCancelled(_InvoiceEvent):
    """The invoice was cancelled; its receipt is free again."""

    name: ClassVar[str] = "invoice.cancelled"


@attrs.frozen(kw_only=True)
class InvoiceDeleted(_InvoiceEvent):
    """A draft was deleted; fetches no longer find it."""

    name: ClassVar[str] = "invoice.deleted"


@attrs.frozen(kw_only=True)
class NotificationRequested(_NotificationEvent):
    """A notification should go out; the embedding service delivers it."""

    name: ClassVar[str] = "invoice.notification_requested"


@attrs.frozen(kw_only=True)
class NotificationSent(_NotificationEvent):
    """The embedding service reports a notification delivered."""

    name: ClassVar[str] = "invoice.notification_sent"


Event = (
    InvoiceCreated
    | InvoiceUpdated
    | InvoiceIssued
    | InvoicePartiallyPaid
    | InvoicePaid
    | InvoiceExpired
    | InvoiceCancelled
    | InvoiceDeleted
    | NotificationRequested
    | NotificationSent
)
"""Any domain event."""


EVENT_TYPES: Final[Mapping[str, type[Event]]] = MappingProxyType(
    {cls.name: cls for cls in typing.get_args(Event)}
)
"""Every event class by its ``name``: the registry ``from_dict`` reads."""

_ENUM_FIELDS: Final[Mapping[str, type[Enum]]] = MappingProxyType(
    {"status": Status, "medium": Medium}
)


def to_dict(event: Event) -> dict[str, Any]:
    """``event.to_dict()``: JSON-ready data for an outbox row or a log line."""
    if not isinstance(event, _InvoiceEvent):
        raise v.must_be("event", "an Event")
    return event.to_dict()


def from_dict(data: Mapping[str, Any]) -> Event:
    """The event ``to_dict`` gave, enums restored; bad data is a ``CorruptEntityError``.

    An outbox row is the embedder's own storage, so a row that does not load is
    not the client's mistake: an unknown ``name`` raises ``EVENT_UNKNOWN``, a
    missing, extra or mistyped field ``STORED_ENTITY_CORRUPT``.
    """
    if not isinstance(data, Mapping):
        raise errors.STORED_ENTITY_CORRUPT.error(
            field="event", entity="event", reason="it is not an object."
        )
    name = data.get("name")
    cls = EVENT_TYPES.get(name) if isinstance(name, str) else None
    if cls is None:
        raise errors.EVENT_UNKNOWN.error(field="name", name=repr(name)[:80])
    fields = {field.name for field in attrs.fields(cls)}
    extras = [key for key in data if key != "name" and key not in fields]
    if extras:
        raise errors.STORED_ENTITY_CORRUPT.error(
            field=str(extras[0]), entity=name, reason=f"unknown field {str(extras[0])[:80]!r}."
        )
    values = {key: value for key, value in data.items() if key != "name"}
    shapes = (("keys", (list, tuple)), ("changes", (Mapping,)))
    for key, shape in shapes:
        if key in values and not isinstance(values[key], shape):
            raise errors.STORED_ENTITY_CORRUPT.error(
                field=key, entity=name, reason=f"{key} has the wrong type."
            )
    try:
        for key, enum in _ENUM_FIELDS.items():
            if key in values:
                values[key] = enum(values[key])
        event = cls(**values)
    except (TypeError, ValueError) as error:
        raise errors.STORED_ENTITY_CORRUPT.error(
            field=None, entity=name, reason=f"{type(error).__name__}."
        ) from None
    _check_types(event)
    return event


def with_ids(events: Iterable[Event], new_id: Callable[[str], str]) -> tuple[Event, ...]:
    """``events`` with ids from ``new_id("evt")``, one call per event, in order.

    Pure: the ids are whatever the embedder's id source gives, so a counter
    source makes them deterministic. Call it after the call has succeeded.
    """
    if not callable(new_id):
        raise errors.EMBEDDER_ARGUMENT_MISSING.error(field="new_id", argument="an id source")
    if type(events) is not tuple and not isinstance(events, Iterable):  # the ABC test costs
        raise v.must_be("events", "Events")
    stamped = []
    for event in events:
        if not isinstance(event, _InvoiceEvent):
            raise v.must_be("events", "Events")
        event_id: object = new_id(EVENT_ID_PREFIX)
        if type(event_id) is not str or not event_id:
            raise errors.EMBEDDER_ARGUMENT_MISSING.error(
                field="new_id", argument="an id source that gives non-empty strings"
            )
        stamped.append(v.evolve(event, id=event_id))
    return tuple(stamped)


def changed_values(before: Invoice, after: Invoice) -> dict[str, Any]:
    """The entity keys whose rendered value differs, with ``after``'s values, in entity order."""
    from invoicecore import wire  # noqa: PLC0415 - wire imports the transitions that import us

    return wire.changed_entity_values(before, after)


def _plain(value: object) -> object:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    return value


_FIELD_TYPES: Final[Mapping[str, tuple[type, ...]]] = MappingProxyType(
    {
        "invoice_id": (str,),
        "at": (int,),
        "id": (str, type(None)),
        "payment_id": (str,),
        "payment_amount": (int,),
        "amount_paid": (int,),
        "amount_due": (int,),
        "order_id": (str,),
        "short_url": (str,),
    }
)


def _check_types(event: Event) -> None:
    for field in attrs.fields(type(event)):
        value = getattr(event, field.name)
        expected = _FIELD_TYPES.get(field.name)
        bad = (expected is not None and (type(value) not in expected)) or (
            field.name == "keys" and not all(isinstance(key, str) for key in value)
        )
        if bad:
            raise errors.STORED_ENTITY_CORRUPT.error(
                field=field.name, entity=event.name, reason=f"{field.name} has the wrong type."
            )
