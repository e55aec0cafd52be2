"""The transition table rendered for people and for ports: Mermaid, Graphviz dot, JSON, text.

Pure functions from ``TRANSITIONS`` to text; ``cli.py`` prints them and the
docs embed them, so the diagram can never be drawn by hand.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Final

from invoicecore.entities import Status
from invoicecore.transitions import TERMINAL_STATUSES, TRANSITIONS, Rule

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["FORMATS", "describe_edges", "render", "to_dot", "to_json", "to_mermaid", "to_text"]

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


FORMATS: Final[dict[str, Callable[[], str]]] = {
    "text": to_text,
    "mermaid": to_mermaid,
    "dot": to_dot,
    "json": to_json,
}


def render(format: str) -> str:
    """The table in one of ``FORMATS``."""
    return FORMATS[format]()
