"""What a page says about itself: its declared metadata, structured data and image texts.

Today's CMSs describe the page they serve: a JSON-LD block (schema.org
``NewsArticle``, ``Product``, ``DiscussionForumPosting``, ...) often holds
the headline, the author, the date and the whole ``articleBody``; ``<meta>``
tags hold ``og:title``, ``og:type`` and ``article:published_time``; images
carry their caption in ``alt`` and ``title``, so a caption printed under a
photo is the copy of a text the page already has. `page_facts` reads all of
it in one pass over the parsed page; the DOM features
(`stripper.features.dom`) and `stripper.extract_html` use it.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field

from lxml import etree

#: Characters of JSON-LD read at most per page (some embed whole catalogues).
MAX_STRUCTURED_CHARS = 2_000_000
#: schema.org types, grouped into the page kinds the HTML model reads.
KIND_OF_TYPE = {
    "article": "article", "newsarticle": "article", "blogposting": "article",
    "reportagenewsarticle": "article", "analysisnewsarticle": "article",
    "opinionnewsarticle": "article", "techarticle": "documentation", "webpage": "page",
    "product": "product", "offer": "product", "aggregateoffer": "product",
    "discussionforumposting": "forum", "qapage": "forum", "question": "forum",
    "socialmediaposting": "forum", "itemlist": "listing", "collectionpage": "listing",
    "searchresultspage": "listing", "recipe": "article", "howto": "article",
    "faqpage": "documentation", "softwaresourcecode": "documentation",
}  # fmt: skip
#: The page kinds, in the order of the DOM feature columns.
PAGE_KINDS = ("article", "product", "forum", "listing", "documentation", "page")
#: Characters browsers do not show: the soft hyphen, the zero-width space,
#: the word joiner and the zero-width no-break space (a byte-order mark).
#: Zero-width joiners and non-joiners stay: they shape Arabic, Indic and emoji.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff"))
_HAS_INVISIBLE = re.compile("[\u00ad\u200b\u2060\ufeff]")
#: Keys under which JSON-LD nests more objects.
_NESTED = ("@graph", "mainEntity", "itemListElement")


def shown(text: str) -> str:
    """Text as a browser shows it: whitespace collapsed, the characters it
    does not show dropped (`_INVISIBLE`), in Unicode's composed form (NFC),
    as search indexes and corpora compare text.

    >>> shown("  Mit\\u00adtel\\u00adal\\u00adter  Cafe\\u0301 ")
    'Mittelalter Café'
    """
    line = " ".join(text.split())
    if line.isascii():
        return line
    if _HAS_INVISIBLE.search(line):  # (a search costs a tenth of a translation)
        line = " ".join(line.translate(_INVISIBLE).split())
    return line if unicodedata.is_normalized("NFC", line) else unicodedata.normalize("NFC", line)


def normalise(text: str) -> str:
    """Lower case, as shown (`shown`): how texts of the page are compared.

    >>> normalise("  The Mayor\\u00a0said ")
    'the mayor said'
    """
    return shown(text).lower()


@dataclass(frozen=True)
class PageFacts:
    """The page's own account of itself (empty where it gives none)."""

    title: str = ""  #: headline: JSON-LD ``headline``, ``og:title``, or ``<title>``
    author: str = ""  #: JSON-LD author name, or ``<meta name=author>``
    date: str = ""  #: JSON-LD ``datePublished`` or ``article:published_time``, as given
    kinds: frozenset[str] = frozenset()  #: of `PAGE_KINDS`, from schema.org types and og:type
    body: str = ""  #: JSON-LD ``articleBody`` / ``text`` / ``description``, normalised
    image_texts: frozenset[str] = field(default_factory=frozenset)  #: normalised alt/title


def page_facts(root: etree._Element | None) -> PageFacts:
    """Read a parsed page's metadata, structured data and image texts."""
    if root is None:
        return PageFacts()
    meta = {}
    for element in root.iter("meta"):
        key = (element.get("property") or element.get("name") or "").lower()
        if key and element.get("content"):
            meta.setdefault(key, element.get("content").strip())
    items = [item for script in _structured_scripts(root) for item in _items(script)]
    kinds = {KIND_OF_TYPE[t] for item in items for t in _types(item) if t in KIND_OF_TYPE}
    og_type = meta.get("og:type", "").lower()
    if og_type in ("article", "product"):
        kinds.add(og_type)
    title = _first(items, "headline", _text) or meta.get("og:title", "") or _page_title(root)
    author = _first(items, "author", _name)
    date = _first(items, "datePublished", _text)
    body = " ".join(
        _text(item.get(key)) for item in items for key in ("articleBody", "text", "description")
    )
    images = {
        normalise(value)
        for element in root.iter("img")
        for value in (element.get("alt"), element.get("title"))
        if value and len(value) > 15
    }
    return PageFacts(
        title=shown(title),
        author=author or meta.get("author", "") or meta.get("article:author", ""),
        date=date or meta.get("article:published_time", ""),
        kinds=frozenset(kinds),
        body=normalise(body),
        image_texts=frozenset(images),
    )


def _structured_scripts(root: etree._Element) -> list[str]:
    texts, total = [], 0
    for script in root.iter("script"):
        if "ld+json" in (script.get("type") or "").lower() and script.text:
            total += len(script.text)
            if total > MAX_STRUCTURED_CHARS:
                break
            texts.append(script.text)
    return texts


def _items(text: str) -> list[dict]:
    """The schema.org objects of one JSON-LD script (``@graph`` flattened)."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return []
    out, stack = [], [data]
    while stack and len(out) < 200:
        value = stack.pop()
        if isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, dict):
            out.append(value)
            stack.extend(v for k, v in value.items() if k in _NESTED)
    return out


def _first(items: list[dict], key: str, read) -> str:
    """The first non-empty ``read(item[key])`` among the items."""
    return next((text for item in items if (text := read(item.get(key)))), "")


def _types(item: dict) -> list[str]:
    value = item.get("@type", ())
    return [str(t).lower() for t in (value if isinstance(value, list) else [value])]


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _name(value: object) -> str:
    """An author given as a string, an object with a name, or a list of those."""
    if isinstance(value, list):
        return ", ".join(filter(None, (_name(v) for v in value)))
    if isinstance(value, dict):
        return _text(value.get("name"))
    return _text(value)


def _page_title(root: etree._Element) -> str:
    title = root.find(".//title")
    return (title.text or "").strip() if title is not None else ""
