"""The pieces both models are stacked from: estimators, folds, scoring, thresholds.

Each model is a stack of scikit-learn stages, each fitted on the
out-of-fold predictions of the one before (`out_of_fold`, folds grouped by
outlet or site with `grouped_folds`), so no stage learns from
overconfident in-sample scores, on a capped number of threads
(`thread_limit`). A fitted stage becomes a plain-array predictor
(`stripper.models.predictors`), which is what a model keeps and scores with.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import GroupKFold
from threadpoolctl import ThreadpoolController

from ..features.words import HashedRows


class StackedModel(ClassifierMixin, BaseEstimator):
    """What both models share as scikit-learn estimators: ``config`` is their
    one parameter (see `stripper.models.scorers.Configured`, which comes
    first in their bases), fitted state ends in ``_``, and fitting runs on
    `Config.threads` threads."""

    def fit(self, X, y, groups=None, sample_weight=None, evidence=None):
        """Fit every stage; ``groups`` (one per document) keep an outlet's or
        a site's documents on one side of every internal split,
        ``sample_weight`` (one per document) weighs its lines, and
        ``evidence`` (one per document or None) is what its site's other
        pages say of its lines (`stripper.features.templates`)."""
        config = self.settings
        with thread_limit(config.threads):
            return self._fit(X, y, groups, sample_weight, evidence, config)


def logistic_stage(alpha: float, passes: int, seed: int) -> SGDClassifier:
    """A logistic regression over sparse hashed words, fitted by SGD."""
    return SGDClassifier(loss="log_loss", alpha=alpha, max_iter=passes, tol=None, random_state=seed)


def tree_stage(
    trees: int, leaves: int, learning_rate: float, l2: float, seed: int, min_leaf: int = 20
) -> HistGradientBoostingClassifier:
    """Gradient-boosted trees with a fixed number of rounds (no early stopping)."""
    return HistGradientBoostingClassifier(
        max_iter=trees, learning_rate=learning_rate, max_leaf_nodes=leaves,
        min_samples_leaf=min_leaf, l2_regularization=l2, early_stopping=False,
        random_state=seed,
    )  # fmt: skip


def grouped_folds(groups: Sequence, n_splits: int) -> np.ndarray:
    """The fold of each item such that no group is in two folds (GroupKFold)."""
    fold = np.zeros(len(groups), dtype=np.int64)
    for k, (_, test) in enumerate(GroupKFold(n_splits).split(np.zeros(len(groups)), groups=groups)):
        fold[test] = k
    return fold


def probability_of_debris(model, X) -> np.ndarray:
    """``model.predict_proba(X)[:, 1]``: how stages score rows out of fold."""
    return model.predict_proba(X)[:, 1]


def out_of_fold(
    estimator,
    X,
    target: np.ndarray,
    train: np.ndarray,
    weight: np.ndarray,
    fold: np.ndarray,
    score: Callable = probability_of_debris,
) -> np.ndarray:
    """Fit ``estimator`` on the rows ``train``; return every row's ``score``
    from a clone fitted on the other folds' ``train`` rows.

    A fold whose training rows hold one class only gets that class's share
    instead of a model.
    """
    out = np.zeros(X.shape[0])
    for k in np.unique(fold):
        test = fold == k
        rows = train & ~test
        if len(set(target[rows].tolist())) < 2:
            out[test] = target[rows].mean() if rows.any() else 0.5
            continue
        model = clone(estimator).fit(X[rows], target[rows], sample_weight=weight[rows])
        out[test] = score(model, X[test])
    estimator.fit(X[train], target[train], sample_weight=weight[train])
    return out


@cache
def _threadpools() -> ThreadpoolController:
    """The native thread pools loaded (OpenMP of the trees, BLAS), found once:
    looking them up costs milliseconds, limiting them a tenth of one."""
    return ThreadpoolController()


def thread_limit(threads: int):
    """Context manager capping the model arithmetic at ``threads`` threads.

    Scoring is a string of small calls; left to OpenMP's default (every core),
    each would wake a thread team, and on a busy machine the trees then run
    tens of times slower.
    """
    return _threadpools().limit(limits=threads)


def best_threshold(
    probability: np.ndarray,
    debris: np.ndarray,
    words: np.ndarray,
    candidates: np.ndarray,
    tolerance: float,
) -> float:
    """The threshold among ``candidates`` that maximises the F1 of kept body
    words: the line-level proxy of the shingle measure, which counts text,
    not lines. Thresholds within ``tolerance`` of the best F1 count as
    equal, and the one nearest 0.5 (even odds) wins among them: the curve
    is flat over a wide plateau, where its exact peak is noise that moves
    from fit to fit.

    >>> best_threshold(np.array([0.1, 0.9]), np.array([False, True]), np.ones(2),
    ...                np.linspace(0.2, 0.8, 61), 0.001)
    0.5
    """
    body = ~debris
    scores = []
    for cut in candidates:
        kept = probability < cut
        tp = words[kept & body].sum()
        precision = tp / max(words[kept].sum(), 1)
        recall = tp / max(words[body].sum(), 1)
        scores.append(2 * precision * recall / max(precision + recall, 1e-9))
    near = candidates[np.asarray(scores) >= max(scores) - tolerance]
    return float(near[np.argmin(np.abs(near - 0.5))])


def word_ambiguous(
    lexical: HashedRows, group: np.ndarray, target: np.ndarray, labelled: np.ndarray
) -> np.ndarray:
    """Labelled rows whose words (lexical row) carry both labels within their
    ``group`` (outlet number, one per row): a caption and the paragraph it
    repeats share every word, so only later stages (quote style, copies,
    place) can tell them apart, and a word stage would learn nothing from
    them but noise.
    """
    columns = lexical.indices.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    ends = np.cumsum(np.diff(lexical.indptr))
    total = np.concatenate([[np.uint64(0)], np.cumsum(columns)])  # wraps, as a hash should
    signature = total[ends] - total[ends - np.diff(lexical.indptr)]
    key = signature * np.uint64(1_000_003) + group.astype(np.uint64)
    _, cluster = np.unique(key, return_inverse=True)
    cluster = cluster.ravel()
    size = np.bincount(cluster, weights=labelled)
    debris = np.bincount(cluster, weights=labelled & target)
    mixed = (debris > 0) & (debris < size)
    return labelled & mixed[cluster]
