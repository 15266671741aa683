"""The words of a batch's lines: tokens, hashes, stopwords and the lexical matrix.

A token is a run of word characters (what Python's ``re`` matches with
``\\w``, and combining marks), lower-cased, and is identified by a 64-bit
hash of its code points; its hashed feature columns come from the CRC-32 of
its UTF-8 bytes. Scripts written without spaces are cut finer: every
ideograph or kana is a token of its own, and in Thai, Lao, Myanmar and Khmer
every letter with its marks. A line's length in *words* weighs such tokens
by `Config.ideographs_per_word` and `Config.unspaced_letters_per_word`, so a
Japanese paragraph is as long in words as its English translation, roughly.

Characters are lower-cased one by one, so this differs from
``re.findall(r"\\w+", text.lower())`` in two known ways besides the ones
above: ``İ`` becomes ``i`` (``str.lower`` adds a combining dot) and a final
capital sigma becomes ``σ`` (``str.lower`` writes ``ς``).

`lexical_matrix` gives the hashed word unigrams and bigrams, the first and
last word and, for short lines, the whole line: a sparse matrix for a
linear model that learns debris vocabulary ("0 comments", "Powered by
Blogger"). `thread_openers` finds the lines that open a comment thread
("12 Comments", "Leave a Reply").
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..config import Config
from .characters import WORD, Characters, lower_case

#: Number of hashed lexical feature columns.
LEXICAL_DIMENSION = 1 << 18

#: Stoplist languages, read from jusText at training time and kept in the model:
#: the web's larger languages that jusText has a list for (it has none for
#: Chinese, Japanese or Thai, whose prose the other features must recognise).
STOPLIST_LANGUAGES = (
    "English", "German", "French", "Spanish", "Italian", "Portuguese", "Dutch",
    "Polish", "Swedish", "Danish", "Czech", "Russian", "Turkish", "Arabic", "Bulgarian",
    "Catalan", "Croatian", "Finnish", "Greek", "Hebrew", "Hindi", "Hungarian", "Indonesian",
    "Korean", "Lithuanian", "Malay", "Norwegian_Bokmal", "Persian", "Romanian", "Serbian",
    "Slovak", "Slovenian", "Ukrainian", "Urdu", "Vietnamese", "Bengali", "Estonian", "Latvian",
)  # fmt: skip

_URL_WORDS = frozenset({"http", "https", "www", "com", "html", "php"})
#: Words that name a comment thread, in a few languages ("say": "Have your say") ...
_THREAD_WORDS = frozenset({
    "comment", "comments", "response", "responses", "reply", "replies", "reactions",
    "trackbacks", "pingbacks", "soundoff", "kommentar", "kommentare", "commentaire",
    "commentaires", "comentario", "comentarios", "commento", "commenti", "reactie",
    "reacties", "komentarze", "komentarzy", "komentarz", "комментарии", "комментариев",
    "коментарі", "коментарів", "comentário", "comentários", "yorum", "yorumlar",
    "komentar", "kommentarer", "σχόλια", "σχόλιο", "תגובות", "תגובה", "تعليقات", "تعليق",
    "نظرات", "टिप्पणी", "टिप्पणियां", "टिप्पणियाँ", "댓글", "say",
})  # fmt: skip
#: ... and the other words a thread's heading is made of ("Leave a Reply").
_HEADING_WORDS = _THREAD_WORDS | frozenset({
    "leave", "a", "post", "add", "your", "new", "have", "no", "one", "cancel", "yet",
    "show", "view", "all", "write", "reader", "readers", "user", "users",
})  # fmt: skip
#: "48 Responses to ...": a count, one of these, then "to" or "on".
_COUNTED = frozenset({"comments", "responses", "replies", "thoughts"})
_COUNT_WORDS, _COUNT_LINKS = frozenset({"no", "one"}), frozenset({"to", "on"})
#: Base of the polynomial word hash: odd, so its powers never vanish modulo 2**64.
_HASH_BASE = np.uint64(0x100000001B3)
#: Its inverse modulo 2**64 (B * B**-1 = 1).
_HASH_INVERSE = np.uint64(pow(int(_HASH_BASE), -1, 1 << 64))
#: Code points (of word characters) up to which `_hash_runs` reads B's
#: powers from tables: a long document's words (1 MB of tables).
_TABLED_POWERS = 1 << 16
#: Texts of this many UTF-8 bytes or more get their CRC-32 from zlib, not from tables.
_CRC_REACH = 256


def stoplist(languages: Sequence[str] = STOPLIST_LANGUAGES) -> frozenset[str]:
    """Union of jusText's stoplists for ``languages`` (lower-case words)."""
    import justext

    words: set[str] = set()
    for language in languages:
        words |= {w.lower() for w in justext.get_stoplist(language)}
    return frozenset(words)


def ragged_range(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The ranges ``starts[i] : starts[i] + lengths[i]``, concatenated."""
    offsets = lengths.cumsum() - lengths
    return np.arange(np.add.reduce(lengths)) - (offsets - starts).repeat(lengths)


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
    run's sum is multiplied by B**-start: B is odd, so its powers have
    inverses modulo 2**64, and no offsets need computing."""
    if not len(lengths):
        return np.zeros(0, dtype=np.uint64)
    starts = lengths.cumsum() - lengths
    powers, inverses = _powers(len(values))
    return _mix(np.add.reduceat(powers * values, starts) * inverses.take(starts))


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """B**i and B**-i modulo 2**64 for i < n: for a document's words, slices
    of tables made once, since computing them (and B**-start by Newton's
    iteration, before) took a score of numpy calls per document."""
    if n > _TABLED_POWERS:
        return _geometric(_HASH_BASE, n), _geometric(_HASH_INVERSE, n)
    powers, inverses = _power_tables()
    return powers[:n], inverses[:n]


@functools.cache
def _power_tables() -> tuple[np.ndarray, np.ndarray]:
    """`_powers` up to `_TABLED_POWERS`, made on first use."""
    return _geometric(_HASH_BASE, _TABLED_POWERS), _geometric(_HASH_INVERSE, _TABLED_POWERS)


def _geometric(ratio: np.uint64, n: int) -> np.ndarray:
    """1, ratio, ratio**2, ... (n terms) modulo 2**64."""
    terms = np.ones(n, dtype=np.uint64)
    np.cumprod(np.full(n - 1, ratio), out=terms[1:])
    return terms


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
    ends = lengths.cumsum()
    starts = ends - lengths
    if len(data) > len(values):  # from character to byte offsets
        char_starts = np.concatenate((((data & 0xC0) != 0x80).nonzero()[0], [len(data)]))
        starts, ends = char_starts[starts], char_starts[ends]
    size = ends - starts
    index = (ends - 1).repeat(size)
    index -= np.arange(len(data))  # bytes after each byte in its run
    index &= _CRC_REACH - 1  # (wrong for long runs, which zlib redoes below)
    index <<= 8
    index |= data
    byte, empty = _crc_tables()
    crc = np.bitwise_xor.reduceat(byte.take(index), starts)
    crc ^= empty.take(size & (_CRC_REACH - 1))
    for i in (size >= _CRC_REACH).nonzero()[0].tolist():
        crc[i] = zlib.crc32(data[starts[i] : ends[i]].tobytes())
    return crc.astype(np.uint64)


@functools.lru_cache(maxsize=16)
def _word_hashes(words: frozenset[str]) -> np.ndarray:
    """Sorted hashes of ``words``, as `tokenize` hashes a word of the same characters."""
    listed = [w for w in words if w]
    text = "".join(listed).encode("utf-32-le", "surrogatepass")
    lengths = np.array([len(w) for w in listed], dtype=np.int64)
    return np.sort(_hash_runs(lower_case(np.frombuffer(text, dtype=np.uint32)), lengths))


#: Bits of `word_classes`: the word lists a word is on.
STOPWORD, URL_WORD, THREAD_WORD, HEADING_WORD = 1, 2, 4, 8
COUNT_WORD, COUNTED_WORD, COUNT_LINK = 16, 32, 64


@functools.lru_cache(maxsize=16)
def _lexicon(stopwords: frozenset[str]) -> tuple[np.ndarray, np.ndarray]:
    """The sorted hashes of the words on any list of `word_classes`, and the
    bits of the lists each is on: one table, so that a document's words are
    looked up once, not once per list."""
    lists = (
        (stopwords, STOPWORD), (_URL_WORDS, URL_WORD), (_THREAD_WORDS, THREAD_WORD),
        (_HEADING_WORDS, HEADING_WORD), (_COUNT_WORDS, COUNT_WORD), (_COUNTED, COUNTED_WORD),
        (_COUNT_LINKS, COUNT_LINK),
    )  # fmt: skip
    tables = [_word_hashes(words) for words, _ in lists]
    hashes = np.concatenate(tables)
    bits = np.concatenate([np.full(len(t), bit, np.uint8) for t, (_, bit) in zip(tables, lists)])
    order = np.argsort(hashes, kind="stable")
    hashes, bits = hashes[order], bits[order]
    first = np.ones(len(hashes), dtype=bool)
    np.not_equal(hashes[1:], hashes[:-1], out=first[1:])
    return hashes[first], np.bitwise_or.reduceat(bits, first.nonzero()[0])


def word_classes(hashes: np.ndarray, stopwords: frozenset[str]) -> np.ndarray:
    """The lists each hashed word is on, as bits (`STOPWORD`, `URL_WORD`, ...;
    0 for none): ``stopwords`` and the words of URLs and comment threads."""
    known, bits = _lexicon(stopwords)
    at = np.minimum(known.searchsorted(hashes), len(known) - 1)
    return np.where(known[at] == hashes, bits[at], np.uint8(0))


@dataclass
class Tokens:
    """The batch's words in text order, and each distinct (line, word) pair.

    The pairs are sorted by word, then line: one stable sort of the tokens'
    hashes groups everything that compares words (stopwords, copies, topic).
    """

    line: np.ndarray  #: row (non-blank line) of each token
    hash: np.ndarray  #: hash of each token's word
    crc: np.ndarray  #: CRC-32 of each token's word (`_crc32_runs`)
    length: np.ndarray  #: characters of each token
    per_line: np.ndarray  #: number of tokens of each line
    words: np.ndarray  #: length of each line in words (tokens weighed by their script)
    hashes: np.ndarray  #: hash of each distinct word, sorted
    pair_word: np.ndarray  #: word of each (line, word) pair, index into `hashes`
    pair_line: np.ndarray  #: line of each pair
    pair_count: np.ndarray  #: tokens of each pair
    word: np.ndarray  #: word of each token, index into `hashes`
    numeric: np.ndarray  #: whether each word of `hashes` is a number (ASCII digits)


def token_bounds(chars: Characters) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (exclusive) offsets of every token: a run of word
    characters, cut before every ideograph and every letter (not a mark) of
    an unspaced alphabet, and where such a script gives way to another."""
    word = (chars.flags & WORD) > 0
    unspaced = chars.unspaced
    mark = chars.mark
    start = word.copy()
    start[1:] &= ~word[:-1] | ((unspaced[1:] > 0) & ~mark[1:]) | (unspaced[:-1] > unspaced[1:])
    end = word.copy()
    end[:-1] &= ~word[1:] | start[1:]
    return start.nonzero()[0], end.nonzero()[0] + 1


def _token_words(chars: Characters, starts: np.ndarray, config: Config) -> np.ndarray:
    """How much of a word each token is: 1, or less in a script without spaces."""
    per_word = np.array(
        [1.0, 1.0 / config.ideographs_per_word, 1.0 / config.unspaced_letters_per_word]
    )
    return per_word[chars.unspaced[starts]]


def word_counts(lines: Sequence[str], config: Config) -> np.ndarray:
    """The length in words of each non-blank line (tokens weighed by their script)."""
    chars = Characters.of(list(lines))
    starts, _ = token_bounds(chars)
    per_line = np.bincount(
        chars.line_of(starts), weights=_token_words(chars, starts, config), minlength=len(lines)
    )
    return per_line[~chars.blank]


def tokenize(lines: Characters, row_of_line: np.ndarray, n: int, config: Config) -> Tokens:
    """The tokens of the batch's lines (``row_of_line``: the row of each
    line, -1 for blank ones; ``n`` rows)."""
    starts, ends = token_bounds(lines)
    lengths = ends - starts
    values = lower_case(lines.cp[(lines.flags & WORD) > 0])
    hashes = _hash_runs(values, lengths)
    bounds = starts.searchsorted(lines.bounds)
    line = row_of_line.repeat(bounds[1:] - bounds[:-1])
    order = hashes.argsort(kind="stable")  # by word, then text position (so line)
    by_word, by_word_line = hashes[order], line[order]
    new_word = np.empty(len(order), dtype=bool)
    new_word[:1] = True
    np.not_equal(by_word[1:], by_word[:-1], out=new_word[1:])
    new_pair = new_word.copy()
    new_pair[1:] |= by_word_line[1:] != by_word_line[:-1]
    pair_first = new_pair.nonzero()[0]
    word_by_word = new_word.cumsum() - 1
    word_of = np.empty(len(order), dtype=np.int64)
    word_of[order] = word_by_word
    first = order[new_word]  # first token of each distinct word
    at = lengths.cumsum() - lengths  # offset of each token in `values`
    first_lengths = lengths[first]
    spelling = values[ragged_range(at[first], first_lengths)]
    digits = ((spelling >= 48) & (spelling <= 57)).astype(np.int64)
    offsets = first_lengths.cumsum() - first_lengths
    weight = _token_words(lines, starts, config)
    return Tokens(
        line=line,
        hash=hashes,
        crc=_crc32_runs(spelling, first_lengths)[word_of],
        length=lengths,
        per_line=np.bincount(line, minlength=n),
        words=np.bincount(line, weights=weight, minlength=n),
        hashes=by_word[new_word],
        pair_word=word_by_word[pair_first],
        pair_line=by_word_line[pair_first],
        pair_count=np.concatenate((pair_first[1:], [len(order)])) - pair_first,
        word=word_of,
        numeric=np.add.reduceat(digits, offsets) == first_lengths if len(first) else new_word[:0],
    )


def _marked_per_line(tokens: Tokens, marked: np.ndarray, n: int) -> np.ndarray:
    """Tokens of each line whose word is ``marked`` (one flag per distinct word)."""
    weights = tokens.pair_count * marked[tokens.pair_word]
    return np.bincount(tokens.pair_line, weights=weights, minlength=n)


def thread_openers(tokens: Tokens, classes: np.ndarray, n: int, heading_words: int) -> np.ndarray:
    """Lines that open a comment thread: a short heading of thread words
    ("Comments (3)", "Leave a Reply") or a count of them ("48 Responses to
    ..."); ``classes``: `word_classes` of the distinct words."""
    thread = _marked_per_line(tokens, (classes & THREAD_WORD) > 0, n)
    heading = _marked_per_line(tokens, ((classes & HEADING_WORD) > 0) | tokens.numeric, n)
    opener = (tokens.per_line <= heading_words) & (thread > 0) & (heading == tokens.per_line)
    long = (tokens.per_line >= 3).nonzero()[0]
    at = (tokens.per_line.cumsum() - tokens.per_line)[long]  # first token of each line
    count = tokens.numeric | ((classes & COUNT_WORD) > 0)
    counted = (
        count[tokens.word[at]]
        & ((classes[tokens.word[at + 1]] & COUNTED_WORD) > 0)
        & ((classes[tokens.word[at + 2]] & COUNT_LINK) > 0)
    )
    opener[long[counted]] = True
    return opener


def _distinct(keys: np.ndarray) -> np.ndarray:
    """``np.unique(keys)``, faster: NumPy's stable sort (radix or tim sort)
    beats its default one on these keys, and NumPy >= 2.3 would hash them."""
    ordered = keys.copy()
    ordered.sort(kind="stable")
    first = np.empty(len(keys), dtype=bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return ordered[first]


def short_line_hashes(
    lines: Characters, content: np.ndarray, tokens: Tokens, words: int
) -> tuple[np.ndarray, np.ndarray]:
    """Rows of the lines of at most ``words`` words, and the CRC-32 of each one's
    whole lower-cased text (punctuation and spacing included)."""
    short = (tokens.words <= words).nonzero()[0]
    at = content[short]
    lengths = lines.ends[at] - lines.starts[at]  # >= 1: the line is not blank
    text = lines.cp[ragged_range(lines.starts[at], lengths)]
    return short, _crc32_runs(lower_case(text), lengths)


@dataclass(frozen=True)
class HashedRows:
    """A binary sparse matrix in CSR form: the hashed columns each row (line) has."""

    indptr: np.ndarray  #: row i's columns are indices[indptr[i]:indptr[i + 1]]
    indices: np.ndarray  #: column numbers, sorted within each row
    width: int = LEXICAL_DIMENSION  #: number of columns

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.indptr) - 1, self.width

    def row_of_entries(self) -> np.ndarray:
        """The row of each entry of `indices`."""
        return np.arange(self.shape[0]).repeat(self.indptr[1:] - self.indptr[:-1])

    def csr(self):
        """As a ``scipy.sparse.csr_matrix`` (for training)."""
        import scipy.sparse as sp

        data = np.ones(len(self.indices), dtype=np.float32)
        return sp.csr_matrix((data, self.indices, self.indptr), shape=self.shape)


def lexical_matrix(tokens: Tokens, short_lines, n: int) -> HashedRows:
    """Hashed unigrams, bigrams, first/last word and whole short lines."""
    h, line = tokens.crc, tokens.line
    same = line[1:] == line[:-1]
    bigram = (h[:-1] * np.uint64(1_000_003) + h[1:])[same]
    first = np.empty(len(line), dtype=bool)
    first[:1] = True
    np.logical_not(same, out=first[1:])
    last = np.empty(len(line), dtype=bool)
    last[-1:] = True
    np.logical_not(same, out=last[:-1])
    short, whole = short_lines
    rows = np.concatenate([line, line[1:][same], line[first], line[last], short])
    keys = np.concatenate(
        [h, bigram, h[first] + np.uint64(7), h[last] + np.uint64(11), whole + np.uint64(13)]
    )
    columns = (keys & np.uint64(LEXICAL_DIMENSION - 1)).astype(np.int64)
    cells = _distinct(rows * LEXICAL_DIMENSION + columns)  # each (line, column) once: presence
    indptr = cells.searchsorted(np.arange(n + 1) * LEXICAL_DIMENSION)
    return HashedRows(indptr, cells % LEXICAL_DIMENSION)


def token_features(tokens: Tokens, classes: np.ndarray, n: int) -> dict[str, np.ndarray]:
    """Length in words, mean word length, stopword share and URL words of each
    line; ``classes``: `word_classes` of the distinct words."""
    words = tokens.words
    per_line = lambda weights: np.bincount(tokens.line, weights=weights, minlength=n)  # noqa: E731
    stop = _marked_per_line(tokens, (classes & STOPWORD) > 0, n)
    url = _marked_per_line(tokens, (classes & URL_WORD) > 0, n)
    return {
        "has_url": url > 0,
        "log_words": np.log1p(words),
        "mean_word_length": per_line(tokens.length) / np.maximum(words, 1),
        "stopword_share": stop / np.maximum(tokens.per_line, 1),
        "words": words,
    }
