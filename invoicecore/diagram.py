"""The transition table rendered for people and for ports: SVG, Mermaid, Graphviz dot, JSON, text.

Pure functions from ``TRANSITIONS`` to text; ``cli.py`` prints them and the
docs embed them, so the diagram can never be drawn by hand. The SVG needs no
Graphviz, no script and no network: it renders anywhere an image does.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Final

from invoicecore import _validators as v
from invoicecore import errors
from invoicecore.entities import Status
from invoicecore.transitions import TERMINAL_STATUSES, TRANSITIONS, Rule

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "FORMATS",
    "describe_edges",
    "render",
    "to_dot",
    "to_json",
    "to_mermaid",
    "to_svg",
    "to_text",
]

_START: Final = "[*]"


def _edges() -> dict[tuple[str, str], list[str]]:
    """(source, target) -> operation names, in table order; ``[*]`` is "no invoice yet"."""
    edges: dict[tuple[str, str], list[str]] = {}
    for operation, rule in TRANSITIONS.items():
        pairs = [(_START, target.value) for target in rule.creates]
        pairs += [
            (source.value, target.value)
            for source in Status
            for target in rule.targets_from(source)
        ]
        for pair in pairs:
            edges.setdefault(pair, []).append(operation.value)
    return edges


def describe_edges(rule: Rule) -> tuple[str, str]:
    """("allowed from", "leads to") in words, for the text table and the docs."""
    v.check_type(rule, Rule, "rule", "a transitions.Rule")
    if rule.creates:
        return "(new)", ", ".join(status.value for status in rule.creates)
    sources = [status for status in Status if status in rule.edges]
    from_text = ", ".join(status.value for status in sources)
    if all(status in rule.edges[status] for status in sources):
        extras = [
            f"{status.value} may become "
            + ", ".join(target.value for target in rule.edges[status] if target != status)
            for status in sources
            if len(rule.edges[status]) > 1
        ]
        return from_text, "; ".join(["(status kept)", *extras])
    targets = {rule.edges[status] for status in sources}
    if len(targets) == 1:
        return from_text, ", ".join(status.value for status in targets.pop())
    return from_text, "; ".join(
        f"{status.value}: {', '.join(t.value for t in rule.edges[status])}" for status in sources
    )


def to_mermaid() -> str:
    """A Mermaid ``stateDiagram-v2``.

    Edges that change the status are arrows; operations that keep it are
    listed in a note on each status, so the picture stays readable.
    Terminal statuses point to the end state.
    """
    lines = ["stateDiagram-v2"]
    kept: dict[str, list[str]] = {}
    for (source, target), operations in _edges().items():
        if source == target:
            kept.setdefault(source, []).extend(operations)
        else:
            lines.append(f"    {source} --> {target}: {', '.join(operations)}")
    lines.extend(f"    {s.value} --> {_START}" for s in Status if s in TERMINAL_STATUSES)
    lines.extend(
        f"    note right of {s.value} : keeps status - {', '.join(kept[s.value])}"
        for s in Status
        if s.value in kept
    )
    return "\n".join(lines) + "\n"


def to_dot() -> str:
    """A Graphviz digraph; terminal statuses are drawn with a double border."""
    lines = ["digraph invoice_lifecycle {", "    rankdir=LR;", '    start [shape=point, label=""];']
    for status in Status:
        shape = "doublecircle" if status in TERMINAL_STATUSES else "circle"
        lines.append(f"    {status.value} [shape={shape}];")
    for (source, target), operations in _edges().items():
        name = "start" if source == _START else source
        lines.append(f'    {name} -> {target} [label="{", ".join(operations)}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_json() -> str:
    """The table as JSON for ports: statuses, terminal statuses, one object per operation."""
    document = {
        "statuses": [s.value for s in Status],
        "terminal": [s.value for s in Status if s in TERMINAL_STATUSES],
        "operations": [
            {
                "operation": operation.value,
                "creates": [s.value for s in rule.creates],
                "edges": {
                    source.value: [target.value for target in rule.targets_from(source)]
                    for source in Status
                    if source in rule.edges
                },
                "refusal": {"code": rule.refusal.code, "description": rule.refusal.template},
                "refusal_overrides": {
                    status.value: {"code": message.code, "description": message.template}
                    for status, message in rule.refusal_overrides.items()
                },
                "summary": rule.summary,
            }
            for operation, rule in TRANSITIONS.items()
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def to_text() -> str:
    """A plain table: one row per operation, allowed sources and where they lead."""
    rows = [("operation", "from", "to")]
    for operation, rule in TRANSITIONS.items():
        sources, targets = describe_edges(rule)
        rows.append((operation.value, sources, targets))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    terminal = ", ".join(s.value for s in Status if s in TERMINAL_STATUSES)
    lines.extend(["", f"terminal: {terminal}"])
    return "\n".join(lines) + "\n"


# -- SVG ------------------------------------------------------------------------
# A fixed grid, (column, row), one row per lifecycle stage, top to bottom so the
# picture fits a page's width: the paying path runs down the middle column, the
# ends that stop it sit on the right, and the two shortcuts (create issued at
# once, pay in full at once) pass on the left, so no two arrows cross.
_PLACES: Final[dict[str, tuple[float, float]]] = {
    _START: (0, 0.3),
    Status.DRAFT.value: (1, 1),
    Status.ISSUED.value: (1, 2),
    Status.PARTIALLY_PAID.value: (1, 3),
    Status.PAID.value: (0, 4),
    Status.DELETED.value: (2, 1),
    Status.CANCELLED.value: (2, 2),
    Status.EXPIRED.value: (2, 3),
}
_FONT: Final = "ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace"
_CHAR: Final = 7.3  # the width of one 12 px monospace character
_LEFT: Final = 40.0
_TOP: Final = 80.0
_COLUMN: Final = 285.0
_ROW: Final = 150.0
_BOX: Final = 200.0
_NAME_HEIGHT: Final = 30.0
_LINE: Final = 16.0
_WRAP: Final = 24
_START_RADIUS: Final = 9.0


def _kept() -> dict[str, list[str]]:
    """Status -> the operations allowed there that keep it, in table order."""
    kept: dict[str, list[str]] = {}
    for (source, target), operations in _edges().items():
        if source == target:
            kept.setdefault(source, []).extend(operations)
    return kept


def _wrapped(words: list[str]) -> list[str]:
    lines: list[str] = []
    for word in words:
        if lines and len(lines[-1]) + len(word) + 2 <= _WRAP:
            lines[-1] += f", {word}"
        else:
            if lines:
                lines[-1] += ","
            lines.append(word)
    return lines


def _places() -> dict[str, tuple[float, float]]:
    """Centre of each node; a status the grid does not know yet gets a row of its own below."""
    grid = dict(_PLACES)
    extra = [s.value for s in Status if s.value not in grid]
    for index, status in enumerate(extra):
        grid[status] = (3, 1 + index)
    return {
        name: (_LEFT + _BOX / 2 + column * _COLUMN, _TOP + row * _ROW)
        for name, (column, row) in grid.items()
    }


def _half_size(name: str, kept: dict[str, list[str]]) -> tuple[float, float]:
    if name == _START:
        return _START_RADIUS, _START_RADIUS
    lines = len(_wrapped(kept.get(name, [])))
    height = _NAME_HEIGHT + (_LINE * (lines + 1) + 10 if lines else 0)
    return _BOX / 2, height / 2


def _clip(
    centre: tuple[float, float], half: tuple[float, float], towards: tuple[float, float]
) -> tuple[float, float]:
    """Where the segment from ``centre`` to ``towards`` leaves the box (or circle) around it."""
    dx, dy = towards[0] - centre[0], towards[1] - centre[1]
    if half[0] == half[1] == _START_RADIUS:
        length = math.hypot(dx, dy)
        return centre[0] + dx * _START_RADIUS / length, centre[1] + dy * _START_RADIUS / length
    scale = min(
        half[0] / abs(dx) if dx else math.inf,
        half[1] / abs(dy) if dy else math.inf,
    )
    return centre[0] + dx * scale, centre[1] + dy * scale


def _n(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _escape(text: str) -> str:
    """``&``, ``<`` and ``>`` as XML entities (``xml.sax.saxutils`` costs ``urllib`` to import)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _quoteattr(text: str) -> str:
    """An XML attribute value with its quotes, as ``xml.sax.saxutils.quoteattr`` writes it."""
    value = _escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in value:
        return f'"{value}"'
    if "'" not in value:
        return f"'{value}'"
    return '"{}"'.format(value.replace('"', "&quot;"))


def _text(x: float, y: float, content: str, **attributes: str) -> str:
    extra = "".join(
        f" {key.strip('_').replace('_', '-')}={_quoteattr(value)}"
        for key, value in attributes.items()
    )
    return f'<text x="{_n(x)}" y="{_n(y)}"{extra}>{_escape(content)}</text>'


def to_svg() -> str:
    """The state diagram as a standalone SVG picture, laid out on a fixed grid.

    Statuses are boxes; an arrow per status change, labelled with its
    operations; operations that keep the status are listed in its box;
    terminal statuses have a double border; the dot is "no invoice yet".
    """
    kept = _kept()
    places = _places()
    sizes = {name: _half_size(name, kept) for name in places}
    right = max(x + sizes[name][0] for name, (x, _) in places.items()) + _LEFT
    bottom = max(y + sizes[name][1] for name, (_, y) in places.items())
    height = bottom + 30
    parts = [
        (
            '<svg xmlns="http://www.w3.org/2000/svg" '
            f'width="{_n(right)}" height="{_n(height)}" viewBox="0 0 {_n(right)} {_n(height)}" '
            f'role="img" font-family={_quoteattr(_FONT)} font-size="12">'
        ),
        "<title>The invoice lifecycle</title>",
        (
            "<desc>Generated from invoicecore.TRANSITIONS: statuses, the operations that move "
            "an invoice between them, and the operations each status allows without moving.</desc>"
        ),
        (
            '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="9" '
            'markerHeight="9" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
            'fill="#3b4252"/></marker></defs>'
        ),
        f'<rect width="{_n(right)}" height="{_n(height)}" fill="#ffffff"/>',
        _text(
            _LEFT, 34, "The invoice lifecycle", font_size="17", font_weight="bold", fill="#1f2933"
        ),
        _text(
            _LEFT,
            56,
            "generated from invoicecore.TRANSITIONS (python -m invoicecore states --format svg)",
            fill="#52606d",
        ),
    ]
    labels: list[str] = []
    for (source, target), operations in _edges().items():
        if source == target:
            continue
        start = _clip(places[source], sizes[source], places[target])
        end = _clip(places[target], sizes[target], places[source])
        parts.append(
            f'<line x1="{_n(start[0])}" y1="{_n(start[1])}" x2="{_n(end[0])}" y2="{_n(end[1])}" '
            'class="arrow" stroke="#3b4252" stroke-width="1.6" marker-end="url(#arrow)"/>'
        )
        label = ", ".join(operations)
        mid_x, mid_y = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2
        width = len(label) * _CHAR + 10
        labels.append(
            f'<rect x="{_n(mid_x - width / 2)}" y="{_n(mid_y - 10)}" width="{_n(width)}" '
            'height="19" rx="4" fill="#ffffff" stroke="#d9e2ec"/>'
        )
        labels.append(
            _text(mid_x, mid_y + 4, label, class_="label", text_anchor="middle", fill="#102a43")
        )
    for name, (x, y) in places.items():
        half_width, half_height = sizes[name]
        if name == _START:
            parts.append(
                f'<circle class="start" cx="{_n(x)}" cy="{_n(y)}" r="{_n(_START_RADIUS)}" '
                'fill="#1f2933"/>'
            )
            continue
        terminal = Status(name) in TERMINAL_STATUSES
        left, top = x - half_width, y - half_height
        kind = "status terminal" if terminal else "status"
        box = (
            f'<rect class="{kind}" id="status-{name}" x="{_n(left)}" y="{_n(top)}" '
            f'width="{_n(2 * half_width)}" height="{_n(2 * half_height)}" rx="8"'
        )
        fill = "#f0f4f8" if terminal else "#e3f2fd"
        parts.append(f'{box} fill="{fill}" stroke="#1f2933" stroke-width="1.5"/>')
        if terminal:
            parts.append(
                f'<rect x="{_n(left + 4)}" y="{_n(top + 4)}" width="{_n(2 * half_width - 8)}" '
                f'height="{_n(2 * half_height - 8)}" rx="5" fill="none" stroke="#1f2933"/>'
            )
        parts.append(
            _text(
                x,
                top + 21,
                name,
                text_anchor="middle",
                font_size="15",
                font_weight="bold",
                fill="#102a43",
            )
        )
        lines = _wrapped(kept.get(name, []))
        if lines:
            rule = top + _NAME_HEIGHT
            parts.append(
                f'<line x1="{_n(left + 8)}" y1="{_n(rule)}" x2="{_n(left + 2 * half_width - 8)}" '
                f'y2="{_n(rule)}" stroke="#9fb3c8"/>'
            )
            parts.append(
                _text(left + 12, rule + _LINE, "keeps status:", fill="#52606d", font_style="italic")
            )
            parts.extend(
                _text(left + 12, rule + _LINE * (index + 2), line, fill="#243b53")
                for index, line in enumerate(lines)
            )
    parts.extend(labels)
    # The legend fills the bottom row's free columns, beside the last status.
    legend_x = _LEFT + _COLUMN + 10
    legend_y = max(y for _, y in places.values()) - 24
    parts += [
        f'<circle cx="{_n(legend_x + 15)}" cy="{_n(legend_y - 4)}" r="6" fill="#1f2933"/>',
        _text(legend_x + 44, legend_y, "no invoice yet", fill="#243b53"),
        (
            f'<rect x="{_n(legend_x)}" y="{_n(legend_y + 15)}" width="30" height="18" rx="4" '
            'fill="#f0f4f8" stroke="#1f2933" stroke-width="1.5"/>'
        ),
        (
            f'<rect x="{_n(legend_x + 3)}" y="{_n(legend_y + 18)}" width="24" height="12" rx="2" '
            'fill="none" stroke="#1f2933"/>'
        ),
        _text(legend_x + 44, legend_y + 28, "terminal: no operation leaves it", fill="#243b53"),
        _text(legend_x, legend_y + 56, "keeps status:", fill="#52606d", font_style="italic"),
        _text(legend_x + 102, legend_y + 56, "allowed there, status unchanged", fill="#243b53"),
        "</svg>",
    ]
    return "\n".join(parts) + "\n"


FORMATS: Final[dict[str, Callable[[], str]]] = {
    "text": to_text,
    "svg": to_svg,
    "mermaid": to_mermaid,
    "dot": to_dot,
    "json": to_json,
}


def render(format: str) -> str:
    """The table in one of ``FORMATS``; another name is ``The selected format is invalid.``"""
    if type(format) is not str or format not in FORMATS:
        raise errors.INVALID_SELECTION.error(field="format", attribute="format")
    return FORMATS[format]()
