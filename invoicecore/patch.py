"""Line items from request elements, and the ``line_items`` patch-replace merge.

Razorpay treats ``line_items`` in a PATCH as the new set: an element with an
``id`` keeps (and edits) that line item, an element without one adds a new
line item, and every existing line item whose id is absent is dropped.
Survivors keep their relative order; new items follow in input order.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Final

import attrs

from invoicecore import _validators as v
from invoicecore import amounts, errors, limits
from invoicecore.commands import (
    UNSET,
    AddLineItem,
    EditLineItem,
    KeepLineItem,
    LineItemInput,
    LineItemPatch,
)
from invoicecore.entities import LINE_ITEM_TYPE, Invoice, Item, LineItem

__all__ = [
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
    element: LineItemInput,
    *,
    id: str,
    currency: str,
    items: Catalogue | None = None,
    field: str = "line_items[0]",
) -> LineItem:
    """A new line item from a parsed element: its ``item_id`` template fills what it left out."""
    _check_element(element, field)
    template = _template(element.item_id, items, field)
    base: Sequence[object] = _NEW
    item_id = None
    if template is not None:
        base, item_id = _merged(template, base), template.id
    return _line_item(
        _merged(element, base), id=id, item_id=item_id, currency=currency, field=field
    )


def edit_line_item(
    line: LineItem,
    changes: LineItemInput,
    *,
    currency: str,
    items: Catalogue | None = None,
    field: str = "line_items[0]",
) -> LineItem:
    """``line`` with the parsed element's fields applied; fields left out keep their values.

    An ``item_id`` in the element re-applies that item's template to the fields
    the element left out.
    """
    v.check_type(line, LineItem, "line", "a LineItem")
    _check_element(changes, field)
    template = _template(changes.item_id, items, field)
    base: Sequence[object] = _READ(line)
    item_id = line.item_id
    if template is not None:
        base, item_id = _merged(template, base), template.id
    return _line_item(
        _merged(changes, base), id=line.id, item_id=item_id, currency=currency, field=field
    )


def merge_line_items(
    existing: tuple[LineItem, ...],
    elements: tuple[LineItemPatch, ...],
    *,
    currency: str,
    new_id: IdSource,
    items: Catalogue | None = None,
) -> LineItemsPlan:
    """Razorpay's patch-replace of ``line_items`` (reference section 3.2), from parsed elements.

    Ids not on this invoice fail with ``The id provided does not exist`` and
    nothing changes. The same id twice edits the item twice: the last write wins.
    """
    _check_merge_arguments(existing, elements, currency, new_id, items)
    if not elements:
        raise errors.LINE_ITEMS_EMPTY.error(field="line_items")
    if len(elements) > limits.MAX_LINE_ITEMS:
        raise errors.TOO_MANY_LINE_ITEMS.error(field="line_items", limit=limits.MAX_LINE_ITEMS)
    by_id = {line.id: line for line in existing}
    edited: dict[str, LineItem] = {}
    added: list[LineItem] = []
    for index, element in enumerate(elements):
        field = f"line_items[{index}]"
        if isinstance(element, (KeepLineItem, EditLineItem)):
            edited[element.id] = _kept(element, by_id, edited, currency, items, field)
        elif isinstance(element, AddLineItem):
            line_id = v.check_id(new_id("li"), "new_id")
            if line_id in by_id or any(line.id == line_id for line in added):
                raise errors.EMBEDDER_ID_COLLISION.error(field="new_id", id=line_id)
            added.append(
                build_line_item(
                    element.line, id=line_id, currency=currency, items=items, field=field
                )
            )
        else:
            raise errors.MUST_BE.error(
                field=field,
                attribute="line item",
                expected="a KeepLineItem, EditLineItem or AddLineItem",
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


def _check_merge_arguments(
    existing: object, elements: object, currency: object, new_id: object, items: object
) -> None:
    if not isinstance(existing, tuple) or not all(isinstance(x, LineItem) for x in existing):
        raise v.must_be("existing", "a tuple of LineItem")
    if not isinstance(elements, tuple):
        raise v.must_be("line_items", "a tuple of line item patches")
    amounts.get_currency(currency)
    if not callable(new_id):
        raise v.must_be("new_id", "an id source")
    if items is not None and not isinstance(items, Mapping):
        raise v.must_be("items", "a mapping or None")


def _kept(  # noqa: PLR0917 - a private step of merge_line_items
    element: KeepLineItem | EditLineItem,
    by_id: Mapping[str, LineItem],
    edited: Mapping[str, LineItem],
    currency: str,
    items: Catalogue | None,
    field: str,
) -> LineItem:
    if element.id not in by_id:
        raise errors.ID_DOES_NOT_EXIST.error(field=f"{field}.id")
    base = edited.get(element.id, by_id[element.id])
    if isinstance(element, EditLineItem):
        return edit_line_item(base, element.changes, currency=currency, items=items, field=field)
    return base


def id_source(new_id: object) -> IdSource:
    """``new_id`` checked: a callable giving non-empty strings (``None``: no ids to give)."""
    if new_id is None:

        def missing(prefix: str) -> str:
            # The embedding program's mistake, not the client's (decisions, second set).
            raise errors.EMBEDDER_ARGUMENT_MISSING.error(
                field="new_id", argument=f"an id source (for a new {prefix} id)"
            )

        return missing
    if not callable(new_id):
        raise v.must_be("new_id", "a function")

    def checked(prefix: str) -> str:
        return v.check_id(new_id(prefix), "new_id")

    return checked


def plan_line_items_patch(
    invoice: Invoice, patch: tuple[LineItemPatch, ...], *, items: Catalogue | None = None
) -> LineItemsPlan:
    """What a ``line_items`` patch (``requests.parse_line_items_patch``) would keep, drop and add.

    Nothing is applied; new line items get provisional ids (``li_new_1``,
    ``li_new_2`` ...). The replace-the-set rule surprises people: this shows
    its effect first.
    """
    v.check_type(invoice, Invoice, "invoice", "an Invoice")
    counter = iter(range(1, 1 + 2 * limits.MAX_LINE_ITEMS * 100))
    return merge_line_items(
        invoice.line_items,
        patch,
        currency=invoice.currency,
        new_id=lambda prefix: f"{prefix}_new_{next(counter)}",
        items=items,
    )


# ---------------------------------------------------------------------------


_FIELDS: Final = tuple(field.name for field in attrs.fields(LineItemInput))
"""The fields an element can set, in its order (``_line_item`` unpacks them so)."""
_READ: Final = operator.attrgetter(*_FIELDS)
"""Those fields of an element or a line item, as a tuple in that order."""
_DEFAULTS: Final = MappingProxyType({"quantity": 1, "tax_inclusive": False, "taxes": ()})
"""A new line item's values where neither its element nor its template gives one (else null)."""
_NEW: Final = tuple(_DEFAULTS.get(name) for name in _FIELDS)


def _check_element(element: object, field: str) -> None:
    if not isinstance(element, LineItemInput):
        raise errors.MUST_BE.error(field=field, attribute="line item", expected="a LineItemInput")


def _merged(source: LineItemInput | Item, base: Sequence[object]) -> list[object]:
    """``base`` with what ``source`` gives: an element's sent fields, a template's fields."""
    if isinstance(source, Item):
        return [
            getattr(source, name) if name in TEMPLATE_FIELDS else kept
            for name, kept in zip(_FIELDS, base, strict=True)
        ]
    (  # LineItemInput's fields, in its order (_FIELDS): written out, no loop per field
        item_id,
        name,
        description,
        amount,
        currency,
        quantity,
        unit,
        tax_inclusive,
        hsn_code,
        sac_code,
        tax_rate,
        taxes,
    ) = _READ(source)
    return [
        base[0] if item_id is UNSET else item_id,
        base[1] if name is UNSET else name,
        base[2] if description is UNSET else description,
        base[3] if amount is UNSET else amount,
        base[4] if currency is UNSET else currency,
        base[5] if quantity is UNSET else quantity,
        base[6] if unit is UNSET else unit,
        base[7] if tax_inclusive is UNSET else tax_inclusive,
        base[8] if hsn_code is UNSET else hsn_code,
        base[9] if sac_code is UNSET else sac_code,
        base[10] if tax_rate is UNSET else tax_rate,
        base[11] if taxes is UNSET else taxes,
    ]


def _template(item_id: object, items: Catalogue | None, field: str) -> Item | None:
    """The item an element's ``item_id`` names (``None``: no template), checked usable."""
    if item_id is None or item_id is UNSET:
        return None
    if items is not None and not isinstance(items, Mapping):
        raise v.must_be("items", "a mapping")
    item = items.get(item_id) if isinstance(item_id, str) and items is not None else None
    if not isinstance(item, Item):
        raise errors.ID_DOES_NOT_EXIST.error(field=f"{field}.item_id")
    if not item.active:
        raise errors.ITEM_INACTIVE.error(field=f"{field}.item_id")
    if item.type != LINE_ITEM_TYPE:
        raise errors.ITEM_WRONG_TYPE.error(field=f"{field}.item_id")
    return item


def _line_item(
    values: Sequence[object], *, id: str, item_id: str | None, currency: str, field: str
) -> LineItem:
    """The checks that need the merged values (presence, a template's currency, the currency's
    minimum), then ``LineItem``'s own."""
    (  # LineItemInput's fields, in its order
        _,  # item_id: the caller's, from the template or the line
        name,
        description,
        amount,
        given_currency,
        quantity,
        unit,
        tax_inclusive,
        hsn_code,
        sac_code,
        tax_rate,
        taxes,
    ) = values
    if name is None:
        raise errors.NAME_REQUIRED.error(field=f"{field}.name")
    if amount is None:
        raise errors.AMOUNT_REQUIRED.error(field=f"{field}.amount")
    if given_currency is not None and given_currency != currency:
        raise errors.CURRENCY_MISMATCH.error(field=f"{field}.currency")
    limits.check_line_amount(amount, amounts.get_currency(currency), f"{field}.amount")
    if hsn_code is not None and sac_code is not None:
        raise errors.HSN_AND_SAC_CODE.error(field=f"{field}.hsn_code")
    return _NEW_LINE_ITEM(  # LineItem's fields in order; its __attrs_post_init__ checks them
        id,
        item_id,
        None,  # ref_id
        None,  # ref_type
        name,
        description,
        amount,
        currency,
        LINE_ITEM_TYPE,  # type
        tax_inclusive,
        hsn_code,
        sac_code,
        tax_rate,
        unit,
        quantity,
        taxes,
    )


_NEW_LINE_ITEM: Final = v.slot_constructor(LineItem, check=True)


def _changes(old: LineItem, new: LineItem) -> Mapping[str, tuple[object, object]]:
    if old is new:
        return {}
    return {
        name: (before, after)
        for name, before, after in zip(_LINE_FIELDS, _READ_LINE(old), _READ_LINE(new), strict=True)
        if before != after
    }


_LINE_FIELDS: Final = tuple(field.name for field in attrs.fields(LineItem))
_READ_LINE: Final = operator.attrgetter(*_LINE_FIELDS)
