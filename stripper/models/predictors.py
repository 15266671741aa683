"""The fitted stages as plain numpy arrays: what a model file holds and how it scores.

Training uses scikit-learn; a fitted stage is then turned into one of these
two predictors (`Linear.of`, `Forest.of`), which hold nothing but numpy
arrays (`arrays`, `from_arrays`: written into a model file and read back
without unpickling) and score with numpy alone, as the scikit-learn
estimator they came from does (to 1e-12; the trees exactly), whatever
scikit-learn is installed, and without importing it.

`Forest` walks every tree at once, level by level: the state is one node per
(tree, row) pair, and a level is a few numpy calls however many trees there
are — scikit-learn calls its compiled predictor once per tree, which costs
more than the arithmetic on one document's few hundred rows. Every few
levels the pairs that have reached a leaf are set aside, so that deep
levels walk only the pairs still moving.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..features.words import HashedRows

#: Levels between two settings-aside of the (tree, row) pairs that reached a
#: leaf: about half the pairs have after three levels, and each setting-aside
#: costs a few numpy calls.
_SET_ASIDE_EVERY = 3
#: Pairs still moving at a setting-aside at or below which the walk finishes
#: them one by one in Python: a numpy call costs as much as a few Python
#: steps, and the deep levels of a document's walk move a handful of pairs.
_FEW_PAIRS = 16


class Linear:
    """A linear score over sparse hashed words and, optionally, a few dense
    columns: ``rows @ coef + dense @ dense_coef + intercept``."""

    def __init__(
        self, coef: np.ndarray, intercept: float, dense_coef: np.ndarray | None = None
    ) -> None:
        self.coef = np.ascontiguousarray(coef, dtype=np.float64)
        self.intercept = float(intercept)
        self.dense_coef = np.zeros(0) if dense_coef is None else np.asarray(dense_coef, float)

    @classmethod
    def of(cls, model, dense: int = 0) -> Linear:
        """The predictor of a fitted binary linear scikit-learn classifier,
        whose last ``dense`` columns were dense ones."""
        coef = model.coef_[0]
        split = len(coef) - dense
        return cls(coef[:split], model.intercept_[0], coef[split:])

    def decision(self, X: HashedRows, dense: np.ndarray | None = None) -> np.ndarray:
        """``model.decision_function`` of binary hashed rows (and their dense columns)."""
        weights = self.coef.take(X.indices)
        score = np.bincount(X.row_of_entries(), weights, minlength=X.shape[0]) + self.intercept
        if len(self.dense_coef):
            score += dense @ self.dense_coef
        return score

    def arrays(self) -> dict[str, np.ndarray]:
        """The arrays that make up this predictor."""
        arrays = {"coef": self.coef, "intercept": np.array(self.intercept)}
        return {**arrays, "dense_coef": self.dense_coef}

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> Linear:
        """Rebuild from `arrays`."""
        dense = arrays.get("dense_coef")
        return cls(arrays["coef"], float(arrays["intercept"]), dense)


class Forest:
    """A binary gradient-boosted tree ensemble (scikit-learn's
    ``HistGradientBoostingClassifier``) as arrays over all trees' nodes.

    Node ``i`` goes left when ``x[feature[i]] <= threshold[i]``, or when that
    value is NaN and ``missing_left[i]``; a leaf holds ``value[i]``. The raw
    score is ``baseline`` plus the reached leaves' values, summed in tree
    order, as scikit-learn sums them.
    """

    _ARRAYS = ("roots", "feature", "threshold", "missing_left", "left", "right", "leaf", "value")

    def __init__(
        self,
        n_features: int,
        baseline: float,
        roots: np.ndarray,
        feature: np.ndarray,
        threshold: np.ndarray,
        missing_left: np.ndarray,
        left: np.ndarray,
        right: np.ndarray,
        leaf: np.ndarray,
        value: np.ndarray,
    ) -> None:
        self.n_features, self.baseline = int(n_features), float(baseline)
        self.roots = np.asarray(roots, dtype=np.intp)
        self.feature = np.asarray(feature, dtype=np.intp)
        self.threshold = np.asarray(threshold, dtype=np.float64)
        self.missing_left = np.asarray(missing_left, dtype=bool)
        self.left = np.asarray(left, dtype=np.intp)
        self.right = np.asarray(right, dtype=np.intp)
        self.leaf = np.asarray(leaf, dtype=bool)
        self.value = np.asarray(value, dtype=np.float64)
        self._check()
        self._prepare()

    @classmethod
    def of(cls, model) -> Forest:
        """The predictor of a fitted binary ``HistGradientBoostingClassifier``
        (numeric features only)."""
        if getattr(model, "n_trees_per_iteration_", 1) != 1:
            raise ValueError("only binary classifiers (one tree per iteration) are supported")
        if np.any(getattr(model, "is_categorical_", None) or False):
            raise ValueError("categorical features are not supported")
        parts: dict[str, list] = {name: [] for name in cls._ARRAYS}
        offset = 0
        for (tree,) in model._predictors:
            nodes = tree.nodes
            leaf = nodes["is_leaf"].astype(bool)
            parts["roots"].append([offset])
            parts["feature"].append(np.where(leaf, 0, nodes["feature_idx"]))
            parts["threshold"].append(np.where(leaf, 0.0, nodes["num_threshold"]))
            parts["missing_left"].append(~leaf & nodes["missing_go_to_left"].astype(bool))
            parts["left"].append(np.where(leaf, 0, nodes["left"].astype(np.intp) + offset))
            parts["right"].append(np.where(leaf, 0, nodes["right"].astype(np.intp) + offset))
            parts["leaf"].append(leaf)
            parts["value"].append(np.where(leaf, nodes["value"], 0.0))
            offset += len(nodes)
        baseline = float(np.asarray(model._baseline_prediction).ravel()[0])
        joined = {name: np.concatenate(values) for name, values in parts.items()}
        return cls(model.n_features_in_, baseline, **joined)

    def arrays(self) -> dict[str, np.ndarray]:
        """The arrays that make up this predictor."""
        arrays = {name: getattr(self, name) for name in self._ARRAYS}
        arrays["n_features"] = np.array(self.n_features)
        arrays["baseline"] = np.array(self.baseline)
        return arrays

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> Forest:
        """Rebuild from `arrays` (checked: a broken file raises ``ValueError``)."""
        return cls(
            int(arrays["n_features"]),
            float(arrays["baseline"]),
            **{name: arrays[name] for name in cls._ARRAYS},
        )

    def _check(self) -> None:
        """Refuse arrays that do not form trees over ``n_features`` features."""
        n = len(self.feature)
        if any(getattr(self, name).shape != (n,) for name in self._ARRAYS[1:]):
            raise ValueError("node arrays of different lengths")
        if not len(self.roots) or np.any((self.roots < 0) | (self.roots >= n)):
            raise ValueError("tree roots out of range")
        inner = ~self.leaf
        for child in (self.left[inner], self.right[inner]):
            if np.any((child < 0) | (child >= n)):
                raise ValueError("child nodes out of range")
        features = self.feature[inner]
        if np.any((features < 0) | (features >= self.n_features)):
            raise ValueError("feature index out of range")
        if np.any(np.isnan(self.threshold[inner]) | (self.threshold[inner] == -np.inf)):
            raise ValueError("thresholds must be numbers or +inf")

    def _prepare(self) -> None:
        """Tables for the level-by-level walk.

        The state holds 2 × node, and a step is ``s = child2[s + (x <= thr2[s])]``
        with ``child2[2i] = 2 right(i)`` and ``child2[2i + 1] = 2 left(i)``;
        a leaf has a NaN threshold (never ``<=``) and itself as child. NaN
        inputs are routed without branching: the input is widened to ``[X |
        X with NaN as -inf]`` and a node whose NaN goes left reads the second
        half. Trees are walked deepest first, so that at each level only a
        prefix of the state still moves.
        """
        n = len(self.feature)
        node = np.arange(n, dtype=np.intp)
        depth = np.full(n, -1)
        depth[self.roots] = 0
        frontier = self.roots
        while len(frontier):
            frontier = frontier[~self.leaf[frontier]]
            children = np.concatenate([self.left[frontier], self.right[frontier]])
            if np.any(depth[children] != -1):
                raise ValueError("a node is reached twice: not a forest")
            depth[children] = np.concatenate([depth[frontier]] * 2) + 1
            frontier = children
        tree_depth = np.array([depth[a:b].max() for a, b in zip(self.roots, [*self.roots[1:], n])])
        self._order = np.argsort(-tree_depth, kind="stable")  # deepest first
        self._unorder = np.argsort(self._order, kind="stable")
        self._moving = [int((tree_depth > level).sum()) for level in range(tree_depth.max())]
        self._threshold2 = np.repeat(np.where(self.leaf, np.nan, self.threshold), 2)
        plain = np.where(self.leaf, 0, self.feature)
        self._column2 = np.repeat(plain, 2)
        self._column2_wide = np.repeat(plain + self.n_features * self.missing_left, 2)
        child = np.empty(2 * n, dtype=np.intp)
        child[0::2] = 2 * np.where(self.leaf, node, self.right)
        child[1::2] = 2 * np.where(self.leaf, node, self.left)
        self._child2 = child
        self._value2 = np.repeat(self.value, 2)
        self._inner2 = np.repeat(~self.leaf, 2)
        self._roots2 = 2 * self.roots[self._order]
        # the same tables as lists, for `_walk_few`
        self._steps = {
            name: getattr(self, name).tolist()
            for name in ("_child2", "_threshold2", "_inner2", "_column2", "_column2_wide")
        }

    def decision(self, X: np.ndarray) -> np.ndarray:
        """Raw scores (log-odds of class 1) of the rows of ``X``, as
        ``model._raw_predict(X)`` gives them; no rows give none."""
        X = np.ascontiguousarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.n_features:
            raise ValueError(f"expected rows of {self.n_features} features, got {X.shape}")
        rows = len(X)
        if not rows:
            return np.zeros(0)
        width, columns = self.n_features, self._column2
        if np.isnan(np.minimum.reduce(X, axis=None)):  # any NaN
            X = np.hstack([X, np.where(np.isnan(X), -np.inf, X)])
            width, columns = 2 * self.n_features, self._column2_wide
        x = X.ravel()
        trees = len(self.roots)
        state = self._roots2.repeat(rows)  # tree-major: tree t's rows at t * rows
        offset = np.arange(0, rows * width, width, dtype=np.intp)[None].repeat(trees, 0).ravel()
        child, threshold = self._child2, self._threshold2
        walked, where = state, None  # the pairs still walked, and their places in `state`
        for level, moving in enumerate(self._moving):
            if level and level % _SET_ASIDE_EVERY == 0:  # keep only the pairs not at a leaf
                if where is not None:
                    state[where] = walked
                keep = self._inner2.take(walked).nonzero()[0]
                where = keep if where is None else where.take(keep)
                walked, offset = walked.take(keep), offset.take(keep)
                if len(walked) <= _FEW_PAIRS:
                    walked = self._walk_few(walked, offset, x, columns is self._column2_wide)
                    break
            s = walked[: moving * rows] if where is None else walked
            column = columns.take(s)
            column += offset if where is not None else offset[: len(s)]
            s += np.less_equal(x.take(column), threshold.take(s))
            child.take(s, out=s, mode="clip")  # in place ("clip": no buffer; all in range)
        if where is not None:
            state[where] = walked
        leaves = self._value2.take(state).reshape(trees, rows)[self._unorder]
        leaves[0] += self.baseline  # ((baseline + v0) + v1) + ..., as scikit-learn adds
        if rows == 1:  # numpy would add a single column pairwise, not in order
            return np.add.accumulate(leaves[:, 0])[-1:]
        return np.add.reduce(leaves, axis=0)

    def _walk_few(
        self, state: np.ndarray, offset: np.ndarray, x: np.ndarray, wide: bool
    ) -> np.ndarray:
        """The leaf (2 × node) that each pair at ``state`` reaches, reading
        its row at ``offset`` of ``x``: the walk's step, pair by pair in Python."""
        steps = self._steps
        child, threshold, inner = steps["_child2"], steps["_threshold2"], steps["_inner2"]
        columns = steps["_column2_wide" if wide else "_column2"]
        leaves = []
        for s, row in zip(state.tolist(), offset.tolist()):
            while inner[s]:
                s = child[s + (x.item(columns[s] + row) <= threshold[s])]
            leaves.append(s)
        return np.array(leaves, dtype=np.intp)

    def probability(self, X: np.ndarray) -> np.ndarray:
        """Probability of class 1 (debris) of the rows of ``X``, as
        ``model.predict_proba(X)[:, 1]`` gives it."""
        return expit(self.decision(X))


def expit(x: np.ndarray) -> np.ndarray:
    """The logistic function, as scikit-learn turns a raw score into a probability."""
    return 1.0 / (1.0 + np.exp(-x))
