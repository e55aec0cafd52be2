"""The SVG state diagram: drawn from the table, and readable (nothing crosses or overlaps)."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET
from xml.sax import saxutils

from hypothesis import given
from hypothesis import strategies as st

from invoicecore import TERMINAL_STATUSES, TRANSITIONS, Status, diagram
from invoicecore.cli import main

if TYPE_CHECKING:
    import pytest

SVG = "{http://www.w3.org/2000/svg}"
Point = tuple[float, float]
Box = tuple[float, float, float, float]


def _root() -> ET.Element:
    return ET.fromstring(diagram.to_svg())  # noqa: S314 - our own output


def _changes() -> dict[tuple[str, str], list[str]]:
    """(source, target) -> operations, for edges that change the status; "new" is no invoice."""
    changes: dict[tuple[str, str], list[str]] = {}
    for operation, rule in TRANSITIONS.items():
        pairs = [("new", target.value) for target in rule.creates]
        pairs += [(s.value, t.value) for s in rule.edges for t in rule.edges[s] if s != t]
        for pair in pairs:
            changes.setdefault(pair, []).append(operation.value)
    return changes


def _boxes(root: ET.Element) -> dict[str, Box]:
    return {
        rect.attrib["id"].removeprefix("status-"): (
            float(rect.attrib["x"]),
            float(rect.attrib["y"]),
            float(rect.attrib["x"]) + float(rect.attrib["width"]),
            float(rect.attrib["y"]) + float(rect.attrib["height"]),
        )
        for rect in root.iter(f"{SVG}rect")
        if "status" in rect.attrib.get("class", "").split()
    }


def _arrows(root: ET.Element) -> list[tuple[Point, Point]]:
    return [
        (
            (float(line.attrib["x1"]), float(line.attrib["y1"])),
            (float(line.attrib["x2"]), float(line.attrib["y2"])),
        )
        for line in root.iter(f"{SVG}line")
        if line.attrib.get("class") == "arrow"
    ]


def _cross(a: Point, b: Point, c: Point) -> float:
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def _segments_cross(first: tuple[Point, Point], second: tuple[Point, Point]) -> bool:
    """Proper crossing: each segment strictly separates the other's ends."""
    (a, b), (c, d) = first, second
    return _cross(a, b, c) * _cross(a, b, d) < 0 and _cross(c, d, a) * _cross(c, d, b) < 0


def _passes_through(segment: tuple[Point, Point], box: Box) -> bool:
    """Whether any of 200 points along the segment lies strictly inside the box."""
    (x1, y1), (x2, y2) = segment
    left, top, right, bottom = box
    return any(
        left < x1 + (x2 - x1) * t / 200 < right and top < y1 + (y2 - y1) * t / 200 < bottom
        for t in range(1, 200)
    )


def test_every_status_is_a_box_and_the_terminal_ones_are_marked() -> None:
    root = _root()

    classes = {
        rect.attrib["id"].removeprefix("status-"): rect.attrib["class"]
        for rect in root.iter(f"{SVG}rect")
        if "id" in rect.attrib
    }
    assert set(classes) == {status.value for status in Status}
    for status in Status:
        assert ("terminal" in classes[status.value]) == (status in TERMINAL_STATUSES)
    assert len(list(root.iter(f"{SVG}circle"))) == 2  # the start, and its legend


def test_one_labelled_arrow_per_status_change() -> None:
    root = _root()

    labels = [
        text.text or "" for text in root.iter(f"{SVG}text") if text.attrib.get("class") == "label"
    ]
    assert sorted(labels) == sorted(", ".join(ops) for ops in _changes().values())
    assert len(_arrows(root)) == len(_changes())


def test_operations_that_keep_the_status_are_listed_in_its_box() -> None:
    root = _root()
    texts = [text.text or "" for text in root.iter(f"{SVG}text")]
    boxes = _boxes(root)

    for status in Status:
        kept = [
            op.value for op, rule in TRANSITIONS.items() if status in rule.edges.get(status, ())
        ]
        left, top, right, bottom = boxes[status.value]
        inside = " ".join(
            text.text or ""
            for text in root.iter(f"{SVG}text")
            if left < float(text.attrib["x"]) < right and top < float(text.attrib["y"]) < bottom
        )
        assert all(operation in inside for operation in kept), (status, inside)
        assert ("keeps status:" in inside) == bool(kept)
    assert "keeps status:" in texts


def test_no_arrows_cross_and_none_runs_through_a_box() -> None:
    root = _root()
    arrows = _arrows(root)
    boxes = _boxes(root)

    for first, second in itertools.combinations(arrows, 2):
        assert not _segments_cross(first, second), (first, second)
    for arrow, (name, box) in itertools.product(arrows, boxes.items()):
        assert not _passes_through(arrow, box), (arrow, name)


def test_no_boxes_overlap_and_all_fit_in_the_picture() -> None:
    root = _root()
    boxes = _boxes(root)
    width, height = float(root.attrib["width"]), float(root.attrib["height"])

    for (_, a), (_, b) in itertools.combinations(boxes.items(), 2):
        assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
    assert all(
        box[0] >= 0 and box[2] <= width and box[1] >= 0 and box[3] <= height
        for box in boxes.values()
    )
    assert width <= 900  # fits a documentation page's width without shrinking its text much


def test_states_format_svg_prints_the_same_picture(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["states", "--format", "svg"])

    assert code == 0
    assert capsys.readouterr().out == diagram.to_svg()
    assert diagram.render("svg") == diagram.to_svg()


@given(st.text())
def test_the_svg_escapes_are_the_standard_librarys(text: str) -> None:
    # The diagram writes its own (saxutils imports urllib, a fifth of the start-up).
    assert diagram._escape(text) == saxutils.escape(text)
    assert diagram._quoteattr(text) == saxutils.quoteattr(text)
