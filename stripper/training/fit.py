"""Training the line model on labelled documents.

``python -m stripper train`` fits a `LineModel` on labelled files (`train`),
prints cross-validated scores with folds grouped by outlet (no outlet is
ever on both sides of a split), and saves the model with its card. Each
data path given is a *source*; sources are balanced against each other
(`document_weights`), each times the factor given for it (``--weight``).
"""

from __future__ import annotations

import random
import shlex
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..config import Config
from ..features.templates import SiteTemplates
from ..models.files import SHIPPED, save_model
from ..models.line import LineModel
from ..models.stages import grouped_folds
from ..text.lines import is_blank
from .evaluate import evaluate_probabilities
from .labels import LabelledDocument, load_documents

#: The repository root, and the labelled documents that ship with it.
REPOSITORY = Path(__file__).resolve().parents[2]
DEFAULT_DATA = REPOSITORY / "training_data"


def document_weights(
    documents: Sequence[LabelledDocument],
    sources: Sequence[str] | None,
    config: Config,
    factors: Mapping[str, float] | None = None,
) -> np.ndarray | None:
    """One weight per document balancing its data source against the others.

    Each source gets a total weight of its labelled lines raised to
    ``config.source_balance``, times its factor in ``factors`` (default 1),
    spread evenly over its lines; weights are scaled to average 1 per
    labelled line. None when there is one source and no factor (every line
    weighs the same).
    """
    factors = factors or {}
    if sources is None or (len(set(sources)) < 2 and not factors):
        return None
    labelled = np.array([sum(x is not None for x in doc.labels) for doc in documents], float)
    names = sorted(set(sources))
    index = np.array([names.index(s) for s in sources])
    per_source = np.bincount(index, weights=labelled, minlength=len(names))
    share = np.maximum(per_source, 1.0) ** config.source_balance
    share = share * np.array([factors.get(name, 1.0) for name in names])
    weight = (share / np.maximum(per_source, 1.0))[index]
    return weight * labelled.sum() / max(float((weight * labelled).sum()), 1e-12)


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
    documents: Sequence[LabelledDocument],
    config: Config,
    sources: Sequence[str] | None = None,
    factors: Mapping[str, float] | None = None,
) -> LineModel:
    """Fit a `LineModel` on labelled documents (plus their short excerpts),
    each data source weighed by `document_weights`; the model's
    ``out_of_fold_`` covers the documents given, in order."""
    augmented, augmented_sources = with_crops(documents, sources, config)
    model = LineModel(config).fit(
        [doc.lines for doc in augmented],
        [doc.labels for doc in augmented],
        groups=[doc.group for doc in augmented],
        sample_weight=document_weights(augmented, augmented_sources, config, factors),
        evidence=site_evidence(
            documents, sources, config.site_evidence_share, config.seed, config.template_pages
        )
        + [None] * (len(augmented) - len(documents)),  # excerpts are cleaned alone
    )
    model.out_of_fold_ = model.out_of_fold_[: len(documents)]
    return model


def site_of(doc: LabelledDocument) -> str | None:
    """The site a labelled document comes from: its outlet (None where unknown)."""
    return None if doc.group in ("", "unknown") else doc.group


def site_evidence(
    documents: Sequence[LabelledDocument],
    sources: Sequence[str] | None = None,
    share: float = 1.0,
    seed: int = 0,
    max_pages: int | None = Config.template_pages,
) -> list[np.ndarray | None]:
    """What the other documents of each document's site say of its lines
    (`stripper.features.templates`), for a ``share`` of the documents drawn
    reproducibly (the others get none).

    Sites are told apart per source (``sources``, one per document): a
    corpus rendered twice is two sources, and the other rendering of a page
    is not another page of its site (counted as one, it would show every
    line of the article as on one other page)."""
    sites = [
        None if site_of(doc) is None else f"{'' if sources is None else sources[i]}\0{site_of(doc)}"
        for i, doc in enumerate(documents)
    ]
    templates = SiteTemplates()
    for doc, site in zip(documents, sites):
        if site is not None:
            templates.add(doc.lines, site)
    rng = random.Random(seed)
    return [
        templates.evidence(doc.lines, site, max_pages) if rng.random() < share else None
        for doc, site in zip(documents, sites)
    ]


def out_of_fold_predictions(
    documents: Sequence[LabelledDocument],
    config: Config | None = None,
    sources: Sequence[str] | None = None,
    factors: Mapping[str, float] | None = None,
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
    fold = grouped_folds(groups, n_splits)
    probabilities: list[np.ndarray] = [np.zeros(0)] * len(documents)
    thresholds = [0.5] * len(documents)
    for k in range(n_splits):
        train, test = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
        picked = None if sources is None else [sources[i] for i in train]
        model = fit_documents([documents[i] for i in train], config, picked, factors)
        tested = [documents[i] for i in test]
        tested_sources = None if sources is None else [sources[i] for i in test]
        evidence = site_evidence(tested, tested_sources, max_pages=config.template_pages)
        predicted = model.predict_proba([d.lines for d in tested], evidence)
        for i, p in zip(test, predicted):
            probabilities[i] = p
            thresholds[i] = model.threshold_
    return probabilities, thresholds


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
    the data path it was found under (the unit `document_weights` balances).
    A document under two data paths (``training_data`` and
    ``training_data/seeds``) is read once, as part of the deeper one."""
    by_depth = sorted(data, key=lambda p: len(Path(p).resolve().parts), reverse=True)
    claimed: set[Path] = set()
    found: dict[Path, list[LabelledDocument]] = {}
    for path in map(Path, by_depth):
        documents = load_documents([path])
        files = [(path / d.name if path.is_dir() else path).resolve() for d in documents]
        found[path] = [d for d, f in zip(documents, files) if f not in claimed]
        claimed |= set(files)
    documents, sources = [], []
    for path in map(Path, data):
        documents += found[path]
        sources += [str(path)] * len(found[path])
    if not documents:
        raise ValueError(f"no labelled documents (*.txt) under {', '.join(map(str, data))}")
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


def rebuild_commands(
    data: Sequence[Path], out: Path, weights: Mapping[Path, float] | None = None
) -> list[str]:
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
    train_line = "python -m stripper train " + " ".join(_quote(_shown(p)) for p in data)
    for path, factor in (weights or {}).items():
        train_line += f" --weight {_quote(_shown(path))}={factor:g}"
    train_line += f" --out {_quote(_shown(out))}"
    if Path(out).resolve() == SHIPPED["text"]:
        train_line += " --replace-shipped"
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
    out: Path,
    config: Config | None = None,
    weights: Mapping[Path, float] | None = None,
    cross_validate: bool = True,
    log: Callable[[str], None] = print,
) -> dict:
    """Fit on ``data``, save the model to ``out`` and return its card.

    Each data path is a source weighed by `document_weights`, times its
    factor in ``weights`` (keys: data paths). The cross-validated scores in
    the card are those of the fit's own stacked out-of-fold predictions
    (folds grouped by outlet: every line is scored by stage models that
    never saw its outlet), per source; they cost no extra fits.
    ``cross_validate=False`` leaves them out of the card.
    """
    config = config or Config()
    out = Path(out)
    data = [Path(p) for p in data]
    weights = {Path(p): float(f) for p, f in (weights or {}).items()}
    resolved = {p.resolve() for p in data}
    unknown = [str(p) for p in weights if p.resolve() not in resolved]
    if unknown:
        raise ValueError(f"--weight names a path that is not a data path: {', '.join(unknown)}")
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
    card: dict = {
        "trained_on": [_shown(p) for p in data],
        "weights": {_shown(p): f for p, f in weights.items()},
        "data": facts,
    }
    started = time.perf_counter()
    keys = [str(Path(p).resolve()) for p in paths]
    factors = {str(p.resolve()): f for p, f in weights.items()}
    model = fit_documents(documents, config, keys, factors)
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
    card["rebuild"] = rebuild_commands(data, out, weights)
    save_model(model, out, card)
    log(f"saved {out} and {out.with_suffix('.json').name}")
    return card
