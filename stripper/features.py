"""Per-line features, computed for a whole batch of documents at once.

Only non-blank lines are classified; blank lines are context (a paragraph
break before or after a line is a feature). Everything here is computed with
a few passes of C-speed operations (one regular-expression tokenisation per
batch, NumPy over token and code-point arrays) rather than per-line Python
work, because cleaning throughput is dominated by this module.

Three kinds of features come out:

* `Batch.lexical`: hashed word unigrams and bigrams plus the first and last
  word and, for short lines, the whole line — a sparse matrix for a linear
  model that learns debris vocabulary ("0 comments", "Powered by Blogger").
* `Batch.shape`: dense shape and document features of each line (length,
  punctuation, capitals, stopword share, position, repetition in the
  document, fit to the document's main topic) — see `SHAPE_NAMES`.
* the document structure (`Batch.doc_of`, `Batch.starts`), so later stages
  can read neighbouring lines within each document.
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp

from .lines import is_blank

#: Number of hashed lexical feature columns.
LEXICAL_DIMENSION = 1 << 18

#: Stoplist languages, read from jusText at training time and kept in the model.
STOPLIST_LANGUAGES = (
    "English", "German", "French", "Spanish", "Italian", "Portuguese", "Dutch",
    "Polish", "Swedish", "Danish", "Czech", "Russian", "Turkish",
)  # fmt: skip

_TOKENS = re.compile(r"\w+|\n")
_URL_WORDS = frozenset({"http", "https", "www", "com", "html", "php"})
_SENTENCE_END = frozenset(".!?…。！？")
_CLOSERS = "\"'”’»)]*\u00a0 \t"

SHAPE_NAMES = (
    "log_chars", "log_words", "mean_word_length", "ends_sentence", "ends_colon",
    "starts_upper", "starts_lower", "starts_digit", "starts_bullet", "upper_share",
    "digit_share", "punct_share", "space_share", "sentences_per_word", "stopword_share",
    "titlecase_share", "has_url", "separators", "has_copyright", "has_at",
    "pipe_or_bullets", "blank_before", "blank_after", "duplicates", "first_copy",
    "relative_position", "log_from_start", "log_from_end", "chars_vs_longest",
    "topic_overlap", "words_before_share", "long_neighbourhood", "quote_style_gap",
    "near_copy", "copy_quote_gap",
)  # fmt: skip


def stoplist(languages: Sequence[str] = STOPLIST_LANGUAGES) -> frozenset[str]:
    """Union of jusText's stoplists for ``languages`` (lower-case words)."""
    import justext

    words: set[str] = set()
    for language in languages:
        words |= {w.lower() for w in justext.get_stoplist(language)}
    return frozenset(words)


@dataclass
class Batch:
    """Features of the non-blank lines of a batch of documents."""

    lexical: sp.csr_matrix  #: (lines, LEXICAL_DIMENSION) binary
    shape: np.ndarray  #: (lines, len(SHAPE_NAMES)) float32
    doc_of: np.ndarray  #: document index of each line
    starts: np.ndarray  #: first line of each document; len(documents) + 1 entries
    line_numbers: list[np.ndarray]  #: per document, index of each non-blank line


def content_line_numbers(lines: Sequence[str]) -> np.ndarray:
    """Indices of the non-blank lines of a document."""
    return np.flatnonzero([not is_blank(line) for line in lines])


def featurize(documents: Sequence[Sequence[str]], stopwords: frozenset[str]) -> Batch:
    """Compute the features of every non-blank line of ``documents``."""
    numbers = [content_line_numbers(lines) for lines in documents]
    texts = [documents[d][i] for d, idx in enumerate(numbers) for i in idx]
    sizes = np.array([len(idx) for idx in numbers], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(sizes)])
    doc_of = np.repeat(np.arange(len(documents)), sizes)
    n = len(texts)

    tokens = _tokenize(texts)
    lexical = _lexical_matrix(tokens, texts, n)
    shape = np.zeros((n, len(SHAPE_NAMES)), dtype=np.float32)
    if n:
        columns = {}
        columns.update(_character_features(texts))
        columns.update(_token_features(tokens, stopwords, n))
        columns.update(_layout_features(documents, numbers, starts))
        columns.update(_repetition_features(tokens, doc_of, n))
        columns.update(_document_features(columns, tokens, doc_of, starts, n))
        for j, name in enumerate(SHAPE_NAMES):
            shape[:, j] = columns[name]
    return Batch(lexical.tocsr(), shape, doc_of, starts, numbers)


@dataclass
class _Tokens:
    """The batch's words as arrays: line of each token and hashed identity."""

    line: np.ndarray
    word: np.ndarray  #: per token, index into `unique`
    unique: list[str]
    hashes: np.ndarray  #: stable 32-bit hash of each unique word (uint64)
    per_line: np.ndarray  #: number of tokens of each line

    @cached_property
    def line_words(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each (line, word) pair once, as sorted keys line * words + word,
        with each token's index into them and each pair's count."""
        return _group(self.line * np.int64(len(self.unique)) + self.word)


def _group(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``np.unique(keys, return_inverse=True, return_counts=True)``, faster
    on the nearly sorted keys built here (a stable sort runs on sorted runs)."""
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    first = np.ones(len(keys), dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    inverse = np.empty(len(keys), dtype=np.int64)
    inverse[order] = np.cumsum(first) - 1
    counts = np.diff(np.append(np.flatnonzero(first), len(keys)))
    return ordered[first], inverse, counts


def _tokenize(texts: list[str]) -> _Tokens:
    found = _TOKENS.findall("\n".join(texts).lower() + "\n") if texts else []
    # a word's id is the position of its first occurrence: one C-level pass
    table: dict[str, int] = {}
    first_seen = np.fromiter(
        map(table.setdefault, found, itertools.count()), dtype=np.int64, count=len(found)
    )
    unique_positions = np.fromiter(table.values(), dtype=np.int64, count=len(table))
    renumber = np.empty(len(found), dtype=np.int64)
    renumber[unique_positions] = np.arange(len(table))
    ids = renumber[first_seen]
    unique = list(table)
    is_newline = ids == (unique.index("\n") if "\n" in table else -1)
    line = np.cumsum(is_newline) - is_newline  # newline token closes its line
    keep = ~is_newline
    hashes = np.fromiter(
        (zlib.crc32(w.encode("utf-8", "surrogatepass")) for w in unique),
        dtype=np.uint64,
        count=len(unique),
    )
    per_line = np.bincount(line[keep], minlength=len(texts))
    return _Tokens(line[keep], ids[keep], unique, hashes, per_line)


def _lexical_matrix(tokens: _Tokens, texts: list[str], n: int) -> sp.coo_matrix:
    """Hashed unigrams, bigrams, first/last word and whole short lines."""
    h = tokens.hashes[tokens.word] if len(tokens.word) else np.zeros(0, dtype=np.uint64)
    line = tokens.line
    same = line[1:] == line[:-1]
    bigram = (h[:-1] * np.uint64(1_000_003) + h[1:])[same]
    first = np.ones(len(line), dtype=bool)
    first[1:] = ~same
    last = np.ones(len(line), dtype=bool)
    last[:-1] = ~same
    short = np.flatnonzero(tokens.per_line <= 4)
    whole = np.fromiter(
        (zlib.crc32(texts[i].lower().encode("utf-8", "surrogatepass")) for i in short),
        dtype=np.uint64,
        count=len(short),
    )
    rows = np.concatenate([line, line[1:][same], line[first], line[last], short])
    keys = np.concatenate(
        [h, bigram, h[first] + np.uint64(7), h[last] + np.uint64(11), whole + np.uint64(13)]
    )
    cols = (keys % np.uint64(LEXICAL_DIMENSION)).astype(np.int64)
    data = np.ones(len(rows), dtype=np.float32)
    matrix = sp.coo_matrix((data, (rows, cols)), shape=(n, LEXICAL_DIMENSION)).tocsr()
    matrix.data[:] = 1.0  # presence, not counts
    return matrix


def _code_points(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """All characters of the batch as code points, and each line's start offset."""
    joined = "\n".join(texts) + "\n"
    cp = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    ends = np.flatnonzero(cp == 10)
    line_starts = np.concatenate([[0], ends[:-1] + 1])
    return cp, line_starts


def _per_line(mask: np.ndarray, line_starts: np.ndarray) -> np.ndarray:
    return np.add.reduceat(mask.astype(np.int64), line_starts) if len(line_starts) else np.zeros(0)


def _character_features(texts: list[str]) -> dict[str, np.ndarray]:
    cp, line_starts = _code_points(texts)
    count = lambda mask: _per_line(mask, line_starts)  # noqa: E731
    chars = np.array([len(t) for t in texts], dtype=np.float64)
    safe = np.maximum(chars, 1)
    is_upper = ((cp >= 65) & (cp <= 90)) | ((cp >= 0xC0) & (cp <= 0xDE) & (cp != 0xD7))
    upper = count(is_upper)
    after_space = np.ones(len(cp), dtype=bool)
    after_space[1:] = (cp[:-1] == 32) | (cp[:-1] == 10) | (cp[:-1] == 0xA0)
    lower = count(((cp >= 97) & (cp <= 122)) | ((cp >= 0xDF) & (cp <= 0xFF) & (cp != 0xF7)))
    ascii_punct = (
        ((cp >= 33) & (cp <= 47))
        | ((cp >= 58) & (cp <= 64))
        | ((cp >= 91) & (cp <= 96))
        | ((cp >= 123) & (cp <= 126))
    )
    punct = count(ascii_punct | ((cp >= 0x2010) & (cp <= 0x205E)) | ((cp >= 0xA1) & (cp <= 0xBF)))
    space = count((cp == 32) | (cp == 9) | (cp == 0xA0) | ((cp >= 0x2000) & (cp <= 0x200B)))
    sentence = count((cp == 46) | (cp == 33) | (cp == 63))
    separators = count(
        (cp == 124) | (cp == 0xBB) | (cp == 0x203A) | (cp == 0x2022) | (cp == 0xB7) | (cp == 0x2192)
    )
    stripped = [t.strip(" \t\u00a0\u200b") for t in texts]
    first = [s[:1] for s in stripped]
    last_chars = [s.rstrip(_CLOSERS)[-1:] for s in stripped]
    letters = np.maximum(upper + lower, 1)
    return {
        "log_chars": np.log1p(chars),
        "ends_sentence": np.array([c in _SENTENCE_END for c in last_chars], dtype=np.float32),
        "ends_colon": np.array([c == ":" for c in last_chars], dtype=np.float32),
        "starts_upper": np.array([c.isupper() for c in first], dtype=np.float32),
        "starts_lower": np.array([c.islower() for c in first], dtype=np.float32),
        "starts_digit": np.array([c.isdigit() for c in first], dtype=np.float32),
        "starts_bullet": np.array([c in "-•*·–—>»" for c in first], dtype=np.float32),
        "upper_share": upper / letters,
        "digit_share": count((cp >= 48) & (cp <= 57)) / safe,
        "punct_share": punct / safe,
        "space_share": space / safe,
        "sentences": sentence,
        "capitalised_words": count(is_upper & after_space),
        "separators": np.log1p(separators),
        "has_copyright": count(cp == 0xA9) > 0,
        "straight_quotes": count((cp == 34) | (cp == 39)),
        "curly_quotes": count((cp >= 0x2018) & (cp <= 0x201F)),
        "has_at": count(cp == 64) > 0,
        "pipe_or_bullets": separators > 0,
    }


def _token_features(tokens: _Tokens, stopwords: frozenset[str], n: int) -> dict[str, np.ndarray]:
    words = tokens.per_line.astype(np.float64)
    safe = np.maximum(words, 1)
    unique_stop = np.fromiter(
        (w in stopwords for w in tokens.unique), dtype=bool, count=len(tokens.unique)
    )
    unique_title = np.fromiter(
        (w[:1].isalpha() for w in tokens.unique), dtype=bool, count=len(tokens.unique)
    )
    lengths = np.fromiter(
        (len(w) for w in tokens.unique), dtype=np.float64, count=len(tokens.unique)
    )
    stop = (
        np.bincount(tokens.line, weights=unique_stop[tokens.word], minlength=n)
        if n
        else np.zeros(0)
    )
    chars = (
        np.bincount(tokens.line, weights=lengths[tokens.word], minlength=n) if n else np.zeros(0)
    )
    alpha = (
        np.bincount(tokens.line, weights=unique_title[tokens.word], minlength=n)
        if n
        else np.zeros(0)
    )
    unique_url = np.fromiter(
        (w in _URL_WORDS for w in tokens.unique), dtype=bool, count=len(tokens.unique)
    )
    url = (
        np.bincount(tokens.line, weights=unique_url[tokens.word], minlength=n) if n else np.zeros(0)
    )
    return {
        "has_url": url > 0,
        "log_words": np.log1p(words),
        "mean_word_length": chars / safe,
        "stopword_share": stop / safe,
        "words": words,
        "alpha_words": alpha,
    }


def _layout_features(documents, numbers, starts) -> dict[str, np.ndarray]:
    """Blank lines around each line and its position in the document."""
    before, after, position, from_start, from_end = [], [], [], [], []
    for lines, idx in zip(documents, numbers):
        if not len(idx):
            continue
        gaps = np.diff(idx)
        before.append(np.concatenate([[idx[0] > 0], gaps > 1]))
        after.append(np.concatenate([gaps > 1, [idx[-1] < len(lines) - 1]]))
        k = np.arange(len(idx))
        position.append(k / max(len(idx) - 1, 1))
        from_start.append(np.log1p(k))
        from_end.append(np.log1p(len(idx) - 1 - k))
    cat = lambda parts: np.concatenate(parts) if parts else np.zeros(0)  # noqa: E731
    return {
        "blank_before": cat(before),
        "blank_after": cat(after),
        "relative_position": cat(position),
        "log_from_start": cat(from_start),
        "log_from_end": cat(from_end),
    }


def _repetition_features(tokens: _Tokens, doc_of: np.ndarray, n: int) -> dict[str, np.ndarray]:
    """How often a line's words recur as a whole line in its document (so
    case, quotes, punctuation and spacing do not matter), whether this is
    the first copy, and how close its nearest near copy is (`_near_copies`)."""
    h = (tokens.hashes[tokens.word] if len(tokens.word) else np.zeros(0, np.uint64)).astype(
        np.float64
    )
    token_starts = np.concatenate([[0], np.cumsum(tokens.per_line)])[:-1]
    position = np.arange(len(tokens.line)) - token_starts[tokens.line] + 1
    plain = np.bincount(tokens.line, weights=h, minlength=n)
    ordered = np.bincount(tokens.line, weights=(h % 65521) * position, minlength=n)
    key = plain.astype(np.int64) * 1_000_003 + ordered.astype(np.int64) + doc_of * 998_244_353
    _, first, inverse, counts = np.unique(
        key, return_index=True, return_inverse=True, return_counts=True
    )
    copies = counts[inverse]
    is_first = (first[inverse] == np.arange(n)).astype(np.float32)
    near, twin = _near_copies(tokens, doc_of, n)
    return {
        "duplicates": np.log(copies),
        "first_copy": np.where(copies > 1, is_first, 0.5),
        "near_copy": near,
        "copy_group": inverse,
        "twin": twin,
    }


def _near_copies(
    tokens: _Tokens, doc_of: np.ndarray, n: int, reach: int = 3
) -> tuple[np.ndarray, np.ndarray]:
    """Per line, the word-set similarity (Jaccard) of the most similar line
    within ``reach`` lines of its document, and that line (itself if none):
    a caption printed beside its paragraph with a word or two changed."""
    best, twin = np.zeros(n), np.arange(n)
    if not len(tokens.word):
        return best, twin
    vocabulary = np.int64(len(tokens.unique))
    keys = tokens.line_words[0]  # (line, word) once each
    line = keys // vocabulary
    size = np.bincount(line, minlength=n)
    for offset in range(1, min(reach, n - 1) + 1):
        shifted = (line + offset) * vocabulary + keys % vocabulary
        pos = np.minimum(np.searchsorted(keys, shifted), len(keys) - 1)
        shared = np.bincount(line, weights=keys[pos] == shifted, minlength=n)[: n - offset]
        union = size[:-offset] + size[offset:] - shared
        similar = np.where(doc_of[:-offset] == doc_of[offset:], shared / np.maximum(union, 1), 0.0)
        for here, there in (
            (slice(0, n - offset), slice(offset, n)),
            (slice(offset, n), slice(0, n - offset)),
        ):
            closer = similar > best[here]
            best[here] = np.where(closer, similar, best[here])
            twin[here] = np.where(closer, np.arange(n)[there], twin[here])
    return best, twin


def _document_features(columns, tokens: _Tokens, doc_of, starts, n) -> dict[str, np.ndarray]:
    """Features of a line relative to its document: its length against the
    longest line, its words' overlap with the document's long lines (the
    main text's topic), the share of the document's words before it, and
    how many long lines surround it."""
    words = columns["words"]
    nonempty = starts[:-1] < starts[1:]  # reduceat needs strictly increasing starts
    doc_longest = np.zeros(len(starts) - 1)
    doc_longest[nonempty] = np.maximum.reduceat(columns["log_chars"], starts[:-1][nonempty])
    chars_vs_longest = columns["log_chars"] - doc_longest[doc_of]

    cum = np.cumsum(words)
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
    near_twin = (columns["duplicates"] == 0) & (columns["near_copy"] >= 0.5)
    copy_quote_gap = line_share - np.where(near_twin, twin_share, copy_share)

    long_line = (words >= 15).astype(np.float64)
    long_neighbourhood = windowed_mean(long_line, doc_of, starts, 5)
    return {
        "sentences_per_word": columns["sentences"] / np.maximum(words, 1),
        "titlecase_share": columns["capitalised_words"] / np.maximum(words, 1),
        "chars_vs_longest": chars_vs_longest,
        "topic_overlap": _topic_overlap(tokens, doc_of, long_line, n),
        "words_before_share": words_before_share,
        "long_neighbourhood": long_neighbourhood,
        "quote_style_gap": quote_style_gap,
        "copy_quote_gap": copy_quote_gap,
    }


def windowed_mean(values: np.ndarray, doc_of: np.ndarray, starts: np.ndarray, k: int) -> np.ndarray:
    """Mean of ``values`` over the lines within ``k`` of each line, in its document."""
    n = len(values)
    idx = np.arange(n)
    lo = np.maximum(idx - k, starts[doc_of])
    hi = np.minimum(idx + k + 1, starts[doc_of + 1])
    cum = np.concatenate([[0.0], np.cumsum(values)])
    return (cum[hi] - cum[lo]) / (hi - lo)


def _topic_overlap(
    tokens: _Tokens, doc_of: np.ndarray, long_line: np.ndarray, n: int
) -> np.ndarray:
    """Share of a line's words that also occur in *other* long lines of its document."""
    if not len(tokens.word):
        return np.zeros(n)
    doc = doc_of[tokens.line]
    vocabulary = np.int64(len(tokens.unique))
    key = doc * vocabulary + tokens.word
    in_long = long_line[tokens.line] > 0
    long_keys, _, long_counts = _group(key[in_long])
    # occurrences of the same word in the same line, to leave the line itself out
    _, own_inverse, own_counts = tokens.line_words
    pos = np.searchsorted(long_keys, key)
    pos = np.minimum(pos, max(len(long_keys) - 1, 0))
    found = (long_keys[pos] == key) if len(long_keys) else np.zeros(len(key), dtype=bool)
    count = np.where(found, long_counts[pos] if len(long_counts) else 0, 0)
    count = count - np.where(in_long, own_counts[own_inverse], 0)
    hits = np.bincount(tokens.line, weights=(count > 0).astype(np.float64), minlength=n)
    return hits / np.maximum(tokens.per_line, 1)
