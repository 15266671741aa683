"""Adapting the line model to one outlet from a few labelled pages, in seconds.

``python -m stripper adapt LABELLED... --out MODEL`` keeps the base model (the
shipped one, or ``--model``) frozen and fits a logistic outlet stage on the
outlet's labelled lines (`stripper.models.outlet`): no public corpora, no
retraining. The pages are featurised and scored by the base model once; the
stage is then fitted on all of them, and once per page on the others, to
score each page held out: the model's card records how the adapted and the
base model clean the outlet's pages they did not learn from, and, given
pages enough, the stage's threshold is chosen on those held-out scores.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..features.line import featurize
from ..features.templates import line_key
from ..models.files import SHIPPED, load_model, save_model
from ..models.outlet import OutletScorer, outlet_features, template_keys
from ..models.predictors import Linear
from ..models.scorers import LineScorer
from ..models.stages import best_threshold
from ..text.lines import join_kept
from .labels import LabelledDocument, load_documents
from .scoring import shingle_scores


@dataclass(frozen=True)
class _Lines:
    """The outlet's labelled lines as the stage sees them, featurised once."""

    X: object  #: (lines, hashed columns + dense columns), scipy sparse
    dense: int  #: how many of the columns are dense
    target: np.ndarray  #: debris
    known: np.ndarray  #: labelled
    page: np.ndarray  #: the page of each line
    words: np.ndarray  #: the words of each line
    rows: list[np.ndarray]  #: per page, the document line of each row


def _lines(
    base: LineScorer, documents: Sequence[LabelledDocument], templates: np.ndarray
) -> _Lines:
    import scipy.sparse as sp

    features = featurize([d.lines for d in documents], base.stopwords_, base.settings)
    rows, dense = outlet_features(features, base.stage_scores(features), templates)
    labels = [doc.labels[i] for doc, idx in zip(documents, features.line_numbers) for i in idx]
    return _Lines(
        X=sp.hstack([rows.csr(), sp.csr_matrix(dense)]).tocsr(),
        dense=dense.shape[1],
        target=np.array([bool(label) for label in labels]),
        known=np.array([label is not None for label in labels]),
        page=features.doc_of,
        words=np.expm1(features.shape[:, 1]) + 1,
        rows=features.line_numbers,
    )


def _fit(lines: _Lines, mask: np.ndarray, strength: float, balanced: bool) -> Linear:
    """The outlet stage fitted on the labelled lines in ``mask`` (on the
    columns they use only: a few thousand of the 262,144 hashed ones)."""
    from sklearn.linear_model import LogisticRegression

    train = mask & lines.known
    X = lines.X[train]
    width = X.shape[1]
    used = np.union1d(X.indices, np.arange(width - lines.dense, width))
    stage = LogisticRegression(
        C=strength, solver="liblinear", class_weight="balanced" if balanced else None
    )
    stage.fit(X[:, used], lines.target[train])
    coef = np.zeros(width)
    coef[used] = stage.coef_[0]
    split = width - lines.dense
    return Linear(coef[:split], float(stage.intercept_[0]), coef[split:])


def _probability(stage: Linear, lines: _Lines, mask: np.ndarray) -> np.ndarray:
    X = lines.X[mask]
    scores = X[:, : -lines.dense] @ stage.coef + X[:, -lines.dense :] @ stage.dense_coef
    return 1.0 / (1.0 + np.exp(-(np.asarray(scores).ravel() + stage.intercept)))


def _scope(base: LineScorer, stage, templates, outlet, hosts, sha) -> OutletScorer:
    model = OutletScorer(base.config)
    for name in ("stopwords_", "feature_names_", "threshold_", "lexical_", "line_", "sequence_"):
        setattr(model, name, getattr(base, name))
    model.outlet_, model.templates_ = stage, templates
    model.outlet, model.hosts, model.base_sha256 = outlet, tuple(hosts), sha
    return model


def adapt(
    documents: Sequence[LabelledDocument],
    base_path: Path | None = None,
    outlet: str | None = None,
    hosts: Sequence[str] = (),
) -> tuple[OutletScorer, dict]:
    """The base model adapted to the outlet of ``documents``, and its card.

    ``outlet`` defaults to the documents' group (their folder); ``hosts`` are
    the host patterns whose pages the stage scores.
    """
    base_path = Path(base_path) if base_path else SHIPPED["text"]
    base = load_model(base_path)
    sha = hashlib.sha256(base_path.read_bytes()).hexdigest()
    outlet = outlet or documents[0].group
    templates = template_keys([doc.lines for doc in documents])
    lines = _lines(base, documents, templates)
    config = base.settings
    candidates = [(c, b) for c in config.outlet_strengths for b in config.outlet_balanced]
    trials = [_held_out(base, documents, lines, c, b) for c, b in candidates]
    best = max(range(len(trials)), key=lambda i: trials[i][0].get("adapted_f1", 0.0))
    held_out, threshold = trials[best]
    strength, balanced = candidates[best]
    stage = _fit(lines, np.ones(len(lines.target), dtype=bool), strength, balanced)
    stage.intercept += _logit(base.threshold_) - _logit(threshold)  # one threshold for both
    if held_out.get("adapted_f1", 1.0) < held_out.get("base_f1", 0.0):
        stage = None  # it would clean the outlet's pages worse than the base model does
        held_out["note"] = "the outlet stage did worse than the base model on held-out pages: off"
    card = {
        "outlet": outlet,
        "hosts": list(hosts),
        "base_model": {"path": str(base_path), "sha256": sha},
        "data": {"pages": len(documents), "labelled_lines": int(lines.known.sum())},
        "outlet_stage": stage is not None,
        "strength": strength,
        "balanced": balanced,
        "outlet_threshold": threshold,
        "held_out": held_out,
    }
    return _scope(base, stage, templates, outlet, hosts, sha), card


def _held_out(
    base: LineScorer, documents, lines: _Lines, strength: float, balanced: bool
) -> tuple[dict, float]:
    """Each page cleaned by a stage fitted on the others, beside the base model
    (shingle F1 against its labelled body), and the threshold those held-out
    scores choose (0.5 with fewer than ``outlet_threshold_pages`` pages)."""
    if len(documents) < 2:
        return {"note": "one page: nothing to hold out"}, 0.5
    config = base.settings
    held = np.zeros(len(lines.target))
    for k in range(len(documents)):
        page = lines.page == k
        held[page] = _probability(_fit(lines, ~page, strength, balanced), lines, page)
    threshold = 0.5
    if len(documents) >= config.outlet_threshold_pages:
        known = lines.known
        candidates = np.linspace(*config.threshold_range, config.threshold_steps)
        threshold = best_threshold(
            held[known],
            lines.target[known],
            lines.words[known],
            candidates,
            config.threshold_tolerance,
        )
    base_p = base.predict_proba([doc.lines for doc in documents])
    adapted, plain, golds = [], [], []
    for k, doc in enumerate(documents):
        keep = [True] * len(doc.lines)
        for line, p in zip(lines.rows[k], held[lines.page == k]):
            keep[line] = p < threshold
        adapted.append(join_kept(doc.lines, keep))
        with np.errstate(invalid="ignore"):
            plain.append(join_kept(doc.lines, ~(base_p[k] >= base.threshold_)))
        golds.append(join_kept(doc.lines, [label is False for label in doc.labels]))
    scores = {
        "adapted_f1": round(shingle_scores(adapted, golds).f1, 4),
        "base_f1": round(shingle_scores(plain, golds).f1, 4),
        "pages": len(documents),
    }
    return scores, threshold


def pick_pages(base: LineScorer, pages: Sequence, k: int) -> list:
    """The ``k`` pages of an outlet (anything with ``lines``) whose labels would
    teach its outlet stage most: greedily, the page whose lines are the most
    uncertain to the base model (scores near its threshold, weighted by the
    line's length), counting each line for how many of the outlet's pages
    hold it (a template line labelled once is labelled everywhere) and only
    while no page picked before holds it."""
    texts = [[line for line in page.lines if line.strip()] for page in pages]
    keys = [[line_key(line) for line in lines] for lines in texts]
    spread: dict[int, int] = {}
    for page_keys in keys:
        for key in set(page_keys):
            spread[key] = spread.get(key, 0) + 1
    cut = _logit(base.threshold_)
    value = []
    for lines, p in zip(texts, base.predict_proba([page.lines for page in pages])):
        p = np.clip(p[~np.isnan(p)], 1e-4, 1 - 1e-4)
        doubt = np.exp(-np.abs(np.log(p / (1 - p)) - cut))
        value.append(doubt * np.sqrt([len(line.split()) + 1 for line in lines]))
    picked: list[int] = []
    covered: set[int] = set()
    for _ in range(min(k, len(pages))):
        gains = [
            -1.0
            if i in picked
            else sum(
                v * np.log1p(spread[key]) for key, v in zip(keys[i], value[i]) if key not in covered
            )
            for i in range(len(pages))
        ]
        best = int(np.argmax(gains))
        picked.append(best)
        covered |= set(keys[best])
    return [pages[i] for i in picked]


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return float(np.log(p / (1 - p)))


def adapt_command(
    data: Sequence[Path], out: Path, base: Path | None, outlet: str | None, hosts: Sequence[str]
) -> dict:
    """Adapt, save the model and its card, and return the card."""
    model, card = adapt(load_documents(data), base, outlet, hosts)
    save_model(model, out, card)
    return card
