"""Scoring a model on labelled documents, in a form a user can act on.

``python -m stripper evaluate`` scores a saved model on labelled files
(`evaluate`): over all documents, debris lines found (precision, recall, F1
of the positive class) and the body text kept (4-gram shingles against the
labelled body); then the same per outlet (a folder of labelled files), and
per document with the lines it got most wrong, so that a user sees which
pages to label next and what the model misses on them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..models.files import load_model
from ..models.outlet import OutletScorer
from ..text.lines import join_kept
from .labels import LabelledDocument, load_documents
from .scoring import Scores, average, line_scores, page_score

#: Outlets the printed summary lists (the worst first); the report has them all.
OUTLETS_SHOWN = 10


@dataclass(frozen=True)
class WrongLine:
    """A labelled line the model decided the other way."""

    number: int  #: the line's number in its document, from 1
    text: str
    label: str  #: "body" or "debris", as labelled
    probability: float  #: the model's debris probability


@dataclass(frozen=True)
class DocumentScore:
    """One document's scores and its worst lines (the most confident mistakes first)."""

    name: str
    outlet: str
    lines: Scores
    shingles: Scores
    worst: tuple[WrongLine, ...]


@dataclass(frozen=True)
class Evaluation:
    """Line scores for debris and shingle scores of the cleaned text, over
    all documents, per outlet and per document."""

    lines: Scores
    shingles: Scores
    outlets: dict[str, tuple[Scores, Scores]]
    documents: tuple[DocumentScore, ...]

    def as_dict(self) -> dict:
        """The scores over all documents, as JSON-ready data."""
        return {
            "line_debris": _scores_dict(self.lines),
            "shingle_body": _scores_dict(self.shingles),
        }

    def report(self) -> dict:
        """Every score, per outlet and per document too (``evaluate --report``)."""
        return {
            **self.as_dict(),
            "outlets": {
                name: {"line_debris": _scores_dict(lines), "shingle_body": _scores_dict(text)}
                for name, (lines, text) in self.outlets.items()
            },
            "documents": [
                {
                    "name": doc.name,
                    "outlet": doc.outlet,
                    "line_debris": _scores_dict(doc.lines),
                    "shingle_body": _scores_dict(doc.shingles),
                    "worst_lines": [
                        {
                            "line": w.number,
                            "labelled": w.label,
                            "probability": round(w.probability, 4),
                            "text": w.text,
                        }
                        for w in doc.worst
                    ],
                }
                for doc in self.documents
            ],
        }

    def summary(self, documents: int = 5) -> str:
        """Overall scores, a row per outlet, and the ``documents`` worst documents
        with their worst lines."""
        out = [f"debris lines: {self.lines}", f"body text (4-gram shingles): {self.shingles}"]
        if len(self.outlets) > 1:
            ranked = sorted(self.outlets.items(), key=lambda o: o[1][1].f1)
            out += ["", "the worst outlets (body text F1, debris lines F1, documents):"]
            for name, (lines, text) in ranked[:OUTLETS_SHOWN]:
                out.append(f"  {name:<30} {text.f1:.3f}  {lines.f1:.3f}  {text.count}")
            if len(ranked) > OUTLETS_SHOWN:
                out.append(f"  ... and {len(ranked) - OUTLETS_SHOWN} more (--report has them all)")
        imperfect = [d for d in self.documents if d.worst or d.shingles.f1 < 1]
        worst = sorted(imperfect, key=lambda d: d.shingles.f1)[:documents]
        if worst:
            out += ["", f"the {len(worst)} worst documents (body text F1) and their worst lines:"]
        for doc in worst:
            out.append(f"  {doc.name}  {doc.shingles.f1:.3f}")
            for w in doc.worst:
                text = w.text if len(w.text) <= 70 else w.text[:67] + "..."
                out.append(f"    line {w.number}: {w.label}, p={w.probability:.2f}  {text}")
        return "\n".join(out)

    def __str__(self) -> str:
        return self.summary()


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
    worst_lines: int = 3,
) -> Evaluation:
    """Score predicted probabilities (cut at one threshold, or one per
    document) against the documents' labels; keep each document's
    ``worst_lines`` most confident mistakes."""
    if isinstance(threshold, float | int):
        threshold = [float(threshold)] * len(documents)
    scored = [
        _document(doc, p, cut, worst_lines)
        for doc, p, cut in zip(documents, probabilities, threshold, strict=True)
    ]
    by_outlet = defaultdict(list)
    for doc, (_, predicted, actual, page) in zip(documents, scored):
        by_outlet[doc.group].append((predicted, actual, page))
    outlets = {
        name: (
            line_scores([p for r in rows for p in r[0]], [a for r in rows for a in r[1]]),
            average(r[2] for r in rows),
        )
        for name, rows in by_outlet.items()
    }
    predicted = [p for _, ps, _, _ in scored for p in ps]
    actual = [a for _, _, acts, _ in scored for a in acts]
    return Evaluation(
        line_scores(predicted, actual),
        average(page for *_, page in scored),
        outlets,
        tuple(doc for doc, *_ in scored),
    )


def _document(doc: LabelledDocument, p: np.ndarray, cut: float, worst_lines: int):
    debris = np.nan_to_num(p, nan=0.0) >= cut
    predicted, actual, wrong = [], [], []
    for number, (line, label, is_debris, prob) in enumerate(zip(doc.lines, doc.labels, debris, p)):
        if label is None:
            continue
        predicted.append(bool(is_debris))
        actual.append(label)
        if bool(is_debris) != label:
            kind = "debris" if label else "body"
            wrong.append(WrongLine(number + 1, line, kind, float(np.nan_to_num(prob))))
    wrong.sort(key=lambda w: -abs(w.probability - cut))
    gold = join_kept(doc.lines, [label is False for label in doc.labels])
    page = page_score(join_kept(doc.lines, ~debris), gold)
    score = DocumentScore(
        doc.name,
        doc.group,
        line_scores(predicted, actual),
        average([page]),
        tuple(wrong[:worst_lines]),
    )
    return score, predicted, actual, page


def evaluate(
    data: Sequence[Path],
    model_path: Path | None = None,
    threshold: float | None = None,
    worst_lines: int = 3,
) -> Evaluation:
    """Score a saved model on labelled documents. A model adapted to an outlet
    scores the documents of that outlet (their folder is its name) with its
    outlet stage, and every other document as its base model does."""
    documents = load_documents(data)
    model = load_model(model_path)
    cut = model.threshold_ if threshold is None else threshold
    sites = None
    if isinstance(model, OutletScorer):
        sites = ["*" if doc.group == model.outlet else None for doc in documents]
    probabilities = model.predict_proba([doc.lines for doc in documents], sites=sites)
    return evaluate_probabilities(documents, probabilities, cut, worst_lines)
