"""The kinds of request rule, and the runner that checks a body against a table of them.

A ``Rule`` is one row of an endpoint's table: the wire key it reads, its kind,
whether it is required, its limits, and every error it can raise with the
``field`` that error carries. Each row is compiled once, at import, into a
small closure; ``run`` calls the closures in table order, so the table's order
is the check order. The same rows feed the generated pages in
``docs/requests/`` and ``requests.document()``.

"Required" is Laravel's: ``null``, an empty or whitespace-only string, an
empty array or object are missing (``is_missing``).
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

import attrs

from invoicecore import _validators as v
from invoicecore import amounts, errors, limits
from invoicecore.entities import Notes
from invoicecore.limits import refuse_extras

if TYPE_CHECKING:
    from invoicecore.errors import Message

__all__ = [
    "NO_DEFAULT",
    "Context",
    "Rule",
    "RuleError",
    "Table",
    "array",
    "constant",
    "currency",
    "enum_value",
    "every",
    "exclusive_keys",
    "exclusive_values",
    "extra_keys",
    "flag",
    "ignored",
    "integer",
    "is_missing",
    "keywords",
    "line_amount",
    "nested",
    "not_blank_if_sent",
    "notes",
    "query_integer",
    "query_text",
    "record",
    "reference",
    "refuse_extras",
    "refused",
    "required",
    "required_without",
    "run",
    "same_currency",
    "selection",
    "strict_boolean",
    "string_value",
    "text",
    "transform",
]

Check = Callable[[Mapping[str, Any], dict[str, Any], str, "Context"], None]
"""A compiled row: ``(body, out, prefix, context)``; raises, or writes its typed value."""

_PHP_WHITESPACE: Final = " \t\n\r\0\x0b"


def is_missing(value: object) -> bool:
    """Laravel's ``required`` fails: ``null``, ``""`` or whitespace only, ``[]`` or ``{}``."""
    if value is None:
        return True
    kind = type(value)
    if kind is str:
        return not str(value).strip(_PHP_WHITESPACE)
    if kind is list or kind is dict or kind is tuple:
        return not value
    return False


class Context:
    """What a run knows besides the body: the clock, the currency, the keys a status accepts.

    A wrong argument raises ``The <parameter> must be ...`` (type tests only: one per request).
    """

    __slots__ = ("accepted", "at", "currency", "fast")

    def __init__(
        self,
        *,
        at: int | None = None,
        currency: str | None = None,
        accepted: frozenset[str] | None = None,
        fast: bool = True,
    ) -> None:
        # Built once per request: type tests only, no bound that costs.
        if at is not None and type(at) is not int:
            raise v.must_be("at", "an integer")
        if currency is not None and type(currency) is not str:
            raise v.must_be("currency", "a string")
        if accepted is not None and type(accepted) is not frozenset:
            raise v.must_be("accepted", "a frozenset of keys")
        if type(fast) is not bool:
            raise _not_bool("fast")
        self.at = at
        self.currency = currency
        self.accepted = accepted
        self.fast = fast
        """False: only the rows run (what tests compare the fast path with)."""


def _context(
    at: int | None,
    currency: str | None,
    accepted: frozenset[str] | None = None,
    fast: bool = True,  # positional: a call copies the defaults
) -> Context:
    """A context of values a parser has already checked (no type tests: one per request).

    A plain function with positional defaults: through the class (a classmethod
    with keyword-only defaults) it cost a third more.
    """
    made = _new(Context)
    made.at = at
    made.currency = currency
    made.accepted = accepted
    made.fast = fast
    return made


_new: Final = object.__new__


# ---------------------------------------------------------------------------
# Argument checks: a factory, a class or ``run`` given a wrong argument raises
# ``The <parameter> must be ...`` (an InvoiceError), before any work.
# ---------------------------------------------------------------------------


def _not_bool(name: str) -> errors.InvoiceError:
    return errors.MUST_BE_BOOLEAN.error(field=name, attribute=_label(name))


def _string(value: object, name: str) -> str:
    if type(value) is not str:
        raise v.must_be(name, "a string")
    return value


def _optional_string(value: object, name: str) -> str | None:
    return None if value is None else _string(value, name)


def _flag(value: object, name: str) -> bool:
    if type(value) is not bool:
        raise _not_bool(name)
    return value


def _optional_flag(value: object, name: str) -> bool | None:
    return None if value is None else _flag(value, name)


def _names(value: object, name: str) -> tuple[str, ...]:
    if type(value) is not tuple or not all(isinstance(key, str) for key in value):
        raise v.must_be(name, "a tuple of strings")
    return value


def _callable(value: object, name: str) -> None:
    if not callable(value):
        raise v.must_be(name, "a callable")


def _message(value: object, name: str = "message") -> None:
    v.check_type(value, errors.Message, name, "a Message")


def _frozen(value: object) -> Mapping[str, object]:
    if not v.is_object(value):
        raise v.must_be("limits", "an object")
    return MappingProxyType(dict(value))


def _frozen_names(value: object) -> Mapping[str, str]:
    if not v.is_object(value) or not all(type(name) is str for name in value.values()):
        raise v.must_be("aliases", "an object of strings")
    return MappingProxyType(dict(value))  # type: ignore[arg-type]


def _check_field(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _callable(value, attribute.name)


def _optional_check_field(
    _instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    if value is not None:
        _callable(value, attribute.name)


def _fast_field(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (
        type(value) is not tuple or not all(isinstance(part, _Fast) for part in value)
    ):
        raise v.must_be(attribute.name, "a tuple of fast parts")


NO_DEFAULT: Final = object()
"""A row's ``default_value`` when an absent key gives no typed value."""


@attrs.frozen(kw_only=True)
class RuleError:
    """One error a rule can raise: its code, its description, the ``field`` it carries.

    ``field`` is relative to the table (``name``; the page prefixes the
    table's path, e.g. ``line_items[i].name``). Braces in ``description`` mark
    what is filled in at run time (``{keys}``, ``{type}``).
    """

    code: str = attrs.field(validator=v.string)
    description: str = attrs.field(validator=v.string)
    field: str = attrs.field(validator=v.string)


@attrs.frozen(kw_only=True)
class Rule:
    """One row of a request table (see the module docstring)."""

    name: str = attrs.field(validator=v.string)
    kind: str = attrs.field(validator=v.string)
    required: str = attrs.field(default="optional", validator=v.string)
    nullable: bool = attrs.field(default=True, validator=v.boolean)
    limits: Mapping[str, object] = attrs.field(factory=dict, converter=_frozen)
    default: str | None = attrs.field(default=None, validator=v.optional_string)
    errors: tuple[RuleError, ...] = attrs.field(
        default=(), validator=v.tuple_of(RuleError, "RuleError")
    )
    note: str = attrs.field(default="", validator=v.string)
    table: str | None = attrs.field(default=None, validator=v.optional_string)
    check: Check = attrs.field(eq=False, repr=False, validator=_check_field)
    key: str | None = attrs.field(
        default=attrs.Factory(lambda self: self.name, takes_self=True),
        eq=False,
        repr=False,
        validator=v.optional_string,
    )
    """The body key whose presence runs the check; ``None``: the check always runs."""
    default_value: object = attrs.field(default=NO_DEFAULT, eq=False, repr=False)
    """What the typed value is when the key is absent (``NO_DEFAULT``: nothing)."""
    fast: tuple[_Fast, ...] | None = attrs.field(
        default=None, eq=False, repr=False, validator=_fast_field
    )
    """The row's fast form (see ``run``); ``None``: the table has no fast path."""

    def to_json(self) -> dict[str, Any]:
        """The row as JSON: everything but the compiled check."""
        return {
            "name": self.name,
            "kind": self.kind,
            "required": self.required,
            "nullable": self.nullable,
            "limits": dict(self.limits),
            "default": self.default,
            "table": self.table,
            "note": self.note,
            "errors": [attrs.asdict(error) for error in self.errors],
        }


class _FastSlot:
    """Where a table keeps its generated fast path: a slot beside its attrs fields.

    ``fast_run`` is ``None`` for a table with a row that has no fast form
    (the rows only); else, until the table's first run, a function that makes
    the fast path, puts it here and runs it. Made on first use, not with the
    table: a program that runs a few endpoints (a replay, a service) does not
    start by compiling them all. Not a ``cached_property``: attrs gives a
    slotted class with one a class ``__getattr__``, and every attribute read
    of the class then takes CPython's slow path.
    """

    __slots__ = ("fast_run",)
    fast_run: Callable[[Any, Context], Any] | None


@attrs.frozen(kw_only=True)
class Table(_FastSlot):
    """An endpoint's (or a nested object's) rules, in check order, and how it is reached."""

    name: str = attrs.field(validator=v.string)
    title: str = attrs.field(validator=v.string)
    path: str = attrs.field(validator=v.string)
    """How a field of this table is written: ``""`` for a body, ``line_items[i].`` nested."""
    rules: tuple[Rule, ...] = attrs.field(validator=v.tuple_of(Rule, "Rule"))
    note: str = attrs.field(default="", validator=v.string)
    aliases: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen_names)
    """Keys renamed before the first row runs (``invoice_number`` -> ``receipt``)."""
    build: Callable[[dict[str, Any]], Any] = attrs.field(
        eq=False, repr=False, validator=_check_field
    )
    prepare: Callable[[Mapping[str, Any]], Mapping[str, Any]] | None = attrs.field(
        default=None, eq=False, repr=False, validator=_optional_check_field
    )

    steps: tuple[tuple[str | None, Check], ...] = attrs.field(init=False, eq=False, repr=False)
    defaults: Mapping[str, object] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        # Compiled once: the checks in order, each with the key that runs it, and
        # the typed values of absent keys (copied into each run's output).
        object.__setattr__(
            self,
            "steps",
            tuple((rule.key, rule.check) for rule in self.rules if rule.kind != "ignored"),
        )
        object.__setattr__(
            self,
            "defaults",
            {
                rule.name: rule.default_value
                for rule in self.rules
                if rule.default_value is not NO_DEFAULT
            },
        )
        fast = None if any(rule.fast is None for rule in self.rules) else _first_run(self)
        object.__setattr__(self, "fast_run", fast)

    def __copy__(self) -> Table:
        """A new table of the same rules (its fast path made again on its first run)."""
        return attrs.evolve(self)

    def __deepcopy__(self, _memo: object) -> Table:
        """As ``copy``: a table and its rules are immutable; nothing shared can change."""
        return attrs.evolve(self)

    def __iter__(self) -> Any:  # noqa: ANN401 - an iterator of Rule
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def to_json(self) -> dict[str, Any]:
        """The table as JSON (see ``requests.document``)."""
        return {
            "name": self.name,
            "title": self.title,
            "path": self.path,
            "note": self.note,
            "aliases": dict(self.aliases),
            "rules": [rule.to_json() for rule in self.rules],
        }


def run(table: Table, body: Mapping[str, Any], prefix: str, context: Context) -> Any:  # noqa: ANN401
    """Check ``body`` against ``table``, row by row, and build the table's typed value.

    The fast path first: it walks only the body's keys and succeeds only when
    every row would pass, giving the very value the rows give; on anything
    unusual it gives up (``BAIL``) and the rows run in table order, so every
    error, its message and which error comes first are the rows' own.
    A wrong argument (not a ``Table``, an object, a string, a ``Context``)
    raises ``The <parameter> must be ...``; the exact-type tests come first.
    """
    if type(table) is not Table and not isinstance(table, Table):
        raise v.must_be("table", "a Table")
    if type(body) is not dict and not v.is_object(body):
        raise v.must_be("body", "an object")
    if type(prefix) is not str:
        raise v.must_be("prefix", "a string")
    if type(context) is not Context and not isinstance(context, Context):
        raise v.must_be("context", "a Context")
    fast = table.fast_run
    if fast is not None and context.fast:
        result = fast(body, context)
        if result is not BAIL:
            return result
    out: dict[str, Any] = dict(table.defaults)
    if table.prepare is not None:
        body = table.prepare(body)
    for key, check in table.steps:
        if key is None or key in body:
            check(body, out, prefix, context)
    return table.build(out)


# ---------------------------------------------------------------------------
# The fast path: each row's success case, checked key by key
# ---------------------------------------------------------------------------

BAIL: Final = object()
"""What a fast path returns when it cannot vouch for the body: the rows then run."""


@attrs.frozen
class _Fast:
    """One part of a row's fast form: ``role`` is ``key``, ``pre``, ``post`` or ``accept``.

    A ``key`` part runs when its key is present; ``pre`` and ``post`` parts
    check the whole body before and after the keys; ``accept`` gives the keys
    the table accepts. ``source`` (with ``env``) is the part's one form: lines
    of Python the table's fast path is generated from. ``{x}`` is the key's
    value, ``{e}`` the part's own prefix for the names in ``env`` and its
    locals. For the key or typed value named by ``env[k]``: ``{get[k]}`` is
    the body's value (``None`` when absent), ``{has[k]}`` whether the body
    has it, ``{null[k]}`` whether it is absent or null (``True`` or ``False``
    where that is known, so Python drops the dead branch), ``{missing[k]}``
    whether it is missing (``is_missing``; in a ``post`` part of a shape's
    code, written for the types the key's parts ensure), ``{out[k]}`` the
    typed value to assign, ``{typed[k]}`` the typed value (``None`` while
    unset). ``body``, ``ctx`` and ``BAIL`` are the
    generated function's. ``return BAIL`` gives up; no lines: nothing to check.
    """

    role: str
    key: str | None = None
    accepted: frozenset[str] | None = None
    source: tuple[str, ...] = ()
    env: Mapping[str, object] | None = None
    ensures: tuple[type, ...] | None = None
    """A key part's promise: once it passes, its key's value is of one of these types."""


class _Keywords:
    """A table's build that passes the typed values as keywords (see ``keywords``)."""

    __slots__ = ("construct",)

    def __init__(self, construct: Callable[..., Any]) -> None:
        self.construct = construct

    def __call__(self, out: dict[str, Any]) -> Any:  # noqa: ANN401 - the constructor's value
        return self.construct(**out)


def keywords(construct: Callable[..., Any]) -> Callable[[dict[str, Any]], Any]:
    """A table's ``build`` that calls ``construct(**out)``: the fast path calls it directly.

    So a table built this way costs one call per object on the fast path, not two.
    """
    _callable(construct, "construct")
    return _Keywords(construct)


class _Record:
    """A table's build that makes an attrs class from the typed values (see ``record``)."""

    __slots__ = ("cls", "construct", "known", "names", "parts")

    def __init__(self, cls: type, parts: Mapping[str, _Record], unused: frozenset[str]) -> None:
        self.cls = cls
        self.construct: Callable[..., Any] = v.trusted_constructor(cls)
        self.parts = dict(parts)
        every = frozenset(field.name for field in attrs.fields(cls))
        self.names = every - self.parts.keys()
        """The fields made from the typed value of the same name."""
        known = set(self.names)
        for field, part in self.parts.items():
            if field not in every:
                raise v.must_be(field, f"a field of {cls.__name__}")
            if not known.isdisjoint(part.known):  # one typed value, two fields: ambiguous
                raise v.must_be(field, "a record of values no other field takes")
            known |= part.known
        self.known: frozenset[str] = frozenset(known | unused)
        """Every typed value this build reads or leaves out on purpose."""

    def __call__(self, out: dict[str, Any]) -> Any:  # noqa: ANN401 - the record
        if not self.known.issuperset(out):
            # A table whose rows write a value no field takes: its rows are wrong, not the body.
            raise TypeError(f"{self.cls.__name__} takes no {sorted(set(out) - self.known)}")
        return self.make(out)

    def make(self, out: dict[str, Any]) -> Any:  # noqa: ANN401 - the record
        """The record of ``out``'s values (its parts made first)."""
        given = {name: value for name, value in out.items() if name in self.names}
        for field, part in self.parts.items():
            given[field] = part.make(out)
        return self.construct(**given)


def record(cls: object, *, unused: tuple[str, ...] = (), **parts: object) -> Callable[..., Any]:
    """A table's ``build``: the attrs class ``cls`` made from the typed values, unchecked.

    Each field takes the typed value of its name (its default when absent);
    a field named in ``parts`` takes another ``record``, made the same way
    from the same values (a create command's ``details``). ``unused`` names
    the typed values no field takes (a constant row's); any other value no
    field takes is a ``TypeError`` (the table's rows are wrong). The fast path
    builds the whole record inline, with no call and no dict. The classes are
    built with ``trusted_constructor``: the rows must hold every value to the
    class's own rules.
    """
    if not isinstance(cls, type) or not attrs.has(cls):
        raise v.must_be("cls", "an attrs class")
    _names(unused, "unused")
    for field, part in parts.items():
        if type(part) is not _Record:
            raise v.must_be(field, "a record")
    return _Record(cls, parts, frozenset(unused))  # type: ignore[arg-type]  # parts checked


class _Every:
    """An array's ``element`` that gives every element the same table (see ``every``)."""

    __slots__ = ("table",)

    def __init__(self, table: Callable[[], Table]) -> None:
        self.table = table

    def __call__(self, _element: Mapping[str, Any]) -> Table:
        return self.table()


def every(table: Callable[[], Table]) -> Callable[[Mapping[str, Any]], Table]:
    """An ``array``'s ``element``: ``table()`` for every element (a create's line items).

    The fast path then finds the table's fast path once per array, not once
    per element.
    """
    _callable(table, "table")
    return _Every(table)


class _Late:
    """A part's ``env`` value that is a table's getter, called when the fast path is made.

    Tables name the tables they nest through a function (one may be defined
    after the other); by the first run every table exists, so the generated
    code holds the table itself, not a call that finds it.
    """

    __slots__ = ("get",)

    def __init__(self, get: Callable[[], Table]) -> None:
        self.get = get


_NEVER_MISSING: Final = frozenset({int, bool, float, type(None)})
"""Types whose only missing value is ``None`` (see ``is_missing``)."""

_BUILTINS: Final = frozenset(vars(builtins))
"""The names a generated function may read as builtins (see ``_FastCompiler.compile``)."""

_SHAPES_PER_TABLE: Final = 128
"""How many key shapes a table's fast path specializes; bodies past them take the general code."""


def _first_run(table: Table) -> Callable[[Any, Context], Any]:
    """A table's ``fast_run`` until its first run: makes the fast path, keeps it, runs it."""

    def made() -> Any:  # noqa: ANN401 - the fast path (None: the rows only)
        fast = table.fast_run
        if fast is first_run:  # else made already, for a caller that held on to this function
            fast = _compile_fast(table)
            object.__setattr__(table, "fast_run", fast)
        return fast

    def first_run(body: Any, ctx: Context) -> Any:  # noqa: ANN401 - a body, the built value
        fast = made()
        return BAIL if fast is None else fast(body, ctx)

    def learn_many(first: dict[str, Any], items: list[Any], ctx: Context) -> Any:  # noqa: ANN401
        fast = made()
        return BAIL if fast is None else fast.learn_many(first, items, ctx)

    # No shape known yet (see ``_dispatch`` and ``_array_loop``).
    first_run.shapes = {}  # type: ignore[attr-defined]
    first_run.many = {}  # type: ignore[attr-defined]
    first_run.learn_many = learn_many  # type: ignore[attr-defined]
    return first_run


def _compile_fast(table: Table) -> Callable[[Any, Context], Any] | None:
    """The table's fast path, or ``None`` when a row has no fast form.

    Generated from the rows' parts (each part's ``source``): the body's keys
    are tested against the accepted ones, each known key present is read and
    its parts run inline in table order, then the cross-field guards, then the
    build. It gives ``BAIL`` whenever a row might refuse the body. Each body
    shape (its keys, in order) seen is compiled once into a function that
    reads exactly those keys, so a request pays no test for the keys it left
    out.
    """
    compiler = _FastCompiler.of(table)
    return None if compiler is None else compiler.entry()


class _FastCompiler:
    """The parts of a table's fast path, and the generated functions made from them."""

    def __init__(
        self,
        table: Table,
        keys: dict[str, list[tuple[int, _Fast]]],
        pres: list[tuple[int, _Fast]],
        posts: list[tuple[int, _Fast]],
        *,
        dynamic: bool,
    ) -> None:
        self.table = table
        self.keys = keys
        self.pres = pres
        self.posts = posts
        self.dynamic = dynamic
        self.shapes: dict[tuple[object, ...], Callable[[Any, Context], Any]] = {}
        self.manys: dict[tuple[object, ...] | None, Callable[[list[Any], Context], Any]] = {}
        """Each shape's array function (see ``many``); ``None`` the general one."""

        self.namespace: dict[str, object] = {
            "BAIL": BAIL,
            "KEYS": frozenset(keys),
            "RENAMED": frozenset(table.aliases),
            "D": dict(table.defaults),
            "build": table.build,
            "construct": getattr(table.build, "construct", None)
            if type(table.build) is _Keywords
            else None,
            "prepare": table.prepare,
            "SHAPES": self.shapes,
            "learn": self.learn,
            "ABSENT": v.ABSENT,
            "MISSING": is_missing,
        }
        self.made = (
            v.trusted_class(table.build.construct) if type(table.build) is _Keywords else None
        )
        """The class a keyword build's trusted constructor makes: built inline instead."""
        self.slots: dict[str, int] = {}
        """Each typed value's number: its local in a shape's function is ``o<number>``."""
        for name, value in table.defaults.items():
            self.namespace[f"D{self.slot(name)}"] = value
        for parts in (*keys.values(), pres, posts):
            for index, part in parts:
                _register(part, index, self.namespace)

    @classmethod
    def of(cls, table: Table) -> _FastCompiler | None:
        """The table's parts in table order, or ``None`` when a row has no fast form."""
        keys: dict[str, list[tuple[int, _Fast]]] = {}
        pres: list[tuple[int, _Fast]] = []
        posts: list[tuple[int, _Fast]] = []
        accepted: frozenset[str] | None = None
        dynamic = False
        counter = iter(range(1_000_000))
        for rule in table.rules:
            if rule.fast is None:
                return None
            for part in rule.fast:
                if part.role == "accept":
                    dynamic = part.accepted is None
                    accepted = part.accepted
                elif part.role == "key" and part.key is not None:
                    keys.setdefault(part.key, []).append((next(counter), part))
                else:
                    (pres if part.role == "pre" else posts).append((next(counter), part))
        if accepted is not None:
            keys = {key: parts for key, parts in keys.items() if key in accepted}
        return cls(table, keys, pres, posts, dynamic=dynamic)

    def entry(self) -> Callable[[Any, Context], Any]:
        """The table's fast path: a known shape's own function, else the general code."""
        lines = [
            "def fast_run(body, ctx):",
            "    if type(body) is not dict:",
            "        return BAIL",
            "    special = SHAPES.get(tuple(body))",
            "    if special is not None:",
            "        return special(body, ctx)",
            f"    if len(SHAPES) < {_SHAPES_PER_TABLE}:",
            "        return learn(body, ctx)",
            *self.body(None),
        ]
        entry = self.compile("fast_run", lines)
        self.namespace["ONE"] = entry
        # A parent table's generated code looks the shape up itself (see ``_dispatch``),
        # and runs an array of this table's elements through ``many`` (see ``_array_loop``).
        entry.shapes = self.shapes  # type: ignore[attr-defined]
        entry.many = self.manys  # type: ignore[attr-defined]
        entry.learn_many = self.learn_many  # type: ignore[attr-defined]
        return entry

    def learn_many(self, first: dict[str, Any], items: list[Any], ctx: Context) -> Any:  # noqa: ANN401
        """Compile the array function of ``first``'s shape (see ``many``), keep it, run it."""
        shape = tuple(first)
        lines = self.many(shape) if len(self.manys) < _SHAPES_PER_TABLE else None
        key = shape if lines is not None else None  # None: the general loop
        many = self.manys.get(key)
        if many is None:
            many = self.manys[key] = self.compile("many", lines or self.many_general())
        return many(items, ctx)

    def many(self, shape: tuple[object, ...]) -> list[str] | None:
        """A function that runs a list of elements: those of ``shape`` inline, with no call.

        An element of ``shape``'s keys (in any order: a shape's code reads its
        keys by name) runs the shape's own code in the loop; any other goes
        through the entry (``ONE``). Gives the list of built values, or
        ``BAIL``. ``None``: ``shape`` has a key no row reads, or a renamed or
        odd one (see ``many_general``).
        """
        head = self.head(shape)
        if head is None or not self.plain(shape):
            return None
        scope, checks = self.shape_code(shape)
        code = head + scope.start(reads=False) + checks
        reads = [  # every key read, so that an element of other keys is not taken for it
            f"b{index} = body[{key!r}]" if key in scope.used else f"body[{key!r}]"
            for index, key in enumerate(shape)
        ] or ["pass"]
        last = code.pop()  # "return <the built value>" (see ``finish``)
        if last != "    return made":
            code.append("    made = " + last.removeprefix("    return "))
        return [
            "def many(items, ctx):",
            "    made_all = []",
            "    for body in items:",
            "        if type(body) is not dict:",
            "            return BAIL",
            f"        if len(body) == {len(shape)}:",
            "            try:",
            *("                " + line for line in reads),
            "            except KeyError:",
            "                pass",
            "            else:",
            *("            " + line for line in code),
            "                made_all.append(made)",
            "                continue",
            *self.many_general()[3:],
        ]

    def many_general(self) -> list[str]:
        """The array function that sends each element through the entry (``ONE``)."""
        return [
            "def many(items, ctx):",
            "    made_all = []",
            "    for body in items:",
            "        made = ONE(body, ctx)",
            "        if made is BAIL:",
            "            return BAIL",
            "        made_all.append(made)",
            "    return made_all",
        ]

    def plain(self, shape: tuple[object, ...]) -> bool:
        """Whether a shape's own code can read ``shape``: string keys, none renamed."""
        return self.namespace["RENAMED"].isdisjoint(shape) and all(  # type: ignore[attr-defined]
            type(key) is str for key in shape
        )

    def learn(self, body: dict[str, Any], ctx: Context) -> Any:  # noqa: ANN401 - the built value
        """Compile the function of ``body``'s shape, keep it, and run it."""
        shape = tuple(body)
        if self.plain(shape):
            lines = ["def special(body, ctx):", *self.body(shape)]
        else:  # renamed or odd keys: the general code (which renames, or gives up)
            lines = ["def special(body, ctx):", *self.body(None)]
        special = self.compile("special", lines)
        self.shapes[shape] = special
        return special(body, ctx)

    def body(self, shape: tuple[object, ...] | None) -> list[str]:
        """The lines after the type test: for ``shape`` (its keys present), or any body.

        The general code keeps the typed values in a dict ``out``, as the rows
        do. A shape's function keeps each in a local instead (``o<n>``, or
        ``ABSENT`` while unset) and reads each key once into a local
        (``b<n>``): a part's source names them through its placeholders (see
        ``_Fast``), and the build takes them from there.
        """
        head = self.head(shape)
        if head is None:
            return ["    return BAIL"]
        if shape is None:
            scope: _Scope = _DictScope()
            start = ["    out = dict(D)" if self.table.defaults else "    out = {}"]
            return head + start + self.parts(scope, None) + self.finish_dict()
        scope, code = self.shape_code(shape)
        return head + scope.start() + code

    def shape_code(self, shape: tuple[object, ...]) -> tuple[_LocalScope, list[str]]:
        """A shape's checks and build (after its reads), and the scope that names its locals."""
        probe = _LocalScope(self, shape, None)
        self.parts(probe, shape)  # first pass: which typed values the parts may set
        scope = _LocalScope(self, shape, probe.written)
        middle = self.parts(scope, shape)
        return scope, middle + self.finish(scope)

    def parts(self, scope: _Scope, shape: tuple[object, ...] | None) -> list[str]:
        """The guards before the keys, each key's parts, the guards after, in table order."""
        lines: list[str] = []
        for index, part in self.pres:
            lines += _part_source(part, index, "    ", scope)
        lines += self.reads(shape, scope)
        scope.after_keys = True
        for index, part in self.posts:
            lines += _part_source(part, index, "    ", scope)
        scope.after_keys = False
        return lines

    def head(self, shape: tuple[object, ...] | None) -> list[str] | None:
        """The renaming and the key tests; ``None``: ``shape`` has a key no row reads."""
        table = self.table
        lines: list[str] = []
        if shape is None:
            if table.prepare is not None:
                if table.aliases:
                    lines += [
                        "    if not RENAMED.isdisjoint(body):",
                        "        body = prepare(body)",
                    ]
                else:
                    lines.append("    body = prepare(body)")
            lines += ["    if not KEYS.issuperset(body):", "        return BAIL"]
        elif table.prepare is not None and not table.aliases:
            lines.append("    body = prepare(body)")  # pragma: no cover - no such table
        elif not set(shape) <= set(self.keys):
            return None
        if self.dynamic:
            lines += [
                "    allowed = ctx.accepted",
                "    if allowed is not None and not allowed.issuperset(body):",
                "        return BAIL",
            ]
        return lines

    def reads(self, shape: tuple[object, ...] | None, scope: _Scope) -> list[str]:
        """Each key's parts, in table order: the keys of ``shape``, or each key if present."""
        lines: list[str] = []
        for key, parts in self.keys.items():
            if shape is not None and key not in shape:
                continue
            block: list[str] = []
            for index, part in parts:
                block += _part_source(part, index, "        ", scope)
            if not block:
                continue
            if shape is None:
                lines += [f"    if {key!r} in body:", f"        x = body[{key!r}]", *block]
            else:
                lines += [line[4:] for line in block]
        return lines

    def finish(self, scope: _LocalScope) -> list[str]:
        """A shape's build: the trusted class inline, else ``out`` made from the locals."""
        defaults = self.table.defaults
        names = [*defaults, *(name for name in scope.written if name not in defaults)]
        given = {
            name: (f"o{self.slot(name)}", name not in defaults and name not in scope.sure)
            for name in names
        }
        build = self.table.build
        if type(build) is _Record and build.known.issuperset(given):
            # (a value no field takes: the dict build below, whose call says so)
            try:
                lines = self.record_source(build, given, "made", "c_")
            except TypeError:  # pragma: no cover - a field without default left out
                pass
            else:
                return [*lines, "    return made"]
        if self.made is not None:
            try:
                lines, names_used = v.construction_source(self.made, given, "c_")
            except TypeError:  # a value the class has no field for, or lacks: the call says so
                pass
            else:
                self.namespace.update(names_used)
                return [*lines, "    return made"]
        lines = ["    out = {}"]
        for name in names:
            local = f"o{self.slot(name)}"
            if name in defaults:
                lines.append(f"    out[{name!r}] = {local}")
            else:
                lines += [f"    if {local} is not ABSENT:", f"        out[{name!r}] = {local}"]
        return lines + self.finish_dict()

    def record_source(
        self, record: _Record, given: dict[str, tuple[str, bool]], target: str, prefix: str
    ) -> list[str]:
        """Lines that bind ``target`` to ``record`` made from the typed values ``given``."""
        lines: list[str] = []
        fields = {name: value for name, value in given.items() if name in record.names}
        for index, (field, part) in enumerate(record.parts.items()):
            local = f"{prefix}p{index}"
            lines += self.record_source(part, given, local, f"{local}_")
            fields[field] = (local, False)
        made, names_used = v.construction_source(record.cls, fields, prefix, target=target)
        self.namespace.update(names_used)
        return lines + made

    def finish_dict(self) -> list[str]:
        """The build from ``out``."""
        if type(self.table.build) is _Keywords:
            return ["    return construct(**out)"]
        return ["    return build(out)"]

    def ensured(self, key: str) -> set[type] | None:
        """The types ``key``'s value has once its parts passed, or ``None`` (not known)."""
        kinds: set[type] | None = None
        for _index, part in self.keys.get(key, ()):
            if part.ensures is not None:
                kinds = set(part.ensures) if kinds is None else kinds & set(part.ensures)
        return kinds

    def slot(self, name: str) -> int:
        """The number of the typed value ``name`` (its local is ``o<number>``)."""
        return self.slots.setdefault(name, len(self.slots))

    def compile(self, name: str, lines: list[str]) -> Callable[[Any, Context], Any]:
        """``lines`` run in the table's namespace: the generated function ``name``.

        Every global and builtin the function reads becomes a parameter's
        default, so it is read as a local, with no global lookup: a call copies
        the defaults from a tuple, for less than the lookups cost. (Positional
        defaults: keyword-only ones are looked up by name on each call.) No
        caller passes them.
        """
        exec("\n".join(lines), self.namespace)  # noqa: S102 - source generated from the table's own rows
        made: Callable[[Any, Context], Any] = self.namespace.pop(name)  # type: ignore[assignment]
        names = [
            global_name
            for global_name in made.__code__.co_names
            if global_name in self.namespace or global_name in _BUILTINS
        ]
        if names:  # made again, with the globals it reads as its defaults
            bound = ", ".join(f"{global_name}={global_name}" for global_name in names)
            head = f"{lines[0].removesuffix('):')}, {bound}):"
            exec("\n".join([head, *lines[1:]]), self.namespace)  # noqa: S102 - as above
            made = self.namespace.pop(name)  # type: ignore[assignment]
        made.__qualname__ = f"{name}.<{self.table.name}>"
        return made


def _register(part: _Fast, index: int, namespace: dict[str, object]) -> None:
    """Put a part's names (its ``env``) in the generated code's namespace."""
    prefix = f"e{index}_"
    for name, value in (part.env or {}).items():
        namespace[prefix + name] = value.get() if type(value) is _Late else value


def _part_source(part: _Fast, index: int, indent: str, scope: _Scope) -> list[str]:
    """One part's lines for the generated fast path, its placeholders resolved in ``scope``."""
    env = part.env or {}
    names = {
        "e": f"e{index}_",
        "x": _Named(scope.value, part.key or ""),
        "out": _Names(scope.out, env),
        "typed": _Names(scope.typed, env),
        "get": _Names(scope.get, env),
        "has": _Names(scope.has, env),
        "null": _Names(scope.null, env),
        "missing": _Names(scope.missing, env),
    }
    lines = []
    for line in part.source:
        scope.top = not line.startswith(" ")
        lines.append(indent + line.format(**names))
    return lines


class _Scope:
    """Where a generated function keeps the body's values and the typed values."""

    top = False
    """Whether the line being written is at its part's top level (see ``_LocalScope``)."""
    after_keys = False
    """Whether the part being written runs after the keys' parts (see ``_LocalScope``)."""

    def value(self, key: str) -> str:
        """The value of a key part's key (present)."""
        raise NotImplementedError

    def get(self, key: str) -> str:
        """The body's value of ``key``, ``None`` when absent."""
        raise NotImplementedError

    def has(self, key: str) -> str:
        """Whether the body has ``key``."""
        raise NotImplementedError

    def null(self, key: str) -> str:
        """Whether the body's ``key`` is absent or ``None``."""
        return f"({self.get(key)} is None)"

    def missing(self, key: str) -> str:
        """Whether the body's ``key`` is missing (``is_missing``)."""
        return f"MISSING({self.get(key)})"

    def out(self, name: str) -> str:
        """The typed value ``name``, as an assignment target."""
        raise NotImplementedError

    def typed(self, name: str) -> str:
        """The typed value ``name``, ``None`` while unset."""
        raise NotImplementedError


class _DictScope(_Scope):
    """The general code: the body read as it comes, the typed values in the dict ``out``."""

    def value(self, _key: str) -> str:
        return "x"

    def get(self, key: str) -> str:
        return f"body.get({key!r})"

    def has(self, key: str) -> str:
        return f"({key!r} in body)"

    def out(self, name: str) -> str:
        return f"out[{name!r}]"

    def typed(self, name: str) -> str:
        return f"out.get({name!r})"


class _LocalScope(_Scope):
    """A shape's function: each key present read once into ``b<n>``, each typed value ``o<n>``.

    ``written`` (from a first pass, ``None`` in it) is every typed value a part
    may set: the others are known unset, and the defaults known set.
    """

    def __init__(
        self, compiler: _FastCompiler, shape: tuple[object, ...], written: list[str] | None
    ) -> None:
        self.compiler = compiler
        self.shape = shape
        self.known = written
        self.written: list[str] = []
        self.used: list[str] = []
        self.sure: set[str] = set()
        """The typed values set on every path that returns a value (by a part's top-level line)."""
        self.read: set[str] = set()
        """The typed values a part reads (``{typed[k]}``): set to ``ABSENT`` first."""

    def value(self, key: str) -> str:
        return self.get(key)

    def get(self, key: str) -> str:
        if key not in self.shape:
            return "None"
        if key not in self.used:
            self.used.append(key)
        return f"b{self.shape.index(key)}"

    def has(self, key: str) -> str:
        return "True" if key in self.shape else "False"

    def null(self, key: str) -> str:
        return f"({self.get(key)} is None)" if key in self.shape else "True"

    def missing(self, key: str) -> str:
        if key not in self.shape:
            return "True"
        value = self.get(key)
        kinds = self.compiler.ensured(key) if self.after_keys else None
        if kinds is not None and kinds <= _NEVER_MISSING:
            return f"({value} is None)"
        if kinds is not None and kinds <= {str, type(None)}:
            return f"({value} is None or not {value}.strip({_PHP_WHITESPACE!r}))"
        return f"MISSING({value})"

    def out(self, name: str) -> str:
        if name not in self.written:
            self.written.append(name)
        if self.top:
            self.sure.add(name)
        return f"o{self.compiler.slot(name)}"

    def typed(self, name: str) -> str:
        local = f"o{self.compiler.slot(name)}"
        self.read.add(name)
        if name in self.compiler.table.defaults:
            return local
        if self.known is None or name in self.known:
            return f"(None if {local} is ABSENT else {local})"
        return "None"

    def start(self, *, reads: bool = True) -> list[str]:
        """The keys read (unless not ``reads``), the defaults set, the other values unset."""
        lines = [f"    b{self.shape.index(key)} = body[{key!r}]" for key in self.used if reads]
        for name in self.compiler.table.defaults:
            slot = self.compiler.slot(name)
            lines.append(f"    o{slot} = D{slot}")
        lines += [
            f"    o{self.compiler.slot(name)} = ABSENT"
            for name in self.written
            if name not in self.compiler.table.defaults
            and (name not in self.sure or name in self.read)
        ]
        return lines


class _Names:
    """A part's placeholder (``{out[n]}``): the code for the key or value its ``env`` names."""

    def __init__(self, resolve: Callable[[str], str], env: Mapping[str, object]) -> None:
        self.resolve = resolve
        self.env = env

    def __getitem__(self, name: str) -> str:
        return self.resolve(str(self.env[name]))


class _Named:
    """``{x}``: the part's own key's value, resolved only where the source uses it."""

    def __init__(self, resolve: Callable[[str], str], key: str) -> None:
        self.resolve = resolve
        self.key = key

    def __format__(self, _spec: str) -> str:
        return self.resolve(self.key)


def _key(
    name: str, source: tuple[str, ...], *, ensures: tuple[type, ...] | None = None, **env: object
) -> tuple[_Fast, ...]:
    """A row's fast form on its key: the ``source`` run when ``name`` is present.

    ``ensures``: the types the key's value has once the source passes.
    """
    return (_Fast("key", key=name, source=source, env={"n": name, **env}, ensures=ensures),)


def _guard(role: str, source: tuple[str, ...], **env: object) -> _Fast:
    """A whole-body fast check (``pre`` or ``post``): its ``source``."""
    return _Fast(role, source=source, env=env)


# ---------------------------------------------------------------------------
# The one extra-field refusal
# ---------------------------------------------------------------------------


# ---------------------------------------------------------------------------
# Rule kinds: each factory returns a documented row with its compiled check
# ---------------------------------------------------------------------------


def _error(message: Message, field: str, **params: object) -> RuleError:
    return RuleError(code=message.code, description=message.describe(**params), field=field)


def _label(name: str) -> str:
    return v.attribute_label(name)


def extra_keys(
    accepted: tuple[str, ...] | None,
    *,
    list_paths: bool = False,
    field_is_object: bool = False,
    note: str = "",
) -> Rule:
    """Keys outside ``accepted`` (or, with ``None``, outside the status's keys) are refused."""
    if accepted is not None:
        _names(accepted, "accepted")
    _flag(list_paths, "list_paths")
    _flag(field_is_object, "field_is_object")
    _string(note, "note")
    keys = None if accepted is None else frozenset(accepted)

    def check(body: Mapping[str, Any], _out: dict[str, Any], prefix: str, ctx: Context) -> None:
        allowed = keys if keys is not None else ctx.accepted
        if allowed is not None:
            refuse_extras(
                body, allowed, prefix, list_paths=list_paths, field_is_object=field_is_object
            )

    shown = "{path}" if list_paths else ""
    return Rule(
        name="*",
        key=None,
        kind="extra_keys",
        fast=(_Fast("accept", accepted=keys),),
        limits={
            "accepted": list(accepted) if accepted is not None else "the status's keys",
            "listed_at_most": limits.MAX_EXTRA_KEYS_LISTED,
            "key_cut_at": limits.MAX_EXTRA_KEY_LENGTH,
        },
        errors=(
            _error(
                errors.EXTRA_FIELDS,
                "" if field_is_object else "<first extra key>",
                keys=f"{shown}<key>, {shown}<key> ...",
            ),
        ),
        note=note
        or (
            "Every key outside the accepted ones, in request order: at most 16, each cut to "
            "64 characters with `...`, then `, ...` when more were sent."
            + (" Each listed key carries its path." if list_paths else "")
            + (" The field is the object's path." if field_is_object else "")
        ),
        check=check,
    )


def refused(name: str, message: Message, note: str = "") -> Rule:
    """A key accepted only to be refused with its own message (payment-link keys)."""
    _string(name, "name")
    _message(message)
    _string(note, "note")

    def check(body: Mapping[str, Any], _out: dict[str, Any], prefix: str, _ctx: Context) -> None:
        if name in body:
            raise message.error(field=prefix + name)

    return Rule(
        name=name,
        kind="refused",
        required="refused",
        fast=_key(name, ("return BAIL",)),
        errors=(_error(message, name),),
        note=note or "Refused whenever the key is present, whatever its value.",
        check=check,
    )


def exclusive_keys(first: str, second: str, message: Message, field: str) -> Rule:
    """A cross-field row: the two keys may not both be sent."""
    _string(first, "first")
    _string(second, "second")
    _message(message)
    _string(field, "field")

    def check(body: Mapping[str, Any], _out: dict[str, Any], prefix: str, _ctx: Context) -> None:
        if first in body and second in body:
            raise message.error(field=prefix + field)

    return Rule(
        name=f"{first} + {second}",
        key=first,
        kind="exclusive",
        fast=(
            _guard(
                "post",
                ("if {has[a]} and {has[b]}:", "    return BAIL"),
                a=first,
                b=second,
            ),
        ),
        errors=(_error(message, field),),
        note=f"Cross-field: `{first}` and `{second}` may not both be sent (whatever their values).",
        check=check,
    )


def exclusive_values(first: str, second: str, message: Message, field: str) -> Rule:
    """A cross-field row on typed values: the two may not both be non-null."""
    _string(first, "first")
    _string(second, "second")
    _message(message)
    _string(field, "field")

    def check(_body: Mapping[str, Any], out: dict[str, Any], prefix: str, _ctx: Context) -> None:
        if out.get(first) is not None and out.get(second) is not None:
            raise message.error(field=prefix + field)

    return Rule(
        name=f"{first} + {second}",
        key=first,
        kind="exclusive",
        fast=(
            _guard(
                "post",
                (
                    "if {has[a]} and {typed[a]} is not None and {typed[b]} is not None:",
                    "    return BAIL",
                ),
                a=first,
                b=second,
            ),
        ),
        errors=(_error(message, field),),
        note=f"Cross-field, after both rows: `{first}` and `{second}` may not both be non-null.",
        check=check,
    )


def required_without(name: str, other: str, message: Message) -> Rule:
    """A cross-field row: ``name`` is required (Laravel's sense) without ``other``."""
    _string(name, "name")
    _string(other, "other")
    _message(message)

    def check(body: Mapping[str, Any], _out: dict[str, Any], prefix: str, _ctx: Context) -> None:
        if body.get(other) is None and is_missing(body.get(name)):
            raise message.error(field=prefix + name)

    return Rule(
        fast=(
            _guard(
                "post",
                (
                    "if {null[other]} and {missing[n]}:",
                    "    return BAIL",
                ),
                n=name,
                other=other,
            ),
        ),
        name=name,
        key=None,
        kind="required_without",
        required=f"required without {other}",
        errors=(_error(message, name),),
        note=f"Missing (null, blank string, empty array) while `{other}` is absent or null.",
        check=check,
    )


def not_blank_if_sent(name: str, message: Message) -> Rule:
    """A key that may be left out, but when sent must not be missing (Laravel's sense)."""
    _string(name, "name")
    _message(message)

    def check(body: Mapping[str, Any], _out: dict[str, Any], prefix: str, _ctx: Context) -> None:
        if name in body and is_missing(body[name]):
            raise message.error(field=prefix + name)

    return Rule(
        name=name,
        kind="required_if_sent",
        fast=_key(
            name,
            ("if {missing[n]}:", "    return BAIL"),
        ),
        required="if sent",
        errors=(_error(message, name),),
        note="Sent but missing (null, blank string, empty array) is refused.",
        check=check,
    )


def required(names: tuple[str, ...], note: str = "") -> Rule:
    """``The <name> field is required.`` for the first missing key (Laravel's sense), in order."""
    _names(names, "names")
    _string(note, "note")

    def check(body: Mapping[str, Any], _out: dict[str, Any], prefix: str, _ctx: Context) -> None:
        for name in names:
            if is_missing(body.get(name)):
                raise errors.REQUIRED.error(field=prefix + name, attribute=_label(name))

    source: list[str] = []
    for index in range(len(names)):
        source += [f"if {{missing[n{index}]}}:", "    return BAIL"]
    return Rule(
        fast=(
            _guard(
                "post",
                tuple(source),
                **{f"n{index}": name for index, name in enumerate(names)},
            ),
        ),
        name=" + ".join(names),
        key=None,
        kind="required",
        required="required",
        nullable=False,
        errors=tuple(_error(errors.REQUIRED, name, attribute=_label(name)) for name in names),
        note=note or "Each in turn: missing (absent, null, blank string, empty array) is refused.",
        check=check,
    )


def constant(name: str, value: str, *, nullable: bool, default: str | None) -> Rule:
    """The key, when sent, must be exactly ``value`` (``type``: ``Not a valid type: link``)."""
    _string(name, "name")
    _string(value, "value")
    _flag(nullable, "nullable")
    _optional_string(default, "default")

    def check(body: Mapping[str, Any], out: dict[str, Any], prefix: str, _ctx: Context) -> None:
        if name not in body:
            out[name] = default
            return
        given = body[name]
        if given != value and not (nullable and given is None):
            raise errors.NOT_A_VALID_TYPE.error(field=prefix + name, type=v.echo(given))
        out[name] = given

    return Rule(
        name=name,
        kind="constant",
        fast=_key(
            name,
            (
                "if not ((type({x}) is str and {x} == {e}value)"
                + (" or {x} is None" if nullable else "")
                + "):",
                "    return BAIL",
                "{out[n]} = {x}",
            ),
            value=value,
        ),
        default_value=default,
        nullable=nullable,
        limits={"equals": value},
        default=default,
        errors=(_error(errors.NOT_A_VALID_TYPE, name),),
        note="`{type}` is the value sent (cut to 64 characters) or, if not a string, its type.",
        check=check,
    )


def flag(name: str, *, default: bool | None) -> Rule:
    """Laravel's boolean: ``true``, ``false``, ``1``, ``0``, ``"1"``, ``"0"``."""
    _string(name, "name")
    _optional_flag(default, "default")
    attribute = _label(name)

    def check(body: Mapping[str, Any], out: dict[str, Any], prefix: str, _ctx: Context) -> None:
        if name not in body:
            if default is not None:
                out[name] = default
            return
        value = body[name]
        if type(value) is bool:
            out[name] = value
        elif (type(value) is int and value in (0, 1)) or value in ("0", "1"):
            out[name] = value in (1, "1")
        else:
            raise errors.MUST_BE_BOOLEAN.error(field=prefix + name, attribute=attribute)

    return Rule(
        name=name,
        kind="boolean",
        fast=_key(
            name,
            (
                "if type({x}) is bool:",
                "    {out[n]} = {x}",
                "elif (type({x}) is int or type({x}) is str) and {x} in {e}accepts:",
                "    {out[n]} = {x} in {e}true",
                "else:",
                "    return BAIL",
            ),
            accepts=(0, 1, "0", "1"),
            true=(1, "1"),
        ),
        default_value=NO_DEFAULT if default is None else default,
        nullable=False,
        limits={"accepts": [True, False, 1, 0, "1", "0"]},
        default=None if default is None else str(default).lower(),
        errors=(_error(errors.MUST_BE_BOOLEAN, name, attribute=attribute),),
        check=check,
    )


def strict_boolean(name: str, *, default: bool | None) -> Rule:
    """JSON ``true`` or ``false`` only."""
    _string(name, "name")
    _optional_flag(default, "default")
    attribute = _label(name)

    def check(body: Mapping[str, Any], out: dict[str, Any], prefix: str, _ctx: Context) -> None:
        if name not in body:
            if default is not None:
                out[name] = default
            return
        value = body[name]
        if type(value) is not bool:
            raise errors.MUST_BE_BOOLEAN.error(field=prefix + name, attribute=attribute)
        out[name] = value

    return Rule(
        name=name,
        kind="boolean",
        fast=_key(
            name,
            ("if type({x}) is not bool:", "    return BAIL", "{out[n]} = {x}"),
        ),
        default_value=NO_DEFAULT if default is None else default,
        nullable=False,
        limits={"accepts": [True, False]},
        default=None if default is None else str(default).lower(),
        errors=(_error(errors.MUST_BE_BOOLEAN, name, attribute=attribute),),
        check=check,
    )


def selection(name: str, choices: Mapping[str, object], *, default: object = None) -> Rule:
    """One of the given strings exactly (``draft``: ``"1"`` or ``"0"``)."""
    _string(name, "name")
    if not v.is_object(choices):
        raise v.must_be("choices", "an object")
    attribute = _label(name)

    def check(body: Mapping[str, Any], out: dict[str, Any], prefix: str, _ctx: Context) -> None:
        if name not in body:
            if default is not None:
                out[name] = default
            return
        value = body[name]
        if type(value) is not str or value not in choices:
            raise errors.INVALID_SELECTION.error(field=prefix + name, attribute=attribute)
        out[name] = choices[value]

    return Rule(
        name=name,
        kind="selection",
        fast=_key(
            name,
            (
                "if type({x}) is not str or {x} not in {e}choices:",
                "    return BAIL",
                "{out[n]} = {e}choices[{x}]",
            ),
            choices=choices,
        ),
        default_value=NO_DEFAULT if default is None else default,
        nullable=False,
        limits={"one_of": list(choices)},
        default=None if default is None else repr(default),
        errors=(_error(errors.INVALID_SELECTION, name, attribute=attribute),),
        check=check,
    )


def currency(name: str = "currency", *, default: str | None = "INR") -> Rule:
    """A supported currency code; missing (Laravel's sense) is refused as required."""
    _string(name, "name")
    _optional_string(default, "default")

    def check(body: Mapping[str, Any], out: dict[str, Any], prefix: str, ctx: Context) -> None:
        value = body.get(name, default)
        if is_missing(value):
            raise errors.REQUIRED.error(field=prefix + name, attribute=name)
        code = amounts.get_currency(value).code
        out[name] = code
        ctx.currency = code

    return Rule(
        fast=(
            _guard(
                "pre",
                (
                    # Absent: the default's currency, found when the table is made.
                    (
                        "{e}c = ({e}known.get({e}v) if type({e}v := {get[n]}) is str else None)"
                        " if {has[n]} else {e}default"
                    ),
                    "if {e}c is None:",
                    "    return BAIL",
                    "{out[n]} = ctx.currency = {e}c.code",
                ),
                n=name,
                default=None if default is None else amounts.CURRENCIES.get(default),
                known=amounts.CURRENCIES,
            ),
            *_key(name, ()),
        ),
        name=name,
        key=None,
        kind="currency",
        required="required" if default is None else "optional, not blank",
        nullable=False,
        limits={"one_of": sorted(amounts.CURRENCIES)},
        default=default,
        errors=(
            _error(errors.REQUIRED, name, attribute=name),
            _error(errors.INVALID_SELECTION, "currency", attribute=name),
        ),
        note="Sets the currency the line items' amounts are checked in.",
        check=check,
    )


def text(
    name: str,
    *,
    max_length: int,
    min_length: int = 0,
    nullable: bool = True,
    default: str | None = None,
    printable_ascii: bool = False,
) -> Rule:
    """A string of ``min_length`` .. ``max_length`` characters (``null`` when ``nullable``)."""
    _string(name, "name")
    v.check_integer(max_length, "max_length")
    v.check_integer(min_length, "min_length", maximum=max_length)
    _flag(nullable, "nullable")
    _optional_string(default, "default")
    _flag(printable_ascii, "printable_ascii")
    attribute = _label(name)

    def check(body: Mapping[str, Any], out: dict[str, Any], prefix: str, _ctx: Context) -> None:
        if name not in body:
            if default is not None:
                out[name] = default
            return
        value = body[name]
        if value is None and nullable:
            out[name] = None
            return
        if type(value) is not str:
            raise errors.MUST_BE.error(
                field=prefix + name, attribute=attribute, expected="a string"
            )
        if len(value) > max_length:
            raise errors.MAX_LENGTH.error(
                field=prefix + name, attribute=attribute, maximum=max_length
            )
        if len(value) < min_length or (
            printable_ascii and not (value.isascii() and value.isprintable())
        ):
            _too_short_or_not_printable(value, prefix + name, attribute, min_length)
        out[name] = value

    found = [
        _error(errors.MUST_BE, name, attribute=attribute, expected="a string"),
        _error(errors.MAX_LENGTH, name, attribute=attribute, maximum=max_length),
    ]
    bounds: dict[str, object] = {"max_length": max_length}
    if min_length:
        bounds["min_length"] = min_length
        found.append(_error(errors.MIN_LENGTH, name, attribute=attribute, minimum=min_length))
    if printable_ascii:
        bounds["characters"] = "printable ASCII (0x20..0x7e)"
        found.append(_error(errors.MUST_BE, name, attribute=attribute, expected=_PRINTABLE))
    return Rule(
        name=name,
        kind="string",
        fast=None
        if default is not None
        else _key(
            name,
            _bounded(
                "type({x}) is str and {e}lo <= len({x}) <= {e}hi"
                + (" and {x}.isascii() and {x}.isprintable()" if printable_ascii else ""),
                nullable=nullable,
            ),
            ensures=(str, type(None)) if nullable else (str,),
            lo=min_length,
            hi=max_length,
        ),
        nullable=nullable,
        limits=bounds,
        default=default,
        errors=tuple(found),
        check=check,
    )


_PRINTABLE: Final = "a string of printable ASCII characters"


def _bounded(condition: str, *, nullable: bool) -> tuple[str, ...]:
    """The source of a row that keeps ``{x}`` when ``condition`` (or, nullable, null) holds."""
    if nullable:
        condition = "{x} is None or (" + condition + ")"
    return ("if not (" + condition + "):", "    return BAIL", "{out[n]} = {x}")


def _too_short_or_not_printable(value: str, field: str, attribute: str, minimum: int) -> None:
    if len(value) < minimum:
        raise errors.MIN_LENGTH.error(field=field, attribute=attribute, minimum=minimum)
    raise errors.MUST_BE.error(field=field, attribute=attribute, expected=_PRINTABLE)


def integer(
    name: str,
    *,
    minimum: int = 0,
    maximum: int = limits.MAX_AMOUNT,
    nullable: bool = True,
    default: int | None = None,
    default_at: bool = False,
    at_least_after_at: int | None = None,
) -> Rule:
    """An ``int`` (never a ``bool`` or ``float``) within the bounds.

    ``default_at``: absent means the request's clock (``date``).
    ``at_least_after_at``: at least this many seconds after the clock (``expire_by``).
    """
    _string(name, "name")
    v.check_integer(minimum, "minimum")
    v.check_integer(maximum, "maximum", minimum=minimum)
    _flag(nullable, "nullable")
    if default is not None:
        v.check_integer(default, "default", minimum=minimum, maximum=maximum)
    _flag(default_at, "default_at")
    if at_least_after_at is not None:
        v.check_integer(at_least_after_at, "at_least_after_at")
    attribute = _label(name)

    def check(body: Mapping[str, Any], out: dict[str, Any], prefix: str, ctx: Context) -> None:
        if name not in body:
            if default_at:
                out[name] = ctx.at
            elif default is not None:
                out[name] = default
            return
        value = body[name]
        if value is None and nullable:
            out[name] = None
            return
        out[name] = v.check_integer(value, prefix + name, minimum=minimum, maximum=maximum)
        if (
            at_least_after_at is not None
            and ctx.at is not None
            and value < ctx.at + at_least_after_at
        ):
            raise errors.EXPIRE_BY_TOO_SOON.error(field=prefix + name)

    number = _key(
        name,
        _bounded(
            "type({x}) is int and {e}lo <= {x} <= {e}hi"
            + (
                ""
                if at_least_after_at is None
                else " and (ctx.at is None or {x} >= ctx.at + {e}after)"
            ),
            nullable=nullable,
        ),
        ensures=(int, type(None)) if nullable else (int,),
        lo=minimum,
        hi=maximum,
        after=at_least_after_at,
    )
    bounds: dict[str, object] = {"minimum": minimum, "maximum": maximum}
    found = [
        _error(errors.MUST_BE, name, attribute=attribute, expected="an integer"),
        _error(errors.MIN_VALUE, name, attribute=attribute, minimum=minimum),
        _error(errors.MAX_VALUE, name, attribute=attribute, maximum=maximum),
    ]
    if at_least_after_at is not None:
        bounds["at_least"] = f"at + {at_least_after_at}"
        found.append(_error(errors.EXPIRE_BY_TOO_SOON, name))
    return Rule(
        name=name,
        kind="integer",
        fast=(
            (
                _guard(
                    "pre",
                    ("if not {has[n]}:", "    {out[n]} = ctx.at"),
                    n=name,
                ),
                *number,
            )
            if default_at
            else number
        ),
        key=None if default_at else name,
        default_value=NO_DEFAULT if default is None else default,
        nullable=nullable,
        limits=bounds,
        default="the request's at" if default_at else (None if default is None else str(default)),
        errors=tuple(found),
        check=check,
    )


_LEAST_AMOUNTS: Final[Mapping[str | None, int]] = MappingProxyType(
    {None: 0, **{code: found.minimum_amount for code, found in amounts.CURRENCIES.items()}}
)
"""Each currency's least line amount, and 0 while no currency is known (``line_amount``)."""


def line_amount(name: str = "amount") -> Rule:
    """An amount in minor units: an ``int`` of at least the currency's minimum, at most 10^12."""
    _string(name, "name")
    attribute = _label(name)

    def check(body: Mapping[str, Any], out: dict[str, Any], prefix: str, ctx: Context) -> None:
        if name not in body:
            return
        value = body[name]
        if value is None:
            out[name] = None  # required-ness is its own row
            return
        amount = v.check_integer(value, prefix + name)
        if ctx.currency is not None:
            found = amounts.get_currency(ctx.currency)
            limits.check_line_amount(amount, found, prefix + name)
        out[name] = amount

    return Rule(
        name=name,
        kind="amount",
        fast=_key(
            name,
            (
                # The least amount of the context's currency (0 when none is known
                # yet); past the maximum for a code that is not a currency.
                (
                    "if {x} is not None and (type({x}) is not int"
                    " or not {e}least.get(ctx.currency, {e}never) <= {x} <= {e}hi):"
                ),
                "    return BAIL",
                "{out[n]} = {x}",
            ),
            ensures=(int, type(None)),
            hi=limits.MAX_AMOUNT,
            never=limits.MAX_AMOUNT + 1,
            least=_LEAST_AMOUNTS,
        ),
        limits={"minimum": "the currency's minimum amount", "maximum": limits.MAX_AMOUNT},
        errors=(
            _error(errors.MUST_BE, name, attribute=attribute, expected="an integer"),
            _error(errors.MIN_VALUE, name, attribute=attribute, minimum=0),
            _error(errors.MAX_VALUE, name, attribute=attribute, maximum=limits.MAX_AMOUNT),
            _error(errors.AMOUNT_BELOW_MINIMUM, name),
        ),
        note="`{minimum}` is the currency's minimum as messages write it (`INR 1.00`); "
        "when the currency is not known yet (an update parsed without the invoice), "
        "that check runs when the update is applied.",
        check=check,
    )


def same_currency(name: str = "currency") -> Rule:
    """A line item's ``currency``: null or absent means the invoice's; another is refused."""
    _string(name, "name")

    def check(body: Mapping[str, Any], out: dict[str, Any], prefix: str, ctx: Context) -> None:
        if name not in body:
            return
        value = body[name]
        out[name] = value
        if value is not None and ctx.currency is not None and value != ctx.currency:
            raise errors.CURRENCY_MISMATCH.error(field=prefix + name)
        if value is not None and type(value) is not str:
            raise errors.CURRENCY_MISMATCH.error(field=prefix + name)

    return Rule(
        fast=_key(
            name,
            (
                (
                    "if {x} is not None and (type({x}) is not str"
                    " or (ctx.currency is not None and {x} != ctx.currency)):"
                ),
                "    return BAIL",
                "{out[n]} = {x}",
            ),
        ),
        name=name,
        kind="currency",
        limits={"equals": "the invoice's currency"},
        errors=(_error(errors.CURRENCY_MISMATCH, name),),
        note="Checked against the invoice's currency (at apply time for an update parsed "
        "without the invoice).",
        check=check,
    )


def notes(name: str = "notes", *, default: bool = False) -> Rule:
    """Razorpay's notes: an object of at most 15 scalar values, keys <= 255, strings <= 512."""
    _string(name, "name")
    _flag(default, "default")

    def check(body: Mapping[str, Any], out: dict[str, Any], prefix: str, _ctx: Context) -> None:
        if name not in body:
            if default:
                out[name] = Notes()
            return
        checked = limits.check_notes(body[name], prefix + name)
        out[name] = Notes(checked)  # type: ignore[arg-type]

    return Rule(
        name=name,
        kind="notes",
        fast=_key(
            name,
            (
                # ``limits.check_notes`` and ``Notes``'s own rule (finite numbers),
                # then ``Notes._trusted`` of a copy.
                "if type({x}) is not dict or len({x}) > {e}most:",
                "    return BAIL",
                "for {e}k, {e}v in {x}.items():",
                "    if type({e}k) is not str or len({e}k) > {e}longest_key:",
                "        return BAIL",
                "    {e}t = type({e}v)",
                "    if {e}t is str:",
                "        if len({e}v) > {e}longest:",
                "            return BAIL",
                "    elif {e}t is float:",
                "        if not {e}finite({e}v):",
                "            return BAIL",
                "    elif not ({e}t is int or {e}t is bool or {e}v is None):",
                "        return BAIL",
                "{out[n]} = {e}trusted(dict({x}))",
            ),
            most=limits.MAX_NOTES,
            longest_key=limits.MAX_NOTES_KEY_LENGTH,
            longest=limits.MAX_NOTES_VALUE_LENGTH,
            finite=math.isfinite,
            trusted=Notes._trusted,  # noqa: SLF001 - what the lines above checked
        ),
        default_value=Notes() if default else NO_DEFAULT,
        nullable=False,
        limits={
            "max_keys": limits.MAX_NOTES,
            "max_key_length": limits.MAX_NOTES_KEY_LENGTH,
            "max_value_length": limits.MAX_NOTES_VALUE_LENGTH,
            "values": "scalars",
        },
        default="{}" if default else None,
        errors=tuple(
            _error(m, name)
            for m in (
                errors.NOTES_NOT_A_DICTIONARY,
                errors.NOTES_TOO_MANY_KEYS,
                errors.NOTES_KEY_TOO_LONG,
                errors.NOTES_VALUE_NOT_SCALAR,
                errors.NOTES_VALUE_TOO_LONG,
            )
        ),
        note="An empty array means no notes (Razorpay renders empty notes as `[]`).",
        check=check,
    )


def reference(
    name: str,
    *,
    missing: Message,
    missing_field: str,
    nullable: bool = True,
    absolute: bool = False,
    note: str = "",
) -> Rule:
    """An id the book looks up when applying: here only its type (anything else cannot exist).

    ``absolute``: the error's field is ``missing_field`` itself, not under the table's path.
    """
    _string(name, "name")
    _message(missing, "missing")
    _string(missing_field, "missing_field")
    _flag(nullable, "nullable")
    _flag(absolute, "absolute")
    _string(note, "note")

    def check(body: Mapping[str, Any], out: dict[str, Any], prefix: str, _ctx: Context) -> None:
        if name not in body:
            return
        value = body[name]
        if value is None and nullable:
            out[name] = None
            return
        if type(value) is not str:
            raise missing.error(field=missing_field if absolute else prefix + missing_field)
        out[name] = value

    return Rule(
        name=name,
        kind="reference",
        fast=_key(
            name,
            (
                ("if {x} is not None and type({x}) is not str:",)
                if nullable
                else ("if type({x}) is not str:",)
            )
            + ("    return BAIL", "{out[n]} = {x}"),
        ),
        nullable=nullable,
        errors=(_error(missing, missing_field),),
        note=note or "Looked up when the request is applied (not a check of the request).",
        check=check,
    )


def string_value(
    name: str, *, into: str | None = None, make: Callable[[str], object] | None = None
) -> Rule:
    """A string or ``null`` (``customer_id`` at create: ``The customer id must be a string.``).

    The typed value is kept as ``into`` (default ``name``); with ``make``, a
    string is kept as ``make(value)`` (create's ``customer_id``: a customer
    reference where an inline customer would go).
    """
    _string(name, "name")
    _optional_string(into, "into")
    if make is not None:
        _callable(make, "make")
    attribute = _label(name)
    target = name if into is None else into

    def check(body: Mapping[str, Any], out: dict[str, Any], prefix: str, _ctx: Context) -> None:
        if name not in body:
            return
        value = body[name]
        if value is not None and type(value) is not str:
            raise errors.MUST_BE.error(
                field=prefix + name, attribute=attribute, expected="a string"
            )
        out[target] = value if make is None or value is None else make(value)

    kept = "{x}" if make is None else "None if {x} is None else {e}make({x})"
    return Rule(
        name=name,
        kind="string",
        fast=_key(
            name,
            (
                "if {x} is not None and type({x}) is not str:",
                "    return BAIL",
                "{out[t]} = " + kept,
            ),
            t=target,
            make=make,
        ),
        errors=(_error(errors.MUST_BE, name, attribute=attribute, expected="a string"),),
        note="Looked up when the request is applied.",
        check=check,
    )


def nested(
    name: str,
    table: Callable[[], Table],
    *,
    table_name: str,
    nullable: bool = True,
    empty_is_absent: bool = False,
    attribute: str | None = None,
    note: str = "",
) -> Rule:
    """An object checked against another table, with its path as the fields' prefix."""
    _string(name, "name")
    _callable(table, "table")
    _string(table_name, "table_name")
    _flag(nullable, "nullable")
    _flag(empty_is_absent, "empty_is_absent")
    _optional_string(attribute, "attribute")
    _string(note, "note")
    label = attribute or _label(name)

    def check(body: Mapping[str, Any], out: dict[str, Any], prefix: str, ctx: Context) -> None:
        if name not in body:
            return
        value = body[name]
        if value is None and nullable:
            out[name] = None
            return
        if not v.is_object(value):
            raise errors.MUST_BE.error(field=prefix + name, attribute=label, expected="an object")
        if empty_is_absent and not value:
            return
        out[name] = run(table(), value, prefix + name + ".", ctx)

    return Rule(
        name=name,
        kind="object",
        fast=_key(
            name,
            (
                "if {x} is None:",
                "    {out[n]} = None" if nullable else "    return BAIL",
                "elif type({x}) is not dict:",
                "    return BAIL",
                *(("elif not {x}:", "    pass") if empty_is_absent else ()),
                "else:",
                "    {e}f = {e}table.fast_run",
                "    if {e}f is None:",
                "        return BAIL",
                *_dispatch("    ", "{e}f", "{x}", "{e}r"),
                "    if {e}r is BAIL:",
                "        return BAIL",
                "    {out[n]} = {e}r",
            ),
            table=_Late(table),
        ),
        nullable=nullable,
        errors=(_error(errors.MUST_BE, name, attribute=label, expected="an object"),),
        table=table_name,
        note=note,
        check=check,
    )


def array(
    name: str,
    element: Callable[[Mapping[str, Any]], Table],
    *,
    maximum: int,
    too_many: Message,
    min_one: bool,
    element_label: str,
    table_name: str,
    note: str = "",
) -> Rule:
    """An array of objects, each checked against ``element`` with the path ``name[i].``."""
    _string(name, "name")
    _callable(element, "element")
    v.check_integer(maximum, "maximum")
    _message(too_many, "too_many")
    _flag(min_one, "min_one")
    _string(element_label, "element_label")
    _string(table_name, "table_name")
    _string(note, "note")
    label = _label(name)

    def check(body: Mapping[str, Any], out: dict[str, Any], prefix: str, ctx: Context) -> None:
        if name not in body:
            return
        value = body[name]
        if type(value) is not list and not isinstance(value, (list, tuple)):
            raise errors.MUST_BE.error(field=prefix + name, attribute=label, expected="an array")
        if len(value) > maximum:
            if too_many is errors.TOO_MANY_ELEMENTS:
                raise too_many.error(field=prefix + name, attribute=label, maximum=maximum)
            raise too_many.error(field=prefix + name, limit=maximum)
        if min_one and not value:
            raise errors.LINE_ITEMS_EMPTY.error(field=prefix + name)
        typed = []
        for index, item in enumerate(value):
            where = f"{prefix}{name}[{index}]"
            if not v.is_object(item):
                raise errors.MUST_BE.error(
                    field=where, attribute=element_label, expected="an object"
                )
            typed.append(run(element(item), item, where + ".", ctx))
        out[name] = tuple(typed)

    found = [
        _error(errors.MUST_BE, name, attribute=label, expected="an array"),
        _error(too_many, name, attribute=label, maximum=maximum, limit=maximum),
    ]
    if min_one:
        found.append(_error(errors.LINE_ITEMS_EMPTY, name))
    found.append(
        _error(errors.MUST_BE, f"{name}[i]", attribute=element_label, expected="an object")
    )
    return Rule(
        name=name,
        kind="array",
        fast=_key(
            name,
            (
                "if type({x}) is not list or len({x}) > {e}most"
                + (" or not {x}" if min_one else "")
                + ":",
                "    return BAIL",
                *_array_loop(same=type(element) is _Every),
                "{out[n]} = tuple({e}t)",
            ),
            most=maximum,
            element=_Late(element.table) if type(element) is _Every else element,
        ),
        limits={"max_items": maximum, **({"min_items": 1} if min_one else {})},
        errors=tuple(found),
        table=table_name,
        note=note or "The length is checked before any element is read.",
        check=check,
    )


def _array_loop(*, same: bool) -> tuple[str, ...]:
    """The lines that run each element's table into the list ``{e}t`` (``array``'s fast form).

    With the ``same`` table for every element (``every``), its fast path is
    found once, before the loop; else ``{e}element`` picks each one's.
    """
    if same:
        # The table's array function for the first element's shape: the elements
        # of that shape run inline, in its loop (see ``_FastCompiler.many``).
        return (
            "{e}f = {e}element.fast_run",
            "if {e}f is None:",
            "    return BAIL",
            "if {x}:",
            "    {e}i = {x}[0]",
            "    if type({e}i) is not dict:",
            "        return BAIL",
            "    {e}m = {e}f.many.get(tuple({e}i))",
            "    if {e}m is None:",
            "        {e}t = {e}f.learn_many({e}i, {x}, ctx)",
            "    else:",
            "        {e}t = {e}m({x}, ctx)",
            "    if {e}t is BAIL:",
            "        return BAIL",
            "else:",
            "    {e}t = ()",
        )
    return (
        "{e}t = []",
        "for {e}i in {x}:",
        "    if type({e}i) is not dict:",
        "        return BAIL",
        "    {e}f = {e}element({e}i).fast_run",
        "    if {e}f is None:",
        "        return BAIL",
        *_dispatch("    ", "{e}f", "{e}i", "{e}r"),
        "    if {e}r is BAIL:",
        "        return BAIL",
        "    {e}t.append({e}r)",
    )


def _dispatch(indent: str, fast: str, value: str, result: str) -> tuple[str, ...]:
    """Lines that run a nested table's fast path on a dict ``value``: its shape's own
    function when known (the entry's type test and lookup, without its call), else the entry."""
    return (
        f"{indent}{result} = {fast}.shapes.get(tuple({value}))",
        f"{indent}if {result} is None:",
        f"{indent}    {result} = {fast}({value}, ctx)",
        f"{indent}else:",
        f"{indent}    {result} = {result}({value}, ctx)",
    )


def enum_value(name: str, choices: tuple[str, ...], *, default: str) -> Rule:
    """One of ``choices`` (``rate_type``: ``percentage`` or ``flat``)."""
    _string(name, "name")
    _names(choices, "choices")
    _string(default, "default")
    attribute = _label(name)

    def check(body: Mapping[str, Any], out: dict[str, Any], prefix: str, _ctx: Context) -> None:
        if name not in body:
            out[name] = default
            return
        value = body[name]
        if value not in choices:
            raise errors.INVALID_SELECTION.error(field=prefix + name, attribute=attribute)
        out[name] = value

    return Rule(
        fast=_key(
            name,
            (
                "if type({x}) is not str or {x} not in {e}choices:",
                "    return BAIL",
                "{out[n]} = {x}",
            ),
            choices=choices,
        ),
        name=name,
        kind="selection",
        default_value=default,
        nullable=False,
        limits={"one_of": list(choices)},
        default=default,
        errors=(_error(errors.INVALID_SELECTION, name, attribute=attribute),),
        check=check,
    )


def query_integer(name: str, *, minimum: int, maximum: int, default: int | None) -> Rule:
    """A query integer: an ``int``, or a string of at most 20 digits (``"2"`` and ``2`` agree)."""
    _string(name, "name")
    v.check_integer(minimum, "minimum")
    v.check_integer(maximum, "maximum", minimum=minimum)
    if default is not None:
        v.check_integer(default, "default", minimum=minimum, maximum=maximum)
    attribute = _label(name)

    def check(body: Mapping[str, Any], out: dict[str, Any], prefix: str, _ctx: Context) -> None:
        value = body.get(name)
        if value is None:
            out[name] = default
            return
        digits = value.removeprefix("-") if type(value) is str else ""
        if (
            0 < len(digits) <= limits.MAX_QUERY_INTEGER_DIGITS
            and digits.isascii()
            and digits.isdigit()
        ):
            number = int(value)
        elif type(value) is int:
            number = value
        else:
            raise errors.MUST_BE.error(
                field=prefix + name, attribute=attribute, expected="an integer"
            )
        if number > maximum:
            raise errors.MAX_VALUE.error(field=prefix + name, attribute=attribute, maximum=maximum)
        if number < minimum:
            raise errors.MIN_VALUE.error(field=prefix + name, attribute=attribute, minimum=minimum)
        out[name] = number

    return Rule(
        name=name,
        kind="query_integer",
        default_value=default,
        limits={
            "minimum": minimum,
            "maximum": maximum,
            "string_digits_at_most": limits.MAX_QUERY_INTEGER_DIGITS,
        },
        default=None if default is None else str(default),
        errors=(
            _error(errors.MUST_BE, name, attribute=attribute, expected="an integer"),
            _error(errors.MAX_VALUE, name, attribute=attribute, maximum=maximum),
            _error(errors.MIN_VALUE, name, attribute=attribute, minimum=minimum),
        ),
        check=check,
    )


def query_text(name: str, *, max_length: int) -> Rule:
    """A query filter: a string (an ``int`` is read as its digits) of 1 .. ``max_length``."""
    _string(name, "name")
    v.check_integer(max_length, "max_length", minimum=1)
    attribute = _label(name)

    def check(body: Mapping[str, Any], out: dict[str, Any], prefix: str, _ctx: Context) -> None:
        value = body.get(name)
        if value is None:
            return
        if type(value) is int:
            value = str(value)
        if type(value) is not str:
            raise errors.MUST_BE.error(
                field=prefix + name, attribute=attribute, expected="a string"
            )
        if len(value) > max_length:
            raise errors.MAX_LENGTH.error(
                field=prefix + name, attribute=attribute, maximum=max_length
            )
        if not value:
            raise errors.MIN_LENGTH.error(field=prefix + name, attribute=attribute, minimum=1)
        out[name] = value

    return Rule(
        name=name,
        kind="query_string",
        limits={"min_length": 1, "max_length": max_length},
        errors=(
            _error(errors.MUST_BE, name, attribute=attribute, expected="a string"),
            _error(errors.MAX_LENGTH, name, attribute=attribute, maximum=max_length),
            _error(errors.MIN_LENGTH, name, attribute=attribute, minimum=1),
        ),
        check=check,
    )


def ignored(name: str, note: str) -> Rule:
    """A key accepted and not read (an address's ``id``)."""
    _string(name, "name")
    _string(note, "note")

    def check(_body: Mapping[str, Any], _out: dict[str, Any], _prefix: str, _ctx: Context) -> None:
        return

    return Rule(name=name, kind="ignored", note=note, check=check, fast=_key(name, ()))


def transform(name: str, kind: str, fn: Callable[[Any], Any], note: str) -> Rule:
    """A documented step that rewrites a checked value (``country``: ``India`` -> ``in``)."""
    _string(name, "name")
    _string(kind, "kind")
    _callable(fn, "fn")
    _string(note, "note")

    def check(_body: Mapping[str, Any], out: dict[str, Any], _prefix: str, _ctx: Context) -> None:
        if out.get(name) is not None:
            out[name] = fn(out[name])

    source = ("if {typed[n]} is not None:", "    {out[n]} = {e}fn({typed[n]})")
    return Rule(name=name, kind=kind, note=note, check=check, fast=_key(name, source, fn=fn))
