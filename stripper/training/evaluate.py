"""Scoring a model on labelled documents: line scores and the shingle measure.

``python -m stripper evaluate`` scores a saved model on labelled files
(`evaluate`): debris lines found (precision, recall, F1 of the positive
class) and the body text kept (4-gram shingles against the labelled body).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..models.files import load_model
from ..text.lines import join_kept
from .labels import LabelledDocument, load_documents
from .scoring import Scores, line_scores, shingle_scores


@dataclass(frozen=True)
class Evaluation:
    """Line scores for debris and shingle scores of the cleaned text."""

    lines: Scores
    shingles: Scores

    def as_dict(self) -> dict:
        return {
            "line_debris": _scores_dict(self.lines),
            "shingle_body": _scores_dict(self.shingles),
        }

    def __str__(self) -> str:
        return f"debris lines: {self.lines}\nbody text (4-gram shingles): {self.shingles}"


def _scores_dict(scores: Scores) -> dict:
    return {
        "precision": round(scores.precision, 4),
        "recall": round(scores.recall, 4),
        "f1": round(scores.f1, 4),
        "count": scores.count,
    }


def evaluate_probabilities(
    documents: Sequence[LabelledDocument],
    probabilities: Sequence[np.ndarray],
    threshold: float | Sequence[float],
) -> Evaluation:
    """Score predicted probabilities (cut at one threshold, or one per
    document) against the documents' labels."""
    if isinstance(threshold, float | int):
        threshold = [float(threshold)] * len(documents)
    predicted, actual, outputs, golds = [], [], [], []
    for doc, p, cut in zip(documents, probabilities, threshold, strict=True):
        debris = np.nan_to_num(p, nan=0.0) >= cut
        for label, is_debris in zip(doc.labels, debris):
            if label is not None:
                predicted.append(bool(is_debris))
                actual.append(label)
        outputs.append(join_kept(doc.lines, ~debris))
        golds.append(join_kept(doc.lines, [label is False for label in doc.labels]))
    return Evaluation(line_scores(predicted, actual), shingle_scores(outputs, golds))


def evaluate(
    data: Sequence[Path], model_path: Path | None = None, threshold: float | None = None
) -> Evaluation:
    """Score a saved model on labelled documents."""
    documents = load_documents(data)
    model = load_model(model_path)
    cut = model.threshold_ if threshold is None else threshold
    probabilities = model.predict_proba([doc.lines for doc in documents])
    return evaluate_probabilities(documents, probabilities, cut)
