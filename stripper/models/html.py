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
main text, and blocks of a reader-comment thread after the main text (on
a page that does not declare itself a discussion), are debris.
"""

from __future__ import annotations

import numpy as np

from ..config import HtmlConfig
from ..features.context import block_context
from ..features.words import stoplist
from .predictors import Forest, Linear
from .scorers import HTML_FEATURES, HtmlScorer
from .stages import (
    StackedModel,
    best_threshold,
    grouped_folds,
    logistic_stage,
    out_of_fold,
    tree_stage,
)


class HtmlModel(HtmlScorer, StackedModel):
    """Estimates, for every text block of a page, the probability it is debris.

    ``X`` is a sequence of pages, each a `Blocks`; ``y`` holds one label per
    non-blank block (True debris, False body, None unknown: ignored);
    ``groups`` are the pages' sites; ``config`` is an `HtmlConfig`. Fitted,
    it scores as its `HtmlScorer`.
    """

    # -- fitting ----------------------------------------------------------
    def _fit(self, pages, labels, groups, sample_weight, evidence, config) -> HtmlModel:
        self.stopwords_ = stoplist()
        self.feature_names_ = HTML_FEATURES
        X, lexical, starts = self._features(pages, evidence)
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
        self.lexical_ = None
        if config.lexical:  # the block's words, learnt linearly, fed to the trees
            stage = logistic_stage(config.lexical_alpha, config.lexical_passes, config.seed)
            score = out_of_fold(stage, lexical.csr(), target, known, weight, fold, _decision)
            self.lexical_ = Linear.of(stage)
            X = np.hstack([X, score[:, None].astype(np.float32)])
        stage = self._trees(config)
        first = out_of_fold(stage, X, target, known, weight, fold)
        self.block_ = Forest.of(stage)
        X2 = np.hstack([X, first[:, None].astype(np.float32), block_context(first, starts, config)])
        stage = self._trees(config)
        last = out_of_fold(stage, X2, target, known, weight, fold)
        self.context_ = Forest.of(stage)
        self.classes_ = np.array([False, True])
        if config.train_threshold is not None:
            self.threshold_ = config.train_threshold
        else:
            sure = (first <= config.sure) | (first >= 1.0 - config.sure)
            final = self._rules(X, np.where(sure, first, last), starts)
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


def _decision(model, X) -> np.ndarray:
    """How the lexical stage scores rows out of fold: its raw decision value."""
    return model.decision_function(X)
