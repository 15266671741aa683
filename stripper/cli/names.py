"""How inputs and outputs are named: which files are inputs of which kind,
and what their outputs are called.

Which files in a folder are inputs is decided by name alone:

* ``.txt`` / ``.txt.gz`` — one plain-text document per file;
* ``.jsonl`` / ``.jsonl.gz`` — one JSON object per line, streamed;
* ``.html`` / ``.htm`` (also ``.gz``) — one web page per file.

Outputs are named after their input with ``.clean`` before the suffix, so
they sit beside the originals and are recognisable as outputs:

* ``story.txt`` → ``story.clean.txt``; ``story.txt.gz`` → ``story.clean.txt.gz``
  (gzipped like its input);
* ``data.jsonl(.gz)`` → ``data.clean.jsonl(.gz)``;
* ``page.html`` / ``page.htm`` → ``page.clean.txt``; ``page.html.gz`` →
  ``page.clean.txt.gz`` (the output is text, gzipped like its input). So
  ``page.html`` and ``page.txt`` in one folder claim the same output; the
  command line refuses to clean either (see `stripper.cli.session.Session.plan`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

Kind = Literal["text", "jsonl", "html"]

SUFFIX_KINDS: dict[str, Kind] = {
    ".txt": "text",
    ".jsonl": "jsonl",
    ".html": "html",
    ".htm": "html",
}
#: How the inputs a folder search picks up are named, for messages.
INPUT_PATTERNS = "*.txt, *.jsonl, *.html, *.htm (each also .gz)"

CLEAN = ".clean"
_HTML_SUFFIXES = {".html", ".htm"}


def _split_name(name: str) -> tuple[str, str, bool]:
    """``"a.b.txt.gz"`` → ``("a.b", ".txt", True)``: stem, suffix, gzipped."""
    compressed = name.lower().endswith(".gz")
    base = name[:-3] if compressed else name
    stem, suffix = os.path.splitext(base)
    return stem, suffix, compressed


def output_name(name: str, html: bool = False) -> str:
    """The name of the cleaned file for an input file name.

    HTML inputs (by suffix, or ``html`` for pages read as HTML whatever
    their name) give text, so their output ends in ``.txt``.

    >>> output_name("story.txt"), output_name("story.txt.gz"), output_name("page.html.gz")
    ('story.clean.txt', 'story.clean.txt.gz', 'page.clean.txt.gz')
    >>> output_name("README"), output_name("page.php", html=True)
    ('README.clean.txt', 'page.clean.txt')
    """
    stem, suffix, compressed = _split_name(name)
    if html or not suffix or suffix.lower() in _HTML_SUFFIXES:
        suffix = ".txt"
    return f"{stem}{CLEAN}{suffix}" + (".gz" if compressed else "")


def is_output_name(name: str) -> bool:
    """True for names `output_name` produces (``*.clean.txt``, ``*.clean.jsonl.gz``, ...).

    >>> is_output_name("story.clean.txt"), is_output_name("my.clean.room.txt")
    (True, False)
    """
    stem, suffix, _ = _split_name(name)
    return bool(suffix) and stem.endswith(CLEAN)


def output_path(
    path: Path, relative: Path, output_dir: Path | None, kind: str | None = None
) -> Path:
    """Where the cleaned version of ``path`` (read as ``kind``) goes.

    Beside the input by default; with ``output_dir``, at the input's
    ``relative`` place in a tree mirrored below ``output_dir``.
    """
    html = kind == "html"
    if output_dir is None:
        return path.with_name(output_name(path.name, html))
    return output_dir / relative.with_name(output_name(relative.name, html))


def kind_of(name: str) -> tuple[Kind | None, bool]:
    """The input kind a file name stands for (None if none) and whether it is gzipped.

    >>> kind_of("story.txt.gz")
    ('text', True)
    >>> kind_of("notes.md")
    (None, False)
    """
    compressed = name.lower().endswith(".gz")
    base = name[:-3] if compressed else name
    return SUFFIX_KINDS.get(os.path.splitext(base)[1].lower()), compressed
