"""Training and evaluating line models on labelled documents.

``python -m stripper train`` fits a `LineModel` on labelled files, prints
cross-validated scores with folds grouped by outlet (no outlet is ever on
both sides of a split), and saves the model with its card.
``python -m stripper evaluate`` scores a saved model on labelled files.
"""

from __future__ import annotations

import json
import shlex
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.model_selection import GroupKFold

from .config import Config
from .labels import LabelledDocument, iter_labelled
from .lines import join_kept
from .model import LineModel, load_model, save_model, shipped_model_path
from .scoring import Scores, line_scores, shingle_scores

#: The labelled documents that ship with the repository.
DEFAULT_DATA = Path(__file__).resolve().parent.parent / "training_data"


def load_documents(paths: Sequence[Path]) -> list[LabelledDocument]:
    """Every labelled document under ``paths``, grouped by outlet folder."""
    documents = list(iter_labelled(paths))
    if not documents:
        raise ValueError(f"no labelled documents (*.txt) under {', '.join(map(str, paths))}")
    return documents


def _fit(documents: Sequence[LabelledDocument], config: Config) -> LineModel:
    return LineModel(config).fit(
        [doc.lines for doc in documents],
        [doc.labels for doc in documents],
        groups=[doc.group for doc in documents],
    )


def out_of_fold_predictions(
    documents: Sequence[LabelledDocument], config: Config | None = None
) -> tuple[list[np.ndarray], list[float]]:
    """Debris probabilities of every line (NaN for blank lines), each
    document predicted by a model that never saw its outlet, and per
    document the threshold that model chose."""
    config = config or Config()
    groups = [doc.group for doc in documents]
    n_splits = min(config.folds, len(set(groups)))
    if n_splits < 2:
        raise ValueError("cross-validation needs documents from at least two outlets")
    probabilities: list[np.ndarray] = [np.zeros(0)] * len(documents)
    thresholds = [0.5] * len(documents)
    for train, test in GroupKFold(n_splits).split(documents, groups=groups):
        model = _fit([documents[i] for i in train], config)
        predicted = model.predict_proba([documents[i].lines for i in test])
        for i, p in zip(test, predicted):
            probabilities[i] = p
            thresholds[i] = config.threshold or model.threshold_
    return probabilities, thresholds


def out_of_fold_probabilities(
    documents: Sequence[LabelledDocument], config: Config | None = None
) -> list[np.ndarray]:
    """The probabilities of `out_of_fold_predictions`."""
    return out_of_fold_predictions(documents, config)[0]


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


def describe_data(documents: Sequence[LabelledDocument]) -> dict:
    """Counts for the model card: documents and labelled lines per group."""
    per_group: dict[str, Counter] = {}
    for doc in documents:
        counts = per_group.setdefault(doc.group, Counter())
        counts["documents"] += 1
        counts["body_lines"] += sum(label is False for label in doc.labels)
        counts["debris_lines"] += sum(label is True for label in doc.labels)
    total = sum(per_group.values(), Counter())
    return {"total": dict(total), "groups": {g: dict(c) for g, c in sorted(per_group.items())}}


def train(
    data: Sequence[Path],
    out: Path | None = None,
    config: Config | None = None,
    cross_validate: bool = True,
    log: Callable[[str], None] = print,
) -> dict:
    """Fit on ``data``, save to ``out`` (default: the shipped model) and
    return the model card."""
    config = config or Config()
    out = Path(out) if out else shipped_model_path()
    documents = load_documents(data)
    facts = describe_data(documents)
    log(f"training on {facts['total']} from {len(facts['groups'])} outlets")
    card: dict = {"trained_on": [str(p) for p in data], "data": facts}
    if cross_validate:
        started = time.perf_counter()
        probabilities, thresholds = out_of_fold_predictions(documents, config)
        evaluation = evaluate_probabilities(documents, probabilities, thresholds)
        card["cross_validation"] = {
            "folds": min(config.folds, len(facts["groups"])),
            "grouped_by": "outlet (first folder under each data path)",
            **evaluation.as_dict(),
        }
        log(f"cross-validated ({time.perf_counter() - started:.0f} s):\n{evaluation}")
    started = time.perf_counter()
    model = _fit(documents, config)
    log(f"fitted on all data in {time.perf_counter() - started:.0f} s; threshold {model.threshold_:.2f}")
    card["threshold"] = model.threshold_
    card["rebuild"] = "python -m stripper train " + " ".join(shlex.quote(str(p)) for p in data)
    save_model(model, out, card)
    log(f"saved {out} and {out.with_suffix('.json').name}")
    return card


def evaluate(
    data: Sequence[Path], model_path: Path | None = None, threshold: float | None = None
) -> Evaluation:
    """Score a saved model on labelled documents."""
    documents = load_documents(data)
    model = load_model(model_path)
    cut = model.threshold_ if threshold is None else threshold
    probabilities = model.predict_proba([doc.lines for doc in documents])
    return evaluate_probabilities(documents, probabilities, cut)


def train_command(data: list[Path], out: Path | None, config: Config, quiet: bool) -> int:
    """The ``train`` subcommand; returns the exit code."""
    log = (lambda _: None) if quiet else (lambda line: print(line, file=sys.stderr))
    card = train(data or [DEFAULT_DATA], out, config, log=log)
    print(json.dumps(card.get("cross_validation", {}), indent=2))
    return 0


def evaluate_command(
    data: list[Path], model: Path | None, threshold: float | None, report: Path | None
) -> int:
    """The ``evaluate`` subcommand; returns the exit code."""
    evaluation = evaluate(data, model, threshold)
    print(evaluation)
    if report:
        Path(report).write_text(json.dumps(evaluation.as_dict(), indent=2) + "\n", encoding="utf-8")
    return 0
