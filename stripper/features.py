"""Per-line features, computed for a whole batch of documents at once.

Only non-blank lines are classified; blank lines are context (a paragraph
break before or after a line is a feature). Everything here is computed with
a few C-speed passes over one array of the batch's code points (character
tables, word boundaries, polynomial hashes, per-line sums), with no Python
work per line or per word, because cleaning throughput is dominated by this
module.

Three kinds of features come out:

* `Batch.lexical`: hashed word unigrams and bigrams plus the first and last
  word and, for short lines, the whole line — a sparse matrix for a linear
  model that learns debris vocabulary ("0 comments", "Powered by Blogger").
* `Batch.shape`: dense shape and document features of each line (length,
  punctuation, capitals, stopword share, position, repetition in the
  document, fit to the document's main topic) — see `SHAPE_NAMES`.
* the document structure (`Batch.doc_of`, `Batch.starts`), so later stages
  can read neighbouring lines within each document, and the lines that open
  a comment thread (`Batch.opener`: "12 Comments", "Leave a Reply"), so the
  sequence stage can tell a thread under an article from the article.

A word is a run of what Python's ``re`` matches with ``\\w`` (`str.isalnum`
characters and ``_``), lower-cased, and is identified by a 64-bit hash of its
code points; its hashed feature columns come from the CRC-32 of its UTF-8
bytes, as they always have, so models trained before still fit. Characters
are lower-cased one by one, so this differs from
``re.findall(r"\\w+", text.lower())`` in two known ways: ``İ`` becomes ``i``
(``str.lower`` adds a combining dot, which splits the word) and a final
capital sigma becomes ``σ`` (``str.lower`` writes ``ς``).
"""

from __future__ import annotations

import functools
import itertools
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

#: Number of hashed lexical feature columns.
LEXICAL_DIMENSION = 1 << 18

#: Stoplist languages, read from jusText at training time and kept in the model.
STOPLIST_LANGUAGES = (
    "English", "German", "French", "Spanish", "Italian", "Portuguese", "Dutch",
    "Polish", "Swedish", "Danish", "Czech", "Russian", "Turkish",
)  # fmt: skip

_URL_WORDS = frozenset({"http", "https", "www", "com", "html", "php"})
#: Words that name a comment thread, in a few languages ("say": "Have your say") ...
_THREAD_WORDS = frozenset({
    "comment", "comments", "response", "responses", "reply", "replies", "reactions",
    "trackbacks", "pingbacks", "soundoff", "kommentar", "kommentare", "commentaire",
    "commentaires", "comentario", "comentarios", "commento", "commenti", "reactie",
    "reacties", "komentarze", "комментарии", "say",
})  # fmt: skip
#: ... and the other words a thread's heading is made of ("Leave a Reply").
_HEADING_WORDS = _THREAD_WORDS | frozenset({
    "leave", "a", "post", "add", "your", "new", "have", "no", "one", "cancel", "yet",
    "show", "view", "all", "write", "reader", "readers", "user", "users",
})  # fmt: skip
#: "48 Responses to ...": a count, one of these, then "to" or "on".
_COUNTED = frozenset({"comments", "responses", "replies", "thoughts"})
_COUNT_WORDS, _COUNT_LINKS = frozenset({"no", "one"}), frozenset({"to", "on"})
_SENTENCE_END = [ord(c) for c in ".!?…。！？"]
_BULLETS = [ord(c) for c in "-•*·–—>»"]
#: Stripped from both ends of a line before its first and last characters are read.
_STRIPPED = " \t\u00a0\u200b"
#: Also stripped from the end before the last character is read.
_CLOSERS = "\"'”’»)]*\u00a0 \t"

#: Bits of a character's flags (`_properties`): ``\w``, `str.isupper`, `str.islower`,
#: `str.isdigit`, in `_STRIPPED`, in `_CLOSERS`, a capital counted by "upper_share",
#: and a space, line feed or no-break space (what a capitalised word follows).
_WORD, _UPPER, _LOWER, _DIGIT, _STRIP, _CLOSER, _CAPITAL, _GAP = 1, 2, 4, 8, 16, 32, 64, 128
#: Code points looked up in tables; the rare ones above are computed one by one.
_TABLE_SIZE = 0x10000
#: Base of the polynomial word hash: odd, so its powers never vanish modulo 2**64.
_HASH_BASE = np.uint64(0x100000001B3)
#: Texts of this many UTF-8 bytes or more get their CRC-32 from zlib, not from tables.
_CRC_REACH = 256

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
    opener: np.ndarray  #: lines that open a comment thread ("48 Responses to ...")


def featurize(documents: Sequence[Sequence[str]], stopwords: frozenset[str]) -> Batch:
    """Compute the features of every non-blank line of ``documents``.

    Lines must not contain a line feed (`stripper.lines.split_lines` cuts there).
    """
    lines = _Lines.of(list(itertools.chain.from_iterable(documents)))
    lines_per_doc = np.array([len(lines) for lines in documents], dtype=np.int64)
    first_line = np.cumsum(lines_per_doc) - lines_per_doc
    content = np.flatnonzero(~lines.blank)
    doc_of = np.repeat(np.arange(len(documents)), lines_per_doc)[content]
    starts = np.searchsorted(doc_of, np.arange(len(documents) + 1))
    numbers = [content[a:b] - first for a, b, first in zip(starts[:-1], starts[1:], first_line)]
    n = len(content)
    row_of_line = np.full(len(lines.starts), -1)
    row_of_line[content] = np.arange(n)

    tokens = _tokenize(lines, row_of_line, n)
    lexical = _lexical_matrix(tokens, _short_line_hashes(lines, content, tokens), n)
    shape = np.zeros((n, len(SHAPE_NAMES)), dtype=np.float32)
    if n:
        columns = {}
        columns.update(_character_features(lines, content))
        columns.update(_token_features(tokens, stopwords, n))
        columns.update(_layout_features(lines, content, doc_of, starts, first_line, lines_per_doc))
        columns.update(_repetition_features(tokens, doc_of, n))
        columns.update(_document_features(columns, tokens, doc_of, starts, n))
        for j, name in enumerate(SHAPE_NAMES):
            shape[:, j] = columns[name]
    return Batch(lexical, shape, doc_of, starts, numbers, _thread_openers(tokens, n))


# -- characters ---------------------------------------------------------------
def _class_masks(cp: np.ndarray) -> dict[str, np.ndarray]:
    """The character classes counted per line, as masks over code points ``cp``."""
    ascii_punct = (
        ((cp >= 33) & (cp <= 47))
        | ((cp >= 58) & (cp <= 64))
        | ((cp >= 91) & (cp <= 96))
        | ((cp >= 123) & (cp <= 126))
    )
    return {
        "upper": ((cp >= 65) & (cp <= 90)) | ((cp >= 0xC0) & (cp <= 0xDE) & (cp != 0xD7)),
        "lower": ((cp >= 97) & (cp <= 122)) | ((cp >= 0xDF) & (cp <= 0xFF) & (cp != 0xF7)),
        "digit": (cp >= 48) & (cp <= 57),
        "punct": ascii_punct | ((cp >= 0x2010) & (cp <= 0x205E)) | ((cp >= 0xA1) & (cp <= 0xBF)),
        "space": (cp == 32) | (cp == 9) | (cp == 0xA0) | ((cp >= 0x2000) & (cp <= 0x200B)),
        "sentence": (cp == 46) | (cp == 33) | (cp == 63),
        "separator": (cp == 124)
        | (cp == 0xBB)
        | (cp == 0x203A)
        | (cp == 0x2022)
        | (cp == 0xB7)
        | (cp == 0x2192),
        "copyright": cp == 0xA9,
        "straight_quote": (cp == 34) | (cp == 39),
        "curly_quote": (cp >= 0x2018) & (cp <= 0x201F),
        "at": cp == 64,
    }


def _properties(chars: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Flags (`_WORD`, `_UPPER`...) and lower-case code point of each character.

    A word character is one that ``re`` matches with ``\\w`` once lower-cased;
    the lower case of a character is the first of ``str.lower``'s.
    """
    lowered = [c.lower()[0] for c in chars]
    cp = np.fromiter(map(ord, chars), dtype=np.uint32, count=len(chars))

    def has(test, of: list[str]) -> np.ndarray:
        return np.fromiter(map(test, of), dtype=bool, count=len(chars))

    flags = (
        (has(str.isalnum, lowered) | has("_".__eq__, lowered)) * _WORD
        | has(str.isupper, chars) * _UPPER
        | has(str.islower, chars) * _LOWER
        | has(str.isdigit, chars) * _DIGIT
        | has(_STRIPPED.__contains__, chars) * _STRIP
        | has(_CLOSERS.__contains__, chars) * _CLOSER
        | _class_masks(cp)["upper"] * _CAPITAL
        | np.isin(cp, [ord(" "), ord("\n"), 0xA0]) * _GAP
    )
    return flags.astype(np.uint8), np.fromiter(map(ord, lowered), np.uint32, len(chars))


@dataclass(frozen=True)
class _Tables:
    """Per code point below `_TABLE_SIZE`: its properties and lower case."""

    props: np.ndarray  #: flags (`_properties`) | kind (index into `kinds`) << 8
    lower: np.ndarray  #: the lower case (`_properties`)
    kinds: np.ndarray  #: (kinds, classes): the classes of each kind of character
    classes: tuple[str, ...]  #: `_class_masks` and "whitespace" (`str.isspace`)


@functools.cache
def _tables() -> _Tables:
    chars = [chr(c) for c in range(_TABLE_SIZE)]
    flags, lower = _properties(chars)
    masks = _class_masks(np.arange(_TABLE_SIZE))
    masks["whitespace"] = np.fromiter(map(str.isspace, chars), dtype=bool, count=_TABLE_SIZE)
    kinds, kind = np.unique(np.column_stack(list(masks.values())), axis=0, return_inverse=True)
    props = flags.astype(np.uint16) | kind.ravel().astype(np.uint16) << 8
    return _Tables(props, lower, kinds.astype(np.int64), tuple(masks))


def _lookup(cp: np.ndarray, table: np.ndarray, beyond) -> np.ndarray:
    """``table`` at code points ``cp``, and ``beyond(characters)`` for the
    few code points beyond it (emoji, rare scripts)."""
    if not len(cp) or cp.max() < _TABLE_SIZE:
        return np.take(table, cp)
    out = np.take(table, np.minimum(cp, _TABLE_SIZE - 1))
    rare = cp >= _TABLE_SIZE
    distinct, where = np.unique(cp[rare], return_inverse=True)
    out[rare] = beyond([chr(c) for c in distinct.tolist()])[where.ravel()]
    return out


def _lower(cp: np.ndarray) -> np.ndarray:
    """The lower case of each code point."""
    return _lookup(cp, _tables().lower, lambda chars: _properties(chars)[1])


@dataclass
class _Lines:
    """Every line of a batch, blank ones too, as one array of code points."""

    cp: np.ndarray  #: code points of the lines, each followed by "\n"
    starts: np.ndarray  #: offset of each line's first code point
    ends: np.ndarray  #: offset of the "\n" closing each line
    flags: np.ndarray  #: `_properties` flags of each code point
    counts: np.ndarray  #: (lines, classes) characters of each of `_Tables.classes`
    blank: np.ndarray  #: lines of nothing but whitespace (`stripper.lines.is_blank`)

    @classmethod
    def of(cls, lines: list[str]) -> _Lines:
        text = "\n".join(lines) + "\n" if lines else ""
        cp = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        ends = np.flatnonzero(cp == 10)
        if len(ends) != len(lines):
            raise ValueError("a line must not contain a line feed")
        starts = np.zeros_like(ends)
        starts[1:] = ends[:-1] + 1
        tables = _tables()
        no_class = tables.props[-1] & 0xFF00  # code points beyond the table are in no class
        props = _lookup(cp, tables.props, lambda chars: _properties(chars)[0] | no_class)
        width = len(tables.kinds)
        key = np.repeat(np.arange(len(lines)) * width, ends - starts + 1)  # line, then kind
        key += props >> 8
        per_kind = np.bincount(key, minlength=len(lines) * width).reshape(len(lines), width)
        counts = per_kind @ tables.kinds
        whitespace = counts[:, tables.classes.index("whitespace")] - 1  # not the "\n"
        blank = whitespace == ends - starts
        return cls(cp, starts, ends, props.astype(np.uint8), counts, blank)

    def line_of(self, at: np.ndarray) -> np.ndarray:
        """The line of each code point offset ``at``."""
        return np.searchsorted(self.ends, at)

    @property
    def bounds(self) -> np.ndarray:
        """Each line's first offset, then the text's end."""
        return np.append(self.starts, len(self.cp))


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (exclusive) offsets of the runs of True in ``mask``;
    the text ends with "\n", which is in no run, so runs never cross lines."""
    edges = np.flatnonzero(np.diff(mask, prepend=False))
    return edges[0::2], edges[1::2]


def _first_and_last(lines: _Lines, at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Offset (-1 if none) of the first character of the lines ``at``
    stripped of `_STRIPPED`, and of their last one once `_CLOSERS` are also
    stripped from the end: ``line.strip(_STRIPPED).rstrip(_CLOSERS)[-1:]``.
    Only lines that start or end with such characters need a search."""
    starts, ends = lines.starts[at], lines.ends[at]
    strip = (lines.flags & _STRIP) > 0
    run_start, run_end = _runs(strip)
    first = starts.copy()
    lead = strip[starts]  # (an empty line's start is its "\n")
    first[lead] = run_end[np.searchsorted(run_start, starts[lead])]
    last = ends - 1
    trail = strip[last]  # (an empty line's last is a "\n" too)
    last[trail] = run_start[np.searchsorted(run_end, ends[trail])] - 1
    closer = (lines.flags & _CLOSER) > 0
    run_start, _ = _runs(closer)
    tail = closer[last]
    last[tail] = run_start[np.searchsorted(run_start, last[tail], side="right") - 1] - 1
    has_first = first < ends
    return np.where(has_first, first, -1), np.where(has_first & (last >= first), last, -1)


def _character_features(lines: _Lines, content: np.ndarray) -> dict[str, np.ndarray]:
    count = dict(zip(_tables().classes, lines.counts[content].T))
    chars = (lines.ends - lines.starts)[content].astype(np.float64)
    safe = np.maximum(chars, 1)
    capital = (lines.flags & _CAPITAL) > 0
    capital[1:] &= (lines.flags[:-1] & _GAP) > 0  # starting a word
    capitalised = np.bincount(lines.line_of(np.flatnonzero(capital)), minlength=len(lines.starts))
    first, last = _first_and_last(lines, content)
    first_flags = np.where(first >= 0, lines.flags[first], 0)
    first = np.where(first >= 0, lines.cp[first], -1)
    last = np.where(last >= 0, lines.cp[last], -1)
    letters = np.maximum(count["upper"] + count["lower"], 1)
    separators = count["separator"]
    return {
        "log_chars": np.log1p(chars),
        "ends_sentence": np.isin(last, _SENTENCE_END),
        "ends_colon": last == ord(":"),
        "starts_upper": (first_flags & _UPPER) > 0,
        "starts_lower": (first_flags & _LOWER) > 0,
        "starts_digit": (first_flags & _DIGIT) > 0,
        "starts_bullet": np.isin(first, _BULLETS),
        "upper_share": count["upper"] / letters,
        "digit_share": count["digit"] / safe,
        "punct_share": count["punct"] / safe,
        "space_share": count["space"] / safe,
        "sentences": count["sentence"],
        "capitalised_words": capitalised[content],
        "separators": np.log1p(separators),
        "has_copyright": count["copyright"] > 0,
        "straight_quotes": count["straight_quote"],
        "curly_quotes": count["curly_quote"],
        "has_at": count["at"] > 0,
        "pipe_or_bullets": separators > 0,
    }


# -- words ----------------------------------------------------------------------
def _ragged_range(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The ranges ``starts[i] : starts[i] + lengths[i]``, concatenated."""
    offsets = np.cumsum(lengths) - lengths
    return np.arange(int(lengths.sum())) - np.repeat(offsets - starts, lengths)


def _mix(h: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser: every output bit depends on every input bit,
    so sums of word hashes (a line's key in `_repetition_features`) do not
    inherit the polynomial's structure."""
    h = h ^ (h >> np.uint64(30))
    h *= np.uint64(0xBF58476D1CE4E5B9)
    h ^= h >> np.uint64(27)
    h *= np.uint64(0x94D049BB133111EB)
    return h ^ (h >> np.uint64(31))


def _hash_runs(values: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each run of code points ``values`` (the runs are
    consecutive, of ``lengths`` >= 1), mixed: the polynomial sum of c * B**i
    over its code points c at offsets i from the run's start, modulo 2**64.
    It identifies words; 32 bits (the CRC-32 of the feature columns) would
    confuse two of the tens of thousands of words in a batch now and then.

    The offsets are counted from the start of ``values`` instead, and each
    run's sum is multiplied by the inverse of B**start: B is odd, so its
    powers have inverses modulo 2**64, and no offsets need computing."""
    if not len(lengths):
        return np.zeros(0, dtype=np.uint64)
    starts = np.cumsum(lengths) - lengths
    terms = np.ones(len(values), dtype=np.uint64)
    np.cumprod(np.full(len(values) - 1, _HASH_BASE), out=terms[1:])
    shift = _inverse(terms[starts])
    terms *= values
    return _mix(np.add.reduceat(terms, starts) * shift)


def _inverse(odd: np.ndarray) -> np.ndarray:
    """The inverse of each odd number modulo 2**64, by Newton's iteration
    (each step doubles the correct low bits; an odd x is its own inverse
    modulo 8)."""
    inverse = odd.copy()
    for _ in range(5):  # 3 -> 96 bits
        inverse *= np.uint64(2) - odd * inverse
    return inverse


@functools.cache
def _crc_tables() -> tuple[np.ndarray, np.ndarray]:
    """CRC-32 is affine over GF(2): ``zlib.crc32(m)`` is ``empty[len(m)]``
    XOR, for each byte ``b`` followed by ``d`` more bytes, ``byte[d, b]``."""
    plain = lambda register, data: zlib.crc32(data, register ^ 0xFFFFFFFF) ^ 0xFFFFFFFF  # noqa: E731
    shift = np.array([plain(x, b"\0") for x in range(256)], dtype=np.uint32)
    byte = np.zeros((_CRC_REACH, 256), dtype=np.uint32)
    byte[0] = shift  # a byte b from a zero register: as the register b shifted by one byte
    for d in range(1, _CRC_REACH):
        byte[d] = shift[byte[d - 1] & 0xFF] ^ (byte[d - 1] >> 8)
    empty = np.array([zlib.crc32(bytes(n)) for n in range(_CRC_REACH)], dtype=np.uint32)
    return byte.ravel(), empty


def _crc32_runs(values: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``zlib.crc32`` of the UTF-8 bytes of each run of code points ``values``
    (as `_hash_runs`): the hashed feature columns of earlier stripper versions,
    which the models were trained on."""
    if not len(lengths):
        return np.zeros(0, dtype=np.uint64)
    text = values.astype(np.uint32).tobytes().decode("utf-32-le", "surrogatepass")
    data = np.frombuffer(text.encode("utf-8", "surrogatepass"), dtype=np.uint8)
    ends = np.cumsum(lengths)
    starts = ends - lengths
    if len(data) > len(values):  # from character to byte offsets
        char_starts = np.append(np.flatnonzero((data & 0xC0) != 0x80), len(data))
        starts, ends = char_starts[starts], char_starts[ends]
    size = ends - starts
    index = np.repeat(ends - 1, size)
    index -= np.arange(len(data))  # bytes after each byte in its run
    index &= _CRC_REACH - 1  # (wrong for long runs, which zlib redoes below)
    index <<= 8
    index |= data
    byte, empty = _crc_tables()
    crc = np.bitwise_xor.reduceat(np.take(byte, index), starts)
    crc ^= np.take(empty, size & (_CRC_REACH - 1))
    for i in np.flatnonzero(size >= _CRC_REACH).tolist():
        crc[i] = zlib.crc32(data[starts[i] : ends[i]].tobytes())
    return crc.astype(np.uint64)


@functools.lru_cache(maxsize=16)
def _word_hashes(words: frozenset[str]) -> np.ndarray:
    """Sorted hashes of ``words``, as `_tokenize` hashes a word of the same characters."""
    listed = [w for w in words if w]
    text = "".join(listed).encode("utf-32-le", "surrogatepass")
    lengths = np.array([len(w) for w in listed], dtype=np.int64)
    return np.sort(_hash_runs(_lower(np.frombuffer(text, dtype=np.uint32)), lengths))


def _member(hashes: np.ndarray, words: frozenset[str]) -> np.ndarray:
    """Whether each hash is that of one of ``words``."""
    known = _word_hashes(words)
    if not len(known):
        return np.zeros(len(hashes), dtype=bool)
    return known[np.minimum(np.searchsorted(known, hashes), len(known) - 1)] == hashes


@dataclass
class _Tokens:
    """The batch's words in text order, and each distinct (line, word) pair.

    The pairs are sorted by word, then line: one stable sort of the tokens'
    hashes groups everything that compares words (stopwords, copies, topic).
    """

    line: np.ndarray  #: row (non-blank line) of each token
    hash: np.ndarray  #: hash of each token's word
    crc: np.ndarray  #: CRC-32 of each token's word (`_crc32_runs`)
    length: np.ndarray  #: characters of each token
    per_line: np.ndarray  #: number of tokens of each line
    hashes: np.ndarray  #: hash of each distinct word, sorted
    pair_word: np.ndarray  #: word of each (line, word) pair, index into `hashes`
    pair_line: np.ndarray  #: line of each pair
    pair_count: np.ndarray  #: tokens of each pair
    word: np.ndarray  #: word of each token, index into `hashes`
    numeric: np.ndarray  #: whether each word of `hashes` is a number (ASCII digits)


def _tokenize(lines: _Lines, row_of_line: np.ndarray, n: int) -> _Tokens:
    starts, ends = _runs((lines.flags & _WORD) > 0)
    lengths = ends - starts
    values = _lower(lines.cp[(lines.flags & _WORD) > 0])
    hashes = _hash_runs(values, lengths)
    line = np.repeat(row_of_line, np.diff(np.searchsorted(starts, lines.bounds)))
    order = np.argsort(hashes, kind="stable")  # by word, then text position (so line)
    by_word, by_word_line = hashes[order], line[order]
    new_word = np.ones(len(order), dtype=bool)
    np.not_equal(by_word[1:], by_word[:-1], out=new_word[1:])
    new_pair = new_word.copy()
    new_pair[1:] |= by_word_line[1:] != by_word_line[:-1]
    pair_first = np.flatnonzero(new_pair)
    word_of = np.empty(len(order), dtype=np.int64)
    word_of[order] = np.cumsum(new_word) - 1
    first = order[new_word]  # first token of each distinct word
    at = np.cumsum(lengths) - lengths  # offset of each token in `values`
    spelling = values[_ragged_range(at[first], lengths[first])]
    digits = ((spelling >= 48) & (spelling <= 57)).astype(np.int64)
    offsets = np.cumsum(lengths[first]) - lengths[first]
    return _Tokens(
        line=line,
        hash=hashes,
        crc=_crc32_runs(spelling, lengths[first])[word_of],
        length=lengths,
        per_line=np.bincount(line, minlength=n),
        hashes=by_word[new_word],
        pair_word=(np.cumsum(new_word) - 1)[pair_first],
        pair_line=by_word_line[pair_first],
        pair_count=np.diff(np.append(pair_first, len(order))),
        word=word_of,
        numeric=np.add.reduceat(digits, offsets) == lengths[first] if len(first) else new_word[:0],
    )


def _marked_per_line(tokens: _Tokens, marked: np.ndarray, n: int) -> np.ndarray:
    """Tokens of each line whose word is ``marked`` (one flag per distinct word)."""
    weights = tokens.pair_count * marked[tokens.pair_word]
    return np.bincount(tokens.pair_line, weights=weights, minlength=n)


def _thread_openers(tokens: _Tokens, n: int) -> np.ndarray:
    """Lines that open a comment thread: a short heading of thread words
    ("Comments (3)", "Leave a Reply") or a count of them ("48 Responses to
    ...")."""
    words = tokens.hashes  # distinct words: membership is looked up once per word
    thread = _marked_per_line(tokens, _member(words, _THREAD_WORDS), n)
    heading = _marked_per_line(tokens, _member(words, _HEADING_WORDS) | tokens.numeric, n)
    opener = (tokens.per_line <= 6) & (thread > 0) & (heading == tokens.per_line)
    long = np.flatnonzero(tokens.per_line >= 3)
    at = (np.cumsum(tokens.per_line) - tokens.per_line)[long]  # first token of each line
    count = tokens.numeric | _member(words, _COUNT_WORDS)
    counted = (
        count[tokens.word[at]]
        & _member(words, _COUNTED)[tokens.word[at + 1]]
        & _member(words, _COUNT_LINKS)[tokens.word[at + 2]]
    )
    opener[long[counted]] = True
    return opener


def _distinct(keys: np.ndarray) -> np.ndarray:
    """``np.unique(keys)``, faster: NumPy's stable sort (radix or tim sort)
    beats its default one on these keys, and NumPy >= 2.3 would hash them."""
    ordered = np.sort(keys, kind="stable")
    first = np.ones(len(keys), dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return ordered[first]


def _short_line_hashes(lines: _Lines, content: np.ndarray, tokens: _Tokens) -> np.ndarray:
    """Rows of the lines of at most four words, and the CRC-32 of each one's
    whole lower-cased text (punctuation and spacing included)."""
    short = np.flatnonzero(tokens.per_line <= 4)
    at = content[short]
    lengths = lines.ends[at] - lines.starts[at]  # >= 1: the line is not blank
    text = lines.cp[_ragged_range(lines.starts[at], lengths)]
    return short, _crc32_runs(_lower(text), lengths)


def _lexical_matrix(tokens: _Tokens, short_lines, n: int) -> sp.csr_matrix:
    """Hashed unigrams, bigrams, first/last word and whole short lines."""
    h, line = tokens.crc, tokens.line
    same = line[1:] == line[:-1]
    bigram = (h[:-1] * np.uint64(1_000_003) + h[1:])[same]
    first = np.ones(len(line), dtype=bool)
    first[1:] = ~same
    last = np.ones(len(line), dtype=bool)
    last[:-1] = ~same
    short, whole = short_lines
    rows = np.concatenate([line, line[1:][same], line[first], line[last], short])
    keys = np.concatenate(
        [h, bigram, h[first] + np.uint64(7), h[last] + np.uint64(11), whole + np.uint64(13)]
    )
    columns = (keys & np.uint64(LEXICAL_DIMENSION - 1)).astype(np.int64)
    cells = _distinct(rows * LEXICAL_DIMENSION + columns)  # each (line, column) once: presence
    indptr = np.searchsorted(cells, np.arange(n + 1) * LEXICAL_DIMENSION)
    data = np.ones(len(cells), dtype=np.float32)
    return sp.csr_matrix((data, cells % LEXICAL_DIMENSION, indptr), shape=(n, LEXICAL_DIMENSION))


def _token_features(tokens: _Tokens, stopwords: frozenset[str], n: int) -> dict[str, np.ndarray]:
    words = tokens.per_line.astype(np.float64)
    safe = np.maximum(words, 1)
    per_line = lambda weights: np.bincount(tokens.line, weights=weights, minlength=n)  # noqa: E731
    stop = _marked_per_line(tokens, _member(tokens.hashes, stopwords), n)
    url = _marked_per_line(tokens, _member(tokens.hashes, _URL_WORDS), n)
    return {
        "has_url": url > 0,
        "log_words": np.log1p(words),
        "mean_word_length": per_line(tokens.length) / safe,
        "stopword_share": stop / safe,
        "words": words,
    }


def _layout_features(
    lines: _Lines, content, doc_of, starts, first_line, lines_per_doc
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


def _repetition_features(tokens: _Tokens, doc_of: np.ndarray, n: int) -> dict[str, np.ndarray]:
    """How often a line's words recur as a whole line in its document (so
    case, quotes, punctuation and spacing do not matter), whether this is
    the first copy, and how close its nearest near copy is (`_near_copies`)."""
    h = tokens.hash
    first_token = np.cumsum(tokens.per_line) - tokens.per_line
    position = (np.arange(len(h)) - first_token[tokens.line] + 1).astype(np.uint64)
    plain = _line_sums(h, tokens.per_line)
    ordered = _line_sums(h * position, tokens.per_line)
    key = plain * np.uint64(1_000_003) + ordered + doc_of.astype(np.uint64) * np.uint64(998_244_353)
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


def _line_sums(values: np.ndarray, per_line: np.ndarray) -> np.ndarray:
    """Sum of the uint64 ``values`` of each line's tokens, modulo 2**64."""
    total = np.zeros(len(values) + 1, dtype=np.uint64)
    np.cumsum(values, out=total[1:])
    bounds = np.cumsum(per_line)
    return total[bounds] - total[bounds - per_line]


def _near_copies(
    tokens: _Tokens, doc_of: np.ndarray, n: int, reach: int = 3
) -> tuple[np.ndarray, np.ndarray]:
    """Per line, the word-set similarity (Jaccard) of the most similar line
    within ``reach`` lines of its document, and that line (itself if none):
    a caption printed beside its paragraph with a word or two changed."""
    best, twin = np.zeros(n), np.arange(n)
    # pairs sorted by word then line: a word's next lines are its next pairs
    word, line = tokens.pair_word, tokens.pair_line
    shared = np.zeros(n * (reach + 1))  # [line, gap]: words shared with line + gap
    for step in range(1, reach + 1):
        gap = line[step:] - line[:-step]
        close = (word[step:] == word[:-step]) & (gap <= reach)
        shared += np.bincount(line[:-step][close] * (reach + 1) + gap[close], minlength=len(shared))
    shared = shared.reshape(n, reach + 1)
    size = np.bincount(line, minlength=n)
    for offset in range(1, min(reach, n - 1) + 1):
        union = size[:-offset] + size[offset:] - shared[:-offset, offset]
        similar = np.where(
            doc_of[:-offset] == doc_of[offset:],
            shared[:-offset, offset] / np.maximum(union, 1),
            0.0,
        )
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
    word, line, count = tokens.pair_word, tokens.pair_line, tokens.pair_count
    doc = doc_of[line]
    # pairs sorted by word then line: runs of one word in one document
    new_run = np.ones(len(word), dtype=bool)
    new_run[1:] = (word[1:] != word[:-1]) | (doc[1:] != doc[:-1])
    run = np.cumsum(new_run) - 1
    in_long = np.where(long_line[line] > 0, count, 0)
    elsewhere = np.bincount(run, weights=in_long)[run] - in_long
    hits = np.bincount(line, weights=np.where(elsewhere > 0, count, 0), minlength=n)
    return hits / np.maximum(tokens.per_line, 1)
