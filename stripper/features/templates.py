"""A site's template, learnt from the batch: the lines that recur across its pages.

Menus, footers, "Popular posts" headings, share rows and comment-form
prompts are printed on every page of a site; an article's sentences are on
one page. Given many pages of one site (one folder, one host in a crawl),
`SiteTemplates` counts in one streaming pass on how many pages each line
occurs, and `SiteTemplates.evidence` tells, for a page's lines, the share of
the site's *other* pages that hold each line: evidence the models weigh
beside everything else (a standfirst repeated on every page of a section, or
a legal notice printed inside each article, can still be kept).

Lines are compared normalised (case, spacing and digits aside: "12 Comments"
and "3 comments" are one line) by a 64-bit key, the CRC-32 of the site's
name above that of the line. Memory is bounded: past `max_keys` keys, the
keys seen on one page only are dropped (they are most keys, the article
text, and are not template), and past `max_sites` sites, new sites are not
counted.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence

import numpy as np

from ..text.lines import is_blank

_DIGITS = re.compile(r"\d+")


def line_key(line: str) -> int:
    """The 32-bit key of a line, normalised: lower case, spacing collapsed, digits as 0.

    >>> line_key("12 Comments") == line_key("  3   comments ")
    True
    """
    normal = _DIGITS.sub("0", " ".join(line.lower().split()))
    return zlib.crc32(normal.encode("utf-8", "surrogatepass"))


def _site_key(site: str) -> np.uint64:
    return np.uint64(zlib.crc32(site.encode("utf-8", "surrogatepass"))) << np.uint64(32)


class SiteTemplates:
    """On how many pages of their site lines occur; add pages, then ask."""

    def __init__(self, max_keys: int = 2_000_000, max_sites: int = 100_000) -> None:
        self.max_keys = max_keys
        self.max_sites = max_sites
        self.pages: dict[str, int] = {}  #: pages counted, per site
        self._keys = np.zeros(0, dtype=np.uint64)  # sorted
        self._counts = np.zeros(0, dtype=np.int64)
        self._pending: list[np.ndarray] = []
        self._pending_size = 0

    def add(self, lines: Sequence[str], site: str) -> None:
        """Count one page of ``site`` (each distinct line once)."""
        if site not in self.pages and len(self.pages) >= self.max_sites:
            return
        self.pages[site] = self.pages.get(site, 0) + 1
        keys = np.array([line_key(line) for line in lines if not is_blank(line)], np.uint64)
        keys = np.unique(keys | _site_key(site))
        self._pending.append(keys)
        self._pending_size += len(keys)
        if self._pending_size > self.max_keys // 4:
            self._merge()

    def _merge(self) -> None:
        if not self._pending:
            return
        keys = np.concatenate([self._keys, *self._pending])
        counts = np.concatenate([self._counts, *(np.ones(len(k), np.int64) for k in self._pending)])
        self._pending, self._pending_size = [], 0
        keys, inverse = np.unique(keys, return_inverse=True)
        counts = np.bincount(inverse.ravel(), weights=counts).astype(np.int64)
        if len(keys) > self.max_keys:  # lossy counting: forget lines seen once
            seen = counts > 1
            keys, counts = keys[seen], counts[seen]
        self._keys, self._counts = keys, counts

    def evidence(
        self, lines: Sequence[str], site: str | None, max_pages: int | None = None
    ) -> np.ndarray:
        """Per non-blank line of a page of ``site``: (share of the site's other
        pages holding the line, log of the number of those pages, counted up
        to ``max_pages``); zeros without a site or without other pages. The
        page itself must have been added."""
        content = [line for line in lines if not is_blank(line)]
        out = np.zeros((len(content), 2), dtype=np.float32)
        others = self.pages.get(site, 0) - 1 if site is not None else 0
        if others < 1:
            return out
        self._merge()
        keys = np.array([line_key(line) for line in content], np.uint64) | _site_key(site)
        at = np.minimum(np.searchsorted(self._keys, keys), max(len(self._keys) - 1, 0))
        found = self._keys[at] == keys if len(self._keys) else np.zeros(len(keys), bool)
        pages = np.where(found, self._counts[at] if len(self._counts) else 0, 1)
        out[:, 0] = np.clip((pages - 1) / others, 0.0, 1.0)
        out[:, 1] = np.log1p(others if max_pages is None else min(others, max_pages))
        return out


def batch_evidence(
    documents: Sequence[Sequence[str]], sites: Sequence[str | None], max_pages: int | None = None
) -> list:
    """The evidence of each document from the documents themselves, grouped
    by their ``sites`` (None: no site; such documents get none)."""
    templates = SiteTemplates()
    for lines, site in zip(documents, sites):
        if site is not None:
            templates.add(lines, site)
    return [templates.evidence(lines, site, max_pages) for lines, site in zip(documents, sites)]
