"""The line classifier: three stacked scikit-learn stages, and its file format.

1. *lexical*: a logistic model over hashed words of the line alone;
2. *line*: gradient-boosted trees over the line's shape features and lexical
   score, and those of its neighbours (a window of lines);
3. *sequence*: gradient-boosted trees over the line-stage probabilities of
   the surrounding lines, their running means and the line's place relative
   to the document's main block, because a block of teaser prose under
   "Popular posts" looks like body line by line and only context gives it
   away.

Each stage is fitted on out-of-fold predictions of the stage before it
(folds grouped by outlet), so no stage learns from overconfident in-sample
scores. `LineModel` follows scikit-learn's estimator conventions, with one
difference dictated by the task: a sample is a *document* (a list of lines),
and predictions are one array per document with one value per line.
"""

from __future__ import annotations

import json
import platform
import warnings
from collections.abc import Sequence
from dataclasses import asdict
from functools import cache
from pathlib import Path

import joblib
import numpy as np
import scipy.sparse as sp
import sklearn
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import InconsistentVersionWarning
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import GroupKFold
from threadpoolctl import ThreadpoolController

from .config import Config
from .features import SHAPE_NAMES, Batch, featurize, stoplist, windowed_mean

Labels = Sequence[bool | None]


class ModelVersionError(RuntimeError):
    """The model file was written by another scikit-learn version, or for
    another set of features (an older stripper)."""


class LineModel(ClassifierMixin, BaseEstimator):
    """Estimates, for every line of a document, the probability it is debris.

    ``X`` is a sequence of documents, each a sequence of lines; ``y`` holds
    one label per line (True debris, False body, None unlabelled: ignored).
    """

    def __init__(self, config: Config | None = None) -> None:
        self.config = config

    # -- fitting ----------------------------------------------------------
    def fit(
        self,
        X: Sequence[Sequence[str]],
        y: Sequence[Labels],
        groups: Sequence[str] | None = None,
        sample_weight: Sequence[float] | None = None,
    ) -> LineModel:
        """Fit the three stages; ``groups`` (one per document) keep an
        outlet's documents on one side of every internal split, and
        ``sample_weight`` (one per document) weighs its lines."""
        config = self.config or Config()
        with thread_limit(config.threads):
            return self._fit(X, y, groups, sample_weight, config)

    def _fit(self, X, y, groups, sample_weight, config: Config) -> LineModel:
        self.stopwords_ = stoplist()
        self.feature_names_ = FEATURE_NAMES
        batch = featurize(X, self.stopwords_)
        target, labelled = _line_targets(batch, y)
        weight = np.ones(len(X)) if sample_weight is None else np.asarray(sample_weight, float)
        weight = weight[batch.doc_of]
        folds = _folds(batch, groups, labelled, config)

        self.lexical_ = _lexical_stage(config)
        decided = labelled & ~word_ambiguous(batch.lexical, groups, batch.doc_of, target, labelled)
        lexical = _out_of_fold(self.lexical_, batch.lexical, target, decided, weight, folds)
        line_features = _line_features(batch, lexical, config.window)
        self.line_ = _tree_stage(config, config.line_trees, config.line_leaves)
        line = _out_of_fold(self.line_, line_features, target, labelled, weight, folds)
        sequence_features = _sequence_features(batch, line, config)
        self.sequence_ = _tree_stage(config, config.sequence_trees, config.sequence_leaves)
        final = _out_of_fold(self.sequence_, sequence_features, target, labelled, weight, folds)
        self.classes_ = np.array([False, True])
        self.n_lines_ = int(labelled.sum())
        words = np.expm1(batch.shape[:, 1]) * weight  # balanced as the sources are
        self.threshold_ = config.threshold or best_threshold(
            final[labelled], target[labelled], words[labelled], config.threshold_tolerance
        )
        self.out_of_fold_ = _per_document(
            batch, np.where(labelled, final, np.nan), [len(d) for d in X]
        )
        self.versions_ = library_versions()
        return self

    # -- predicting -------------------------------------------------------
    def predict_proba(self, X: Sequence[Sequence[str]]) -> list[np.ndarray]:
        """Per document, the probability of debris of each line (NaN for blank lines)."""
        batch = featurize(X, self.stopwords_)
        probability = self._predict_lines(batch)
        return _per_document(batch, probability, [len(doc) for doc in X])

    def predict(
        self, X: Sequence[Sequence[str]], threshold: float | None = None
    ) -> list[np.ndarray]:
        """Per document, True for each debris line (False for blank lines)."""
        cut = self.threshold_ if threshold is None else threshold
        with np.errstate(invalid="ignore"):
            return [p >= cut for p in self.predict_proba(X)]  # NaN (blank) >= cut is False

    def _predict_lines(self, batch: Batch) -> np.ndarray:
        if not len(batch.doc_of):
            return np.zeros(0)
        with thread_limit(self._config.threads):
            return self._predict_stages(batch)

    def _predict_stages(self, batch: Batch) -> np.ndarray:
        config = self._config
        lexical = expit(linear_score(self.lexical_, batch.lexical))
        line_features = _line_features(batch, lexical, config.window)
        line = debris_probability(self.line_, line_features, config.predict_rows)
        features = _sequence_features(batch, line, config)
        return debris_probability(self.sequence_, features, config.predict_rows)

    @property
    def _config(self) -> Config:
        return self.config or Config()


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


def linear_score(model: SGDClassifier, X: sp.csr_matrix) -> np.ndarray:
    """``model.decision_function(X)`` without its input checks, which cost
    more than the product itself on a page's few hundred sparse rows."""
    return X @ model.coef_[0] + model.intercept_[0]


def debris_probability(trees, X: np.ndarray, rows: int) -> np.ndarray:
    """``trees.predict_proba(X)[:, 1]``, ``rows`` rows at a time: the trees
    are walked one after another over all rows, so rows that fit in the CPU
    cache make long documents as fast per line as short ones."""
    if len(X) <= rows:
        return trees.predict_proba(X)[:, 1]
    return np.concatenate(
        [trees.predict_proba(X[i : i + rows])[:, 1] for i in range(0, len(X), rows)]
    )


def best_threshold(
    probability: np.ndarray, debris: np.ndarray, words: np.ndarray, tolerance: float = 0.001
) -> float:
    """The threshold that maximises the F1 of kept body words: the line-level
    proxy of the shingle measure, which counts text, not lines. Thresholds
    within ``tolerance`` of the best F1 count as equal, and the one nearest
    0.5 (even odds) wins among them: the curve is flat over a wide plateau,
    where its exact peak is noise that moves from fit to fit."""
    candidates = np.linspace(0.2, 0.8, 61)
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
    lexical: sp.csr_matrix, groups, doc_of: np.ndarray, target: np.ndarray, labelled: np.ndarray
) -> np.ndarray:
    """Labelled lines whose words (lexical row) carry both labels within their
    group (outlet): a caption and the paragraph it repeats share every word,
    so only the later stages (quote style, copies, place) can tell them
    apart, and the word stage would learn nothing from them but noise.
    """
    group = np.unique(np.asarray(groups if groups is not None else doc_of), return_inverse=True)[1]
    columns = lexical.indices.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    ends = np.cumsum(np.diff(lexical.indptr))
    total = np.concatenate([[np.uint64(0)], np.cumsum(columns)])  # wraps, as a hash should
    signature = total[ends] - total[ends - np.diff(lexical.indptr)]
    key = signature * np.uint64(1_000_003) + group.ravel()[doc_of].astype(np.uint64)
    _, cluster = np.unique(key, return_inverse=True)
    cluster = cluster.ravel()
    size = np.bincount(cluster, weights=labelled)
    debris = np.bincount(cluster, weights=labelled & target)
    mixed = (debris > 0) & (debris < size)
    return labelled & mixed[cluster]


def _line_targets(batch: Batch, y: Sequence[Labels]) -> tuple[np.ndarray, np.ndarray]:
    """Labels of the batch's non-blank lines: (is debris, is labelled)."""
    flat = [labels[i] for labels, idx in zip(y, batch.line_numbers) for i in idx]
    labelled = np.array([label is not None for label in flat], dtype=bool)
    target = np.array([bool(label) for label in flat], dtype=bool)
    return target, labelled


def _folds(batch: Batch, groups, labelled: np.ndarray, config: Config) -> list[np.ndarray]:
    """Fold number of every line, splitting by group (outlet or site)."""
    n_docs = len(batch.starts) - 1
    doc_groups = np.asarray(groups if groups is not None else np.arange(n_docs))
    n_splits = min(config.folds, len(set(doc_groups.tolist())))
    if n_splits < 2:
        raise ValueError("training needs documents from at least two outlets (groups)")
    fold_of_doc = np.zeros(n_docs, dtype=np.int64)
    for k, (_, test) in enumerate(GroupKFold(n_splits).split(np.zeros(n_docs), groups=doc_groups)):
        fold_of_doc[test] = k
    fold = fold_of_doc[batch.doc_of]
    return [fold == k for k in range(n_splits)]


def _out_of_fold(estimator, X, target, labelled, weight, folds) -> np.ndarray:
    """Fit ``estimator`` on all labelled lines; return out-of-fold
    probabilities for every line."""
    out = np.zeros(X.shape[0])
    for test in folds:
        train = labelled & ~test
        if len(set(target[train].tolist())) < 2:
            out[test] = target[train].mean() if train.any() else 0.5
            continue
        model = sklearn.base.clone(estimator)
        model.fit(X[train], target[train], sample_weight=weight[train])
        out[test] = model.predict_proba(X[test])[:, 1]
    estimator.fit(X[labelled], target[labelled], sample_weight=weight[labelled])
    return out


def _lexical_stage(config: Config) -> SGDClassifier:
    return SGDClassifier(
        loss="log_loss", alpha=config.lexical_alpha, max_iter=config.lexical_passes,
        tol=None, random_state=config.seed,
    )  # fmt: skip


def _tree_stage(config: Config, trees: int, leaves: int) -> HistGradientBoostingClassifier:
    return HistGradientBoostingClassifier(
        max_iter=trees, learning_rate=config.learning_rate, max_leaf_nodes=leaves,
        l2_regularization=1.0, early_stopping=False, random_state=config.seed,
    )  # fmt: skip


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


#: Value of a neighbour's feature beyond the document's edge: below every
#: real value (so trees split it off like a missing value), and not NaN,
#: because scikit-learn's binning fails on an all-NaN column (tiny data).
MISSING = -20.0

#: Shape features that are also read from neighbouring lines.
NEIGHBOUR_FEATURES = [
    SHAPE_NAMES.index(name)
    for name in (
        "log_words",
        "ends_sentence",
        "stopword_share",
        "punct_share",
        "starts_lower",
        "duplicates",
        "quote_style_gap",
    )  # fmt: skip
]


#: Shape features of the line itself that the sequence stage reads too.
SEQUENCE_OWN_FEATURES = [
    SHAPE_NAMES.index(name)
    for name in (
        "log_words",
        "duplicates",
        "first_copy",
        "quote_style_gap",
        "near_copy",
        "copy_quote_gap",
        "relative_position",
    )  # fmt: skip
]


#: The features a model is built on, as its file records them: the line
#: features and the sequence stage's own (`_after_opener`).
FEATURE_NAMES = (*SHAPE_NAMES, "thread_opener_body_words", "thread_opener_body_share")


def _neighbours(values: np.ndarray, batch: Batch, window: int) -> np.ndarray:
    """The ``values`` (per line: a value or a row) of the lines -``window``
    to ``window`` (0 left out) away in the same document, side by side;
    `MISSING` beyond the document's edges."""
    values = values.astype(np.float32).reshape(len(values), -1)
    n, k = values.shape
    index = np.arange(n)
    first, end = batch.starts[batch.doc_of], batch.starts[batch.doc_of + 1]
    offsets = [offset for offset in range(-window, window + 1) if offset]
    out = np.empty((n, len(offsets), k), dtype=np.float32)
    for j, offset in enumerate(offsets):
        source = index + offset
        inside = (source >= first) & (source < end)
        out[:, j] = np.where(inside[:, None], values[np.clip(source, 0, n - 1)], MISSING)
    return out.reshape(n, len(offsets) * k)


def _line_features(batch: Batch, lexical: np.ndarray, window: int) -> np.ndarray:
    """Shape features and lexical score of each line, and the main ones of
    its neighbours."""
    score = _logit(lexical)
    neighbour = np.column_stack([batch.shape[:, NEIGHBOUR_FEATURES], score])
    score = score.astype(np.float32)[:, None]
    return np.hstack([batch.shape, score, _neighbours(neighbour, batch, window)])


def _sequence_features(batch: Batch, line: np.ndarray, config: Config) -> np.ndarray:
    """Neighbours' line-stage scores, running means, main-block position and
    comment-thread openers above."""
    score = _logit(line).astype(np.float32)
    means = [windowed_mean(line, batch.doc_of, batch.starts, k) for k in (2, 5, 15, 40)]
    return np.hstack(
        [
            score[:, None],
            _neighbours(score, batch, config.context_window),
            np.column_stack(means).astype(np.float32),
            _main_block(batch, line, config.structure_features),
            _after_opener(batch, line, config.thread_article_words),
            batch.shape[:, SEQUENCE_OWN_FEATURES],
        ]
    )


def _main_block(batch: Batch, line: np.ndarray, structure: bool = True) -> np.ndarray:
    """Where each line lies relative to its document's densest body block:
    the contiguous run of lines maximising the sum of (body probability
    minus one half) weighted by words. Columns: inside, lines to the block
    (log, signed), the block's share of the document's lines; with
    ``structure``, also the confident debris lines between the line and the
    block (log, signed: a comment section under the article is full of
    names, dates and "Reply" lines) and the line's place relative to a
    stricter block (body probability minus 0.65)."""
    words = np.expm1(batch.shape[:, 1]).astype(np.float64)  # log_words is column 1
    weight = np.sqrt(words + 1)
    index = np.arange(len(line))
    lines = np.diff(batch.starts)[batch.doc_of]
    start, end = _best_segments((0.5 - line) * weight, batch)
    distance = np.where(index < start, index - start, np.where(index > end, index - end, 0))
    columns = [distance == 0, _signed_log(distance), (end - start + 1) / lines]
    if structure:
        confident = np.zeros(len(line) + 1)  # confident debris lines before each line
        np.cumsum(line > 0.7, out=confident[1:])
        after = confident[index] - confident[end + 1]  # in (end, line)
        last = batch.starts[batch.doc_of + 1]
        before = confident[start] - confident[np.minimum(index + 1, last)]  # in (line, start)
        between = np.where(distance > 0, np.maximum(after, 0), np.where(distance < 0, -before, 0))
        start, end = _best_segments((0.35 - line) * weight, batch)
        distance = np.where(index < start, index - start, np.where(index > end, index - end, 0))
        columns += [_signed_log(between), distance == 0, _signed_log(distance)]
        columns.append((end - start + 1) / lines)
    return np.column_stack(columns).astype(np.float32)


def _after_opener(batch: Batch, line: np.ndarray, article_words: float) -> np.ndarray:
    """Per line, how much likely body text (words weighted by the line stage's
    body probability) its document has above the last comment-thread opener
    at or above it, log count and share of the document's; zero without one.
    Openers with fewer than ``article_words`` above do not count: a thread
    opens under an article, a "0 comments" or a share bar's "Comments" link
    sits over one."""
    words = np.expm1(batch.shape[:, SHAPE_NAMES.index("log_words")]) * (1.0 - line)
    total = np.cumsum(words)
    first = batch.starts[batch.doc_of]
    before = total - words - np.where(first > 0, total[np.maximum(first - 1, 0)], 0.0)
    doc_total = np.bincount(batch.doc_of, weights=words, minlength=len(batch.starts) - 1)
    last = np.where(batch.opener & (before >= article_words), np.arange(len(line)), -1)
    np.maximum.accumulate(last, out=last)  # last opener at or above, any document
    found = last >= first
    mass = np.where(found, before[np.maximum(last, 0)], 0.0)
    share = mass / np.maximum(doc_total[batch.doc_of], 1.0)
    return np.column_stack([np.log1p(mass), share]).astype(np.float32)


def _signed_log(x: np.ndarray) -> np.ndarray:
    return np.sign(x) * np.log1p(np.abs(x))


def _best_segments(gain: np.ndarray, batch: Batch) -> tuple[np.ndarray, np.ndarray]:
    """Per line, the first and last line (batch indices) of its document's
    maximum-sum contiguous run of ``gain``: the run ends where the sum so far
    minus its lowest earlier value peaks, and starts at that lowest point."""
    doc_of = batch.doc_of
    before = np.zeros(len(gain) + 1)  # sum of gain before each line (and after the last)
    np.cumsum(gain, out=before[1:])
    lowest = before[:-1].copy()  # lowest of `before` in the document up to each line
    first = batch.starts[doc_of]
    step = 1
    while step < len(gain):  # a log-step running minimum that stops at document starts
        reach = np.flatnonzero(np.arange(step, len(gain)) - step >= first[step:]) + step
        lowest[reach] = np.minimum(lowest[reach], lowest[reach - step])
        step *= 2
    rise = before[1:] - lowest
    opening = batch.starts[:-1]
    filled = opening < batch.starts[1:]  # documents with lines
    peak = np.zeros(len(opening))
    peak[filled] = np.maximum.reduceat(rise, opening[filled])
    end = np.zeros(len(opening), dtype=np.int64)
    end[filled] = _first_where(rise == peak[doc_of], opening[filled])
    low = np.zeros(len(opening))
    low[filled] = lowest[end[filled]]
    start = np.zeros(len(opening), dtype=np.int64)
    start[filled] = _first_where(before[:-1] == low[doc_of], opening[filled])
    return start[doc_of], end[doc_of]


def _first_where(mask: np.ndarray, opening: np.ndarray) -> np.ndarray:
    """For each document (its first line ``opening``), the first line where
    ``mask`` holds; every document has one."""
    hits = np.flatnonzero(mask)
    return hits[np.searchsorted(hits, opening)]


def _per_document(batch: Batch, probability: np.ndarray, lengths: list[int]) -> list[np.ndarray]:
    out = []
    for d, length in enumerate(lengths):
        p = np.full(length, np.nan)
        p[batch.line_numbers[d]] = probability[batch.starts[d] : batch.starts[d + 1]]
        out.append(p)
    return out


# -- files -------------------------------------------------------------------
def library_versions() -> dict[str, str]:
    """Versions that must match for a saved model to load."""
    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
    }


def shipped_model_path() -> Path:
    """Path of the model bundled with the package."""
    return Path(__file__).parent / "data" / "model.joblib"


def card_path(model_path: Path) -> Path:
    """The JSON model card that sits beside a model file."""
    return Path(model_path).with_suffix(".json")


def save_model(model: LineModel, path: Path, card: dict) -> None:
    """Write the model and its card (``model.joblib`` + ``model.json``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, path, compress=3)
    card = {**card, "versions": model.versions_, "config": asdict(model._config)}
    card_path(path).write_text(
        json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def read_card(path: Path | None = None) -> dict:
    """The model card of ``path`` (default: the shipped model), or {} if none."""
    card = card_path(path or shipped_model_path())
    return json.loads(card.read_text(encoding="utf-8")) if card.exists() else {}


def load_model(path: Path | str | None = None) -> LineModel:
    """Load a model saved by `save_model`, refusing one from another scikit-learn."""
    path = Path(path) if path else shipped_model_path()
    if not path.exists():
        raise FileNotFoundError(f"no model at {path}; train one with `python -m stripper train`")
    trained_with = read_card(path).get("versions", {}).get("scikit-learn")
    if trained_with and trained_with != sklearn.__version__:
        raise ModelVersionError(_version_message(path, trained_with))
    with warnings.catch_warnings():
        warnings.simplefilter("error", InconsistentVersionWarning)
        try:
            model = joblib.load(path)
        except InconsistentVersionWarning as warning:
            raise ModelVersionError(
                _version_message(path, warning.original_sklearn_version)
            ) from None
    if not isinstance(model, LineModel):
        raise TypeError(f"{path} does not hold a stripper LineModel")
    check_features(model, path)
    return model


def check_features(model: object, path: Path, names: tuple[str, ...] | None = None) -> None:
    """Refuse a loaded model whose features (``names``) are not this version's."""
    if tuple(getattr(model, "feature_names_", ())) != (names or FEATURE_NAMES):
        raise ModelVersionError(
            f"{path} was trained on another set of features (an older stripper); "
            "rebuild it with the command in its model card"
        )


def _version_message(path: Path, trained_with: str) -> str:
    return (
        f"{path} was trained with scikit-learn {trained_with}, but {sklearn.__version__} is "
        "installed; rebuild it with `python -m stripper train` (see the model card for the "
        "exact command) or install the matching scikit-learn"
    )
