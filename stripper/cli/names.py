"""How inputs and outputs are named: which files are inputs of which kind,
and what their outputs are called.

Which files in a folder are inputs is decided by name alone:

* ``.txt`` / ``.txt.gz`` — one plain-text document per file;
* ``.jsonl`` / ``.jsonl.gz`` — one JSON object per line, streamed;
* ``.html`` / ``.htm`` (also ``.gz``) — one web page per file;
* record files (`RECORD_SUFFIXES`), read record by record by
  `stripper.cli.records`: ``.warc(.gz)``, ``.wet(.gz)`` (Common Crawl's
  ``.warc.wet.gz``), ``.jsonl.zst`` and ``.parquet``.

Formats that are recognised by name but have no reader (ARC; WAT, which
holds metadata, not documents; text compressed other than with gzip) are
refused by name (`not_supported`), never read as text.

Outputs are named after their input with ``.clean`` before the suffix, so
they sit beside the originals and are recognisable as outputs:

* ``story.txt`` → ``story.clean.txt``; ``story.txt.gz`` → ``story.clean.txt.gz``
  (gzipped like its input);
* ``data.jsonl(.gz)`` → ``data.clean.jsonl(.gz)``;
* ``page.html`` / ``page.htm`` → ``page.clean.txt``; ``page.html.gz`` →
  ``page.clean.txt.gz`` (the output is text, gzipped like its input). So
  ``page.html`` and ``page.txt`` in one folder claim the same output; the
  command line refuses to clean either (see `stripper.cli.session.Session.plan`);
* ``crawl.warc.gz``, ``crawl.warc`` → ``crawl.clean.jsonl.gz`` and
  ``crawl.warc.wet.gz`` → ``crawl.wet.clean.jsonl.gz``: one JSON object per
  document (`url`, `record_id`, `title`, `text` and the counts,
  `stripper.cli.records.output_record`);
* ``pages.jsonl.zst`` → ``pages.clean.jsonl.zst``; ``table.parquet`` →
  ``table.clean.parquet`` (each record with its text cleaned, and the counts).

A file named like an output (``story.clean.txt``) is one only if an input
that would write it sits beside it (``story.txt``, `output_sources`); an
article that merely has such a name is cleaned like any other.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

Kind = Literal["text", "jsonl", "html", "records"]

SUFFIX_KINDS: dict[str, Kind] = {
    ".txt": "text",
    ".jsonl": "jsonl",
    ".html": "html",
    ".htm": "html",
}
#: Endings of record files (of kind ``"records"``) and of their outputs,
#: longest first: the first that a name ends with is its format. A WET
#: file's output keeps ``.wet`` in its name, so that Common Crawl's WARC
#: and WET files of one segment, side by side, write two outputs.
RECORD_SUFFIXES: dict[str, str] = {
    ".warc.wet.gz": ".wet.clean.jsonl.gz",
    ".warc.wet": ".wet.clean.jsonl.gz",
    ".wet.gz": ".wet.clean.jsonl.gz",
    ".wet": ".wet.clean.jsonl.gz",
    ".warc.gz": ".clean.jsonl.gz",
    ".warc": ".clean.jsonl.gz",
    ".jsonl.zst": ".clean.jsonl.zst",
    ".parquet": ".clean.parquet",
}
#: How the inputs a folder search picks up are named, for messages.
INPUT_PATTERNS = (
    "*.txt, *.jsonl, *.html, *.htm (each also .gz), *.warc, *.wet (also .gz), "
    "*.jsonl.zst, *.parquet"
)
#: Suffixes (after a ``.gz``) of formats stripper knows but cannot read,
#: and what to call them: such files are refused by name, never read as text.
NOT_SUPPORTED: dict[str, str] = {
    ".arc": "ARC files",
    ".wat": "WAT files (metadata, not documents: clean the WARC or WET files)",
}
#: Compressions without a reader yet: refused when they hold an input kind
#: (``story.txt.bz2``, ``crawl.warc.zst``; ``.jsonl.zst`` is read); other
#: files so named are not inputs.
UNREAD_COMPRESSIONS: dict[str, str] = {
    ".zst": "zstd-compressed files",
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


def record_suffix(name: str) -> str | None:
    """The `RECORD_SUFFIXES` entry a record file's name ends with (None: not one).

    >>> record_suffix("CC-MAIN-1.warc.wet.gz"), record_suffix("a.jsonl.gz")
    ('.warc.wet.gz', None)
    """
    lower = name.lower()
    return next((suffix for suffix in RECORD_SUFFIXES if lower.endswith(suffix)), None)


def output_name(name: str, html: bool = False) -> str:
    """The name of the cleaned file for an input file name.

    HTML inputs (by suffix, or ``html`` for pages read as HTML whatever
    their name) give text, so their output ends in ``.txt``; record files
    give records (`RECORD_SUFFIXES`).

    >>> output_name("story.txt"), output_name("story.txt.gz"), output_name("page.html.gz")
    ('story.clean.txt', 'story.clean.txt.gz', 'page.clean.txt.gz')
    >>> output_name("README"), output_name("page.php", html=True)
    ('README.clean.txt', 'page.clean.txt')
    >>> output_name("CC-1.warc.gz"), output_name("CC-1.warc.wet.gz"), output_name("t.parquet")
    ('CC-1.clean.jsonl.gz', 'CC-1.wet.clean.jsonl.gz', 't.clean.parquet')
    """
    record = record_suffix(name)
    if record is not None:
        return name[: -len(record)] + RECORD_SUFFIXES[record]
    stem, suffix, compressed = _split_name(name)
    if html or not suffix or suffix.lower() in _HTML_SUFFIXES:
        suffix = ".txt"
    return f"{stem}{CLEAN}{suffix}" + (".gz" if compressed else "")


def is_output_name(name: str) -> bool:
    """True for names `output_name` produces (``*.clean.txt``, ``*.clean.jsonl.zst``, ...).

    >>> is_output_name("story.clean.txt"), is_output_name("my.clean.room.txt")
    (True, False)
    >>> is_output_name("pages.clean.jsonl.zst"), is_output_name("pages.jsonl.zst")
    (True, False)
    """
    stem, suffix, _ = _split_name(name[:-4] if name.lower().endswith(".zst") else name)
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

    >>> kind_of("story.txt.gz"), kind_of("crawl.warc.gz"), kind_of("pages.jsonl.zst")
    (('text', True), ('records', True), ('records', False))
    >>> kind_of("notes.md")
    (None, False)
    """
    compressed = name.lower().endswith(".gz")
    if record_suffix(name) is not None:
        return "records", compressed
    base = name[:-3] if compressed else name
    return SUFFIX_KINDS.get(os.path.splitext(base)[1].lower()), compressed


def not_supported(name: str) -> str | None:
    """Why a file so named is refused (``"not supported yet: ARC files"``), or None.

    >>> not_supported("crawl.arc.gz"), not_supported("crawl.warc.zst")
    ('not supported yet: ARC files', 'not supported yet: zstd-compressed files')
    >>> not_supported("story.txt.bz2"), not_supported("photo.bz2"), not_supported("a.jsonl.zst")
    ('not supported yet: bzip2-compressed files', None, None)
    """
    if record_suffix(name) is not None:
        return None
    base = name.lower().removesuffix(".gz")
    stem, suffix = os.path.splitext(base)
    if suffix in NOT_SUPPORTED:
        return f"not supported yet: {NOT_SUPPORTED[suffix]}"
    inner = os.path.splitext(stem)[1]
    known = inner in SUFFIX_KINDS or inner in NOT_SUPPORTED or record_suffix(stem) is not None
    if suffix in UNREAD_COMPRESSIONS and known:
        return f"not supported yet: {UNREAD_COMPRESSIONS[suffix]}"
    return None


def output_sources(name: str) -> list[str]:
    """The input names (lower case) whose output is called ``name``; [] for
    names that are no output's.

    >>> output_sources("story.clean.txt")
    ['story.txt', 'story.html', 'story.htm', 'story']
    >>> output_sources("pages.clean.jsonl.gz")[:3], output_sources("page.html.clean.txt")[-1]
    (['pages.jsonl.gz', 'pages.warc.gz', 'pages.warc'], 'page.html')
    >>> output_sources("cc-1.wet.clean.jsonl.gz")[1]
    'cc-1.warc.wet.gz'
    >>> output_sources("pages.clean.jsonl.zst"), output_sources("t.clean.parquet")
    (['pages.jsonl.zst'], ['t.parquet'])

    (The second is a suffix-less name's output, and also how pages' outputs
    were once named.)
    """
    if not is_output_name(name):
        return []
    lower = name.lower()
    sources = []
    if not lower.endswith(".zst"):
        stem, suffix, compressed = _split_name(lower)
        stem = stem.removesuffix(CLEAN)
        gz = ".gz" if compressed else ""
        sources.append(f"{stem}{suffix}{gz}")
        if suffix == ".txt":  # pages and suffix-less files give text outputs
            sources += [f"{stem}{html}{gz}" for html in (".html", ".htm")]
            sources.append(f"{stem}{gz}")
    for record, output in RECORD_SUFFIXES.items():  # record files give records
        if lower.endswith(output):
            sources.append(lower[: -len(output)] + record)
    return list(dict.fromkeys(sources))
