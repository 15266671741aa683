"""Training and evaluating line models on labelled documents.

``python -m stripper train`` fits a `LineModel` on labelled files, prints
cross-validated scores with folds grouped by outlet (no outlet is ever on
both sides of a split), and saves the model with its card.
``python -m stripper evaluate`` scores a saved model on labelled files.
"""

from __future__ import annotations

import json
import random
import shlex
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from sklearn.model_selection import GroupKFold

from .config import Config
from .labels import LabelledDocument, iter_labelled
from .lines import is_blank, join_kept
from .model import LineModel, load_model, save_model, shipped_model_path
from .scoring import Scores, line_scores, shingle_scores

#: The labelled documents that ship with the repository.
DEFAULT_DATA = Path(__file__).resolve().parent.parent / "training_data"


def load_documents(paths: Sequence[Path]) -> list[LabelledDocument]:
    """Every labelled document under ``paths``, grouped by outlet folder, in
    cells (`LabelledDocument.cells`) as stripper classifies them."""
    documents = [doc.cells() for doc in iter_labelled(paths)]
    if not documents:
        raise ValueError(f"no labelled documents (*.txt) under {', '.join(map(str, paths))}")
    return documents


def document_weights(
    documents: Sequence[LabelledDocument], sources: Sequence[str] | None, config: Config
) -> np.ndarray | None:
    """One weight per document balancing its data source against the others.

    Each source (data path) gets a total weight of its labelled lines raised
    to ``config.source_balance`` (times ``config.hand_labelled_weight`` for
    the repository's ``training_data/``), spread evenly over its lines;
    weights are scaled to average 1 per labelled line. None when there is
    one source (every line weighs the same).
    """
    if sources is None or len(set(sources)) < 2:
        return None
    labelled = np.array([sum(x is not None for x in doc.labels) for doc in documents], float)
    names = sorted(set(sources))
    index = np.array([names.index(s) for s in sources])
    per_source = np.bincount(index, weights=labelled, minlength=len(names))
    share = np.maximum(per_source, 1.0) ** config.source_balance
    hand = np.array([_is_hand_labelled(name) for name in names])
    share = np.where(hand, share * config.hand_labelled_weight, share)
    weight = (share / np.maximum(per_source, 1.0))[index]
    return weight * labelled.sum() / max(float((weight * labelled).sum()), 1e-12)


def _is_hand_labelled(source: str) -> bool:
    """Whether a source is the repository's ``training_data/`` (or inside it)."""
    path = Path(source).expanduser().resolve()
    return path == DEFAULT_DATA or DEFAULT_DATA in path.parents


def with_crops(
    documents: Sequence[LabelledDocument], sources: Sequence[str] | None, config: Config
) -> tuple[list[LabelledDocument], list[str] | None]:
    """The documents plus ``config.crops_per_document`` short excerpts of
    each (same outlet and source), drawn reproducibly."""
    rng = random.Random(config.seed)
    out, out_sources = list(documents), None if sources is None else list(sources)
    for k, doc in enumerate(documents):
        content = [i for i, line in enumerate(doc.lines) if not is_blank(line)]
        for _ in range(config.crops_per_document if content else 0):
            first = rng.randrange(len(content))
            last = content[min(first + rng.randint(1, config.crop_lines), len(content)) - 1]
            start = content[first]
            out.append(
                replace(
                    doc,
                    name=f"{doc.name}#lines{start + 1}-{last + 1}",
                    lines=doc.lines[start : last + 1],
                    labels=doc.labels[start : last + 1],
                )
            )
            if out_sources is not None:
                out_sources.append(sources[k])
    return out, out_sources


def fit_documents(
    documents: Sequence[LabelledDocument], config: Config, sources: Sequence[str] | None = None
) -> LineModel:
    """Fit a `LineModel` on labelled documents (plus their short excerpts),
    each data source weighed by `document_weights`; the model's
    ``out_of_fold_`` covers the documents given, in order."""
    augmented, augmented_sources = with_crops(documents, sources, config)
    model = LineModel(config).fit(
        [doc.lines for doc in augmented],
        [doc.labels for doc in augmented],
        groups=[doc.group for doc in augmented],
        sample_weight=document_weights(augmented, augmented_sources, config),
    )
    model.out_of_fold_ = model.out_of_fold_[: len(documents)]
    return model


def _pick(values: Sequence[str] | None, index) -> list[str] | None:
    return None if values is None else [values[i] for i in index]


def out_of_fold_predictions(
    documents: Sequence[LabelledDocument],
    config: Config | None = None,
    sources: Sequence[str] | None = None,
) -> tuple[list[np.ndarray], list[float]]:
    """Debris probabilities of every line (NaN for blank lines), each
    document predicted by a model that never saw its outlet, and per
    document the threshold that model chose. ``sources`` (one per document)
    are balanced as in `train`."""
    config = config or Config()
    groups = [doc.group for doc in documents]
    n_splits = min(config.folds, len(set(groups)))
    if n_splits < 2:
        raise ValueError("cross-validation needs documents from at least two outlets")
    probabilities: list[np.ndarray] = [np.zeros(0)] * len(documents)
    thresholds = [0.5] * len(documents)
    for train, test in GroupKFold(n_splits).split(documents, groups=groups):
        model = fit_documents([documents[i] for i in train], config, _pick(sources, train))
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


def load_sources(data: Sequence[Path]) -> tuple[list[LabelledDocument], list[str]]:
    """Every labelled document under ``data`` and, per document, its source:
    the data path it was found under (the unit `document_weights` balances)."""
    documents: list[LabelledDocument] = []
    sources: list[str] = []
    for path in data:
        found = load_documents([path])
        documents += found
        sources += [str(path)] * len(found)
    return documents, sources


def describe_sources(documents: Sequence[LabelledDocument], sources: Sequence[str]) -> dict:
    """Per data source: outlets, documents (pages), lines and labelled lines."""
    out: dict[str, Counter] = {}
    outlets: dict[str, set] = {}
    for doc, source in zip(documents, sources, strict=True):
        counts = out.setdefault(source, Counter())
        outlets.setdefault(source, set()).add(doc.group)
        counts["documents"] += 1
        counts["lines"] += len(doc.lines)
        counts["body_lines"] += sum(label is False for label in doc.labels)
        counts["debris_lines"] += sum(label is True for label in doc.labels)
    return {s: {"outlets": len(outlets[s]), **dict(c)} for s, c in out.items()}


def stacked_scores(
    documents: Sequence[LabelledDocument],
    sources: Sequence[str],
    probabilities: Sequence[np.ndarray],
    threshold: float,
) -> dict:
    """Scores of out-of-fold probabilities, overall and per data source."""
    scores = {}
    for source in [None, *dict.fromkeys(sources)]:
        picked = [i for i, s in enumerate(sources) if source is None or s == source]
        chosen = [documents[i] for i in picked]
        result = evaluate_probabilities(chosen, [probabilities[i] for i in picked], threshold)
        scores["all" if source is None else source] = result.as_dict()
        if source is not None and _mostly_unlabelled(chosen):
            # snippet-labelled: the labelled body lines are not the article
            del scores[source]["shingle_body"]
    if len(scores) > 1:
        del scores["all"]["shingle_body"]  # pooled over conventions: not meaningful
    return scores


def _mostly_unlabelled(documents: Sequence[LabelledDocument]) -> bool:
    labels = [x for doc in documents for line, x in zip(doc.lines, doc.labels) if line.strip()]
    return sum(label is None for label in labels) > len(labels) / 2


def rebuild_commands(data: Sequence[Path], out: Path | None = None) -> list[str]:
    """The commands that rebuild a model from ``data``, from the repository
    root: the corpus-cache build first when a data path is a rendering in
    the cache of ``scripts/build_corpus_cache.py`` (``<cache>/<corpus>/<renderer>``,
    the corpus folder holding ``manifest.jsonl``), then ``train``."""
    corpora: dict[str, None] = {}
    renderers: dict[str, None] = {}
    caches: dict[str, None] = {}
    for path in map(Path, data):
        if (path.parent / "manifest.jsonl").exists():
            corpora[path.parent.name] = None
            renderers[path.name] = None
            caches[str(path.parent.parent)] = None
    shown = [_shown(p) for p in data]
    train_line = "python -m stripper train " + " ".join(_quote(p) for p in shown)
    if out is not None and Path(out).resolve() != shipped_model_path().resolve():
        train_line += f" --out {shlex.quote(str(out))}"
    if not corpora:
        return [train_line]
    cache = next(iter(caches))
    build = (
        "python scripts/build_corpus_cache.py --datasets ../shared/datasets"
        f" --out {_quote(_shown(Path(cache)))} --corpora {','.join(corpora)}"
        f" --renderers {','.join(renderers)}"
    )
    return [build, train_line]


def _quote(shown: str) -> str:
    """Shell-quote a path but leave a leading ``~/`` for the shell to expand."""
    return "~/" + shlex.quote(shown[2:]) if shown.startswith("~/") else shlex.quote(shown)


def _shown(path: Path) -> str:
    """``path`` as a user would type it: relative to the repository or ~."""
    path = Path(path).resolve()
    for base, prefix in ((DEFAULT_DATA.parent, ""), (Path.home(), "~/")):
        try:
            return prefix + str(path.relative_to(base))
        except ValueError:
            continue
    return str(path)


def train(
    data: Sequence[Path],
    out: Path | None = None,
    config: Config | None = None,
    cross_validate: bool = True,
    log: Callable[[str], None] = print,
) -> dict:
    """Fit on ``data``, save to ``out`` (default: the shipped model) and
    return the model card.

    Each data path is a source weighed by `document_weights`. The
    cross-validated scores in the card are those of the fit's own stacked
    out-of-fold predictions (folds grouped by outlet: every line is scored
    by stage models that never saw its outlet), per source; they cost no
    extra fits. ``cross_validate=False`` leaves them out of the card.
    """
    config = config or Config()
    out = Path(out) if out else shipped_model_path()
    documents, paths = load_sources(data)
    sources = [_shown(Path(source)) for source in paths]  # names for the card
    facts = describe_data(documents)
    facts["total"]["outlets"] = len(facts["groups"])
    per_source = describe_sources(documents, sources)
    facts["sources"] = per_source
    # per-outlet counts only for hand-sized sources; corpora have hundreds of sites
    small = {doc.group for doc, s in zip(documents, sources) if per_source[s]["outlets"] <= 40}
    facts["groups"] = {g: c for g, c in facts["groups"].items() if g in small}
    outlets = len({doc.group for doc in documents})
    log(f"training on {facts['total']} from {outlets} outlets")
    for source, counts in per_source.items():
        log(f"  {source}: {counts}")
    card: dict = {"trained_on": [_shown(p) for p in data], "data": facts}
    started = time.perf_counter()
    model = fit_documents(documents, config, [str(Path(p).resolve()) for p in paths])
    log(f"fitted in {time.perf_counter() - started:.0f} s; threshold {model.threshold_:.2f}")
    if cross_validate:
        card["cross_validation"] = {
            "folds": min(config.folds, outlets),
            "grouped_by": "outlet (first folder under each data path)",
            "method": "stacked out-of-fold predictions of the fit, at its threshold; "
            "gold = the labelled body lines (shingle scores left out for snippet-labelled "
            "sources and for the pool of all sources)",
            "scores": stacked_scores(documents, sources, model.out_of_fold_, model.threshold_),
        }
        for source, scores in card["cross_validation"]["scores"].items():
            shingle = scores.get("shingle_body", "n/a (snippet labels or pooled)")
            log(f"  {source}: shingle {shingle} debris lines {scores['line_debris']}")
    model.out_of_fold_ = None  # training-time diagnostics; not shipped
    card["threshold"] = model.threshold_
    card["rebuild"] = rebuild_commands(data, out)
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
    print(json.dumps(card.get("cross_validation", {}).get("scores", {}), indent=2))
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
