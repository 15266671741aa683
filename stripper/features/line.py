"""Per-line features of a batch of documents, computed at once.

Only non-blank lines are classified; blank lines are context (a paragraph
break before or after a line is a feature). Everything is computed with a
few C-speed passes over the batch's characters (`stripper.features.characters`)
and words (`stripper.features.words`), with no Python work per line or per
word, because cleaning throughput is dominated by this step.

`featurize` gives a `LineFeatures`:

* `LineFeatures.lexical`: the hashed words of each line (`stripper.features.words.lexical_matrix`);
* `LineFeatures.shape`: dense shape and document features of each line
  (length, punctuation, capitals, stopword share, position, repetition in
  the document, fit to the document's main topic) — see `SHAPE_NAMES`;
* the document structure (`LineFeatures.doc_of`, `LineFeatures.starts`), so
  later stages can read neighbouring lines within each document, and the
  lines that open a comment thread (`LineFeatures.opener`: "12 Comments",
  "Leave a Reply"), so the sequence stage can tell a thread under an
  article from the article.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..config import Config
from .characters import Characters, character_features
from .windows import windowed_mean
from .words import (
    HashedRows,
    Tokens,
    lexical_matrix,
    short_line_hashes,
    thread_openers,
    token_features,
    tokenize,
    word_classes,
)

_DEFAULT = Config()

SHAPE_NAMES = (
    "log_chars", "log_words", "mean_word_length", "ends_sentence", "ends_colon",
    "starts_upper", "starts_lower", "starts_digit", "starts_bullet", "upper_share",
    "digit_share", "punct_share", "space_share", "sentences_per_word", "stopword_share",
    "titlecase_share", "has_url", "separators", "has_copyright", "has_at",
    "pipe_or_bullets", "blank_before", "blank_after", "duplicates", "first_copy",
    "relative_position", "log_from_start", "log_from_end", "chars_vs_longest",
    "topic_overlap", "words_before_share", "long_neighbourhood", "quote_style_gap",
    "near_copy", "copy_quote_gap", "letter_share", "unspaced_share", "clauses_per_word",
    "common_word_share", "site_share", "site_pages",
)  # fmt: skip


@dataclass
class LineFeatures:
    """Features of the non-blank lines of a batch of documents."""

    lexical: HashedRows  #: (lines, LEXICAL_DIMENSION) binary
    shape: np.ndarray  #: (lines, len(SHAPE_NAMES)) float32, in Fortran order
    doc_of: np.ndarray  #: document index of each line
    starts: np.ndarray  #: first line of each document; len(documents) + 1 entries
    line_numbers: list[np.ndarray]  #: per document, index of each non-blank line
    opener: np.ndarray  #: lines that open a comment thread ("48 Responses to ...")
    texts: list[str] = field(default_factory=list)  #: the non-blank lines themselves


def featurize(
    documents: Sequence[Sequence[str]],
    stopwords: frozenset[str],
    config: Config = _DEFAULT,
    evidence: Sequence[np.ndarray | None] | None = None,
) -> LineFeatures:
    """Compute the features of every non-blank line of ``documents``.

    ``evidence`` holds, per document, what its site's other pages say of its
    lines (`stripper.features.templates.SiteTemplates.evidence`), or None.
    Lines must not contain a line feed (`stripper.text.lines.split_lines` cuts there).
    """
    flat = list(itertools.chain.from_iterable(documents))
    lines = Characters.of(flat)
    lines_per_doc = np.array([len(lines) for lines in documents], dtype=np.int64)
    first_line = lines_per_doc.cumsum() - lines_per_doc
    content = (~lines.blank).nonzero()[0]
    doc_of = np.arange(len(documents)).repeat(lines_per_doc)[content]
    starts = doc_of.searchsorted(np.arange(len(documents) + 1))
    numbers = [content[a:b] - first for a, b, first in zip(starts[:-1], starts[1:], first_line)]
    n = len(content)
    row_of_line = np.empty(len(lines.starts), dtype=np.intp)
    row_of_line.fill(-1)
    row_of_line[content] = np.arange(n)

    tokens = tokenize(lines, row_of_line, n, config)
    short = short_line_hashes(lines, content, tokens, config.short_line_words)
    lexical = lexical_matrix(tokens, short, n)
    classes = word_classes(tokens.hashes, stopwords)
    # laid out by feature (Fortran order), so that each column is copied in
    # one contiguous run, by one np.array call rather than one call a column
    shape = np.zeros((n, len(SHAPE_NAMES)), dtype=np.float32, order="F")
    if n:
        columns = {}
        columns.update(character_features(lines, content))
        columns.update(token_features(tokens, classes, n))
        columns.update(_layout_features(lines, content, doc_of, starts, first_line, lines_per_doc))
        columns.update(_repetition_features(tokens, doc_of, n, config))
        columns.update(_document_features(columns, tokens, doc_of, starts, n, config))
        columns.update(_site_features(evidence, starts, n))
        shape = np.array([columns[name] for name in SHAPE_NAMES], dtype=np.float32).T
    opener = thread_openers(tokens, classes, n, config.thread_heading_words)
    texts = [flat[i] for i in content.tolist()]
    return LineFeatures(lexical, shape, doc_of, starts, numbers, opener, texts)


def _layout_features(
    lines: Characters, content, doc_of, starts, first_line, lines_per_doc
) -> dict[str, np.ndarray]:
    """Blank lines around each line and its position in the document."""
    blank = np.concatenate([[False], lines.blank, [False]])  # blank[i + 1]: line i
    first, end = first_line[doc_of], (first_line + lines_per_doc)[doc_of]
    k = np.arange(len(content)) - starts[doc_of]
    last = (starts[1:] - starts[:-1] - 1)[doc_of]
    return {
        "blank_before": blank[content] & (content > first),
        "blank_after": blank[content + 2] & (content < end - 1),
        "relative_position": k / np.maximum(last, 1),
        "log_from_start": np.log1p(k),
        "log_from_end": np.log1p(last - k),
    }


def _site_features(evidence, starts: np.ndarray, n: int) -> dict[str, np.ndarray]:
    """The share of the site's other pages that hold each line, and how many
    pages that is (log); zeros where a document comes without its site."""
    site = np.zeros((n, 2), dtype=np.float32)
    for d, rows in enumerate(evidence or ()):
        if rows is not None and len(rows):
            site[starts[d] : starts[d + 1]] = rows
    return {"site_share": site[:, 0], "site_pages": site[:, 1]}


def _repetition_features(
    tokens: Tokens, doc_of: np.ndarray, n: int, config: Config
) -> dict[str, np.ndarray]:
    """How often a line's words recur as a whole line in its document (so
    case, quotes, punctuation and spacing do not matter), whether this is
    the first copy, and how close its nearest near copy is (`_near_copies`)."""
    h = tokens.hash
    first_token = tokens.per_line.cumsum() - tokens.per_line
    position = (np.arange(len(h)) - first_token[tokens.line] + 1).astype(np.uint64)
    plain = _line_sums(h, tokens.per_line)
    ordered = _line_sums(h * position, tokens.per_line)
    key = plain * np.uint64(1_000_003) + ordered + doc_of.astype(np.uint64) * np.uint64(998_244_353)
    first, inverse, counts = _groups(key)
    copies = counts[inverse]
    is_first = (first[inverse] == np.arange(n)).astype(np.float32)
    near, twin = _near_copies(tokens, doc_of, n, config.near_copy_reach)
    return {
        "duplicates": np.log(copies),
        "first_copy": np.where(copies > 1, is_first, 0.5),
        "near_copy": near,
        "copy_group": inverse,
        "twin": twin,
    }


def _groups(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The first index, the inverse and the counts of ``np.unique(keys)``
    (its ``return_index``, ``return_inverse``, ``return_counts``), in a
    third of its calls: the per-document cost of `clean` is such calls."""
    order = keys.argsort(kind="stable")
    ordered = keys[order]
    new = np.empty(len(keys), dtype=bool)
    new[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    inverse = np.empty(len(keys), dtype=np.intp)
    inverse[order] = new.cumsum() - 1
    return order[new], inverse, np.bincount(inverse)


def _line_sums(values: np.ndarray, per_line: np.ndarray) -> np.ndarray:
    """Sum of the uint64 ``values`` of each line's tokens, modulo 2**64."""
    total = np.zeros(len(values) + 1, dtype=np.uint64)
    values.cumsum(out=total[1:])
    bounds = per_line.cumsum()
    return total[bounds] - total[bounds - per_line]


def _near_copies(
    tokens: Tokens, doc_of: np.ndarray, n: int, reach: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per line, the word-set similarity (Jaccard) of the most similar line
    within ``reach`` lines of its document, and that line (itself if none):
    a caption printed beside its paragraph with a word or two changed."""
    best, nearest = np.zeros(n), np.zeros(n, dtype=np.int64)  # nearest: lines to the twin
    # pairs sorted by word then line: a word's next lines are its next pairs.
    # With documents spaced `reach` lines apart, a pair's key is the gap (at
    # most `reach`) higher than that of the same word `gap` lines on in the
    # same document, and more than `reach` higher in any other case.
    line = tokens.pair_line
    spaced = line + doc_of.take(line) * reach
    key = tokens.pair_word * (int(np.maximum.reduce(spaced, initial=0)) + reach + 1) + spaced
    cell = line * (reach + 1)  # [line, gap]: words shared with line + gap
    close = []
    for step in range(1, reach + 1):
        gap = key[step:] - key[:-step]
        close.append((cell[:-step] + gap)[gap <= reach])
    shared = np.bincount(np.concatenate(close), minlength=n * (reach + 1)).reshape(n, reach + 1)
    size = np.bincount(line, minlength=n)
    for offset in range(1, min(reach, n - 1) + 1):
        together = shared[:-offset, offset]  # none across documents: similarity 0
        similar = together / np.maximum(size[:-offset] + size[offset:] - together, 1)
        for here, step in ((slice(0, n - offset), offset), (slice(offset, n), -offset)):
            so_far = best[here]
            closer = similar > so_far  # strictly: of equals, the nearest stays
            np.maximum(so_far, similar, out=so_far)
            np.copyto(nearest[here], step, where=closer)
    return best, np.arange(n) + nearest


def _document_features(
    columns, tokens: Tokens, doc_of, starts, n, config: Config
) -> dict[str, np.ndarray]:
    """Features of a line relative to its document: its length against the
    longest line, its words' overlap with the document's long lines (the
    main text's topic), the share of the document's words before it, and
    how many long lines surround it."""
    words = columns["words"]
    nonempty = starts[:-1] < starts[1:]  # reduceat needs strictly increasing starts
    doc_longest = np.zeros(len(starts) - 1)
    doc_longest[nonempty] = np.maximum.reduceat(columns["log_chars"], starts[:-1][nonempty])
    chars_vs_longest = columns["log_chars"] - doc_longest[doc_of]

    cum = words.cumsum()
    doc_total = np.add.reduceat(words, starts[:-1][nonempty]) if n else np.zeros(0)
    total = np.zeros(len(starts) - 1)
    total[nonempty] = doc_total
    before = cum - words - np.concatenate([[0], cum])[starts[:-1]][doc_of]
    words_before_share = before / np.maximum(total[doc_of], 1)

    straight, curly = columns["straight_quotes"], columns["curly_quotes"]
    doc_straight = np.bincount(doc_of, weights=straight, minlength=len(starts) - 1)
    doc_curly = np.bincount(doc_of, weights=curly, minlength=len(starts) - 1)
    doc_share = doc_straight / np.maximum(doc_straight + doc_curly, 1)
    line_share = straight / np.maximum(straight + curly, 1)
    quoted = (straight + curly) > 0
    quote_style_gap = np.where(quoted, line_share - doc_share[doc_of], 0.0)
    # of two copies of a line (or a near copy close by), the one quoted
    # unlike its twin: a caption from an image's alt text beside the
    # typeset paragraph
    group, twin = columns["copy_group"], columns["twin"]
    copy_share = (np.bincount(group, weights=line_share) / np.bincount(group))[group]
    twin_share = (line_share + line_share[twin]) / 2
    near_twin = (columns["duplicates"] == 0) & (columns["near_copy"] >= config.near_copy_similarity)
    copy_quote_gap = line_share - np.where(near_twin, twin_share, copy_share)

    long_line = (words >= config.long_line_words).astype(np.float64)
    long_neighbourhood = windowed_mean(long_line, doc_of, starts, config.long_neighbourhood)
    some_words = np.maximum(words, 1)
    runs = _word_runs(tokens, doc_of)
    return {
        "sentences_per_word": columns["sentences"] / some_words,
        "clauses_per_word": columns["clauses"] / some_words,
        "common_word_share": _common_word_share(tokens, runs, doc_of, n, config.common_words),
        "titlecase_share": columns["capitalised_words"] / some_words,
        "chars_vs_longest": chars_vs_longest,
        "topic_overlap": _topic_overlap(tokens, runs, long_line, n),
        "words_before_share": words_before_share,
        "long_neighbourhood": long_neighbourhood,
        "quote_style_gap": quote_style_gap,
        "copy_quote_gap": copy_quote_gap,
    }


def _word_runs(tokens: Tokens, doc_of: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The run of each (line, word) pair: pairs are sorted by word, then line,
    so a run holds one word's pairs in one document; and where runs start."""
    word, doc = tokens.pair_word, doc_of[tokens.pair_line]
    new_run = np.empty(len(word), dtype=bool)
    new_run[:1] = True
    new_run[1:] = (word[1:] != word[:-1]) | (doc[1:] != doc[:-1])
    return new_run.cumsum() - 1, new_run


def _common_word_share(
    tokens: Tokens, runs: tuple[np.ndarray, np.ndarray], doc_of: np.ndarray, n: int, k: int
) -> np.ndarray:
    """Share of a line's tokens among its document's ``k`` most frequent words
    (numbers and words seen once aside): the function words of prose in any
    language, which menus and link lists lack; ``runs``: `_word_runs`."""
    run, new_run = runs
    total = np.bincount(run, weights=tokens.pair_count)
    run_doc = doc_of[tokens.pair_line][new_run]
    total[tokens.numeric[tokens.pair_word[new_run]] | (total < 2)] = 0
    order = np.lexsort((-total, run_doc))
    ordered_doc = run_doc[order]
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order)) - ordered_doc.searchsorted(ordered_doc)
    common = (rank < k) & (total > 0)
    hits = np.bincount(tokens.pair_line, weights=common[run] * tokens.pair_count, minlength=n)
    return hits / np.maximum(tokens.per_line, 1)


def _topic_overlap(
    tokens: Tokens, runs: tuple[np.ndarray, np.ndarray], long_line: np.ndarray, n: int
) -> np.ndarray:
    """Share of a line's words that also occur in *other* long lines of its
    document; ``runs``: `_word_runs`."""
    line, count = tokens.pair_line, tokens.pair_count
    run, _ = runs
    in_long = np.where(long_line[line] > 0, count, 0)
    elsewhere = np.bincount(run, weights=in_long)[run] - in_long
    hits = np.bincount(line, weights=np.where(elsewhere > 0, count, 0), minlength=n)
    return hits / np.maximum(tokens.per_line, 1)
