"""The first pass of a ``clean`` run: each site's pages counted, so that the
lines its pages share weigh as template when they are cleaned.

A page's site is its folder (text and HTML files), the host of its URL (a
JSONL record's ``url`` field, a WARC or WET record's target URI), or ``"*"``
for every page with ``--outlet``. Only sites with at least two pages are
counted: a folder of one file, or records without a URL, cost nothing.
By default only web pages are counted: on the public corpora's sites of
several pages, what a site's pages share raised the HTML mode's F1 by 0.004
to 0.016 but moved the text mode's within 0.006 either way, for half as
long again (`docs/measurements.md`); ``--templates`` counts text too. The
counts are hashes with a bounded number of keys
(`stripper.features.templates.SiteTemplates`), so memory does not grow with
the batch; the pass reads the inputs once more, and nothing it cannot read
stops it (cleaning names the problems).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator

from ..api import Stripper
from .inputs import (
    InputFile,
    check_regular,
    decode_text,
    iter_raw_lines,
    open_input,
    page_input,
    read_limited,
)
from .jobs import Fields
from .names import record_suffix
from .records import ReadStats, read_records, site_of

#: What one input's first pass gives: (document, its site, whether it is HTML).
Page = tuple[str | bytes, str, bool]


def file_site(item: InputFile, outlet: bool) -> str:
    """The site a text or HTML file is cleaned as: its folder, or ``"*"``."""
    return "*" if outlet else str(item.path.parent)


def learn_sites(
    stripper: Stripper, inputs: list[InputFile], fields: Fields, outlet: bool, text: bool = False
) -> int:
    """Count every web page (with ``text``, every text too) of every site with
    two pages or more into ``stripper.templates``; returns the pages counted."""
    inputs = [i for i in inputs if text or _holds_pages(i, fields)]
    folders = Counter(file_site(i, outlet) for i in inputs if i.kind in ("text", "html"))
    counted = 0
    for item in inputs:
        if item.kind in ("text", "html") and folders[file_site(item, outlet)] < 2:
            continue
        try:
            for document, site, html in _pages(item, fields, outlet, stripper):
                if html or text:
                    stripper.learn(document, site, html)
                    counted += 1
        except Exception:  # noqa: BLE001 - cleaning reads the input again and names what is wrong
            continue
    return counted


def _holds_pages(item: InputFile, fields: Fields) -> bool:
    """Whether an input holds web pages (HTML files, WARC files, records with
    an ``--html-field``) rather than text."""
    if item.kind == "records" and record_suffix(item.path.name) in (".warc", ".warc.gz"):
        return True
    return item.kind == "html" or (item.kind in ("jsonl", "records") and fields.html is not None)


def _pages(item: InputFile, fields: Fields, outlet: bool, stripper: Stripper) -> Iterator[Page]:
    check_regular(item.path)  # a named pipe would block the pass
    limit = stripper.config.max_document_bytes
    if item.kind in ("text", "html"):
        data = read_limited(item.path, item.compressed, limit)
        site = file_site(item, outlet)
        if item.kind == "html":
            yield page_input(data), site, True
        else:
            yield decode_text(data).text, site, False
    elif item.kind == "jsonl":
        with open_input(item.path, item.compressed) as stream:
            for _, raw in iter_raw_lines(stream):
                yield from _record_page(raw, fields, outlet, limit)
    elif item.kind == "records":
        documents = read_records(
            item.path,
            text_field=fields.text,
            html_field=fields.html,
            stats=ReadStats(),
            max_bytes=limit,
        )
        for document in documents:
            site = site_of(document.url, outlet)
            html = document.kind == "html"
            if site is not None:
                yield (document.page() if html else document.content), site, html


def _record_page(raw: bytes, fields: Fields, outlet: bool, limit: int) -> Iterator[Page]:
    """A JSONL line's page and site, if it has both."""
    if len(raw) > limit or not raw.strip():
        return
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return
    if not isinstance(data, dict) or not isinstance(data.get(fields.source), str):
        return
    site = site_of(data.get("url"), outlet)
    if site is not None:
        yield data[fields.source], site, fields.html is not None
