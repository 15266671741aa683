"""Decoding page bytes as a browser would, and parsing pages forgivingly.

Pages arrive as bytes in whatever encoding they declare (or lie about), and
often as broken markup; `decode_html` and `parse_html` never fail on them.
libxml2 stops building the tree of a page nested deeper than about 2,000
elements and drops the rest of it; such a page is parsed again with its
deepest elements taken out and their text kept (`flatten_deep`), so no text
is lost silently; it also stops at an ``</html>`` where browsers read on
(`read_past_end`).
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
_HTML_END = re.compile(r"</html\s*>", re.IGNORECASE)
_HTML_START = re.compile(r"<html\b[^>]*>", re.IGNORECASE)
#: Nesting kept by `flatten_deep`: well under libxml2's limit (2,048 levels,
#: implied elements included), far over any real page's.
MAX_DEPTH = 1000
_TAG = re.compile(r"<(/?)([A-Za-z][^\s/>]*)[^>]*>")
# fmt: off
#: Elements without content, which nest nothing.
_VOID = frozenset(
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta",
        "param", "source", "track", "wbr",
    }
)
#: Inline elements, which join the line they are in when flattened (others end it).
_INLINE = frozenset(
    {
        "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "kbd",
        "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
    }
)
# fmt: on
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


def read_past_end(html: str) -> str:
    """Drop every ``</html>`` end tag, and the slash of a page's first tag
    if it is a self-closed ``<html/>``.

    libxml2 stops reading at either; browsers read on and put what follows
    into the body, and pages do have text there (a server pasting whole
    documents into one, a script writing after the end, a broken template).

    >>> read_past_end('<html lang="en"/><p>One</p></html><p>Two</p></HTML>')
    '<html lang="en"><p>One</p><p>Two</p>'
    """
    start = _HTML_START.search(html)
    if start and start.group().endswith("/>"):
        html = f"{html[: start.start()]}{start.group()[:-2]}>{html[start.end() :]}"
    return _HTML_END.sub("", html)


def flatten_deep(html: str, limit: int = MAX_DEPTH) -> str:
    """``html`` without the tags of elements nested deeper than ``limit``,
    their text kept: a block's tags become line breaks, inline tags vanish.

    Depth is counted from the tags as written (void and self-closed tags add
    none), which is all a page this deep allows.

    >>> flatten_deep("<div><div><p>Deep <b>text</b></p></div></div>", limit=2)
    '<div><div><br>Deep text<br></div></div>'
    """
    out: list[str] = []
    depth = last = 0
    for tag in _TAG.finditer(html):
        name = tag.group(2).lower()
        if name in _VOID or tag.group(0).endswith("/>"):
            continue
        if tag.group(1):  # a closing tag
            depth = max(depth - 1, 0)
            deep = depth >= limit
        else:
            deep = depth >= limit
            depth += 1
        if deep:
            out += [html[last : tag.start()], "" if name in _INLINE else "<br>"]
            last = tag.end()
    return "".join(out) + html[last:] if out else html


def _too_deep(error: etree._LogEntry) -> bool:
    """Whether a parser error says the page is nested past libxml2's limit
    (the error's type differs between libxml2 versions; its words do not)."""
    return error.type_name == "ERR_RESOURCE_LIMIT" or "Excessive depth" in error.message


def parse_html(html: str | bytes) -> etree._Element | None:
    """Parse a page with lxml's forgiving HTML parser; None for an empty page.

    A page too deep for libxml2 is parsed again flattened (`flatten_deep`).
    """
    text = decode_html(html) if isinstance(html, bytes) else html
    if not text.strip():
        return None
    text = read_past_end(close_titles(text))
    parser = etree.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True
    )
    root = etree.fromstring(text.encode("utf-8", errors="replace"), parser)
    if any(_too_deep(error) for error in parser.error_log):
        flat = flatten_deep(text).encode("utf-8", errors="replace")
        root = etree.fromstring(flat, parser)
    return root
