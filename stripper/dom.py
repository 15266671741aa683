"""DOM-aware article extraction from HTML: blocks, DOM features and a block model.

The text mode sees a page only as rendered lines. Here the page is parsed
with lxml and walked once (`extract_blocks`); every text block — the same
unit as a line of `html_to_text` — keeps what the DOM says
about it: its tag, the tags and ``class``/``id`` words of its ancestors
(nav, footer, sidebar, comment, share, related, caption, cookie, ...), how
much of its text sits in links, whether it is hidden, inside a form or a
button, its depth, and how much of the page's paragraph text its
containers hold. `HtmlModel` classifies blocks with those DOM features plus
the text features of `stripper.features.featurize`; `extract` keeps the
body blocks in document order, one per line, a blank line between
paragraphs.

    >>> model = load_html_model()                      # doctest: +SKIP
    >>> extract("<html>...</html>", model)             # doctest: +SKIP
"""

from __future__ import annotations

import itertools
import json
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from lxml import etree

from .config import Config
from .features import SHAPE_NAMES, featurize, stoplist
from .html import BLOCKS, PARAGRAPHS, SKIPPED, parse_html
from .lines import join_kept
from .model import check_features, debris_probability, linear_score, thread_limit

# ---------------------------------------------------------------- DOM flags

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
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden")
_BLOCK_TAGS = tuple(sorted(BLOCKS | {"other"}))
_BLOCK_INDEX = {tag: i for i, tag in enumerate(_BLOCK_TAGS)}


_WORD_CACHE: dict[str, int] = {}
_HIDDEN_BIT = _BIT["hidden"]
_THREAD_BIT = _BIT["c_thread"]
#: Page-wide wrappers whose class words describe the page, not a region of it.
_PAGE_TAGS = frozenset({"html", "body"})


def _word_bits(words: str) -> int:
    """Flag bits of a ``class id role`` string (memoised: pages repeat them)."""
    bits = _WORD_CACHE.get(words)
    if bits is None:
        bits = 0
        lowered = words.lower()
        for pattern, bit in _WORD_RES:
            if pattern.search(lowered):
                bits |= bit
        if len(_WORD_CACHE) > 100_000:
            _WORD_CACHE.clear()
        _WORD_CACHE[words] = bits
    return bits


def element_flags(element: etree._Element, tag: str) -> int:
    """Flag bits an element carries by its own tag, class/id words and visibility."""
    bits = _TAG_BITS.get(tag, 0)
    names = element.keys()  # a plain list: cheaper than the attrib mapping
    if not names:
        return bits
    get = element.get
    words = f"{get('class', '')} {get('id', '')} {get('role', '')}"
    if len(words) > 2:
        bits |= _word_bits(words)
        if tag in _PAGE_TAGS:
            bits &= ~_THREAD_BIT
    if (
        "hidden" in names
        or get("aria-hidden") == "true"
        or ("style" in names and _HIDDEN_STYLE.search(get("style").lower()))
    ):
        bits |= _HIDDEN_BIT
    return bits


# ---------------------------------------------------------------- blocks


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
    block_tag: list[int] = field(default_factory=list)  #: index in `_BLOCK_TAGS`
    depth: list[int] = field(default_factory=list)
    link_chars: list[int] = field(default_factory=list)
    chains: list[tuple[int, ...]] = field(default_factory=list)  #: ancestor element ids


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
            line = " ".join(part.split())
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
    rules of `stripper.html` for skipped elements, blocks and paragraphs.
    """
    writer = _BlockWriter()
    if root is None:
        return writer.out
    # frame: (chain bits, near bits, block tag index, depth, block ancestor ids,
    #         open links, own bits, parent's own bits)
    frames: list[tuple] = [(0, 0, _BLOCK_INDEX["other"], 0, (), 0, 0, 0)]
    walker = etree.iterwalk(root, events=("start", "end"))
    next_id = 0
    add = writer.add
    for event, element in walker:
        tag = element.tag
        if not isinstance(tag, str):
            if event == "end" and element.tail:
                add(element.tail, frames[-1])
            continue
        tag = tag.lower()
        if event == "start":
            if tag in SKIPPED:
                walker.skip_subtree()
                frames.append(frames[-1])  # its "end" event still comes
                continue
            if tag in PARAGRAPHS:
                writer.end_paragraph()
            elif tag in BLOCKS and writer.fragments:
                writer.end_line()
            if tag == "pre":
                writer.in_pre += 1
            bits = element_flags(element, tag)
            parent = frames[-1]
            if tag in BLOCKS:
                next_id += 1
                tag_index, chain = _BLOCK_INDEX[tag], parent[4] + (next_id,)
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
            if element.text:
                add(element.text, frame)
        else:
            frames.pop()
            if tag not in SKIPPED:
                if tag in PARAGRAPHS:
                    writer.end_paragraph()
                elif tag in BLOCKS and writer.fragments:  # (most block edges end no text)
                    writer.end_line()
                if tag == "pre":
                    writer.in_pre -= 1
            if element.tail:
                add(element.tail, frames[-1])
    writer.end_line()
    lines = writer.out.lines
    while lines and not lines[-1]:
        lines.pop()
    return writer.out


def render_tree(root: etree._Element | None) -> str:
    """A parsed page as the text a naive scraper gives: its blocks, one per
    line, a blank line around paragraphs (rules in `stripper.html`)."""
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


def page_blocks(html: str | bytes) -> Blocks:
    """Parse a page (text or undecoded bytes) and extract its blocks; never raises."""
    try:
        root = parse_html(html)
    except (etree.ParserError, ValueError):
        return Blocks()
    return extract_blocks(root)


# ---------------------------------------------------------------- features

#: Names of the DOM feature columns, after the text shape features.
DOM_NAMES: tuple[str, ...] = (
    *(f"chain_{n}" for n in FLAG_NAMES),
    *(f"near_{n}" for n in FLAG_NAMES),
    "block_tag",
    "depth",
    "link_share",
    "container1_share",
    "container2_share",
    "container3_share",
    "container1_link",
    "container2_link",
    "container1_lines",
    "in_main",
    "main_depth_gap",
    "chars_before_share",
    "page_log_chars",
    "page_link_share",
    "thread_after_main",
)
#: All feature columns of an `HtmlModel`, line and DOM, as it records them.
FEATURE_NAMES: tuple[str, ...] = (*SHAPE_NAMES, *DOM_NAMES)
_FLAG_SHIFTS = np.arange(len(FLAG_NAMES), dtype=np.int64)
#: A line counts as paragraph text for container scores from this many words up.
_PARAGRAPH_WORDS = 8


def dom_features(blocks: Blocks) -> np.ndarray:
    """Dense DOM features of a page's blocks, one row per block (`DOM_NAMES`)."""
    n = len(blocks.chains)
    out = np.zeros((n, len(DOM_NAMES)), dtype=np.float32)
    if not n:
        return out
    nf = len(FLAG_NAMES)
    chain = np.asarray(blocks.chain_flags, dtype=np.int64)
    near = np.asarray(blocks.near_flags, dtype=np.int64)
    out[:, :nf] = (chain[:, None] >> _FLAG_SHIFTS) & 1
    out[:, nf : 2 * nf] = (near[:, None] >> _FLAG_SHIFTS) & 1
    texts = [line for line in blocks.lines if line]
    chars = np.fromiter((len(t) for t in texts), dtype=np.float64, count=n)
    words = np.fromiter((t.count(" ") + 1 for t in texts), dtype=np.float64, count=n)
    link = np.asarray(blocks.link_chars, dtype=np.float64)
    good = np.where((words >= _PARAGRAPH_WORDS) & (link < 0.3 * chars), chars - link, 0.0)
    total_good = good.sum() or 1.0
    # aggregate text per container element over the flattened ancestor chains
    lengths = np.fromiter(map(len, blocks.chains), dtype=np.int64, count=n)
    flat = np.fromiter(itertools.chain.from_iterable(blocks.chains), np.int64, lengths.sum())
    owner = np.repeat(np.arange(n), lengths)
    size = int(flat.max()) + 1 if len(flat) else 1
    score = np.bincount(flat, weights=good[owner], minlength=size)
    alls = np.bincount(flat, weights=chars[owner], minlength=size)
    links = np.bincount(flat, weights=link[owner], minlength=size)
    count = np.bincount(flat, minlength=size)
    ends = np.cumsum(lengths)
    level = np.arange(len(flat)) - np.repeat(ends - lengths, lengths)
    # main container: the deepest element holding >= 60% of the paragraph
    # text outside reader-comment threads (a long thread outweighs its article)
    thread = (chain & _THREAD_BIT) != 0
    outside = np.where(thread, 0.0, good)
    if outside.sum() > 0:
        main_score = np.bincount(flat, weights=outside[owner], minlength=size)
        candidates = np.flatnonzero(main_score[flat] >= 0.6 * outside.sum())
    else:  # all paragraphs sit in "comment" elements: take the words for wrappers
        thread[:] = False
        candidates = np.flatnonzero(score[flat] >= 0.6 * total_good)
    base = 2 * nf
    out[:, base] = blocks.block_tag
    out[:, base + 1] = blocks.depth
    out[:, base + 2] = link / np.maximum(chars, 1.0)
    for j, col in ((1, 3), (2, 4), (3, 5)):
        has = lengths >= j
        e = flat[ends[has] - j]
        out[has, base + col] = score[e] / total_good
        if j == 1:
            out[has, base + 6] = links[e] / np.maximum(alls[e], 1.0)
            out[has, base + 8] = np.log1p(count[e])
        elif j == 2:
            out[has, base + 7] = links[e] / np.maximum(alls[e], 1.0)
    if len(candidates):
        at = candidates[np.argmax(level[candidates])]
        main, main_level = flat[at], level[at]
        inside = np.bincount(owner[flat == main], minlength=n) > 0
        out[:, base + 9] = inside
        out[:, base + 10] = np.where(inside, lengths - 1 - main_level, -(lengths + 1))
        # comment threads come after their article; a "comment" element
        # before the main text is more likely a wrapper or a widget
        out[:, base + 14] = thread & (np.arange(n) > np.argmax(inside))
    else:
        out[:, base + 10] = -(lengths + 1)
    before = np.cumsum(chars) - chars
    out[:, base + 11] = before / max(chars.sum(), 1.0)
    out[:, base + 12] = np.log1p(chars.sum())
    out[:, base + 13] = link.sum() / max(chars.sum(), 1.0)
    return out


def in_thread(blocks: Blocks) -> np.ndarray:
    """Per block, True inside a reader-comment thread after the main text."""
    return dom_features(blocks)[:, DOM_NAMES.index("thread_after_main")] > 0


def thread_lines(blocks: Blocks) -> set[str]:
    """Texts of the blocks found only inside reader-comment threads."""
    texts = [line for line in blocks.lines if line]
    inside = in_thread(blocks)
    return {t for t, i in zip(texts, inside) if i} - {t for t, i in zip(texts, inside) if not i}


# ---------------------------------------------------------------- model


def context_features(p: np.ndarray, starts: np.ndarray, window: int = 3) -> np.ndarray:
    """Neighbouring blocks' first-stage probabilities (-1 past the page's edges)
    and their means over windows of 3 and 10 blocks on each side."""
    n = len(p)
    idx = np.arange(n)
    page = np.repeat(np.arange(len(starts) - 1), np.diff(starts))
    first, last = starts[page], starts[page + 1]
    cols = []
    for k in range(-window, window + 1):
        if k:
            src = idx + k
            ok = (src >= first) & (src < last)
            cols.append(np.where(ok, p[np.clip(src, 0, max(n - 1, 0))], -1.0))
    total = np.concatenate([[0.0], np.cumsum(p)])
    for k in (3, 10):
        lo = np.maximum(idx - k, first)
        hi = np.minimum(idx + k + 1, last)
        cols.append((total[hi] - total[lo]) / (hi - lo))
    return (
        np.column_stack(cols).astype(np.float32) if n else np.zeros((0, 2 * window + 2), np.float32)
    )


class HtmlModel:
    """Block classifier: DOM + text features → probability of debris, in two stages.

    A linear model over the block's hashed words (optional, ``lexical``)
    feeds its score to stage 1, a gradient-boosted tree model on one block's
    text and DOM features; stage 2
    adds the stage-1 probabilities of neighbouring blocks (out of fold in
    training). Stage 2 revisits only the blocks stage 1 is unsure of (a
    probability within ``sure`` of neither 0 nor 1): most blocks of a page are
    plain menus or plain paragraphs, and skipping them saves time.
    sklearn-style: ``fit(pages, labels)`` and ``predict(pages)`` where a page
    is a `Blocks` and labels are per-block True (debris), False (body) or None
    (unknown, ignored).
    """

    def __init__(
        self,
        seed: int = 13,
        folds: int = 3,
        max_iter: int = 100,
        lexical: bool = True,
        sure: float = 0.05,
    ) -> None:
        self.seed = seed
        self.sure = sure
        self.lexical = lexical
        self.folds = folds
        self.max_iter = max_iter
        self.threshold_ = 0.5
        self.stopwords_: frozenset[str] = frozenset()

    # -- features
    def _features(self, pages: Sequence[Blocks]):
        """Dense text + DOM features, the sparse lexical matrix and page starts."""
        batch = featurize([b.lines for b in pages], self.stopwords_)
        dom = (
            np.vstack([dom_features(b) for b in pages]) if pages else np.zeros((0, len(DOM_NAMES)))
        )
        return np.hstack([batch.shape, dom]).astype(np.float32), batch.lexical, batch.starts

    def _lexical_model(self):
        from sklearn.linear_model import SGDClassifier

        return SGDClassifier(
            loss="log_loss", alpha=2e-6, max_iter=8, tol=None, random_state=self.seed
        )

    def _tree(self, max_iter: int | None = None):
        from sklearn.ensemble import HistGradientBoostingClassifier

        return HistGradientBoostingClassifier(
            max_iter=max_iter or self.max_iter,
            learning_rate=0.15,
            max_leaf_nodes=48,
            min_samples_leaf=40,
            l2_regularization=1.0,
            early_stopping=False,
            random_state=self.seed,
        )

    def fit(
        self,
        pages: Sequence[Blocks],
        labels: Sequence[Sequence[bool | None]],
        groups: Sequence[str],
        weights: Sequence[float] | None = None,
    ) -> HtmlModel:
        """Train both stages; ``groups`` (sites) keep stage-2 inputs out of fold."""
        from sklearn.model_selection import GroupKFold

        if not self.stopwords_:
            self.stopwords_ = stoplist()
        self.feature_names_ = FEATURE_NAMES
        X, lexical, starts = self._features(pages)
        y = np.array([np.nan if v is None else float(v) for lab in labels for v in lab])
        group = np.repeat(np.asarray(groups), np.diff(starts))
        page_weight = np.repeat(
            np.ones(len(pages)) if weights is None else np.asarray(weights, float), np.diff(starts)
        )
        known = ~np.isnan(y)
        # the shingle score is per page and per token: each page's labelled
        # blocks share one unit of weight in proportion to their words
        words = np.expm1(X[:, 1]) + 1.0  # log_words from the text shape features
        page_of = np.repeat(np.arange(len(pages)), np.diff(starts))
        labelled_words = np.bincount(page_of, weights=words * known, minlength=len(pages))
        w = page_weight * words / np.maximum(labelled_words[page_of], 1.0) * 100.0
        splits = list(GroupKFold(n_splits=self.folds).split(X, groups=group))
        if self.lexical:  # words of the block, learnt linearly, fed to the trees
            scores = np.zeros(len(y))
            for train, test in splits:
                tr = train[known[train]]
                lin = self._lexical_model().fit(lexical[tr], y[tr], sample_weight=w[tr])
                scores[test] = lin.decision_function(lexical[test])
            self.lexical_ = self._lexical_model().fit(
                lexical[known], y[known], sample_weight=w[known]
            )
            X = np.hstack([X, scores[:, None].astype(np.float32)])
        first = np.zeros(len(y))
        for train, test in splits:
            tr = train[known[train]]
            tree = self._tree().fit(X[tr], y[tr], sample_weight=w[tr])
            first[test] = tree.predict_proba(X[test])[:, 1]
        self.stage1_ = self._tree().fit(X[known], y[known], sample_weight=w[known])
        X2 = np.hstack([X, first[:, None].astype(np.float32), context_features(first, starts)])
        self.stage2_ = self._tree().fit(X2[known], y[known], sample_weight=w[known])
        self.n_features_ = X.shape[1]
        return self

    def predict_proba(self, pages: Sequence[Blocks]) -> list[np.ndarray]:
        """Per page, each block's probability of being debris."""
        if not pages:
            return []
        X, lexical, starts = self._features(pages)
        if not len(X):
            return [np.zeros(0) for _ in pages]
        with thread_limit(Config().threads):
            p = self._predict_blocks(X, lexical, starts)
        return [p[starts[i] : starts[i + 1]] for i in range(len(pages))]

    def _predict_blocks(self, X: np.ndarray, lexical, starts: np.ndarray) -> np.ndarray:
        """Debris probability of every block of the pages in ``X``, in one array."""
        if self.lexical:
            X = np.hstack([X, linear_score(self.lexical_, lexical)[:, None].astype(np.float32)])
        rows = Config().predict_rows
        first = debris_probability(self.stage1_, X, rows)
        p = first.copy()
        unsure = np.flatnonzero((first > self.sure) & (first < 1.0 - self.sure))
        if len(unsure):
            context = context_features(first, starts)[unsure]
            X2 = np.hstack([X[unsure], first[unsure, None].astype(np.float32), context])
            p[unsure] = debris_probability(self.stage2_, X2, rows)
        # cookie and consent banners are rare in the (mostly older) training
        # pages but never article text: inside one, outside the main text
        # container, a block is debris (an unclosed banner <div> swallowing the
        # article leaves the article in the main container)
        cookie, in_main, thread = self._rule_columns
        p[(X[:, cookie] > 0) & (X[:, in_main] == 0)] = 1.0
        # reader comments are not the article (CleanEval's gold keeps them,
        # Dragnet's, L3S-GN1's and Readability's do not)
        p[X[:, thread] > 0] = 1.0
        return p

    @property
    def _rule_columns(self) -> tuple[int, int, int]:
        offset = len(SHAPE_NAMES)
        names = ("chain_c_cookie", "in_main", "thread_after_main")
        return tuple(offset + DOM_NAMES.index(name) for name in names)

    def predict(self, pages: Sequence[Blocks], threshold: float | None = None) -> list[np.ndarray]:
        """Per page, True for each block judged debris."""
        t = self.threshold_ if threshold is None else threshold
        return [p >= t for p in self.predict_proba(pages)]


def keep_text(blocks: Blocks, debris: np.ndarray) -> str:
    """The kept blocks in order, one per line, a blank line between paragraphs."""
    keep_iter = iter(~np.asarray(debris, dtype=bool))
    keep = [next(keep_iter) if line else False for line in blocks.lines]
    return join_kept(blocks.lines, keep)


def extract(html: str | bytes, model: HtmlModel, url: str | None = None) -> str:
    """The article text of a page: body blocks in order, blank line between paragraphs.

    Bytes are decoded as a browser would; a page without text gives ``""``.
    ``url`` is accepted for API symmetry and not used yet.
    """
    blocks = page_blocks(html)
    if not blocks.chains:
        return ""
    (debris,) = model.predict([blocks])
    return keep_text(blocks, debris)


# ---------------------------------------------------------------- files


def shipped_html_model_path() -> Path:
    """Path of the HTML model bundled with the package."""
    return Path(__file__).parent / "data" / "html_model.joblib"


def load_html_model(path: Path | str | None = None) -> HtmlModel:
    """Load an `HtmlModel` saved by ``scripts/train_html_model.py``.

    Refuses (``RuntimeError``) a model saved with another scikit-learn.
    """
    import joblib
    import sklearn

    path = Path(path) if path else shipped_html_model_path()
    card = path.with_suffix(".json")
    if card.exists():
        trained = json.loads(card.read_text("utf-8")).get("versions", {}).get("scikit-learn")
        if trained and trained != sklearn.__version__:
            raise RuntimeError(
                f"{path} was trained with scikit-learn {trained}, {sklearn.__version__} is "
                "installed; rebuild it with scripts/train_html_model.py"
            )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = joblib.load(path)
    if not isinstance(model, HtmlModel):
        raise TypeError(f"{path} does not hold an HtmlModel")
    check_features(model, path, FEATURE_NAMES)
    return model
