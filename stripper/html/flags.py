"""What an element says about the text inside it: flags from its tag and
its ``class``/``id``/``role`` words.

Every element gets a bit set (`element_flags`): tag categories (nav, footer,
aside, figure, heading, ...) and word categories matched in its class and
id (navigation, footer, sidebar, comment, share, related, caption, cookie,
content, ...). The block walker (`stripper.html.blocks`) ORs them along each
block's ancestors, and the DOM features (`stripper.features.dom`) read them.
"""

from __future__ import annotations

import functools
import re

from lxml import etree

#: Flag bits: element categories an ancestor (or the block itself) can have.
#: Tag-based flags first, then class/id word flags.
TAG_FLAGS: dict[str, tuple[str, ...]] = {
    "t_nav": ("nav", "menu"),
    "t_header": ("header",),
    "t_footer": ("footer",),
    "t_aside": ("aside",),
    "t_form": ("form", "fieldset", "select", "option", "optgroup", "textarea", "input"),
    "t_button": ("button", "label"),
    "t_a": ("a",),
    "t_list": ("ul", "ol", "dl", "menu", "dir"),
    "t_li": ("li", "dd", "dt"),
    "t_heading": ("h1", "h2", "h3", "h4", "h5", "h6"),
    "t_h1": ("h1",),
    "t_p": ("p",),
    "t_figure": ("figure", "figcaption", "caption"),
    "t_quote": ("blockquote", "q"),
    "t_table": ("table", "tbody", "thead", "tfoot", "tr"),
    "t_cell": ("td", "th"),
    "t_article": ("article",),
    "t_main": ("main",),
    "t_section": ("section",),
    "t_pre": ("pre", "code"),
    "t_time": ("time",),
    "t_strong": ("b", "strong", "em", "i"),
    "t_noscript": ("noscript",),
    "t_select": ("select", "option"),
    "t_span": ("span", "font"),
    "t_div": ("div",),
}
WORD_FLAGS: dict[str, str] = {
    "c_nav": r"nav|menu|breadcrumb|crumb|topbar|toolbar|skip",
    "c_header": r"header|masthead|banner|brand|logo",
    "c_footer": r"footer|copyright|legal|imprint|impressum|disclaimer",
    "c_side": r"sidebar|side|aside|widget|rail|column|col-?r|right|left",
    "c_comment": r"comment|reply|discuss|disqus|respond|replies|kommentar",
    "c_share": r"share|social|facebook|twitter|tweet|linkedin|pinterest|whatsapp|email|print",
    "c_related": r"related|recommend|more|popular|trending|read-?next|also|teaser|outbrain|taboola",
    "c_promo": r"promo|sponsor|advert|\bads?\b|ad-|-ad\b|banner|dfp|partner|affiliate",
    "c_caption": r"caption|credit|figure|image|photo|img|gallery|media|thumb",
    "c_cookie": r"cookie|consent|gdpr|\bcmp",
    "c_overlay": r"privacy|notice|overlay|modal|popup|dialog|alert",
    "c_content": r"article|content|post|entry|story|body|main|text|prose|blog",
    "c_meta": r"meta|byline|author|date|time|tag|categor|label|info|dateline",
    "c_subscribe": r"subscribe|newsletter|signup|sign-up|login|register|account|search",
    "c_pager": r"pagination|pager|paging|next|prev",
    "c_title": r"title|headline|heading|hed\b",
    "c_hidden": r"hidden|\bhide\b|sr-only|screen-?reader|visually-?hidden|invisible",
    # a reader-comment thread itself (comments list, disqus thread), unlike
    # ``c_comment``: not a comment count, link, form or button, nor commentary
    "c_thread": r"(?<![a-z])(?:[a-z0-9]*comments?(?!ary|[-_]?(?:count|link|num|icon|bubble|ed\b"
    r"|s?[-_]?(?:open|closed|form|button|btn|tab)))[a-z0-9_]*|disqus[a-z_]*|respond|discussion"
    r"|replies)(?![a-z])",
}
FLAG_NAMES: tuple[str, ...] = (*TAG_FLAGS, *WORD_FLAGS, "hidden")
_BIT = {name: 1 << i for i, name in enumerate(FLAG_NAMES)}
_TAG_BITS: dict[str, int] = {}
for _name, _tags in TAG_FLAGS.items():
    for _tag in _tags:
        _TAG_BITS[_tag] = _TAG_BITS.get(_tag, 0) | _BIT[_name]
_WORD_RES = [(re.compile(pattern), _BIT[name]) for name, pattern in WORD_FLAGS.items()]
#: Attributes whose words say what an element is: class and id, ARIA roles and
#: labels, schema.org microdata (``itemprop="articleBody"``) and the component
#: names today's CMSs write (``data-component="related-stories"``).
WORD_ATTRIBUTES = ("class", "id", "role", "itemprop", "aria-label", "data-component", "data-testid")
_WORD_ATTRIBUTE_SET = frozenset(WORD_ATTRIBUTES)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden")
HIDDEN_BIT = _BIT["hidden"]
#: The bit of a reader-comment thread (`WORD_FLAGS` "c_thread").
THREAD_BIT = _BIT["c_thread"]
#: The bit of a ``noscript`` element or its contents.
NOSCRIPT_BIT = _BIT["t_noscript"]
#: Page-wide wrappers whose class words describe the page, not a region of it.
_PAGE_TAGS = frozenset({"html", "body"})
#: Class tokens naming a post's topics (WordPress's ``category-…``, ``tag-…``),
#: not a region of the page: a post filed under "for-discussion" is no thread.
_TOPIC_PREFIXES = ("category-", "tag-")


@functools.lru_cache(maxsize=100_000)
def _word_bits(words: str) -> int:
    """Flag bits of a ``class id role`` string (memoised: pages repeat them):
    those of its words together, as no pattern matches across a space."""
    bits = 0
    for word in words.lower().split():
        if not word.startswith(_TOPIC_PREFIXES):
            bits |= _token_bits(word)
    return bits


@functools.lru_cache(maxsize=100_000)
def _token_bits(word: str) -> int:
    """Flag bits of one lower-case word (memoised: sites share their words)."""
    bits = 0
    for pattern, bit in _WORD_RES:
        if pattern.search(word):
            bits |= bit
    return bits


def element_flags(element: etree._Element, tag: str) -> int:
    """Flag bits an element carries by its own tag, the words of its
    `WORD_ATTRIBUTES` and its visibility."""
    bits = _TAG_BITS.get(tag, 0)
    items = element.items()  # one list of pairs: cheaper than asking lxml per attribute
    if not items:
        return bits
    words = " ".join([value for name, value in items if name in _WORD_ATTRIBUTE_SET])
    if words:
        bits |= _word_bits(words)
        if tag in _PAGE_TAGS:
            bits &= ~THREAD_BIT
    attributes = dict(items)
    style = attributes.get("style")
    if (
        "hidden" in attributes
        or attributes.get("aria-hidden") == "true"
        or (style is not None and _HIDDEN_STYLE.search(style.lower()))
    ):
        bits |= HIDDEN_BIT
    return bits
