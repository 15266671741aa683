"""DOM features of a page's text blocks, for the HTML block model.

Per block (`stripper.html.blocks.Blocks`): the flags of all its ancestors
and of its three innermost elements (`stripper.html.flags`), its tag, depth
and link share, how much of the page's paragraph text its containers hold,
whether it sits in the page's main container (the deepest element holding
most paragraph text outside comment threads), and whether it lies in a
reader-comment thread after the main text (never, on a page that declares
itself a discussion: a forum thread's or a Q&A page's posts are its content).
"""

from __future__ import annotations

import itertools

import numpy as np

from ..config import Config, HtmlConfig
from ..html.blocks import Blocks
from ..html.flags import FLAG_NAMES, THREAD_BIT
from ..html.page import PAGE_KINDS, PageFacts, normalise
from .words import word_counts

_DEFAULT = HtmlConfig()

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
    "caption_copy",
    "in_structured_body",
    "structured_body_words",
    "page_has_body",
    "is_title",
    *(f"kind_{kind}" for kind in PAGE_KINDS),
    "in_teacher",
    "teacher_words",
    "teacher_empty",
)
_FLAG_SHIFTS = np.arange(len(FLAG_NAMES), dtype=np.int64)


def dom_features(
    blocks: Blocks, config: HtmlConfig = _DEFAULT, words: np.ndarray | None = None
) -> np.ndarray:
    """Dense DOM features of a page's blocks, one row per block (`DOM_NAMES`);
    ``words`` is the length in words of each block, if known already."""
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
    words = word_counts(texts, Config()) if words is None else words
    link = np.asarray(blocks.link_chars, dtype=np.float64)
    paragraph = (words >= config.paragraph_words) & (link < config.paragraph_link_share * chars)
    good = np.where(paragraph, chars - link, 0.0)
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
    ends = lengths.cumsum()
    level = np.arange(len(flat)) - np.repeat(ends - lengths, lengths)
    # main container: the deepest element holding most of the paragraph text
    # outside reader-comment threads (a long thread outweighs its article)
    share = config.main_container_share
    thread = (chain & THREAD_BIT) != 0
    if "forum" in blocks.facts.kinds:  # a declared discussion: its thread is the content
        thread[:] = False
    outside = np.where(thread, 0.0, good)
    if outside.sum() > 0:
        main_score = np.bincount(flat, weights=outside[owner], minlength=size)
        candidates = np.flatnonzero(main_score[flat] >= share * outside.sum())
    else:  # all paragraphs sit in "comment" elements: take the words for wrappers
        thread[:] = False
        candidates = np.flatnonzero(score[flat] >= share * total_good)
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
    before = chars.cumsum() - chars
    out[:, base + 11] = before / max(chars.sum(), 1.0)
    out[:, base + 12] = np.log1p(chars.sum())
    out[:, base + 13] = link.sum() / max(chars.sum(), 1.0)
    facts = _facts_features(texts, blocks.facts)
    out[:, base + 15 : base + 15 + facts.shape[1]] = facts
    if blocks.teacher is not None:
        out[:, base + 15 + facts.shape[1] :] = _teacher_features(texts, blocks.teacher)
    return out


def _teacher_features(texts: list[str], teacher: str) -> np.ndarray:
    """Whether trafilatura's text of the page holds each block, the share of
    the block's words in it, and whether it kept anything at all."""
    out = np.zeros((len(texts), 3), dtype=np.float32)
    kept = set(teacher.split())
    for i, text in enumerate(texts):
        norm = normalise(text)
        out[i, 0] = bool(norm) and norm in teacher
        words = norm.split()
        out[i, 1] = sum(w in kept for w in words) / max(len(words), 1)
    out[:, 2] = not teacher
    return out


def _facts_features(texts: list[str], facts: PageFacts) -> np.ndarray:
    """What the page's own account says of each block: a copy of an image's
    alt or title (a caption), inside the structured article body (and the
    share of its words there), the headline; and the page's declared kinds.

    The blocks' texts are whitespace-collapsed already (`extract_blocks`),
    so lower-casing them is normalising them (`normalise`)."""
    out = np.zeros((len(texts), 5 + len(PAGE_KINDS)), dtype=np.float32)
    norms = [text.lower() for text in texts]
    images = facts.image_texts
    if images:
        out[:, 0] = [
            len(norm) > 15 and any(norm in image or image in norm for image in images)
            for norm in norms
        ]
    if facts.body:
        body, body_words = facts.body, set(facts.body.split())
        out[:, 1] = [len(norm) > 15 and norm in body for norm in norms]
        out[:, 2] = [_share_in(norm.split(), body_words) for norm in norms]
    title = normalise(facts.title)
    if title:
        out[:, 4] = [norm == title for norm in norms]
    out[:, 3] = bool(facts.body)
    for j, kind in enumerate(PAGE_KINDS):
        out[:, 5 + j] = kind in facts.kinds
    return out


def _share_in(words: list[str], known: set[str]) -> float:
    """The share of ``words`` in ``known`` (0 for no words)."""
    return sum(w in known for w in words) / max(len(words), 1)


def in_thread(blocks: Blocks, config: HtmlConfig = _DEFAULT) -> np.ndarray:
    """Per block, True inside a reader-comment thread after the main text."""
    return dom_features(blocks, config)[:, DOM_NAMES.index("thread_after_main")] > 0


def thread_lines(blocks: Blocks, config: HtmlConfig = _DEFAULT) -> set[str]:
    """Texts of the blocks found only inside reader-comment threads."""
    texts = [line for line in blocks.lines if line]
    inside = in_thread(blocks, config)
    return {t for t, i in zip(texts, inside) if i} - {t for t, i in zip(texts, inside) if not i}
