"""Sphinx configuration: MyST pages, furo, Mermaid diagrams, doctests."""

from __future__ import annotations

import importlib.metadata

project = "invoicecore"
author = "The invoicecore authors"
copyright = "2026, The invoicecore authors"
release = importlib.metadata.version("invoicecore")

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.doctest",
    "sphinx.ext.napoleon",
    "sphinxcontrib.mermaid",
]
myst_enable_extensions = ["colon_fence"]
myst_fence_as_directive = ["mermaid"]
myst_heading_anchors = 3
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build"]
html_theme = "furo"
html_title = f"invoicecore {release}"
autodoc_member_order = "bysource"
autodoc_typehints = "description"
nitpicky = False
