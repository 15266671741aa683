"""Reading HTML: browser-like decoding, robust parsing, and the rendering rules.

stripper cleans *text*, line by line. For HTML input (and for building
training data from public corpora, which come as HTML) the page must first
become text the way a simple scraper renders it: every visible text block on
its own line, navigation, footers, sidebars and comments all kept. That
naive rendering is what stripper learns to clean. This module decodes and
parses pages and fixes the rules below; `stripper.dom` walks a parsed page
by them (`stripper.dom.html_to_text` is the rendering).

Rendering rules, chosen to match what scraped text usually looks like:

* ``script``, ``style``, ``template``, ``title`` and other invisible or
  non-text elements are dropped (the ``head`` itself is walked: broken
  pages put their body there), and so are comments. ``noscript`` is
  rendered: naive scrapers keep its text, and libxml2 lets an unclosed
  ``<noscript>`` swallow the rest of the page, which would then vanish;
* every block-level element (``p``, ``div``, ``li``, ``h1``-``h6``, ``td``,
  ``tr``, ``br``, ``section``, ``nav``, ``footer``, ...) starts a new line;
  inline text (``a``, ``span``, ``b``, ``em``, ...) joins the line it is in;
* whitespace inside a line collapses to one space (``pre`` keeps its line
  breaks);
* paragraph-like blocks (``p``, headings, lists, ``blockquote``, ``pre``,
  ``table``, ``hr``) are set off by a blank line before and after, never
  more than one in a row; lines of other blocks (menu items, ``div`` rows,
  table cells) follow each other without one.
"""

from __future__ import annotations

import codecs
import re

from lxml import etree

#: How far into the page a charset declaration is looked for, as browsers do.
SNIFF_BYTES = 4096

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w.:]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([-\w.:]+)""", re.IGNORECASE)
_OPEN_TITLE = re.compile(r"(<title\b[^>]*>[^<]*)(?=<(?!/title\s*>))", re.IGNORECASE)
#: Labels that browsers decode as something wider than their name says.
_ENCODING_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-9": "cp1254",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-sjis": "shift_jis",
}

# fmt: off
#: Elements whose content is never rendered.
SKIPPED = frozenset(
    {
        "script", "style", "template", "title", "meta", "link", "base", "iframe", "embed",
        "param", "source", "track", "svg", "math",
    }
)
#: Elements that start (and end) a line of their own.
BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "br", "caption", "center", "dd",
        "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure",
        "footer", "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hgroup", "hr", "html", "legend", "li", "main", "menu", "nav", "ol", "optgroup",
        "option", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th",
        "thead", "tr", "ul", "button", "label", "select", "textarea",
    }
)
#: Blocks after which a blank line is written (paragraph breaks).
PARAGRAPHS = frozenset(
    {
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "ul", "ol", "dl",
        "table", "hr",
    }
)
# fmt: on


def declared_encoding(data: bytes) -> str | None:
    """The Python codec named by a BOM, ``<?xml encoding>`` or ``<meta charset>``.

    Only the first `SNIFF_BYTES` are searched; unknown labels give None.

    >>> declared_encoding(b'<meta charset="ISO-8859-1">')
    'cp1252'
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    head = data[:SNIFF_BYTES]
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    if not match:
        return None
    label = match.group(1).decode("ascii", "ignore").lower()
    label = _ENCODING_ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # A page readable enough to declare UTF-16 in ASCII is not UTF-16 (HTML spec).
    return "utf-8" if name.startswith(("utf-16", "utf-32")) else name


def decode_html(data: bytes) -> str:
    """Decode page bytes as a browser would; never raises.

    Order: byte-order mark, declared charset (``<meta charset>``,
    ``http-equiv`` content type or XML declaration), strict UTF-8, then
    cp1252 with undecodable bytes replaced. A declared charset that fails on
    the bytes is dropped in favour of the next step (pages often lie).

    >>> decode_html('<meta charset="windows-1252"><p>caf\\xe9</p>'.encode("cp1252"))[-8:]
    'café</p>'
    """
    declared = declared_encoding(data)
    if declared:
        bom = next((b for b, enc in _BOMS if enc == declared and data.startswith(b)), b"")
        try:
            return data[len(bom) :].decode(declared)
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def close_titles(html: str) -> str:
    """Close every ``<title>`` left open before the next tag.

    libxml2 reads an unclosed title as raw text up to the end of the page,
    so the whole page would vanish into it; browsers and the page authors'
    intent agree that the title ends where markup resumes.

    >>> close_titles("<title>News<body><p>Text")
    '<title>News</title><body><p>Text'
    """
    return _OPEN_TITLE.sub(r"\1</title>", html)


def parse_html(html: str | bytes) -> etree._Element | None:
    """Parse a page with lxml's forgiving HTML parser; None for an empty page."""
    text = decode_html(html) if isinstance(html, bytes) else html
    if not text.strip():
        return None
    text = close_titles(text)
    parser = etree.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True
    )
    return etree.fromstring(text.encode("utf-8", errors="replace"), parser)
