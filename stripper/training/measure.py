"""Measuring extraction on the public corpora as a user meets pages: unseen.

Every page a user cleans is one the model never saw, so the figure that
predicts it is *leave one corpus out*: for each corpus whose licence allows
training, a model trained on ``training_data/`` and the *other* licensed
corpora scores it; Dragnet and L3S-GN1, which never train a model, are
scored by the model trained on all licensed corpora (`heldout_splits`).
Within-corpus folds would leak a corpus's era and labelling guide into its
own score; CleanEval's dev and final sets share one guide, so they are left
out together.

Outputs are scored per corpus as the corpus defines it (`score`): shingle
precision, recall and F1 against the gold text, or, for trafilatura-eval,
the accuracy of its keep/drop snippets.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .corpora import LICENSED, MEASURE_ONLY, Page, iter_corpus, safe_name, snippet_accuracy
from .labels import LabelledDocument, read_labelled
from .scoring import Scores, shingle_scores

#: Where ``scripts/build_corpus_cache.py`` writes the labelled renderings.
DEFAULT_CACHE = Path.home() / ".cache" / "stripper" / "corpora"
#: Licensed corpora that share a labelling guide, left out together.
FAMILIES = {"cleaneval-dev": "cleaneval", "cleaneval-final": "cleaneval"}


def family(corpus: str) -> str:
    """The group of corpora ``corpus`` is left out with."""
    return FAMILIES.get(corpus, corpus)


@dataclass(frozen=True)
class Split:
    """One model of a leave-one-corpus-out run: what trains it, what it scores."""

    name: str  #: the family left out, or "all" for the measure-only corpora
    train: tuple[str, ...]
    test: tuple[str, ...]


def heldout_splits(corpora: Sequence[str]) -> list[Split]:
    """The splits that score ``corpora``: one per licensed family among them,
    trained on every licensed corpus outside that family (whether or not it
    is among ``corpora``: scoring one corpus trains its model as scoring all
    of them does), and one for the measure-only corpora, trained on every
    licensed one.

    >>> heldout_splits(["readability"])[0].train
    ('cleaneval-dev', 'cleaneval-final', 'cleanportaleval', 'trafilatura-eval')
    """
    splits = []
    for name in dict.fromkeys(family(c) for c in LICENSED if c in corpora):
        test = tuple(c for c in LICENSED if family(c) == name and c in corpora)
        splits.append(Split(name, tuple(c for c in LICENSED if family(c) != name), test))
    measured = tuple(c for c in MEASURE_ONLY if c in corpora)
    if measured:
        splits.append(Split("all", tuple(LICENSED), measured))
    return splits


@dataclass(frozen=True)
class Reference:
    """What a page's output is scored against: gold text, or snippets."""

    page_id: str
    gold: str | None
    keep: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()


def score(outputs: Sequence[str], references: Sequence[Reference]) -> Scores:
    """Shingle P/R/F1 against gold, or snippet accuracy (in all three) where
    the corpus gives snippets only."""
    if references and references[0].gold is None:
        right = total = 0
        for output, ref in zip(outputs, references, strict=True):
            r, t = snippet_accuracy(output, ref.keep, ref.drop)
            right, total = right + r, total + t
        accuracy = right / max(total, 1)
        return Scores(accuracy, accuracy, accuracy, len(references))
    return shingle_scores(outputs, [ref.gold or "" for ref in references])


def page_reference(page: Page) -> Reference:
    """The reference of a corpus page."""
    return Reference(page.page_id, page.gold, page.keep_snippets, page.drop_snippets)


@dataclass(frozen=True)
class CachedCorpus:
    """One corpus in the labelled cache: per page its reference, and per
    renderer its labelled documents (in the same order)."""

    name: str
    references: list[Reference]
    documents: dict[str, list[LabelledDocument]]


def read_cache(cache: Path, corpus: str, renderers: Sequence[str]) -> CachedCorpus:
    """A corpus as ``scripts/build_corpus_cache.py`` wrote it."""
    root = cache / corpus
    if not (root / "manifest.jsonl").exists():
        raise FileNotFoundError(
            f"no cached corpus at {root}; run scripts/build_corpus_cache.py --corpora {corpus}"
        )
    references, documents = [], {r: [] for r in renderers}
    with open(root / "manifest.jsonl", encoding="utf-8") as manifest:
        for line in manifest:
            entry = json.loads(line)
            gold = (root / entry["gold"]).read_text("utf-8") if entry.get("gold") else None
            keep, drop = entry.get("keep_snippets", ()), entry.get("drop_snippets", ())
            references.append(Reference(entry["page_id"], gold, tuple(keep), tuple(drop)))
            for renderer in renderers:
                path = root / entry["labels"][renderer]
                documents[renderer].append(read_labelled(path, root / renderer).cells())
    return CachedCorpus(corpus, references, documents)


def trafilatura_outputs(
    datasets: Path, corpus: str, cache: Path, comments: bool = True
) -> Iterator[tuple[Page, str, float]]:
    """trafilatura ``extract()`` of each page of ``corpus`` (default settings,
    or ``include_comments=False``), with the seconds it took; outputs are
    kept on disk beside the corpus cache (time 0.0 for a kept one)."""
    import trafilatura

    setting = "trafilatura" if comments else "trafilatura-no-comments"
    folder = cache / corpus / setting
    folder.mkdir(parents=True, exist_ok=True)
    for page in iter_corpus(datasets / corpus):
        path = folder / f"{safe_name(page.page_id)}.txt"
        seconds = 0.0
        if not path.exists():
            started = time.perf_counter()
            text = trafilatura.extract(page.html, include_comments=comments) or ""
            seconds = time.perf_counter() - started
            path.write_text(text, encoding="utf-8")
        yield page, path.read_text(encoding="utf-8"), seconds
