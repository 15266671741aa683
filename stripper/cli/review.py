"""The review page: one self-contained HTML file for a person to check pre-labelled pages.

`render_review_page` fills the template ``review.html`` (beside this module)
with the pages' lines, labels and debris probabilities as JSON; the page's
own script shows them, lets a person flip lines and blocks, and saves each
page's label file as a download. It needs no server and loads nothing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from .outputs import AtomicFile

if TYPE_CHECKING:
    from .label import LabelledPage

_PLACEHOLDER = "@DATA@"


def marker(line: str, label: bool | None) -> str:
    """The label format's marker for a line: "+", "-", "?", or "" for an empty line."""
    if line == "":
        return ""
    return "?" if label is None else ("-" if label else "+")


def review_data(pages: Sequence[LabelledPage], out: str = "") -> dict:
    """What the page embeds: per page its lines, markers and cells' probabilities."""
    return {
        "out": out,
        "documents": [
            {
                "name": page.name,
                "outlet": page.outlet,
                "file": page.file.as_posix(),
                "source": str(page.source),
                "threshold": page.threshold,
                "lines": page.lines,
                "p": page.probabilities,
                "model": [marker(*pair) for pair in zip(page.lines, page.model_labels)],
                "labels": [marker(*pair) for pair in zip(page.lines, page.labels)],
            }
            for page in pages
        ],
    }


def render_review_page(pages: Sequence[LabelledPage], out: str = "") -> str:
    """The review page's HTML; ``out`` is the label folder as the person knows it."""
    template = files(__package__).joinpath("review.html").read_text(encoding="utf-8")
    data = json.dumps(review_data(pages, out), ensure_ascii=False, separators=(",", ":"))
    # inside <script>, "</script>" or "<!--" in a page's text would end the JSON early
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return template.replace(_PLACEHOLDER, data)


def write_review_page(path: Path, pages: Sequence[LabelledPage]) -> None:
    """Write the review page for ``pages`` to ``path`` (replacing it: it holds no edits)."""
    out = path.parent.as_posix().rstrip("/") + "/"
    with AtomicFile(path) as file:
        file.write(render_review_page(pages, out).encode("utf-8"))
