"""The HTML model: two stacked stages that score every text block of a page.

A page is walked into text blocks (`stripper.html.blocks.Blocks`); each
block has the text features of a line (`stripper.features.line`) and the
DOM features of its place in the page (`stripper.features.dom`).

1. *lexical* (optional): a logistic model over the block's hashed words,
   whose score feeds stage 1;
2. *block*: gradient-boosted trees over one block's text and DOM features;
3. *context*: gradient-boosted trees over the same plus the block-stage
   probabilities of the neighbouring blocks, for the blocks the block stage
   is unsure of (most blocks of a page are plain menus or plain paragraphs).

Each stage is fitted on out-of-fold predictions of the stage before it
(folds grouped by site), and the threshold on out-of-fold predictions of
the last. Two rules close it: blocks inside a cookie banner outside the
main text, and blocks of a reader-comment thread after the main text, are
debris.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..config import Config, HtmlConfig
from ..features.context import block_context
from ..features.dom import DOM_NAMES, dom_features
from ..features.line import SHAPE_NAMES, featurize
from ..features.words import stoplist
from ..html.blocks import Blocks
from .stages import (
    StackedModel,
    best_threshold,
    debris_probability,
    grouped_folds,
    linear_score,
    logistic_stage,
    out_of_fold,
    thread_limit,
    tree_stage,
)

#: All feature columns of an `HtmlModel`, text and DOM, as its file records them.
FEATURE_NAMES: tuple[str, ...] = (*SHAPE_NAMES, *DOM_NAMES)
_TEXT = Config()  # the text features of blocks use the line model's defaults


class HtmlModel(StackedModel):
    """Estimates, for every text block of a page, the probability it is debris.

    ``X`` is a sequence of pages, each a `Blocks`; ``y`` holds one label per
    non-blank block (True debris, False body, None unknown: ignored);
    ``groups`` are the pages' sites; ``config`` is an `HtmlConfig`.
    """

    defaults = HtmlConfig

    # -- fitting ----------------------------------------------------------
    def _fit(self, pages, labels, groups, sample_weight, config: HtmlConfig) -> HtmlModel:
        self.stopwords_ = stoplist()
        self.feature_names_ = FEATURE_NAMES
        X, lexical, starts = self._features(pages)
        y = np.array([np.nan if v is None else float(v) for page in labels for v in page])
        known = ~np.isnan(y)
        target = np.nan_to_num(y).astype(bool)
        page_of = np.repeat(np.arange(len(pages)), np.diff(starts))
        fold = grouped_folds(np.asarray(groups)[page_of], config.folds)
        # the shingle score is per page and per token: each page's labelled
        # blocks share one unit of weight in proportion to their words
        words = np.expm1(X[:, 1]) + 1.0  # log_words, a text shape feature
        page_weight = np.ones(len(pages)) if sample_weight is None else np.asarray(sample_weight)
        labelled_words = np.bincount(page_of, weights=words * known, minlength=len(pages))
        weight = page_weight[page_of] * words / np.maximum(labelled_words[page_of], 1.0)
        weight *= config.page_weight
        if config.lexical:  # the block's words, learnt linearly, fed to the trees
            self.lexical_ = logistic_stage(config.lexical_alpha, config.lexical_passes, config.seed)
            score = out_of_fold(self.lexical_, lexical, target, known, weight, fold, _decision)
            X = np.hstack([X, score[:, None].astype(np.float32)])
        self.block_ = self._trees(config)
        first = out_of_fold(self.block_, X, target, known, weight, fold)
        X2 = np.hstack([X, first[:, None].astype(np.float32), block_context(first, starts, config)])
        self.context_ = self._trees(config)
        last = out_of_fold(self.context_, X2, target, known, weight, fold)
        self.classes_ = np.array([False, True])
        if config.train_threshold is not None:
            self.threshold_ = config.train_threshold
        else:
            sure = (first <= config.sure) | (first >= 1.0 - config.sure)
            final = self._rules(X, np.where(sure, first, last))
            self.threshold_ = best_threshold(
                final[known],
                target[known],
                weight[known],
                np.linspace(*config.threshold_range, config.threshold_steps),
                config.threshold_tolerance,
            )
        return self

    @staticmethod
    def _trees(config: HtmlConfig):
        return tree_stage(
            config.trees, config.leaves, config.learning_rate, config.tree_l2, config.seed,
            config.min_leaf,
        )  # fmt: skip

    # -- predicting -------------------------------------------------------
    def predict_proba(self, X: Sequence[Blocks]) -> list[np.ndarray]:
        """Per page, each non-blank block's probability of being debris."""
        if not X:
            return []
        features, lexical, starts = self._features(X)
        if not len(features):
            return [np.zeros(0) for _ in X]
        with thread_limit(self.settings.threads):
            p = self._predict_blocks(features, lexical, starts)
        return [p[starts[i] : starts[i + 1]] for i in range(len(X))]

    def predict(self, X: Sequence[Blocks], threshold: float | None = None) -> list[np.ndarray]:
        """Per page, True for each non-blank block judged debris."""
        cut = self.threshold_ if threshold is None else threshold
        return [p >= cut for p in self.predict_proba(X)]

    def _features(self, pages: Sequence[Blocks]):
        """Dense text + DOM features, the sparse lexical matrix and page starts."""
        text = featurize([page.lines for page in pages], self.stopwords_, _TEXT)
        config = self.settings
        dom = (
            np.vstack([dom_features(page, config) for page in pages])
            if pages
            else np.zeros((0, len(DOM_NAMES)))
        )
        return np.hstack([text.shape, dom]).astype(np.float32), text.lexical, text.starts

    def _predict_blocks(self, X: np.ndarray, lexical, starts: np.ndarray) -> np.ndarray:
        """Debris probability of every block of the pages in ``X``, in one array."""
        config = self.settings
        if config.lexical:
            X = np.hstack([X, linear_score(self.lexical_, lexical)[:, None].astype(np.float32)])
        rows = config.predict_rows
        first = debris_probability(self.block_, X, rows)
        p = first.copy()
        unsure = np.flatnonzero((first > config.sure) & (first < 1.0 - config.sure))
        if len(unsure):
            context = block_context(first, starts, config)[unsure]
            X2 = np.hstack([X[unsure], first[unsure, None].astype(np.float32), context])
            p[unsure] = debris_probability(self.context_, X2, rows)
        return self._rules(X, p)

    @staticmethod
    def _rules(X: np.ndarray, p: np.ndarray) -> np.ndarray:
        """Cookie and consent banners are rare in the (mostly older) training
        pages but never article text: inside one, outside the main text
        container, a block is debris (an unclosed banner ``<div>`` swallowing
        the article leaves the article in the main container). Reader
        comments are not the article (CleanEval's gold keeps them, Dragnet's,
        L3S-GN1's and Readability's do not)."""
        cookie, in_main, thread = (
            len(SHAPE_NAMES) + DOM_NAMES.index(name)
            for name in ("chain_c_cookie", "in_main", "thread_after_main")
        )
        p = p.copy()
        p[(X[:, cookie] > 0) & (X[:, in_main] == 0)] = 1.0
        p[X[:, thread] > 0] = 1.0
        return p


def _decision(model, X) -> np.ndarray:
    """How the lexical stage scores rows out of fold: its raw decision value."""
    return model.decision_function(X)
