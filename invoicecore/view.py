"""A replay for people: one aligned row per call, from the script line and its response line.

Pure text in, text out: ``cli.py`` decides whether to colour (a terminal,
``NO_COLOR``) and passes ``colour``; this module reads no environment. The
JSON Lines stay the protocol; this is only a view of them, and it never raises,
whatever the lines hold.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Final

from invoicecore import _validators as v
from invoicecore.amounts import CURRENCIES

__all__ = ["header", "money", "row", "utc_time"]

# Fixed widths, so rows align while they stream (a replay prints as it goes).
# The path column fits the longest endpoint with a standard id:
# /sim/invoices/inv_00000000000001/notifications/email/sent (57 characters).
_AT: Final = 19
_METHOD: Final = 6
_PATH: Final = 57
_HTTP: Final = 4
_ID: Final = 19
_STATUS: Final = 14
_MONEY: Final = 14

_RESET: Final = "\x1b[0m"
_BOLD: Final = "1"
_DIM: Final = "2"
_RED: Final = "31"
_GREEN: Final = "32"
_YELLOW: Final = "33"
_BLUE: Final = "34"
_MAGENTA: Final = "35"
_CYAN: Final = "36"

_STATUS_COLOURS: Final[Mapping[str, str]] = {
    "draft": _BLUE,
    "issued": _CYAN,
    "partially_paid": _YELLOW,
    "paid": _GREEN,
    "cancelled": _MAGENTA,
    "expired": _MAGENTA,
    "deleted": _MAGENTA,
}


def header(*, colour: bool = False) -> str:
    """The column titles, aligned with ``row``; no newline."""
    cells = [
        ("at (UTC)", _AT, "<"),
        ("method", _METHOD, "<"),
        ("path", _PATH, "<"),
        ("HTTP", _HTTP, "<"),
        ("id", _ID, "<"),
        ("status", _STATUS, "<"),
        ("amount", _MONEY, ">"),
        ("paid", _MONEY, ">"),
        ("due", _MONEY, ">"),
    ]
    return _paint(_join(_pad(text, width, align) for text, width, align in cells), _BOLD, colour)


def row(script_line: str | bytes, response_line: str | bytes, *, colour: bool = False) -> str:
    """One call as a person reads it: when, which call, what came back; no newline.

    An invoice shows its id, status, amount, amount paid and amount due; a
    collection its count; an error its description. Control characters in the
    lines are shown escaped, so a script cannot drive the terminal.
    """
    call = _load(script_line)
    response = _load(response_line)
    if isinstance(call, Mapping):
        at, method, path = (call.get(key) for key in ("at", "method", "path"))
        left = [
            _pad(utc_time(at) if type(at) is int else _shown(at), _AT),
            _paint(_pad(_shown(method), _METHOD), _BOLD, colour),
            _pad(_shown(path), _PATH),
        ]
    else:
        left = [_pad("-", _AT), _pad("-", _METHOD), _pad(_shown(script_line), _PATH)]
    http = response.get("status") if isinstance(response, Mapping) else None
    body = response.get("body") if isinstance(response, Mapping) else _shown(response_line)
    http_colour = _GREEN if type(http) is int and 200 <= http < 300 else _RED  # noqa: PLR2004
    method = call.get("method") if isinstance(call, Mapping) else None
    cells = [*left, _paint(_pad(_shown(http), _HTTP), http_colour, colour)]
    cells += _result(body, method, colour)
    return _join(cells)


def money(amount: object, currency: object) -> str:
    """Minor units as a person reads them, with the currency's exponent: ``INR 6.00``.

    ``None`` (an amount not set yet, as a draft's ``amount_due``) is ``-``; an
    unknown currency shows the bare minor units after its code.
    """
    if amount is None:
        return "-"
    if type(amount) is not int:
        return _shown(amount)
    known = CURRENCIES.get(currency) if isinstance(currency, str) else None
    if known is None:
        return f"{_shown(currency)} {amount}"
    return known.format(amount)


def utc_time(at: int) -> str:
    """Epoch seconds as ``YYYY-MM-DD HH:MM:SS`` in UTC, without reading a clock or a time zone.

    The civil-from-days conversion of the proleptic Gregorian calendar
    (H. Hinnant's algorithm), so the core needs no ``datetime``.
    """
    if type(at) is not int:  # any int: years before 1970 and after 9999 too
        raise v.must_be("at", "an integer")
    days, seconds = divmod(at, 86_400)
    era, day_of_era = divmod(days + 719_468, 146_097)
    year_of_era = (
        day_of_era - day_of_era // 1460 + day_of_era // 36_524 - day_of_era // 146_096
    ) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    month_index = (5 * day_of_year + 2) // 153
    day = day_of_year - (153 * month_index + 2) // 5 + 1
    month = month_index + 3 if month_index < 10 else month_index - 9  # noqa: PLR2004
    year = year_of_era + era * 400 + (month <= 2)  # noqa: PLR2004
    hours, rest = divmod(seconds, 3600)
    return f"{year:04d}-{month:02d}-{day:02d} {hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


def _result(body: object, method: object, colour: bool) -> list[str]:  # noqa: PLR0911
    """The cells after the HTTP status: what came back."""
    if isinstance(body, Mapping):
        error = body.get("error")
        if isinstance(error, Mapping):
            return [_paint(_shown(error.get("description")), _RED, colour)]
        entity = body.get("entity")
        if entity == "invoice":
            return _invoice(body, colour)
        if entity == "collection":
            return [_pad("", _ID), f"collection, count {_shown(body.get('count'))}"]
        if entity in {"customer", "item"}:
            currency = body.get("currency")
            price = f", {money(body['amount'], currency)}" if "amount" in body else ""
            return [
                _pad(_shown(body.get("id")), _ID),
                f"{entity}: {_shown(body.get('name'))}{price}",
            ]
        if dict(body) == {"success": True}:
            return [_pad("", _ID), "success"]
    if body == [] and method == "DELETE":
        return [_pad("", _ID), "deleted"]
    return [_pad("", _ID), _shown(body if isinstance(body, str) else _compact(body))]


def _invoice(body: Mapping[object, object], colour: bool) -> list[str]:
    status = _shown(body.get("status"))
    currency = body.get("currency")
    return [
        _pad(_shown(body.get("id")), _ID),
        _paint(_pad(status, _STATUS), _STATUS_COLOURS.get(status, _DIM), colour),
        *(_pad(money(body.get(key), currency), _MONEY, ">") for key in _AMOUNTS),
    ]


_AMOUNTS: Final = ("amount", "amount_paid", "amount_due")


def _load(line: str | bytes) -> object:
    try:
        return json.loads(line)
    except (ValueError, TypeError, RecursionError):
        return None


def _compact(value: object) -> str:
    try:
        return json.dumps(value, ensure_ascii=False)
    except (ValueError, TypeError, RecursionError):
        return repr(value)


_LONGEST: Final = 200


def _shown(value: object) -> str:
    """Text safe for a terminal: control and format characters escaped, long values cut."""
    if value is None:
        return "-"
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    text = value if isinstance(value, str) else _compact(value)
    if len(text) > _LONGEST:
        text = text[: _LONGEST - 1] + "…"
    return "".join(
        f"\\u{ord(char):04x}"
        if unicodedata.category(char)[0] in {"C", "Z"} and char != " "
        else char
        for char in text
    )


def _pad(text: str, width: int, align: str = "<") -> str:
    return text.rjust(width) if align == ">" else text.ljust(width)


def _join(cells: Iterable[str]) -> str:
    return "  ".join(cells).rstrip()


def _paint(text: str, code: str, colour: bool) -> str:
    """``text`` in an ANSI colour when asked; padding stays inside, so columns still align."""
    return f"\x1b[{code}m{text}{_RESET}" if colour and text else text
