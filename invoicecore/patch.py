"""Line items from request elements, and the ``line_items`` patch-replace merge.

Razorpay treats ``line_items`` in a PATCH as the new set: an element with an
``id`` keeps (and edits) that line item, an element without one adds a new
line item, and every existing line item whose id is absent is dropped.
Survivors keep their relative order; new items follow in input order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

import attrs

from invoicecore import _validators as v
from invoicecore import errors, limits
from invoicecore.amounts import RateType, Tax
from invoicecore.entities import LINE_ITEM_TYPE, Invoice, Item, LineItem

__all__ = [
    "LINE_ITEM_KEYS",
    "TEMPLATE_FIELDS",
    "Catalogue",
    "IdSource",
    "KeptLineItem",
    "LineItemsPlan",
    "build_line_item",
    "edit_line_item",
    "id_source",
    "merge_line_items",
    "plan_line_items_patch",
]

Catalogue = Mapping[str, Item]
"""Where ``item_id`` is looked up: any mapping from item id to ``Item``."""
IdSource = Callable[[str], str]
"""Gives a fresh id for a prefix (``"li"``, ``"cust"``, ``"addr"``). The caller owns it,
so the core never makes ids; a book commits what it handed out only on success."""

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
"""The keys a ``line_items`` element may carry (the wire renames ``unit_amount`` to ``amount``)."""
TEMPLATE_FIELDS: Final = (
    "name",
    "description",
    "amount",
    "currency",
    "unit",
    "tax_inclusive",
    "hsn_code",
    "sac_code",
    "tax_rate",
)
"""What a line item takes from its ``item_id`` when the element lacks it."""

_TAX_KEYS: Final = ("tax_id", "name", "rate", "rate_type", "group_id", "group_name")


@attrs.frozen(kw_only=True)
class KeptLineItem:
    """A line item the patch keeps, with each field it changes as ``(old, new)``."""

    id: str
    changes: Mapping[str, tuple[object, object]]


@attrs.frozen(kw_only=True)
class LineItemsPlan:
    """What a ``line_items`` patch does, before (or instead of) doing it.

    Attributes:
        kept: survivors, in their old order, with the fields each changes.
        dropped: ids of the line items the patch removes.
        added: the new line items, in input order.
        line_items: the resulting line items: ``kept`` then ``added``.
    """

    kept: tuple[KeptLineItem, ...]
    dropped: tuple[str, ...]
    added: tuple[LineItem, ...]
    line_items: tuple[LineItem, ...]


def build_line_item(
    element: object,
    *,
    id: str,
    currency: str,
    items: Catalogue | None = None,
    field: str = "line_items[0]",
) -> LineItem:
    """A new line item from a request element, under Razorpay's create rules."""
    values = _element(element, field, allow_id=False)
    template = _template(values, items, field)
    missing: dict[str, object] = {
        k: template[k] for k in TEMPLATE_FIELDS if k not in values and k in template
    }
    merged: dict[str, object] = {**missing, **values}
    if "name" not in merged or merged["name"] is None:
        raise errors.NAME_REQUIRED.error(field=f"{field}.name")
    if "amount" not in merged or merged["amount"] is None:
        raise errors.AMOUNT_REQUIRED.error(field=f"{field}.amount")
    return _line_item(merged, id=id, item_id=template.get("id"), currency=currency, field=field)


def edit_line_item(
    line: LineItem,
    element: object,
    *,
    currency: str,
    items: Catalogue | None = None,
    field: str = "line_items[0]",
) -> LineItem:
    """``line`` with the element's keys applied under the edit rules; absent keys keep their values.

    An ``item_id`` in the element re-applies that item's template to the keys
    the element lacks.
    """
    values = _element(element, field, allow_id=True)
    template = _template(values, items, field)
    current: dict[str, object] = {name: getattr(line, name) for name in TEMPLATE_FIELDS}
    current.update(quantity=line.quantity, taxes=line.taxes)
    current.update({k: template[k] for k in TEMPLATE_FIELDS if k in template})
    merged = {**current, **{k: value for k, value in values.items() if k != "id"}}
    item_id = template.get("id", line.item_id)
    return _line_item(merged, id=line.id, item_id=item_id, currency=currency, field=field)


def merge_line_items(
    existing: tuple[LineItem, ...],
    elements: object,
    *,
    currency: str,
    new_id: IdSource,
    items: Catalogue | None = None,
) -> LineItemsPlan:
    """Razorpay's patch-replace of ``line_items`` (reference section 3.2).

    Ids not on this invoice fail with ``The id provided does not exist`` and
    nothing changes. The same id twice edits the item twice: the last write wins.
    """
    if not isinstance(elements, (list, tuple)):
        raise errors.MUST_BE.error(field="line_items", attribute="line items", expected="an array")
    if not elements:
        raise errors.LINE_ITEMS_EMPTY.error(field="line_items")
    by_id = {line.id: line for line in existing}
    edited: dict[str, LineItem] = {}
    added: list[LineItem] = []
    for index, element in enumerate(elements):
        field = f"line_items[{index}]"
        if isinstance(element, Mapping) and "id" in element:
            line_id = element["id"]
            if not isinstance(line_id, str) or line_id not in by_id:
                raise errors.ID_DOES_NOT_EXIST.error(field=f"{field}.id")
            base = edited.get(line_id, by_id[line_id])
            edited[line_id] = edit_line_item(
                base, element, currency=currency, items=items, field=field
            )
        else:
            line_id = new_id("li")
            if line_id in by_id or any(line.id == line_id for line in added):
                raise errors.MUST_BE.error(field="new_id", attribute="new id", expected="unique")
            added.append(
                build_line_item(element, id=line_id, currency=currency, items=items, field=field)
            )
    kept = tuple(edited[line.id] for line in existing if line.id in edited)
    result = kept + tuple(added)
    if len(result) > limits.MAX_LINE_ITEMS:
        raise errors.TOO_MANY_LINE_ITEMS.error(field="line_items", limit=limits.MAX_LINE_ITEMS)
    return LineItemsPlan(
        kept=tuple(
            KeptLineItem(id=line.id, changes=_changes(by_id[line.id], line)) for line in kept
        ),
        dropped=tuple(line.id for line in existing if line.id not in edited),
        added=tuple(added),
        line_items=result,
    )


def id_source(new_id: object) -> IdSource:
    """``new_id`` checked: a callable giving non-empty strings (``None``: no ids to give)."""
    if new_id is None:

        def missing(_prefix: str) -> str:
            raise errors.REQUIRED.error(field="new_id", attribute="new id")

        return missing
    if not callable(new_id):
        raise errors.MUST_BE.error(field="new_id", attribute="new id", expected="a function")

    def checked(prefix: str) -> str:
        return v.check_id(new_id(prefix), "new_id")

    return checked


def plan_line_items_patch(
    invoice: Invoice, payload: object, *, items: Catalogue | None = None
) -> LineItemsPlan:
    """What sending ``payload`` as ``line_items`` would keep, drop and add; nothing is applied.

    New line items get provisional ids (``li_new_1``, ``li_new_2`` ...).
    The replace-the-set rule surprises people: this shows its effect first.
    """
    v.check_type(invoice, Invoice, "invoice", "an Invoice")
    counter = iter(range(1, 1 + 2 * limits.MAX_LINE_ITEMS * 100))
    return merge_line_items(
        invoice.line_items,
        payload,
        currency=invoice.currency,
        new_id=lambda prefix: f"{prefix}_new_{next(counter)}",
        items=items,
    )


# ---------------------------------------------------------------------------


def _element(element: object, field: str, *, allow_id: bool) -> dict[str, object]:
    if not v.is_object(element):
        raise errors.MUST_BE.error(field=field, attribute="line item", expected="an object")
    extras = [k for k in element if k not in LINE_ITEM_KEYS or (k == "id" and not allow_id)]
    if extras:
        raise errors.EXTRA_FIELDS.error(field=f"{field}.{extras[0]}", keys=", ".join(extras))
    return dict(element)


def _template(
    values: Mapping[str, object], items: Catalogue | None, field: str
) -> dict[str, object]:
    item_id = values.get("item_id")
    if item_id is None:
        return {}
    if items is not None and not isinstance(items, Mapping):
        raise errors.MUST_BE.error(field="items", attribute="items", expected="a mapping")
    item = items.get(item_id) if isinstance(item_id, str) and items is not None else None
    if not isinstance(item, Item):
        raise errors.ID_DOES_NOT_EXIST.error(field=f"{field}.item_id")
    if not item.active:
        raise errors.ITEM_INACTIVE.error(field=f"{field}.item_id")
    if item.type != LINE_ITEM_TYPE:
        raise errors.ITEM_WRONG_TYPE.error(field=f"{field}.item_id")
    return {"id": item.id, **{name: getattr(item, name) for name in TEMPLATE_FIELDS}}


def _line_item(
    values: Mapping[str, object], *, id: str, item_id: object, currency: str, field: str
) -> LineItem:
    name = limits.check_text(
        values.get("name"), f"{field}.name", maximum=limits.MAX_NAME_LENGTH, nullable=False
    )
    description = limits.check_text(values.get("description"), f"{field}.description")
    given_currency = values.get("currency", currency)
    if given_currency is None:
        given_currency = currency
    if given_currency != currency:
        raise errors.CURRENCY_MISMATCH.error(field=f"{field}.currency")
    amount = limits.check_line_amount(values.get("amount"), currency, f"{field}.amount")
    quantity = v.check_integer(
        values.get("quantity", 1), f"{field}.quantity", minimum=1, maximum=v.MAX_QUANTITY
    )
    unit = limits.check_text(values.get("unit"), f"{field}.unit", maximum=limits.MAX_NAME_LENGTH)
    tax_inclusive = values.get("tax_inclusive", False)
    limits.check_boolean(tax_inclusive, f"{field}.tax_inclusive")
    codes = {
        key: limits.check_text(values.get(key), f"{field}.{key}", maximum=limits.MAX_CODE_LENGTH)
        for key in ("hsn_code", "sac_code")
    }
    if codes["hsn_code"] is not None and codes["sac_code"] is not None:
        raise errors.HSN_AND_SAC_CODE.error(field=f"{field}.hsn_code")
    tax_rate = values.get("tax_rate")
    if tax_rate is not None:
        v.check_integer(tax_rate, f"{field}.tax_rate")
    return LineItem(
        id=id,
        item_id=item_id if isinstance(item_id, str) else None,
        name=name or "",
        description=description,
        amount=amount,
        currency=currency,
        quantity=quantity,
        unit=unit,
        tax_inclusive=bool(tax_inclusive),
        hsn_code=codes["hsn_code"],
        sac_code=codes["sac_code"],
        tax_rate=tax_rate if isinstance(tax_rate, int) else None,
        taxes=_taxes(values.get("taxes", ()), f"{field}.taxes"),
    )


def _taxes(value: object, field: str) -> tuple[Tax, ...]:
    if isinstance(value, tuple) and all(isinstance(tax, Tax) for tax in value):
        return value
    if not isinstance(value, (list, tuple)):
        raise errors.MUST_BE.error(field=field, attribute="taxes", expected="an array")
    if len(value) > limits.MAX_TAXES:
        raise errors.TOO_MANY_ELEMENTS.error(
            field=field, attribute="taxes", maximum=limits.MAX_TAXES
        )
    return tuple(_tax(element, f"{field}[{index}]") for index, element in enumerate(value))


def _tax(element: object, where: str) -> Tax:
    if isinstance(element, Tax):
        return element
    if not v.is_object(element):
        raise errors.MUST_BE.error(field=where, attribute="tax", expected="an object")
    extras = [k for k in element if k not in _TAX_KEYS]
    if extras:
        raise errors.EXTRA_FIELDS.error(field=where, keys=", ".join(extras))
    for required in ("name", "rate"):
        if required not in element:
            raise errors.REQUIRED.error(field=f"{where}.{required}", attribute=required)
    if "rate_type" in element and element["rate_type"] not in tuple(RateType):
        raise errors.INVALID_SELECTION.error(field=f"{where}.rate_type", attribute="rate type")
    return Tax(**element)  # type: ignore[arg-type]  # Tax's validators check each value


def _changes(old: LineItem, new: LineItem) -> Mapping[str, tuple[object, object]]:
    return {
        field.name: (getattr(old, field.name), getattr(new, field.name))
        for field in attrs.fields(LineItem)
        if getattr(old, field.name) != getattr(new, field.name)
    }
