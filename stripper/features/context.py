"""Context features: what the lines around a line and the document's shape say.

The line stage reads each line's own features with those of its neighbours
(`line_features`); the sequence stage reads the line stage's scores of the
lines around, their running means, where the line lies against the
document's densest body block (`main_block`) and how much likely body text
lies above the last comment-thread opener over it (`after_opener`). The
HTML model's second stage reads its first stage's scores of the blocks
around (`block_context`).
"""

from __future__ import annotations

import numpy as np

from ..config import Config, HtmlConfig
from .line import SHAPE_NAMES, LineFeatures
from .windows import neighbours, windowed_mean

#: Value of a neighbour's feature beyond the document's edge: below every
#: real value (so trees split it off like a missing value), and not NaN,
#: because scikit-learn's binning fails on an all-NaN column (tiny data).
MISSING = -20.0
#: The same for the HTML model's neighbouring blocks (a probability: below 0).
MISSING_BLOCK = -1.0
#: Probabilities are clipped this far from 0 and 1 before their logit is taken.
LOGIT_CLIP = 1e-4

#: Shape features that are also read from neighbouring lines.
NEIGHBOUR_FEATURES = [
    SHAPE_NAMES.index(name)
    for name in (
        "log_words", "ends_sentence", "stopword_share", "punct_share", "starts_lower",
        "duplicates", "quote_style_gap",
    )
]  # fmt: skip
#: Shape features of the line itself that the sequence stage reads too.
SEQUENCE_OWN_FEATURES = [
    SHAPE_NAMES.index(name)
    for name in (
        "log_words", "duplicates", "first_copy", "quote_style_gap", "near_copy",
        "copy_quote_gap", "relative_position", "site_share",
    )
]  # fmt: skip


def logit(p: np.ndarray) -> np.ndarray:
    """The log-odds of probabilities ``p``, clipped at `LOGIT_CLIP`."""
    p = np.minimum(np.maximum(p, LOGIT_CLIP), 1 - LOGIT_CLIP)  # np.clip, without its wrappers
    return np.log(p / (1 - p))


def line_features(features: LineFeatures, lexical: np.ndarray, config: Config) -> np.ndarray:
    """The line stage's input: shape features and lexical score of each line,
    and the main ones of its neighbours."""
    score = logit(lexical).astype(np.float32)[:, None]
    neighbour = np.concatenate([features.shape[:, NEIGHBOUR_FEATURES], score], axis=1)
    around = neighbours(neighbour, features.doc_of, features.starts, config.window, MISSING)
    return np.concatenate([features.shape, score, around], axis=1)


def sequence_features(features: LineFeatures, line: np.ndarray, config: Config) -> np.ndarray:
    """The sequence stage's input: neighbours' line-stage scores, running
    means, main-block position and comment-thread openers above."""
    doc_of, starts = features.doc_of, features.starts
    score = logit(line).astype(np.float32)
    means = windowed_mean(line, doc_of, starts, config.running_means)
    return np.concatenate(
        [
            score[:, None],
            neighbours(score, doc_of, starts, config.context_window, MISSING),
            means.astype(np.float32),
            main_block(features, line, config),
            after_opener(features, line, config.thread_article_words),
            features.shape[:, SEQUENCE_OWN_FEATURES],
        ],
        axis=1,
    )


def block_context(first: np.ndarray, starts: np.ndarray, config: HtmlConfig) -> np.ndarray:
    """The HTML model's second-stage context: the first-stage probabilities of
    the neighbouring blocks (`MISSING_BLOCK` past the page's edges) and their
    running means."""
    n = len(first)
    width = 2 * config.context_window + len(config.running_means)
    if not n:
        return np.zeros((0, width), np.float32)
    page = np.arange(len(starts) - 1).repeat(starts[1:] - starts[:-1])
    around = neighbours(first, page, starts, config.context_window, MISSING_BLOCK)
    means = windowed_mean(first, page, starts, config.running_means)
    return np.concatenate([around, means.astype(np.float32)], axis=1)


def main_block(features: LineFeatures, line: np.ndarray, config: Config) -> np.ndarray:
    """Where each line lies relative to its document's densest body block:
    the contiguous run of lines maximising the sum of (`Config.main_block_debris`
    minus the debris probability) weighted by words. Columns: inside, lines to
    the block (log, signed), the block's share of the document's lines; with
    `Config.structure_features`, also the confident debris lines between the line and the
    block (log, signed: a comment section under the article is full of
    names, dates and "Reply" lines) and the line's place relative to a
    stricter block."""
    words = np.expm1(features.shape[:, 1]).astype(np.float64)  # log_words is column 1
    weight = np.sqrt(words + 1)
    n, docs = len(line), len(features.starts) - 1
    # Both blocks at once, over the lines twice over (the second copy's
    # documents after the first's): on one document's lines, a numpy call
    # costs more than its work, and this makes each call once, not twice.
    debris = [config.main_block_debris]
    if config.structure_features:
        debris.append(config.strict_block_debris)
    copies = range(len(debris))
    doc_of = np.concatenate([features.doc_of + c * docs for c in copies])
    starts = np.concatenate([features.starts[:-1] + c * n for c in copies] + [[len(debris) * n]])
    gain = np.concatenate([(d - line) * weight for d in debris])
    start, end = best_segments(gain, doc_of, starts)
    distance = _distance(np.arange(len(doc_of)), start, end)
    inside, steps = distance == 0, signed_log(distance)
    share = (end - start + 1) / (starts[1:] - starts[:-1])[doc_of]
    columns = [inside[:n], steps[:n], share[:n]]
    if config.structure_features:
        start, end, distance = start[:n], end[:n], distance[:n]  # of the main block
        confident = np.zeros(len(line) + 1)  # confident debris lines before each line
        (line > config.confident_debris).cumsum(out=confident[1:])
        after = confident[:-1] - confident[end + 1]  # in (end, line)
        before = confident[start] - confident[1:]  # in (line, start)
        between = np.where(distance > 0, np.maximum(after, 0), np.where(distance < 0, -before, 0))
        columns += [signed_log(between), inside[n:], steps[n:], share[n:]]
    return np.array(columns, dtype=np.float32).T


def after_opener(features: LineFeatures, line: np.ndarray, article_words: float) -> np.ndarray:
    """Per line, how much likely body text (words weighted by the line stage's
    body probability) its document has above the last comment-thread opener
    at or above it, log count and share of the document's; zero without one.
    Openers with fewer than ``article_words`` above do not count: a thread
    opens under an article, a "0 comments" or a share bar's "Comments" link
    sits over one."""
    words = np.expm1(features.shape[:, SHAPE_NAMES.index("log_words")]) * (1.0 - line)
    total = words.cumsum()
    first = features.starts[features.doc_of]
    before = total - words - np.where(first > 0, total[np.maximum(first - 1, 0)], 0.0)
    doc_total = np.bincount(features.doc_of, weights=words, minlength=len(features.starts) - 1)
    last = np.where(features.opener & (before >= article_words), np.arange(len(line)), -1)
    np.maximum.accumulate(last, out=last)  # last opener at or above, any document
    found = last >= first
    mass = np.where(found, before[np.maximum(last, 0)], 0.0)
    share = mass / np.maximum(doc_total[features.doc_of], 1.0)
    return np.array([np.log1p(mass), share], dtype=np.float32).T


def _distance(index: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Lines from each line to its segment ``start``..``end`` (``start <= end``):
    negative before it, positive after it, 0 inside."""
    return np.minimum(index - start, 0) + np.maximum(index - end, 0)


def signed_log(x: np.ndarray) -> np.ndarray:
    """``sign(x) * log(1 + |x|)``: distances in lines, compressed both ways."""
    return np.sign(x) * np.log1p(np.abs(x))


def best_segments(
    gain: np.ndarray, doc_of: np.ndarray, starts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per line, the first and last line (batch indices) of its document's
    maximum-sum contiguous run of ``gain``: the run ends where the sum so far
    minus its lowest earlier value peaks, and starts at that lowest point."""
    before = np.zeros(len(gain) + 1)  # sum of gain before each line (and after the last)
    gain.cumsum(out=before[1:])
    lowest = np.empty(len(gain))  # lowest of `before` in the document up to each line
    for a, b in zip(starts[:-1].tolist(), starts[1:].tolist()):
        np.minimum.accumulate(before[a:b], out=lowest[a:b])
    rise = before[1:] - lowest
    filled = starts[:-1] < starts[1:]  # documents with lines
    opening = starts[:-1][filled]
    peak = np.zeros(len(filled))
    peak[filled] = np.maximum.reduceat(rise, opening)
    end = np.zeros(len(filled), dtype=np.int64)
    end[filled] = first_where(rise == peak[doc_of], opening)
    low = np.zeros(len(filled))
    low[filled] = lowest[end[filled]]
    start = np.zeros(len(filled), dtype=np.int64)
    start[filled] = first_where(before[:-1] == low[doc_of], opening)
    return start[doc_of], end[doc_of]


def first_where(mask: np.ndarray, opening: np.ndarray) -> np.ndarray:
    """For each document (its first line ``opening``), the first line where
    ``mask`` holds; every document has one."""
    hits = mask.nonzero()[0]
    return hits[hits.searchsorted(opening)]
