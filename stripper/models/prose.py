"""Never empty an article silently: find article prose the model scored away.

A model that has never seen a language or a site can score every line of an
article as debris. Where a document holds *article-like prose* — lines long
enough to be sentences (`Config.prose_line_words` words) that end like a
sentence or hold `Config.prose_inner_sentences` sentence ends, together at
least `Config.article_words` words — and every line
scored debris, its densest block of prose is kept: the run of lines whose
debris scores lie lowest against the document's own, weighted by words.
Pages without such prose (error pages, parked domains, link lists) stay empty.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from ..config import Config
from ..features.characters import SENTENCE_MARKS
from ..features.context import best_segments
from ..features.words import word_counts

#: Closing quotes and brackets a sentence may end behind.
_CLOSING = "\"'”’»)]」』】）"
#: A sentence ending inside a line: its mark, then a space (or a CJK full stop).
_INNER_END = re.compile(f"[{re.escape(SENTENCE_MARKS)}][{re.escape(_CLOSING)}]*\\s|[。！？]")


def prose_lines(lines: Sequence[str], config: Config) -> np.ndarray:
    """Which non-blank lines read as sentences of prose, and their words: a
    line of `Config.prose_line_words` words that ends like a sentence, or
    holds `Config.prose_inner_sentences` sentence ends."""
    words = word_counts(lines, config)
    texts = [line.strip().rstrip(_CLOSING) for line in lines if line.strip()]
    inner = config.prose_inner_sentences
    ends = np.array(
        [text[-1:] in SENTENCE_MARKS or len(_INNER_END.findall(text)) >= inner for text in texts],
        dtype=bool,
    )
    return (words >= config.prose_line_words) & ends, words


def is_article(lines: Sequence[str], config: Config) -> bool:
    """Whether a document holds article-like prose (see the module's docstring)."""
    prose, words = prose_lines(lines, config)
    return bool(words[prose].sum() >= config.article_words)


def densest_prose(lines: Sequence[str], debris: np.ndarray, config: Config) -> np.ndarray:
    """For a document whose every non-blank line scored debris: True for the
    lines of its densest prose block, if it holds article-like prose.

    ``debris`` holds one probability per non-blank line. The block is the
    contiguous run maximising the sum over its lines of √(words + 1) × (the
    median score of the prose lines − the line's score): the prose the model
    found least like debris, and the lines between. Lines scored 1.0 (by a
    rule, or beyond doubt) are neither prose nor part of the block: a reader
    comment thread is never kept for its article.
    """
    prose, words = prose_lines(lines, config)
    certain = debris >= 1.0  # a rule's verdict (a comment thread, a cookie banner)
    prose &= ~certain
    keep = np.zeros(len(words), dtype=bool)
    if words[prose].sum() < config.article_words:
        return keep
    pivot = np.median(debris[prose]) + config.prose_margin
    gain = np.sqrt(words + 1) * (pivot - debris)
    gain[certain] = -(np.abs(gain).sum() + 1.0)  # no run through a certain line pays
    one = np.zeros(len(words), dtype=np.int64)
    start, end = best_segments(gain, one, np.array([0, len(words)]))
    keep[start[0] : end[0] + 1] = True
    return keep
