"""Walking a parsed page into text blocks, the lines a naive scraper writes.

stripper cleans *text*, line by line. An HTML page first becomes the text a
simple scraper renders from it, every visible text block on its own line,
navigation, footers, sidebars and comments all kept (`html_to_text`): that
naive rendering is what the text model learns to clean and what the HTML
model classifies block by block, with the DOM facts the walk records for
each block (`Blocks`: its ancestors' flags, tag, depth, link text).

Rendering rules, chosen to match what scraped text usually looks like:

* ``script``, ``style``, ``template``, ``title`` and other invisible or
  non-text elements are dropped (the ``head`` itself is walked: broken
  pages put their body there), and so are comments and ruby annotations
  (``rt``, ``rp``: the readings printed over CJK words, which would glue
  into the sentence). ``noscript`` is
  rendered: naive scrapers keep its text, and libxml2 lets an unclosed
  ``<noscript>`` swallow the rest of the page, which would then vanish.
  A page saved by a browser running scripts holds its ``noscript``
  content as escaped text (``&lt;img src=…&gt;``): the tags in such text
  are markup, not words, and are dropped (`_NOSCRIPT_MARKUP`);
* every block-level element (``p``, ``div``, ``li``, ``h1``-``h6``, ``td``,
  ``tr``, ``br``, ``section``, ``nav``, ``footer``, ...) starts a new line;
  inline text (``a``, ``span``, ``b``, ``em``, ...) joins the line it is in;
* whitespace inside a line collapses to one space (``pre`` keeps its line
  breaks); characters a browser does not show (soft hyphens, zero-width
  spaces, word joiners) are dropped, so that "Mit&shy;tel&shy;al&shy;ter"
  stays one word, and lines are in Unicode's composed form (NFC), as
  search indexes and corpora compare text;
* paragraph-like blocks (``p``, headings, lists, ``blockquote``, ``pre``,
  ``table``, ``hr``) are set off by a blank line before and after, never
  more than one in a row; lines of other blocks (menu items, ``div`` rows,
  table cells) follow each other without one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from .decode import decode_html, parse_html
from .flags import NOSCRIPT_BIT, element_flags
from .page import PageFacts, page_facts, shown
from .teacher import teacher_text

# fmt: off
#: Elements whose content is never rendered.
SKIPPED = frozenset(
    {
        "script", "style", "template", "title", "meta", "link", "base", "iframe", "embed",
        "param", "source", "track", "svg", "math", "rt", "rp",
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
#: Tags and comments written as text inside ``noscript`` (a page saved with
#: scripts running escapes that element's markup into its text).
_NOSCRIPT_MARKUP = re.compile(r"<!--.*?-->|</?[A-Za-z][^<>]*>", re.DOTALL)

#: What a tag does to the rendering, looked up once per tag: its content
#: skipped, a paragraph, another block; inline tags are absent.
_SKIP, _PARAGRAPH, _BLOCK = 3, 2, 1
_KIND = {
    **dict.fromkeys(BLOCKS, _BLOCK),
    **dict.fromkeys(PARAGRAPHS, _PARAGRAPH),
    **dict.fromkeys(SKIPPED, _SKIP),
}

#: Block tags a block can have, by index (`Blocks.block_tag`).
BLOCK_TAGS = tuple(sorted(BLOCKS | {"other"}))
BLOCK_INDEX = {tag: i for i, tag in enumerate(BLOCK_TAGS)}


@dataclass
class Blocks:
    """The text blocks of one page and the DOM facts recorded for each.

    ``lines`` is the naive rendering (blank lines between paragraphs, as
    `render_tree` writes it); every other list has one entry
    per non-blank line, in order.
    """

    lines: list[str] = field(default_factory=list)
    chain_flags: list[int] = field(default_factory=list)  #: OR of all ancestors' flags
    near_flags: list[int] = field(default_factory=list)  #: OR of the 3 innermost elements
    block_tag: list[int] = field(default_factory=list)  #: index in `BLOCK_TAGS`
    depth: list[int] = field(default_factory=list)
    link_chars: list[int] = field(default_factory=list)
    chains: list[tuple[int, ...]] = field(default_factory=list)  #: ancestor element ids
    facts: PageFacts = field(default_factory=PageFacts)  #: what the page says of itself
    teacher: str | None = (
        None  #: trafilatura's text of the page, if asked (`stripper.html.teacher`)
    )


class _BlockWriter:
    """Cuts inline text into lines at block edges, remembering each line's DOM context."""

    def __init__(self) -> None:
        self.out = Blocks()
        self.fragments: list[str] = []
        self.link = 0
        self.context: tuple | None = None
        self.in_pre = 0

    def add(self, text: str, frame: tuple) -> None:
        """Add a non-empty text fragment read inside ``frame`` (see `extract_blocks`)."""
        if frame[0] & NOSCRIPT_BIT and "<" in text:
            text = _NOSCRIPT_MARKUP.sub(" ", text)
        if self.context is None and not text.isspace():
            self.context = frame
        elif not self.fragments and not frame[5]:
            return  # layout whitespace between blocks: the line would strip it
        self.fragments.append(text)
        if frame[5]:
            self.link += len(text)

    def end_line(self) -> None:
        if not self.fragments:
            return
        text = "".join(self.fragments)
        self.fragments = []
        link, self.link = self.link, 0
        context, self.context = self.context, None
        if context is None:
            return
        out = self.out
        parts = text.split("\n") if self.in_pre else (text,)
        for part in parts:
            line = shown(part)
            if not line:
                continue
            chain_bits, near_bits, tag_index, depth, chain = context[:5]
            out.lines.append(line)
            out.chain_flags.append(chain_bits)
            out.near_flags.append(near_bits)
            out.block_tag.append(tag_index)
            out.depth.append(depth)
            out.link_chars.append(min(link, len(line)))
            out.chains.append(chain)

    def end_paragraph(self) -> None:
        self.end_line()
        lines = self.out.lines
        if lines and lines[-1]:
            lines.append("")


def extract_blocks(root: etree._Element | None) -> Blocks:
    """Walk a parsed page into text blocks with their DOM context.

    Its lines are the naive rendering of the page (`render_tree`): the
    rules above for skipped elements, blocks and paragraphs.
    """
    writer = _BlockWriter()
    if root is None:
        return writer.out
    # frame: (chain bits, near bits, block tag index, depth, block ancestor ids,
    #         open links, own bits, parent's own bits)
    frames: list[tuple] = [(0, 0, BLOCK_INDEX["other"], 0, (), 0, 0, 0)]
    walker = etree.iterwalk(root, events=("start", "end"))
    next_id = 0
    add = writer.add
    for event, element in walker:
        tag = element.tag
        if not isinstance(tag, str):
            if event == "end" and (tail := element.tail):
                add(tail, frames[-1])
            continue
        tag = tag.lower()
        kind = _KIND.get(tag, 0)
        if event == "start":
            if kind == _SKIP:
                walker.skip_subtree()
                frames.append(frames[-1])  # its "end" event still comes
                continue
            if kind == _PARAGRAPH:
                writer.end_paragraph()
            elif kind and writer.fragments:
                writer.end_line()
            if tag == "pre":
                writer.in_pre += 1
            bits = element_flags(element, tag)
            parent = frames[-1]
            if kind:
                next_id += 1
                tag_index, chain = BLOCK_INDEX[tag], parent[4] + (next_id,)
            else:
                tag_index, chain = parent[2], parent[4]
            frame = (
                parent[0] | bits,
                bits | parent[6] | parent[7],
                tag_index,
                parent[3] + 1,
                chain,
                parent[5] + (tag == "a"),
                bits,
                parent[6],
            )
            frames.append(frame)
            if text := element.text:  # (each read of text or tail makes a new string)
                add(text, frame)
        else:
            frames.pop()
            if kind != _SKIP:
                if kind == _PARAGRAPH:
                    writer.end_paragraph()
                elif kind and writer.fragments:  # (most block edges end no text)
                    writer.end_line()
                if tag == "pre":
                    writer.in_pre -= 1
            if tail := element.tail:
                add(tail, frames[-1])
    writer.end_line()
    lines = writer.out.lines
    while lines and not lines[-1]:
        lines.pop()
    return writer.out


def render_tree(root: etree._Element | None) -> str:
    """A parsed page as the text a naive scraper gives: its blocks, one per
    line, a blank line around paragraphs (the rules above)."""
    lines = extract_blocks(root).lines
    return "\n".join(lines) + "\n" if lines else ""


def html_to_text(html: str | bytes) -> str:
    """Render a page (text or undecoded bytes) as the text a naive scraper gives.

    One line per text block, nothing judged or removed except invisible
    content; returns ``""`` for a page without text.

    >>> print(html_to_text("<ul><li><a href=/>Home</a><li>News</ul><p>A <b>bold</b> move.</p>"))
    Home
    News
    <BLANKLINE>
    A bold move.
    <BLANKLINE>
    """
    return render_tree(parse_html(html))


def page_blocks(html: str | bytes, teacher: bool = False) -> Blocks:
    """Parse a page (text or undecoded bytes) and extract its blocks and its
    facts (`stripper.html.page.page_facts`), and with ``teacher`` what
    trafilatura keeps of it; never raises."""
    text = decode_html(html) if isinstance(html, bytes) else html
    try:
        root = parse_html(text)
    except (etree.ParserError, ValueError):
        return Blocks()
    blocks = extract_blocks(root)
    blocks.facts = page_facts(root)
    if teacher:
        blocks.teacher = teacher_text(text)
    return blocks
