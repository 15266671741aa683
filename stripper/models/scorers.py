"""Fitted models: what a model file holds, and how it scores lines and blocks.

A `LineScorer` holds a fitted line model's stages as plain arrays
(`stripper.models.predictors`) and scores the lines of documents; an
`HtmlScorer` does the same for the blocks of pages. Cleaning needs nothing
else: no scikit-learn, which only fitting (`stripper.models.line.LineModel`,
`stripper.models.html.HtmlModel`, subclasses of these) imports.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..config import Config, HtmlConfig
from ..features.context import block_context, line_features, sequence_features
from ..features.dom import DOM_NAMES, dom_features
from ..features.line import SHAPE_NAMES, LineFeatures, featurize
from ..html.blocks import Blocks
from .predictors import Forest, Linear, expit

#: The features a line model is built on, as its file records them: the
#: line features and the sequence stage's own (`stripper.features.context.after_opener`).
LINE_FEATURES = (*SHAPE_NAMES, "thread_opener_body_words", "thread_opener_body_share")
#: All feature columns of an HTML model, text and DOM, as its file records them.
HTML_FEATURES: tuple[str, ...] = (*SHAPE_NAMES, *DOM_NAMES)
_TEXT = Config()  # the text features of blocks use the line model's defaults


class Configured:
    """A model's one parameter, ``config`` (None: the defaults of `defaults`)."""

    #: The settings class (`Config` or `HtmlConfig`).
    defaults: type

    def __init__(self, config=None) -> None:
        self.config = config

    @property
    def settings(self):
        """The settings in use: ``config``, or the defaults."""
        return self.config or self.defaults()


class LineScorer(Configured):
    """A fitted line model: the probability that each line of a document is debris.

    Fitted state: ``stopwords_``, ``feature_names_``, ``threshold_``, and the
    stages ``lexical_`` (`Linear`), ``line_`` and ``sequence_`` (`Forest`).
    """

    defaults = Config
    stopwords_: frozenset[str]
    feature_names_: tuple[str, ...]
    threshold_: float
    lexical_: Linear
    line_: Forest
    sequence_: Forest

    def predict_proba(
        self,
        X: Sequence[Sequence[str]],
        evidence: Sequence[np.ndarray | None] | None = None,
        sites: Sequence[str | None] | None = None,
    ) -> list[np.ndarray]:
        """Per document, the probability of debris of each line (NaN for blank
        lines); ``evidence``: what each document's site says of its lines
        (`stripper.features.templates`), if known; ``sites``: each
        document's site (host), for models adapted to one outlet."""
        features = featurize(X, self.stopwords_, self.settings, evidence)
        probability = self.predict_lines(features, sites)
        return per_document(features, probability, [len(doc) for doc in X])

    def predict(
        self, X: Sequence[Sequence[str]], threshold: float | None = None, evidence=None
    ) -> list[np.ndarray]:
        """Per document, True for each debris line (False for blank lines)."""
        cut = self.threshold_ if threshold is None else threshold
        with np.errstate(invalid="ignore"):  # NaN (blank) >= cut is False
            return [p >= cut for p in self.predict_proba(X, evidence)]

    def predict_lines(
        self, features: LineFeatures, sites: Sequence[str | None] | None = None
    ) -> np.ndarray:
        """The debris probability of every row of featurised lines."""
        return self.stage_scores(features)[-1]

    def stage_scores(self, features: LineFeatures) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every row's debris probability after each stage: lexical, line, sequence."""
        if not len(features.doc_of):
            return np.zeros(0), np.zeros(0), np.zeros(0)
        config = self.settings
        lexical = expit(self.lexical_.decision(features.lexical))
        stage_input = line_features(features, lexical, config)
        line = _scored(self.line_, stage_input, config.predict_rows)
        stage_input = sequence_features(features, line, config)
        return lexical, line, _scored(self.sequence_, stage_input, config.predict_rows)


class HtmlScorer(Configured):
    """A fitted HTML model: the probability that each text block of a page is debris.

    Fitted state: ``stopwords_``, ``feature_names_``, ``threshold_``, and the
    stages ``lexical_`` (`Linear`, or None without one), ``block_`` and
    ``context_`` (`Forest`).
    """

    defaults = HtmlConfig
    stopwords_: frozenset[str]
    feature_names_: tuple[str, ...]
    threshold_: float
    lexical_: Linear | None
    block_: Forest
    context_: Forest

    def predict_proba(self, X: Sequence[Blocks], evidence=None) -> list[np.ndarray]:
        """Per page, each non-blank block's probability of being debris;
        ``evidence`` as for `LineScorer.predict_proba`."""
        if not X:
            return []
        features, lexical, starts = self._features(X, evidence)
        if not len(features):
            return [np.zeros(0) for _ in X]
        p = self._predict_blocks(features, lexical, starts)
        return [p[starts[i] : starts[i + 1]] for i in range(len(X))]

    def predict(
        self, X: Sequence[Blocks], threshold: float | None = None, evidence=None
    ) -> list[np.ndarray]:
        """Per page, True for each non-blank block judged debris."""
        cut = self.threshold_ if threshold is None else threshold
        return [p >= cut for p in self.predict_proba(X, evidence)]

    def _features(self, pages: Sequence[Blocks], evidence=None):
        """Dense text + DOM features, the sparse lexical matrix and page starts."""
        text = featurize([page.lines for page in pages], self.stopwords_, _TEXT, evidence)
        config = self.settings
        words = np.expm1(text.shape[:, SHAPE_NAMES.index("log_words")].astype(np.float64))
        dom = (
            np.vstack(
                [
                    dom_features(page, config, words[text.starts[i] : text.starts[i + 1]])
                    for i, page in enumerate(pages)
                ]
            )
            if pages
            else np.zeros((0, len(DOM_NAMES)))
        )
        return np.hstack([text.shape, dom]).astype(np.float32), text.lexical, text.starts

    def _predict_blocks(self, X: np.ndarray, lexical, starts: np.ndarray) -> np.ndarray:
        """Debris probability of every block of the pages in ``X``, in one array."""
        config = self.settings
        if self.lexical_ is not None:
            X = np.hstack([X, self.lexical_.decision(lexical)[:, None].astype(np.float32)])
        rows = config.predict_rows
        first = _scored(self.block_, X, rows)
        p = first.copy()
        unsure = np.flatnonzero((first > config.sure) & (first < 1.0 - config.sure))
        if len(unsure):
            context = block_context(first, starts, config)[unsure]
            X2 = np.hstack([X[unsure], first[unsure, None].astype(np.float32), context])
            p[unsure] = _scored(self.context_, X2, rows)
        return self._rules(X, p, starts)

    @staticmethod
    def _rules(X: np.ndarray, p: np.ndarray, starts: np.ndarray) -> np.ndarray:
        """Cookie and consent banners are rare in the (mostly older) training
        pages but never article text: inside one, outside the main text
        container, a block is debris (an unclosed banner ``<div>`` swallowing
        the article leaves the article in the main container). A consent word
        that every block of a page carries comes from the page's root (a
        consent plugin's ``<body class="cookies-not-set">``), not from a
        banner, and decides nothing. Reader comments are not the article
        (CleanEval's gold keeps them, Dragnet's, L3S-GN1's and Readability's
        do not)."""
        cookie, in_main, thread = (
            len(SHAPE_NAMES) + DOM_NAMES.index(name)
            for name in ("chain_c_cookie", "in_main", "thread_after_main")
        )
        sizes = np.diff(starts)
        page_of = np.arange(len(sizes)).repeat(sizes)
        banner = X[:, cookie] > 0
        whole_page = np.bincount(page_of, weights=banner, minlength=len(sizes)) == sizes
        p = p.copy()
        p[banner & ~whole_page[page_of] & (X[:, in_main] == 0)] = 1.0
        p[X[:, thread] > 0] = 1.0
        return p


def per_document(
    features: LineFeatures, probability: np.ndarray, lengths: list[int]
) -> list[np.ndarray]:
    """Row values spread back over each document's lines (NaN for blank lines)."""
    out = []
    for d, length in enumerate(lengths):
        p = np.full(length, np.nan)
        p[features.line_numbers[d]] = probability[features.starts[d] : features.starts[d + 1]]
        out.append(p)
    return out


def _scored(trees: Forest, X: np.ndarray, rows: int) -> np.ndarray:
    """``trees.probability(X)``, ``rows`` rows at a time, so that the walk's
    state over all trees stays in the CPU cache however long the input."""
    if len(X) <= rows:
        return trees.probability(X)
    return np.concatenate([trees.probability(X[i : i + rows]) for i in range(0, len(X), rows)])
