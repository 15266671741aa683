"""The line model: three stacked stages that score every line of a text.

1. *lexical*: a logistic model over hashed words of the line alone;
2. *line*: gradient-boosted trees over the line's shape features and lexical
   score, and those of its neighbours (a window of lines);
3. *sequence*: gradient-boosted trees over the line-stage probabilities of
   the surrounding lines, their running means and the line's place relative
   to the document's main block, because a block of teaser prose under
   "Popular posts" looks like body line by line and only context gives it
   away.

Each stage is fitted on out-of-fold predictions of the stage before it
(folds grouped by outlet). `LineModel` follows scikit-learn's estimator
conventions, with one difference dictated by the task: a sample is a
*document* (a list of lines), and predictions are one array per document
with one value per line.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..config import Config
from ..features.context import line_features, sequence_features
from ..features.line import LineFeatures, featurize
from ..features.words import stoplist
from .predictors import Forest, Linear
from .scorers import LINE_FEATURES, LineScorer, per_document
from .stages import (
    StackedModel,
    best_threshold,
    grouped_folds,
    logistic_stage,
    out_of_fold,
    tree_stage,
    word_ambiguous,
)

Labels = Sequence[bool | None]


class LineModel(LineScorer, StackedModel):
    """Estimates, for every line of a document, the probability it is debris.

    ``X`` is a sequence of documents, each a sequence of lines; ``y`` holds
    one label per line (True debris, False body, None unlabelled: ignored);
    ``config`` is a `Config`. Fitted, it scores as its `LineScorer`.
    """

    def _fit(self, X, y, groups, sample_weight, evidence, config: Config) -> LineModel:
        self.stopwords_ = stoplist()
        self.feature_names_ = LINE_FEATURES
        features = featurize(X, self.stopwords_, config, evidence)
        target, labelled = _line_targets(features, y)
        weight = np.ones(len(X)) if sample_weight is None else np.asarray(sample_weight, float)
        weight = weight[features.doc_of]
        doc_groups = np.asarray(groups if groups is not None else np.arange(len(X)))
        n_splits = min(config.folds, len(set(doc_groups.tolist())))
        if n_splits < 2:
            raise ValueError("training needs documents from at least two outlets (groups)")
        fold = grouped_folds(doc_groups, n_splits)[features.doc_of]
        group = np.unique(doc_groups, return_inverse=True)[1].ravel()[features.doc_of]

        stage = logistic_stage(config.lexical_alpha, config.lexical_passes, config.seed)
        decided = labelled & ~word_ambiguous(features.lexical, group, target, labelled)
        lexical = out_of_fold(stage, features.lexical.csr(), target, decided, weight, fold)
        self.lexical_ = Linear.of(stage)
        stage = self._trees(config.line_trees, config.line_leaves, config)
        stage_input = line_features(features, lexical, config)
        line = out_of_fold(stage, stage_input, target, labelled, weight, fold)
        self.line_ = Forest.of(stage)
        stage = self._trees(config.sequence_trees, config.sequence_leaves, config)
        stage_input = sequence_features(features, line, config)
        final = out_of_fold(stage, stage_input, target, labelled, weight, fold)
        self.sequence_ = Forest.of(stage)
        self.classes_ = np.array([False, True])
        self.n_lines_ = int(labelled.sum())
        if config.train_threshold is not None:
            self.threshold_ = config.train_threshold
        else:
            words = np.expm1(features.shape[:, 1]) * weight  # balanced as the sources are
            candidates = np.linspace(*config.threshold_range, config.threshold_steps)
            self.threshold_ = best_threshold(
                final[labelled],
                target[labelled],
                words[labelled],
                candidates,
                config.threshold_tolerance,
            )
        self.out_of_fold_ = per_document(
            features, np.where(labelled, final, np.nan), [len(d) for d in X]
        )
        return self

    @staticmethod
    def _trees(trees: int, leaves: int, config: Config):
        return tree_stage(trees, leaves, config.learning_rate, config.tree_l2, config.seed)


def _line_targets(features: LineFeatures, y: Sequence[Labels]) -> tuple[np.ndarray, np.ndarray]:
    """Labels of the non-blank lines: (is debris, is labelled)."""
    flat = [labels[i] for labels, idx in zip(y, features.line_numbers) for i in idx]
    labelled = np.array([label is not None for label in flat], dtype=bool)
    target = np.array([bool(label) for label in flat], dtype=bool)
    return target, labelled
