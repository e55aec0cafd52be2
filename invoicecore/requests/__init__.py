"""Requests in: every endpoint's body and query checked against an ordered table of rules.

Each endpoint has a public table (``CREATE_RULES``, ``UPDATE_RULES``,
``LINE_ITEM_RULES`` ...): a tuple of ``fields.Rule`` rows whose order is the
check order. The parsers run the tables and return the typed, immutable
commands of ``invoicecore.commands``; nothing here looks at the book (no
customer, item or invoice lookup), so a request is checked in full before
anything is looked up. ``docs/requests/`` is generated from the tables, and
``document()`` gives them as JSON for ports, conformance suites and fuzzers::

    for rule in CREATE_RULES:
        rule.name, rule.kind, rule.required, rule.limits, rule.errors
"""

from __future__ import annotations

import json
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

from invoicecore import _validators as v
from invoicecore import amounts, errors, limits, statuses
from invoicecore.amounts import RateType, Tax
from invoicecore.commands import (
    AddLineItem,
    AddressInput,
    CapturePayment,
    CreateCustomer,
    CreateInvoice,
    CreateItem,
    CustomerInput,
    CustomerRef,
    EditLineItem,
    FetchQuery,
    KeepLineItem,
    LineItemInput,
    LineItemPatch,
    UpdateInvoice,
)
from invoicecore.entities import INVOICE_TYPE, Details, Status
from invoicecore.requests import fields as f
from invoicecore.requests.fields import Context, Rule, RuleError, Table, is_missing, refuse_extras

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "ADDRESS_RULES",
    "CREATE_KEYS",
    "CREATE_RULES",
    "CUSTOMER_CREATE_RULES",
    "CUSTOMER_KEYS",
    "CUSTOMER_RULES",
    "FETCH_BY_ID_QUERY_RULES",
    "FETCH_KEYS",
    "FETCH_QUERY_RULES",
    "ITEM_RULES",
    "LINE_ITEM_EDIT_RULES",
    "LINE_ITEM_KEYS",
    "LINE_ITEM_RULES",
    "PAGES",
    "PAYMENT_RULES",
    "TABLES",
    "TAX_RULES",
    "UPDATE_RULES",
    "Rule",
    "RuleError",
    "Table",
    "document",
    "is_missing",
    "parse_create",
    "parse_customer",
    "parse_fetch_by_id_query",
    "parse_fetch_query",
    "parse_item",
    "parse_line_items_patch",
    "parse_payment",
    "parse_update",
    "refuse_extras",
    "render_page",
    "update_keys",
]


def update_keys(status: Status) -> tuple[str, ...]:
    """The keys an update of an invoice in ``status`` accepts: the one place the parser asks.

    A status that accepts no update (``deleted``) accepts no key.
    """
    return statuses.row(v.to_enum(Status, status, "status")).updatable_keys


# ---------------------------------------------------------------------------
# Keys
# ---------------------------------------------------------------------------

CREATE_KEYS: Final = (
    "type",
    "description",
    "draft",
    "customer_id",
    "customer",
    "line_items",
    "currency",
    "expire_by",
    "sms_notify",
    "email_notify",
    "partial_payment",
    "date",
    "terms",
    "comment",
    "notes",
    "receipt",
    "amount",
    "first_payment_min_amount",
    "idempotency_key",
    "billing_start",
    "billing_end",
)
"""The keys a create accepts (``invoice_number`` is read as ``receipt`` first)."""

LINE_ITEM_KEYS: Final = (
    "id",
    "item_id",
    "name",
    "description",
    "amount",
    "currency",
    "quantity",
    "unit",
    "tax_inclusive",
    "hsn_code",
    "sac_code",
    "tax_rate",
    "taxes",
)
"""The keys a ``line_items`` element may carry (``unit_amount`` is read as ``amount``)."""
CUSTOMER_KEYS: Final = (
    "id",
    "name",
    "email",
    "contact",
    "gstin",
    "billing_address",
    "shipping_address",
)
"""The keys of an inline ``customer`` object."""
_CUSTOMER_CREATE_KEYS: Final = (
    "name",
    "email",
    "contact",
    "gstin",
    "notes",
    "billing_address",
    "shipping_address",
)
_ADDRESS_KEYS: Final = ("id", "line1", "line2", "zipcode", "city", "state", "country")
_TAX_KEYS: Final = ("tax_id", "name", "rate", "rate_type", "group_id", "group_name")
FETCH_KEYS: Final = ("type", "payment_id", "receipt", "customer_id", "from", "to", "count", "skip")
"""The query keys of ``GET /v1/invoices`` (and of a fetch by id)."""
_PAYMENT_KEYS: Final = ("amount", "payment_id")
_ITEM_KEYS: Final = ("name", "description", "amount", "currency", "active", "unit")


# ---------------------------------------------------------------------------
# Aliases (run before the first row)
# ---------------------------------------------------------------------------


def _invoice_number(body: Mapping[str, Any]) -> Mapping[str, Any]:
    """``invoice_number`` is Razorpay's alias of ``receipt``: it takes the first of their places."""
    if "invoice_number" not in body:
        return body
    renamed: dict[str, Any] = {}
    for key, value in body.items():
        if key in ("invoice_number", "receipt"):
            renamed["receipt"] = body["invoice_number"]
        else:
            renamed[key] = value
    return renamed


def _unit_amount(body: Mapping[str, Any]) -> Mapping[str, Any]:
    """Razorpay renames ``unit_amount`` to ``amount`` before validating (the later key wins)."""
    if "unit_amount" not in body:
        return body
    return {("amount" if k == "unit_amount" else k): value for k, value in body.items()}


def _country(name: str) -> str:
    """Razorpay returns lowercase ISO codes: ``"IN"`` and ``"India"`` become ``"in"``."""
    lowered = name.strip().lower()
    return {"india": "in"}.get(lowered, lowered)


# ---------------------------------------------------------------------------
# Tables (each tuple's order is the check order)
# ---------------------------------------------------------------------------


def _table(
    name: str,
    title: str,
    path: str,
    rules: tuple[Rule, ...],
    build: Any,  # noqa: ANN401 - a builder of the table's typed value
    *,
    note: str = "",
    aliases: Mapping[str, str] | None = None,
    prepare: Any = None,  # noqa: ANN401
) -> Table:
    return Table(
        name=name,
        title=title,
        path=path,
        rules=rules,
        build=build,
        note=note,
        aliases=dict(aliases or {}),
        prepare=prepare,
    )


# The built classes below have no validator or converter: their trusted
# constructors (one generated keyword function each) build what the public
# ones build, without attrs' per-field setattr calls.
_TRUSTED_ADDRESS: Final = v.trusted_constructor(AddressInput)
_TRUSTED_CUSTOMER: Final = v.trusted_constructor(CustomerInput)
_TRUSTED_LINE: Final = v.trusted_constructor(LineItemInput)
_TRUSTED_KEEP: Final = v.trusted_constructor(KeepLineItem)
_TRUSTED_EDIT: Final = v.trusted_constructor(EditLineItem)


_address: Final = f.keywords(_TRUSTED_ADDRESS)


ADDRESS_RULES: Final = _table(
    "address",
    "Address (a customer's billing_address or shipping_address)",
    "customer.billing_address.",
    (
        f.extra_keys(_ADDRESS_KEYS, list_paths=True),
        f.ignored("id", "Accepted and ignored: the address keeps its own id."),
        f.text("line1", max_length=limits.MAX_ADDRESS_LENGTH),
        f.text("line2", max_length=limits.MAX_ADDRESS_LENGTH),
        f.text("zipcode", max_length=limits.MAX_ADDRESS_LENGTH),
        f.text("city", max_length=limits.MAX_ADDRESS_LENGTH),
        f.text("state", max_length=limits.MAX_ADDRESS_LENGTH),
        f.text("country", max_length=limits.MAX_ADDRESS_LENGTH),
        f.transform(
            "country",
            "normalize",
            _country,
            "Trimmed and lowercased; `India` becomes `in` (Razorpay returns ISO codes).",
        ),
    ),
    _address,
    note="The path is `customer.billing_address.` or `customer.shipping_address.` inside an "
    "invoice, `billing_address.` or `shipping_address.` in `POST /v1/customers`.",
)


_customer: Final = f.keywords(_TRUSTED_CUSTOMER)


CUSTOMER_RULES: Final = _table(
    "customer",
    "Customer (inline `customer` of a create or an update)",
    "customer.",
    (
        f.extra_keys(CUSTOMER_KEYS, list_paths=True),
        f.reference(
            "id",
            missing=errors.ID_DOES_NOT_EXIST,
            missing_field="customer_id",
            absolute=True,
            note="Null unsets the invoice's customer; a string is looked up when applied "
            "(`The id provided does not exist`, field `customer_id`).",
        ),
        f.text("name", max_length=limits.MAX_CUSTOMER_NAME_LENGTH),
        f.text("email", max_length=limits.MAX_EMAIL_LENGTH),
        f.text("contact", max_length=limits.MAX_CONTACT_LENGTH),
        f.text("gstin", max_length=limits.MAX_GSTIN_LENGTH),
        f.nested("billing_address", lambda: ADDRESS_RULES, table_name="address"),
        f.nested("shipping_address", lambda: ADDRESS_RULES, table_name="address"),
    ),
    _customer,
    note="Without `id`, the fields edit the invoice's customer snapshot, or make a new "
    "customer when the invoice has none. An empty object (`{}`) changes nothing and makes "
    "no customer (Laravel: an empty array is missing), so issuing still needs a customer.",
)


def _create_customer(out: dict[str, Any]) -> CreateCustomer:
    return CreateCustomer(**out)


CUSTOMER_CREATE_RULES: Final = _table(
    "customer_create",
    "POST /v1/customers",
    "",
    (
        f.extra_keys(_CUSTOMER_CREATE_KEYS),
        f.required(("name",)),
        f.text("name", max_length=limits.MAX_CUSTOMER_NAME_LENGTH, nullable=False),
        f.text("email", max_length=limits.MAX_EMAIL_LENGTH),
        f.text("contact", max_length=limits.MAX_CONTACT_LENGTH),
        f.text("gstin", max_length=limits.MAX_GSTIN_LENGTH),
        f.notes("notes", default=True),
        f.nested("billing_address", lambda: ADDRESS_RULES, table_name="address"),
        f.nested("shipping_address", lambda: ADDRESS_RULES, table_name="address"),
    ),
    _create_customer,
    note="The body must be an object (`The body must be an object.`, field `body`).",
)


def _tax(out: dict[str, Any]) -> Tax:
    return Tax(**out)


TAX_RULES: Final = _table(
    "tax",
    "Tax (an element of a line item's `taxes`)",
    "line_items[i].taxes[j].",
    (
        f.extra_keys(_TAX_KEYS, field_is_object=True),
        f.required(("name", "rate")),
        f.string_value("tax_id"),
        f.string_value("name"),
        f.integer("rate", nullable=False),
        f.enum_value("rate_type", tuple(RateType), default=RateType.PERCENTAGE.value),
        f.string_value("group_id"),
        f.string_value("group_name"),
    ),
    _tax,
    note="A percentage `rate` is in basis points (1000 = 10 %); a flat one is minor units "
    "per unit of quantity.",
)

_LINE_ITEM_VALUE_ROWS: Final = (
    f.text("description", max_length=limits.MAX_TEXT_LENGTH),
    f.same_currency("currency"),
    f.line_amount("amount"),
    f.integer("quantity", minimum=1, maximum=limits.MAX_QUANTITY, nullable=False),
    f.text("unit", max_length=limits.MAX_NAME_LENGTH),
    f.strict_boolean("tax_inclusive", default=None),
    f.text("hsn_code", max_length=limits.MAX_CODE_LENGTH),
    f.text("sac_code", max_length=limits.MAX_CODE_LENGTH),
    f.exclusive_values("hsn_code", "sac_code", errors.HSN_AND_SAC_CODE, "hsn_code"),
    f.integer("tax_rate"),
    f.array(
        "taxes",
        f.every(lambda: TAX_RULES),
        maximum=limits.MAX_TAXES,
        too_many=errors.TOO_MANY_ELEMENTS,
        min_one=False,
        element_label="tax",
        table_name="tax",
    ),
)


_new_line: Final = f.keywords(_TRUSTED_LINE)


LINE_ITEM_RULES: Final = _table(
    "line_item",
    "Line item (a new `line_items` element: create, or an update's element without `id`)",
    "line_items[i].",
    (
        f.extra_keys(tuple(key for key in LINE_ITEM_KEYS if key != "id")),
        f.reference(
            "item_id",
            missing=errors.ID_DOES_NOT_EXIST,
            missing_field="item_id",
            note="A string is looked up when applied: `The id provided does not exist`, "
            "`Item cannot be used as it is inactive`, `invoice can only use item of one of "
            "following types: invoice` (field `line_items[i].item_id`). The item's template "
            "fills the fields the element left out.",
        ),
        f.required_without("name", "item_id", errors.NAME_REQUIRED),
        f.required_without("amount", "item_id", errors.AMOUNT_REQUIRED),
        f.text("name", max_length=limits.MAX_NAME_LENGTH),
        *_LINE_ITEM_VALUE_ROWS,
    ),
    _new_line,
    aliases={"unit_amount": "amount"},
    prepare=_unit_amount,
    note="After the template fills what was left out, a null `name` or `amount` is still "
    "refused with the required messages (checked when applied).",
)


def _edited_line(out: dict[str, Any]) -> KeepLineItem | EditLineItem:
    line_id = out.pop("id")
    if not out:
        keep: KeepLineItem = _TRUSTED_KEEP(id=line_id)
        return keep
    edit: EditLineItem = _TRUSTED_EDIT(id=line_id, changes=_TRUSTED_LINE(**out))
    return edit


LINE_ITEM_EDIT_RULES: Final = _table(
    "line_item_edit",
    "Line item edit (an update's `line_items` element with `id`)",
    "line_items[i].",
    (
        f.extra_keys(LINE_ITEM_KEYS),
        f.reference(
            "id",
            missing=errors.ID_DOES_NOT_EXIST,
            missing_field="id",
            nullable=False,
            note="Must name a line item of the invoice (looked up when applied: "
            '`The id provided does not exist`, field `line_items[i].id`). `{"id": ...}` '
            "alone keeps the line item as it is.",
        ),
        f.reference(
            "item_id",
            missing=errors.ID_DOES_NOT_EXIST,
            missing_field="item_id",
            note="Looked up when applied; its template re-applies to the fields the element "
            "left out.",
        ),
        f.not_blank_if_sent("name", errors.NAME_REQUIRED),
        f.not_blank_if_sent("amount", errors.AMOUNT_REQUIRED),
        f.text("name", max_length=limits.MAX_NAME_LENGTH),
        *_LINE_ITEM_VALUE_ROWS,
    ),
    _edited_line,
    aliases={"unit_amount": "amount"},
    prepare=_unit_amount,
    note="Fields left out keep the line item's current values.",
)


def _patch_element(element: Mapping[str, Any]) -> Table:
    return LINE_ITEM_EDIT_RULES if "id" in element else LINE_ITEM_RULES


_INVOICE_LEAD_ROWS: Final = (
    f.refused("amount", errors.AMOUNT_NOT_FOR_INVOICE),
    f.refused("first_payment_min_amount", errors.FIRST_PAYMENT_MIN_AMOUNT_NOT_FOR_INVOICE),
    f.exclusive_keys("customer", "customer_id", errors.EITHER_CUSTOMER, "customer_id"),
    f.selection("draft", {"1": True, "0": False}),
)


def _details_rows(*, create: bool) -> tuple[Rule, ...]:
    return (
        f.text("receipt", max_length=limits.MAX_RECEIPT_LENGTH, min_length=1),
        f.text("description", max_length=limits.MAX_TEXT_LENGTH),
        f.text("terms", max_length=limits.MAX_TEXT_LENGTH),
        f.text("comment", max_length=limits.MAX_TEXT_LENGTH),
        f.notes("notes", default=create),
        f.integer("date", default_at=create),
        f.integer("expire_by", at_least_after_at=limits.MIN_EXPIRY_SECONDS),
        f.flag("partial_payment", default=False if create else None),
        f.integer("billing_start"),
        f.integer("billing_end"),
    )


def _customer_ref(customer_id: str) -> CustomerRef:
    return CustomerRef(id=customer_id)


# The create command, built inline on the fast path: every value has passed the
# table's rows, which state its validators' rules (and more).
_create: Final = f.record(CreateInvoice, details=f.record(Details), unused=("type",))


CREATE_RULES: Final = _table(
    "create",
    "POST /v1/invoices",
    "",
    (
        f.extra_keys(CREATE_KEYS),
        f.constant("type", INVOICE_TYPE, nullable=False, default=INVOICE_TYPE),
        *_INVOICE_LEAD_ROWS,
        f.currency("currency"),
        *_details_rows(create=True),
        f.string_value("customer_id", into="customer", make=_customer_ref),
        f.nested("customer", lambda: CUSTOMER_RULES, table_name="customer"),
        f.flag("sms_notify", default=True),
        f.flag("email_notify", default=True),
        f.array(
            "line_items",
            f.every(lambda: LINE_ITEM_RULES),
            maximum=limits.MAX_LINE_ITEMS,
            too_many=errors.TOO_MANY_LINE_ITEMS,
            min_one=True,
            element_label="line item",
            table_name="line_item",
        ),
        f.text("idempotency_key", max_length=limits.MAX_IDEMPOTENCY_KEY_LENGTH),
    ),
    _create,
    aliases={"invoice_number": "receipt"},
    prepare=_invoice_number,
    note="The body must be an object (`The body must be an object.`, field `body`). "
    "`invoice_number` is read as `receipt`, in the first of their places. Every row "
    "runs before anything is looked up: then the book returns the invoice of a known "
    "`idempotency_key`, looks up `customer_id`, `customer.id` and each `item_id`, "
    'checks receipt uniqueness, and (unless `draft` is `"1"`) the issue checks.',
)


def _update(out: dict[str, Any]) -> dict[str, Any]:
    return out


UPDATE_RULES: Final = _table(
    "update",
    "PATCH /v1/invoices/{id}",
    "",
    (
        f.extra_keys(
            None,
            note="Every key the invoice's status does not accept (see the status table in "
            "`updates.md`), in request order: at most 16, each cut to 64 characters with "
            "`...`, then `, ...` when more were sent. Parsed without a status, the keys a "
            "draft accepts; the status's own keys are checked again when applied.",
        ),
        *_INVOICE_LEAD_ROWS,
        *_details_rows(create=False),
        f.reference(
            "customer_id",
            missing=errors.ID_DOES_NOT_EXIST,
            missing_field="customer_id",
            note="Null unsets the customer; a string is looked up when applied.",
        ),
        f.nested("customer", lambda: CUSTOMER_RULES, table_name="customer"),
        f.flag("sms_notify", default=None),
        f.flag("email_notify", default=None),
        f.array(
            "line_items",
            _patch_element,
            maximum=limits.MAX_LINE_ITEMS,
            too_many=errors.TOO_MANY_LINE_ITEMS,
            min_one=True,
            element_label="line item",
            table_name="line_item_edit` (with `id`) or `line_item",
            note="The new set of line items: an element with `id` keeps (and edits) that line "
            "item (the line item edit table), one without adds a line item (the line item "
            "table). The length is checked before any element is read; when applied, the "
            "result may not hold more than 50 either.",
        ),
    ),
    _update,
    aliases={"invoice_number": "receipt"},
    prepare=_invoice_number,
    note="Rows run in this order, whatever the request's key order; the applied changes "
    "and the `invoice.updated` event keep the request's order. When applied: the status "
    "(`Operation not allowed ...`), the status's keys, `expire_by` against the clock, "
    "`customer_id` and item lookups, each element's `id` on the invoice, the currency "
    'minimum of merged line items, then (with `draft` `"0"`) the issue checks.',
)

PAYMENT_RULES: Final = _table(
    "payment",
    "POST /sim/invoices/{id}/payments",
    "",
    (
        f.extra_keys(_PAYMENT_KEYS),
        f.required(_PAYMENT_KEYS),
        f.integer("amount", minimum=1, nullable=False),
        f.text(
            "payment_id",
            max_length=limits.MAX_PAYMENT_ID_LENGTH,
            min_length=1,
            nullable=False,
            printable_ascii=True,
        ),
    ),
    lambda out: CapturePayment(**out),
    note="The body must be an object (`The body must be an object.`, field `body`). When "
    "applied: the invoice's status, the amount due, partial payments, a payment id "
    "already captured.",
)


def _query(out: dict[str, Any]) -> FetchQuery:
    return FetchQuery(
        type=out["type"],
        payment_id=out.get("payment_id"),
        receipt=out.get("receipt"),
        customer_id=out.get("customer_id"),
        from_=out["from"],
        to=out["to"],
        count=out["count"],
        skip=out["skip"],
    )


_QUERY_ROWS: Final = (
    f.extra_keys(FETCH_KEYS),
    f.constant("type", INVOICE_TYPE, nullable=True, default=None),
    f.query_integer(
        "count", minimum=1, maximum=limits.FETCH_MAX_COUNT, default=limits.FETCH_DEFAULT_COUNT
    ),
    f.query_integer("skip", minimum=0, maximum=limits.MAX_AMOUNT, default=0),
    f.query_integer("from", minimum=0, maximum=limits.MAX_AMOUNT, default=None),
    f.query_integer("to", minimum=0, maximum=limits.MAX_AMOUNT, default=None),
    f.query_text("payment_id", max_length=limits.MAX_FILTER_LENGTH),
    f.query_text("receipt", max_length=limits.MAX_FILTER_LENGTH),
    f.query_text("customer_id", max_length=limits.MAX_FILTER_LENGTH),
)

FETCH_QUERY_RULES: Final = _table(
    "query",
    "GET /v1/invoices (query)",
    "",
    _QUERY_ROWS,
    _query,
    note="A missing query is `{}`; anything but an object is `The query must be an object.` "
    '(field `query`). Values may be URL strings or JSON integers (`"2"` and `2` agree); '
    "null is the same as absent.",
)

FETCH_BY_ID_QUERY_RULES: Final = _table(
    "query_by_id",
    "GET /v1/invoices/{id} (query)",
    "",
    _QUERY_ROWS,
    _query,
    note="The list's rules, checked before the id is looked up; the values do not filter "
    "the fetch.",
)

ITEM_RULES: Final = _table(
    "item",
    "POST /v1/items",
    "",
    (
        f.extra_keys(_ITEM_KEYS),
        f.required(("name", "amount")),
        f.currency("currency"),
        f.text("name", max_length=limits.MAX_NAME_LENGTH, nullable=False),
        f.text("description", max_length=limits.MAX_TEXT_LENGTH),
        f.line_amount("amount"),
        f.strict_boolean("active", default=True),
        f.text("unit", max_length=limits.MAX_NAME_LENGTH),
    ),
    lambda out: CreateItem(**out),
    note="The body must be an object (`The body must be an object.`, field `body`).",
)

TABLES: Final[tuple[Table, ...]] = (
    CREATE_RULES,
    UPDATE_RULES,
    LINE_ITEM_RULES,
    LINE_ITEM_EDIT_RULES,
    TAX_RULES,
    CUSTOMER_RULES,
    ADDRESS_RULES,
    CUSTOMER_CREATE_RULES,
    PAYMENT_RULES,
    FETCH_QUERY_RULES,
    FETCH_BY_ID_QUERY_RULES,
    ITEM_RULES,
)
"""Every table, endpoints first: what ``document()`` and the generated pages read."""


# ---------------------------------------------------------------------------
# Parsers
# ---------------------------------------------------------------------------


def _object(value: object, name: str) -> Mapping[str, Any]:
    if not v.is_object(value):
        raise errors.MUST_BE.error(field=name, attribute=name, expected="an object")
    return value


def _run_body(table: Table, payload: object, context: Context) -> Any:  # noqa: ANN401 - the table's value
    """``f.run`` of a request body, a dict going straight to the table's fast path.

    The fast path gives up (``BAIL``) on anything odd, a key that is not a
    string included; then the body is checked to be an object and the rows
    run, without trying the fast path a second time.
    """
    fast = table.fast_run
    if fast is not None and type(payload) is dict:
        # The shape's own function when known: the entry's lookup, without its call.
        special = fast.shapes.get(tuple(payload))  # type: ignore[attr-defined]
        made = fast(payload, context) if special is None else special(payload, context)
        if made is not f.BAIL:
            return made
        context = f._context(context.at, context.currency, context.accepted, fast=False)  # noqa: SLF001
    return f.run(table, _object(payload, "body"), "", context)


def parse_create(payload: object, *, at: int) -> CreateInvoice:
    """A create request checked in full (every check that needs no lookup), typed.

    ``date`` defaults to ``at`` when the key is absent (an explicit null stays
    null, as on Razorpay); ``expire_by`` must be at least 15 minutes after ``at``.
    """
    at = v.check_integer(at, "at")
    result: CreateInvoice = _run_body(CREATE_RULES, payload, f._context(at, None))  # noqa: SLF001
    return result


def parse_update(
    payload: object,
    *,
    status: Status | None = None,
    currency: str | None = None,
    at: int | None = None,
) -> UpdateInvoice:
    """An update request checked and typed; the applied changes keep the request's key order.

    With the invoice's ``status``, the keys that status does not accept are
    refused first. With its ``currency``, new and edited line items are checked
    against it here; with ``at``, ``expire_by`` is checked against the clock
    here. Whatever is not given here is checked when the update is applied.
    """
    status = Status.DRAFT if status is None else v.to_enum(Status, status, "status")
    if currency is not None:
        currency = amounts.get_currency(currency).code
    if at is not None:
        at = v.check_integer(at, "at")
    body = _invoice_number(_object(payload, "body"))
    context = f._context(at, currency, _UPDATABLE[status])  # noqa: SLF001
    out: dict[str, Any] = f.run(UPDATE_RULES, body, "", context)
    if "line_items" in out:
        out["line_items"] = tuple(_as_patch(element) for element in out["line_items"])
    return UpdateInvoice(keys=tuple(body), **out)


_UPDATABLE: Final = MappingProxyType({status: frozenset(update_keys(status)) for status in Status})
"""The keys each status's update accepts, as the parser's context takes them."""


def _as_patch(element: LineItemInput | KeepLineItem | EditLineItem) -> LineItemPatch:
    if isinstance(element, LineItemInput):
        return AddLineItem(line=element)
    return element


def parse_line_items_patch(
    payload: object, *, currency: str | None = None
) -> tuple[LineItemPatch, ...]:
    """A ``line_items`` value of an update, as typed keep/edit/add elements."""
    return parse_update({"line_items": payload}, currency=currency).line_items  # type: ignore[return-value]


def parse_payment(payload: object) -> CapturePayment:
    """The simulator's captured payment: ``{"amount": int, "payment_id": "pay_..."}``."""
    result: CapturePayment = _run_body(PAYMENT_RULES, payload, f._context(None, None))  # noqa: SLF001
    return result


def parse_fetch_query(query: object) -> FetchQuery:
    """``GET /v1/invoices`` query: values as URL strings or integers (``"2"`` and ``2`` agree)."""
    if query is None:
        return _no_query(FETCH_QUERY_RULES)
    result: FetchQuery = f.run(FETCH_QUERY_RULES, _object(query, "query"), "", Context())
    return result


def parse_fetch_by_id_query(query: object) -> FetchQuery:
    """``GET /v1/invoices/{id}`` query: the list's rules, checked before the id is looked up."""
    if query is None:
        return _no_query(FETCH_BY_ID_QUERY_RULES)
    result: FetchQuery = f.run(FETCH_BY_ID_QUERY_RULES, _object(query, "query"), "", Context())
    return result


def _no_query(table: Table) -> FetchQuery:
    """What an absent query gives: the table's defaults, one immutable value made once."""
    made = _NO_QUERY.get(table.name)  # a cache: a miss makes the value
    if made is None:
        made = _NO_QUERY[table.name] = f.run(table, {}, "", Context())
    return made


_NO_QUERY: Final[dict[str, FetchQuery]] = {}
"""The value of an absent query, by table name, once made (``_no_query``)."""


def parse_customer(payload: object) -> CreateCustomer:
    """``POST /v1/customers``: ``name`` required; contact details, notes, addresses."""
    result: CreateCustomer = f.run(CUSTOMER_CREATE_RULES, _object(payload, "body"), "", Context())
    return result


def parse_item(payload: object) -> CreateItem:
    """``POST /v1/items``: ``name`` and ``amount`` required, ``currency`` INR by default."""
    result: CreateItem = f.run(ITEM_RULES, _object(payload, "body"), "", Context())
    return result


# ---------------------------------------------------------------------------
# The tables as documents
# ---------------------------------------------------------------------------

PAGES: Final[Mapping[str, tuple[str, tuple[Table, ...]]]] = {
    "create": ("Create an invoice", (CREATE_RULES, CUSTOMER_RULES, ADDRESS_RULES)),
    "update": ("Update an invoice", (UPDATE_RULES, CUSTOMER_RULES, ADDRESS_RULES)),
    "line-item": (
        "Line items and taxes",
        (LINE_ITEM_RULES, LINE_ITEM_EDIT_RULES, TAX_RULES),
    ),
    "customer": ("Customers", (CUSTOMER_CREATE_RULES, CUSTOMER_RULES, ADDRESS_RULES)),
    "payment": ("Payments", (PAYMENT_RULES,)),
    "query": ("Fetch queries", (FETCH_QUERY_RULES, FETCH_BY_ID_QUERY_RULES)),
    "item": ("Items", (ITEM_RULES,)),
}
"""The generated pages of ``docs/requests/``: slug -> (title, tables shown)."""


def document() -> dict[str, Any]:
    """Every table as JSON: for ports, conformance suites and fuzzers that generate from them."""
    return {
        "extra_keys": {
            "message": errors.EXTRA_FIELDS.template,
            "listed_at_most": limits.MAX_EXTRA_KEYS_LISTED,
            "key_cut_at": limits.MAX_EXTRA_KEY_LENGTH,
            "more": ", ...",
        },
        "required": "Laravel's: null, a blank or whitespace-only string, [] and {} are missing",
        "tables": {table.name: table.to_json() for table in TABLES},
    }


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _limits(rule: Rule) -> str:
    if not rule.limits:
        return ""
    return "; ".join(f"{key}: `{json.dumps(value)}`" for key, value in rule.limits.items())


def _render_table(table: Table) -> list[str]:
    lines = [f"## {table.title}", ""]
    if table.note:
        lines += [table.note, ""]
    path = table.path or "(the body)"
    lines += [f"Field path prefix: `{path}`.", ""]
    if table.aliases:
        renamed = ", ".join(f"`{old}` -> `{new}`" for old, new in table.aliases.items())
        lines += [f"Before the first row, keys are renamed: {renamed}.", ""]
    lines += [
        "| # | key | kind | required | null | limits | notes |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for number, rule in enumerate(table.rules, 1):
        default = f" Default: `{rule.default}`." if rule.default is not None else ""
        nested = f" Checked with the `{rule.table}` rules." if rule.table else ""
        lines.append(
            f"| {number} | `{rule.name}` | {rule.kind} | {rule.required} "
            f"| {'yes' if rule.nullable else 'no'} | {_cell(_limits(rule))} "
            f"| {_cell(rule.note + default + nested)} |"
        )
    lines += ["", "Messages, in check order, with the `field` each carries:", ""]
    lines += ["| # | code | description | field |", "| --- | --- | --- | --- |"]
    for number, rule in enumerate(table.rules, 1):
        for error in rule.errors:
            where = f"{table.path}{error.field}" if error.field else table.path.removesuffix(".")
            lines.append(
                f"| {number} | `{error.code}` | `{_cell(error.description)}` "
                f"| `{where or 'null'}` |"
            )
    return [*lines, ""]


def render_page(slug: str) -> str:
    """The Markdown of one ``docs/requests/`` page, generated from the tables.

    ``slug`` is one of ``PAGES``; anything else is ``The slug must be one of ...``.
    """
    if type(slug) is not str or slug not in PAGES:
        raise errors.MUST_BE.error(
            field="slug", attribute="slug", expected="one of " + ", ".join(PAGES)
        )
    title, tables = PAGES[slug]
    lines = [
        f"# {title}",
        "",
        (
            "<!-- Generated from invoicecore.requests by tests/test_requests_docs.py: "
            "INVOICECORE_WRITE_DOCS=1 to regenerate. -->"
        ),
        "",
        (
            "Rows run top to bottom; the first failing row answers. `required` is Laravel's: "
            "null, a blank or whitespace-only string, `[]` and `{}` are missing. Extra keys "
            "are listed in request order, at most 16, each cut to 64 characters with `...`, "
            "then `, ...` when more were sent. In a field, `i` and `j` are element indexes "
            "(`line_items[0].taxes[1].rate`)."
        ),
        "",
    ]
    for table in tables:
        lines += _render_table(table)
    return "\n".join(lines).rstrip("\n") + "\n"
