"""How good a cleaning is: line scores and the 4-gram shingle measure.

The shingle measure is the one public extraction leaderboards use: split
gold and output into ``\\w+`` tokens, count 4-token shingles, and per page
compare the multisets; precision and recall are averaged over pages and F1
is taken of the two averages.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+")
SHINGLE = 4


def shingles(text: str, size: int = SHINGLE) -> Counter[tuple[str, ...]]:
    """Multiset of ``size``-token shingles (one shorter shingle for short texts).

    >>> sorted(shingles("a b c d e", 4))
    [('a', 'b', 'c', 'd'), ('b', 'c', 'd', 'e')]
    """
    tokens = _TOKEN.findall(text)
    if 0 < len(tokens) < size:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


@dataclass(frozen=True)
class PageScore:
    """Shingle precision and recall of one page."""

    precision: float
    recall: float


def page_score(output: str, gold: str) -> PageScore:
    """Score one page; an empty side counts as perfect only against an empty side."""
    out, ref = shingles(output), shingles(gold)
    tp = sum((out & ref).values())
    n_out, n_ref = sum(out.values()), sum(ref.values())
    precision = tp / n_out if n_out else (1.0 if not n_ref else 0.0)
    recall = tp / n_ref if n_ref else 1.0
    return PageScore(precision, recall)


@dataclass(frozen=True)
class Scores:
    """Precision, recall and F1 (of the averaged precision and recall)."""

    precision: float
    recall: float
    f1: float
    count: int

    def __str__(self) -> str:
        return f"P={self.precision:.3f} R={self.recall:.3f} F1={self.f1:.3f} (n={self.count})"


def f1_of(precision: float, recall: float) -> float:
    """Harmonic mean, 0 when both are 0."""
    total = precision + recall
    return 2 * precision * recall / total if total else 0.0


def average(pages: Iterable[PageScore]) -> Scores:
    """Average page scores into corpus `Scores`."""
    pages = list(pages)
    if not pages:
        return Scores(0.0, 0.0, 0.0, 0)
    precision = sum(p.precision for p in pages) / len(pages)
    recall = sum(p.recall for p in pages) / len(pages)
    return Scores(precision, recall, f1_of(precision, recall), len(pages))


def shingle_scores(outputs: Iterable[str], golds: Iterable[str]) -> Scores:
    """Corpus shingle scores of paired outputs and gold texts.

    >>> shingle_scores(["one two three four five"], ["one two three four"]).recall
    1.0
    """
    return average(page_score(o, g) for o, g in zip(outputs, golds, strict=True))


def line_scores(predicted: Iterable[bool], actual: Iterable[bool]) -> Scores:
    """Precision, recall and F1 of the positive class (debris) over lines."""
    tp = fp = fn = count = 0
    for p, a in zip(predicted, actual, strict=True):
        count += 1
        tp += p and a
        fp += p and not a
        fn += a and not p
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return Scores(precision, recall, f1_of(precision, recall), count)
