"""attrs validators that raise this library's errors, never a bare TypeError."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from enum import Enum
from types import MemberDescriptorType
from typing import TYPE_CHECKING, Any, Final, TypeGuard, TypeVar

from invoicecore import errors

if TYPE_CHECKING:
    from collections.abc import Callable

    import attrs

__all__ = [
    "ABSENT",
    "MAX_AMOUNT",
    "MAX_ECHO",
    "MAX_QUANTITY",
    "PHP_TRIMMED",
    "attribute_label",
    "blank",
    "boolean",
    "check_field_name",
    "check_id",
    "check_integer",
    "check_type",
    "checked_once",
    "construction_source",
    "echo",
    "evolve",
    "field_check",
    "integer",
    "is_object",
    "must_be",
    "optional_integer",
    "optional_string",
    "passes_when",
    "slot_constructor",
    "string",
    "text",
    "to_enum",
    "trusted_class",
    "trusted_constructor",
]

E = TypeVar("E", bound=Enum)
T = TypeVar("T")

MAX_AMOUNT: Final = 10**12
"""The largest amount in minor units (decisions.md: no known Razorpay maximum)."""
MAX_QUANTITY: Final = 10**6
"""The largest quantity of one line item (no Razorpay figure; keeps gross bounded)."""


def attribute_label(name: str) -> str:
    """Razorpay's (Laravel's) way of naming a field in a message: spaces for underscores.

    A path such as ``line_items[0].amount`` is named by its last key: ``amount``.
    """
    return name.rsplit(".", 1)[-1].split("[", 1)[0].replace("_", " ")


MAX_ECHO: Final = 64
"""At most this many characters of a bad value are echoed back in a message."""


def echo(value: object) -> str:
    """A bad value as a message may quote it: a string (cut at 64 characters), else its type.

    Never ``repr``: an arbitrary object's ``repr`` can be huge, recurse or fail.
    """
    if isinstance(value, str):
        return value if len(value) <= MAX_ECHO else value[:MAX_ECHO] + "..."
    return type(value).__name__


PHP_TRIMMED: Final = " \t\n\r\0\x0b"
"""What PHP's ``trim()`` strips, and so what Laravel's ``required`` ignores."""


def blank(text: str) -> bool:
    """Whether Laravel's ``required`` would call ``text`` missing: empty once trimmed."""
    return not text.strip(PHP_TRIMMED)


def is_object(value: object) -> TypeGuard[Mapping[str, object]]:
    """A mapping with string keys: what a JSON object is (``dict`` is the cheap first test)."""
    if type(value) is dict:
        for key in value:  # a plain loop: cheaper than all(...) for a body's few keys  # noqa: SIM110
            if type(key) is not str and not isinstance(key, str):
                return False
        return True
    if not isinstance(value, Mapping):
        return False
    return all(map(isinstance, value, itertools.repeat(str)))


def check_type(value: object, kind: type[T], name: str, expected: str) -> T:
    """``value`` if it is a ``kind``, else ``The <name> must be <expected>.``."""
    if not isinstance(value, kind):
        raise errors.MUST_BE.error(field=name, attribute=attribute_label(name), expected=expected)
    return value


def check_id(value: object, name: str) -> str:
    """A non-empty string: an id, an order id, a short URL."""
    if type(value) is not str or not value:
        raise errors.MUST_BE.error(
            field=name, attribute=attribute_label(name), expected="a non-empty string"
        )
    return value


def check_field_name(field: object) -> str:
    """A field path a check names in its error (``amount``, ``line_items[0].name``)."""
    if type(field) is not str:
        raise errors.MUST_BE.error(field="field", attribute="field", expected="a string")
    return field


def check_integer(value: object, name: str, *, minimum: int = 0, maximum: int = MAX_AMOUNT) -> int:
    """Return ``value`` if it is an ``int`` (never a ``bool``) within the bounds."""
    if type(value) is not int:
        raise errors.MUST_BE.error(
            field=name, attribute=attribute_label(name), expected="an integer"
        )
    if value < minimum:
        raise errors.MIN_VALUE.error(field=name, attribute=attribute_label(name), minimum=minimum)
    if value > maximum:
        raise errors.MAX_VALUE.error(field=name, attribute=attribute_label(name), maximum=maximum)
    return value


def integer(*, minimum: int = 0, maximum: int = MAX_AMOUNT) -> Callable[..., None]:
    def validate(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        check_integer(value, attribute.name, minimum=minimum, maximum=maximum)

    return passes_when(validate, f"(type({{x}}) is int and {minimum} <= {{x}} <= {maximum})")


def optional_integer(*, minimum: int = 0, maximum: int = MAX_AMOUNT) -> Callable[..., None]:
    def validate(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None:
            check_integer(value, attribute.name, minimum=minimum, maximum=maximum)

    return passes_when(
        validate, f"({{x}} is None or (type({{x}}) is int and {minimum} <= {{x}} <= {maximum}))"
    )


def must_be(name: str, expected: str) -> errors.InvoiceError:
    """``The <name> must be <expected>.`` (``MUST_BE``) naming the parameter or field ``name``."""
    return errors.MUST_BE.error(field=name, attribute=attribute_label(name), expected=expected)


def string(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if type(value) is not str:
        raise must_be(attribute.name, "a string")


def optional_string(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and type(value) is not str:
        raise must_be(attribute.name, "a string")


def text(*, maximum: int, minimum: int = 0, optional: bool = True) -> Callable[..., None]:
    """A string of ``minimum`` to ``maximum`` characters (or ``None`` when ``optional``).

    The same bounds the request parser applies, so that an entity can never
    hold a value its own JSON could not be read back from.
    """

    def validate(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None and optional:
            return
        if type(value) is not str:
            raise must_be(attribute.name, "a string")
        if len(value) > maximum:
            raise errors.MAX_LENGTH.error(
                field=attribute.name, attribute=attribute_label(attribute.name), maximum=maximum
            )
        if len(value) < minimum:
            raise errors.MIN_LENGTH.error(
                field=attribute.name, attribute=attribute_label(attribute.name), minimum=minimum
            )

    bounded = f"(type({{x}}) is str and {minimum} <= len({{x}}) <= {maximum})"
    return passes_when(validate, f"({{x}} is None or {bounded})" if optional else bounded)


def boolean(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if type(value) is not bool:
        raise errors.MUST_BE_BOOLEAN.error(
            field=attribute.name, attribute=attribute_label(attribute.name)
        )


def to_enum(enum: type[E], value: object, name: str) -> E:
    """The member itself, or the member whose value is the given string."""
    if type(value) is enum:
        return value
    if isinstance(value, str):
        for member in enum:
            if member.value == value:
                return member
    raise errors.INVALID_SELECTION.error(field=name, attribute=attribute_label(name))


def instance_of(kind: type, expected: str, *, optional: bool = False) -> Callable[..., None]:
    def validate(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if optional and value is None:
            return
        if not isinstance(value, kind):
            raise must_be(attribute.name, expected)

    test = "isinstance({x}, {K})"
    return passes_when(validate, f"({{x}} is None or {test})" if optional else test, kind)


def tuple_of(kind: type, expected: str) -> Callable[..., None]:
    def validate(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if type(value) is not tuple:
            raise must_be(attribute.name, f"a tuple of {expected}")
        for element in value:
            if not isinstance(element, kind):
                raise must_be(attribute.name, f"a tuple of {expected}")

    return passes_when(
        validate, "(type({x}) is tuple and (not {x} or all(map({K}.__instancecheck__, {x}))))", kind
    )


def trusted_constructor(cls: type[T]) -> Callable[..., T]:
    """A keyword constructor of the attrs class ``cls`` that runs no validator or converter.

    Only for values a request table (or a stored entity's own check) has
    already held to the very rules the validators state: the public
    constructor still validates everything. Absent fields take their defaults
    (a factory is called only when its field is absent); an absent field
    without a default is a ``TypeError``, which no user input can reach.

    Generated once per class from ``construction_source``: one keyword
    function that sets each field in field order, with no loop over the
    fields at call time.
    """
    import attrs  # noqa: PLC0415 - the runtime import, kept out of the module's import cost

    parameters: list[str] = []
    given: dict[str, tuple[str, bool]] = {}
    for index, field in enumerate(attrs.fields(cls)):  # type: ignore[arg-type]
        name = field.name
        if field.default is attrs.NOTHING:
            parameters.append(name)
        elif isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
            parameters.append(f"{name}=ABSENT")
        else:
            parameters.append(f"{name}=d{index}")
        given[name] = (name, isinstance(field.default, attrs.Factory))  # type: ignore[arg-type]
    body, namespace = construction_source(cls, given)
    signature = ", ".join(parameters)
    source = "\n".join(
        [f"def construct({'*, ' + signature if signature else ''}):", *body, "    return made"]
    )
    exec(source, namespace)  # noqa: S102 - source built from the class's own field table
    construct: Callable[..., T] = namespace["construct"]  # type: ignore[assignment]
    construct.__qualname__ = f"trusted_constructor.<{cls.__name__}>"
    _TRUSTED[construct] = cls
    return construct


def trusted_class(construct: object) -> type | None:
    """The class ``construct`` is the trusted constructor of, or ``None``.

    So generated code that holds the values in locals can build the instance
    inline (``construction_source``) instead of calling ``construct``.
    """
    return _TRUSTED.get(construct) if callable(construct) else None


_TRUSTED: Final[dict[object, type]] = {}

ABSENT: Final = object()
"""A field left out: its default applies (see ``construction_source``)."""


def construction_source(
    cls: type, given: Mapping[str, tuple[str, bool]], prefix: str = "", *, target: str = "made"
) -> tuple[list[str], dict[str, object]]:
    """Lines that bind ``target`` to an instance of the attrs class ``cls``, with no validator.

    ``given`` maps a field to the Python expression of its value and whether
    that value may be ``ABSENT`` (then the field's default applies, a factory
    called only then); a field not given takes its default. Returns the lines
    (indented four spaces, fields in field order) and the names they use,
    each starting with ``prefix``. A slotted class whose only base is
    ``object`` is filled as a twin (see ``_twin``: plain attribute stores)
    and then given its class; any other class through its slot descriptors.
    A field without a default that is not given (or may be absent), or a name
    that is not a field, is a ``TypeError``: the caller builds some other way.
    """
    import attrs  # noqa: PLC0415 - the runtime import, kept out of the module's import cost

    fields = attrs.fields(cls)
    names = [field.name for field in fields]
    if not set(given) <= set(names):
        raise TypeError(f"{cls.__name__} has no field {sorted(set(given) - set(names))}")
    twin = _twin(cls, names)
    namespace: dict[str, object] = {
        f"{prefix}new": object.__new__,
        f"{prefix}cls": cls,
        f"{prefix}twin": twin,
        f"{prefix}ABSENT": ABSENT,
    }
    # twin() (no __init__: type's own call) costs about half of object.__new__(twin).
    lines = [
        f"    {target} = {prefix}new({prefix}cls)"
        if twin is None
        else f"    {target} = {prefix}twin()"
    ]
    for index, field in enumerate(fields):
        name = field.name
        fallback = _fallback(field, prefix, index, namespace)
        expression, maybe_absent = given.get(name, (None, True))
        if fallback is None and maybe_absent:
            raise TypeError(f"{cls.__name__}.{name} has no default")
        if expression is None:
            value = fallback
        elif maybe_absent:
            value = f"({fallback} if {expression} is {prefix}ABSENT else {expression})"
        else:
            value = expression
        if twin is None:
            namespace[f"{prefix}s{index}"] = _slot_setter(cls, name)
            lines.append(f"    {prefix}s{index}({target}, {value})")
        else:
            lines.append(f"    {target}.{name} = {value}")
    if twin is not None:
        lines.append(f"    {target}.__class__ = {prefix}cls")
    return lines, namespace


def _fallback(
    field: attrs.Attribute[Any], prefix: str, index: int, namespace: dict[str, object]
) -> str | None:
    """The expression of ``field``'s default (``<prefix>d<index>`` or a factory call), or None."""
    import attrs  # noqa: PLC0415 - the runtime import, kept out of the module's import cost

    default: Any = field.default
    if default is attrs.NOTHING:
        return None
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        if default.takes_self:  # pragma: no cover - no trusted class has one
            raise TypeError(field.name)
        namespace[f"{prefix}f{index}"] = default.factory
        return f"{prefix}f{index}()"
    namespace[f"{prefix}d{index}"] = default
    return f"{prefix}d{index}"


def _twin(cls: type, names: list[str]) -> type | None:
    """A class filled by plain attribute stores whose instance may then be given ``cls``.

    A plain class with ``cls``'s slots (``cls`` a direct subclass of
    ``object``); for a class with a ``__weakref__`` slot (whose layout CPython
    will not swap with another's), an empty-slotted subclass with ``object``'s
    own ``__init__``, ``__setattr__`` and ``__delattr__``, which CPython does
    swap, whatever slots ``cls``'s bases add. ``None`` when neither applies.
    """
    slots = vars(cls).get("__slots__")
    if (
        (cls.__bases__ != (object,) and "__weakref__" not in (slots or ()))
        or any(
            "__new__" in vars(base) or "__init_subclass__" in vars(base)
            for base in cls.__mro__[1:-1]
        )
        or type(slots) is not tuple
        or sorted(name for name in slots if name != "__weakref__") != sorted(names)
        or not all(name.isidentifier() for name in names)
    ):
        return None
    if "__weakref__" in slots:
        # Both of the setattr slot's methods: with one left to the frozen class,
        # CPython would route every store through Python-level lookup.
        shape = {
            "__slots__": (),
            "__init__": object.__init__,
            "__setattr__": object.__setattr__,
            "__delattr__": object.__delattr__,
        }
        twin = type(f"_{cls.__name__}Twin", (cls,), shape)
    else:
        twin = type(f"_{cls.__name__}Twin", (), {"__slots__": slots})
    probe: Any = object.__new__(twin)
    try:
        probe.__class__ = cls
    except TypeError:  # a layout CPython will not swap (another runtime)
        return None
    return twin


def _slot(cls: type, name: str) -> MemberDescriptorType | None:
    """The slot descriptor of ``name`` in ``cls`` or a base, or ``None`` (no such slot)."""
    for klass in cls.__mro__:
        found = vars(klass).get(name)
        if type(found) is MemberDescriptorType:
            return found
    return None


def _slot_setter(cls: type, name: str) -> Callable[[object, object], None]:
    """What sets ``name`` on an instance of ``cls`` past a frozen class's ``__setattr__``."""
    slot = _slot(cls, name)
    if slot is not None:
        setter: Callable[[object, object], None] = slot.__set__
        return setter

    def put(instance: object, value: object) -> None:  # a class without slots
        object.__setattr__(instance, name, value)

    return put


def slot_constructor(cls: type[T], *, check: bool = False) -> Callable[..., T]:
    """A constructor of the slotted attrs class ``cls`` taking every field positionally.

    Generated once from ``construction_source`` (plain stores into a twin where
    the class allows it, else its slot descriptors; no keyword matching, no
    defaults: callers pass the fields in ``attrs.fields`` order). A class with
    a converter is refused. With ``check``, the instance's own
    ``__attrs_post_init__`` then runs, which for a ``checked_once`` class holds
    every check the public constructor makes (a class with a validator left on
    a field is refused): for building entities fast without trusting the
    values. Without it nothing is checked: for values the library computed
    itself (``amounts.LineTotals``). Made once per class and ``check``: the
    modules that build the same class share one function.
    """
    made = _SLOT_CONSTRUCTORS.get((cls, check))
    if made is None:
        made = _SLOT_CONSTRUCTORS[cls, check] = _slot_constructor(cls, check=check)
    return made


_SLOT_CONSTRUCTORS: Final[dict[tuple[type, bool], Callable[..., Any]]] = {}


def _slot_constructor(cls: type[T], *, check: bool) -> Callable[..., T]:
    names = _plain_fields(cls, check=check)
    body, namespace = construction_source(cls, {name: (name, False) for name in names})
    if check:
        body.append("    made.__attrs_post_init__()")
    source = "\n".join([f"def construct({', '.join(names)}):", *body, "    return made"])
    exec(source, namespace)  # noqa: S102 - source built from the class's own fields
    construct: Callable[..., T] = namespace["construct"]  # type: ignore[assignment]
    return construct


def _plain_fields(cls: type, *, check: bool) -> list[str]:
    """``cls``'s field names, if its fields can be stored as given (``slot_constructor``)."""
    import attrs  # noqa: PLC0415 - the runtime import, kept out of the module's import cost

    fields = attrs.fields(cls)
    if any(field.converter is not None for field in fields):
        raise TypeError(f"{cls.__name__} converts a field: use its own constructor")
    if check and (
        any(field.validator is not None for field in fields)
        or getattr(cls, "__attrs_post_init__", None) is None
    ):
        raise TypeError(f"{cls.__name__} is not checked_once: use its own constructor")
    names = [field.name for field in fields]
    for name in names:
        if _slot(cls, name) is None:
            raise TypeError(f"{cls.__name__}.{name} is not a slot: use its own constructor")
    return names


def evolve(instance: T, **changes: object) -> T:
    """``attrs.evolve``: a copy of ``instance`` with ``changes``, with its class's checks.

    The same checks run (the class's own ``__init__``, or for a
    ``checked_once`` class its stores and then its ``__attrs_post_init__``, as
    ``slot_constructor(check=True)``); what is saved is attrs' per-call work of
    looking the fields up and reading each through ``getattr``, and keyword
    matching: a function generated once per class reads them directly.
    """
    cls = type(instance)
    try:
        make = _EVOLVERS[cls]
    except KeyError:
        make = _EVOLVERS[cls] = _evolver(cls)
    result: T = make(instance, **changes)
    return result


_EVOLVERS: Final[dict[type, Callable[..., Any]]] = {}
_KEEP: Final = object()


def _evolver(cls: type) -> Callable[..., Any]:
    import attrs  # noqa: PLC0415 - the runtime import, kept out of the module's import cost

    fields = attrs.fields(cls)
    if any(not field.init or field.alias != field.name for field in fields):
        return attrs.evolve  # a field attrs renames or leaves out: attrs' own rules
    names = [field.name for field in fields]
    keyword = ", ".join(f"{name}=KEEP" for name in names)
    try:  # a checked_once class: its stores, then its own checks, as slot_constructor
        _plain_fields(cls, check=True)
    except TypeError:  # the class's own constructor (converters, validators on fields)
        passed = ", ".join(
            f"{name}=instance.{name} if {name} is KEEP else {name}" for name in names
        )
        body = [f"    return cls({passed})"]
        namespace: dict[str, object] = {"cls": cls}
    else:
        given = {
            name: (f"(instance.{name} if {name} is KEEP else {name})", False) for name in names
        }
        body, namespace = construction_source(cls, given)
        body += ["    made.__attrs_post_init__()", "    return made"]
    namespace["KEEP"] = _KEEP
    source = "\n".join([f"def evolve(instance, /, *, {keyword}):", *body])
    exec(source, namespace)  # noqa: S102 - source built from the class's own fields
    made: Callable[..., Any] = namespace["evolve"]  # type: ignore[assignment]
    return made


# ---------------------------------------------------------------------------
# One generated check per class instead of one call per field
# ---------------------------------------------------------------------------

_PASSES: dict[Callable[..., None], tuple[str, object]] = {
    string: ("type({x}) is str", None),
    optional_string: ("({x} is None or type({x}) is str)", None),
    boolean: ("type({x}) is bool", None),
}
"""Each known validator's success condition, an expression of ``{x}`` (and ``{K}``, a value).

Never more lenient than the validator: when it holds, the validator passes
(``tests/test_field_check.py`` checks the agreement on every entity class).
"""


def passes_when(
    validate: Callable[..., None], condition: str, kind: object = None
) -> Callable[..., None]:
    """Record when ``validate`` surely passes: never more lenient than the validator.

    ``condition`` is a Python expression of ``{x}`` (the field's value) and
    ``{K}`` (``kind``: a type or a container the expression refers to).
    """
    _PASSES[validate] = (condition, kind)
    return validate


def checked_once(_cls: type, fields: list[attrs.Attribute[Any]]) -> list[attrs.Attribute[Any]]:
    """attrs ``field_transformer``: each field's validator moves to its metadata.

    The class then runs ``field_check(cls)`` first thing in ``__attrs_post_init__``:
    the same validators in the same order, behind one generated test of their
    success conditions, so a valid value costs one call, not one per field.
    """
    return [
        field
        if field.validator is None
        else field.evolve(validator=None, metadata={**field.metadata, _CHECK: field.validator})
        for field in fields
    ]


_CHECK: Final = "invoicecore.check"


def field_check(cls: type) -> Callable[[object], None]:
    """The generated check of a ``checked_once`` class's fields (see ``checked_once``)."""
    fields = [f for f in cls.__attrs_attrs__ if _CHECK in f.metadata]  # type: ignore[attr-defined]
    namespace: dict[str, object] = {}
    tests: list[str] = []
    always: list[str] = []
    slow: list[str] = []
    reads: list[str] = []
    for index, field in enumerate(fields):
        validate = field.metadata[_CHECK]
        namespace[f"v{index}"] = validate
        namespace[f"a{index}"] = field
        call = f"v{index}(self, a{index}, self.{field.name})"
        slow.append(call)
        known = _PASSES.get(validate)
        if known is None:
            always.append(call)  # a class's own validator: run every time, in order
            continue
        condition, kind = known
        if kind is not None:
            namespace[f"k{index}"] = kind
        reads.append(f"    x{index} = self.{field.name}")
        tests.append(condition.format(x=f"x{index}", K=f"k{index}"))
    body = ["def check(self):", *reads]  # each field read once into a local
    if tests:
        body.append(f"    if not ({' and '.join(tests)}):")
        body.extend(f"        {call}" for call in slow)
        body.append("        return")
    body.extend(f"    {call}" for call in always)
    body.append("    return")
    exec("\n".join(body), namespace)  # noqa: S102 - source built from the field table above
    check: Callable[[object], None] = namespace["check"]  # type: ignore[assignment]
    return check
