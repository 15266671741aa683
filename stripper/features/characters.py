"""The characters of a batch's lines, as one array of code points, and the
features read from them.

Every line of a batch of documents, blank ones too, is laid end to end in
one array of code points (`Characters`), each with flags looked up in a
table of the first 65,536 code points (word character, upper, lower, digit,
...) and a kind: the set of classes (punctuation, space, quote, letter,
ideograph, ...) it belongs to. The per-line counts of `character_features`
are then a few C-speed passes over that array, with no Python work per line
or per character.

Scripts differ: some have no case, some no spaces between words (Chinese,
Japanese, Thai), some their own sentence and clause marks (``。``, ``؟``,
``।``, ``、``, ``،``). The classes cover them, so a paragraph reads as
prose in any script.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

import numpy as np

#: Characters that end a sentence, in the scripts stripper reads.
SENTENCE_MARKS = ".!?…。！？｡؟۔।॥።။"
#: Characters that separate clauses inside a sentence.
CLAUSE_MARKS = ",、，､،՝፣;；؛"
_SENTENCE_END = np.array(sorted(ord(c) for c in SENTENCE_MARKS))
_BULLETS = np.array(sorted(ord(c) for c in "-•*·–—>»"))
#: Stripped from both ends of a line before its first and last characters are read.
STRIPPED = " \t\u00a0\u200b"
#: Also stripped from the end before the last character is read.
CLOSERS = "\"'”’»)]*\u00a0 \t"

#: Bits of a character's flags (`_properties`): a word character, `str.isupper`,
#: `str.islower`, `str.isdigit`, in `STRIPPED`, in `CLOSERS`, a capital counted by
#: "upper_share", and a space, line feed or no-break space (what a capitalised
#: word follows).
WORD, _UPPER, _LOWER, _DIGIT, _STRIP, _CLOSER, _CAPITAL, _GAP = 1, 2, 4, 8, 16, 32, 64, 128
#: Code points looked up in tables; the rare ones above are computed one by one.
_TABLE_SIZE = 0x10000
#: Scripts written without spaces between words, by the class that counts
#: them: ideographs and kana (each character about half a word), and the
#: Brahmic scripts of South-East Asia (Thai, Lao, Myanmar, Khmer).
_IDEOGRAPHS = (
    (0x3040, 0x30FF), (0x31F0, 0x31FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF), (0xFF66, 0xFF9F), (0x20000, 0x3134F),
)  # fmt: skip
_UNSPACED_ALPHABETS = ((0x0E00, 0x0EFF), (0x1000, 0x109F), (0x1780, 0x17FF), (0x19E0, 0x19FF))


def _in(cp: np.ndarray, ranges) -> np.ndarray:
    return np.logical_or.reduce([(cp >= a) & (cp <= b) for a, b in ranges])


def _class_masks(chars: list[str], cp: np.ndarray) -> dict[str, np.ndarray]:
    """The character classes counted per line, as masks over characters."""
    ascii_punct = (
        ((cp >= 33) & (cp <= 47))
        | ((cp >= 58) & (cp <= 64))
        | ((cp >= 91) & (cp <= 96))
        | ((cp >= 123) & (cp <= 126))
    )
    wide_punct = _in(cp, ((0x3001, 0x303F), (0xFF01, 0xFF0F), (0xFF1A, 0xFF20), (0xFF3B, 0xFF40)))
    script_punct = np.isin(cp, [ord(c) for c in "،؛؟٪٫٬٭۔।॥｡､"])

    def has(test) -> np.ndarray:
        return np.fromiter(map(test, chars), dtype=bool, count=len(chars))

    mark = has(_is_mark)
    return {
        "upper": ((cp >= 65) & (cp <= 90)) | ((cp >= 0xC0) & (cp <= 0xDE) & (cp != 0xD7)),
        "lower": ((cp >= 97) & (cp <= 122)) | ((cp >= 0xDF) & (cp <= 0xFF) & (cp != 0xF7)),
        "digit": (cp >= 48) & (cp <= 57),
        "punct": ascii_punct
        | ((cp >= 0x2010) & (cp <= 0x205E))
        | ((cp >= 0xA1) & (cp <= 0xBF))
        | wide_punct
        | script_punct
        | ((cp >= 0xFF5B) & (cp <= 0xFF65)),
        "space": (cp == 32)
        | (cp == 9)
        | (cp == 0xA0)
        | ((cp >= 0x2000) & (cp <= 0x200B))
        | (cp == 0x3000),
        "sentence": np.isin(cp, [ord(c) for c in SENTENCE_MARKS if c != "…"]),
        "clause": np.isin(cp, [ord(c) for c in CLAUSE_MARKS]),
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
        "letter": has(str.isalpha) | mark,
        "mark": mark,
        "ideograph": _in(cp, _IDEOGRAPHS),
        "unspaced_alphabet": _in(cp, _UNSPACED_ALPHABETS),
        "whitespace": has(str.isspace),
    }


def _is_mark(char: str) -> bool:
    """A combining mark (a vowel sign, an accent written apart): part of its word."""
    return unicodedata.category(char)[0] == "M"


def _properties(chars: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Flags (`WORD`, `_UPPER`...) and lower-case code point of each character.

    A word character is one that ``re`` matches with ``\\w`` once lower-cased,
    or a combining mark (Devanagari and Thai vowel signs, Arabic harakat),
    which ``\\w`` leaves out though it belongs to its word; the lower case of
    a character is the first of ``str.lower``'s.
    """
    lowered = [c.lower()[0] for c in chars]
    cp = np.fromiter(map(ord, chars), dtype=np.uint32, count=len(chars))

    def has(test, of: list[str]) -> np.ndarray:
        return np.fromiter(map(test, of), dtype=bool, count=len(chars))

    flags = (
        (has(str.isalnum, lowered) | has("_".__eq__, lowered) | has(_is_mark, chars)) * WORD
        | has(str.isupper, chars) * _UPPER
        | has(str.islower, chars) * _LOWER
        | has(str.isdigit, chars) * _DIGIT
        | has(STRIPPED.__contains__, chars) * _STRIP
        | has(CLOSERS.__contains__, chars) * _CLOSER
        | (((cp >= 65) & (cp <= 90)) | ((cp >= 0xC0) & (cp <= 0xDE) & (cp != 0xD7))) * _CAPITAL
        | np.isin(cp, [ord(" "), ord("\n"), 0xA0]) * _GAP
    )
    return flags.astype(np.uint8), np.fromiter(map(ord, lowered), np.uint32, len(chars))


@dataclass(frozen=True)
class _Tables:
    """Per code point below `_TABLE_SIZE`: its properties and lower case."""

    props: np.ndarray  #: flags (`_properties`) | kind (index into `kinds`) << 8
    lower: np.ndarray  #: the lower case (`_properties`)
    kinds: np.ndarray  #: (kinds, classes): the classes of each kind of character
    classes: tuple[str, ...]  #: the classes of `_class_masks`
    unspaced: np.ndarray  #: per kind, `Characters.unspaced`
    mark: np.ndarray  #: per kind, a combining mark

    def props_of(self, chars: list[str]) -> np.ndarray:
        """The props of characters beyond the table (their kinds are among the
        table's but for rare combinations, which count in no class)."""
        cp = np.fromiter(map(ord, chars), dtype=np.uint32, count=len(chars))
        masks = np.column_stack(list(_class_masks(chars, cp).values()))
        index = {tuple(row): k for k, row in enumerate(self.kinds.astype(bool).tolist())}
        empty = index[(False,) * len(self.classes)]
        kind = np.array([index.get(tuple(row), empty) for row in masks.tolist()], np.uint16)
        return _properties(chars)[0].astype(np.uint16) | kind << 8


@functools.cache
def _tables() -> _Tables:
    chars = [chr(c) for c in range(_TABLE_SIZE)]
    flags, lower = _properties(chars)
    masks = _class_masks(chars, np.arange(_TABLE_SIZE))
    # The distinct rows of class masks, in the order np.unique(axis=0) gives
    # them, from one integer per row (first class the highest bit): far faster.
    bits = np.uint64(1) << np.arange(len(masks) - 1, -1, -1, dtype=np.uint64)
    packed = np.column_stack(list(masks.values())).astype(np.uint64) @ bits
    keys, kind = np.unique(packed, return_inverse=True)
    kinds = (keys[:, None] & bits) > 0
    props = flags.astype(np.uint16) | kind.ravel().astype(np.uint16) << 8
    classes = tuple(masks)
    kinds = kinds.astype(np.float64)  # for `_class_counts`
    scripts = kinds[:, classes.index("ideograph")]
    scripts = scripts + 2 * kinds[:, classes.index("unspaced_alphabet")]
    mark = kinds[:, classes.index("mark")].astype(bool)
    return _Tables(props, lower, kinds, classes, scripts.astype(np.uint8), mark)


def _lookup(cp: np.ndarray, table: np.ndarray, beyond) -> np.ndarray:
    """``table`` at code points ``cp``, and ``beyond(characters)`` for the
    few code points beyond it (emoji, rare scripts)."""
    if not len(cp) or np.maximum.reduce(cp) < _TABLE_SIZE:
        return table.take(cp)
    out = table.take(np.minimum(cp, _TABLE_SIZE - 1))
    rare = cp >= _TABLE_SIZE
    distinct, where = np.unique(cp[rare], return_inverse=True)
    out[rare] = beyond([chr(c) for c in distinct.tolist()])[where.ravel()]
    return out


def lower_case(cp: np.ndarray) -> np.ndarray:
    """The lower case of each code point."""
    return _lookup(cp, _tables().lower, lambda chars: _properties(chars)[1])


#: Rows of `_class_counts`'s products: small enough that BLAS multiplies each
#: on the calling thread (its threads cost more CPU than they save here).
_PRODUCT_ROWS = 256


def _class_counts(per_kind: np.ndarray, kinds: np.ndarray) -> np.ndarray:
    """``per_kind @ kinds``: per line, the characters of each class. In floats
    (numpy multiplies integer matrices without BLAS, several times slower;
    the counts stay exact) and in blocks of `_PRODUCT_ROWS` lines."""
    counts = np.empty((len(per_kind), kinds.shape[1]), dtype=np.int64)
    for start in range(0, len(per_kind), _PRODUCT_ROWS):
        block = per_kind[start : start + _PRODUCT_ROWS].astype(np.float64)
        counts[start : start + _PRODUCT_ROWS] = block @ kinds
    return counts


@dataclass
class Characters:
    """Every line of a batch, blank ones too, as one array of code points."""

    cp: np.ndarray  #: code points of the lines, each followed by "\n"
    starts: np.ndarray  #: offset of each line's first code point
    ends: np.ndarray  #: offset of the "\n" closing each line
    flags: np.ndarray  #: `_properties` flags of each code point
    unspaced: np.ndarray  #: 1 for ideographs and kana, 2 for unspaced alphabets, else 0
    mark: np.ndarray  #: combining marks (which belong to the letter before them)
    counts: np.ndarray  #: (lines, classes) characters of each of `_Tables.classes`
    blank: np.ndarray  #: lines of nothing but whitespace (`stripper.text.lines.is_blank`)

    @classmethod
    def of(cls, lines: list[str]) -> Characters:
        text = "\n".join(lines) + "\n" if lines else ""
        cp = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        ends = (cp == 10).nonzero()[0]
        if len(ends) != len(lines):
            raise ValueError("a line must not contain a line feed")
        starts = np.zeros(len(ends), dtype=ends.dtype)
        starts[1:] = ends[:-1] + 1
        tables = _tables()
        props = _lookup(cp, tables.props, tables.props_of)
        kind = props >> 8
        width = len(tables.kinds)
        key = (np.arange(len(lines)) * width).repeat(ends - starts + 1)  # line, then kind
        key += kind
        per_kind = np.bincount(key, minlength=len(lines) * width).reshape(len(lines), width)
        counts = _class_counts(per_kind, tables.kinds)
        whitespace = counts[:, tables.classes.index("whitespace")] - 1  # not the "\n"
        blank = whitespace == ends - starts
        unspaced, mark = tables.unspaced.take(kind), tables.mark.take(kind)
        return cls(cp, starts, ends, props.astype(np.uint8), unspaced, mark, counts, blank)

    def line_of(self, at: np.ndarray) -> np.ndarray:
        """The line of each code point offset ``at``."""
        return self.ends.searchsorted(at)

    @property
    def bounds(self) -> np.ndarray:
        """Each line's first offset, then the text's end."""
        return np.concatenate((self.starts, [len(self.cp)]))


def runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (exclusive) offsets of the runs of True in ``mask``;
    the text ends with "\n", which is in no run, so runs never cross lines."""
    edge = mask.copy()  # where mask differs from the value before it (False first)
    np.not_equal(mask[1:], mask[:-1], out=edge[1:])
    edges = edge.nonzero()[0]
    return edges[0::2], edges[1::2]


def _among(values: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """``np.isin(values, codes)`` for sorted ``codes``: one binary search,
    where `np.isin` compares with each code in turn."""
    found = codes.take(codes.searchsorted(values), mode="clip")
    return found == values


def first_and_last(lines: Characters, at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Offset (-1 if none) of the first character of the lines ``at``
    stripped of `STRIPPED`, and of their last one once `CLOSERS` are also
    stripped from the end: ``line.strip(STRIPPED).rstrip(CLOSERS)[-1:]``.
    Only lines that start or end with such characters need a search."""
    starts, ends = lines.starts[at], lines.ends[at]
    strip = (lines.flags & _STRIP) > 0
    run_start, run_end = runs(strip)
    first = starts.copy()
    lead = strip[starts]  # (an empty line's start is its "\n")
    first[lead] = run_end[run_start.searchsorted(starts[lead])]
    last = ends - 1
    trail = strip[last]  # (an empty line's last is a "\n" too)
    last[trail] = run_start[run_end.searchsorted(ends[trail])] - 1
    closer = (lines.flags & _CLOSER) > 0
    run_start, _ = runs(closer)
    tail = closer[last]
    last[tail] = run_start[run_start.searchsorted(last[tail], side="right") - 1] - 1
    has_first = first < ends
    return np.where(has_first, first, -1), np.where(has_first & (last >= first), last, -1)


def character_features(lines: Characters, content: np.ndarray) -> dict[str, np.ndarray]:
    """Length, shares of character classes and first and last characters of
    the lines ``content``."""
    count = dict(zip(_tables().classes, lines.counts[content].T))
    chars = (lines.ends - lines.starts)[content].astype(np.float64)
    safe = np.maximum(chars, 1)
    capital = (lines.flags & _CAPITAL) > 0
    capital[1:] &= (lines.flags[:-1] & _GAP) > 0  # starting a word
    capitalised = np.bincount(lines.line_of(capital.nonzero()[0]), minlength=len(lines.starts))
    first, last = first_and_last(lines, content)
    first_flags = np.where(first >= 0, lines.flags[first], 0)
    first = np.where(first >= 0, lines.cp[first], -1)
    last = np.where(last >= 0, lines.cp[last], -1)
    letters = np.maximum(count["upper"] + count["lower"], 1)
    separators = count["separator"]
    unspaced = count["ideograph"] + count["unspaced_alphabet"]
    return {
        "log_chars": np.log1p(chars),
        "ends_sentence": _among(last, _SENTENCE_END),
        "ends_colon": last == ord(":"),
        "starts_upper": (first_flags & _UPPER) > 0,
        "starts_lower": (first_flags & _LOWER) > 0,
        "starts_digit": (first_flags & _DIGIT) > 0,
        "starts_bullet": _among(first, _BULLETS),
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
        "letter_share": count["letter"] / safe,
        "unspaced_share": unspaced / safe,
        "clauses": count["clause"],
    }
