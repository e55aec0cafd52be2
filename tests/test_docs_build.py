"""The built lifecycle page shows the diagram as a picture, drawn at build time, with no source.

A real ``sphinx-build`` in a subprocess, with the project's own ``conf.py``,
over a copy of the lifecycle page alone (so it takes seconds, not the whole
site's build): the SVG is not copied in, so ``conf.py`` must draw it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from invoicecore import Status, diagram

DOCS = Path(__file__).resolve().parent.parent / "docs"
SPHINX = [sys.executable, "-m", "sphinx", "-q", "-b", "html", "-D", "root_doc=lifecycle"]
SVG = "{http://www.w3.org/2000/svg}"

pytest.importorskip("sphinx", reason="the docs tools come with the dev extra")

# A Sphinx build in its own process: the slow set (CI, which also builds the whole site).
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("docs-source")
    output = tmp_path_factory.mktemp("docs-html")
    shutil.copy(DOCS / "conf.py", source / "conf.py")
    shutil.copy(DOCS / "lifecycle.md", source / "lifecycle.md")

    result = subprocess.run(
        [*SPHINX, str(source), str(output)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    return output


def test_the_built_lifecycle_page_holds_the_picture_and_no_diagram_source(built: Path) -> None:
    page = (built / "lifecycle.html").read_text(encoding="utf-8")

    (image,) = re.findall(r"<img [^>]*>", page)
    source = re.search(r'src="([^"]+)"', image)
    assert source is not None
    assert source.group(1).endswith("lifecycle.svg")
    assert 'alt="The invoice lifecycle:' in image
    assert all(status.value in image for status in Status)  # the alt text names them all
    assert f'href="{source.group(1)}"' in page  # a link to the picture at full size
    assert "stateDiagram" not in page
    assert 'class="mermaid' not in page
    assert "-->" not in re.sub(r"<!--.*?-->", "", page, flags=re.DOTALL)
    assert all("mermaid" not in script for script in re.findall(r"<script[^>]*>", page))
    assert (built / source.group(1)).read_text(encoding="utf-8") == diagram.to_svg()


def test_the_picture_names_every_status_and_marks_the_terminal_ones(built: Path) -> None:
    (drawn,) = (built / "_images").glob("lifecycle*.svg")

    root = ET.fromstring(drawn.read_text(encoding="utf-8"))  # noqa: S314 - our own file
    texts = [element.text for element in root.iter(f"{SVG}text")]
    for status in Status:
        assert status.value in texts, status
    assert "keeps status:" in texts
    assert "terminal: no operation leaves it" in texts
    assert len(list(root.iter(f"{SVG}line"))) >= 10  # one arrow per status change, and rules
