"""Decoding page bytes as a browser would, and parsing pages forgivingly.

Pages arrive as bytes in whatever encoding they declare (or lie about), and
often as broken markup; `decode_html` and `parse_html` never fail on them.
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
