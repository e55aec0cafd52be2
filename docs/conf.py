"""Sphinx configuration: MyST pages, furo, doctests, and the state diagram drawn at build time."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path
from typing import TYPE_CHECKING

from invoicecore import diagram

if TYPE_CHECKING:
    from sphinx.application import Sphinx

project = "invoicecore"
author = "The invoicecore authors"
copyright = "2026, The invoicecore authors"
release = importlib.metadata.version("invoicecore")

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.doctest",
    "sphinx.ext.napoleon",
]
myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build"]
html_theme = "furo"
html_title = f"invoicecore {release}"
autodoc_member_order = "bysource"
autodoc_typehints = "description"
nitpicky = False

DIAGRAM = Path(__file__).resolve().parent / "images" / "lifecycle.svg"


def write_diagram(path: Path = DIAGRAM) -> bool:
    """Draw the lifecycle SVG from the transition table; True when the file changed.

    Runs at every build, so the pages never show a stale picture; the file is
    also committed, so the sdist and offline readers have it
    (tests/test_docs.py fails when the committed copy is stale).
    """
    svg = diagram.to_svg()
    if path.exists() and path.read_text(encoding="utf-8") == svg:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(svg, encoding="utf-8", newline="\n")
    return True


def setup(app: Sphinx) -> None:
    """Sphinx's hook: the diagram is written before any page is read."""
    app.connect("builder-inited", lambda _app: write_diagram())
