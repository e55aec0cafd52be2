"""The transition table rendered for people and for ports: Mermaid, Graphviz dot, JSON, text.

Pure functions from ``TRANSITIONS`` to text; ``cli.py`` prints them and the
docs embed them, so the diagram can never be drawn by hand.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Final

from invoicecore.entities import Status
from invoicecore.transitions import TERMINAL_STATUSES, TRANSITIONS

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["FORMATS", "render", "to_dot", "to_json", "to_mermaid", "to_text"]

_START: Final = "[*]"


def _edges() -> dict[tuple[str, str], list[str]]:
    """(source, target) -> operation names, in table order; ``[*]`` is "no invoice yet"."""
    edges: dict[tuple[str, str], list[str]] = {}
    for operation, rule in TRANSITIONS.items():
        sources = [s.value for s in Status if s in rule.sources] or [_START]
        for source in sources:
            start = None if source == _START else Status(source)
            targets = rule.targets if start is None else rule.targets_from(start)
            for target in targets:
                edges.setdefault((source, target.value), []).append(operation.value)
    return edges


def to_mermaid() -> str:
    """A Mermaid ``stateDiagram-v2``; terminal statuses point to the end state."""
    lines = ["stateDiagram-v2"]
    lines.extend(
        f"    {source} --> {target}: {', '.join(operations)}"
        for (source, target), operations in _edges().items()
    )
    lines.extend(f"    {s.value} --> {_START}" for s in Status if s in TERMINAL_STATUSES)
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
                "sources": [s.value for s in Status if s in rule.sources],
                "targets": [s.value for s in rule.targets],
                "keeps_status": not rule.targets,
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
        sources = ", ".join(s.value for s in Status if s in rule.sources) or "(new)"
        targets = ", ".join(s.value for s in rule.targets) or "(status kept)"
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
