"""How inputs and outputs are named: which files are inputs of which kind,
and what their outputs are called.

Which files in a folder are inputs is decided by name alone:

* ``.txt`` / ``.txt.gz`` — one plain-text document per file;
* ``.jsonl`` / ``.jsonl.gz`` — one JSON object per line, streamed;
* ``.html`` / ``.htm`` (also ``.gz``) — one web page per file.

Formats that are recognised by name but have no reader yet (WARC, WET,
Parquet, zstd) are refused by name (`not_supported`), never read as text:
adding a reader for one is moving its entry from `NOT_SUPPORTED` to
`SUFFIX_KINDS` (and writing the reader).

Outputs are named after their input with ``.clean`` before the suffix, so
they sit beside the originals and are recognisable as outputs:

* ``story.txt`` → ``story.clean.txt``; ``story.txt.gz`` → ``story.clean.txt.gz``
  (gzipped like its input);
* ``data.jsonl(.gz)`` → ``data.clean.jsonl(.gz)``;
* ``page.html`` / ``page.htm`` → ``page.clean.txt``; ``page.html.gz`` →
  ``page.clean.txt.gz`` (the output is text, gzipped like its input). So
  ``page.html`` and ``page.txt`` in one folder claim the same output; the
  command line refuses to clean either (see `stripper.cli.session.Session.plan`).

A file named like an output (``story.clean.txt``) is one only if an input
that would write it sits beside it (``story.txt``, `output_sources`); an
article that merely has such a name is cleaned like any other.
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
#: Suffixes (after a ``.gz``) of formats stripper knows but cannot read yet,
#: and what to call them: such files are refused by name, never read as text.
NOT_SUPPORTED: dict[str, str] = {
    ".warc": "WARC files",
    ".arc": "ARC files",
    ".wet": "WET files",
    ".wat": "WAT files",
    ".parquet": "Parquet files",
    ".zst": "zstd-compressed files",
}
#: Compressions without a reader yet: refused when they hold an input kind
#: (``story.txt.bz2``); other files so named are not inputs.
UNREAD_COMPRESSIONS: dict[str, str] = {
    ".bz2": "bzip2-compressed files",
    ".xz": "xz-compressed files",
    ".lz4": "lz4-compressed files",
    ".br": "brotli-compressed files",
}

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


def not_supported(name: str) -> str | None:
    """Why a file so named is refused (``"not supported yet: WARC files"``), or None.

    >>> not_supported("crawl.warc.gz"), not_supported("pages.jsonl.zst")
    ('not supported yet: WARC files', 'not supported yet: zstd-compressed files')
    >>> not_supported("story.txt.bz2"), not_supported("photo.bz2"), not_supported("a.txt")
    ('not supported yet: bzip2-compressed files', None, None)
    """
    base = name.lower().removesuffix(".gz")
    stem, suffix = os.path.splitext(base)
    if suffix in NOT_SUPPORTED:
        return f"not supported yet: {NOT_SUPPORTED[suffix]}"
    inner = os.path.splitext(stem)[1]
    if suffix in UNREAD_COMPRESSIONS and (inner in SUFFIX_KINDS or inner in NOT_SUPPORTED):
        return f"not supported yet: {UNREAD_COMPRESSIONS[suffix]}"
    return None


def output_sources(name: str) -> list[str]:
    """The input names (lower case) whose output is called ``name``; [] for
    names that are no output's.

    >>> output_sources("story.clean.txt")
    ['story.txt', 'story.html', 'story.htm', 'story']
    >>> output_sources("pages.clean.jsonl.gz"), output_sources("page.html.clean.txt")[-1]
    (['pages.jsonl.gz'], 'page.html')

    (The last is a suffix-less name's output, and also how pages' outputs
    were once named.)
    """
    if not is_output_name(name):
        return []
    stem, suffix, compressed = _split_name(name.lower())
    stem = stem.removesuffix(CLEAN)
    gz = ".gz" if compressed else ""
    sources = [f"{stem}{suffix}{gz}"]
    if suffix == ".txt":  # pages and suffix-less files give text outputs
        sources += [f"{stem}{html}{gz}" for html in (".html", ".htm")]
        sources.append(f"{stem}{gz}")
    return sources
