"""A line model adapted to one outlet: the frozen base model and a small outlet stage.

A user who labels a few pages of an outlet the shipped model handles badly
does not retrain it: `stripper.training.adapt` fits a logistic stage on top
of the frozen base model, from the outlet's labelled lines, in seconds. Its
inputs are what the base model says of each line (each stage's score, and
the final score of the lines around it), whether the line copies another of
its page (an article printed twice), and the outlet's own template: the
line itself whole, the lines before and after it whole, and the nearest
lines above and below it that are the outlet's *template lines* (lines that
recur on its labelled pages, digits aside): an article sits in the same
place of its outlet's template on every page, between "1234 story" and
"100 of 524 comments loaded" on Slashdot's. The words inside a line are
left out: from a few pages they teach the topics of those pages' comments
and articles, not the template (measured in `docs/history.md`).

The stage scores only the pages of its outlet (`OutletScorer.in_scope`:
their site matches one of its host patterns, or the caller says every
document is the outlet's); every other page gets the base model's
probabilities, unchanged. Its threshold is folded into its intercept, so one
threshold, the base model's, serves both.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence

import numpy as np

from ..features.context import MISSING, logit
from ..features.line import SHAPE_NAMES, LineFeatures
from ..features.templates import line_key
from ..features.windows import neighbours
from ..features.words import HashedRows
from .predictors import Linear
from .scorers import LineScorer

#: Salts that give the whole line, the lines before and after it, and the
#: template lines above and below it hashed columns of their own.
_WHOLE, _BEFORE, _AFTER, _ABOVE, _BELOW = 0x5BD1E995, 0x27D4EB2F, 0x165667B1, 0x9E37, 0x85EB
#: Shape features the outlet stage reads beside the base model's scores.
_SHAPE = [
    SHAPE_NAMES.index(n)
    for n in ("log_words", "relative_position", "duplicates", "first_copy", "near_copy")
]
#: The outlet stage's inputs, by version: a file adapted with others is refused.
FEATURES = "outlet/2"
#: Lines on each side whose final base score the stage reads.
_AROUND = 2


class OutletScorer(LineScorer):
    """A base line model with an outlet stage for the pages of one outlet.

    Fitted state beyond the base model's: ``outlet_`` (a `Linear` over the
    outlet features, its threshold folded in; None where the stage did not
    beat the base model on the pages it was held out from), ``templates_`` (the keys of
    the outlet's template lines, sorted), and the scope: ``outlet`` (a
    name), ``hosts`` (patterns such as ``"*.slashdot.org"``), and
    ``base_sha256`` (the base model file it was adapted from).
    """

    outlet_: Linear | None
    templates_: np.ndarray
    outlet: str
    hosts: tuple[str, ...]
    base_sha256: str

    def in_scope(self, site: str | None) -> bool:
        """Whether a document of ``site`` is one of the outlet's pages (the
        site ``"*"`` stands for "every document is")."""
        if site is None:
            return False
        return site == "*" or any(fnmatch.fnmatch(site, pattern) for pattern in self.hosts)

    def predict_lines(
        self, features: LineFeatures, sites: Sequence[str | None] | None = None
    ) -> np.ndarray:
        """The base model's probabilities, and the outlet stage's for the rows
        of the documents in scope."""
        stages = self.stage_scores(features)
        final = stages[-1]
        if sites is None or not len(final) or self.outlet_ is None:
            return final
        scope = np.array([self.in_scope(site) for site in sites], dtype=bool)[features.doc_of]
        if not scope.any():
            return final
        rows, dense = outlet_features(features, stages, self.templates_, scope)
        final = final.copy()
        final[scope] = 1.0 / (1.0 + np.exp(-self.outlet_.decision(rows, dense)))
        return final


def template_keys(pages: Sequence[Sequence[str]]) -> np.ndarray:
    """The keys of the lines that recur on at least two of ``pages``, sorted."""
    counts: dict[int, int] = {}
    for lines in pages:
        for key in {line_key(line) for line in lines if line.strip()}:
            counts[key] = counts.get(key, 0) + 1
    return np.array(sorted(k for k, c in counts.items() if c > 1), dtype=np.uint64)


def outlet_features(
    features: LineFeatures,
    stages: tuple[np.ndarray, ...],
    templates: np.ndarray,
    rows: np.ndarray | None = None,
) -> tuple[HashedRows, np.ndarray]:
    """The outlet stage's input for the ``rows`` (a mask; all by default):
    the hashed whole lines around (sparse), and the base model's view, the
    line's copies and the distances to the template lines around (dense)."""
    n = len(features.doc_of)
    chosen = np.arange(n) if rows is None else np.flatnonzero(rows)
    keys = np.array([line_key(text) for text in features.texts], dtype=np.uint64)
    index = np.arange(n)
    first, end = features.starts[features.doc_of], features.starts[features.doc_of + 1]
    before = np.where(index > first, keys[np.maximum(index - 1, 0)], 0)
    after = np.where(index < end - 1, keys[np.minimum(index + 1, n - 1)], 0)
    template = np.isin(keys, templates)
    above = np.maximum.accumulate(np.where(template, index, -1))  # at or above
    above = np.concatenate([[-1], above[:-1]])  # strictly above
    above = np.where(above >= first, above, -1)
    below = np.minimum.accumulate(np.where(template, index, n)[::-1])[::-1]
    below = np.concatenate([below[1:], [n]])
    below = np.where(below < end, below, n)
    padded = np.append(keys, np.uint64(0))
    width = np.uint64(features.lexical.width)
    salted = [
        (keys, _WHOLE),
        (before.astype(np.uint64), _BEFORE),
        (after.astype(np.uint64), _AFTER),
        (padded[above], _ABOVE),
        (padded[np.minimum(below, n)], _BELOW),
    ]
    columns = np.sort(
        np.column_stack([(k[chosen] ^ np.uint64(salt)) % width for k, salt in salted]), axis=1
    )
    distinct = np.ones(columns.shape, dtype=bool)  # each column once per row
    distinct[:, 1:] = columns[:, 1:] != columns[:, :-1]
    indptr = np.concatenate([[0], np.cumsum(distinct.sum(axis=1))])
    sparse = HashedRows(indptr, columns[distinct].astype(np.int64), int(width))
    scores = [logit(s) for s in stages]
    around = neighbours(scores[-1], features.doc_of, features.starts, _AROUND, MISSING)
    distance = np.column_stack(
        [
            np.where(above >= 0, np.log1p(index - above), MISSING),
            np.where(below < n, np.log1p(below - index), MISSING),
            template,
        ]
    )
    dense = np.column_stack([*scores[::-1], around, distance, features.shape[:, _SHAPE]])
    return sparse, dense[chosen].astype(np.float64)
